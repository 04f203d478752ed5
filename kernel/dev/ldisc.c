/*
 * ldisc.c - the terminal line discipline, a pure byte machine.
 *
 * Input bytes in (ldisc_receive): termios editing -- canonical lines with
 * erase, kill, word-erase, ^D, ^V and ^R, or raw bytes with VMIN/VTIME left
 * to the reader -- echo, and the ISIG signals noted in l->sigs for the
 * owner to send. Output (ldisc_write): OPOST processing (ONLCR, OCRNL,
 * XTABS...). Echo and processed output leave through l->output, which for
 * the console is the output server's queue (console_servers.c).
 *
 * It knows nothing of files, processes, queues or sleeping: the owner
 * (tty.c) serializes every call with its lock, and the self-tests
 * (dev_ktests.c, tty_ktests.c) feed it bytes directly. In the Synthesis
 * structure (docs/TERMINAL.md) it is the body of the input server.
 */
#include <synthos/devices.h>
#include <synthos/errno.h>
#include <synthos/signal.h>
#include <synthos/string.h>


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

