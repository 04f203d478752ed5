/*
 * ut.h - the usertests framework: the test table, the check macros and the
 * helpers every t_*.c file uses.
 *
 * Each test is a void function run in its own forked child, in a fresh
 * scratch directory (the child's cwd), with an alarm() timeout. A test
 * passes by returning; it fails through FAIL()/CHECK*(), which send a
 * one-line reason to the runner and _exit(1). A test that dies from a
 * signal fails with "killed by signal N". Reasons must be deterministic:
 * never put pids, addresses or timings in them.
 */
#ifndef USERTESTS_UT_H
#define USERTESTS_UT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define UT_QUICK 0
#define UT_SLOW  1

struct utest {
	const char *name;
	void (*fn)(void);
	int flags;        /* UT_QUICK or UT_SLOW */
};

/* One table per area, each ended by an entry with name == NULL. */
extern const struct utest ut_proc_tests[];
extern const struct utest ut_mem_tests[];
extern const struct utest ut_file_tests[];
extern const struct utest ut_rw_tests[];
extern const struct utest ut_pipe_tests[];
extern const struct utest ut_signal_tests[];
extern const struct utest ut_thread_tests[];
extern const struct utest ut_misc_tests[];
extern const struct utest ut_err_tests[];
extern const struct utest ut_synth_tests[];
extern const struct utest ut_synthinfo_tests[];
extern const struct utest ut_synthfd_tests[];
/* A test by name in any table (main.c), or NULL. */
const struct utest *ut_find_test(const char *name);
extern const struct utest ut_synthio_tests[];
extern const struct utest ut_slow_tests[];

/* Define a test function; list it in the file's table with T(name). */
#define TEST(name) static void name(void)
#define T(name)       { #name, name, UT_QUICK }
#define T_SLOW(name)  { #name, name, UT_SLOW }

/* A kernel-half address: every access from user mode must fault. */
#define KERNEL_PTR ((void *)0xffff800000000000UL)

/* ---- failing ---------------------------------------------------------- */

__attribute__((noreturn, format(printf, 3, 4)))
void ut_fail(const char *file, int line, const char *fmt, ...);
const char *ut_errname(int e);

#define FAIL(...) ut_fail(__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(cond) do { \
	if (!(cond)) FAIL("%s", #cond); \
} while (0)

/* expr must succeed (return something other than -1 / MAP_FAILED). */
#define CHECK_OK(expr) ({ \
	long _r = (long)(expr); \
	if (_r == -1) FAIL("%s: %s", #expr, ut_errname(errno)); \
	_r; })

/* expr must fail with -1 and errno == e. */
#define CHECK_ERR(expr, e) do { \
	errno = 0; \
	long _r = (long)(expr); \
	int _e = errno; \
	if (_r != -1 || _e != (e)) \
		FAIL("%s: want %s, got %s", #expr, ut_errname(e), \
		     _r == -1 ? ut_errname(_e) : "success"); \
} while (0)

/* a == b for integers; reports both values (keep them deterministic). */
#define CHECK_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) FAIL("%s == %s: %lld != %lld", #a, #b, _a, _b); \
} while (0)

/* A raw system call: -1 and errno on failure (what syscall(3) does). */
#define RAW(...) syscall(__VA_ARGS__)

/* ---- helpers (util.c) -------------------------------------------------- */

/* Absolute path of a helper program installed next to usertests. */
const char *ut_helper(const char *name);
/* The runner's scratch directory (absolute); tests run in a subdirectory. */
const char *ut_scratch(void);
/* This test's timeout in seconds (what the runner gave alarm()). */
extern int ut_timeout;

pid_t ut_fork(void);                  /* fork or FAIL */
int ut_wait(pid_t pid);               /* waitpid, retrying EINTR; raw status */
void ut_expect_exit(pid_t pid, int code);
void ut_expect_signal(pid_t pid, int sig);
/* Describe a raw wait status deterministically ("exit 3", "signal 11"). */
const char *ut_status_str(int status);

/*
 * fork + execve(path, argv, envp) with stdout (and stderr) into a pipe;
 * collects up to size-1 bytes of output, NUL-terminated, and returns the
 * raw wait status. envp NULL means the current environment.
 */
int ut_run(const char *path, char *const argv[], char *const envp[],
	   char *out, size_t size);
/* The same, calling prep() in the child just before execve. */
int ut_run_prep(const char *path, char *const argv[], char *const envp[],
		char *out, size_t size, void (*prep)(void));

/*
 * execve(path, argv, envp) must fail with errno e. It is tried in a child
 * (output to /dev/null), so an exec that wrongly succeeds cannot replace
 * the test and print into the results; the raw system call is used.
 */
#define CHECK_EXEC_ERR(path, argv, envp, e) \
	ut_exec_fails(__FILE__, __LINE__, #path ", " #argv ", " #envp, \
		      (const void *)(path), (const void *)(argv), (const void *)(envp), (e))
void ut_exec_fails(const char *file, int line, const char *what, const void *path,
		   const void *argv, const void *envp, int e);

/* A note for the person running the tests (the runner's stderr). */
void ut_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Files. */
void ut_write_file(const char *path, const void *data, size_t len, mode_t mode);
ssize_t ut_read_file(const char *path, void *buf, size_t size);
ssize_t ut_read_full(int fd, void *buf, size_t len);   /* until len or EOF */
ssize_t ut_write_full(int fd, const void *buf, size_t len);

/* Time. */
long long ut_now_ns(void);            /* CLOCK_MONOTONIC */
off_t ut_file_size(const char *path);  /* st_size, or the test fails */
void ut_sleep_ms(long ms);

/* Free memory in pages from /proc/meminfo's MemFree, or -1. */
long ut_free_pages(void);
/* synthos: regions synthesized since boot (/proc/synth), or -1 (Linux,
 * synth=off). */
long ut_synth_regions_made(void);

/* Signals. */
void ut_sigaction(int sig, void (*fn)(int), int flags);
void ut_sigaction_info(int sig, void (*fn)(int, siginfo_t *, void *), int flags);

/* Compare NUL-terminated names (for qsort over char *). */
int ut_strcmp_p(const void *a, const void *b);

#endif
