/*
 * t_synthfd.c - synthesized pipe paths when the descriptor itself changes
 * under a writer: another thread closes or dup2s over it mid-stream, a
 * process sharing the descriptor table re-points it, and the same pipe is
 * reached again by name (a FIFO's second opener) or through
 * /proc/self/fd. Each event must unlink or re-synthesize the region before
 * its system call returns; the bytes must go where Linux sends them.
 * Ordinary ABI tests: they pass on Linux, with synthesis on and off.
 * (The other invalidation events are in t_synth.c, which also runs these
 * in rounds in the slow set.)
 */
#include "ut.h"
#include "t_synth.h"
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/* ---- 5. another thread closes (or re-points) the descriptor mid-stream ---------- */

/*
 * Thread A writes 1-byte records to descriptor W in a loop: 'a' while the
 * epoch is 0, 'b' once thread B says the number W means a regular file.
 * B closes W and opens a file (which gets the number W), or dup2s the file
 * onto W, and only then sets the epoch. A write that began after that
 * cannot reach the pipe: the pipe must never see 'b', the file must see
 * every 'b' A wrote, and pipe bytes + file bytes = A's successful writes.
 */
static int cw_fd;
static volatile int cw_epoch, cw_stop;
static unsigned long cw_ok[2], cw_ebadf;
static unsigned long cw_pipe_bytes, cw_pipe_b;
static int cw_reader_fd, cw_reader_bad;

static void *cw_writer(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&cw_stop, __ATOMIC_SEQ_CST)) {
		int e = __atomic_load_n(&cw_epoch, __ATOMIC_SEQ_CST);
		char c = e ? 'b' : 'a';
		ssize_t r = write(cw_fd, &c, 1);
		if (r == 1)
			__atomic_add_fetch(&cw_ok[e], 1, __ATOMIC_SEQ_CST);
		else if (r < 0 && errno == EBADF)
			cw_ebadf++;
		else
			FAIL("writer: write gave %s", r < 0 ? ut_errname(errno) : "0");
	}
	return NULL;
}

static void *cw_reader(void *arg)
{
	(void)arg;
	char buf[256];
	for (;;) {
		struct pollfd p = { cw_reader_fd, POLLIN, 0 };
		if (poll(&p, 1, 10000) != 1) {
			cw_reader_bad = 1;          /* no EOF after the close */
			return NULL;
		}
		ssize_t n = read(cw_reader_fd, buf, sizeof buf);
		if (n == 0)
			return NULL;
		if (n < 0) {
			cw_reader_bad = 2;
			return NULL;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == 'b')
				cw_pipe_b++;
			else if (buf[i] != 'a')
				cw_reader_bad = 3;
		}
		cw_pipe_bytes += n;
	}
}

static void wait_for_writes(unsigned long more)
{
	unsigned long start = __atomic_load_n(&cw_ok[0], __ATOMIC_SEQ_CST) +
			      __atomic_load_n(&cw_ok[1], __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&cw_ok[0], __ATOMIC_SEQ_CST) +
	       __atomic_load_n(&cw_ok[1], __ATOMIC_SEQ_CST) < start + more)
		sched_yield();
}

static void close_while_writing(int use_dup2)
{
	int p[2];
	CHECK_OK(pipe(p));
	/* Warm the pipe's write path up in this process first. */
	char c;
	for (int i = 0; i < 200 * synth_scale; i++) {
		CHECK_EQ(write(p[1], "a", 1), 1);
		CHECK_EQ(read(p[0], &c, 1), 1);
	}
	int file = -1;
	if (use_dup2)
		file = CHECK_OK(open("target", O_RDWR | O_CREAT | O_TRUNC, 0644));
	cw_fd = p[1];
	cw_reader_fd = p[0];
	cw_epoch = cw_stop = 0;
	cw_ok[0] = cw_ok[1] = cw_ebadf = cw_pipe_bytes = cw_pipe_b = 0;
	cw_reader_bad = 0;
	pthread_t a, r;
	CHECK_EQ(pthread_create(&r, NULL, cw_reader, NULL), 0);
	CHECK_EQ(pthread_create(&a, NULL, cw_writer, NULL), 0);
	wait_for_writes(500 * synth_scale);
	int fd;
	if (use_dup2) {
		CHECK_EQ(dup2(file, p[1]), p[1]);   /* closes the pipe's only write end */
		fd = p[1];
	} else {
		CHECK_OK(close(p[1]));
		fd = CHECK_OK(open("target", O_RDWR | O_CREAT | O_TRUNC, 0644));
	}
	__atomic_store_n(&cw_epoch, 1, __ATOMIC_SEQ_CST);
	CHECK_EQ(fd, p[1]);                         /* the number was reused */
	wait_for_writes(200 * synth_scale);
	__atomic_store_n(&cw_stop, 1, __ATOMIC_SEQ_CST);
	CHECK_EQ(pthread_join(a, NULL), 0);
	CHECK_EQ(pthread_join(r, NULL), 0);
	if (cw_reader_bad == 1)
		FAIL("the pipe reader got no EOF after the write end went away");
	CHECK_EQ(cw_reader_bad, 0);
	if (cw_pipe_b)
		FAIL("%lu bytes written after the descriptor was re-pointed reached the pipe",
		     cw_pipe_b);
	/* The file: only 'a' and 'b', every 'b' there. */
	static char buf[1 << 20];
	ssize_t n = pread(fd, buf, sizeof buf, 0);
	CHECK(n >= 0 && n < (ssize_t)sizeof buf);
	unsigned long fa = 0, fb = 0;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == 'a')
			fa++;
		else if (buf[i] == 'b')
			fb++;
		else
			FAIL("the file holds a byte nobody wrote");
	}
	if (fb != cw_ok[1])
		FAIL("%lu writes made after the descriptor was re-pointed, %lu of them in the file",
		     cw_ok[1], fb);
	CHECK_EQ(cw_pipe_bytes + fa, cw_ok[0]);
	CHECK_OK(close(fd));
	CHECK_OK(close(p[0]));
	if (file >= 0)
		CHECK_OK(close(file));
	CHECK_OK(unlink("target"));
}

TEST(pipe_close_while_other_thread_writes)
{
	close_while_writing(0);
	close_while_writing(1);
}

/*
 * The same descriptor table in two processes (clone CLONE_FILES without
 * CLONE_VM): the child's close and open change what this process writes to.
 */
TEST(pipe_fd_changed_by_process_sharing_table)
{
	const int n = 500 * synth_scale;
	int p[2];
	CHECK_OK(pipe(p));
	echo_rounds(p[1], p[0], n, "warm-up");
	int rkeep = CHECK_OK(dup(p[0]));
	int wkeep = CHECK_OK(dup(p[1]));
	pid_t pid = RAW(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		close(p[0]);
		int f = open("shared", O_RDWR | O_CREAT | O_TRUNC, 0644);
		int z = open("/dev/zero", O_RDONLY);
		_exit(f == p[0] && z == p[1] ? 0 : 1);  /* lowest numbers first */
	}
	ut_expect_exit(pid, 0);
	/* p[0] is now the file, p[1] /dev/zero (read-only). */
	for (int i = 0; i < n; i++)
		CHECK_ERR(write(p[1], "x", 1), EBADF);
	char buf[8];
	for (int i = 0; i < n; i++) {
		memset(buf, 1, sizeof buf);
		CHECK_EQ(read(p[1], buf, sizeof buf), (long)sizeof buf);
		CHECK(buf[0] == 0 && buf[7] == 0);
	}
	CHECK_EQ(read(p[0], buf, sizeof buf), 0);  /* the empty file, not the pipe */
	CHECK_EQ(write(p[0], "file", 4), 4);
	CHECK_EQ(pread(p[0], buf, sizeof buf, 0), 4);
	CHECK(memcmp(buf, "file", 4) == 0);
	int avail = -1;
	CHECK_OK(ioctl(rkeep, FIONREAD, &avail));
	CHECK_EQ(avail, 0);
	echo_rounds(wkeep, rkeep, n, "the kept copies");
	CHECK_OK(close(wkeep));
	expect_eof(rkeep, "after the last write end closed");
}

/*
 * A FIFO gains a writer without fork, dup or a thread: another process
 * opens it by name while the first writer is streaming.
 */
TEST(fifo_writer_opened_by_name)
{
	const unsigned before = 500 * synth_scale, after = 750 * synth_scale;
	unlink("fifo");                             /* a previous round's */
	CHECK_OK(mkfifo("fifo", 0644));
	int go[2], ack[2];
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(ack));
	pid_t w1 = ut_fork();
	if (w1 == 0) {
		char c;
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		int w = open("fifo", O_WRONLY);
		if (w < 0)
			FAIL("second writer: open: %s", ut_errname(errno));
		if (write(ack[1], "o", 1) != 1)
			_exit(2);
		for (unsigned s = 0; s < after; s++)
			rec_write(w, 1, s);
		_exit(0);
	}
	pid_t w0 = ut_fork();
	if (w0 == 0) {
		char c;
		int w = open("fifo", O_WRONLY);
		if (w < 0)
			FAIL("first writer: open: %s", ut_errname(errno));
		for (unsigned s = 0; s < before; s++)
			rec_write(w, 0, s);
		/* The second writer opens now (so the FIFO never runs out of
		 * writers early), then both write at once. */
		if (write(go[1], "g", 1) != 1 || read(ack[0], &c, 1) != 1)
			_exit(2);
		for (unsigned s = before; s < before + after; s++)
			rec_write(w, 0, s);
		_exit(0);
	}
	close(go[0]);
	close(go[1]);
	close(ack[0]);
	close(ack[1]);
	int r = CHECK_OK(open("fifo", O_RDONLY));
	struct rec_reader rr = { .nw = 2 };
	rec_read_all(r, &rr);
	CHECK_EQ(rr.next[0], before + after);
	CHECK_EQ(rr.next[1], after);
	ut_expect_exit(w0, 0);
	ut_expect_exit(w1, 0);
	CHECK_OK(close(r));
	CHECK_OK(unlink("fifo"));
}

/* The same for readers: a second process opens the FIFO for reading while
 * this one streams from it. Byte k is (k * 7) % 256, as above. */
TEST(fifo_reader_opened_by_name)
{
	const unsigned long total = HIST_BYTES / 4 * synth_scale, alone = total / 4;
	unlink("rfifo");
	CHECK_OK(mkfifo("rfifo", 0644));
	int go[2], ack[2];
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(ack));
	unsigned long *shared = mmap(NULL, 256 * sizeof(long), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(shared != MAP_FAILED);
	pid_t r1 = ut_fork();
	if (r1 == 0) {
		char c;
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		int r = open("rfifo", O_RDONLY);
		if (r < 0)
			FAIL("second reader: open: %s", ut_errname(errno));
		if (write(ack[1], "o", 1) != 1)
			_exit(2);
		hist_read_all(r, shared);
		_exit(0);
	}
	pid_t wr = ut_fork();
	if (wr == 0) {
		unsigned char buf[100];
		unsigned long k = 0;
		int w = open("rfifo", O_WRONLY);
		if (w < 0)
			FAIL("writer: open: %s", ut_errname(errno));
		for (unsigned i = 0; k < total; i++) {
			if (k == alone) {               /* the second reader is there */
				char c;
				if (read(ack[0], &c, 1) != 1)
					_exit(2);
			}
			size_t n = 1 + i % sizeof buf;
			if (k < alone && n > alone - k)
				n = alone - k;
			if (n > total - k)
				n = total - k;
			for (size_t j = 0; j < n; j++)
				buf[j] = (unsigned char)((k + j) * 7);
			if (write(w, buf, n) != (ssize_t)n)
				_exit(3);
			k += n;
		}
		_exit(0);
	}
	int r = CHECK_OK(open("rfifo", O_RDONLY));
	unsigned char buf[64];
	unsigned long k = 0;
	for (unsigned i = 0; k < alone; i++) {
		size_t want = 1 + i % sizeof buf;
		if (want > alone - k)
			want = alone - k;
		ssize_t n = read(r, buf, want);
		if (n <= 0)
			FAIL("reading alone: %s", n < 0 ? ut_errname(errno) : "early EOF");
		for (ssize_t j = 0; j < n; j++, k++)
			if (buf[j] != (unsigned char)(k * 7))
				FAIL("reading alone: byte %lu wrong", k);
	}
	CHECK_EQ(write(go[1], "g", 1), 1);
	unsigned long mine[256] = { 0 };
	hist_read_all(r, mine);
	ut_expect_exit(wr, 0);
	ut_expect_exit(r1, 0);
	unsigned long want[256] = { 0 };
	for (unsigned long b = alone; b < total; b++)
		want[(unsigned char)(b * 7)]++;
	for (int v = 0; v < 256; v++)
		if (mine[v] + shared[v] != want[v])
			FAIL("byte value %d: read %lu times, written %lu times", v,
			     mine[v] + shared[v], want[v]);
	CHECK_OK(close(r));
	CHECK_OK(unlink("rfifo"));
}

/*
 * A pipe also gains a writer when another process opens the write end
 * through /proc/PID/fd/N: a new open file description, with no fork, dup
 * or thread in the writing process. The reader and the other writer are
 * forked before the warm-up and hold no write end of their own.
 */
TEST(pipe_writer_reopened_through_proc)
{
	const unsigned before = 500 * synth_scale, after = 750 * synth_scale;
	int p[2], go[2], ack[2];
	CHECK_OK(pipe(p));
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(ack));
	pid_t rd = ut_fork();
	if (rd == 0) {
		close(p[1]);
		close(go[1]);
		close(ack[1]);
		struct rec_reader r = { .nw = 2 };
		rec_read_all(p[0], &r);
		if (r.next[0] != before + after || r.next[1] != after)
			FAIL("reader: %u and %u records, want %u and %u", r.next[0], r.next[1],
			     before + after, after);
		_exit(0);
	}
	pid_t wr = ut_fork();
	if (wr == 0) {
		char c, path[64];
		close(p[0]);
		close(p[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)getppid(), p[1]);
		int w = open(path, O_WRONLY);
		if (w < 0)
			FAIL("second writer: open /proc/PID/fd/N: %s", ut_errname(errno));
		if (write(ack[1], "o", 1) != 1)
			_exit(2);
		for (unsigned s = 0; s < after; s++)
			rec_write(w, 1, s);
		_exit(0);
	}
	close(p[0]);
	for (unsigned s = 0; s < before; s++)
		rec_write(p[1], 0, s);
	char c;
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(read(ack[0], &c, 1), 1);
	for (unsigned s = before; s < before + after; s++)
		rec_write(p[1], 0, s);
	CHECK_OK(close(p[1]));
	ut_expect_exit(wr, 0);
	ut_expect_exit(rd, 0);
}

const struct utest ut_synthfd_tests[] = {
	T(pipe_close_while_other_thread_writes),
	T(pipe_fd_changed_by_process_sharing_table),
	T(fifo_writer_opened_by_name),
	T(fifo_reader_opened_by_name),
	T(pipe_writer_reopened_through_proc),
	{ 0 }
};
