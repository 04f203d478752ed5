/*
 * util.c - helpers shared by the usertests: failing with a reason, process
 * and exec helpers, files, time, free memory.
 */
#include "ut.h"
#include <limits.h>
#include <stdarg.h>
#include <sys/uio.h>

/* The runner puts the reason pipe's write end here in each test child,
 * and its own stderr at UT_NOTE_FD (the child's 0-2 are /dev/null). */
#define UT_REASON_FD 200
#define UT_NOTE_FD   201

int ut_timeout;
static char helper_dir[PATH_MAX];
static char scratch_dir[PATH_MAX];
static char helper_path[PATH_MAX];

void ut_set_dirs(const char *helpers, const char *scratch);
void ut_set_dirs(const char *helpers, const char *scratch)
{
	snprintf(helper_dir, sizeof helper_dir, "%s", helpers);
	snprintf(scratch_dir, sizeof scratch_dir, "%s", scratch);
}

const char *ut_helper(const char *name)
{
	if (snprintf(helper_path, sizeof helper_path, "%s/%s", helper_dir, name) >= (int)sizeof helper_path)
		FAIL("helper path too long");
	return helper_path;
}

const char *ut_scratch(void)
{
	return scratch_dir;
}

static const struct { int e; const char *name; } errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" },
	{ ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { EXDEV, "EXDEV" }, { ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
	{ ETXTBSY, "ETXTBSY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
	{ ESPIPE, "ESPIPE" }, { EROFS, "EROFS" }, { EMLINK, "EMLINK" },
	{ EPIPE, "EPIPE" }, { EDOM, "EDOM" }, { ERANGE, "ERANGE" },
	{ EDEADLK, "EDEADLK" }, { ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" }, { ELOOP, "ELOOP" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { EOVERFLOW, "EOVERFLOW" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
};

const char *ut_errname(int e)
{
	static char buf[32];
	for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

void ut_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	int n = snprintf(msg, sizeof msg, "%s:%d: ", base, line);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - n - 1, fmt, ap);
	va_end(ap);
	size_t len = strlen(msg);
	msg[len++] = '\n';
	if (write(UT_REASON_FD, msg, len) < 0)
		(void)!write(2, msg, len);
	_exit(1);
}

void ut_note(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof msg - 2)
		n = sizeof msg - 2;
	msg[n++] = '\n';
	(void)!write(UT_NOTE_FD, msg, n);
}

void ut_exec_fails(const char *file, int line, const char *what, const void *path,
		   const void *argv, const void *envp, int e)
{
	pid_t pid = ut_fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		errno = 0;
		long r = RAW(SYS_execve, path, argv, envp);
		int got = errno;
		if (r == -1 && got == e)
			_exit(77);
		ut_fail(file, line, "execve(%s): want %s, got %s", what, ut_errname(e),
			r == -1 ? ut_errname(got) : "success");
	}
	int st = ut_wait(pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77)
		return;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
		ut_fail(file, line, "execve(%s) did not fail right", what);  /* the child said why */
	ut_fail(file, line, "execve(%s): want %s, but it ran (%s)", what, ut_errname(e),
		ut_status_str(st));
}

pid_t ut_fork(void)
{
	pid_t pid = fork();
	if (pid < 0)
		FAIL("fork: %s", ut_errname(errno));
	return pid;
}

int ut_wait(pid_t pid)
{
	int st;
	pid_t r;
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		FAIL("waitpid: %s", ut_errname(errno));
	if (r != pid)
		FAIL("waitpid returned another pid");
	return st;
}

const char *ut_status_str(int st)
{
	static char buf[64];
	if (WIFEXITED(st))
		snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "killed by signal %d", WTERMSIG(st));
	else if (WIFSTOPPED(st))
		snprintf(buf, sizeof buf, "stopped by signal %d", WSTOPSIG(st));
	else
		snprintf(buf, sizeof buf, "status 0x%x", st);
	return buf;
}

void ut_expect_exit(pid_t pid, int code)
{
	int st = ut_wait(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != code)
		FAIL("child: want exit %d, got %s", code, ut_status_str(st));
}

void ut_expect_signal(pid_t pid, int sig)
{
	int st = ut_wait(pid);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
		FAIL("child: want killed by signal %d, got %s", sig, ut_status_str(st));
}

int ut_run(const char *path, char *const argv[], char *const envp[],
	   char *out, size_t size)
{
	return ut_run_prep(path, argv, envp, out, size, NULL);
}

int ut_run_prep(const char *path, char *const argv[], char *const envp[],
		char *out, size_t size, void (*prep)(void))
{
	extern char **environ;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		FAIL("pipe2: %s", ut_errname(errno));
	pid_t pid = ut_fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		if (prep)
			prep();
		execve(path, argv, envp ? envp : environ);
		_exit(127);
	}
	close(p[1]);
	size_t got = 0;
	for (;;) {
		char tmp[4096];
		ssize_t n = read(p[0], tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && got + 1 < size; i++)
			out[got++] = tmp[i];
	}
	if (size)
		out[got] = 0;
	close(p[0]);
	return ut_wait(pid);
}

void ut_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		FAIL("create %s: %s", path, ut_errname(errno));
	if (ut_write_full(fd, data, len) != (ssize_t)len)
		FAIL("write %s: %s", path, ut_errname(errno));
	close(fd);
	if (chmod(path, mode) < 0)
		FAIL("chmod %s: %s", path, ut_errname(errno));
}

ssize_t ut_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return got ? (ssize_t)got : -1;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

ssize_t ut_write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return done ? (ssize_t)done : -1;
		done += n;
	}
	return done;
}

ssize_t ut_read_file(const char *path, void *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = ut_read_full(fd, buf, size);
	close(fd);
	return n;
}

off_t ut_file_size(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		FAIL("stat %s: %s", path, ut_errname(errno));
	return st.st_size;
}

long long ut_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void ut_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Regions made since boot ("N regions synthesized" in /proc/synth's first
 * line), or -1 without it (Linux) or with synth=off. */
long ut_synth_regions_made(void)
{
	FILE *f = fopen("/proc/synth/regions", "r");
	if (!f)
		f = fopen("/proc/synth", "r");
	if (!f)
		return -1;
	char line[512];
	long n = -1;
	if (fgets(line, sizeof line, f)) {
		char *s = strstr(line, " regions synthesized");
		if (s && strncmp(line, "synthesis off", 13) != 0) {
			while (s > line && s[-1] >= '0' && s[-1] <= '9')
				s--;
			n = strtol(s, NULL, 10);
		}
	}
	fclose(f);
	return n;
}

long ut_free_pages(void)
{
	char buf[4096];
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = ut_read_full(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strstr(buf, "MemFree:");
	if (!p)
		return -1;
	p += 8;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	long kb = strtol(p, NULL, 10);
	return kb / 4;
}

void ut_sigaction(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		FAIL("sigaction %d: %s", sig, ut_errname(errno));
}

void ut_sigaction_info(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = flags | SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		FAIL("sigaction %d: %s", sig, ut_errname(errno));
}

int ut_strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}
