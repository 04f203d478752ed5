/*
 * t_proc.c - processes: fork, exit status encoding, wait4/waitid, zombies,
 * orphans, process groups and sessions, execve (ELF, #! scripts, errors,
 * what crosses exec), vfork and posix_spawn.
 */
#include "ut.h"
#include <limits.h>
#include <spawn.h>
#include <sys/resource.h>

extern char **environ;

TEST(fork_basic)
{
	pid_t parent = getpid();
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		pid_t me = getpid();
		CHECK(me != parent);
		CHECK(getppid() == parent);
		CHECK(write(p[1], &me, sizeof me) == sizeof me);
		_exit(0);
	}
	CHECK(pid > 0 && pid != parent);
	pid_t seen = 0;
	CHECK_EQ(read(p[0], &seen, sizeof seen), sizeof seen);
	CHECK(seen == pid);
	ut_expect_exit(pid, 0);
}

TEST(exit_codes)
{
	static const int codes[] = { 0, 1, 2, 42, 127, 128, 255 };
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		pid_t pid = ut_fork();
		if (pid == 0)
			_exit(codes[i]);
		ut_expect_exit(pid, codes[i]);
	}
	/* Only the low 8 bits of the exit code survive. */
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(256 + 7);
	ut_expect_exit(pid, 7);
	/* exit() from main's caller path (atexit, stdio) gives the same code. */
	pid = ut_fork();
	if (pid == 0)
		exit(33);
	ut_expect_exit(pid, 33);
}

TEST(wait_status_encoding)
{
	int st;
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(3);
	st = ut_wait(pid);
	CHECK_EQ(st, 0x0300);
	CHECK(WIFEXITED(st) && !WIFSIGNALED(st) && !WIFSTOPPED(st));

	pid = ut_fork();
	if (pid == 0) {
		kill(getpid(), SIGKILL);
		_exit(0);
	}
	st = ut_wait(pid);
	CHECK_EQ(st, SIGKILL);
	CHECK(WIFSIGNALED(st) && !WIFEXITED(st) && WTERMSIG(st) == SIGKILL);
}

TEST(wait_signaled)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGQUIT, SIGABRT };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		pid_t pid = ut_fork();
		if (pid == 0) {
			kill(getpid(), sigs[i]);
			_exit(0);
		}
		int st = ut_wait(pid);
		CHECK(WIFSIGNALED(st));
		CHECK_EQ(WTERMSIG(st), sigs[i]);
	}
}

TEST(wait_signaled_by_parent)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		read(p[0], &c, 1);      /* blocks forever */
		_exit(0);
	}
	CHECK_OK(kill(pid, SIGTERM));
	ut_expect_signal(pid, SIGTERM);
}

TEST(waitid_exited)
{
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(7);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED));
	CHECK_EQ(si.si_signo, SIGCHLD);
	CHECK_EQ(si.si_code, CLD_EXITED);
	CHECK_EQ(si.si_status, 7);
	CHECK(si.si_pid == pid);
	CHECK(si.si_uid == getuid());
	CHECK_ERR(waitpid(pid, NULL, 0), ECHILD);
}

TEST(waitid_killed)
{
	pid_t pid = ut_fork();
	if (pid == 0) {
		kill(getpid(), SIGUSR1);
		_exit(0);
	}
	siginfo_t si;
	memset(&si, 0, sizeof si);
	CHECK_OK(waitid(P_ALL, 0, &si, WEXITED));
	CHECK_EQ(si.si_code, CLD_KILLED);
	CHECK_EQ(si.si_status, SIGUSR1);
	CHECK(si.si_pid == pid);
}

TEST(waitid_wnowait)
{
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(9);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	CHECK_EQ(si.si_status, 9);
	memset(&si, 0, sizeof si);
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	CHECK(si.si_pid == pid);
	ut_expect_exit(pid, 9);     /* still there to be reaped */
}

TEST(waitid_wnohang)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		read(p[0], &c, 1);
		_exit(0);
	}
	siginfo_t si;
	memset(&si, 0xff, sizeof si);
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOHANG));
	CHECK_EQ(si.si_pid, 0);     /* nothing to report: si_pid zeroed */
	close(p[1]);
	ut_expect_exit(pid, 0);
}

TEST(wait_nohang)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		read(p[0], &c, 1);
		_exit(4);
	}
	int st;
	CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
	CHECK_EQ(waitpid(-1, &st, WNOHANG), 0);
	close(p[1]);
	ut_expect_exit(pid, 4);
	CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
}

TEST(wait_echild)
{
	CHECK_ERR(wait(NULL), ECHILD);
	CHECK_ERR(waitpid(-1, NULL, 0), ECHILD);
	CHECK_ERR(waitpid(getppid(), NULL, 0), ECHILD);  /* not our child */
	CHECK_ERR(waitpid(getpid(), NULL, 0), ECHILD);
}

TEST(wait_many_children)
{
	pid_t pids[8];
	for (int i = 0; i < 8; i++) {
		pids[i] = ut_fork();
		if (pids[i] == 0)
			_exit(10 + i);
	}
	int seen = 0;
	for (int n = 0; n < 8; n++) {
		int st;
		pid_t r = wait(&st);
		CHECK(r > 0);
		int i;
		for (i = 0; i < 8 && pids[i] != r; i++)
			;
		CHECK(i < 8);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 10 + i);
		CHECK(!(seen & (1 << i)));
		seen |= 1 << i;
	}
	CHECK_EQ(seen, 0xff);
	CHECK_ERR(wait(NULL), ECHILD);
}

TEST(wait4_rusage)
{
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(5);
	struct rusage ru;
	memset(&ru, 0xff, sizeof ru);
	int st;
	CHECK(wait4(pid, &st, 0, &ru) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	CHECK(ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
	CHECK(ru.ru_stime.tv_sec >= 0 && ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000);
}

TEST(waitpid_pgrp)
{
	/* The runner made this test a process-group leader; children inherit it. */
	CHECK(getpgrp() == getpid());
	int p[2];
	CHECK_OK(pipe(p));
	pid_t a = ut_fork();
	if (a == 0)
		_exit(1);
	pid_t b = ut_fork();
	if (b == 0) {
		char c;
		setpgid(0, 0);          /* leaves our group */
		close(p[1]);
		read(p[0], &c, 1);
		_exit(2);
	}
	setpgid(b, b);              /* both sides, so there is no race */
	close(p[0]);
	int st;
	CHECK(waitpid(0, &st, 0) == a);             /* 0: our process group */
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	CHECK_ERR(waitpid(0, &st, WNOHANG), ECHILD); /* b is in another group */
	close(p[1]);
	CHECK(waitpid(-b, &st, 0) == b);            /* -pgid: that group */
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 2);
}

TEST(zombie_reaped)
{
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(0);
	siginfo_t si;
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));   /* now a zombie */
	CHECK_OK(kill(pid, 0));                                  /* still exists */
	ut_expect_exit(pid, 0);
	CHECK_ERR(kill(pid, 0), ESRCH);                          /* gone */
	CHECK_ERR(waitpid(pid, NULL, 0), ECHILD);
}

TEST(orphan_reparented)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t child = ut_fork();
	if (child == 0) {
		pid_t me = getpid();
		pid_t g = ut_fork();
		if (g == 0) {
			char r = 'T';
			for (int i = 0; i < 1000; i++) {
				if (getppid() != me) {
					r = 'R';
					break;
				}
				ut_sleep_ms(5);
			}
			write(p[1], &r, 1);
			_exit(0);
		}
		_exit(0);               /* orphan the grandchild */
	}
	close(p[1]);
	ut_expect_exit(child, 0);
	char r = 0;
	CHECK_EQ(read(p[0], &r, 1), 1);
	CHECK(r == 'R');
}

TEST(fork_cow)
{
	static int global = 1;
	int stackv = 2;
	size_t big = 1 << 20;
	char *heap = malloc(big);
	CHECK(heap);
	memset(heap, 'p', big);
	int to_parent[2], to_child[2];
	CHECK_OK(pipe(to_parent));
	CHECK_OK(pipe(to_child));
	pid_t pid = ut_fork();
	char c;
	if (pid == 0) {
		global = 10;
		stackv = 20;
		memset(heap, 'c', big);
		write(to_parent[1], "x", 1);
		read(to_child[0], &c, 1);       /* parent has written its copy */
		CHECK(global == 10 && stackv == 20);
		for (size_t i = 0; i < big; i += 4096)
			CHECK(heap[i] == 'c');
		_exit(0);
	}
	CHECK_EQ(read(to_parent[0], &c, 1), 1);
	CHECK(global == 1 && stackv == 2);
	for (size_t i = 0; i < big; i += 4096)
		CHECK(heap[i] == 'p');
	global = 100;
	stackv = 200;
	memset(heap, 'P', big);
	write(to_child[1], "y", 1);
	ut_expect_exit(pid, 0);
	CHECK(global == 100 && heap[big - 1] == 'P');
}

TEST(fork_shares_file_offset)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT | O_TRUNC, 0644));
	CHECK_EQ(write(fd, "abc", 3), 3);
	pid_t pid = ut_fork();
	if (pid == 0) {
		CHECK_EQ(write(fd, "def", 3), 3);
		_exit(0);
	}
	ut_expect_exit(pid, 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
	CHECK_EQ(write(fd, "ghi", 3), 3);
	char buf[16] = { 0 };
	CHECK_EQ(pread(fd, buf, sizeof buf, 0), 9);
	CHECK(memcmp(buf, "abcdefghi", 9) == 0);
}

TEST(fork_fd_table_copied)
{
	int fd = CHECK_OK(open("/dev/null", O_RDONLY));
	pid_t pid = ut_fork();
	if (pid == 0) {
		CHECK_OK(close(fd));
		CHECK_OK(open("/dev/zero", O_RDONLY));       /* reuses fd in the child only */
		_exit(0);
	}
	ut_expect_exit(pid, 0);
	struct stat a, b;
	CHECK_OK(fstat(fd, &a));
	CHECK_OK(stat("/dev/null", &b));
	CHECK(a.st_rdev == b.st_rdev);
}

TEST(setsid_setpgid)
{
	pid_t pid = ut_fork();
	if (pid == 0) {
		pid_t me = getpid();
		CHECK(setsid() == me);
		CHECK(getsid(0) == me);
		CHECK(getpgrp() == me);
		CHECK(getpgid(0) == me);
		CHECK_ERR(setsid(), EPERM);             /* already a group leader */
		_exit(0);
	}
	ut_expect_exit(pid, 0);

	pid = ut_fork();
	if (pid == 0) {
		CHECK(getpgrp() == getppid());          /* inherited */
		CHECK_OK(setpgid(0, 0));
		CHECK(getpgrp() == getpid());
		CHECK(getsid(0) == getsid(getppid()));  /* same session */
		_exit(0);
	}
	ut_expect_exit(pid, 0);
	CHECK_ERR(setpgid(0, -1), EINVAL);
}

TEST(kill_pgrp)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t a = ut_fork();
	if (a == 0) {
		char c;
		setpgid(0, 0);
		read(p[0], &c, 1);
		_exit(0);
	}
	setpgid(a, a);
	pid_t b = ut_fork();
	if (b == 0) {
		char c;
		setpgid(0, a);
		read(p[0], &c, 1);
		_exit(0);
	}
	setpgid(b, a);
	CHECK(getpgid(a) == a && getpgid(b) == a);
	CHECK_OK(kill(-a, SIGUSR1));
	ut_expect_signal(a, SIGUSR1);
	ut_expect_signal(b, SIGUSR1);
}

/* ---- execve ---------------------------------------------------------------- */

static void expect_output(const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return;
	/* Report the first differing line. */
	const char *g = got, *w = want;
	int line = 1;
	while (*g && *g == *w) {
		if (*g == '\n')
			line++;
		g++, w++;
	}
	while (g > got && g[-1] != '\n')
		g--;
	while (w > want && w[-1] != '\n')
		w--;
	FAIL("output line %d: got \"%.*s\", want \"%.*s\"", line,
	     (int)strcspn(g, "\n"), g, (int)strcspn(w, "\n"), w);
}

static void expect_run_prep(const char *path, char *const argv[], char *const envp[],
			    int code, const char *want, void (*prep)(void))
{
	static char out[65536];
	int st = ut_run_prep(path, argv, envp, out, sizeof out, prep);
	expect_output(out, want);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != code)
		FAIL("%s: want exit %d, got %s", argv[0], code, ut_status_str(st));
}

static void expect_run(const char *path, char *const argv[], char *const envp[],
		       int code, const char *want)
{
	expect_run_prep(path, argv, envp, code, want, NULL);
}

TEST(exec_hello)
{
	char *argv[] = { "hello", NULL };
	expect_run(ut_helper("hello"), argv, NULL, 0, "hello, world\n");
}

TEST(exec_argv_envp)
{
	char *argv[] = { "echoargs", "one", "two words", "", "last", NULL };
	char *envp[] = { "A=1", "B=two", "EMPTY=", NULL };
	expect_run(ut_helper("echoargs"), argv, envp, 0,
		   "argc=5\nargv[0]=echoargs\nargv[1]=one\nargv[2]=two words\n"
		   "argv[3]=\nargv[4]=last\nenv=A=1\nenv=B=two\nenv=EMPTY=\n");
}

TEST(exec_empty_env)
{
	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };
	expect_run(ut_helper("echoargs"), argv, envp, 0, "argc=1\nargv[0]=x\n");
}

TEST(exec_auxv)
{
	char *argv[] = { "echoargs", "--auxv", NULL };
	char *envp[] = { "X=1", NULL };
	expect_run(ut_helper("echoargs"), argv, envp, 0,
		   "AT_PAGESZ ok\nAT_RANDOM ok\nAT_PHDR ok\nAT_PHENT ok\nAT_PHNUM ok\n"
		   "AT_ENTRY ok\nAT_UID ok\nAT_GID ok\nAT_SECURE ok\nargv_null ok\n"
		   "envp_after_argv ok\nauxv_after_envp ok\nstack_alignment ok\n"
		   "phdr_contents ok\n");
}

TEST(exec_many_args)
{
	static char *argv[1203];
	static char strs[1200][101];
	argv[0] = "echoargs";
	argv[1] = "--argc";
	for (int i = 0; i < 1200; i++) {
		memset(strs[i], 'a' + i % 26, 100);
		strs[i][100] = 0;
		argv[2 + i] = strs[i];
	}
	argv[1202] = NULL;
	expect_run(ut_helper("echoargs"), argv, NULL, 0, "argc=1202\n");
}

TEST(exec_e2big)
{
	size_t len = 200 * 1024;     /* one string above MAX_ARG_STRLEN (32 pages) */
	char *big = malloc(len + 1);
	CHECK(big);
	memset(big, 'x', len);
	big[len] = 0;
	char *argv[] = { "echoargs", big, NULL };
	CHECK_EXEC_ERR(ut_helper("echoargs"), argv, environ, E2BIG);
	char *envp[] = { big, NULL };
	char *argv2[] = { "echoargs", NULL };
	CHECK_EXEC_ERR(ut_helper("echoargs"), argv2, envp, E2BIG);
}

static void write_script(const char *path, const char *first_line)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s\nthis is not a shell script\n", first_line);
	ut_write_file(path, buf, strlen(buf), 0755);
}

TEST(exec_script)
{
	char line[600], want[2048];
	const char *interp = ut_helper("echoargs");
	snprintf(line, sizeof line, "#!%s -x", interp);
	write_script("s.sh", line);
	char *argv[] = { "ignored-argv0", "a1", "a 2", NULL };
	char *envp[] = { "E=1", NULL };
	snprintf(want, sizeof want,
		 "argc=5\nargv[0]=%s\nargv[1]=-x\nargv[2]=./s.sh\nargv[3]=a1\nargv[4]=a 2\nenv=E=1\n",
		 interp);
	expect_run("./s.sh", argv, envp, 0, want);
}

TEST(exec_script_noarg)
{
	char line[600], want[2048];
	const char *interp = ut_helper("echoargs");
	snprintf(line, sizeof line, "#!%s", interp);
	write_script("s", line);
	char *argv[] = { "s", NULL };
	char *envp[] = { NULL };
	snprintf(want, sizeof want, "argc=2\nargv[0]=%s\nargv[1]=./s\n", interp);
	expect_run("./s", argv, envp, 0, want);
}

TEST(exec_script_spaces)
{
	/* Blanks around the interpreter; the rest of the line is one argument. */
	char line[600], want[2048];
	const char *interp = ut_helper("echoargs");
	snprintf(line, sizeof line, "#! \t%s  one two  \t", interp);
	write_script("s", line);
	char *argv[] = { "s", NULL };
	char *envp[] = { NULL };
	snprintf(want, sizeof want, "argc=3\nargv[0]=%s\nargv[1]=one two\nargv[2]=./s\n", interp);
	expect_run("./s", argv, envp, 0, want);
}

TEST(exec_script_nested)
{
	char line[600], want[2048];
	const char *interp = ut_helper("echoargs");
	snprintf(line, sizeof line, "#!%s", interp);
	write_script("inner", line);
	write_script("outer", "#!./inner");
	char *argv[] = { "outer", "arg", NULL };
	char *envp[] = { NULL };
	snprintf(want, sizeof want,
		 "argc=4\nargv[0]=%s\nargv[1]=./inner\nargv[2]=./outer\nargv[3]=arg\n", interp);
	expect_run("./outer", argv, envp, 0, want);
}

TEST(exec_script_sh)
{
	/* With the system's /bin/sh as the interpreter, where there is one
	 * (the guest's BusyBox); without it the test has nothing to check. */
	if (access("/bin/sh", X_OK) != 0) {
		ut_note("usertests: exec_script_sh: no /bin/sh, nothing checked");
		return;
	}
	const char *script = "#!/bin/sh\necho \"$0 $1 $#\"\nexit 3\n";
	ut_write_file("s.sh", script, strlen(script), 0755);
	char *argv[] = { "s.sh", "first", "second", NULL };
	char *envp[] = { "PATH=/bin:/usr/bin", NULL };
	expect_run("./s.sh", argv, envp, 3, "./s.sh first 2\n");
}

TEST(exec_script_bad_interp)
{
	write_script("s", "#!/nonexistent/interpreter");
	char *argv[] = { "s", NULL };
	CHECK_EXEC_ERR("./s", argv, environ, ENOENT);
}

TEST(exec_enoent)
{
	char *argv[] = { "x", NULL };
	CHECK_EXEC_ERR("./does-not-exist", argv, environ, ENOENT);
	CHECK_EXEC_ERR("/nonexistent-dir/x", argv, environ, ENOENT);
	CHECK_EXEC_ERR("", argv, environ, ENOENT);
	/* Still here, still working. */
	CHECK(getpid() > 0);
}

TEST(exec_eacces)
{
	char *argv[] = { "x", NULL };
	ut_write_file("plain", "#!/bin/sh\n", 10, 0644);
	CHECK_EXEC_ERR("./plain", argv, environ, EACCES);
	CHECK_OK(mkdir("dir", 0755));
	CHECK_EXEC_ERR("./dir", argv, environ, EACCES);
	CHECK_EXEC_ERR("/dev/null", argv, environ, EACCES);
}

TEST(exec_enoexec)
{
	char *argv[] = { "x", NULL };
	ut_write_file("garbage", "this is not a program\n", 22, 0755);
	CHECK_EXEC_ERR("./garbage", argv, environ, ENOEXEC);
	ut_write_file("empty", "", 0, 0755);
	CHECK_EXEC_ERR("./empty", argv, environ, ENOEXEC);
	ut_write_file("shebang", "#!\n", 3, 0755);
	CHECK_EXEC_ERR("./shebang", argv, environ, ENOEXEC);
	/* An x86-64 ELF header whose program-header size is wrong. */
	unsigned char elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	elf[16] = 2;            /* ET_EXEC */
	elf[18] = 62;           /* EM_X86_64 */
	elf[20] = 1;            /* EV_CURRENT */
	elf[52] = 64;           /* e_ehsize */
	elf[54] = 7;            /* e_phentsize: not 56 */
	elf[56] = 1;            /* e_phnum */
	elf[32] = 64;           /* e_phoff */
	ut_write_file("badelf", elf, sizeof elf, 0755);
	CHECK_EXEC_ERR("./badelf", argv, environ, ENOEXEC);
}

TEST(exec_efault)
{
	const char *path = ut_helper("echoargs");
	char *argv[] = { "x", NULL };
	char *badargv[] = { "x", (char *)1, NULL };
	char *badkargv[] = { "x", (char *)KERNEL_PTR, NULL };
	CHECK_EXEC_ERR((char *)1, argv, environ, EFAULT);
	CHECK_EXEC_ERR(KERNEL_PTR, argv, environ, EFAULT);
	CHECK_EXEC_ERR(path, (char **)1, environ, EFAULT);
	CHECK_EXEC_ERR(path, (char **)KERNEL_PTR, environ, EFAULT);
	CHECK_EXEC_ERR(path, badargv, environ, EFAULT);
	CHECK_EXEC_ERR(path, badkargv, environ, EFAULT);
	CHECK_EXEC_ERR(path, argv, (char **)1, EFAULT);
	CHECK_EXEC_ERR(path, argv, badargv, EFAULT);
	/* The caller is intact. */
	char buf[8];
	CHECK_EQ(ut_read_file("/dev/zero", buf, sizeof buf), 8);
}

TEST(exec_cloexec)
{
	int a = CHECK_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
	CHECK_OK(dup3(a, 10, O_CLOEXEC));
	CHECK_OK(dup2(a, 11));                          /* dup2 clears close-on-exec */
	int p[2];
	CHECK_OK(pipe2(p, O_CLOEXEC));
	CHECK_OK(dup3(p[0], 12, O_CLOEXEC));
	CHECK_OK(dup2(p[1], 13));
	CHECK_OK(fcntl(13, F_SETFD, FD_CLOEXEC));       /* set later */
	CHECK_OK(dup3(a, 14, O_CLOEXEC));
	CHECK_OK(fcntl(14, F_SETFD, 0));                /* cleared later */
	int b = CHECK_OK(open("/dev/null", O_RDONLY));
	CHECK_OK(dup2(b, 15));
	char *argv[] = { "echoargs", "--fds", "10", "11", "12", "13", "14", "15", NULL };
	expect_run(ut_helper("echoargs"), argv, NULL, 0,
		   "fd 10 closed\nfd 11 open\nfd 12 closed\nfd 13 closed\n"
		   "fd 14 open\nfd 15 open\n");
}

static void dummy_handler(int sig) { (void)sig; }

static void raise_sighup(void)
{
	kill(getpid(), SIGHUP);     /* pending in the exec'ing process itself */
}

TEST(exec_signal_state)
{
	ut_sigaction(SIGUSR1, dummy_handler, 0);        /* handled -> default */
	signal(SIGUSR2, SIG_IGN);                       /* ignored stays ignored */
	ut_sigaction(SIGTERM, dummy_handler, 0);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));   /* the mask is kept */
	char *argv[] = { "echoargs", "--sig", NULL };
	expect_run_prep(ut_helper("echoargs"), argv, NULL, 0,
		   "SIGUSR1 default unblocked not-pending\n"
		   "SIGUSR2 ignored unblocked not-pending\n"
		   "SIGTERM default blocked not-pending\n"
		   "SIGHUP default blocked pending\n", raise_sighup);      /* pending stays pending */
}

TEST(exec_keeps_pid)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		char a[16], b[16];
		snprintf(a, sizeof a, "%d", (int)getpid());
		snprintf(b, sizeof b, "%d", (int)getppid());
		char *argv[] = { "echoargs", "--ids", a, b, NULL };
		dup2(p[1], 1);
		execve(ut_helper("echoargs"), argv, environ);
		_exit(127);
	}
	close(p[1]);
	char out[256] = { 0 };
	ut_read_full(p[0], out, sizeof out - 1);
	ut_expect_exit(pid, 0);
	expect_output(out, "pid same\nppid same\n");
}

TEST(exec_replaces_image)
{
	/* Memory, handlers and threads of the old image are gone: the new
	 * program starts clean even if the old one had a big heap. */
	pid_t pid = ut_fork();
	if (pid == 0) {
		char *p = malloc(8 << 20);
		if (p)
			memset(p, 1, 8 << 20);
		char *argv[] = { "echoargs", "--exit", "42", NULL };
		execve(ut_helper("echoargs"), argv, environ);
		_exit(127);
	}
	ut_expect_exit(pid, 42);
}

TEST(vfork_shares_memory)
{
	volatile int shared = 0;
	pid_t pid = vfork();
	if (pid == 0) {
		shared = 1;             /* visible to the suspended parent */
		_exit(3);
	}
	CHECK(pid > 0);
	CHECK(shared == 1);         /* the parent resumed after the child exited */
	ut_expect_exit(pid, 3);
}

TEST(vfork_exec)
{
	int p[2];
	CHECK_OK(pipe2(p, O_CLOEXEC));
	char *argv[] = { "hello", NULL };
	const char *path = ut_helper("hello");
	pid_t pid = vfork();
	if (pid == 0) {
		dup2(p[1], 1);
		execve(path, argv, environ);
		_exit(127);
	}
	CHECK(pid > 0);
	close(p[1]);
	char out[64] = { 0 };
	ut_read_full(p[0], out, sizeof out - 1);
	ut_expect_exit(pid, 0);
	expect_output(out, "hello, world\n");
}

TEST(posix_spawn_basic)
{
	int p[2];
	CHECK_OK(pipe2(p, O_CLOEXEC));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	char *argv[] = { "hello", NULL };
	pid_t pid;
	int e = posix_spawn(&pid, ut_helper("hello"), &fa, NULL, argv, environ);
	if (e)
		FAIL("posix_spawn: %s", ut_errname(e));
	close(p[1]);
	char out[64] = { 0 };
	ut_read_full(p[0], out, sizeof out - 1);
	ut_expect_exit(pid, 0);
	expect_output(out, "hello, world\n");
	/* The exec error comes back to the caller. */
	e = posix_spawn(&pid, "./no-such-program", NULL, NULL, argv, environ);
	CHECK_EQ(e, ENOENT);
	posix_spawn_file_actions_destroy(&fa);
}

const struct utest ut_proc_tests[] = {
	T(fork_basic),
	T(exit_codes),
	T(wait_status_encoding),
	T(wait_signaled),
	T(wait_signaled_by_parent),
	T(waitid_exited),
	T(waitid_killed),
	T(waitid_wnowait),
	T(waitid_wnohang),
	T(wait_nohang),
	T(wait_echild),
	T(wait_many_children),
	T(wait4_rusage),
	T(waitpid_pgrp),
	T(zombie_reaped),
	T(orphan_reparented),
	T(fork_cow),
	T(fork_shares_file_offset),
	T(fork_fd_table_copied),
	T(setsid_setpgid),
	T(kill_pgrp),
	T(exec_hello),
	T(exec_argv_envp),
	T(exec_empty_env),
	T(exec_auxv),
	T(exec_many_args),
	T(exec_e2big),
	T(exec_script),
	T(exec_script_noarg),
	T(exec_script_spaces),
	T(exec_script_nested),
	T(exec_script_sh),
	T(exec_script_bad_interp),
	T(exec_enoent),
	T(exec_eacces),
	T(exec_enoexec),
	T(exec_efault),
	T(exec_cloexec),
	T(exec_signal_state),
	T(exec_keeps_pid),
	T(exec_replaces_image),
	T(vfork_shares_memory),
	T(vfork_exec),
	T(posix_spawn_basic),
	{ 0 }
};
