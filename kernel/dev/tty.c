/*
 * tty.c - the console terminal: /dev/console (5,1), /dev/tty (5,0) and
 * /dev/ttyS0 (4,64), all one terminal on COM1, with a line discipline.
 *
 * Two layers, kept apart on purpose (a later design runs the line
 * discipline in an I/O server between queues):
 *
 *  - The line discipline (ldisc_*), a pure byte machine: input bytes in,
 *    termios editing (canonical lines with erase/kill/word-erase/^D/^V/^R,
 *    or raw bytes), echo, ISIG signals noted in l->sigs; output processing
 *    (ONLCR, OCRNL, XTABS...) out through l->output. It knows nothing of
 *    files, processes or sleeping, so dev_ktests.c feeds it bytes directly.
 *
 *  - The device (tty_*): pulls bytes from the console's receive ring into
 *    the ldisc, sleeps on console_input_wq (the serial interrupt wakes it),
 *    implements VMIN/VTIME, job control (foreground process group, SIGTTIN/
 *    SIGTTOU), the ioctls, and poll.
 *
 * Input is pulled, not pushed: the serial interrupt only fills its ring,
 * and whoever reads or polls the tty (or tty_console_rx(), for a caller
 * that wants ^C noticed while nobody reads) runs the bytes through the
 * ldisc. The ldisc stops pulling in raw mode when its buffer is full, so
 * the UART's ring is the flow control.
 *
 * The controlling terminal is recorded on the tty (session, pgrp), not on
 * the process: a process's controlling tty is this one iff its sid equals
 * tty->session. A session whose leader has gone is dropped lazily.
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

/* ======================= the line discipline ======================= */

const struct termios_k tty_std_termios = {
	.c_iflag = ICRNL | IXON | IUTF8,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B38400 | CS8 | CREAD | HUPCL | CLOCAL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_line = 0,
	.c_cc = {
		[VINTR] = 3, [VQUIT] = 28, [VERASE] = 127, [VKILL] = 21,
		[VEOF] = 4, [VTIME] = 0, [VMIN] = 1, [VSWTC] = 0,
		[VSTART] = 17, [VSTOP] = 19, [VSUSP] = 26, [VEOL] = 0,
		[VREPRINT] = 18, [VDISCARD] = 15, [VWERASE] = 23, [VLNEXT] = 22,
		[VEOL2] = 0,
	},
};

#define IDX(x) ((x) & (LDISC_BUF - 1))

static bool mark_test(const uint8_t *bm, uint32_t pos)
{
	return bm[IDX(pos) / 8] & (1u << (IDX(pos) % 8));
}

static void mark_set(uint8_t *bm, uint32_t pos, bool on)
{
	if (on)
		bm[IDX(pos) / 8] |= (uint8_t)(1u << (IDX(pos) % 8));
	else
		bm[IDX(pos) / 8] &= (uint8_t)~(1u << (IDX(pos) % 8));
}

static bool is_cntrl(uint8_t c) { return c < 32 || c == 127; }
static bool is_utf8_cont(const struct ldisc *l, uint8_t c)
{
	return (l->t.c_iflag & IUTF8) && (c & 0xc0) == 0x80;
}
static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* A disabled control character (_POSIX_VDISABLE, 0) matches nothing. */
static bool is_cc(const struct ldisc *l, int idx, uint8_t c)
{
	return l->t.c_cc[idx] && c == l->t.c_cc[idx];
}

/* Output is collected in a small buffer and handed to l->output in runs. */
struct sink {
	struct ldisc *l;
	size_t n;
	char buf[128];
};

static void sink_flush(struct sink *s)
{
	if (s->n && s->l->output)
		s->l->output(s->l->ctx, s->buf, s->n);
	s->n = 0;
}

static void emit(struct sink *s, char c)
{
	if (s->n == sizeof(s->buf))
		sink_flush(s);
	s->buf[s->n++] = c;
}

/* One byte of output with OPOST processing; keeps l->column. */
static void out_char(struct sink *s, uint8_t c)
{
	struct ldisc *l = s->l;
	uint32_t of = l->t.c_oflag;

	if (!(of & OPOST)) {
		if (c == '\r' || c == '\n')
			l->column = 0;
		else if (c == '\b' && l->column)
			l->column--;
		else if (c == '\t')
			l->column = (l->column | 7) + 1;
		else if (!is_cntrl(c) && !is_utf8_cont(l, c))
			l->column++;
		emit(s, (char)c);
		return;
	}
	switch (c) {
	case '\n':
		if (of & ONLRET)
			l->column = 0;
		if (of & ONLCR) {
			l->column = 0;
			emit(s, '\r');
		}
		emit(s, '\n');
		return;
	case '\r':
		if ((of & ONOCR) && l->column == 0)
			return;
		if (of & OCRNL) {
			c = '\n';
			if (of & ONLRET)
				l->column = 0;
		} else {
			l->column = 0;
		}
		emit(s, (char)c);
		return;
	case '\t': {
		unsigned spaces = 8 - (l->column & 7);
		l->column += spaces;
		if ((of & TABDLY) == XTABS) {
			while (spaces--)
				emit(s, ' ');
			return;
		}
		emit(s, '\t');
		return;
	}
	case '\b':
		if (l->column)
			l->column--;
		emit(s, '\b');
		return;
	default:
		if ((of & OLCUC) && c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 'a' + 'A');
		if (!is_cntrl(c) && !is_utf8_cont(l, c))
			l->column++;
		emit(s, (char)c);
	}
}

/* Echo of an input byte: control characters as ^X under ECHOCTL. */
static void echo_char(struct sink *s, uint8_t c)
{
	if ((s->l->t.c_lflag & ECHOCTL) && is_cntrl(c) && c != '\t') {
		out_char(s, '^');
		out_char(s, c ^ 0x40);
	} else {
		out_char(s, c);
	}
}

static void put_byte(struct ldisc *l, uint8_t c)
{
	l->buf[IDX(l->head)] = c;
	mark_set(l->eol, l->head, false);
	mark_set(l->eof, l->head, false);
	l->head++;
}

void ldisc_flush_input(struct ldisc *l)
{
	l->tail = l->canon_head = l->head;
	l->lnext = false;
}

void ldisc_init(struct ldisc *l, void (*output)(void *ctx, const char *s, size_t n),
		void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->t = tty_std_termios;
	l->output = output;
	l->ctx = ctx;
}

bool ldisc_room(const struct ldisc *l)
{
	return l->head - l->tail < LDISC_BUF;
}

/* Width on screen of the edited line's bytes [canon_head, upto). */
static unsigned line_column(const struct ldisc *l, uint32_t upto)
{
	unsigned col = l->canon_column;
	for (uint32_t p = l->canon_head; p != upto; p++) {
		uint8_t c = l->buf[IDX(p)];
		if (c == '\t')
			col = (col | 7) + 1;
		else if (is_cntrl(c))
			col += (l->t.c_lflag & ECHOCTL) ? 2 : 0;
		else if (!is_utf8_cont(l, c))
			col++;
	}
	return col;
}

enum erase_kind { ERASE, WERASE, KILL };

static void eraser(struct ldisc *l, struct sink *s, enum erase_kind kind)
{
	uint32_t lf = l->t.c_lflag;
	if (l->head == l->canon_head)
		return;
	if (kind == KILL) {
		if (!(lf & ECHO)) {
			l->head = l->canon_head;
			return;
		}
		if (!(lf & ECHOK) || !(lf & ECHOKE) || !(lf & ECHOE)) {
			l->head = l->canon_head;
			echo_char(s, l->t.c_cc[VKILL]);
			if (lf & ECHOK)
				out_char(s, '\n');
			return;
		}
	}
	int seen_alnums = 0;
	while (l->head != l->canon_head) {
		uint32_t h = l->head - 1;
		/* A UTF-8 character goes as a whole: back over continuation bytes. */
		while (h != l->canon_head && is_utf8_cont(l, l->buf[IDX(h)]))
			h--;
		uint8_t c = l->buf[IDX(h)];
		if (kind == WERASE) {
			if (is_alnum(c) || c == '_' || c >= 0x80)
				seen_alnums++;
			else if (seen_alnums)
				break;
		}
		l->head = h;
		if (lf & ECHO) {
			if (kind == ERASE && !(lf & ECHOE)) {
				echo_char(s, l->t.c_cc[VERASE]);
			} else if (c == '\t') {
				unsigned col = line_column(l, l->head);
				while (l->column > col)
					out_char(s, '\b');
			} else if (!is_cntrl(c) || (lf & ECHOCTL)) {
				int width = is_cntrl(c) ? 2 : 1;
				while (width--) {
					out_char(s, '\b');
					out_char(s, ' ');
					out_char(s, '\b');
				}
			}
		}
		if (kind == ERASE)
			break;
	}
}

static void reprint(struct ldisc *l, struct sink *s)
{
	echo_char(s, l->t.c_cc[VREPRINT]);
	out_char(s, '\n');
	l->canon_column = l->column;
	for (uint32_t p = l->canon_head; p != l->head; p++)
		echo_char(s, l->buf[IDX(p)]);
}

static int isig_signal(const struct ldisc *l, uint8_t c)
{
	if (is_cc(l, VINTR, c))
		return SIGINT;
	if (is_cc(l, VQUIT, c))
		return SIGQUIT;
	if (is_cc(l, VSUSP, c))
		return SIGTSTP;
	return 0;
}

void ldisc_receive(struct ldisc *l, uint8_t c)
{
	struct sink s = { .l = l, .n = 0 };
	uint32_t lf = l->t.c_lflag, ifl = l->t.c_iflag;
	bool canon = lf & ICANON;

	if (ifl & ISTRIP)
		c &= 0x7f;
	if ((ifl & IUCLC) && (lf & IEXTEN) && c >= 'A' && c <= 'Z')
		c = (uint8_t)(c - 'A' + 'a');
	if (l->lnext) {
		l->lnext = false;
		if ((lf & ECHO) && (lf & ECHOCTL) && canon) {
			out_char(&s, '\b');          /* over the "^" of the ^V echo */
		}
		goto ordinary;
	}
	if (c == '\r') {
		if (ifl & IGNCR)
			goto out;
		if (ifl & ICRNL)
			c = '\n';
	} else if (c == '\n' && (ifl & INLCR)) {
		c = '\r';
	}

	if (lf & ISIG) {
		int sig = isig_signal(l, c);
		if (sig) {
			if (!(lf & NOFLSH))
				ldisc_flush_input(l);
			if (lf & ECHO)
				echo_char(&s, c);
			l->sigs |= sigmask(sig);
			goto out;
		}
	}
	if ((ifl & IXON) && (is_cc(l, VSTOP, c) || is_cc(l, VSTART, c)))
		goto out;       /* flow control: output is never held, so just swallow */

	if (canon) {
		if (is_cc(l, VERASE, c) || c == '\b' || c == 0x7f) {
			eraser(l, &s, ERASE);
			goto out;
		}
		if (is_cc(l, VKILL, c)) {
			eraser(l, &s, KILL);
			goto out;
		}
		if ((lf & IEXTEN) && is_cc(l, VWERASE, c)) {
			eraser(l, &s, WERASE);
			goto out;
		}
		if ((lf & IEXTEN) && is_cc(l, VLNEXT, c)) {
			l->lnext = true;
			if ((lf & ECHO) && (lf & ECHOCTL)) {
				if (l->canon_head == l->head)
					l->canon_column = l->column;
				out_char(&s, '^');
			}
			goto out;
		}
		if ((lf & IEXTEN) && is_cc(l, VREPRINT, c)) {
			if (lf & ECHO)
				reprint(l, &s);
			goto out;
		}
		bool is_eol = c == '\n' || is_cc(l, VEOL, c) ||
			      ((lf & IEXTEN) && is_cc(l, VEOL2, c));
		bool is_eof = is_cc(l, VEOF, c);
		if (is_eol || is_eof) {
			if (!ldisc_room(l))
				goto out;
			if (is_eol && (lf & (ECHO | ECHONL))) {
				if (c == '\n')
					out_char(&s, '\n');
				else if (lf & ECHO)
					echo_char(&s, c);
			}
			put_byte(l, is_eof ? 0 : c);
			mark_set(l->eol, l->head - 1, true);
			mark_set(l->eof, l->head - 1, is_eof);
			l->canon_head = l->head;
			goto out;
		}
	}

ordinary:
	/* Canonical mode keeps the last slot for the line's end. */
	if (l->head - l->tail >= LDISC_BUF - (canon ? 1u : 0u)) {
		if (canon && (ifl & IMAXBEL) && (lf & ECHO))
			emit(&s, '\a');
		goto out;
	}
	if (lf & ECHO) {
		if (canon && l->canon_head == l->head)
			l->canon_column = l->column;
		if (c == '\n')
			out_char(&s, '\n');
		else
			echo_char(&s, c);
	} else if (c == '\n' && (lf & ECHONL) && canon) {
		out_char(&s, '\n');
	}
	put_byte(l, c);
	if (!canon)
		l->canon_head = l->head;
out:
	sink_flush(&s);
}

bool ldisc_readable(const struct ldisc *l, size_t amount)
{
	if (l->t.c_lflag & ICANON)
		return l->tail != l->canon_head;
	return l->head - l->tail >= (amount ? amount : 1);
}

ssize_t ldisc_read(struct ldisc *l, uint8_t *dst, size_t n, bool *line_end)
{
	size_t k = 0;
	*line_end = false;
	if (l->t.c_lflag & ICANON) {
		if (l->tail == l->canon_head)
			return -EAGAIN;
		while (k < n && l->tail != l->canon_head) {
			uint32_t p = l->tail;
			bool eol = mark_test(l->eol, p), eof = mark_test(l->eof, p);
			l->tail++;
			if (eof) {
				*line_end = true;
				break;
			}
			dst[k++] = l->buf[IDX(p)];
			if (eol) {
				*line_end = true;
				break;
			}
		}
		return (ssize_t)k;
	}
	if (l->tail == l->head)
		return -EAGAIN;
	while (k < n && l->tail != l->head)
		dst[k++] = l->buf[IDX(l->tail++)];
	return (ssize_t)k;
}

void ldisc_write(struct ldisc *l, const uint8_t *p, size_t n)
{
	struct sink s = { .l = l, .n = 0 };
	for (size_t i = 0; i < n; i++)
		out_char(&s, p[i]);
	sink_flush(&s);
}

void ldisc_set_termios(struct ldisc *l, const struct termios_k *t)
{
	bool was_canon = l->t.c_lflag & ICANON;
	l->t = *t;
	bool canon = l->t.c_lflag & ICANON;
	if (was_canon == canon)
		return;
	/* As Linux: going canonical makes pending raw bytes one line;
	 * going raw makes the half-edited line readable. */
	memset(l->eol, 0, sizeof(l->eol));
	memset(l->eof, 0, sizeof(l->eof));
	if (canon && l->head != l->tail)
		mark_set(l->eol, l->head - 1, true);
	l->canon_head = l->head;
	l->canon_column = l->column;
	l->lnext = false;
}

size_t ldisc_inq(const struct ldisc *l)
{
	if (!(l->t.c_lflag & ICANON))
		return l->head - l->tail;
	size_t n = 0;
	for (uint32_t p = l->tail; p != l->canon_head; p++)
		if (!mark_test(l->eof, p))
			n++;
	return n;
}

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

static void console_output(void *ctx, const char *s, size_t n)
{
	console_write_raw(s, n);
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

/*
 * Run waiting console bytes through the ldisc. Returns whether `amount`
 * bytes (canonical: a line) are readable. Sends the signals that raised.
 */
static bool tty_pull(struct tty *tty, size_t amount)
{
	unsigned long fl = spin_lock_irqsave(&tty->lock);
	while (ldisc_room(&tty->ld)) {
		int c = console_getc_nonblock();
		if (c < 0)
			break;
		ldisc_receive(&tty->ld, (uint8_t)c);
	}
	bool ready = ldisc_readable(&tty->ld, amount);
	uint64_t sigs = tty->ld.sigs;
	int pgrp = tty->pgrp;
	tty->ld.sigs = 0;
	spin_unlock_irqrestore(&tty->lock, fl);
	if (sigs)
		tty_send_sigs(tty, sigs, pgrp);
	return ready;
}

void tty_console_rx(void)
{
	if (tty_ready)
		tty_pull(&console_tty, 1);
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
	case TCSETS:
	case TCSETSW:           /* output is synchronous: nothing to drain */
	case TCSETSF:
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
		return put_user(0, (int *)uarg) ? -EFAULT : 0;
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
	case TCSBRK:
	case TCSBRKP:
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
