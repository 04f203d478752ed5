/*
 * tty.c - the console terminal device: /dev/console (5,1), /dev/tty (5,0)
 * and /dev/ttyS0 (4,64), all one terminal on COM1, and job control.
 *
 * The terminal is three pieces (docs/TERMINAL.md):
 *
 *  - the line discipline (ldisc.c), a pure byte machine;
 *  - the console's I/O servers and queues (console_servers.c): the serial
 *    interrupt feeds the input server through a single-producer/single-
 *    consumer queue, and the input server runs the bytes through this
 *    tty's ldisc (tty_console_receive below); echo and written output go
 *    through a multi-producer queue to the output server;
 *  - this file: the device -- read (VMIN/VTIME), write, poll, the ioctls --
 *    and job control: the controlling session, the foreground process
 *    group, SIGTTIN/SIGTTOU for background access, ISIG signals to the
 *    foreground group.
 *
 * Readers and pollers run the input server themselves before they look at
 * the ldisc, and sleep on console_input_wq, which the serial interrupt
 * wakes. The ldisc stops taking bytes in raw mode when its buffer is full,
 * so the input queue is the flow control.
 *
 * The controlling terminal is recorded on the tty (session, pgrp), not on
 * the process: a process's controlling tty is this one iff its sid equals
 * tty->session. The session leader's exit releases the terminal and hangs
 * up its foreground group (tty_session_leader_exit, from kernel/exit.c);
 * tty_check_session() also drops a session whose leader is gone.
 *
 * Locking: console_tty.lock (a spinlock, interrupts masked) protects the
 * ldisc, the window size, session and pgrp. It is never held across a
 * user copy, a sleep or a signal send: signals the ldisc raised are taken
 * out of l->sigs under the lock and sent after it is dropped.
 */
#include <synthos/console.h>
#include <synthos/devices.h>
#include <synthos/errno.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/spinlock.h>
#include <synthos/string.h>
#include <synthos/time.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <synthos/wait.h>

/* ========================== the device ========================== */

struct tty {
	spinlock_t lock;
	struct ldisc ld;
	struct winsize_k ws;
	int session;            /* sid owning the terminal, 0 = none */
	int pgrp;               /* foreground process group, 0 = none */
};

static struct tty console_tty = { .lock = SPINLOCK_INIT };
static bool tty_ready;

/* The ldisc's output (echo, processed writes): into the output server's
 * queue, sent by the transmitter interrupt; tty_write waits for it. */
static void console_output(void *ctx, const char *s, size_t n)
{
	console_write_async(s, n);
}

void tty_init(void)
{
	if (tty_ready)
		return;
	ldisc_init(&console_tty.ld, console_output, &console_tty);
	console_tty.ws = (struct winsize_k){ .ws_row = 24, .ws_col = 80 };
	tty_ready = true;
}

struct pgsig {
	int pgrp, sig, found, sid;
};

static int pgrp_signal_fn(struct proc *p, void *ctx)
{
	struct pgsig *ps = ctx;
	if (p->pgid != ps->pgrp || p->state != PROC_ALIVE)
		return 0;
	ps->found++;
	ps->sid = p->sid;
	if (ps->sig) {
		struct ksiginfo info = { .signo = ps->sig, .code = SI_KERNEL };
		send_signal_proc(p, ps->sig, &info);
	}
	return 0;
}

static void kill_pgrp(int pgrp, int sig)
{
	if (pgrp <= 0)
		return;
	struct pgsig ps = { .pgrp = pgrp, .sig = sig };
	proc_for_each(pgrp_signal_fn, &ps);
}

/* Send what ISIG raised to the foreground process group (tty lock not held). */
static void tty_send_sigs(struct tty *tty, uint64_t sigs, int pgrp)
{
	for (int sig = 1; sigs; sig++, sigs >>= 1)
		if (sigs & 1)
			kill_pgrp(pgrp, sig);
}

/* Bytes the console tty's ldisc can take now (each input byte takes at
 * most one slot). */
size_t tty_console_room(void)
{
	struct tty *tty = &console_tty;
	if (!tty_ready)
		return 0;
	unsigned long fl = spin_lock_irqsave(&tty->lock);
	size_t room = LDISC_BUF - (tty->ld.head - tty->ld.tail);
	spin_unlock_irqrestore(&tty->lock, fl);
	return room;
}

/*
 * The body of the input server (console_servers.c): run bytes through the
 * console tty's ldisc and send the signals that raised. Returns how many it
 * took: fewer than n when the ldisc is full.
 */
size_t tty_console_receive(const uint8_t *buf, size_t n)
{
	struct tty *tty = &console_tty;
	size_t took = 0;
	if (!tty_ready)
		return 0;
	unsigned long fl = spin_lock_irqsave(&tty->lock);
	while (took < n && ldisc_room(&tty->ld))
		ldisc_receive(&tty->ld, buf[took++]);
	uint64_t sigs = tty->ld.sigs;
	int pgrp = tty->pgrp;
	tty->ld.sigs = 0;
	spin_unlock_irqrestore(&tty->lock, fl);
	if (sigs)
		tty_send_sigs(tty, sigs, pgrp);
	return took;
}

/* Let the input server run, then: are `amount` bytes (canonical: a line)
 * readable? */
static bool tty_pull(struct tty *tty, size_t amount)
{
	console_input_server();
	unsigned long fl = spin_lock_irqsave(&tty->lock);
	bool ready = ldisc_readable(&tty->ld, amount);
	spin_unlock_irqrestore(&tty->lock, fl);
	return ready;
}

/* Drop the controlling session once its leader is gone (lazy hangup). */
static void tty_check_session(struct tty *tty)
{
	int sid = READ_ONCE(tty->session);
	if (!sid)
		return;
	struct proc *leader = proc_find(sid);
	if (leader && leader->state == PROC_ALIVE)
		return;
	unsigned long fl = spin_lock_irqsave(&tty->lock);
	if (tty->session == sid)
		tty->session = tty->pgrp = 0;
	spin_unlock_irqrestore(&tty->lock, fl);
}

/*
 * The controlling process (the session leader) is exiting: as Linux's
 * disassociate_ctty, the terminal loses its session, and its foreground
 * process group gets SIGHUP and SIGCONT (so that a stopped job sees it).
 */
void tty_session_leader_exit(int sid)
{
	struct tty *tty = &console_tty;
	if (!tty_ready || !sid || READ_ONCE(tty->session) != sid)
		return;
	unsigned long fl = spin_lock_irqsave(&tty->lock);
	int pgrp = 0;
	if (tty->session == sid) {
		pgrp = tty->pgrp;
		tty->session = tty->pgrp = 0;
	}
	spin_unlock_irqrestore(&tty->lock, fl);
	if (pgrp) {
		kill_pgrp(pgrp, SIGHUP);
		kill_pgrp(pgrp, SIGCONT);
	}
}

static bool is_ctty(struct tty *tty)
{
	struct proc *p = current->proc;
	return tty->session && p->sid == tty->session;
}

static bool sig_ignored_or_blocked(int sig)
{
	struct proc *p = current->proc;
	return (current->blocked & sigmask(sig)) ||
	       (p->sighand && p->sighand->action[sig].handler == SIG_IGN);
}

/*
 * Job control: a background process touching its controlling terminal.
 * For reads (SIGTTIN) an ignored or blocked signal gives EIO; for output
 * and settings changes (SIGTTOU) it lets the operation through. Linux also
 * returns EIO for orphaned process groups; synthos does not track those.
 */
static int tty_job_check(struct tty *tty, int sig)
{
	tty_check_session(tty);
	if (!is_ctty(tty))
		return 0;
	int pgrp = READ_ONCE(tty->pgrp);
	struct proc *p = current->proc;
	if (!pgrp || p->pgid == pgrp)
		return 0;
	if (sig_ignored_or_blocked(sig))
		return sig == SIGTTIN ? -EIO : 0;
	kill_pgrp(p->pgid, sig);
	return -ERESTARTSYS;
}

static ssize_t tty_read(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	struct tty *tty = &console_tty;
	uint8_t kbuf[256];
	int r = tty_job_check(tty, SIGTTIN);
	if (r)
		return r;
	if (!n)
		return 0;

	unsigned long fl = spin_lock_irqsave(&tty->lock);
	bool canon = tty->ld.t.c_lflag & ICANON;
	unsigned vmin = tty->ld.t.c_cc[VMIN], vtime = tty->ld.t.c_cc[VTIME];
	spin_unlock_irqrestore(&tty->lock, fl);

	/* Non-canonical: wait for `minimum` bytes; VTIME is a whole-read timeout
	 * when VMIN is 0, an inter-byte timeout once data flows otherwise. */
	size_t minimum = canon ? 1 : (vmin ? vmin : 1);
	if (minimum > n)
		minimum = n;
	uint64_t tick = (uint64_t)vtime * (NSEC_PER_SEC / 10);
	uint64_t deadline = (!canon && !vmin && vtime) ? time_ns() + tick : 0;
	size_t copied = 0;

	for (;;) {
		bool line_end = false;
		tty_pull(tty, 1);
		fl = spin_lock_irqsave(&tty->lock);
		ssize_t got = ldisc_read(&tty->ld, kbuf, MIN(n - copied, sizeof(kbuf)), &line_end);
		spin_unlock_irqrestore(&tty->lock, fl);
		if (got > 0) {
			if (uio_copy_out(u, kbuf, (size_t)got))
				return copied ? (ssize_t)copied : -EFAULT;
			copied += (size_t)got;
		}
		if (canon) {
			if (got >= 0 && (line_end || copied == n))
				return (ssize_t)copied;
			if (got > 0)
				continue;       /* the rest of a line longer than kbuf */
			if (copied)
				return (ssize_t)copied;
		} else {
			if (copied == n)
				return (ssize_t)copied;
			if (got > 0)
				continue;       /* take everything already there */
			if (copied >= minimum)
				return (ssize_t)copied;
			if (!vmin && !vtime)
				return (ssize_t)copied;
			if (vmin && vtime && copied)
				deadline = time_ns() + tick;
		}
		if (f->flags & O_NONBLOCK)
			return copied ? (ssize_t)copied : -EAGAIN;
		r = wait_event_interruptible_until(console_input_wq, tty_pull(tty, 1), deadline);
		if (r == -ETIMEDOUT)
			return (ssize_t)copied;
		if (r)
			return copied ? (ssize_t)copied : r;
	}
}

static ssize_t tty_write(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	struct tty *tty = &console_tty;
	uint8_t kbuf[256];
	size_t done = 0;

	if (tty->ld.t.c_lflag & TOSTOP) {
		int r = tty_job_check(tty, SIGTTOU);
		if (r)
			return r;
	}
	while (done < n) {
		size_t chunk = MIN(n - done, sizeof(kbuf));
		if (uio_copy_in(kbuf, u, chunk))
			return done ? (ssize_t)done : -EFAULT;
		unsigned long fl = spin_lock_irqsave(&tty->lock);
		ldisc_write(&tty->ld, kbuf, chunk);
		spin_unlock_irqrestore(&tty->lock, fl);
		done += chunk;
	}
	/* The bytes are queued; sleep while the transmitter interrupt sends
	 * them (a writer is paced by the terminal, as on Linux). */
	console_output_wait();
	return (ssize_t)done;
}

static unsigned tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *tty = &console_tty;
	poll_wait(f, &console_input_wq, pt);
	unsigned long fl = spin_lock_irqsave(&tty->lock);
	size_t amount = 1;
	if (!(tty->ld.t.c_lflag & ICANON) && !tty->ld.t.c_cc[VTIME] && tty->ld.t.c_cc[VMIN])
		amount = tty->ld.t.c_cc[VMIN];
	spin_unlock_irqrestore(&tty->lock, fl);
	unsigned mask = POLLOUT | POLLWRNORM;
	if (tty_pull(tty, amount))
		mask |= POLLIN | POLLRDNORM;
	return mask;
}

/* Does any live process belong to process group pgrp; in which session? */
static int pgrp_session(int pgrp)
{
	struct pgsig ps = { .pgrp = pgrp, .sig = 0 };
	proc_for_each(pgrp_signal_fn, &ps);
	return ps.found ? ps.sid : -1;
}

static long tty_set_termios(struct tty *tty, unsigned cmd, uint64_t arg)
{
	struct termios_k t;
	int r = tty_job_check(tty, SIGTTOU);
	if (r)
		return r;
	if (copy_from_user(&t, (void *)arg, sizeof(t)))
		return -EFAULT;
	unsigned long fl = spin_lock_irqsave(&tty->lock);
	if (cmd == TCSETSF)
		ldisc_flush_input(&tty->ld);
	ldisc_set_termios(&tty->ld, &t);
	spin_unlock_irqrestore(&tty->lock, fl);
	/* A mode change can make input readable (canonical -> raw). */
	wake_up(&console_input_wq);
	return 0;
}

static long tty_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
	struct tty *tty = &console_tty;
	struct proc *p = current->proc;
	void *uarg = (void *)arg;
	unsigned long fl;
	int r, v;

	switch (cmd) {
	case TCGETS: {
		struct termios_k t;
		fl = spin_lock_irqsave(&tty->lock);
		t = tty->ld.t;
		spin_unlock_irqrestore(&tty->lock, fl);
		return copy_to_user(uarg, &t, sizeof(t)) ? -EFAULT : 0;
	}
	case TCSETSW:
	case TCSETSF:
		console_output_wait();  /* drain the output first */
		return tty_set_termios(tty, cmd, arg);
	case TCSETS:
		return tty_set_termios(tty, cmd, arg);
	case TIOCGWINSZ: {
		struct winsize_k ws;
		fl = spin_lock_irqsave(&tty->lock);
		ws = tty->ws;
		spin_unlock_irqrestore(&tty->lock, fl);
		return copy_to_user(uarg, &ws, sizeof(ws)) ? -EFAULT : 0;
	}
	case TIOCSWINSZ: {
		struct winsize_k ws;
		if (copy_from_user(&ws, uarg, sizeof(ws)))
			return -EFAULT;
		fl = spin_lock_irqsave(&tty->lock);
		bool changed = memcmp(&ws, &tty->ws, sizeof(ws)) != 0;
		tty->ws = ws;
		int pgrp = tty->pgrp;
		spin_unlock_irqrestore(&tty->lock, fl);
		if (changed)
			kill_pgrp(pgrp, SIGWINCH);
		return 0;
	}
	case TIOCGPGRP:
		tty_check_session(tty);
		if (!is_ctty(tty))
			return -ENOTTY;
		return put_user(tty->pgrp, (int *)uarg) ? -EFAULT : 0;
	case TIOCSPGRP:
		tty_check_session(tty);
		r = tty_job_check(tty, SIGTTOU);
		if (r == -EIO)
			return -ENOTTY;
		if (r)
			return r;
		if (!is_ctty(tty))
			return -ENOTTY;
		if (get_user(v, (int *)uarg))
			return -EFAULT;
		if (v < 0)
			return -EINVAL;
		r = pgrp_session(v);
		if (r < 0)
			return -ESRCH;
		if (r != p->sid)
			return -EPERM;
		fl = spin_lock_irqsave(&tty->lock);
		tty->pgrp = v;
		spin_unlock_irqrestore(&tty->lock, fl);
		return 0;
	case TIOCGSID:
		tty_check_session(tty);
		if (!is_ctty(tty))
			return -ENOTTY;
		return put_user(tty->session, (int *)uarg) ? -EFAULT : 0;
	case TIOCSCTTY:
		tty_check_session(tty);
		if (p->pid == p->sid && tty->session == p->sid)
			return 0;
		if (p->pid != p->sid)
			return -EPERM;
		/* Stealing (arg 1) is for CAP_SYS_ADMIN; every process is root here. */
		if (tty->session && arg != 1)
			return -EPERM;
		fl = spin_lock_irqsave(&tty->lock);
		tty->session = p->sid;
		tty->pgrp = p->pgid;
		spin_unlock_irqrestore(&tty->lock, fl);
		return 0;
	case TIOCNOTTY:
		tty_check_session(tty);
		if (!is_ctty(tty))
			return -ENOTTY;
		if (p->pid == p->sid) {
			fl = spin_lock_irqsave(&tty->lock);
			int pgrp = tty->pgrp;
			tty->session = tty->pgrp = 0;
			spin_unlock_irqrestore(&tty->lock, fl);
			kill_pgrp(pgrp, SIGHUP);
			kill_pgrp(pgrp, SIGCONT);
		}
		return 0;
	case FIONREAD:
		tty_pull(tty, 1);
		fl = spin_lock_irqsave(&tty->lock);
		v = (int)ldisc_inq(&tty->ld);
		spin_unlock_irqrestore(&tty->lock, fl);
		return put_user(v, (int *)uarg) ? -EFAULT : 0;
	case TIOCOUTQ:
		return put_user((int)mpscq_count(&console_txq), (int *)uarg) ? -EFAULT : 0;
	case TCFLSH:
		if (arg > TCIOFLUSH)
			return -EINVAL;
		if (arg == TCIFLUSH || arg == TCIOFLUSH) {
			tty_pull(tty, 1);
			fl = spin_lock_irqsave(&tty->lock);
			ldisc_flush_input(&tty->ld);
			spin_unlock_irqrestore(&tty->lock, fl);
		}
		return 0;
	case TIOCSTI: {
		uint8_t c;
		if (get_user(c, (uint8_t *)uarg))
			return -EFAULT;
		fl = spin_lock_irqsave(&tty->lock);
		ldisc_receive(&tty->ld, c);
		uint64_t sigs = tty->ld.sigs;
		int pgrp = tty->pgrp;
		tty->ld.sigs = 0;
		spin_unlock_irqrestore(&tty->lock, fl);
		tty_send_sigs(tty, sigs, pgrp);
		wake_up(&console_input_wq);
		return 0;
	}
	case FIONBIO:
		if (get_user(v, (int *)uarg))
			return -EFAULT;
		if (v)
			f->flags |= O_NONBLOCK;
		else
			f->flags &= ~O_NONBLOCK;
		return 0;
	case TCSBRK:            /* tcdrain(), tcsendbreak() */
	case TCSBRKP:
		console_output_wait();
		return 0;
	case TCXONC:
	case TIOCEXCL:
	case TIOCNXCL:
		return 0;
	default:
		return -ENOTTY;
	}
}

/*
 * Opening a terminal makes it the controlling terminal of a session leader
 * that has none, unless O_NOCTTY -- except /dev/console and /dev/tty, which
 * never do (Linux's rule). /dev/tty opens even without a controlling
 * terminal (Linux says ENXIO): there is only one terminal it could mean.
 */
static void tty_maybe_acquire(struct tty *tty, struct file *f)
{
	struct proc *p = current->proc;
	if (f->flags & O_NOCTTY)
		return;
	tty_check_session(tty);
	if (p->pid != p->sid || tty->session)
		return;
	unsigned long fl = spin_lock_irqsave(&tty->lock);
	if (!tty->session) {
		tty->session = p->sid;
		tty->pgrp = p->pgid;
	}
	spin_unlock_irqrestore(&tty->lock, fl);
}

static int tty_open_noctty(struct inode *ino, struct file *f)
{
	tty_init();
	f->priv = &console_tty;
	return 0;
}

static int ttys_open(struct inode *ino, struct file *f)
{
	tty_init();
	f->priv = &console_tty;
	if (current && current->proc)
		tty_maybe_acquire(&console_tty, f);
	return 0;
}

static const struct file_ops console_ops = {
	.open = tty_open_noctty, .read = tty_read, .write = tty_write,
	.ioctl = tty_ioctl, .poll = tty_poll,
};
static const struct file_ops ttys0_ops = {
	.open = ttys_open, .read = tty_read, .write = tty_write,
	.ioctl = tty_ioctl, .poll = tty_poll,
};

bool tty_file_is_console(const struct file *f)
{
	return f->ops == &console_ops || f->ops == &ttys0_ops;
}

int tty_console_session(int *pgrp)
{
	if (!tty_ready) {
		*pgrp = 0;
		return 0;
	}
	tty_check_session(&console_tty);
	*pgrp = console_tty.pgrp;
	return console_tty.session;
}

void tty_devices_init(void)
{
	tty_init();
	chrdev_register(TTYAUX_MAJOR, 0, 2, &console_ops);     /* tty, console */
	chrdev_register(TTY_MAJOR, 64, 1, &ttys0_ops);         /* ttyS0 */
}
