/*
 * t_slow.c - the slow set (usertests -a): many processes, a lot of data,
 * many iterations of the same system call. They find leaks and races that
 * one call does not.
 */
#include "ut.h"
#include <pthread.h>
#include <sys/mman.h>

extern char **environ;

TEST(fork_200_children)
{
	enum { N = 200 };
	static pid_t pids[N];
	int go[2];
	CHECK_OK(pipe(go));
	for (int i = 0; i < N; i++) {
		pids[i] = ut_fork();
		if (pids[i] == 0) {
			char c;
			close(go[1]);
			read(go[0], &c, 1);     /* all 200 alive at once, then EOF */
			_exit(i & 0xff);
		}
	}
	close(go[1]);
	for (int n = 0; n < N; n++) {
		int st;
		pid_t r = wait(&st);
		CHECK(r > 0);
		int i;
		for (i = 0; i < N && pids[i] != r; i++)
			;
		CHECK(i < N);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == (i & 0xff));
		pids[i] = -1;
	}
	CHECK_ERR(wait(NULL), ECHILD);
}

TEST(pipe_100mb)
{
	const size_t total = 100UL << 20;
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		static unsigned buf[16384];
		close(p[0]);
		unsigned v = 0;
		for (size_t sent = 0; sent < total; sent += sizeof buf) {
			for (size_t i = 0; i < sizeof buf / sizeof buf[0]; i++)
				buf[i] = v++;
			if (ut_write_full(p[1], buf, sizeof buf) != (ssize_t)sizeof buf)
				_exit(2);
		}
		_exit(0);
	}
	close(p[1]);
	static unsigned buf[10000];
	unsigned want = 0;
	size_t got = 0, carry = 0;
	unsigned char *b = (unsigned char *)buf;
	for (;;) {
		ssize_t n = read(p[0], b + carry, sizeof buf - carry);
		CHECK(n >= 0);
		if (n == 0)
			break;
		got += n;
		size_t have = carry + n, words = have / 4;
		for (size_t i = 0; i < words; i++)
			if (buf[i] != want++)
				FAIL("data mismatch at byte %zu", got - have + i * 4);
		carry = have % 4;
		memmove(b, b + words * 4, carry);
	}
	CHECK_EQ(got, total);
	ut_expect_exit(pid, 0);
}

TEST(open_close_10k)
{
	ut_write_file("f", "x", 1, 0644);
	for (int i = 0; i < 10000; i++) {
		int fd = open("f", O_RDONLY);
		if (fd != 3)
			FAIL("iteration %d: open gave %d (%s)", i, fd, ut_errname(errno));
		if (close(fd) < 0)
			FAIL("iteration %d: close: %s", i, ut_errname(errno));
	}
}

TEST(mmap_munmap_10k)
{
	for (int i = 0; i < 10000; i++) {
		size_t len = 4096 * (1 + i % 16);
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			FAIL("iteration %d: mmap: %s", i, ut_errname(errno));
		p[0] = 1;
		p[len - 1] = 2;
		if (munmap(p, len) < 0)
			FAIL("iteration %d: munmap: %s", i, ut_errname(errno));
	}
}

TEST(exec_100_chain)
{
	/* One process replaces its image 100 times in a row. */
	char *argv[] = { "echoargs", "--chain", "100", NULL };
	static char out[256];
	const char *path = ut_helper("echoargs");
	argv[0] = (char *)path;
	int st = ut_run(path, argv, NULL, out, sizeof out);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(strcmp(out, "chain done\n") == 0);
}

TEST(fork_exec_100)
{
	for (int i = 0; i < 100; i++) {
		char *argv[] = { "hello", NULL };
		char out[64];
		int st = ut_run(ut_helper("hello"), argv, NULL, out, sizeof out);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || strcmp(out, "hello, world\n"))
			FAIL("iteration %d: %s", i, ut_status_str(st));
	}
}

static void *nothing(void *arg) { return arg; }

TEST(threads_1000)
{
	for (int i = 0; i < 1000; i++) {
		pthread_t t;
		int e = pthread_create(&t, NULL, nothing, NULL);
		if (e)
			FAIL("iteration %d: pthread_create: %s", i, ut_errname(e));
		pthread_join(t, NULL);
	}
}

static volatile int sig_count;
static void on_usr1(int sig) { (void)sig; sig_count++; }

TEST(signals_10k)
{
	ut_sigaction(SIGUSR1, on_usr1, 0);
	for (int i = 0; i < 10000; i++)
		if (kill(getpid(), SIGUSR1) < 0)
			FAIL("iteration %d: kill: %s", i, ut_errname(errno));
	CHECK_EQ(sig_count, 10000);
}

TEST(file_churn_1000)
{
	char name[32], buf[512];
	memset(buf, 'c', sizeof buf);
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "file%d", i % 50);
		int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			FAIL("iteration %d: open: %s", i, ut_errname(errno));
		CHECK_EQ(write(fd, buf, sizeof buf), (long)sizeof buf);
		close(fd);
		if (i % 3 == 0)
			CHECK_OK(unlink(name));
	}
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof name, "file%d", i);
		unlink(name);
	}
}

/* t_file.c: /dev/null open/write/close churn; on synthos each round
 * synthesizes and retires code (the code-cache stress test). */
void devnull_churn(int n);
TEST(devnull_churn_100k) { devnull_churn(100000); }

const struct utest ut_slow_tests[] = {
	T_SLOW(devnull_churn_100k),
	T_SLOW(fork_200_children),
	T_SLOW(pipe_100mb),
	T_SLOW(open_close_10k),
	T_SLOW(mmap_munmap_10k),
	T_SLOW(exec_100_chain),
	T_SLOW(fork_exec_100),
	T_SLOW(threads_1000),
	T_SLOW(signals_10k),
	T_SLOW(file_churn_1000),
	{ 0 }
};
