/*
 * time_syscalls.c - clocks, sleeps and the other small system calls about
 * the machine: clock_gettime/getres/nanosleep, nanosleep, gettimeofday,
 * time, times, sysinfo, uname, sched_yield, getcpu, affinity, rlimits,
 * arch_prctl and reboot.
 *
 * CLOCK_REALTIME is the CMOS clock read at boot plus the monotonic clock;
 * settimeofday/clock_settime move that base. Sleeps are absolute deadlines
 * on the monotonic clock, woken by the tick (10 ms resolution).
 */
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/page_alloc.h>
#include <synthos/power.h>
#include <synthos/proc.h>
#include <synthos/string.h>
#include <synthos/syscall.h>
#include <synthos/time.h>
#include <synthos/uaccess.h>
#include <synthos/version.h>
#include <arch/cpu.h>

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1

struct timespec_k { int64_t sec, nsec; };
struct timeval_k { int64_t sec, usec; };

int64_t rtc_read_epoch(void);
int64_t realtime_offset_ns;             /* realtime = monotonic + offset */
bool realtime_ready;

/* CLOCK_REALTIME's seconds as of the last timer tick, for code that may
 * not call out (the synthesized file read's relatime check). */
volatile int64_t realtime_coarse_sec;

void realtime_tick(void)
{
	if (realtime_ready)
		realtime_coarse_sec = realtime_ns() / (int64_t)NSEC_PER_SEC;
}

int64_t realtime_ns(void)
{
	if (!realtime_ready) {
		realtime_offset_ns = rtc_read_epoch() * (int64_t)NSEC_PER_SEC - (int64_t)time_ns();
		realtime_ready = true;
	}
	return realtime_ns_ready();
}

static int clock_read(int clk, int64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = (int64_t)time_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID: {
		struct task *t = current;
		*ns = (int64_t)(t->utime_ticks + t->stime_ticks) * (int64_t)(NSEC_PER_SEC / HZ);
		return 0;
	}
	}
	return -EINVAL;
}

SYSCALL_DEFINE2(clock_gettime, int, clk, struct timespec_k *, uts)
{
	int64_t ns;
	int r = clock_read(clk, &ns);
	if (r)
		return r;
	struct timespec_k ts = { ns / (int64_t)NSEC_PER_SEC, ns % (int64_t)NSEC_PER_SEC };
	return copy_to_user(uts, &ts, sizeof(ts));
}

SYSCALL_DEFINE2(clock_getres, int, clk, struct timespec_k *, uts)
{
	int64_t ns;
	if (clock_read(clk, &ns))
		return -EINVAL;
	struct timespec_k ts = { 0, 1 };
	if (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE)
		ts.nsec = NSEC_PER_SEC / HZ;
	return uts ? copy_to_user(uts, &ts, sizeof(ts)) : 0;
}

SYSCALL_DEFINE2(clock_settime, int, clk, const struct timespec_k *, uts)
{
	struct timespec_k ts;
	if (clk != CLOCK_REALTIME)
		return -EINVAL;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC || ts.sec < 0)
		return -EINVAL;
	realtime_ns();
	realtime_offset_ns = ts.sec * (int64_t)NSEC_PER_SEC + ts.nsec - (int64_t)time_ns();
	return 0;
}

SYSCALL_DEFINE2(gettimeofday, struct timeval_k *, utv, void *, utz)
{
	int64_t ns = realtime_ns();
	if (utv) {
		struct timeval_k tv = { ns / (int64_t)NSEC_PER_SEC, ns % (int64_t)NSEC_PER_SEC / 1000 };
		if (copy_to_user(utv, &tv, sizeof(tv)))
			return -EFAULT;
	}
	if (utz) {
		int tz[2] = { 0, 0 };
		if (copy_to_user(utz, tz, sizeof(tz)))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(time, int64_t *, ut)
{
	int64_t s = realtime_ns() / (int64_t)NSEC_PER_SEC;
	if (ut && put_user(s, ut))
		return -EFAULT;
	return s;
}

/* Sleep until the monotonic deadline; a signal ends it early with the rest in *rem. */
static long sleep_until(uint64_t deadline, struct timespec_k *urem)
{
	for (;;) {
		if (current_signal_pending()) {
			if (urem) {
				uint64_t now = time_ns();
				uint64_t left = deadline > now ? deadline - now : 0;
				struct timespec_k rem = { (int64_t)(left / NSEC_PER_SEC),
							  (int64_t)(left % NSEC_PER_SEC) };
				if (copy_to_user(urem, &rem, sizeof(rem)))
					return -EFAULT;
			}
			return -EINTR;
		}
		current->state = TASK_INTERRUPTIBLE;
		if (!schedule_until(deadline))
			return 0;
		current->state = TASK_RUNNING;
		if (time_ns() >= deadline)
			return 0;
	}
}

static int get_timespec(const struct timespec_k *u, struct timespec_k *k)
{
	if (copy_from_user(k, u, sizeof(*k)))
		return -EFAULT;
	if (k->nsec < 0 || k->nsec >= (int64_t)NSEC_PER_SEC || k->sec < 0)
		return -EINVAL;
	return 0;
}

static uint64_t ts_to_ns(const struct timespec_k *ts)
{
	if ((uint64_t)ts->sec > (UINT64_MAX / NSEC_PER_SEC) - 1)
		return UINT64_MAX / 2;
	return (uint64_t)ts->sec * NSEC_PER_SEC + (uint64_t)ts->nsec;
}

SYSCALL_DEFINE2(nanosleep, const struct timespec_k *, ureq, struct timespec_k *, urem)
{
	struct timespec_k req;
	int r = get_timespec(ureq, &req);
	if (r)
		return r;
	return sleep_until(time_ns() + ts_to_ns(&req), urem);
}

SYSCALL_DEFINE4(clock_nanosleep, int, clk, int, flags, const struct timespec_k *, ureq,
		struct timespec_k *, urem)
{
	struct timespec_k req;
	int64_t now;
	if (clk == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	if (clock_read(clk, &now))
		return -EINVAL;
	int r = get_timespec(ureq, &req);
	if (r)
		return r;
	uint64_t ns = ts_to_ns(&req);
	uint64_t deadline;
	if (flags & TIMER_ABSTIME)
		deadline = (int64_t)ns > now ? time_ns() + (ns - (uint64_t)now) : time_ns();
	else
		deadline = time_ns() + ns;
	return sleep_until(deadline, (flags & TIMER_ABSTIME) ? NULL : urem);
}

SYSCALL_DEFINE0(sched_yield)
{
	sched_yield();
	return 0;
}

SYSCALL_DEFINE3(getcpu, unsigned *, cpu, unsigned *, node, void *, cache)
{
	unsigned z = 0;
	if ((cpu && put_user(z, cpu)) || (node && put_user(z, node)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(sched_getaffinity, int, pid, size_t, len, uint64_t *, mask)
{
	if (len < sizeof(uint64_t) || (len & 7))
		return -EINVAL;
	if (pid && !task_find(pid))
		return -ESRCH;
	uint64_t one = 1;
	if (clear_user(mask, len) || copy_to_user(mask, &one, sizeof(one)))
		return -EFAULT;
	return sizeof(uint64_t);
}

SYSCALL_DEFINE3(sched_setaffinity, int, pid, size_t, len, const uint64_t *, mask)
{
	uint64_t m;
	if (len < sizeof(m))
		return -EINVAL;
	if (copy_from_user(&m, mask, sizeof(m)))
		return -EFAULT;
	return (m & 1) ? 0 : -EINVAL;
}

struct utsname_k { char f[6][65]; };

/* sethostname/setdomainname: what uname reports (one UTS namespace). */
static char uts_nodename[65] = "synthos";
static char uts_domainname[65] = "(none)";

static long set_uts(char *dst, const char *uname, int len)
{
	if (len < 0 || len > 64)
		return -EINVAL;
	char buf[65];
	if (copy_from_user(buf, uname, (size_t)len))
		return -EFAULT;
	buf[len] = 0;
	strlcpy(dst, buf, 65);
	return 0;
}

SYSCALL_DEFINE2(sethostname, const char *, name, int, len)
{
	return set_uts(uts_nodename, name, len);
}

SYSCALL_DEFINE2(setdomainname, const char *, name, int, len)
{
	return set_uts(uts_domainname, name, len);
}

SYSCALL_DEFINE1(uname, struct utsname_k *, ubuf)
{
	struct utsname_k u;
	memset(&u, 0, sizeof(u));
	strlcpy(u.f[0], "Linux", 65);          /* programs test for it; release says synthos */
	strlcpy(u.f[1], uts_nodename, 65);
	strlcpy(u.f[2], "6.1.0-synthos-" SYNTHOS_VERSION, 65);
	strlcpy(u.f[3], "#1 synthos " SYNTHOS_VERSION, 65);
	strlcpy(u.f[4], "x86_64", 65);
	strlcpy(u.f[5], uts_domainname, 65);
	return copy_to_user(ubuf, &u, sizeof(u));
}

struct tms_k { int64_t utime, stime, cutime, cstime; };

SYSCALL_DEFINE1(times, struct tms_k *, ubuf)
{
	struct tms_k t = { (int64_t)current->utime_ticks, (int64_t)current->stime_ticks, 0, 0 };
	if (ubuf && copy_to_user(ubuf, &t, sizeof(t)))
		return -EFAULT;
	return (long)jiffies;
}

struct sysinfo_k {
	int64_t uptime;
	uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char pad3[4];
};

static int count_proc(struct proc *p, void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

SYSCALL_DEFINE1(sysinfo, struct sysinfo_k *, ubuf)
{
	struct sysinfo_k s;
	int n = 0;
	memset(&s, 0, sizeof(s));
	s.uptime = (int64_t)(time_ns() / NSEC_PER_SEC);
	s.totalram = page_alloc_total_pages();
	s.freeram = page_alloc_free_pages();
	proc_for_each(count_proc, &n);
	s.procs = (uint16_t)n;
	s.mem_unit = 4096;
	return copy_to_user(ubuf, &s, sizeof(s));
}

/* ---- resource limits ---- */

#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ULL)
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NOFILE 7

struct rlimit_k { uint64_t cur, max; };

void proc_default_limits(struct proc *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlimit_cur[i] = p->rlimit_max[i] = RLIM_INFINITY;
	p->rlimit_cur[RLIMIT_STACK] = 8 << 20;
	p->rlimit_cur[RLIMIT_CORE] = 0;          /* Linux's default: no core dumps */
	p->rlimit_cur[RLIMIT_NOFILE] = 1024;
	p->rlimit_max[RLIMIT_NOFILE] = 4096;
}

SYSCALL_DEFINE4(prlimit64, int, pid, unsigned, res, const struct rlimit_k *, unew,
		struct rlimit_k *, uold)
{
	struct proc *p = pid ? proc_find(pid) : current->proc;
	if (!p)
		return -ESRCH;
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	struct rlimit_k old = { p->rlimit_cur[res], p->rlimit_max[res] }, n;
	if (unew) {
		if (copy_from_user(&n, unew, sizeof(n)))
			return -EFAULT;
		if (n.cur > n.max)
			return -EINVAL;
	}
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	if (unew) {
		p->rlimit_cur[res] = n.cur;
		p->rlimit_max[res] = n.max;
	}
	return 0;
}

SYSCALL_DEFINE2(getrlimit, unsigned, res, struct rlimit_k *, uold)
{
	return sys_prlimit64(0, res, 0, (uint64_t)uold, 0, 0);
}

SYSCALL_DEFINE2(setrlimit, unsigned, res, const struct rlimit_k *, unew)
{
	return sys_prlimit64(0, res, (uint64_t)unew, 0, 0, 0);
}

/* ---- arch_prctl ---- */

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

SYSCALL_DEFINE2(arch_prctl, int, code, uint64_t, addr)
{
	struct task *t = current;
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_TOP)
			return -EPERM;
		t->fs_base = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case ARCH_SET_GS:
		if (addr >= USER_TOP)
			return -EPERM;
		t->gs_base = addr;
		wrmsr(MSR_KERNEL_GS_BASE, addr);
		return 0;
	case ARCH_GET_FS:
		return put_user(rdmsr(MSR_FS_BASE), (uint64_t *)addr);
	case ARCH_GET_GS:
		return put_user(rdmsr(MSR_KERNEL_GS_BASE), (uint64_t *)addr);
	}
	return -EINVAL;
}

/* ---- reboot ---- */

#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_CMD_RESTART 0x01234567
#define LINUX_REBOOT_CMD_HALT 0xCDEF0123
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321FEDC
#define LINUX_REBOOT_CMD_CAD_ON 0x89ABCDEF
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000

SYSCALL_DEFINE4(reboot, unsigned, magic1, unsigned, magic2, unsigned, cmd, void *, arg)
{
	if (magic1 != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != 672274793 && magic2 != 85072278 && magic2 != 369367448 && magic2 != 537993216))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_POWER_OFF:
	case LINUX_REBOOT_CMD_HALT:
		pr_info("reboot: power down\n");
		power_off(POWER_OK);
	case LINUX_REBOOT_CMD_RESTART:
		pr_info("reboot: restarting is not supported; powering off\n");
		power_off(POWER_OK);
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;
	}
	return -EINVAL;
}
