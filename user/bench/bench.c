/*
 * bench - lmbench-style micro-benchmarks, counted in TSC ticks.
 *
 * Run under `qemu-system-x86_64 -accel tcg -icount shift=0,sleep=off`, one
 * TSC tick is one guest instruction, so every figure is an exact count of
 * instructions per operation -- kernel and user together -- and the same
 * static binary gives comparable numbers on any kernel (synthos, synthos
 * with synth=off, Linux). A calibration loop of known length runs first and
 * its ratio is printed, so a reader can check the unit.
 *
 * The "user" figure: the same loop with every libc call replaced by a
 * user-space stub that costs what musl's wrapper costs without entering the
 * kernel -- a non-inlined function with the wrapper's argument handling,
 * the system call's register setup (the `syscall` instruction itself left
 * out) and the wrapper's return-value path (__syscall_ret: errno on a
 * negative result). kernel share = op - user. For fork, exec and
 * pthread_create the stub covers the wrapper calls only, not the rest of
 * libc's user-side work (atfork, thread setup), so there it is a lower
 * bound of the user part.
 *
 * Output (deterministic: no pids, no addresses):
 *   calibration <ticks> ticks for 4000001 instructions (ratio R)
 *   op <name> <ticks-per-op> user <stub-ticks-per-op> iters <n>
 *   op pipe_64mb_2proc <ticks-per-64MB> user ... bytes_per_insn B
 * `bench NAME...` runs only the named operations; `bench -l` lists them.
 *
 * Every operation is measured as the minimum over REPS repetitions of its
 * loop (after a warm-up), which removes the occasional timer interrupt;
 * mmap, pthread_create and the fresh-file open as the mean (see measure()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

#define REPS 5
#define NOINLINE __attribute__((noinline))

static const char *exec_path = "/bin/bench-true";
static char buf4k[4096] __attribute__((aligned(64)));
static char big[65536] __attribute__((aligned(64)));
static volatile long sink;

/* A loop of exactly 4 instructions per iteration (nop, nop, dec, jnz),
 * 1,000,000 iterations: 4,000,001 instructions with the setup. */
static uint64_t calibrate(void)
{
	uint64_t best = UINT64_MAX;
	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = rdtsc();
		__asm__ __volatile__(
			"mov $1000000, %%ecx\n"
			"1: nop\n nop\n dec %%ecx\n jnz 1b\n" ::: "ecx", "cc");
		uint64_t t = rdtsc() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

/* ---- user-space stubs of the libc wrappers --------------------------------
 * stub_sys6 is the system call without the `syscall` instruction: the six
 * argument registers and the number loaded as the instruction wants them,
 * a result in rax. stub_ret is the wrapper's return path. Each stub_NAME is
 * a non-inlined function with NAME's signature and musl's structure. */
static NOINLINE long stub_sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret = nr;
	__asm__ __volatile__("" : "+a"(ret) : "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret == nr ? 0 : ret; /* 0: the value of a successful call */
}

static NOINLINE long stub_ret(long r)
{
	if ((unsigned long)r > -4096UL) {
		errno = -r;
		return -1;
	}
	return r;
}

static NOINLINE long stub_syscall(long n, ...)
{
	va_list ap;
	va_start(ap, n);
	long a = va_arg(ap, long), b = va_arg(ap, long), c = va_arg(ap, long);
	long d = va_arg(ap, long), e = va_arg(ap, long), f = va_arg(ap, long);
	va_end(ap);
	return stub_ret(stub_sys6(n, a, b, c, d, e, f));
}

static NOINLINE ssize_t stub_write(int fd, const void *p, size_t n)
{ return stub_ret(stub_sys6(SYS_write, fd, (long)p, (long)n, 0, 0, 0)); }
static NOINLINE ssize_t stub_read(int fd, void *p, size_t n)
{ return stub_ret(stub_sys6(SYS_read, fd, (long)p, (long)n, 0, 0, 0)); }
static NOINLINE ssize_t stub_pread(int fd, void *p, size_t n, off_t o)
{ return stub_ret(stub_sys6(SYS_pread64, fd, (long)p, (long)n, o, 0, 0)); }
static NOINLINE ssize_t stub_pwrite(int fd, const void *p, size_t n, off_t o)
{ return stub_ret(stub_sys6(SYS_pwrite64, fd, (long)p, (long)n, o, 0, 0)); }
static NOINLINE off_t stub_lseek(int fd, off_t o, int whence)
{ return stub_ret(stub_sys6(SYS_lseek, fd, o, whence, 0, 0, 0)); }
static NOINLINE int stub_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	long fd = stub_sys6(SYS_open, (long)path, flags | O_LARGEFILE, mode, 0, 0, 0);
	if (fd >= 0 && (flags & O_CLOEXEC))
		stub_sys6(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC, 0, 0, 0);
	return stub_ret(fd);
}
static NOINLINE int stub_close(int fd)
{
	long r = stub_sys6(SYS_close, fd, 0, 0, 0, 0, 0);
	if (r == -EINTR)
		r = 0;
	return stub_ret(r);
}
static NOINLINE int stub_stat(const char *path, struct stat *st)
{
	static struct stat k; /* musl converts the kernel's struct stat */
	long r = stub_sys6(SYS_newfstatat, AT_FDCWD, (long)path, (long)&k, 0, 0, 0);
	if (r == 0)
		*st = k;
	return stub_ret(r);
}
static NOINLINE int stub_kill(pid_t p, int s)
{ return stub_ret(stub_sys6(SYS_kill, p, s, 0, 0, 0, 0)); }
static NOINLINE int stub_sched_yield(void)
{ return stub_ret(stub_sys6(SYS_sched_yield, 0, 0, 0, 0, 0, 0)); }
static NOINLINE void *stub_mmap(void *a, size_t n, int prot, int fl, int fd, off_t off)
{
	if (off & 4095) { errno = EINVAL; return MAP_FAILED; }
	if (n >= PTRDIFF_MAX) { errno = ENOMEM; return MAP_FAILED; }
	long r = stub_sys6(SYS_mmap, (long)a, (long)n, prot, fl, fd, off);
	if (r == 0)
		r = (long)buf4k; /* the "mapping" the loop touches */
	return (void *)stub_ret(r);
}
static NOINLINE int stub_munmap(void *a, size_t n)
{ return stub_ret(stub_sys6(SYS_munmap, (long)a, (long)n, 0, 0, 0, 0)); }
static NOINLINE pid_t stub_fork(void)
{ return stub_ret(stub_sys6(SYS_fork, 0, 0, 0, 0, 0, 0)); }
static NOINLINE pid_t stub_waitpid(pid_t p, int *st, int o)
{ return stub_ret(stub_sys6(SYS_wait4, p, (long)st, o, 0, 0, 0)); }
static NOINLINE int stub_execve(const char *p, char *const *av, char *const *ev)
{ return stub_ret(stub_sys6(SYS_execve, (long)p, (long)av, (long)ev, 0, 0, 0)); }
static NOINLINE int stub_clone(void)
{ return stub_ret(stub_sys6(SYS_clone, 0, 0, 0, 0, 0, 0)); }
static NOINLINE int stub_futex(void)
{ return stub_ret(stub_sys6(SYS_futex, 0, 0, 0, 0, 0, 0)); }

/* ---- operations ---- */

struct op {
	const char *name;
	long iters;
	void (*setup)(void);
	void (*run)(long n);        /* the measured loop */
	void (*stub)(long n);       /* the same loop against the user-space stubs */
	void (*teardown)(void);
	int mean;                   /* report the mean of all repetitions, not the minimum */
};

static int fd_null, fd_zero, fd_file, pipefd[2];

static void null_syscall(long n) { for (long i = 0; i < n; i++) syscall(SYS_getppid); }
static void null_stub(long n) { for (long i = 0; i < n; i++) stub_syscall(SYS_getppid); }

static void open_null(void) { fd_null = open("/dev/null", O_WRONLY); fd_zero = open("/dev/zero", O_RDONLY); }
static void close_null(void) { close(fd_null); close(fd_zero); }
static void write_null(long n) { char c = 0; for (long i = 0; i < n; i++) write(fd_null, &c, 1); }
static void write_stub(long n) { char c = 0; for (long i = 0; i < n; i++) stub_write(fd_null, &c, 1); }
static void read_zero(long n) { char c; for (long i = 0; i < n; i++) read(fd_zero, &c, 1); }
static void read_stub(long n) { char c; for (long i = 0; i < n; i++) stub_read(fd_zero, &c, 1); }

static void open_pipe(void) { if (pipe(pipefd)) perror("pipe"); }
static void close_pipe(void) { close(pipefd[0]); close(pipefd[1]); }
static void pipe_1b(long n) { char c = 'x'; for (long i = 0; i < n; i++) { write(pipefd[1], &c, 1); read(pipefd[0], &c, 1); } }
static void pipe_1b_stub(long n) { char c = 'x'; for (long i = 0; i < n; i++) { stub_write(pipefd[1], &c, 1); stub_read(pipefd[0], &c, 1); } }
static void pipe_4k(long n) { for (long i = 0; i < n; i++) { write(pipefd[1], buf4k, 4096); read(pipefd[0], buf4k, 4096); } }
static void pipe_4k_stub(long n) { for (long i = 0; i < n; i++) { stub_write(pipefd[1], buf4k, 4096); stub_read(pipefd[0], buf4k, 4096); } }

static void open_close_null(long n) { for (long i = 0; i < n; i++) close(open("/dev/null", O_RDONLY)); }
/* A short-lived descriptor that is used: on synthos the first write is
 * generic and synthesizes the descriptor's write, the second runs it, the
 * close retires it -- the whole life of a lazily synthesized region. */
static void open_write2_close_null(long n)
{
	char c = 0;
	for (long i = 0; i < n; i++) {
		int fd = open("/dev/null", O_WRONLY);
		write(fd, &c, 1);
		write(fd, &c, 1);
		close(fd);
	}
}
static void open_write2_close_null_stub(long n)
{
	char c = 0;
	for (long i = 0; i < n; i++) {
		int fd = stub_open("/dev/null", O_WRONLY);
		stub_write(fd, &c, 1);
		stub_write(fd, &c, 1);
		stub_close(fd);
	}
}
static void open_close_null_stub(long n) { for (long i = 0; i < n; i++) stub_close(stub_open("/dev/null", O_RDONLY)); }

#define MEMFILE "/tmp/bench.file"
static void make_file(void)
{
	fd_file = open(MEMFILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < 16; i++)
		if (write(fd_file, buf4k, sizeof(buf4k)) != sizeof(buf4k))
			perror("write " MEMFILE);
}
static void drop_file(void) { close(fd_file); unlink(MEMFILE); }
static void open_close_file(long n) { for (long i = 0; i < n; i++) close(open(MEMFILE, O_RDONLY)); }
static void open_close_file_stub(long n) { for (long i = 0; i < n; i++) stub_close(stub_open(MEMFILE, O_RDONLY)); }
static void stat_file(long n) { struct stat st; for (long i = 0; i < n; i++) stat(MEMFILE, &st); }
static void stat_stub(long n) { struct stat st; for (long i = 0; i < n; i++) stub_stat(MEMFILE, &st); }
static void pread_4k(long n) { for (long i = 0; i < n; i++) pread(fd_file, buf4k, 4096, 4096); }
static void pread_stub(long n) { for (long i = 0; i < n; i++) stub_pread(fd_file, buf4k, 4096, 4096); }
static void pwrite_4k(long n) { for (long i = 0; i < n; i++) pwrite(fd_file, buf4k, 4096, 4096); }
static void pwrite_stub(long n) { for (long i = 0; i < n; i++) stub_pwrite(fd_file, buf4k, 4096, 4096); }
static void lseek_file(long n) { for (long i = 0; i < n; i++) lseek(fd_file, i & 4095, SEEK_SET); }
static void lseek_stub(long n) { for (long i = 0; i < n; i++) stub_lseek(fd_file, i & 4095, SEEK_SET); }

/* Open of a fresh file: each iteration opens (and closes) a regular file
 * that has never been opened -- created with mknod, which opens nothing --
 * so a synthesizing kernel has to generate that file's code on this open.
 * The names are 4 characters, like the fixed-length ones below. */
#define FRESH_MAX 4096
static long fresh_next, fresh_made;
static void fresh_name(char *p, long i) { snprintf(p, 32, "/tmp/fr/%04ld", i); }
static void fresh_setup(void)
{
	char p[32];
	mkdir("/tmp/fr", 0755);
	fresh_next = 0;
	for (fresh_made = 0; fresh_made < FRESH_MAX; fresh_made++) {
		fresh_name(p, fresh_made);
		if (mknod(p, S_IFREG | 0644, 0) != 0) {
			/* no mknod for regular files: create and close (opened once) */
			int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (fd < 0) { perror(p); break; }
			close(fd);
		}
	}
}
static void fresh_teardown(void)
{
	char p[32];
	for (long i = 0; i < fresh_made; i++) {
		fresh_name(p, i);
		unlink(p);
	}
	rmdir("/tmp/fr");
}
/* The names are made before the clock starts; the loop only opens. */
static char fresh_names[FRESH_MAX][16];
static void fresh_names_fill(void)
{
	for (long i = 0; i < FRESH_MAX; i++)
		snprintf(fresh_names[i], sizeof(fresh_names[i]), "/tmp/fr/%04ld", i);
}
static void open_fresh(long n)
{
	for (long i = 0; i < n && fresh_next < fresh_made; i++)
		close(open(fresh_names[fresh_next++], O_RDONLY));
}
static long fresh_stub_next;
static void open_fresh_stub(long n)
{
	for (long i = 0; i < n; i++)
		stub_close(stub_open(fresh_names[fresh_stub_next++ % FRESH_MAX], O_RDONLY));
}
static void fresh_setup_all(void) { fresh_names_fill(); fresh_setup(); }

static void on_usr1(int s) { (void)s; sink++; }
static void (*volatile handler_ptr)(int) = on_usr1;
static void install_usr1(void) { signal(SIGUSR1, on_usr1); }
static void kill_self(long n) { pid_t p = getpid(); for (long i = 0; i < n; i++) kill(p, SIGUSR1); }
static void kill_stub(long n) { pid_t p = getpid(); for (long i = 0; i < n; i++) { stub_kill(p, SIGUSR1); handler_ptr(SIGUSR1); } }

static void mmap_touch(long n)
{
	for (long i = 0; i < n; i++) {
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		p[0] = 1;
		munmap(p, 4096);
	}
}
static void mmap_stub(long n)
{
	for (long i = 0; i < n; i++) {
		char *p = stub_mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		p[0] = 1;
		stub_munmap(p, 4096);
	}
}

static void fork_wait(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		waitpid(p, NULL, 0);
	}
}
static void fork_stub(long n) { for (long i = 0; i < n; i++) { stub_fork(); stub_waitpid(1, NULL, 0); } }

static void exec_wait(long n)
{
	static char *const av[] = { "bench-true", NULL }, *const ev[] = { NULL };
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			execve(exec_path, av, ev);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	}
}
static void exec_stub(long n)
{
	static char *const av[] = { "bench-true", NULL }, *const ev[] = { NULL };
	for (long i = 0; i < n; i++) { stub_fork(); stub_execve(exec_path, av, ev); stub_waitpid(1, NULL, 0); }
}

static void *nothing(void *a) { return a; }
static void thread_create_join(long n)
{
	for (long i = 0; i < n; i++) {
		pthread_t t;
		pthread_create(&t, NULL, nothing, NULL);
		pthread_join(t, NULL);
	}
}
static void thread_stub(long n)
{
	for (long i = 0; i < n; i++) {
		void *stk = stub_mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		stub_clone();
		sink += (long)nothing(stk) & 1;
		stub_futex();
		stub_munmap(stk, 4096);
	}
}

static void yield_loop(long n) { for (long i = 0; i < n; i++) sched_yield(); }
static void yield_stub(long n) { for (long i = 0; i < n; i++) stub_sched_yield(); }

/* Round trip of one byte between two processes over two pipes. */
static int pp_to[2], pp_from[2];
static pid_t pp_child;
static void pingpong_setup(void)
{
	if (pipe(pp_to) || pipe(pp_from))
		perror("pipe");
	pp_child = fork();
	if (pp_child == 0) {
		char c;
		close(pp_to[1]);
		close(pp_from[0]);
		while (read(pp_to[0], &c, 1) == 1)
			if (write(pp_from[1], &c, 1) != 1)
				break;
		_exit(0);
	}
}
static void pingpong_teardown(void)
{
	close(pp_to[1]);
	waitpid(pp_child, NULL, 0);
	close(pp_to[0]);
	close(pp_from[0]);
	close(pp_from[1]);
}
static void pingpong(long n) { char c = 'p'; for (long i = 0; i < n; i++) { write(pp_to[1], &c, 1); read(pp_from[0], &c, 1); } }
static void pingpong_stub(long n) { char c = 'p'; for (long i = 0; i < n; i++) { stub_write(pp_to[1], &c, 1); stub_read(pp_from[0], &c, 1); stub_read(pp_to[0], &c, 1); stub_write(pp_from[1], &c, 1); } }

/* 64 MB from a child to its parent through one pipe, 64 KB per call; one
 * "iteration" is the whole transfer, fork and wait included. */
#define BIG_TOTAL (64L << 20)
static void pipe_64mb(long n)
{
	for (long i = 0; i < n; i++) {
		int p[2];
		if (pipe(p)) { perror("pipe"); return; }
		pid_t c = fork();
		if (c == 0) {
			close(p[0]);
			for (long left = BIG_TOTAL; left > 0; ) {
				ssize_t w = write(p[1], big, sizeof(big));
				if (w <= 0) _exit(1);
				left -= w;
			}
			_exit(0);
		}
		close(p[1]);
		long got = 0;
		ssize_t r;
		while ((r = read(p[0], big, sizeof(big))) > 0)
			got += r;
		close(p[0]);
		waitpid(c, NULL, 0);
		if (got != BIG_TOTAL)
			printf("pipe_64mb: got %ld bytes\n", got);
	}
}
static void pipe_64mb_stub(long n)
{
	for (long i = 0; i < n; i++) {
		stub_fork();
		for (long k = 0; k < BIG_TOTAL / (long)sizeof(big); k++) {
			stub_write(4, big, sizeof(big));
			stub_read(3, big, sizeof(big));
		}
		stub_waitpid(1, NULL, 0);
	}
}

static const struct op ops[] = {
	{ "null_syscall_getppid", 20000, NULL, null_syscall, null_stub, NULL, 0 },
	{ "write_1b_dev_null", 20000, open_null, write_null, write_stub, close_null, 0 },
	{ "read_1b_dev_zero", 20000, open_null, read_zero, read_stub, close_null, 0 },
	{ "pipe_1b_write_read", 10000, open_pipe, pipe_1b, pipe_1b_stub, close_pipe, 0 },
	{ "pipe_4k_write_read", 5000, open_pipe, pipe_4k, pipe_4k_stub, close_pipe, 0 },
	{ "pipe_pingpong_rtt", 2000, pingpong_setup, pingpong, pingpong_stub, pingpong_teardown, 0 },
	{ "open_close_dev_null", 5000, NULL, open_close_null, open_close_null_stub, NULL, 0 },
	{ "open_write2_close_dev_null", 2000, NULL, open_write2_close_null, open_write2_close_null_stub, NULL, 0 },
	{ "open_close_mem_file", 5000, make_file, open_close_file, open_close_file_stub, drop_file, 0 },
	{ "open_close_fresh_file", 600, fresh_setup_all, open_fresh, open_fresh_stub, fresh_teardown, 1 },
	{ "stat_mem_file", 5000, make_file, stat_file, stat_stub, drop_file, 0 },
	{ "pread_4k_mem_file", 5000, make_file, pread_4k, pread_stub, drop_file, 0 },
	{ "pwrite_4k_mem_file", 5000, make_file, pwrite_4k, pwrite_stub, drop_file, 0 },
	{ "lseek_mem_file", 10000, make_file, lseek_file, lseek_stub, drop_file, 0 },
	{ "kill_self_handler", 5000, install_usr1, kill_self, kill_stub, NULL, 0 },
	{ "mmap_touch_munmap_4k", 1000, NULL, mmap_touch, mmap_stub, NULL, 1 },
	{ "fork_exit_wait", 200, NULL, fork_wait, fork_stub, NULL, 0 },
	{ "exec_tiny_static", 50, NULL, exec_wait, exec_stub, NULL, 0 },
	{ "pthread_create_join", 400, NULL, thread_create_join, thread_stub, NULL, 1 },
	{ "sched_yield", 10000, NULL, yield_loop, yield_stub, NULL, 0 },
	{ "pipe_64mb_2proc", 1, NULL, pipe_64mb, pipe_64mb_stub, NULL, 0 },
};

/* The minimum over the repetitions (which drops timer interrupts), or with
 * `mean` the mean: for operations whose kernel work is batched (Linux's
 * per-CPU page lists and LRU batches refill every few dozen pages), a short
 * loop's minimum depends on where in the batch it started, which changes
 * from boot to boot; the mean of many iterations does not, and the timer
 * ticks it includes cost well under 1%. */
static uint64_t measure(void (*fn)(long), long n, int reps, int mean)
{
	uint64_t best = UINT64_MAX, sum = 0;
	fn(n / 10 + 1);                         /* warm up: page faults, caches */
	for (int r = 0; r < reps; r++) {
		uint64_t t0 = rdtsc();
		fn(n);
		uint64_t t = rdtsc() - t0;
		sum += t;
		if (t < best)
			best = t;
	}
	return mean ? sum / reps : best;
}

static void run_op(const struct op *o)
{
	int reps = o->iters == 1 ? 3 : REPS;
	if (o->setup)
		o->setup();
	uint64_t t = measure(o->run, o->iters, reps, o->mean);
	uint64_t u = measure(o->stub, o->iters, reps, o->mean);
	if (o->teardown)
		o->teardown();
	double per = (double)t / o->iters, up = (double)u / o->iters;
	printf("op %-24s %10.0f user %8.0f iters %ld", o->name, per, up, o->iters);
	if (o->run == pipe_64mb)
		printf(" bytes_per_insn %.3f", (double)BIG_TOTAL / per);
	printf("\n");
	fflush(stdout);
}

/*
 * On synthos: what synthesizing a region costs, per template and variant,
 * from the "cost" lines at the end of /proc/synth/regions (TSC ticks, so
 * instructions under -icount; min over every region made since boot, and
 * the mean). Printed as "synth TEMPLATE VARIANT MIN MEAN MADE"; nothing on
 * a kernel without /proc/synth.
 */
static void synth_costs(void)
{
	FILE *f = fopen("/proc/synth/regions", "r");
	if (!f)
		return;
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		char tpl[64], var[16];
		unsigned long long made, min, mean;
		if (sscanf(line, "cost %63s %15s made %llu min %llu mean %llu", tpl, var, &made, &min,
			   &mean) == 5)
			printf("synth %s %s %llu %llu %llu\n", tpl, var, min, mean, made);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			printf("%s\n", ops[i].name);
		return 0;
	}
	/* Address-space randomization makes Linux's figures for mmap and
	 * thread creation vary by several percent from boot to boot (page
	 * tables shared or not, depending on where things land). Turn it off
	 * for this process, as `setarch -R` does, and start again; the kernel
	 * command line stays the same on every kernel. */
	int pers = personality(0xffffffff);
	if (pers != -1 && !(pers & ADDR_NO_RANDOMIZE) && !getenv("BENCH_NORAND")) {
		if (personality(pers | ADDR_NO_RANDOMIZE) != -1 &&
		    (personality(0xffffffff) & ADDR_NO_RANDOMIZE)) {
			setenv("BENCH_NORAND", "1", 1);
			execv("/proc/self/exe", argv);
			/* no /proc/self/exe: go on, randomized */
		}
	}
	if (getenv("BENCH_EXEC"))
		exec_path = getenv("BENCH_EXEC");
	uint64_t cal = calibrate();
	printf("calibration %llu ticks for 4000001 instructions (ratio %.3f)\n",
	       (unsigned long long)cal, (double)cal / 4000001.0);
	fflush(stdout);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int wanted = argc == 1;
		for (int a = 1; a < argc; a++)
			if (strcmp(argv[a], ops[i].name) == 0)
				wanted = 1;
		if (wanted)
			run_op(&ops[i]);
	}
	synth_costs();
	return 0;
}
