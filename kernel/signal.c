/*
 * signal.c - POSIX signals with Linux's rules: queueing, the choice of the
 * thread that takes a signal, default actions, job control, and delivery
 * on the way back to user mode. The x86-64 frame is arch/x86_64/sigframe.c;
 * the system calls are kernel/signal_syscalls.c.
 *
 * Where pending signals live. A thread-directed signal (tgkill, a fault,
 * do_exit_group's SIGKILL) is a bit in task->pending with its siginfo in
 * task->pending_info[sig]; a process-directed one (kill) is a bit in
 * proc->shared_pending with proc->shared_info[sig], and any thread that
 * does not block it may take it. A standard signal sent while one is
 * already pending in the same queue is merged into it, as on Linux, and the
 * first siginfo is kept. Real-time signals (32..64) queue: instances beyond
 * the one in the slot wait, in order, in a list whose head is kept in slot
 * 0 of the same siginfo array (there is no signal 0); see rt_* below.
 *
 * Rules at send time (Linux's prepare_signal and sig_ignored):
 *  - a stop signal discards pending SIGCONT; SIGCONT discards pending stop
 *    signals and resumes a stopped process, even when SIGCONT is ignored;
 *    SIGKILL ends a stop and wakes every thread it concerns;
 *  - a signal whose action is to ignore it (SIG_IGN, or SIG_DFL where the
 *    default is to ignore) is dropped unless blocked: the action of a
 *    blocked signal may change before it is unblocked;
 *  - init gets no signal whose action is SIG_DFL, unless forced (a fault);
 *  - a process that is exiting gets nothing but SIGKILL.
 * At delivery the thread's own queue goes first, then the process's; within
 * a queue synchronous faults go first, then the lowest number. Default
 * actions: terminate (wait status = signal), core (the same plus 0x80 when
 * RLIMIT_CORE allows a dump; none is written), stop, continue, ignore.
 *
 * Job control. proc->stop_signal is non-zero exactly while the process is
 * stopped (or stopping): every thread that comes back towards user mode
 * parks in TASK_STOPPED inside signal_deliver, and task_signal_pending() is
 * true for all of them so that interruptible sleeps end and their threads
 * come out to park (their calls restart when they resume). SIGCONT, or
 * SIGKILL, clears it and wakes the parked threads. SIGTSTP, SIGTTIN and
 * SIGTTOU do not stop a process whose group is orphaned (nobody could
 * continue it); SIGSTOP always does.
 *
 * The pending hint. task->sigpending (proc.h) lets the way out of every
 * system call skip this file with one load. It is set by everything that
 * can make a signal deliverable to a thread: a send to the thread or to
 * its process (every thread), an unblock of a pending signal in
 * signal_set_blocked, a stop (every thread: task_signal_pending is true
 * while stopped), and a new thread (fork.c). Only the exit loop clears
 * it, before it asks task_signal_pending itself; a hint left set costs
 * one slow exit.
 *
 * Locking. sig_lock (masks interrupts; one lock, as synthos has one CPU)
 * protects every pending set and siginfo slot, the sighand actions,
 * t->blocked, and the stop fields of struct proc. It is never held across a
 * user copy, schedule(), or a call out of this file other than
 * wake_up_task/wake_up_stopped (the scheduler's lock nests inside it).
 * Senders never take proc_tree_lock, so callers may hold it; they walk
 * proc->threads with interrupts masked, which is safe on one CPU because
 * that list changes only under proc_tree_lock, which masks them too. (With
 * SMP, proc_tree_lock must be taken before sig_lock here.)
 */
#include <synthos/errno.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/slab.h>
#include <synthos/spinlock.h>
#include <synthos/string.h>
#include <synthos/wait.h>
#include <arch/sigframe.h>

/* kernel/sched.c: wake_up_task() wakes sleepers only; this resumes a
 * TASK_STOPPED thread. */
void wake_up_stopped(struct task *t);

static spinlock_t sig_lock = SPINLOCK_INIT;
struct waitq signal_wait_wq = WAITQ_INIT(signal_wait_wq);

#define for_each_thread(pos, t, p)                                            \
	for ((pos) = (p)->threads.next;                                       \
	     (pos) != &(p)->threads &&                                        \
	     ((t) = list_entry(pos, struct task, thread_link), true);         \
	     (pos) = (pos)->next)

static inline bool sig_valid(int sig)
{
	return sig >= 1 && sig < NSIG;
}

/* Would this action throw sig away? */
static bool action_ignores(const struct k_sigaction *ka, int sig)
{
	if (ka->handler == SIG_IGN)
		return true;
	if (ka->handler != SIG_DFL)
		return false;
	enum sig_default d = sig_default_action(sig);
	return d == SIGDFL_IGNORE || d == SIGDFL_CONT;
}

/* ---- signal actions ---- */

struct sighand *sighand_alloc(void)
{
	struct sighand *sh = kzalloc(sizeof(*sh));
	if (sh)
		sh->refcount = 1;
	return sh;
}

struct sighand *sighand_copy(const struct sighand *sh)
{
	struct sighand *n = kmalloc(sizeof(*n));
	if (!n)
		return NULL;
	unsigned long f = spin_lock_irqsave(&sig_lock);
	memcpy(n->action, sh->action, sizeof(n->action));
	spin_unlock_irqrestore(&sig_lock, f);
	n->refcount = 1;
	return n;
}

void sighand_put(struct sighand *sh)
{
	if (!sh)
		return;
	unsigned long f = spin_lock_irqsave(&sig_lock);
	int left = --sh->refcount;
	spin_unlock_irqrestore(&sig_lock, f);
	if (left == 0)
		kfree(sh);
}

/* execve: caught signals go back to SIG_DFL (the handlers are gone with the
 * old image); ignored ones stay ignored; flags, masks, restorers cleared. */
void sighand_exec_reset(struct sighand *sh)
{
	unsigned long f = spin_lock_irqsave(&sig_lock);
	for (int sig = 1; sig < NSIG; sig++) {
		struct k_sigaction *ka = &sh->action[sig];
		if (ka->handler != SIG_IGN)
			ka->handler = SIG_DFL;
		ka->flags = 0;
		ka->restorer = 0;
		ka->mask = 0;
	}
	spin_unlock_irqrestore(&sig_lock, f);
}

/* ---- queueing ---- */

/*
 * The real-time overflow queue of one siginfo array: a FIFO of rt_extra,
 * head pointer in slots[0].addr, length in slots[0].value. The slot of an
 * RT signal holds its oldest instance; dequeueing refills the slot from
 * here and keeps the pending bit set. Capped like Linux's RLIMIT_SIGPENDING:
 * past the cap sigqueue-style senders get EAGAIN, kill() is merged.
 */
struct rt_extra {
	struct rt_extra *next;
	int sig;
	struct ksiginfo info;
};
#define RT_QUEUE_MAX 1024

static struct rt_extra **rt_headp(struct ksiginfo *slots)
{
	return (struct rt_extra **)&slots[0].addr;
}

static int rt_enqueue_locked(struct ksiginfo *slots, int sig, const struct ksiginfo *info)
{
	bool may_fail = info && info->code < 0;         /* not kill() or the kernel */
	struct rt_extra *e = slots[0].value < RT_QUEUE_MAX ? kmalloc(sizeof(*e)) : NULL;
	if (!e)
		return may_fail ? -EAGAIN : 0;
	e->next = NULL;
	e->sig = sig;
	e->info = info ? *info : (struct ksiginfo){ .code = SI_KERNEL };
	e->info.signo = sig;
	struct rt_extra **pp = rt_headp(slots);
	while (*pp)
		pp = &(*pp)->next;
	*pp = e;
	slots[0].value++;
	return 0;
}

/* sig's slot was just taken: refill it with the next instance, if any. */
static bool rt_refill_locked(struct ksiginfo *slots, int sig)
{
	for (struct rt_extra **pp = rt_headp(slots); *pp; pp = &(*pp)->next) {
		struct rt_extra *e = *pp;
		if (e->sig != sig)
			continue;
		slots[sig] = e->info;
		*pp = e->next;
		slots[0].value--;
		kfree(e);
		return true;
	}
	return false;
}

static void rt_flush_locked(struct ksiginfo *slots, sigset_t mask)
{
	struct rt_extra **pp = rt_headp(slots);
	while (*pp) {
		struct rt_extra *e = *pp;
		if (sigmask(e->sig) & mask) {
			*pp = e->next;
			slots[0].value--;
			kfree(e);
		} else {
			pp = &e->next;
		}
	}
}

/* The task or process is being freed: drop its queued RT instances. */
void signal_task_free(struct task *t)
{
	unsigned long f = spin_lock_irqsave(&sig_lock);
	rt_flush_locked(t->pending_info, ~0ULL);
	spin_unlock_irqrestore(&sig_lock, f);
}

void signal_proc_free(struct proc *p)
{
	unsigned long f = spin_lock_irqsave(&sig_lock);
	rt_flush_locked(p->shared_info, ~0ULL);
	spin_unlock_irqrestore(&sig_lock, f);
}

/* A signal may have become deliverable to t, or to every thread of p
 * (t NULL): see "The pending hint" above. */
static void hint_locked(struct proc *p, struct task *t)
{
	struct list_head *pos;
	struct task *th;
	if (t) {
		WRITE_ONCE(t->sigpending, true);
		return;
	}
	for_each_thread(pos, th, p)
		WRITE_ONCE(th->sigpending, true);
}

/* Work a send leaves for after sig_lock is dropped. */
struct sig_post {
	struct proc *continued;          /* report CLD_CONTINUED to its parent */
	bool wake_waiters;               /* a sigtimedwait may want it */
};

static void flush_locked(struct proc *p, sigset_t mask)
{
	struct list_head *pos;
	struct task *t;
	p->shared_pending &= ~mask;
	rt_flush_locked(p->shared_info, mask);
	for_each_thread(pos, t, p) {
		t->pending &= ~mask;
		rt_flush_locked(t->pending_info, mask);
	}
}

/* SIGCONT's effect on a stopped process. True if it was stopped. */
static bool continue_locked(struct proc *p)
{
	struct list_head *pos;
	struct task *t;
	if (!p->stop_signal)
		return false;
	p->stop_signal = 0;
	p->stopped_report = false;
	p->continued_report = true;
	for_each_thread(pos, t, p)
		if (t->state == TASK_STOPPED)
			wake_up_stopped(t);
	return true;
}

/* Make sure somebody notices sig, just queued for t (or for p if t is NULL). */
static void wake_for_locked(struct proc *p, struct task *t, int sig)
{
	struct list_head *pos;
	struct task *th, *cand = NULL;
	sigset_t m = sigmask(sig);

	if (sig == SIGKILL) {
		/* Fatal to the whole process: the stop is over, everyone out. */
		p->stop_signal = 0;
		p->stopped_report = false;
		for_each_thread(pos, th, p) {
			if (t && th != t)
				continue;
			if (th->state == TASK_INTERRUPTIBLE)
				wake_up_task(th);
			else if (th->state == TASK_STOPPED)
				wake_up_stopped(th);
		}
		return;
	}
	if (t) {
		if (!(t->blocked & m) && t->state == TASK_INTERRUPTIBLE)
			wake_up_task(t);
		return;
	}
	for_each_thread(pos, th, p) {
		if ((th->blocked & m) || th->state == TASK_DEAD)
			continue;
		/* Running (or about to): it sees the signal on its way out. */
		if (th == current || th->state == TASK_RUNNING)
			return;
		if (!cand && th->state == TASK_INTERRUPTIBLE)
			cand = th;
	}
	if (cand)
		wake_up_task(cand);
}

static bool sig_ignored_locked(struct proc *p, struct task *t, int sig, bool force)
{
	struct list_head *pos;
	struct task *th;
	sigset_t m = sigmask(sig);

	if (t) {
		if (t->blocked & m)
			return false;
	} else {
		for_each_thread(pos, th, p)
			if (th->blocked & m)
				return false;
	}
	const struct k_sigaction *ka = &p->sighand->action[sig];
	if (p == init_proc && ka->handler == SIG_DFL && !force && !p->exiting)
		return true;
	return action_ignores(ka, sig);
}

/* Queue sig for t (thread-directed) or for p (t NULL). */
static int send_locked(struct proc *p, struct task *t, int sig,
		       const struct ksiginfo *info, bool force, struct sig_post *post)
{
	sigset_t m = sigmask(sig);

	if (!p->sighand || (p->exiting && sig != SIGKILL))
		return 0;                       /* dead or dying: nothing to do */
	if (m & SIG_STOP_MASK) {
		flush_locked(p, sigmask(SIGCONT));
	} else if (sig == SIGCONT) {
		flush_locked(p, SIG_STOP_MASK);
		if (continue_locked(p))
			post->continued = p;
	}
	if (sig_ignored_locked(p, t, sig, force))
		return 0;

	sigset_t *set = t ? &t->pending : &p->shared_pending;
	struct ksiginfo *slots = t ? t->pending_info : p->shared_info;
	if (!(*set & m)) {
		*set |= m;
		if (info)
			slots[sig] = *info;
		else
			slots[sig] = (struct ksiginfo){ .code = SI_KERNEL };
		slots[sig].signo = sig;
	} else if (sig >= SIGRTMIN) {
		int r = rt_enqueue_locked(slots, sig, info);
		if (r)
			return r;
	}
	hint_locked(p, t);
	wake_for_locked(p, t, sig);
	post->wake_waiters = true;
	return 0;
}

static void notify_parent_cldstop(struct proc *p, int why, int status);

static void post_run(struct sig_post *post)
{
	if (post->continued)
		notify_parent_cldstop(post->continued, CLD_CONTINUED, SIGCONT);
	if (post->wake_waiters && !list_empty(&signal_wait_wq.waiters))
		wake_up(&signal_wait_wq);
}

int send_signal_proc(struct proc *p, int sig, const struct ksiginfo *info)
{
	if (sig == 0)
		return 0;
	if (!sig_valid(sig))
		return -EINVAL;
	if (!p)
		return -ESRCH;
	struct sig_post post = { 0 };
	unsigned long f = spin_lock_irqsave(&sig_lock);
	int r = send_locked(p, NULL, sig, info, false, &post);
	spin_unlock_irqrestore(&sig_lock, f);
	post_run(&post);
	return r;
}

int send_signal_task(struct task *t, int sig, const struct ksiginfo *info)
{
	if (sig == 0)
		return 0;
	if (!sig_valid(sig))
		return -EINVAL;
	if (!t || !t->proc)
		return -ESRCH;
	struct sig_post post = { 0 };
	unsigned long f = spin_lock_irqsave(&sig_lock);
	int r = send_locked(t->proc, t, sig, info, false, &post);
	spin_unlock_irqrestore(&sig_lock, f);
	post_run(&post);
	return r;
}

/*
 * A fault the thread cannot be allowed to skip (Linux's force_sig_info): if
 * the signal is blocked or ignored, its action goes back to SIG_DFL and it
 * is unblocked -- so a fault inside its own handler kills. Other signals
 * (SIGPIPE...) are sent normally: ignoring SIGPIPE must keep working.
 */
int signal_force_task(struct task *t, int sig, const struct ksiginfo *info)
{
	if (!sig_valid(sig) || !t->proc || !t->proc->sighand)
		return -EINVAL;
	if (!(sigmask(sig) & SIG_SYNC_MASK))
		return send_signal_task(t, sig, info);
	struct proc *p = t->proc;
	struct sig_post post = { 0 };
	unsigned long f = spin_lock_irqsave(&sig_lock);
	struct k_sigaction *ka = &p->sighand->action[sig];
	if ((t->blocked & sigmask(sig)) || ka->handler == SIG_IGN) {
		ka->handler = SIG_DFL;
		t->blocked &= ~sigmask(sig);
	}
	int r = send_locked(p, t, sig, info, true, &post);
	spin_unlock_irqrestore(&sig_lock, f);
	post_run(&post);
	return r;
}

void force_signal(int sig, const struct ksiginfo *info)
{
	signal_force_task(current, sig, info);
}

bool task_signal_pending(struct task *t)
{
	struct proc *p = t->proc;
	if (!p)
		return false;
	if ((READ_ONCE(t->pending) | READ_ONCE(p->shared_pending)) & ~READ_ONCE(t->blocked))
		return true;
	return READ_ONCE(p->stop_signal) != 0;     /* come out and park */
}

sigset_t signal_pending_set(struct task *t)
{
	unsigned long f = spin_lock_irqsave(&sig_lock);
	sigset_t s = t->pending | t->proc->shared_pending;
	spin_unlock_irqrestore(&sig_lock, f);
	return s;
}

/* ---- dequeueing ---- */

static int pick_signal(sigset_t set)
{
	if (!set)
		return 0;
	if (set & SIG_SYNC_MASK)
		set &= SIG_SYNC_MASK;
	return __builtin_ctzll(set) + 1;
}

static int dequeue_locked(struct task *t, sigset_t allowed, struct ksiginfo *info)
{
	struct proc *p = t->proc;
	sigset_t *set = &t->pending;
	struct ksiginfo *slots = t->pending_info;
	int sig = pick_signal(*set & allowed);
	if (!sig) {
		set = &p->shared_pending;
		slots = p->shared_info;
		sig = pick_signal(*set & allowed);
		if (!sig)
			return 0;
	}
	*info = slots[sig];
	if (sig < SIGRTMIN || !rt_refill_locked(slots, sig))
		*set &= ~sigmask(sig);
	return sig;
}

int signal_dequeue(struct task *t, sigset_t allowed, struct ksiginfo *info)
{
	unsigned long f = spin_lock_irqsave(&sig_lock);
	int sig = dequeue_locked(t, allowed, info);
	spin_unlock_irqrestore(&sig_lock, f);
	return sig;
}

void signal_set_blocked(struct task *t, sigset_t mask)
{
	struct proc *p = t->proc;
	mask &= ~SIG_KERNEL_ONLY_MASK;
	unsigned long f = spin_lock_irqsave(&sig_lock);
	sigset_t newly = mask & ~t->blocked;
	/* Unblocking a pending signal makes it deliverable (pending sets
	 * change only under sig_lock, which we hold). */
	if ((t->blocked & ~mask) & (t->pending | (p ? p->shared_pending : 0)))
		WRITE_ONCE(t->sigpending, true);
	t->blocked = mask;
	/* Shared signals this thread just refused: offer them to another. */
	sigset_t retarget = p ? newly & p->shared_pending : 0;
	while (retarget) {
		int sig = __builtin_ctzll(retarget) + 1;
		retarget &= ~sigmask(sig);
		wake_for_locked(p, NULL, sig);
	}
	spin_unlock_irqrestore(&sig_lock, f);
}

int signal_do_sigaction(struct proc *p, int sig, const struct k_sigaction *act,
			struct k_sigaction *oact)
{
	if (!sig_valid(sig) || (act && (sigmask(sig) & SIG_KERNEL_ONLY_MASK)))
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&sig_lock);
	struct k_sigaction *ka = &p->sighand->action[sig];
	if (oact)
		*oact = *ka;
	if (act) {
		*ka = *act;
		ka->flags &= SA_KNOWN_FLAGS;    /* unknown bits read back as 0, as Linux */
		ka->mask &= ~SIG_KERNEL_ONLY_MASK;
		/* POSIX: setting "ignore" discards the pending signal, blocked or not. */
		if (action_ignores(ka, sig))
			flush_locked(p, sigmask(sig));
	}
	spin_unlock_irqrestore(&sig_lock, f);
	return 0;
}

/* ---- job control ---- */

static void notify_parent_cldstop(struct proc *p, int why, int status)
{
	struct proc *parent = READ_ONCE(p->parent);
	if (!parent)
		return;
	unsigned long f = spin_lock_irqsave(&sig_lock);
	bool quiet = !parent->sighand ||
		     (parent->sighand->action[SIGCHLD].flags & SA_NOCLDSTOP);
	spin_unlock_irqrestore(&sig_lock, f);
	if (!quiet) {
		struct ksiginfo info = {
			.signo = SIGCHLD, .code = why, .pid = p->pid, .status = status,
		};
		send_signal_proc(parent, SIGCHLD, &info);
	}
	wake_up(&parent->child_exit_wq);
}

/*
 * Called by signal_deliver on the thread that took a stop signal with the
 * default action. The stop is reported to the parent at once (Linux waits
 * for the last thread to park; on one CPU the others park before the parent
 * can act on the report in any way that matters).
 */
void proc_stop(struct proc *p, int sig)
{
	struct list_head *pos;
	struct task *t;
	bool report = false;

	unsigned long f = spin_lock_irqsave(&sig_lock);
	if (!p->stop_signal && !p->exiting) {
		p->stop_signal = sig;
		p->stopped_report = true;
		p->continued_report = false;
		report = true;
		hint_locked(p, NULL);
		for_each_thread(pos, t, p)
			if (t != current && t->state == TASK_INTERRUPTIBLE)
				wake_up_task(t);
	}
	spin_unlock_irqrestore(&sig_lock, f);
	if (report)
		notify_parent_cldstop(p, CLD_STOPPED, sig);
}

void proc_continue(struct proc *p)
{
	unsigned long f = spin_lock_irqsave(&sig_lock);
	flush_locked(p, SIG_STOP_MASK);
	bool was = continue_locked(p);
	spin_unlock_irqrestore(&sig_lock, f);
	if (was)
		notify_parent_cldstop(p, CLD_CONTINUED, SIGCONT);
}

/*
 * A process group is orphaned when no member has a parent in another group
 * of the same session (init does not count), so no shell can resume it.
 * Process context; the process list only changes under proc_tree_lock on
 * this non-preemptible kernel, so walking it here is safe.
 */
struct orphan_scan {
	int pgid, sid;
	bool anchored;
};

static int orphan_fn(struct proc *p, void *ctx)
{
	struct orphan_scan *o = ctx;
	struct proc *parent = p->parent;
	if (p->pgid != o->pgid || p->state != PROC_ALIVE || !parent || parent == init_proc)
		return 0;
	if (parent->pgid != o->pgid && parent->sid == o->sid) {
		o->anchored = true;
		return 1;
	}
	return 0;
}

bool pgrp_orphaned(int pgid, int sid)
{
	struct orphan_scan o = { .pgid = pgid, .sid = sid };
	proc_for_each(orphan_fn, &o);
	return !o.anchored;
}

/* Park while the process is stopped; leave for SIGKILL or an exit order. */
static void group_stop_wait(struct task *t)
{
	struct proc *p = t->proc;
	for (;;) {
		unsigned long f = spin_lock_irqsave(&sig_lock);
		if (!p->stop_signal || t->exit_now ||
		    ((t->pending | p->shared_pending) & sigmask(SIGKILL))) {
			spin_unlock_irqrestore(&sig_lock, f);
			return;
		}
		/* A SIGCONT from here on finds us TASK_STOPPED and wakes us;
		 * schedule() then returns at once. */
		t->state = TASK_STOPPED;
		spin_unlock_irqrestore(&sig_lock, f);
		schedule();
	}
}

/* ---- delivery ---- */

static int dequeue_for_delivery(struct task *t, struct ksiginfo *info, struct k_sigaction *ka)
{
	unsigned long f = spin_lock_irqsave(&sig_lock);
	int sig = dequeue_locked(t, ~t->blocked, info);
	if (sig) {
		struct k_sigaction *a = &t->proc->sighand->action[sig];
		*ka = *a;
		if (a->handler > SIG_IGN && (a->flags & SA_RESETHAND))
			a->handler = SIG_DFL;           /* one-shot */
	}
	spin_unlock_irqrestore(&sig_lock, f);
	return sig;
}

/* The frame could not be written: SIGSEGV, and if that is what failed,
 * SIGSEGV with its default action (Linux's force_sigsegv). */
static void force_sigsegv(struct task *t, int sig)
{
	if (sig == SIGSEGV) {
		unsigned long f = spin_lock_irqsave(&sig_lock);
		t->proc->sighand->action[SIGSEGV].handler = SIG_DFL;
		spin_unlock_irqrestore(&sig_lock, f);
	}
	struct ksiginfo info = { .signo = SIGSEGV, .code = SI_KERNEL };
	signal_force_task(t, SIGSEGV, &info);
}

static bool run_handler(struct trap_frame *regs, int sig, const struct ksiginfo *info,
			const struct k_sigaction *ka)
{
	struct task *t = current;

	signal_restart(regs, ka);
	/* After sigsuspend the frame keeps the caller's own mask, not the
	 * temporary one, and sigreturn puts that back. */
	sigset_t saved = t->restore_blocked ? t->saved_blocked : t->blocked;
	if (sigframe_setup(regs, sig, info, ka, saved) != 0) {
		force_sigsegv(t, sig);
		return false;
	}
	t->restore_blocked = false;
	sigset_t b = t->blocked | ka->mask;
	if (!(ka->flags & SA_NODEFER))
		b |= sigmask(sig);
	signal_set_blocked(t, b);
	if (t->altstack.flags & SS_AUTODISARM)
		t->altstack = (struct sigaltstack_k){ .flags = SS_DISABLE };
	return true;
}

/*
 * The wait status's "core dumped" bit. No core file is written, but Linux
 * sets the bit only when a dump was possible, and RLIMIT_CORE 0 (Linux's
 * default) forbids one; programs and test suites compare the bit.
 */
#define RLIMIT_CORE 4
static int core_flag(const struct proc *p)
{
	return p->rlimit_cur[RLIMIT_CORE] ? 0x80 : 0;
}

void signal_deliver(struct trap_frame *regs)
{
	struct task *t = current;
	struct proc *p = t->proc;
	bool handled = false;

	if (!p)
		return;
	for (;;) {
		if (t->exit_now)                /* exec or exit_group elsewhere */
			do_exit_thread(0);
		group_stop_wait(t);
		if (t->exit_now)
			continue;

		struct ksiginfo info;
		struct k_sigaction ka;
		int sig = dequeue_for_delivery(t, &info, &ka);
		if (!sig)
			break;
		if (sig == SIGKILL)
			do_exit_group(SIGKILL);
		if (ka.handler == SIG_IGN)
			continue;
		if (ka.handler != SIG_DFL) {
			/* Further signals stack their frames above this one; the
			 * last one set up runs first, as on Linux. */
			if (run_handler(regs, sig, &info, &ka))
				handled = true;
			continue;
		}
		/* init only dies of its own faults (forced, so never dropped). */
		if (p == init_proc && !(sigmask(sig) & SIG_SYNC_MASK))
			continue;
		switch (sig_default_action(sig)) {
		case SIGDFL_IGNORE:
		case SIGDFL_CONT:
			continue;
		case SIGDFL_STOP:
			/* Nobody could continue an orphaned group: only
			 * SIGSTOP stops it (POSIX; Linux's get_signal). */
			if (sig != SIGSTOP && pgrp_orphaned(p->pgid, p->sid))
				continue;
			proc_stop(p, sig);      /* the loop's top parks us */
			continue;
		case SIGDFL_CORE:
			do_exit_group(sig | core_flag(p));
		case SIGDFL_TERM:
			do_exit_group(sig);
		}
	}
	if (!handled) {
		signal_restart(regs, NULL);
		if (t->restore_blocked) {
			t->restore_blocked = false;
			signal_set_blocked(t, t->saved_blocked);
		}
	}
}
