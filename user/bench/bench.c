/*
 * bench - lmbench-style micro-benchmarks, counted in TSC ticks.
 *
 * Run under `qemu-system-x86_64 -accel tcg -icount shift=0,sleep=off`, one
 * TSC tick is one guest instruction, so every figure is an exact count of
 * instructions per operation -- kernel and user together -- and the same
 * static binary gives comparable numbers on any kernel (synthos, synthos
 * with synth=off, Linux). A calibration loop of known length runs first and
 * its ratio is printed, so a reader can check the unit. Each operation is
 * also timed against a user-space stub of the same loop ("user"), so the
 * kernel's share is visible.
 *
 * Output: one line per operation,
 *   op <name> <ticks-per-op> user <stub-ticks-per-op> iters <n>
 * plus "calibration <ticks> for <insns> instructions". `bench NAME...` runs
 * only the named operations; `bench -l` lists them.
 *
 * Every operation is measured as the minimum over several repetitions of
 * its loop, which removes the occasional timer interrupt.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static const char *selfpath;
static char buf4k[4096] __attribute__((aligned(64)));
static volatile long sink;

/* A loop of exactly 4 instructions per iteration (dec, jnz and two nops),
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

struct op {
	const char *name;
	long iters;
	void (*setup)(void);
	void (*run)(long n);        /* the measured loop */
	void (*stub)(long n);       /* the same loop with the kernel call replaced */
	void (*teardown)(void);
};

/* ---- operations ---- */

static int fd_null, fd_zero, fd_file, pipefd[2];

static void stub_loop(long n) { for (long i = 0; i < n; i++) sink += i; }

static void null_syscall(long n) { for (long i = 0; i < n; i++) syscall(SYS_getppid); }
static long stub_syscall(long nr) { __asm__ __volatile__("" ::: "memory"); return nr; }
static void null_stub(long n) { for (long i = 0; i < n; i++) sink = stub_syscall(SYS_getppid); }

static void open_null(void) { fd_null = open("/dev/null", O_WRONLY); fd_zero = open("/dev/zero", O_RDONLY); }
static void close_null(void) { close(fd_null); close(fd_zero); }
static void write_null(long n) { char c = 0; for (long i = 0; i < n; i++) write(fd_null, &c, 1); }
static void read_zero(long n) { char c; for (long i = 0; i < n; i++) read(fd_zero, &c, 1); }

static void open_pipe(void) { pipe(pipefd); }
static void close_pipe(void) { close(pipefd[0]); close(pipefd[1]); }
static void pipe_1b(long n) { char c = 'x'; for (long i = 0; i < n; i++) { write(pipefd[1], &c, 1); read(pipefd[0], &c, 1); } }
static void pipe_4k(long n) { for (long i = 0; i < n; i++) { write(pipefd[1], buf4k, 4096); read(pipefd[0], buf4k, 4096); } }

static void open_close_null(long n) { for (long i = 0; i < n; i++) close(open("/dev/null", O_RDONLY)); }
static void make_file(void)
{
	fd_file = open("/tmp/bench.file", O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < 16; i++)
		write(fd_file, buf4k, sizeof(buf4k));
}
static void drop_file(void) { close(fd_file); unlink("/tmp/bench.file"); }
static void open_close_file(long n) { for (long i = 0; i < n; i++) close(open("/tmp/bench.file", O_RDONLY)); }
static void stat_file(long n) { struct stat st; for (long i = 0; i < n; i++) stat("/tmp/bench.file", &st); }
static void pread_4k(long n) { for (long i = 0; i < n; i++) pread(fd_file, buf4k, 4096, 4096); }
static void pwrite_4k(long n) { for (long i = 0; i < n; i++) pwrite(fd_file, buf4k, 4096, 4096); }

static void on_usr1(int s) { (void)s; sink++; }
static void install_usr1(void) { signal(SIGUSR1, on_usr1); }
static void kill_self(long n) { pid_t p = getpid(); for (long i = 0; i < n; i++) kill(p, SIGUSR1); }

static void mmap_touch(long n)
{
	for (long i = 0; i < n; i++) {
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		p[0] = 1;
		munmap(p, 4096);
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

static void exec_wait(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			execl(selfpath, selfpath, "--exit", (char *)NULL);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	}
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

static void yield_loop(long n) { for (long i = 0; i < n; i++) sched_yield(); }

/* Round trip of one byte between two processes over two pipes. */
static int pp_to[2], pp_from[2];
static pid_t pp_child;
static void pingpong_setup(void)
{
	pipe(pp_to);
	pipe(pp_from);
	pp_child = fork();
	if (pp_child == 0) {
		char c;
		while (read(pp_to[0], &c, 1) == 1)
			write(pp_from[1], &c, 1);
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

static const struct op ops[] = {
	{ "null_syscall_getppid", 20000, NULL, null_syscall, null_stub, NULL },
	{ "write_1b_dev_null", 20000, open_null, write_null, stub_loop, close_null },
	{ "read_1b_dev_zero", 20000, open_null, read_zero, stub_loop, close_null },
	{ "pipe_1b_write_read", 10000, open_pipe, pipe_1b, stub_loop, close_pipe },
	{ "pipe_4k_write_read", 5000, open_pipe, pipe_4k, stub_loop, close_pipe },
	{ "open_close_dev_null", 5000, NULL, open_close_null, stub_loop, NULL },
	{ "open_close_mem_file", 5000, make_file, open_close_file, stub_loop, drop_file },
	{ "stat_mem_file", 5000, make_file, stat_file, stub_loop, drop_file },
	{ "pread_4k_mem_file", 5000, make_file, pread_4k, stub_loop, drop_file },
	{ "pwrite_4k_mem_file", 5000, make_file, pwrite_4k, stub_loop, drop_file },
	{ "kill_self_handler", 5000, install_usr1, kill_self, stub_loop, NULL },
	{ "mmap_touch_munmap_4k", 2000, NULL, mmap_touch, stub_loop, NULL },
	{ "pipe_pingpong_rtt", 2000, pingpong_setup, pingpong, stub_loop, pingpong_teardown },
	{ "fork_exit_wait", 200, NULL, fork_wait, stub_loop, NULL },
	{ "exec_wait", 50, NULL, exec_wait, stub_loop, NULL },
	{ "pthread_create_join", 500, NULL, thread_create_join, stub_loop, NULL },
	{ "sched_yield", 10000, NULL, yield_loop, stub_loop, NULL },
};

static uint64_t measure(void (*fn)(long), long n)
{
	uint64_t best = UINT64_MAX;
	fn(n / 10 + 1);                         /* warm up: page faults, caches */
	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = rdtsc();
		fn(n);
		uint64_t t = rdtsc() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

static void run_op(const struct op *o)
{
	if (o->setup)
		o->setup();
	uint64_t t = measure(o->run, o->iters);
	uint64_t u = measure(o->stub, o->iters);
	if (o->teardown)
		o->teardown();
	printf("op %-24s %10.1f user %8.1f iters %ld\n", o->name,
	       (double)t / o->iters, (double)u / o->iters, o->iters);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	selfpath = argv[0];
	if (argc > 1 && strcmp(argv[1], "--exit") == 0)
		return 0;
	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			printf("%s\n", ops[i].name);
		return 0;
	}
	if (selfpath[0] != '/') {
		static char path[4096];
		if (readlink("/proc/self/exe", path, sizeof(path) - 1) > 0)
			selfpath = path;
	}
	printf("calibration %llu ticks for 4000001 instructions (ratio %.4f)\n",
	       (unsigned long long)calibrate(), (double)calibrate() / 4000001.0);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int wanted = argc == 1;
		for (int a = 1; a < argc; a++)
			if (strcmp(argv[a], ops[i].name) == 0)
				wanted = 1;
		if (wanted)
			run_op(&ops[i]);
	}
	return 0;
}
