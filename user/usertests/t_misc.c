/*
 * t_misc.c - time (clocks, sleeps), identity (pids, uids), uname,
 * getrandom, resource limits, umask, arch_prctl, prctl, sysinfo, times,
 * affinity, ioctl on non-terminals and unknown system calls.
 */
#include "ut.h"
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>

static long long ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static long long raw_clock(clockid_t id)
{
	struct timespec ts;
	if (RAW(SYS_clock_gettime, id, &ts) < 0)
		FAIL("clock_gettime(%d): %s", (int)id, ut_errname(errno));
	CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L);
	return ts_ns(&ts);
}

TEST(sched_yield_ok)
{
	for (int i = 0; i < 100; i++)
		CHECK_EQ(sched_yield(), 0);
}

TEST(nanosleep_duration)
{
	struct timespec req = { 0, 20 * 1000000L }, rem = { 9, 9 };
	long long t0 = ut_now_ns();
	CHECK_OK(nanosleep(&req, &rem));
	CHECK(ut_now_ns() - t0 >= 20 * 1000000LL);
	req.tv_nsec = 0;
	CHECK_OK(nanosleep(&req, NULL));            /* zero: returns */
	struct timespec bad = { 0, 1000000000L };
	CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
	struct timespec neg = { -1, 0 };
	CHECK_ERR(nanosleep(&neg, NULL), EINVAL);
}

TEST(clock_nanosleep_rel_abs)
{
	struct timespec req = { 0, 15 * 1000000L };
	long long t0 = ut_now_ns();
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), 0);
	CHECK(ut_now_ns() - t0 >= 15 * 1000000LL);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long target = ts_ns(&now) + 25 * 1000000LL;
	struct timespec abs = { target / 1000000000LL, target % 1000000000LL };
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
	CHECK(ut_now_ns() >= target);
	/* A deadline in the past (that one, now) returns at once. */
	t0 = ut_now_ns();
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
	CHECK(ut_now_ns() - t0 < 1000000000LL);
	clock_gettime(CLOCK_REALTIME, &now);
	target = ts_ns(&now) + 10 * 1000000LL;
	struct timespec rabs = { target / 1000000000LL, target % 1000000000LL };
	CHECK_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &rabs, NULL), 0);
	clock_gettime(CLOCK_REALTIME, &now);
	CHECK(ts_ns(&now) >= target);
}

TEST(clock_monotonic)
{
	long long prev = raw_clock(CLOCK_MONOTONIC);
	for (int i = 0; i < 2000; i++) {
		long long now = raw_clock(CLOCK_MONOTONIC);
		if (now < prev)
			FAIL("CLOCK_MONOTONIC went backwards");
		prev = now;
	}
	/* The libc path (maybe the vDSO) agrees with the system call. */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long lib = ts_ns(&ts), sys = raw_clock(CLOCK_MONOTONIC);
	CHECK(lib >= prev && sys >= lib && sys - lib < 1000000000LL);
	CHECK(raw_clock(CLOCK_BOOTTIME) >= prev);
	long long coarse = raw_clock(CLOCK_MONOTONIC_COARSE);
	CHECK(coarse > 0);
	/* It advances across a sleep. */
	long long a = raw_clock(CLOCK_MONOTONIC);
	ut_sleep_ms(10);
	CHECK(raw_clock(CLOCK_MONOTONIC) - a >= 10 * 1000000LL);
}

TEST(clock_realtime)
{
	long long rt = raw_clock(CLOCK_REALTIME);
	CHECK(rt / 1000000000LL > 1577836800LL);    /* after 2020-01-01 */
	CHECK(rt / 1000000000LL < 4102444800LL);    /* before 2100 */
	struct timeval tv;
	CHECK_OK(RAW(SYS_gettimeofday, &tv, NULL));
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	long long d = (long long)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL - rt;
	CHECK(d > -1000000000LL && d < 2000000000LL);
	struct timeval lib;
	CHECK_OK(gettimeofday(&lib, NULL));
	CHECK(lib.tv_sec >= tv.tv_sec - 1 && lib.tv_sec <= tv.tv_sec + 2);
	time_t t = time(NULL);
	CHECK(t >= tv.tv_sec - 1 && t <= tv.tv_sec + 2);
	time_t t2 = 0;
	CHECK(RAW(SYS_time, &t2) >= tv.tv_sec - 1);
	CHECK(t2 >= tv.tv_sec - 1);
}

TEST(clock_getres_values)
{
	struct timespec res;
	CHECK_OK(RAW(SYS_clock_getres, CLOCK_MONOTONIC, &res));
	CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000L);
	CHECK_OK(RAW(SYS_clock_getres, CLOCK_REALTIME, &res));
	CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000L);
	CHECK_OK(RAW(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
	CHECK_ERR(RAW(SYS_clock_getres, 12345, &res), EINVAL);
	CHECK_ERR(RAW(SYS_clock_gettime, 12345, &res), EINVAL);
}

TEST(clock_cputime)
{
	long long p0 = raw_clock(CLOCK_PROCESS_CPUTIME_ID);
	long long t0 = raw_clock(CLOCK_THREAD_CPUTIME_ID);
	long long wall = ut_now_ns();
	volatile unsigned long x = 0;
	while (ut_now_ns() - wall < 50 * 1000000LL)
		for (int i = 0; i < 10000; i++)
			x += i;
	long long p1 = raw_clock(CLOCK_PROCESS_CPUTIME_ID);
	long long t1 = raw_clock(CLOCK_THREAD_CPUTIME_ID);
	CHECK(p1 > p0);
	CHECK(t1 > t0);
	CHECK(p1 - p0 < 10 * 1000000000LL);
	struct tms tm;
	CHECK(times(&tm) != (clock_t)-1);
	struct rusage ru;
	CHECK_OK(getrusage(RUSAGE_SELF, &ru));
	CHECK(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
	CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
	CHECK_ERR(getrusage(12345, &ru), EINVAL);
}

TEST(process_ids)
{
	pid_t pid = getpid(), ppid = getppid();
	CHECK(pid > 0 && ppid > 0 && pid != ppid);
	CHECK(RAW(SYS_getpid) == pid);
	CHECK(RAW(SYS_gettid) == pid);              /* main thread: tid == pid */
	CHECK(RAW(SYS_getppid) == ppid);
	CHECK(getuid() == geteuid());
	CHECK(getgid() == getegid());
	uid_t r, e, s;
	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == getuid() && e == geteuid() && s == geteuid());
	gid_t gr, ge, gs;
	CHECK_OK(getresgid(&gr, &ge, &gs));
	CHECK(gr == getgid() && ge == getegid());
	CHECK(getgroups(0, NULL) >= 0);
	CHECK(getpgrp() > 0 && getsid(0) > 0);
}

TEST(uname_fields)
{
	struct utsname u;
	memset(&u, 0, sizeof u);
	CHECK_OK(uname(&u));
	CHECK(u.sysname[0] != 0);
	CHECK(u.release[0] != 0);
	CHECK(u.version[0] != 0);
	CHECK(strcmp(u.machine, "x86_64") == 0);
	CHECK(memchr(u.nodename, 0, sizeof u.nodename) != NULL);
	CHECK_ERR(RAW(SYS_uname, NULL), EFAULT);
}

TEST(getrandom_bytes)
{
	unsigned char a[64], b[64];
	CHECK_EQ(getrandom(a, sizeof a, 0), 64);
	CHECK_EQ(getrandom(b, sizeof b, GRND_NONBLOCK), 64);
	int nz = 0;
	for (int i = 0; i < 64; i++)
		nz |= a[i];
	CHECK(nz);
	CHECK(memcmp(a, b, 64) != 0);
	CHECK_EQ(getrandom(a, 0, 0), 0);
	CHECK_ERR(getrandom(a, 16, 0x1000), EINVAL);
	CHECK_ERR(RAW(SYS_getrandom, NULL, 16, 0), EFAULT);
	static unsigned char big[1 << 20];
	CHECK(getrandom(big, sizeof big, 0) > 0);
}

TEST(rlimit_nofile)
{
	struct rlimit rl, pl;
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
	CHECK(rl.rlim_cur > 0 && rl.rlim_cur <= rl.rlim_max);
	CHECK_OK(RAW(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &pl));
	CHECK(pl.rlim_cur == rl.rlim_cur && pl.rlim_max == rl.rlim_max);
	/* Lower the soft limit: descriptors stop at 19. */
	struct rlimit low = { 20, rl.rlim_max }, old;
	CHECK_OK(RAW(SYS_prlimit64, 0, RLIMIT_NOFILE, &low, &old));
	CHECK(old.rlim_cur == rl.rlim_cur);
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &pl));
	CHECK_EQ(pl.rlim_cur, 20);
	int last = -1;
	for (;;) {
		int fd = dup(1);
		if (fd < 0) {
			CHECK_EQ(errno, EMFILE);
			break;
		}
		last = fd;
		CHECK(fd < 20);
	}
	CHECK_EQ(last, 19);
	CHECK_ERR(open("/dev/null", O_RDONLY), EMFILE);
	CHECK_ERR(dup2(1, 20), EBADF);              /* beyond the limit */
	CHECK_ERR(fcntl(1, F_DUPFD, 20), EINVAL);
	struct rlimit bad = { 30, 20 };             /* soft above hard */
	CHECK_ERR(setrlimit(RLIMIT_NOFILE, &bad), EINVAL);
}

TEST(rlimit_stack)
{
	struct rlimit rl, pl;
	CHECK_OK(getrlimit(RLIMIT_STACK, &rl));
	CHECK(rl.rlim_cur > 0 && (rl.rlim_max == RLIM_INFINITY || rl.rlim_cur <= rl.rlim_max));
	CHECK_OK(RAW(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &pl));
	CHECK(pl.rlim_cur == rl.rlim_cur && pl.rlim_max == rl.rlim_max);
	CHECK_OK(RAW(SYS_prlimit64, getpid(), RLIMIT_STACK, NULL, &pl));
	struct rlimit as;
	CHECK_OK(getrlimit(RLIMIT_AS, &as));
	CHECK_OK(getrlimit(RLIMIT_CORE, &as));
	CHECK_ERR(getrlimit(99, &as), EINVAL);
	/* Lowering and reading back. */
	struct rlimit low = { 1 << 20, rl.rlim_max };
	CHECK_OK(setrlimit(RLIMIT_STACK, &low));
	CHECK_OK(getrlimit(RLIMIT_STACK, &pl));
	CHECK_EQ(pl.rlim_cur, 1 << 20);
}

TEST(umask_values)
{
	CHECK_EQ(umask(077), 022);                  /* the runner's */
	CHECK_EQ(umask(0), 077);
	CHECK_EQ(umask(0777 | 07000), 0);           /* only the permission bits */
	CHECK_EQ(umask(022), 0777);
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(umask(0) == 022 ? 0 : 1);         /* inherited */
	ut_expect_exit(pid, 0);
}

TEST(arch_prctl_fs)
{
	unsigned long fs = 0;
	CHECK_OK(RAW(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs));
	CHECK(fs != 0);
	unsigned long self;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(self));
	CHECK(fs == self);                          /* the TCB points to itself */
	unsigned long gs = 1;
	CHECK_OK(RAW(SYS_arch_prctl, 0x1004 /* ARCH_GET_GS */, &gs));
	CHECK_ERR(RAW(SYS_arch_prctl, 0x9999, &fs), EINVAL);
}

TEST(prctl_name)
{
	CHECK_OK(prctl(PR_SET_NAME, "ut-name-test", 0, 0, 0));
	char name[17] = { 0 };
	CHECK_OK(prctl(PR_GET_NAME, name, 0, 0, 0));
	CHECK(strcmp(name, "ut-name-test") == 0);
	CHECK_OK(prctl(PR_SET_NAME, "a-name-longer-than-sixteen", 0, 0, 0));
	CHECK_OK(prctl(PR_GET_NAME, name, 0, 0, 0));
	CHECK(strcmp(name, "a-name-longer-t") == 0);    /* 15 chars + NUL */
}

TEST(sysinfo_sane)
{
	struct sysinfo si;
	memset(&si, 0, sizeof si);
	CHECK_OK(sysinfo(&si));
	CHECK(si.uptime > 0 || si.uptime == 0);
	CHECK(si.mem_unit >= 1);
	CHECK(si.totalram > 0 && si.freeram <= si.totalram);
	CHECK(si.procs >= 1);
}

TEST(sched_affinity)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CHECK_OK(sched_getaffinity(0, sizeof set, &set));
	CHECK(CPU_COUNT(&set) >= 1);
	CHECK(RAW(SYS_sched_getaffinity, 0, sizeof set, &set) >= 8);    /* bytes written */
	unsigned cpu = 999, node = 999;
	CHECK_OK(RAW(SYS_getcpu, &cpu, &node, NULL));
	CHECK(CPU_ISSET(cpu, &set));
}

TEST(ioctl_enotty)
{
	int p[2];
	CHECK_OK(pipe(p));
	struct winsize ws;
	CHECK_ERR(ioctl(p[0], TIOCGWINSZ, &ws), ENOTTY);
	int fd = CHECK_OK(open("/dev/null", O_RDWR));
	CHECK_ERR(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
	int f = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_ERR(ioctl(f, TIOCGWINSZ, &ws), ENOTTY);
	CHECK(!isatty(f));
	CHECK_ERR(ioctl(999, TIOCGWINSZ, &ws), EBADF);
}

TEST(enosys)
{
	CHECK_ERR(syscall(1000), ENOSYS);
	CHECK_ERR(syscall(100000), ENOSYS);
	CHECK_ERR(syscall(600), ENOSYS);            /* x32 numbers are not 64-bit calls */
	CHECK_ERR(syscall(999), ENOSYS);
	CHECK_ERR(syscall(-1L), ENOSYS);
	CHECK(getpid() > 0);                        /* and nothing broke */
}

const struct utest ut_misc_tests[] = {
	T(sched_yield_ok),
	T(nanosleep_duration),
	T(clock_nanosleep_rel_abs),
	T(clock_monotonic),
	T(clock_realtime),
	T(clock_getres_values),
	T(clock_cputime),
	T(process_ids),
	T(uname_fields),
	T(getrandom_bytes),
	T(rlimit_nofile),
	T(rlimit_stack),
	T(umask_values),
	T(arch_prctl_fs),
	T(prctl_name),
	T(sysinfo_sane),
	T(sched_affinity),
	T(ioctl_enotty),
	T(enosys),
	{ 0 }
};
