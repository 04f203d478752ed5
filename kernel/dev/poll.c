/*
 * poll.c - poll(2), ppoll(2), select(2), pselect6(2), and poll_wait(),
 * the hook every file's poll op uses to say which wait queues can wake a
 * poller.
 *
 * One pass asks every file for its ready mask; its poll op calls
 * poll_wait(f, wq, pt) for each queue that could change the answer, and
 * poll_wait puts the calling thread on that queue (prepare_to_wait, which
 * also marks it asleep). If nothing is ready the thread sleeps until any of
 * them is woken, a signal arrives or the deadline passes, then takes all
 * entries off the queues and tries again.
 *
 * Lost wake-ups: prepare_to_wait marks the thread asleep each time it
 * registers, so a wake-up from an interrupt (the console) between the
 * registration on one queue and the next would be undone by the next. So
 * a pass that found nothing is followed by a second pass that registers
 * nothing: every condition is re-tested after the last time the thread
 * was marked asleep, and any wake-up after that test makes schedule()
 * return at once.
 *
 * A poll table entry holds a reference to its file, so a descriptor
 * closed by another thread while we sleep cannot free the wait queue our
 * entry is on.
 *
 * Signals: a wait cut short by a signal returns -ERESTARTNOHAND (restarted
 * only if no handler runs), except poll(2) with a finite timeout, which
 * Linux restarts with the remaining time and synthos answers with EINTR.
 * ppoll/pselect6 install their signal mask for the duration of the call;
 * when a signal interrupts them the mask stays until the signal has been
 * delivered (current->restore_blocked), as Linux does.
 *
 * No shared state: a poll_table lives on its caller's stack (plus chunks
 * from kmalloc when it outgrows its inline entries).
 */
#include <synthos/errno.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/syscall.h>
#include <synthos/time.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <synthos/wait.h>
#include <arch/page.h>
#include <arch/sigframe.h>

#ifndef POLLRDBAND
#define POLLRDBAND 0x080
#endif
#ifndef POLLWRBAND
#define POLLWRBAND 0x200
#endif
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define POLLIN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET  POLLPRI

struct poll_entry {
	struct file *file;              /* a reference */
	struct waitq *wq;
	struct wait_entry we;
};

#define POLL_INLINE 24
#define POLL_CHUNK_ENTRIES ((PAGE_SIZE - 16) / sizeof(struct poll_entry))

struct poll_chunk {
	struct poll_chunk *next;
	size_t n;
	struct poll_entry e[POLL_CHUNK_ENTRIES];
};

struct poll_table {
	int error;                      /* -ENOMEM if an entry could not be made */
	size_t n_inline;
	struct poll_entry inline_e[POLL_INLINE];
	struct poll_chunk *chunks;      /* newest first */
	/* Always registered first, so that a pass with no queue at all
	 * (no descriptors; only a timeout) still marks the thread asleep. */
	struct waitq self_wq;
	struct wait_entry self_we;
};

static void poll_table_init(struct poll_table *pt)
{
	memset(pt, 0, sizeof(*pt));
	waitq_init(&pt->self_wq);
}

static struct poll_entry *poll_entry_alloc(struct poll_table *pt)
{
	if (pt->n_inline < POLL_INLINE)
		return &pt->inline_e[pt->n_inline++];
	struct poll_chunk *c = pt->chunks;
	if (!c || c->n == POLL_CHUNK_ENTRIES) {
		c = kmalloc(sizeof(*c));
		if (!c)
			return NULL;
		c->n = 0;
		c->next = pt->chunks;
		pt->chunks = c;
	}
	return &c->e[c->n++];
}

void poll_wait(struct file *f, struct waitq *wq, struct poll_table *pt)
{
	if (!pt || !wq)
		return;
	struct poll_entry *e = poll_entry_alloc(pt);
	if (!e) {
		pt->error = -ENOMEM;
		return;
	}
	e->file = f ? file_get(f) : NULL;
	e->wq = wq;
	e->we = (struct wait_entry){ 0 };
	prepare_to_wait(wq, &e->we, true);
}

static void poll_entry_free(struct poll_entry *e)
{
	finish_wait(e->wq, &e->we);
	if (e->file)
		file_put(e->file);
}

/* Take every entry off its queue and drop the files; the table is reusable. */
static void poll_table_release(struct poll_table *pt)
{
	for (size_t i = 0; i < pt->n_inline; i++)
		poll_entry_free(&pt->inline_e[i]);
	pt->n_inline = 0;
	while (pt->chunks) {
		struct poll_chunk *c = pt->chunks;
		for (size_t i = 0; i < c->n; i++)
			poll_entry_free(&c->e[i]);
		pt->chunks = c->next;
		kfree(c);
	}
	finish_wait(&pt->self_wq, &pt->self_we);
}

/* The ready mask of f, registering on its queues when pt is given. */
static unsigned file_poll(struct file *f, struct poll_table *pt)
{
	if (!f->ops || !f->ops->poll)
		return DEFAULT_POLLMASK;
	return f->ops->poll(f, pt);
}

typedef int (*poll_pass_fn)(void *ctx, struct poll_table *pt);

/*
 * The loop shared by all four calls: passes until one finds something (its
 * count, or a negative error), the deadline passes (0), or a signal comes
 * (-ERESTARTNOHAND). deadline 0 = wait forever; no_wait = one pass only.
 */
static int poll_loop(poll_pass_fn pass, void *ctx, uint64_t deadline, bool no_wait)
{
	struct poll_table pt;
	bool timed_out = no_wait;
	int count;

	poll_table_init(&pt);
	for (;;) {
		if (!timed_out) {
			prepare_to_wait(&pt.self_wq, &pt.self_we, true);
			count = pass(ctx, &pt);
			if (!count)
				count = pass(ctx, NULL);   /* see "Lost wake-ups" */
		} else {
			count = pass(ctx, NULL);
		}
		if (!count) {
			if (pt.error)
				count = pt.error;
			else if (current_signal_pending())
				count = -ERESTARTNOHAND;
		}
		if (count || timed_out)
			break;
		if (!schedule_until(deadline))
			timed_out = true;
		poll_table_release(&pt);
	}
	poll_table_release(&pt);
	return count;
}

/* ---- timeouts ---- */

struct k_timespec {
	int64_t tv_sec, tv_nsec;
};

struct k_timeval {
	int64_t tv_sec, tv_usec;
};

/* An absolute deadline from a relative timeout; saturates far in the future. */
static uint64_t deadline_after(int64_t sec, int64_t nsec)
{
	uint64_t now = time_ns();
	if ((uint64_t)sec >= (UINT64_MAX - now) / NSEC_PER_SEC - 1)
		return 0;               /* centuries: the same as forever */
	return now + (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
}

/*
 * Linux's poll_select_finish: write the time left back to the caller's
 * timespec/timeval (not for a zero timeout); a failed write turns a
 * would-be restart into EINTR, since the restart could not use it.
 */
static int write_back_timeout(void *utime, bool is_timeval, bool zero_timeout,
			      uint64_t deadline, int ret)
{
	if (!utime || zero_timeout)
		return ret;
	uint64_t now = time_ns(), left = deadline > now ? deadline - now : 0;
	if (!deadline)
		return ret;
	int r;
	if (is_timeval) {
		struct k_timeval tv = { (int64_t)(left / NSEC_PER_SEC),
					(int64_t)(left % NSEC_PER_SEC) / 1000 };
		r = copy_to_user(utime, &tv, sizeof(tv));
	} else {
		struct k_timespec ts = { (int64_t)(left / NSEC_PER_SEC),
					 (int64_t)(left % NSEC_PER_SEC) };
		r = copy_to_user(utime, &ts, sizeof(ts));
	}
	if (r && ret == -ERESTARTNOHAND)
		ret = -EINTR;
	return ret;
}

/* ---- signal masks for ppoll and pselect6 ---- */

static int set_user_sigmask(const sigset_t *umask, size_t size)
{
	sigset_t m;
	if (!umask)
		return 0;
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&m, umask, sizeof(m)))
		return -EFAULT;
	struct task *t = current;
	t->saved_blocked = t->blocked;
	t->restore_blocked = true;
	signal_set_blocked(t, m);       /* drops SIGKILL/SIGSTOP itself */
	return 0;
}

/* Put the old mask back now, unless a signal interrupted us: then signal
 * delivery restores it after the handler frame is built. */
static void restore_user_sigmask(bool had_mask, int ret)
{
	struct task *t = current;
	if (!had_mask || !t->restore_blocked)
		return;
	if (ret == -ERESTARTNOHAND)
		return;
	t->restore_blocked = false;
	signal_set_blocked(t, t->saved_blocked);
}

/* ---- poll ---- */

struct k_pollfd {
	int fd;
	short events;
	short revents;
};

struct poll_ctx {
	struct k_pollfd *fds;
	unsigned nfds;
};

static int poll_pass(void *ctxp, struct poll_table *pt)
{
	struct poll_ctx *c = ctxp;
	int count = 0;
	for (unsigned i = 0; i < c->nfds; i++) {
		struct k_pollfd *p = &c->fds[i];
		unsigned mask = 0;
		if (p->fd >= 0) {
			struct file *f = fget(p->fd);
			if (!f) {
				mask = POLLNVAL;
			} else {
				mask = file_poll(f, pt);
				mask &= (unsigned)(uint16_t)p->events | POLLERR | POLLHUP;
				file_put(f);
			}
		}
		p->revents = (short)mask;
		if (mask)
			count++;
	}
	return count;
}

static long do_poll(struct k_pollfd *ufds, unsigned nfds, uint64_t deadline, bool no_wait)
{
	if (nfds > (unsigned)fd_limit())
		return -EINVAL;
	struct poll_ctx c = { .nfds = nfds };
	size_t bytes = (size_t)nfds * sizeof(struct k_pollfd);
	c.fds = kmalloc(bytes ? bytes : 1);
	if (!c.fds)
		return -ENOMEM;
	if (copy_from_user(c.fds, ufds, bytes)) {
		kfree(c.fds);
		return -EFAULT;
	}
	long ret = poll_loop(poll_pass, &c, deadline, no_wait);
	if (ret >= 0) {
		for (unsigned i = 0; i < nfds; i++) {
			if (put_user(c.fds[i].revents, &ufds[i].revents)) {
				ret = -EFAULT;
				break;
			}
		}
	}
	kfree(c.fds);
	return ret;
}

SYSCALL_DEFINE3(poll, struct k_pollfd *, ufds, unsigned int, nfds, int, timeout_ms)
{
	uint64_t deadline = 0;
	if (timeout_ms > 0)
		deadline = deadline_after(timeout_ms / 1000, (int64_t)(timeout_ms % 1000) * 1000000);
	long r = do_poll(ufds, nfds, deadline, timeout_ms == 0);
	/* Linux restarts a timed poll with the time left (restart_block);
	 * without that, a timed poll reports the interruption. */
	if (r == -ERESTARTNOHAND && timeout_ms > 0)
		r = -EINTR;
	return r;
}

static int get_timespec(const struct k_timespec *uts, uint64_t *deadline, bool *zero)
{
	struct k_timespec ts;
	*deadline = 0;
	*zero = false;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if (!ts.tv_sec && !ts.tv_nsec)
		*zero = true;
	else
		*deadline = deadline_after(ts.tv_sec, ts.tv_nsec);
	return 0;
}

SYSCALL_DEFINE5(ppoll, struct k_pollfd *, ufds, unsigned int, nfds,
		struct k_timespec *, tsp, const sigset_t *, usigmask, size_t, sigsetsize)
{
	uint64_t deadline;
	bool zero;
	int r = get_timespec(tsp, &deadline, &zero);
	if (r)
		return r;
	r = set_user_sigmask(usigmask, sigsetsize);
	if (r)
		return r;
	long ret = do_poll(ufds, nfds, deadline, zero);
	restore_user_sigmask(usigmask != NULL, (int)ret);
	return write_back_timeout(tsp, false, zero || !tsp, deadline, (int)ret);
}

/* ---- select ---- */

#define BITS_PER_WORD 64

struct select_ctx {
	int n;
	uint64_t *in, *out, *ex;        /* what the caller asked (may be NULL) */
	uint64_t *rin, *rout, *rex;     /* results */
	size_t words;
};

static bool bit_test(const uint64_t *set, int fd)
{
	return set && (set[fd / BITS_PER_WORD] >> (fd % BITS_PER_WORD)) & 1;
}

static void bit_set(uint64_t *set, int fd)
{
	set[fd / BITS_PER_WORD] |= 1ULL << (fd % BITS_PER_WORD);
}

static int select_pass(void *ctxp, struct poll_table *pt)
{
	struct select_ctx *c = ctxp;
	int count = 0;
	memset(c->rin, 0, c->words * 8 * 3);
	for (int fd = 0; fd < c->n; fd++) {
		bool want_in = bit_test(c->in, fd), want_out = bit_test(c->out, fd);
		bool want_ex = bit_test(c->ex, fd);
		if (!want_in && !want_out && !want_ex)
			continue;
		struct file *f = fget(fd);
		if (!f)
			return -EBADF;
		unsigned mask = file_poll(f, pt);
		file_put(f);
		if (want_in && (mask & POLLIN_SET)) {
			bit_set(c->rin, fd);
			count++;
		}
		if (want_out && (mask & POLLOUT_SET)) {
			bit_set(c->rout, fd);
			count++;
		}
		if (want_ex && (mask & POLLEX_SET)) {
			bit_set(c->rex, fd);
			count++;
		}
	}
	return count;
}

static long do_select(int n, uint64_t *uin, uint64_t *uout, uint64_t *uex,
		      uint64_t deadline, bool no_wait)
{
	if (n < 0)
		return -EINVAL;
	/* Linux clips n to the descriptor table's size. */
	struct fdtable *t = current->proc->files;
	if (t && n > t->size)
		n = t->size;
	struct select_ctx c = { .n = n };
	c.words = ((size_t)n + BITS_PER_WORD - 1) / BITS_PER_WORD;
	size_t bytes = c.words * 8;
	uint64_t *mem = kzalloc(bytes * 6 + 8);
	if (!mem)
		return -ENOMEM;
	c.rin = mem;
	c.rout = mem + c.words;
	c.rex = mem + 2 * c.words;
	uint64_t *sets[3] = { uin, uout, uex };
	uint64_t **kin[3] = { &c.in, &c.out, &c.ex };
	for (int i = 0; i < 3; i++) {
		if (!sets[i])
			continue;
		*kin[i] = mem + (3 + i) * c.words;
		if (copy_from_user(*kin[i], sets[i], bytes)) {
			kfree(mem);
			return -EFAULT;
		}
	}
	long ret = poll_loop(select_pass, &c, deadline, no_wait);
	if (ret >= 0) {
		uint64_t *res[3] = { c.rin, c.rout, c.rex };
		for (int i = 0; i < 3; i++) {
			if (sets[i] && copy_to_user(sets[i], res[i], bytes)) {
				ret = -EFAULT;
				break;
			}
		}
	}
	kfree(mem);
	return ret;
}

SYSCALL_DEFINE5(select, int, n, uint64_t *, inp, uint64_t *, outp, uint64_t *, exp,
		struct k_timeval *, tvp)
{
	uint64_t deadline = 0;
	bool zero = false;
	if (tvp) {
		struct k_timeval tv;
		if (copy_from_user(&tv, tvp, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		if (!tv.tv_sec && !tv.tv_usec)
			zero = true;
		else
			deadline = deadline_after(tv.tv_sec, tv.tv_usec * 1000);
	}
	long ret = do_select(n, inp, outp, exp, deadline, zero);
	return write_back_timeout(tvp, true, zero || !tvp, deadline, (int)ret);
}

/* pselect6's sixth argument: the mask and its size, by reference. */
struct sigset_arg {
	const sigset_t *ss;
	size_t ss_len;
};

SYSCALL_DEFINE6(pselect6, int, n, uint64_t *, inp, uint64_t *, outp, uint64_t *, exp,
		struct k_timespec *, tsp, const struct sigset_arg *, usig)
{
	uint64_t deadline;
	bool zero;
	int r = get_timespec(tsp, &deadline, &zero);
	if (r)
		return r;
	struct sigset_arg sa = { NULL, 0 };
	if (usig && copy_from_user(&sa, usig, sizeof(sa)))
		return -EFAULT;
	r = set_user_sigmask(sa.ss, sa.ss_len);
	if (r)
		return r;
	long ret = do_select(n, inp, outp, exp, deadline, zero);
	restore_user_sigmask(sa.ss != NULL, (int)ret);
	return write_back_timeout(tsp, false, zero || !tsp, deadline, (int)ret);
}
