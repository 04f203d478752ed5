/*
 * usertests - tests of the Linux x86-64 system-call ABI, in the style of
 * xv6's usertests. The same static binary runs on synthos and on Linux and
 * must print the same PASS/FAIL lines on both.
 *
 *   usertests            the quick set
 *   usertests -a         quick + slow
 *   usertests NAME...    only the named tests (in the order given)
 *   usertests -l         list the tests ("name" or "name slow")
 *   -N                   no leak check (each test runs once)
 *   -t PAGES             leak-check tolerance in pages (default 1024)
 *   -T FACTOR            multiply every timeout by FACTOR (slow emulators)
 *
 * Each test runs in a forked child (its own process group) in a fresh
 * directory under /tmp, with stdin/stdout/stderr on /dev/null and an
 * alarm() timeout; the parent also kills the child if it outlives the
 * timeout. A test passes iff the child exits 0; a failing test sends its
 * one-line reason up a pipe. Output (stdout): "PASS name" or
 * "FAIL name: reason" per test, then "usertests: N passed, N failed"; the
 * exit status is 0 iff nothing failed. Nothing on stdout depends on pids,
 * addresses or timing, so it is the same on every kernel that passes.
 *
 * Leak check: the selected tests run twice; free memory (MemFree in
 * /proc/meminfo, in pages) is read after the first run (which warms
 * caches) and after the second, and the pseudo-test leak_check fails if it
 * dropped by more than the tolerance. The second run reports only tests
 * that passed the first time and fail now ("FAIL name: second run: ...").
 * The memory figures and other notes go to stderr. Without MemFree the
 * check is skipped with a note and there is no leak_check line.
 *
 * Helper programs (hello, echoargs) are looked up in the directory
 * usertests was run from (argv[0], else $PATH), or in $USERTESTS_BIN.
 */
#include "ut.h"
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#define UT_REASON_FD 200
#define UT_NOTE_FD   201
#define QUICK_TIMEOUT 30      /* seconds */
#define SLOW_TIMEOUT  300

void ut_set_dirs(const char *helpers, const char *scratch);

static const struct utest *const tables[] = {
	ut_proc_tests, ut_mem_tests, ut_file_tests, ut_rw_tests, ut_pipe_tests,
	ut_signal_tests, ut_thread_tests, ut_misc_tests, ut_err_tests,
	ut_synth_tests, ut_synthfd_tests, ut_synthio_tests, ut_synthinfo_tests, ut_slow_tests,
};
#define NTABLES (sizeof tables / sizeof tables[0])

static int timeout_factor = 1;
static volatile sig_atomic_t parent_alarm;

static void out(int fd, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 1)
		n = sizeof buf - 1;
	ssize_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += w;
	}
}

const struct utest *ut_find_test(const char *name)
{
	for (size_t i = 0; i < NTABLES; i++)
		for (const struct utest *t = tables[i]; t->name; t++)
			if (strcmp(t->name, name) == 0)
				return t;
	return NULL;
}

/* Remove a tree (best effort). */
static void rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		chmod(path, 0700);
		DIR *d = opendir(path);
		if (d) {
			struct dirent *e;
			char sub[PATH_MAX];
			while ((e = readdir(d)) != NULL) {
				if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
					continue;
				snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
				rm_rf(sub);
			}
			closedir(d);
		}
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void on_parent_alarm(int sig)
{
	(void)sig;
	parent_alarm = 1;
}

static void child_setup(const struct utest *t, int reason_wr, const char *dir, int timeout)
{
	setpgid(0, 0);
	if (reason_wr != UT_REASON_FD) {
		dup3(reason_wr, UT_REASON_FD, O_CLOEXEC);
		close(reason_wr);
	}
	/* Whatever a test (or a program it runs by mistake) prints must not
	 * get into the results: 0-2 become /dev/null; notes go to stderr. */
	dup3(2, UT_NOTE_FD, O_CLOEXEC);
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	/* A clean signal state: default actions, nothing blocked. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < 65; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	umask(022);
	if (chdir(dir) < 0)
		FAIL("chdir to the test directory: %s", ut_errname(errno));
	ut_timeout = timeout;
	alarm(timeout);
	t->fn();
	_exit(0);
}

/* Run one test; 0 = pass. The reason is deterministic text. */
static int run_one(const struct utest *t, char *reason, size_t rsize)
{
	char dir[PATH_MAX];
	int timeout = (t->flags & UT_SLOW ? SLOW_TIMEOUT : QUICK_TIMEOUT) * timeout_factor;

	reason[0] = 0;
	snprintf(dir, sizeof dir, "%s/%s", ut_scratch(), t->name);
	rm_rf(dir);
	if (mkdir(dir, 0755) < 0) {
		snprintf(reason, rsize, "runner: mkdir test directory: %s", ut_errname(errno));
		return 1;
	}
	int rp[2];
	if (pipe2(rp, O_CLOEXEC) < 0) {
		snprintf(reason, rsize, "runner: pipe2: %s", ut_errname(errno));
		rm_rf(dir);
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(reason, rsize, "runner: fork: %s", ut_errname(errno));
		close(rp[0]);
		close(rp[1]);
		rm_rf(dir);
		return 1;
	}
	if (pid == 0) {
		close(rp[0]);
		child_setup(t, rp[1], dir, timeout);
	}
	close(rp[1]);

	/* Our own deadline, for a child that blocks or ignores SIGALRM. */
	int st = 0, killed = 0;
	parent_alarm = 0;
	alarm(timeout + 5);
	for (;;) {
		pid_t r = waitpid(pid, &st, 0);
		if (r == pid)
			break;
		if (r < 0 && errno == EINTR) {
			if (parent_alarm) {
				killed = 1;
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
			}
			continue;
		}
		snprintf(reason, rsize, "runner: waitpid: %s", ut_errname(errno));
		st = -1;
		break;
	}
	alarm(0);
	kill(-pid, SIGKILL);    /* leftovers in the test's process group */

	char msg[512];
	fcntl(rp[0], F_SETFL, O_NONBLOCK);
	ssize_t n = read(rp[0], msg, sizeof msg - 1);
	close(rp[0]);
	msg[n > 0 ? n : 0] = 0;
	char *nl = strchr(msg, '\n');
	if (nl)
		*nl = 0;
	rm_rf(dir);

	if (reason[0])
		return 1;
	if (killed) {
		snprintf(reason, rsize, "timeout (%d s)", timeout);
		return 1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		snprintf(reason, rsize, "timeout (%d s)", timeout);
	else if (msg[0])
		snprintf(reason, rsize, "%s", msg);
	else
		snprintf(reason, rsize, "%s", ut_status_str(st));
	return 1;
}

/* The directory of argv[0] (absolute), else a PATH search. */
static void find_helper_dir(const char *argv0, char *dir, size_t size)
{
	const char *env = getenv("USERTESTS_BIN");
	if (env && *env) {
		snprintf(dir, size, "%s", env);
		return;
	}
	const char *slash = strrchr(argv0, '/');
	if (slash) {
		char cwd[PATH_MAX] = "";
		size_t len = slash - argv0;
		if (argv0[0] != '/' && getcwd(cwd, sizeof cwd))
			snprintf(dir, size, "%s/%.*s", cwd, (int)len, argv0);
		else
			snprintf(dir, size, "%.*s", (int)(len ? len : 1), argv0);
		return;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/bin:/usr/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		char cand[PATH_MAX];
		snprintf(cand, sizeof cand, "%.*s/%s", (int)len, path, argv0);
		if (access(cand, X_OK) == 0) {
			snprintf(dir, size, "%.*s", (int)len, path);
			return;
		}
		path += len;
		if (*path == ':')
			path++;
	}
	snprintf(dir, size, "/bin");
}

static void usage(void)
{
	out(2, "usage: usertests [-a] [-l] [-N] [-t PAGES] [-T FACTOR] [NAME...]\n");
	exit(2);
}

static unsigned char failed_first[1024];

/*
 * Run the selection. The first run reports every test; the second (for the
 * leak check) reports only tests that passed the first time and fail now.
 * Returns the number of failures reported.
 */
static int run_all(const struct utest **sel, int nsel, int second, int *passed)
{
	int failed = 0;
	char reason[600];
	for (int i = 0; i < nsel; i++) {
		int bad = run_one(sel[i], reason, sizeof reason);
		if (!second) {
			failed_first[i] = (unsigned char)bad;
			if (bad)
				out(1, "FAIL %s: %s\n", sel[i]->name, reason);
			else
				out(1, "PASS %s\n", sel[i]->name);
			bad ? failed++ : (*passed)++;
		} else if (bad && !failed_first[i]) {
			out(1, "FAIL %s: second run: %s\n", sel[i]->name, reason);
			failed++;
		}
	}
	return failed;
}

int main(int argc, char **argv)
{
	int all = 0, list = 0, leak = 1;
	long tolerance = 1024;
	int opt;
	while ((opt = getopt(argc, argv, "alNt:T:h")) != -1) {
		switch (opt) {
		case 'a': all = 1; break;
		case 'l': list = 1; break;
		case 'N': leak = 0; break;
		case 't': tolerance = atol(optarg); break;
		case 'T': timeout_factor = atoi(optarg); if (timeout_factor < 1) timeout_factor = 1; break;
		default: usage();
		}
	}

	static const struct utest *sel[1024];
	int nsel = 0;
	if (list) {
		for (size_t i = 0; i < NTABLES; i++)
			for (const struct utest *t = tables[i]; t->name; t++)
				out(1, "%s%s\n", t->name, t->flags & UT_SLOW ? " slow" : "");
		return 0;
	}
	if (optind < argc) {
		for (int i = optind; i < argc && nsel < 1024; i++) {
			const struct utest *t = ut_find_test(argv[i]);
			if (!t) {
				out(2, "usertests: no test named %s (usertests -l lists them)\n", argv[i]);
				return 2;
			}
			sel[nsel++] = t;
		}
	} else {
		for (size_t i = 0; i < NTABLES; i++)
			for (const struct utest *t = tables[i]; t->name && nsel < 1024; t++)
				if (all || !(t->flags & UT_SLOW))
					sel[nsel++] = t;
	}

	/* Descriptors inherited from the caller (make's jobserver, a shell's
	 * leftovers) would shift the numbers the tests expect: only 0-2 stay. */
	for (int fd = 3; fd < 1024; fd++)
		close(fd);

	/* No core dumps from the tests that die of SIGSEGV and friends. */
	struct rlimit rl = { 0, 0 };
	getrlimit(RLIMIT_CORE, &rl);
	rl.rlim_cur = 0;
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_parent_alarm;    /* no SA_RESTART: waitpid sees EINTR */
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);

	char helpers[PATH_MAX], scratch[PATH_MAX];
	find_helper_dir(argv[0], helpers, sizeof helpers);
	snprintf(scratch, sizeof scratch, "/tmp/usertests.%d", (int)getpid());
	rm_rf(scratch);
	if (mkdir(scratch, 0755) < 0)
		out(2, "usertests: cannot create %s: %s\n", scratch, ut_errname(errno));
	ut_set_dirs(helpers, scratch);

	int passed = 0, failed = 0;
	long before_warm = -1, before = -1, after = -1;
	if (leak) {
		before_warm = ut_free_pages();
		if (before_warm < 0) {
			out(2, "usertests: no MemFree in /proc/meminfo; leak check skipped\n");
			leak = 0;
		}
	}
	failed += run_all(sel, nsel, 0, &passed);
	if (leak) {
		before = ut_free_pages();
		failed += run_all(sel, nsel, 1, &passed);
		/* Let deferred frees (exited tasks, RCU) settle. */
		for (int i = 0; i < 20; i++) {
			long now = ut_free_pages();
			if (now > after)
				after = now;
			if (before - after <= tolerance)
				break;
			ut_sleep_ms(100);
		}
		out(2, "usertests: free pages before %ld, after %ld (before the warm-up run %ld)\n",
		    before, after, before_warm);
		if (before - after > tolerance) {
			out(1, "FAIL leak_check: free memory dropped by more than %ld pages\n", tolerance);
			failed++;
		} else {
			out(1, "PASS leak_check\n");
			passed++;
		}
	}
	rm_rf(scratch);
	out(1, "usertests: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
