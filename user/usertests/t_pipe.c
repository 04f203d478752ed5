/*
 * t_pipe.c - pipes: pipe/pipe2 flags, capacity, PIPE_BUF atomicity, EOF,
 * EPIPE and SIGPIPE, blocking and wakeups, poll/ppoll/select/pselect,
 * FIONREAD, and the things a pipe refuses (lseek, the wrong end).
 */
#include "ut.h"
#include <limits.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/select.h>

static void mkpipe(int p[2], int flags)
{
	if (pipe2(p, flags) < 0)
		FAIL("pipe2: %s", ut_errname(errno));
}

TEST(pipe_basic)
{
	int p[2];
	CHECK_OK(pipe(p));
	CHECK(p[0] == 3 && p[1] == 4);
	CHECK_EQ(write(p[1], "hello", 5), 5);
	char buf[16] = { 0 };
	CHECK_EQ(read(p[0], buf, 3), 3);            /* a partial read leaves the rest */
	CHECK(memcmp(buf, "hel", 3) == 0);
	CHECK_EQ(read(p[0], buf, sizeof buf), 2);   /* returns what is there */
	CHECK(memcmp(buf, "lo", 2) == 0);
	struct stat st;
	CHECK_OK(fstat(p[0], &st));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_EQ(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
	CHECK_EQ(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
	CHECK_EQ(fcntl(p[0], F_GETFD), 0);
}

TEST(pipe2_flags)
{
	int p[2];
	mkpipe(p, O_CLOEXEC | O_NONBLOCK);
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(fcntl(p[i], F_GETFD), FD_CLOEXEC);
		CHECK(fcntl(p[i], F_GETFL) & O_NONBLOCK);
	}
	char c;
	CHECK_ERR(read(p[0], &c, 1), EAGAIN);
	int q[2];
	mkpipe(q, 0);
	CHECK_EQ(fcntl(q[0], F_GETFD), 0);
	CHECK(!(fcntl(q[0], F_GETFL) & O_NONBLOCK));
	CHECK_ERR(pipe2(q, 0x12345), EINVAL);
	/* O_NONBLOCK can be switched on later with F_SETFL. */
	CHECK_OK(fcntl(q[0], F_SETFL, O_NONBLOCK));
	CHECK_ERR(read(q[0], &c, 1), EAGAIN);
}

TEST(pipe_capacity)
{
	int p[2];
	mkpipe(p, O_NONBLOCK);
	char buf[256];
	memset(buf, 'c', sizeof buf);
	long total = 0;
	for (;;) {
		ssize_t n = write(p[1], buf, sizeof buf);
		if (n < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		total += n;
		CHECK(total <= 1 << 20);
	}
	CHECK_EQ(total, 65536);
	CHECK_ERR(write(p[1], buf, 1), EAGAIN);
	CHECK_EQ(fcntl(p[1], F_GETPIPE_SZ), 65536);
	/* Draining a page's worth makes room again. */
	char page[4096];
	CHECK_EQ(read(p[0], page, sizeof page), (long)sizeof page);
	CHECK(write(p[1], buf, 1) == 1);
}

TEST(pipe_nonblock_partial)
{
	int p[2];
	mkpipe(p, O_NONBLOCK);
	size_t len = 100000;
	char *buf = calloc(1, len);
	CHECK(buf);
	/* More than PIPE_BUF into an empty non-blocking pipe: a partial write. */
	CHECK_EQ(write(p[1], buf, len), 65536);
	CHECK_ERR(write(p[1], buf, len), EAGAIN);
}

TEST(pipe_eof)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		close(p[0]);
		CHECK_EQ(write(p[1], "bye", 3), 3);
		_exit(0);
	}
	close(p[1]);
	char buf[8];
	CHECK_EQ(ut_read_full(p[0], buf, sizeof buf), 3);
	CHECK_EQ(read(p[0], buf, sizeof buf), 0);
	CHECK_EQ(read(p[0], buf, sizeof buf), 0);   /* EOF stays */
	ut_expect_exit(pid, 0);
}

TEST(pipe_eof_last_writer)
{
	int p[2], go[2];
	CHECK_OK(pipe(p));
	CHECK_OK(pipe(go));
	pid_t a = ut_fork();
	if (a == 0) {
		char c;
		close(p[0]);
		read(go[0], &c, 1);             /* holds the write end until told */
		_exit(0);
	}
	int extra = CHECK_OK(dup(p[1]));
	close(p[1]);
	close(go[0]);
	CHECK_EQ(write(extra, "x", 1), 1);
	close(extra);                           /* the child still has a writer */
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
	CHECK_ERR(read(p[0], &c, 1), EAGAIN);   /* not EOF yet */
	CHECK_OK(fcntl(p[0], F_SETFL, 0));
	write(go[1], "x", 1);
	CHECK_EQ(read(p[0], &c, 1), 0);         /* the last writer exited */
	ut_expect_exit(a, 0);
}

TEST(pipe_sigpipe)
{
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_OK(close(p[0]));          /* before the fork: no reader anywhere */
	pid_t pid = ut_fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	close(p[1]);
	ut_expect_signal(pid, SIGPIPE);
}

static volatile int sigpipe_seen;
static void on_sigpipe(int sig) { (void)sig; sigpipe_seen++; }

TEST(pipe_epipe)
{
	int p[2];
	CHECK_OK(pipe(p));
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	ut_sigaction(SIGPIPE, on_sigpipe, 0);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK_EQ(sigpipe_seen, 1);
	/* Blocked: pending, and still EPIPE. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	sigset_t pend;
	sigpending(&pend);
	CHECK(sigismember(&pend, SIGPIPE));
}

TEST(pipe_atomic_writes)
{
	/* 4 writers, records of exactly PIPE_BUF bytes: never interleaved. */
	enum { WRITERS = 4, RECORDS = 64, REC = PIPE_BUF };
	CHECK_EQ(PIPE_BUF, 4096);
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pids[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = ut_fork();
		if (pids[w] == 0) {
			static char rec[REC];
			close(p[0]);
			memset(rec, 'A' + w, REC);
			for (int i = 0; i < RECORDS; i++)
				if (write(p[1], rec, REC) != REC)
					_exit(2);
			_exit(0);
		}
	}
	close(p[1]);
	static char buf[REC];
	int counts[WRITERS] = { 0 };
	for (int r = 0; r < WRITERS * RECORDS; r++) {
		CHECK_EQ(ut_read_full(p[0], buf, REC), REC);
		int w = buf[0] - 'A';
		CHECK(w >= 0 && w < WRITERS);
		for (int i = 1; i < REC; i++)
			if (buf[i] != buf[0])
				FAIL("record %d interleaved at byte %d", r, i);
		counts[w]++;
	}
	CHECK_EQ(read(p[0], buf, 1), 0);
	for (int w = 0; w < WRITERS; w++) {
		CHECK_EQ(counts[w], RECORDS);
		ut_expect_exit(pids[w], 0);
	}
}

TEST(pipe_blocking_reader)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		ut_sleep_ms(50);
		write(p[1], "late", 4);
		_exit(0);
	}
	char buf[8];
	CHECK_EQ(read(p[0], buf, sizeof buf), 4);   /* slept until the data came */
	ut_expect_exit(pid, 0);
}

TEST(pipe_blocking_writer)
{
	int p[2];
	CHECK_OK(pipe(p));
	size_t len = 300000;
	pid_t pid = ut_fork();
	if (pid == 0) {
		char *buf = malloc(len);
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)(i % 199);
		close(p[0]);
		CHECK_EQ(ut_write_full(p[1], buf, len), (long)len);   /* blocks while full */
		_exit(0);
	}
	close(p[1]);
	ut_sleep_ms(20);
	char *got = malloc(len);
	CHECK_EQ(ut_read_full(p[0], got, len), (long)len);
	for (size_t i = 0; i < len; i++)
		if (got[i] != (char)(i % 199))
			FAIL("byte %zu wrong", i);
	ut_expect_exit(pid, 0);
}

TEST(pipe_close_wakes_reader)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 0 : 1);   /* blocked, then EOF */
	}
	ut_sleep_ms(30);
	close(p[1]);
	close(p[0]);
	ut_expect_exit(pid, 0);
}

TEST(pipe_wrong_end)
{
	int p[2];
	CHECK_OK(pipe(p));
	char c = 'x';
	CHECK_ERR(write(p[0], &c, 1), EBADF);
	CHECK_ERR(read(p[1], &c, 1), EBADF);
}

TEST(pipe_espipe)
{
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "abc", 3), 3);
	char buf[4];
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	CHECK_ERR(lseek(p[1], 0, SEEK_CUR), ESPIPE);
	CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
	CHECK_ERR(pwrite(p[1], buf, 1, 0), ESPIPE);
}

TEST(pipe_fionread)
{
	int p[2];
	CHECK_OK(pipe(p));
	int n = -1;
	CHECK_OK(ioctl(p[0], FIONREAD, &n));
	CHECK_EQ(n, 0);
	char buf[123];
	memset(buf, 1, sizeof buf);
	CHECK_EQ(write(p[1], buf, sizeof buf), 123);
	CHECK_OK(ioctl(p[0], FIONREAD, &n));
	CHECK_EQ(n, 123);
	CHECK_EQ(read(p[0], buf, 23), 23);
	CHECK_OK(ioctl(p[0], FIONREAD, &n));
	CHECK_EQ(n, 100);
}

TEST(poll_pipe_events)
{
	int p[2];
	CHECK_OK(pipe(p));
	struct pollfd fds[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	CHECK_EQ(poll(fds, 2, 0), 1);               /* only the write end is ready */
	CHECK_EQ(fds[0].revents, 0);
	CHECK_EQ(fds[1].revents, POLLOUT);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(poll(fds, 2, 0), 2);
	CHECK_EQ(fds[0].revents, POLLIN);
	close(p[1]);
	fds[1].fd = -1;                             /* negative fds are skipped */
	CHECK_EQ(poll(fds, 2, 0), 1);
	CHECK_EQ(fds[0].revents, POLLIN | POLLHUP);  /* data, and no writer */
	CHECK_EQ(fds[1].revents, 0);
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(poll(fds, 1, 0), 1);
	CHECK_EQ(fds[0].revents, POLLHUP);
}

TEST(poll_pollerr_nval)
{
	int p[2];
	CHECK_OK(pipe(p));
	close(p[0]);
	struct pollfd fd = { p[1], POLLOUT, 0 };
	CHECK_EQ(poll(&fd, 1, 0), 1);
	CHECK(fd.revents & POLLERR);                /* no reader */
	struct pollfd bad = { 77, POLLIN, 0 };
	CHECK_EQ(poll(&bad, 1, 0), 1);
	CHECK_EQ(bad.revents, POLLNVAL);
}

TEST(poll_full_pipe)
{
	int p[2];
	mkpipe(p, O_NONBLOCK);
	char buf[4096] = { 0 };
	while (write(p[1], buf, sizeof buf) > 0)
		;
	struct pollfd fd = { p[1], POLLOUT, 0 };
	CHECK_EQ(poll(&fd, 1, 0), 0);               /* full: not writable */
	CHECK_EQ(read(p[0], buf, sizeof buf), 4096);
	CHECK_EQ(poll(&fd, 1, 0), 1);
	CHECK_EQ(fd.revents, POLLOUT);
}

TEST(poll_timeout)
{
	int p[2];
	CHECK_OK(pipe(p));
	struct pollfd fd = { p[0], POLLIN, 0 };
	long long t0 = ut_now_ns();
	CHECK_EQ(poll(&fd, 1, 50), 0);
	long long dt = ut_now_ns() - t0;
	CHECK(dt >= 50 * 1000000LL);
	CHECK_EQ(fd.revents, 0);
	t0 = ut_now_ns();
	CHECK_EQ(poll(NULL, 0, 20), 0);             /* a plain sleep */
	CHECK(ut_now_ns() - t0 >= 20 * 1000000LL);
}

TEST(poll_wakeup)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		ut_sleep_ms(50);
		write(p[1], "w", 1);
		_exit(0);
	}
	struct pollfd fd = { p[0], POLLIN, 0 };
	CHECK_EQ(poll(&fd, 1, -1), 1);
	CHECK_EQ(fd.revents, POLLIN);
	ut_expect_exit(pid, 0);
}

TEST(ppoll_timeout)
{
	int p[2];
	CHECK_OK(pipe(p));
	struct pollfd fd = { p[0], POLLIN, 0 };
	struct timespec ts = { 0, 30 * 1000000L };
	long long t0 = ut_now_ns();
	CHECK_EQ(ppoll(&fd, 1, &ts, NULL), 0);
	CHECK(ut_now_ns() - t0 >= 30 * 1000000LL);
	CHECK_EQ(write(p[1], "x", 1), 1);
	ts.tv_sec = 1;
	CHECK_EQ(ppoll(&fd, 1, &ts, NULL), 1);
	CHECK_EQ(fd.revents, POLLIN);
}

static volatile int usr1_count;
static void on_usr1(int sig) { (void)sig; usr1_count++; }

static void block_usr1(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
}

static int usr1_blocked(void)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, SIGUSR1);
}

TEST(ppoll_signal_mask)
{
	ut_sigaction(SIGUSR1, on_usr1, 0);
	block_usr1();
	CHECK_OK(kill(getpid(), SIGUSR1));          /* pending, blocked */
	CHECK_EQ(usr1_count, 0);
	int p[2];
	CHECK_OK(pipe(p));
	struct pollfd fd = { p[0], POLLIN, 0 };
	struct timespec ts = { 5, 0 };
	sigset_t none;
	sigemptyset(&none);
	CHECK_ERR(ppoll(&fd, 1, &ts, &none), EINTR);    /* unblocked only inside */
	CHECK_EQ(usr1_count, 1);
	CHECK(usr1_blocked());                      /* the old mask is back */
}

TEST(select_pipe)
{
	int p[2];
	CHECK_OK(pipe(p));
	fd_set r, w;
	struct timeval tv = { 0, 0 };
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	CHECK_EQ(select(p[1] + 1, &r, &w, NULL, &tv), 1);
	CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
	CHECK_EQ(write(p[1], "x", 1), 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv.tv_sec = 1;
	CHECK_EQ(select(p[0] + 1, &r, NULL, NULL, &tv), 1);
	CHECK(FD_ISSET(p[0], &r));
	FD_ZERO(&r);
	FD_SET(50, &r);
	tv.tv_sec = 0;
	CHECK_ERR(select(51, &r, NULL, NULL, &tv), EBADF);
	CHECK_ERR(RAW(SYS_select, -1, NULL, NULL, NULL, &tv), EINVAL);
}

TEST(select_timeout)
{
	int p[2];
	CHECK_OK(pipe(p));
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timeval tv = { 0, 50000 };
	long long t0 = ut_now_ns();
	/* Raw: musl passes the kernel a copy of tv. */
	CHECK_EQ(RAW(SYS_select, p[0] + 1, &r, NULL, NULL, &tv), 0);
	CHECK(ut_now_ns() - t0 >= 50 * 1000000LL);
	CHECK(!FD_ISSET(p[0], &r));                 /* sets are cleared */
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);   /* Linux: the time left */
}

TEST(pselect_signal_mask)
{
	ut_sigaction(SIGUSR1, on_usr1, 0);
	block_usr1();
	CHECK_OK(kill(getpid(), SIGUSR1));
	int p[2];
	CHECK_OK(pipe(p));
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timespec ts = { 5, 0 };
	sigset_t none;
	sigemptyset(&none);
	CHECK_ERR(pselect(p[0] + 1, &r, NULL, NULL, &ts, &none), EINTR);
	CHECK_EQ(usr1_count, 1);
	CHECK(usr1_blocked());
	/* And with data ready and no signal, it just returns. */
	CHECK_EQ(write(p[1], "x", 1), 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK_EQ(pselect(p[0] + 1, &r, NULL, NULL, &ts, &none), 1);
}

const struct utest ut_pipe_tests[] = {
	T(pipe_basic),
	T(pipe2_flags),
	T(pipe_capacity),
	T(pipe_nonblock_partial),
	T(pipe_eof),
	T(pipe_eof_last_writer),
	T(pipe_sigpipe),
	T(pipe_epipe),
	T(pipe_atomic_writes),
	T(pipe_blocking_reader),
	T(pipe_blocking_writer),
	T(pipe_close_wakes_reader),
	T(pipe_wrong_end),
	T(pipe_espipe),
	T(pipe_fionread),
	T(poll_pipe_events),
	T(poll_pollerr_nval),
	T(poll_full_pipe),
	T(poll_timeout),
	T(poll_wakeup),
	T(ppoll_timeout),
	T(ppoll_signal_mask),
	T(select_pipe),
	T(select_timeout),
	T(pselect_signal_mask),
	{ 0 }
};
