/*
 * t_synth.c - the events that must invalidate synthesized fast paths.
 *
 * (Bad buffers, /dev/zero, pread and the code-cache churn are in
 * t_synthio.c; a descriptor closed, re-pointed or reopened under a writer
 * in t_synthfd.c.)
 *
 * synthos synthesizes read/write for pipes (a single-producer/single-
 * consumer variant while exactly one writer thread and one reader thread
 * exist, a multi-producer one otherwise), /dev/zero, /dev/null and pread on
 * in-memory files, after the first generic call. Each test here warms a
 * path up with many calls, then makes one of the events that break its
 * assumptions (fork, thread creation, dup/dup2/dup3, close, F_SETFL, exec,
 * a descriptor table shared with another process) and checks that every
 * byte still goes where Linux sends it. All of them are ordinary ABI tests:
 * they pass on Linux, with synthesis on and with synth=off.
 */
#include "ut.h"
#include "t_synth.h"
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/* Work per test; the slow set's loops run the same tests smaller. */
int synth_scale = 4;

/* ---- self-describing records ----------------------------------------------
 *
 * A record is a 16-byte header and a fill pattern, 16..PIPE_BUF bytes in
 * all, written with one write() (so never interleaved with another
 * writer's). Its length and fill are functions of (writer, seq), so the
 * reader can check every byte and each writer's order.
 */
#define REC_MAGIC 0x53594e54u       /* "SYNT" */

struct rec_hdr {
	uint32_t magic;
	uint16_t writer;
	uint16_t len;
	uint32_t seq;
	uint32_t check;
};

static unsigned rec_len(unsigned w, unsigned seq)
{
	if (seq % 8 == 3)
		return PIPE_BUF;
	return sizeof(struct rec_hdr) + (seq * 7 + w * 11) % 200;
}

static unsigned char rec_fill(unsigned w, unsigned seq, unsigned i)
{
	return (unsigned char)(w * 37 + seq * 13 + i);
}

static void rec_build(unsigned char *buf, unsigned w, unsigned seq)
{
	unsigned len = rec_len(w, seq);
	struct rec_hdr h = { REC_MAGIC, (uint16_t)w, (uint16_t)len, seq, REC_MAGIC ^ (w << 20) ^ seq };
	memcpy(buf, &h, sizeof h);
	for (unsigned i = sizeof h; i < len; i++)
		buf[i] = rec_fill(w, seq, i);
}

/* One record of writer w, or FAIL. Safe in threads (own buffer). */
void rec_write(int fd, unsigned w, unsigned seq)
{
	unsigned char buf[PIPE_BUF];
	rec_build(buf, w, seq);
	unsigned len = rec_len(w, seq);
	ssize_t n = write(fd, buf, len);
	if (n != (ssize_t)len)
		FAIL("writer %u record %u: write gave %s", w, seq,
		     n < 0 ? ut_errname(errno) : "a short count");
}

/* Read records from fd until EOF, checking each; the reads are the header,
 * then the rest, so the read path runs twice per record. */
void rec_read_all(int fd, struct rec_reader *r)
{
	static unsigned char buf[PIPE_BUF];
	for (;;) {
		struct rec_hdr h;
		ssize_t n = ut_read_full(fd, &h, sizeof h);
		if (n == 0)
			return;
		if (n != (ssize_t)sizeof h)
			FAIL("record %lu: torn header at EOF (%s)", r->records,
			     n < 0 ? ut_errname(errno) : "short");
		if (h.magic != REC_MAGIC || h.writer >= r->nw ||
		    h.check != (REC_MAGIC ^ ((unsigned)h.writer << 20) ^ h.seq))
			FAIL("record %lu: bad header (bytes lost, duplicated or interleaved)",
			     r->records);
		unsigned w = h.writer;
		if (h.seq != r->next[w])
			FAIL("writer %u: record %u came when %u was expected", w, h.seq, r->next[w]);
		if (h.len != rec_len(w, h.seq))
			FAIL("writer %u record %u: wrong length", w, h.seq);
		size_t rest = h.len - sizeof h;
		if (ut_read_full(fd, buf, rest) != (ssize_t)rest)
			FAIL("writer %u record %u: truncated", w, h.seq);
		for (size_t i = 0; i < rest; i++)
			if (buf[i] != rec_fill(w, h.seq, sizeof h + i))
				FAIL("writer %u record %u: byte %zu wrong (interleaved?)", w, h.seq,
				     sizeof h + i);
		r->next[w]++;
		r->records++;
	}
}

/* Fail instead of hanging when fd should become readable (data or EOF). */
void expect_readable(int fd, const char *what)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int n;
	do
		n = poll(&p, 1, 10000);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		FAIL("%s: the pipe never became readable", what);
}

/* ---- 1. fork turns one writer into two -------------------------------------- */

TEST(pipe_fork_concurrent_writers)
{
	const unsigned before = 500 * synth_scale, after = 750 * synth_scale;
	int p[2];
	CHECK_OK(pipe(p));
	pid_t w0 = ut_fork();
	if (w0 == 0) {
		close(p[0]);
		for (unsigned s = 0; s < before; s++)
			rec_write(p[1], 0, s);
		pid_t w1 = ut_fork();
		unsigned me = w1 == 0 ? 1 : 0, s0 = w1 == 0 ? 0 : before;
		for (unsigned s = s0; s < s0 + after; s++)
			rec_write(p[1], me, s);
		if (w1 == 0)
			_exit(0);
		ut_expect_exit(w1, 0);
		_exit(0);
	}
	close(p[1]);
	struct rec_reader r = { .nw = 2 };
	rec_read_all(p[0], &r);
	CHECK_EQ(r.next[0], before + after);
	CHECK_EQ(r.next[1], after);
	ut_expect_exit(w0, 0);
}

/* ---- 1b. fork and a thread turn one reader into three ------------------------- */


static int readers_fd;
static unsigned long *thread_hist;

void hist_read_all(int fd, unsigned long *hist)
{
	unsigned char buf[64];
	for (unsigned i = 0;; i++) {
		ssize_t n = read(fd, buf, 1 + i % sizeof buf);
		if (n == 0)
			return;
		if (n < 0)
			FAIL("reader: read: %s", ut_errname(errno));
		for (ssize_t j = 0; j < n; j++)
			hist[buf[j]]++;
	}
}

static void *hist_thread(void *arg)
{
	(void)arg;
	hist_read_all(readers_fd, thread_hist);
	return NULL;
}

TEST(pipe_readers_fork_and_thread)
{
	const unsigned long total = HIST_BYTES / 4 * synth_scale, alone = total / 4;
	int p[2];
	CHECK_OK(pipe(p));
	pid_t wr = ut_fork();
	if (wr == 0) {
		unsigned char buf[100];
		unsigned long k = 0;
		close(p[0]);
		for (unsigned i = 0; k < total; i++) {
			size_t n = 1 + i % sizeof buf;
			if (n > total - k)
				n = total - k;
			for (size_t j = 0; j < n; j++)
				buf[j] = (unsigned char)((k + j) * 7);
			if (write(p[1], buf, n) != (ssize_t)n)
				_exit(2);
			k += n;
		}
		_exit(0);
	}
	close(p[1]);
	/* Alone: the exact stream. */
	unsigned char buf[64];
	unsigned long k = 0;
	for (unsigned i = 0; k < alone; i++) {
		size_t want = 1 + i % sizeof buf;
		if (want > alone - k)
			want = alone - k;
		ssize_t n = read(p[0], buf, want);
		if (n <= 0)
			FAIL("reading alone: %s", n < 0 ? ut_errname(errno) : "early EOF");
		for (ssize_t j = 0; j < n; j++, k++)
			if (buf[j] != (unsigned char)(k * 7))
				FAIL("reading alone: byte %lu wrong", k);
	}
	/* Then three readers: this thread, a second thread, a child process. */
	unsigned long *shared = mmap(NULL, 3 * 256 * sizeof(long), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(shared != MAP_FAILED);
	pid_t rd = ut_fork();
	if (rd == 0) {
		hist_read_all(p[0], shared + 256);
		_exit(0);
	}
	readers_fd = p[0];
	thread_hist = shared + 512;
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, hist_thread, NULL), 0);
	hist_read_all(p[0], shared);
	CHECK_EQ(pthread_join(t, NULL), 0);
	ut_expect_exit(rd, 0);
	ut_expect_exit(wr, 0);
	/* Together they saw the rest of the stream, each byte once. */
	unsigned long want[256] = { 0 };
	for (unsigned long b = alone; b < total; b++)
		want[(unsigned char)(b * 7)]++;
	for (int v = 0; v < 256; v++) {
		unsigned long got = shared[v] + shared[256 + v] + shared[512 + v];
		if (got != want[v])
			FAIL("byte value %d: read %lu times, written %lu times", v, got, want[v]);
	}
}

/* ---- 2. a writer becomes multithreaded ----------------------------------------- */

static int mt_fd;
static unsigned mt_count;

static void *mt_writer(void *arg)
{
	unsigned w = (unsigned)(uintptr_t)arg;
	for (unsigned s = 0; s < mt_count; s++)
		rec_write(mt_fd, w, s);
	return NULL;
}

TEST(pipe_writer_becomes_multithreaded)
{
	const unsigned before = 500 * synth_scale, n = 375 * synth_scale;
	int p[2];
	CHECK_OK(pipe(p));
	pid_t wr = ut_fork();
	if (wr == 0) {
		close(p[0]);
		for (unsigned s = 0; s < before; s++)
			rec_write(p[1], 0, s);
		mt_fd = p[1];
		mt_count = n;
		pthread_t t[3];
		for (int i = 0; i < 3; i++)
			if (pthread_create(&t[i], NULL, mt_writer, (void *)(uintptr_t)(i + 1)))
				_exit(3);
		for (unsigned s = before; s < before + n; s++)
			rec_write(p[1], 0, s);
		for (int i = 0; i < 3; i++)
			pthread_join(t[i], NULL);
		_exit(0);
	}
	close(p[1]);
	struct rec_reader r = { .nw = 4 };
	rec_read_all(p[0], &r);
	CHECK_EQ(r.next[0], before + n);
	for (int i = 1; i < 4; i++)
		CHECK_EQ(r.next[i], n);
	ut_expect_exit(wr, 0);
}

/* ---- 3. dup, then close either descriptor ---------------------------------------- */

/* n rounds of: write a small chunk through wfd, read it back through rfd. */
static unsigned stream_pos;
void echo_rounds(int wfd, int rfd, int n, const char *what)
{
	unsigned char out[64], in[64];
	for (int i = 0; i < n; i++) {
		size_t len = 1 + (stream_pos + i) % sizeof out;
		for (size_t j = 0; j < len; j++)
			out[j] = (unsigned char)(stream_pos + j);
		ssize_t w = write(wfd, out, len);
		if (w != (ssize_t)len)
			FAIL("%s: round %d: write gave %s", what, i,
			     w < 0 ? ut_errname(errno) : "a short count");
		struct pollfd pf = { rfd, POLLIN, 0 };
		if (poll(&pf, 1, 0) != 1)
			FAIL("%s: round %d: the bytes written are not in the pipe", what, i);
		ssize_t r = read(rfd, in, sizeof in);
		if (r != (ssize_t)len || memcmp(in, out, len))
			FAIL("%s: round %d: read back %s", what, i,
			     r < 0 ? ut_errname(errno) : "other bytes");
		stream_pos += len;
	}
}

void expect_eof(int rfd, const char *what)
{
	char c;
	expect_readable(rfd, what);
	ssize_t n = read(rfd, &c, 1);
	if (n != 0)
		FAIL("%s: read gave %s, not EOF", what, n < 0 ? ut_errname(errno) : "data");
}

TEST(pipe_dup_then_close_either)
{
	const int n = 500 * synth_scale;
	int p[2];
	CHECK_OK(pipe(p));
	int w = p[1], r = p[0];
	echo_rounds(w, r, n, "original");

	/* Close the original, keep the dup. */
	int d = CHECK_OK(dup(w));
	for (int i = 0; i < n / 10; i++) {
		echo_rounds(w, r, 5, "original beside a dup");
		echo_rounds(d, r, 5, "dup beside the original");
	}
	CHECK_OK(close(w));
	CHECK_ERR(write(w, "x", 1), EBADF);
	echo_rounds(d, r, n, "dup after closing the original");
	CHECK_ERR(write(w, "x", 1), EBADF);

	/* The reverse: a new dup, then close the first dup. */
	int e = CHECK_OK(dup(d));
	CHECK_EQ(e, w);                             /* the lowest free number */
	echo_rounds(e, r, n / 2, "second dup");
	echo_rounds(d, r, n / 2, "first dup beside the second");
	CHECK_OK(close(d));
	CHECK_ERR(write(d, "x", 1), EBADF);
	echo_rounds(e, r, n, "second dup after closing the first");

	/* The read end too. */
	int rd = CHECK_OK(dup(r));
	echo_rounds(e, rd, n / 2, "read through a dup");
	CHECK_OK(close(r));
	char c;
	CHECK_ERR(read(r, &c, 1), EBADF);
	echo_rounds(e, rd, n / 2, "read through the dup after closing the original");

	/* fcntl(F_DUPFD) and dup3 make more writers. */
	int f = CHECK_OK(fcntl(e, F_DUPFD, 40));
	CHECK_EQ(f, 40);
	CHECK_EQ(RAW(SYS_dup3, e, 41, O_CLOEXEC), 41);
	echo_rounds(40, rd, n / 4, "F_DUPFD copy");
	echo_rounds(41, rd, n / 4, "dup3 copy");
	echo_rounds(e, rd, n / 4, "beside the F_DUPFD and dup3 copies");
	CHECK_OK(close(e));
	CHECK_OK(close(40));
	echo_rounds(41, rd, n / 4, "the dup3 copy alone");

	/* With the last write end closed, EOF. */
	CHECK_EQ(write(41, "tail", 4), 4);
	CHECK_OK(close(41));
	char buf[8];
	CHECK_EQ(read(rd, buf, sizeof buf), 4);
	CHECK(memcmp(buf, "tail", 4) == 0);
	expect_eof(rd, "after the last write end closed");
	expect_eof(rd, "EOF again");
}

/* dup2/dup3 onto a descriptor in use: the old object is gone at once. */
TEST(pipe_dup2_over_warm_fds)
{
	const int n = 500 * synth_scale;
	int p[2];
	CHECK_OK(pipe(p));
	echo_rounds(p[1], p[0], n, "warm-up");

	/* A regular file replaces the write end: writes go to the file. */
	int file = CHECK_OK(open("over", O_RDWR | O_CREAT | O_TRUNC, 0644));
	int keep = CHECK_OK(dup(p[1]));             /* the pipe stays open */
	CHECK_EQ(dup2(file, p[1]), p[1]);
	for (int i = 0; i < n; i++)
		CHECK_EQ(write(p[1], "f", 1), 1);
	struct stat st;
	CHECK_OK(fstat(file, &st));
	CHECK_EQ(st.st_size, n);
	int avail = -1;
	CHECK_OK(ioctl(p[0], FIONREAD, &avail));
	CHECK_EQ(avail, 0);                         /* nothing went into the pipe */

	/* And back: dup3 the pipe over it again. */
	CHECK_EQ(RAW(SYS_dup3, keep, p[1], 0), p[1]);
	echo_rounds(p[1], p[0], n, "write end restored by dup3");
	CHECK_OK(fstat(file, &st));
	CHECK_EQ(st.st_size, n);

	/* /dev/null over the read end: reads give EOF, the pipe keeps its data. */
	int null = CHECK_OK(open("/dev/null", O_RDWR));
	int rkeep = CHECK_OK(dup(p[0]));
	CHECK_EQ(write(p[1], "data", 4), 4);
	CHECK_EQ(dup2(null, p[0]), p[0]);
	char buf[8];
	for (int i = 0; i < 100; i++)
		CHECK_EQ(read(p[0], buf, sizeof buf), 0);
	CHECK_EQ(read(rkeep, buf, sizeof buf), 4);
	CHECK(memcmp(buf, "data", 4) == 0);
	/* The pipe's write end over /dev/null's descriptor: data, not discard. */
	for (int i = 0; i < n; i++)
		CHECK_EQ(write(null, "n", 1), 1);
	CHECK_EQ(dup2(p[1], null), null);
	echo_rounds(null, rkeep, n, "pipe dup2'd over a warm /dev/null");
	close(file);
}

/* ---- 4. F_SETFL O_NONBLOCK while a reader is blocked ----------------------------- */

static int nb_fd;
static volatile int nb_ready;
static ssize_t nb_result;
static int nb_errno;
static char nb_buf[16];

static void *nb_reader(void *arg)
{
	(void)arg;
	__atomic_store_n(&nb_ready, 1, __ATOMIC_SEQ_CST);
	nb_result = read(nb_fd, nb_buf, sizeof nb_buf);
	nb_errno = errno;
	return NULL;
}

static void *nb_late_writer(void *arg)
{
	(void)arg;
	ut_sleep_ms(50);
	if (write(nb_fd, "late", 4) != 4)
		FAIL("late writer: write failed");
	return NULL;
}

/* Frees one page of a full pipe after 50 ms. */
static void *nb_late_reader(void *arg)
{
	static char page[4096];
	(void)arg;
	ut_sleep_ms(50);
	if (ut_read_full(nb_fd, page, sizeof page) != (ssize_t)sizeof page)
		FAIL("late reader: short read");
	return NULL;
}

/* n bytes of fill, then last. */
static void drain_then(int r, long n, char fill, char last)
{
	static char buf[65536];
	CHECK_EQ(ut_read_full(r, buf, n + 1), n + 1);
	for (long i = 0; i < n; i++)
		if (buf[i] != fill)
			FAIL("draining: byte %ld is not '%c'", i, fill);
	if (buf[n] != last)
		FAIL("draining: the last byte is not '%c'", last);
}

static void blocked_reader_gets(int r, int w, int mode)
{
	pthread_t t;
	nb_fd = r;
	nb_ready = 0;
	nb_result = -2;
	CHECK_EQ(pthread_create(&t, NULL, nb_reader, NULL), 0);
	while (!__atomic_load_n(&nb_ready, __ATOMIC_SEQ_CST))
		sched_yield();
	ut_sleep_ms(100);                           /* blocked in read by now */
	if (mode == 0) {                            /* on and off again */
		for (int i = 0; i < 50; i++) {
			CHECK_OK(fcntl(r, F_SETFL, O_NONBLOCK));
			CHECK_OK(fcntl(r, F_SETFL, 0));
		}
	} else {                                    /* on while the data comes */
		CHECK_OK(fcntl(r, F_SETFL, O_NONBLOCK));
	}
	CHECK_EQ(write(w, "wake", 4), 4);
	CHECK_EQ(pthread_join(t, NULL), 0);
	if (nb_result < 0)
		FAIL("blocked reader (mode %d): %s", mode, ut_errname(nb_errno));
	CHECK_EQ(nb_result, 4);
	CHECK(memcmp(nb_buf, "wake", 4) == 0);
	CHECK_OK(fcntl(r, F_SETFL, 0));
}

TEST(pipe_nonblock_toggle_while_reader_blocks)
{
	const int n = 500 * synth_scale;
	int p[2];
	CHECK_OK(pipe(p));
	echo_rounds(p[1], p[0], n, "warm-up");
	blocked_reader_gets(p[0], p[1], 0);
	echo_rounds(p[1], p[0], n, "after the toggles");
	blocked_reader_gets(p[0], p[1], 1);
	echo_rounds(p[1], p[0], n, "after O_NONBLOCK came and went");

	/* O_NONBLOCK on: every read of the empty pipe is EAGAIN at once. */
	char c;
	CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
	for (int i = 0; i < n; i++) {
		errno = 0;
		ssize_t r = read(p[0], &c, 1);
		if (r != -1 || errno != EAGAIN)
			FAIL("non-blocking read %d of an empty pipe: %s", i,
			     r < 0 ? ut_errname(errno) : "returned");
		CHECK_EQ(write(p[1], "y", 1), 1);
		CHECK_EQ(read(p[0], &c, 1), 1);
		CHECK(c == 'y');
	}
	/* Off again: the read waits for a writer. */
	CHECK_OK(fcntl(p[0], F_SETFL, 0));
	pthread_t t;
	nb_fd = p[1];
	long long t0 = ut_now_ns();
	CHECK_EQ(pthread_create(&t, NULL, nb_late_writer, NULL), 0);
	char buf[8];
	CHECK_EQ(read(p[0], buf, sizeof buf), 4);
	CHECK(ut_now_ns() - t0 >= 30 * 1000000LL);  /* it did wait */
	CHECK(memcmp(buf, "late", 4) == 0);
	CHECK_EQ(pthread_join(t, NULL), 0);

	/* The write end: non-blocking fills to capacity, then EAGAIN. */
	echo_rounds(p[1], p[0], n, "write end warm-up");
	CHECK_OK(fcntl(p[1], F_SETFL, O_NONBLOCK));
	long total = 0;
	for (;;) {
		ssize_t w = write(p[1], "z", 1);
		if (w < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		total += w;
		CHECK(total <= 1 << 20);
	}
	CHECK_EQ(total, 65536);
	for (int i = 0; i < 100; i++)
		CHECK_ERR(write(p[1], "z", 1), EAGAIN);
	/* Blocking again: this write waits for the reader to drain. */
	CHECK_OK(fcntl(p[1], F_SETFL, 0));
	nb_fd = p[0];
	t0 = ut_now_ns();
	CHECK_EQ(pthread_create(&t, NULL, nb_late_reader, NULL), 0);
	CHECK_EQ(write(p[1], "Z", 1), 1);
	CHECK(ut_now_ns() - t0 >= 30 * 1000000LL);
	CHECK_EQ(pthread_join(t, NULL), 0);
	drain_then(p[0], 65536 - 4096, 'z', 'Z');
}

/*
 * O_NONBLOCK lives in the open file description, so it changes for this
 * descriptor when it is set through a dup, through ioctl(FIONBIO), or by
 * another process that inherited the description. A helper process forked
 * before the warm-up does the remote part on command, so no fork or thread
 * creation happens between the warm-up and the check.
 */
static void helper_cmd(int cmd, int reply, char c)
{
	char r;
	if (write(cmd, &c, 1) != 1 || read(reply, &r, 1) != 1 || r != c)
		FAIL("helper process: command %c failed", c);
}

static void expect_eagain_reads(int r, int times, const char *what)
{
	char c;
	for (int i = 0; i < times; i++) {
		errno = 0;
		ssize_t n = read(r, &c, 1);
		if (n != -1 || errno != EAGAIN)
			FAIL("%s: read %d of the empty pipe gave %s, not EAGAIN", what, i,
			     n < 0 ? ut_errname(errno) : "data");
	}
}

/* A blocking read that a write 50 ms later (by the helper) satisfies. */
static void expect_blocking_read(int r, int cmd, int reply, const char *what)
{
	char buf[8];
	long long t0 = ut_now_ns();
	helper_cmd(cmd, reply, 'w');                /* writes "late" after 50 ms */
	ssize_t n = read(r, buf, sizeof buf);
	if (n != 4 || memcmp(buf, "late", 4))
		FAIL("%s: blocking read gave %s", what, n < 0 ? ut_errname(errno) : "other data");
	if (ut_now_ns() - t0 < 30 * 1000000LL)
		FAIL("%s: the read did not wait", what);
}

TEST(pipe_nonblock_set_elsewhere)
{
	const int n = 500 * synth_scale;
	int p[2], cmd[2], reply[2];
	CHECK_OK(pipe(p));
	CHECK_OK(pipe(cmd));
	CHECK_OK(pipe(reply));
	pid_t helper = ut_fork();
	if (helper == 0) {
		char c;
		static char big[4096];
		while (read(cmd[0], &c, 1) == 1) {
			int ok = 1;
			switch (c) {
			case 'n': ok = fcntl(p[0], F_SETFL, O_NONBLOCK) == 0; break;
			case 'b': ok = fcntl(p[0], F_SETFL, 0) == 0; break;
			case 'N': ok = fcntl(p[1], F_SETFL, O_NONBLOCK) == 0; break;
			case 'B': ok = fcntl(p[1], F_SETFL, 0) == 0; break;
			case 'w':
				if (write(reply[1], &c, 1) != 1)
					_exit(2);
				ut_sleep_ms(50);
				ok = write(p[1], "late", 4) == 4;
				continue;
			case 'd':
				if (write(reply[1], &c, 1) != 1)
					_exit(2);
				ut_sleep_ms(50);
				ok = ut_read_full(p[0], big, 4096) == 4096;
				if (!ok)
					_exit(3);
				continue;
			case 'x': _exit(0);
			}
			if (!ok)
				_exit(4);
			if (write(reply[1], &c, 1) != 1)
				_exit(2);
		}
		_exit(5);
	}
	int r = p[0], w = p[1];
	echo_rounds(w, r, n, "warm-up");

	/* Through a dup of the read end. */
	int d = CHECK_OK(dup(r));
	echo_rounds(w, r, n, "warm-up after the dup");
	CHECK_OK(fcntl(d, F_SETFL, O_NONBLOCK));
	expect_eagain_reads(r, 100, "O_NONBLOCK set through a dup");
	CHECK_OK(fcntl(d, F_SETFL, 0));
	expect_blocking_read(r, cmd[1], reply[0], "O_NONBLOCK cleared through a dup");
	CHECK_OK(close(d));
	echo_rounds(w, r, n, "warm-up again");

	/* ioctl(FIONBIO) instead of fcntl. */
	int on = 1, off = 0;
	CHECK_OK(ioctl(r, FIONBIO, &on));
	CHECK(fcntl(r, F_GETFL) & O_NONBLOCK);
	expect_eagain_reads(r, 100, "FIONBIO on");
	echo_rounds(w, r, n, "with FIONBIO on");
	expect_eagain_reads(r, 100, "FIONBIO on, after more data");
	CHECK_OK(ioctl(r, FIONBIO, &off));
	expect_blocking_read(r, cmd[1], reply[0], "FIONBIO off");
	echo_rounds(w, r, n, "with FIONBIO off");

	/* Another process, through its inherited copy of the description. */
	helper_cmd(cmd[1], reply[0], 'n');
	CHECK(fcntl(r, F_GETFL) & O_NONBLOCK);
	expect_eagain_reads(r, 100, "O_NONBLOCK set by another process");
	echo_rounds(w, r, n, "non-blocking, set by another process");
	helper_cmd(cmd[1], reply[0], 'b');
	expect_blocking_read(r, cmd[1], reply[0], "O_NONBLOCK cleared by another process");
	echo_rounds(w, r, n, "blocking again");

	/* The write end, non-blocking by another process's hand: full is EAGAIN. */
	helper_cmd(cmd[1], reply[0], 'N');
	long total = 0;
	for (;;) {
		ssize_t k = write(w, "z", 1);
		if (k < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		total += k;
		CHECK(total <= 1 << 20);
	}
	CHECK_EQ(total, 65536);
	/* Blocking again: the next write waits until the helper drains. */
	helper_cmd(cmd[1], reply[0], 'B');
	long long t0 = ut_now_ns();
	helper_cmd(cmd[1], reply[0], 'd');
	CHECK_EQ(write(w, "Z", 1), 1);
	CHECK(ut_now_ns() - t0 >= 30 * 1000000LL);
	drain_then(r, 65536 - 4096, 'z', 'Z');
	/* The same with FIONBIO on the write end. */
	echo_rounds(w, r, n, "write end warm-up");
	CHECK_OK(ioctl(w, FIONBIO, &on));
	for (total = 0;;) {
		ssize_t k = write(w, "y", 1);
		if (k < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		total += k;
		CHECK(total <= 1 << 20);
	}
	CHECK_EQ(total, 65536);
	CHECK_OK(ioctl(w, FIONBIO, &off));
	t0 = ut_now_ns();
	helper_cmd(cmd[1], reply[0], 'd');
	CHECK_EQ(write(w, "Y", 1), 1);
	CHECK(ut_now_ns() - t0 >= 30 * 1000000LL);
	drain_then(r, 65536 - 4096, 'y', 'Y');
	CHECK_EQ(write(cmd[1], "x", 1), 1);
	ut_expect_exit(helper, 0);
}

/* ---- 6. small writes and reads across the ring's page boundaries ---------------- */

#define STREAM_BYTES 100000

static unsigned char stream_byte(unsigned long k) { return (unsigned char)(k % 251); }

TEST(pipe_small_io_page_boundaries)
{
	/* A writer process: sizes 1..300; this process reads 1..397. */
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		unsigned char buf[300];
		close(p[0]);
		unsigned long k = 0;
		for (unsigned i = 0; k < STREAM_BYTES; i++) {
			size_t n = 1 + i % 300;
			if (n > STREAM_BYTES - k)
				n = STREAM_BYTES - k;
			for (size_t j = 0; j < n; j++)
				buf[j] = stream_byte(k + j);
			if (write(p[1], buf, n) != (ssize_t)n)
				_exit(2);
			k += n;
		}
		_exit(0);
	}
	close(p[1]);
	unsigned char buf[397];
	unsigned long k = 0;
	for (unsigned i = 0;; i++) {
		ssize_t n = read(p[0], buf, 1 + i % sizeof buf);
		if (n == 0)
			break;
		if (n < 0)
			FAIL("read: %s", ut_errname(errno));
		for (ssize_t j = 0; j < n; j++, k++)
			if (buf[j] != stream_byte(k))
				FAIL("byte %lu wrong", k);
		if (k > STREAM_BYTES)
			FAIL("more bytes than were written");
	}
	CHECK_EQ(k, STREAM_BYTES);
	ut_expect_exit(pid, 0);

	/* One thread, both ends, the pipe never empty: writes 1..300 and reads
	 * 1..299 wander over every offset of the ring. */
	CHECK_OK(pipe(p));
	unsigned long wk = 0, rk = 0;
	unsigned char wbuf[300], rbuf[300];
	for (unsigned i = 0; rk < STREAM_BYTES; i++) {
		size_t n = 1 + i % 300;
		if (wk < STREAM_BYTES && wk - rk + n <= 60000) {
			for (size_t j = 0; j < n; j++)
				wbuf[j] = stream_byte(wk + j);
			CHECK_EQ(write(p[1], wbuf, n), (long)n);
			wk += n;
		}
		size_t m = 1 + (i * 7) % 299;
		if (m > wk - rk)
			m = wk - rk;
		if (m == 0)
			continue;
		CHECK_EQ(read(p[0], rbuf, m), (long)m);
		for (size_t j = 0; j < m; j++, rk++)
			if (rbuf[j] != stream_byte(rk))
				FAIL("one thread: byte %lu wrong", rk);
	}
	int avail = -1;
	CHECK_OK(ioctl(p[0], FIONREAD, &avail));
	CHECK_EQ(avail, (long)(wk - rk));
}

/* ---- 10. exec: the new image writes to the inherited pipe ------------------------ */

TEST(exec_resets_synth)
{
	const unsigned n = 500 * synth_scale;
	int p[2], q[2];
	CHECK_OK(pipe(p));
	CHECK_OK(pipe2(q, O_CLOEXEC));
	pid_t pid = ut_fork();
	if (pid == 0) {
		close(p[0]);
		close(q[0]);
		/* Records through stdout (the pipe) and a close-on-exec pipe. */
		if (dup2(p[1], 1) != 1)
			_exit(3);
		close(p[1]);
		int f = open("scratch", O_RDWR | O_CREAT | O_TRUNC, 0644);
		char b[8];
		for (unsigned s = 0; s < n; s++) {
			rec_write(1, 0, s);
			rec_write(q[1], 0, s);
			if (write(f, "w", 1) != 1 || pread(f, b, 1, 0) != 1)
				_exit(4);
		}
		/* Descriptor f is not close-on-exec: echoargs checks it is open,
		 * and q[1] closed. */
		char fa[16], qa[16];
		snprintf(fa, sizeof fa, "%d", f);
		snprintf(qa, sizeof qa, "%d", q[1]);
		char *argv[] = { "echoargs", "--fds", fa, qa, NULL };
		char *envp[] = { NULL };
		execve(ut_helper("echoargs"), argv, envp);
		_exit(5);
	}
	close(p[1]);
	close(q[1]);
	/* The records come on both pipes in turn. */
	static unsigned char buf[PIPE_BUF], want[PIPE_BUF];
	for (unsigned s = 0; s < n; s++) {
		unsigned len = rec_len(0, s);
		rec_build(want, 0, s);
		CHECK_EQ(ut_read_full(p[0], buf, len), len);
		if (memcmp(buf, want, len))
			FAIL("stdout record %u before the exec: wrong bytes", s);
		CHECK_EQ(ut_read_full(q[0], buf, len), len);
		if (memcmp(buf, want, len))
			FAIL("close-on-exec pipe record %u: wrong bytes", s);
	}
	/* The close-on-exec pipe ends at the exec; stdout carries on with
	 * what the new image prints. */
	expect_eof(q[0], "close-on-exec pipe after the exec");
	char out[256];
	ssize_t got = ut_read_full(p[0], out, sizeof out - 1);
	CHECK(got >= 0);
	out[got] = 0;
	ut_expect_exit(pid, 0);
	/* The file got the lowest free number, 3. */
	char expect[64];
	snprintf(expect, sizeof expect, "fd 3 open\nfd %d closed\n", q[1]);
	if (strcmp(out, expect)) {
		for (char *c = out; *c; c++)
			if (*c == '\n')
				*c = '|';
		FAIL("the new image printed \"%.60s\"", out);
	}
}

/* ---- 11. the slow set ------------------------------------------------------------ */
/* The quick tests above and t_synthfd.c's, each round in its own child (a
 * failing child sends its own reason first), found by name. */
static void rounds(const char *name, int n, int sc)
{
	const struct utest *t = ut_find_test(name);
	if (!t)
		FAIL("no test named %s", name);
	void (*fn)(void) = t->fn;
	for (int i = 0; i < n; i++) {
		pid_t pid = ut_fork();
		if (pid == 0) {
			synth_scale = sc;
			fn();
			_exit(0);
		}
		int st = ut_wait(pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			FAIL("round %d: %s", i, ut_status_str(st));
	}
}

TEST(synth_invalidation_rounds)
{
	rounds("pipe_fork_concurrent_writers", 50, 1);
	rounds("pipe_readers_fork_and_thread", 50, 1);
	rounds("pipe_writer_becomes_multithreaded", 50, 1);
	rounds("pipe_dup_then_close_either", 50, 1);
	rounds("pipe_dup2_over_warm_fds", 50, 1);
	rounds("pipe_nonblock_toggle_while_reader_blocks", 20, 1);
	rounds("pipe_nonblock_set_elsewhere", 20, 1);
	rounds("pipe_close_while_other_thread_writes", 50, 1);
	rounds("pipe_fd_changed_by_process_sharing_table", 50, 1);
	rounds("fifo_writer_opened_by_name", 50, 1);
	rounds("fifo_reader_opened_by_name", 50, 1);
	rounds("pipe_writer_reopened_through_proc", 50, 1);
}

const struct utest ut_synth_tests[] = {
	T(pipe_fork_concurrent_writers),
	T(pipe_readers_fork_and_thread),
	T(pipe_writer_becomes_multithreaded),
	T(pipe_dup_then_close_either),
	T(pipe_dup2_over_warm_fds),
	T(pipe_nonblock_toggle_while_reader_blocks),
	T(pipe_nonblock_set_elsewhere),
	T(pipe_small_io_page_boundaries),
	T(exec_resets_synth),
	T_SLOW(synth_invalidation_rounds),
	{ 0 }
};
