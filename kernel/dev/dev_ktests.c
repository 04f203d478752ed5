/*
 * dev_ktests.c - self-tests of kernel/dev that need no user process: the
 * ChaCha20 core against RFC 8439, the random generator, the line
 * discipline fed bytes directly, the pipe buffer with non-blocking calls,
 * and the device nodes, FIFOs and /proc files through the VFS.
 *
 * They run on the boot thread (no struct proc), so nothing here may sleep
 * or reach current->proc: pipes are driven through pipe_buf_* with
 * nonblock set, and FIFOs opened only in ways that never block.
 */
#include <synthos/devices.h>
#include <synthos/errno.h>
#include <synthos/ktest.h>
#include <synthos/pipe.h>
#include <synthos/signal.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/vfs.h>

/* ---- random ---- */

KTEST(dev_chacha20_rfc8439)
{
	/* RFC 8439 section 2.3.2: key 00..1f, block counter 1, nonce
	 * 00:00:00:09:00:00:00:4a:00:00:00:00. */
	uint32_t key[8], out[16];
	for (int i = 0; i < 8; i++)
		key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 |
			 (uint32_t)(4 * i + 2) << 16 | (uint32_t)(4 * i + 3) << 24;
	chacha20_block(key, 1 | (0x09000000ULL << 32), 0x4a000000, out);
	KT_CHECK_EQ(out[0], 0xe4e7f110);
	KT_CHECK_EQ(out[1], 0x15593bd1);
	KT_CHECK_EQ(out[7], 0x4e6cd4c3);
	KT_CHECK_EQ(out[15], 0x4e3c50a2);
}

KTEST(dev_random_not_constant)
{
	uint8_t a[64], b[64];
	get_random_bytes(a, sizeof(a));
	get_random_bytes(b, sizeof(b));
	KT_CHECK(memcmp(a, b, sizeof(a)) != 0);
	static const uint8_t zero[64];
	KT_CHECK(memcmp(a, zero, sizeof(a)) != 0);

	/* 4 KiB should hit nearly every byte value. */
	uint8_t *buf = kmalloc(4096);
	KT_CHECK(buf != NULL);
	get_random_bytes(buf, 4096);
	bool seen[256] = { false };
	int distinct = 0, ones = 0;
	for (int i = 0; i < 4096; i++) {
		if (!seen[buf[i]]) {
			seen[buf[i]] = true;
			distinct++;
		}
		for (uint8_t v = buf[i]; v; v &= (uint8_t)(v - 1))
			ones++;
	}
	kfree(buf);
	KT_CHECK(distinct > 240);
	KT_CHECK(ones > 4096 * 4 - 600 && ones < 4096 * 4 + 600);
	KT_CHECK(get_random_u64() != get_random_u64());
}

/* ---- the line discipline ---- */

struct echo_buf {
	char s[512];
	size_t n;
};

static void echo_sink(void *ctx, const char *s, size_t n)
{
	struct echo_buf *e = ctx;
	for (size_t i = 0; i < n && e->n < sizeof(e->s) - 1; i++)
		e->s[e->n++] = s[i];
	e->s[e->n] = 0;
}

static struct ldisc *ld_new(struct echo_buf *e)
{
	struct ldisc *l = kmalloc(sizeof(*l));
	if (l) {
		memset(e, 0, sizeof(*e));
		ldisc_init(l, echo_sink, e);
	}
	return l;
}

static void feed(struct ldisc *l, const char *s)
{
	while (*s)
		ldisc_receive(l, (uint8_t)*s++);
}

/* One read into a NUL-terminated buffer; the count, or -EAGAIN. */
static ssize_t rd(struct ldisc *l, char *buf, size_t n)
{
	bool eol;
	ssize_t r = ldisc_read(l, (uint8_t *)buf, n - 1, &eol);
	buf[r > 0 ? r : 0] = 0;
	return r;
}

KTEST(dev_ldisc_canonical_editing)
{
	struct echo_buf e;
	struct ldisc *l = ld_new(&e);
	char buf[64];
	KT_CHECK(l != NULL);

	feed(l, "ab");
	KT_CHECK(!ldisc_readable(l, 1));          /* no line yet */
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), -EAGAIN);
	feed(l, "\x7f" "c\r");                    /* DEL erases; CR -> NL */
	KT_CHECK(ldisc_readable(l, 1));
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 3);
	KT_CHECK(!strcmp(buf, "ac\n"));
	KT_CHECK(!strcmp(e.s, "ab\b \bc\r\n"));   /* echo with ECHOE and ONLCR */

	feed(l, "xy\bz\n");                       /* ^H erases too */
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 3);
	KT_CHECK(!strcmp(buf, "xz\n"));

	feed(l, "garbage\x15" "ok\n");            /* ^U kills the line */
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 3);
	KT_CHECK(!strcmp(buf, "ok\n"));

	feed(l, "foo bar  \x17" "baz\n");          /* ^W: spaces, then the word */
	KT_CHECK(rd(l, buf, sizeof(buf)) > 0);
	KT_CHECK(!strcmp(buf, "foo baz\n"));

	feed(l, "one\ntwo\n");                    /* one line per read */
	KT_CHECK_EQ(ldisc_inq(l), 8);
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 4);
	KT_CHECK_EQ(rd(l, buf, 3), 2);            /* a short read takes part of a line */
	KT_CHECK(!strcmp(buf, "tw"));
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 2);
	KT_CHECK(!strcmp(buf, "o\n"));
	kfree(l);
}

KTEST(dev_ldisc_eof_and_literal)
{
	struct echo_buf e;
	struct ldisc *l = ld_new(&e);
	char buf[64];
	KT_CHECK(l != NULL);

	feed(l, "\x04");                          /* ^D on an empty line: EOF */
	KT_CHECK(ldisc_readable(l, 1));
	KT_CHECK_EQ(ldisc_inq(l), 0);
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 0);
	KT_CHECK(!ldisc_readable(l, 1));

	feed(l, "ab\x04");                        /* ^D after text: push without newline */
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 2);
	KT_CHECK(!strcmp(buf, "ab"));
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), -EAGAIN);

	e.n = 0;
	feed(l, "\x16\x03\x16\x7f\n");            /* ^V quotes ^C and DEL */
	KT_CHECK_EQ(l->sigs, 0);
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 3);
	KT_CHECK_EQ(buf[0], 3);
	KT_CHECK_EQ((uint8_t)buf[1], 0x7f);
	kfree(l);
}

KTEST(dev_ldisc_signals_and_echoctl)
{
	struct echo_buf e;
	struct ldisc *l = ld_new(&e);
	char buf[64];
	KT_CHECK(l != NULL);

	feed(l, "partial\x03");
	KT_CHECK_EQ(l->sigs, sigmask(SIGINT));
	KT_CHECK(e.n >= 2 && e.s[e.n - 2] == '^' && e.s[e.n - 1] == 'C');
	KT_CHECK_EQ(ldisc_inq(l), 0);             /* the line was flushed */
	l->sigs = 0;
	feed(l, "\x1c\x1a");
	KT_CHECK_EQ(l->sigs, sigmask(SIGQUIT) | sigmask(SIGTSTP));

	/* Without ISIG the characters are data. */
	struct termios_k t = l->t;
	t.c_lflag &= ~ISIG;
	ldisc_set_termios(l, &t);
	l->sigs = 0;
	feed(l, "\x03\n");
	KT_CHECK_EQ(l->sigs, 0);
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 2);
	kfree(l);
}

KTEST(dev_ldisc_tab_erase_and_output)
{
	struct echo_buf e;
	struct ldisc *l = ld_new(&e);
	char buf[64];
	KT_CHECK(l != NULL);

	feed(l, "a\t");
	KT_CHECK_EQ(l->column, 8);
	e.n = 0;
	feed(l, "\x7f");                          /* erasing a tab backs up to column 1 */
	KT_CHECK_EQ(l->column, 1);
	KT_CHECK_EQ(e.n, 7);
	feed(l, "\x7f\n");
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 1);

	e.n = 0;
	ldisc_write(l, (const uint8_t *)"x\ny", 3);
	KT_CHECK(!strcmp(e.s, "x\r\ny"));
	struct termios_k t = l->t;
	t.c_oflag &= ~OPOST;
	ldisc_set_termios(l, &t);
	e.n = 0;
	ldisc_write(l, (const uint8_t *)"x\ny", 3);
	KT_CHECK(!strcmp(e.s, "x\ny"));
	kfree(l);
}

KTEST(dev_ldisc_raw_mode)
{
	struct echo_buf e;
	struct ldisc *l = ld_new(&e);
	char buf[64];
	KT_CHECK(l != NULL);

	feed(l, "ab");                            /* half a line, then go raw */
	struct termios_k t = l->t;
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	ldisc_set_termios(l, &t);
	KT_CHECK(ldisc_readable(l, 2));
	KT_CHECK(!ldisc_readable(l, 3));
	e.n = 0;
	feed(l, "c\x7f\x04");                     /* no editing, no echo */
	KT_CHECK_EQ(e.n, 0);
	KT_CHECK_EQ(ldisc_inq(l), 5);
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 5);
	KT_CHECK(!memcmp(buf, "abc\x7f\x04", 5));

	/* Raw mode fills the whole buffer, then refuses (flow control). */
	for (int i = 0; i < LDISC_BUF; i++)
		ldisc_receive(l, 'z');
	KT_CHECK(!ldisc_room(l));
	KT_CHECK_EQ(ldisc_inq(l), LDISC_BUF);

	/* Back to canonical: what is pending becomes one readable line. */
	t.c_lflag |= ICANON;
	ldisc_flush_input(l);
	feed(l, "xy");
	ldisc_set_termios(l, &t);
	KT_CHECK(ldisc_readable(l, 1));
	KT_CHECK_EQ(rd(l, buf, sizeof(buf)), 2);
	kfree(l);
}

KTEST(dev_ldisc_canonical_full_line)
{
	struct echo_buf e;
	struct ldisc *l = ld_new(&e);
	KT_CHECK(l != NULL);
	struct termios_k t = l->t;
	t.c_lflag &= ~ECHO;
	ldisc_set_termios(l, &t);
	for (int i = 0; i < LDISC_BUF + 100; i++)
		ldisc_receive(l, 'q');
	KT_CHECK_EQ(l->head - l->tail, LDISC_BUF - 1);   /* one slot kept for the newline */
	ldisc_receive(l, '\n');
	KT_CHECK(ldisc_readable(l, 1));
	KT_CHECK_EQ(ldisc_inq(l), LDISC_BUF);
	kfree(l);
}

/* ---- the pipe buffer ---- */

static ssize_t pw(struct pipe *p, const void *buf, size_t n, bool *broken)
{
	struct uio u = { .base = (char *)buf, .user = false };
	return pipe_buf_write(p, &u, n, true, broken);
}

static ssize_t pr(struct pipe *p, void *buf, size_t n)
{
	struct uio u = { .base = buf, .user = false };
	return pipe_buf_read(p, &u, n, true);
}

KTEST(dev_pipe_capacity_and_atomicity)
{
	struct pipe *p = pipe_new();
	uint8_t *buf = kmalloc(8192);
	bool broken;
	KT_CHECK(p && buf);
	p->readers = p->writers = 1;
	memset(buf, 0xab, 8192);

	KT_CHECK_EQ(pr(p, buf, 10), -EAGAIN);    /* empty, a writer left: EAGAIN */
	KT_CHECK_EQ(pipe_poll_mask(p, true, true, 0), POLLOUT | POLLWRNORM);
	size_t total = 0;
	for (;;) {
		ssize_t r = pw(p, buf, 4096, &broken);
		if (r < 0) {
			KT_CHECK_EQ(r, -EAGAIN);
			break;
		}
		KT_CHECK_EQ(r, 4096);
		total += (size_t)r;
	}
	KT_CHECK_EQ(total, PIPE_SIZE);            /* 64 KiB */
	KT_CHECK_EQ(pipe_poll_mask(p, true, true, 0), POLLIN | POLLRDNORM);

	KT_CHECK_EQ(pr(p, buf, 100), 100);        /* 100 bytes of room */
	KT_CHECK_EQ(pw(p, buf, 200, &broken), -EAGAIN);   /* atomic: all or nothing */
	KT_CHECK_EQ(pw(p, buf, 5000, &broken), 100);      /* big: split */
	KT_CHECK_EQ(pipe_used(p), PIPE_SIZE);
	while (pr(p, buf, 8192) > 0)
		;
	KT_CHECK_EQ(pipe_used(p), 0);
	KT_CHECK_EQ(pw(p, buf, 0, &broken), 0);
	kfree(buf);
	pipe_free(p);
}

KTEST(dev_pipe_data_wraps_intact)
{
	struct pipe *p = pipe_new();
	uint8_t *in = kmalloc(3000), *out = kmalloc(3000);
	bool broken;
	KT_CHECK(p && in && out);
	p->readers = p->writers = 1;
	/* Keep 40000 bytes in flight so the ring wraps many times. */
	uint8_t wseq = 0, rseq = 0;
	for (int k = 0; k < 14; k++) {
		for (int i = 0; i < 3000; i++)
			in[i] = wseq++;
		KT_CHECK_EQ(pw(p, in, 3000, &broken), 3000);
	}
	for (int round = 0; round < 100; round++) {
		KT_CHECK_EQ(pr(p, out, 3000), 3000);
		for (int i = 0; i < 3000; i++)
			KT_CHECK_EQ(out[i], rseq++);
		for (int i = 0; i < 3000; i++)
			in[i] = wseq++;
		KT_CHECK_EQ(pw(p, in, 3000, &broken), 3000);
	}
	kfree(in);
	kfree(out);
	pipe_free(p);
}

KTEST(dev_pipe_eof_epipe_hup)
{
	struct pipe *p = pipe_new();
	char buf[16];
	bool broken;
	KT_CHECK(p != NULL);
	p->readers = p->writers = 1;
	p->w_counter = 1;
	KT_CHECK_EQ(pw(p, "hello", 5, &broken), 5);
	KT_CHECK(!broken);
	p->writers = 0;                           /* last writer gone */
	KT_CHECK_EQ(pipe_poll_mask(p, true, false, 0), POLLIN | POLLRDNORM | POLLHUP);
	KT_CHECK_EQ(pipe_poll_mask(p, true, false, 1), POLLIN | POLLRDNORM);
	KT_CHECK_EQ(pr(p, buf, sizeof(buf)), 5);  /* data first, */
	KT_CHECK_EQ(pr(p, buf, sizeof(buf)), 0);  /* then end of file */
	p->writers = 1;
	p->readers = 0;                           /* no reader: EPIPE */
	KT_CHECK_EQ(pw(p, "x", 1, &broken), -EPIPE);
	KT_CHECK(broken);
	KT_CHECK(pipe_poll_mask(p, false, true, 0) & POLLERR);
	pipe_free(p);
}

KTEST(dev_pipe_resize)
{
	struct pipe *p = pipe_new();
	uint8_t *buf = kmalloc(6000);
	bool broken;
	KT_CHECK(p && buf);
	p->readers = p->writers = 1;
	for (int i = 0; i < 6000; i++)
		buf[i] = (uint8_t)(i * 7);
	KT_CHECK_EQ(pr(p, buf, 1), -EAGAIN);
	KT_CHECK_EQ(pw(p, buf, 3000, &broken), 3000);
	KT_CHECK_EQ(pr(p, buf, 1000), 1000);      /* data now starts mid-page */
	KT_CHECK_EQ(pw(p, buf + 1000, 3000, &broken), 3000);
	KT_CHECK_EQ(pipe_set_size(p, 4096), -EBUSY);      /* 5000 bytes don't fit */
	KT_CHECK_EQ(pipe_set_size(p, 10000), 16384);      /* rounded up to 4 pages */
	KT_CHECK_EQ(pipe_set_size(p, PIPE_MAX_SIZE + 1), -EPERM);
	uint8_t *out = kmalloc(6000);
	KT_CHECK(out != NULL);
	KT_CHECK_EQ(pr(p, out, 6000), 5000);
	for (int i = 0; i < 5000; i++)
		KT_CHECK_EQ(out[i], (uint8_t)((i < 2000 ? i + 1000 : i - 1000) * 7));
	kfree(out);
	kfree(buf);
	pipe_free(p);
}

/* ---- through the VFS ---- */

/*
 * These need devices_init() to have run at boot (it mounts /dev and /proc,
 * allocations a test would count as its own leak), so they do not call it.
 */
#define NEED_DEVICES() do {                                                  \
	if (!devices_initialized()) {                                         \
		ktest_fail(__FILE__, __LINE__, "devices_init() was not called at boot"); \
		return;                                                       \
	}                                                                     \
} while (0)

static struct file *open_k(const char *path, int flags, int *err)
{
	return vfs_open(path, flags, 0, err);
}

KTEST(dev_nodes_null_zero_full_urandom)
{
	int err;
	uint8_t buf[32];
	NEED_DEVICES();
	struct file *f = open_k("/dev/null", O_RDWR, &err);
	KT_CHECK(f != NULL);
	KT_CHECK_EQ(kernel_write(f, "abc", 3, 0), 3);
	KT_CHECK_EQ(kernel_read(f, buf, sizeof(buf), 0), 0);
	file_put(f);

	f = open_k("/dev/zero", O_RDONLY, &err);
	KT_CHECK(f != NULL);
	memset(buf, 0x55, sizeof(buf));
	KT_CHECK_EQ(kernel_read(f, buf, sizeof(buf), 0), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		KT_CHECK_EQ(buf[i], 0);
	file_put(f);

	f = open_k("/dev/full", O_WRONLY, &err);
	KT_CHECK(f != NULL);
	KT_CHECK_EQ(kernel_write(f, "abc", 3, 0), -ENOSPC);
	file_put(f);

	f = open_k("/dev/urandom", O_RDONLY, &err);
	KT_CHECK(f != NULL);
	memset(buf, 0, sizeof(buf));
	KT_CHECK_EQ(kernel_read(f, buf, sizeof(buf), 0), sizeof(buf));
	int nonzero = 0;
	for (size_t i = 0; i < sizeof(buf); i++)
		nonzero += buf[i] != 0;
	KT_CHECK(nonzero > 16);
	file_put(f);
}

KTEST(dev_fifo_open_rules)
{
	int err;
	char buf[16];
	NEED_DEVICES();
	vfs_unlink("/tmp/ktest.fifo");
	KT_CHECK_EQ(vfs_mknod("/tmp/ktest.fifo", S_IFIFO | 0600, 0), 0);

	/* O_WRONLY|O_NONBLOCK with no reader: ENXIO. */
	struct file *w = open_k("/tmp/ktest.fifo", O_WRONLY | O_NONBLOCK, &err);
	KT_CHECK(w == NULL);
	KT_CHECK_EQ(err, -ENXIO);
	/* A non-blocking reader opens at once, and then a writer can. */
	struct file *r = open_k("/tmp/ktest.fifo", O_RDONLY | O_NONBLOCK, &err);
	KT_CHECK(r != NULL);
	KT_CHECK(r->ops->poll != NULL);
	KT_CHECK_EQ(r->ops->poll(r, NULL), 0);     /* no writer ever: no POLLHUP */
	w = open_k("/tmp/ktest.fifo", O_WRONLY | O_NONBLOCK, &err);
	KT_CHECK(w != NULL);
	KT_CHECK_EQ(kernel_write(w, "fifo", 4, 0), 4);
	KT_CHECK_EQ(kernel_read(r, buf, sizeof(buf), 0), 4);
	KT_CHECK(!memcmp(buf, "fifo", 4));
	file_put(w);
	KT_CHECK_EQ(r->ops->poll(r, NULL), POLLHUP);
	KT_CHECK_EQ(kernel_read(r, buf, sizeof(buf), 0), 0);
	file_put(r);

	/* O_RDWR never blocks and is its own partner. */
	struct file *rw = open_k("/tmp/ktest.fifo", O_RDWR, &err);
	KT_CHECK(rw != NULL);
	KT_CHECK_EQ(kernel_write(rw, "xy", 2, 0), 2);
	KT_CHECK_EQ(kernel_read(rw, buf, sizeof(buf), 0), 2);
	file_put(rw);
	KT_CHECK_EQ(vfs_unlink("/tmp/ktest.fifo"), 0);
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

KTEST(dev_procfs_files)
{
	int err;
	NEED_DEVICES();
	char *buf = kmalloc(4096);
	KT_CHECK(buf != NULL);
	struct file *f = open_k("/proc/meminfo", O_RDONLY, &err);
	KT_CHECK(f != NULL);
	ssize_t n = kernel_read(f, buf, 4095, 0);
	KT_CHECK(n > 100);
	buf[n] = 0;
	KT_CHECK(starts_with(buf, "MemTotal:"));
	file_put(f);

	f = open_k("/proc/uptime", O_RDONLY, &err);
	KT_CHECK(f != NULL);
	n = kernel_read(f, buf, 4095, 0);
	KT_CHECK(n > 8);
	buf[n] = 0;
	KT_CHECK(strchr(buf, '.') != NULL && buf[n - 1] == '\n');
	file_put(f);

	f = open_k("/proc/stat", O_RDONLY, &err);
	KT_CHECK(f != NULL);
	n = kernel_read(f, buf, 4095, 0);
	KT_CHECK(n > 0);
	buf[n] = 0;
	KT_CHECK(starts_with(buf, "cpu  "));
	file_put(f);

	f = open_k("/proc/meminfo", O_WRONLY, &err);
	KT_CHECK(f == NULL);
	f = open_k("/proc/nonexistent", O_RDONLY, &err);
	KT_CHECK(f == NULL);
	KT_CHECK_EQ(err, -ENOENT);
	kfree(buf);
}
