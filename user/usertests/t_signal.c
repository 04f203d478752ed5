/*
 * t_signal.c - signals: sigaction flags (SA_SIGINFO, SA_RESTART,
 * SA_RESETHAND, SA_NODEFER, sa_mask, SA_ONSTACK), masks and pending sets,
 * sigsuspend, sigtimedwait, sigaltstack, kill/tgkill/tkill/sigqueue,
 * default actions, stop/continue, SIGCHLD, timers (alarm, setitimer) and
 * interrupted sleeps, and sigreturn restoring every register.
 */
#include "ut.h"
#include <limits.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <ucontext.h>

static volatile int hits;
static volatile int last_sig;
static void count_handler(int sig) { hits++; last_sig = sig; }

static siginfo_t last_info;
static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	last_info = *si;
	hits++;
}

static void block(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	if (sigprocmask(SIG_BLOCK, &s, NULL) < 0)
		FAIL("sigprocmask: %s", ut_errname(errno));
}

static void unblock(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	if (sigprocmask(SIG_UNBLOCK, &s, NULL) < 0)
		FAIL("sigprocmask: %s", ut_errname(errno));
}

static int is_blocked(int sig)
{
	sigset_t s;
	sigprocmask(SIG_BLOCK, NULL, &s);
	return sigismember(&s, sig);
}

static int is_pending(int sig)
{
	sigset_t s;
	sigpending(&s);
	return sigismember(&s, sig);
}

/* The kernel's struct sigaction for raw rt_sigaction calls. */
struct k_sigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};

TEST(sig_handler_runs)
{
	ut_sigaction(SIGUSR1, count_handler, 0);
	for (int i = 0; i < 10; i++)
		CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_EQ(hits, 10);
	CHECK_EQ(last_sig, SIGUSR1);
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(hits, 11);
}

TEST(sig_siginfo_kill)
{
	ut_sigaction_info(SIGUSR1, info_handler, 0);
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_EQ(hits, 1);
	CHECK_EQ(last_info.si_signo, SIGUSR1);
	CHECK_EQ(last_info.si_code, SI_USER);
	CHECK(last_info.si_pid == getpid());
	CHECK(last_info.si_uid == getuid());
	/* From another process: its pid. */
	pid_t pid = ut_fork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	ut_expect_exit(pid, 0);
	while (hits < 2)
		sched_yield();
	CHECK(last_info.si_pid == pid);
}

TEST(sig_sigqueue)
{
	ut_sigaction_info(SIGUSR2, info_handler, 0);
	union sigval v = { .sival_int = 1234 };
	CHECK_OK(sigqueue(getpid(), SIGUSR2, v));
	CHECK_EQ(hits, 1);
	CHECK_EQ(last_info.si_code, SI_QUEUE);
	CHECK_EQ(last_info.si_value.sival_int, 1234);
	CHECK(last_info.si_pid == getpid());
}

TEST(sig_tgkill_tkill)
{
	ut_sigaction_info(SIGUSR1, info_handler, 0);
	CHECK_OK(RAW(SYS_tgkill, getpid(), gettid(), SIGUSR1));
	CHECK_EQ(hits, 1);
	CHECK_EQ(last_info.si_code, SI_TKILL);
	CHECK(last_info.si_pid == getpid());
	CHECK_OK(RAW(SYS_tkill, gettid(), SIGUSR1));
	CHECK_EQ(hits, 2);
	CHECK_EQ(last_info.si_code, SI_TKILL);
	CHECK_ERR(RAW(SYS_tgkill, getpid(), 0x3fffffff, SIGUSR1), ESRCH);
	CHECK_ERR(RAW(SYS_tgkill, 0, gettid(), SIGUSR1), EINVAL);
	CHECK_ERR(RAW(SYS_tkill, -1, SIGUSR1), EINVAL);
	CHECK_OK(RAW(SYS_tgkill, getpid(), gettid(), 0));     /* existence check */
}

TEST(sig_kill_checks)
{
	CHECK_OK(kill(getpid(), 0));
	CHECK_ERR(kill(0x3fffffff, 0), ESRCH);
	CHECK_ERR(kill(getpid(), 65), EINVAL);
	CHECK_ERR(kill(getpid(), -1), EINVAL);
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(0);
	ut_expect_exit(pid, 0);
	CHECK_ERR(kill(pid, SIGTERM), ESRCH);       /* reaped */
}

static volatile int restart_ticks;
static int restart_wfd;
static void restart_handler(int sig)
{
	(void)sig;
	/* The first interruption writes nothing: the read must restart. */
	if (++restart_ticks == 3)
		write(restart_wfd, "r", 1);
}

TEST(sig_sa_restart)
{
	int p[2];
	CHECK_OK(pipe(p));
	restart_wfd = p[1];
	ut_sigaction(SIGALRM, restart_handler, SA_RESTART);
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	char c;
	ssize_t n = read(p[0], &c, 1);      /* interrupted twice, restarted */
	int e = errno;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	if (n != 1)
		FAIL("read returned %ld (%s)", (long)n, ut_errname(e));
	CHECK(c == 'r');
	CHECK(restart_ticks >= 3);
}

static volatile int eintr_ticks;
static void eintr_handler(int sig)
{
	(void)sig;
	eintr_ticks++;
	alarm(1);       /* if the signal beat the read, the next one interrupts it */
}

TEST(sig_eintr)
{
	int p[2];
	CHECK_OK(pipe(p));
	ut_sigaction(SIGALRM, eintr_handler, 0);   /* no SA_RESTART */
	alarm(1);
	char c;
	CHECK_ERR(read(p[0], &c, 1), EINTR);
	alarm(0);
	CHECK(eintr_ticks >= 1);
}

TEST(sig_resethand)
{
	ut_sigaction(SIGUSR1, count_handler, SA_RESETHAND);
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_EQ(hits, 1);
	struct sigaction sa;
	CHECK_OK(sigaction(SIGUSR1, NULL, &sa));
	CHECK(sa.sa_handler == SIG_DFL);
	pid_t pid = ut_fork();
	if (pid == 0) {
		kill(getpid(), SIGUSR1);        /* default action now: death */
		_exit(0);
	}
	ut_expect_signal(pid, SIGUSR1);
}

static volatile int blocked_inside, depth, max_depth, calls;
static void nodefer_handler(int sig)
{
	blocked_inside = is_blocked(sig);
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (++calls < 3)
		kill(getpid(), sig);            /* nested delivery if not deferred */
	depth--;
}

TEST(sig_nodefer)
{
	ut_sigaction(SIGUSR1, nodefer_handler, 0);
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_EQ(max_depth, 1);                 /* deferred until the handler returned */
	CHECK_EQ(calls, 3);
	CHECK_EQ(blocked_inside, 1);
	max_depth = 0;
	calls = 0;
	ut_sigaction(SIGUSR2, nodefer_handler, SA_NODEFER);
	CHECK_OK(kill(getpid(), SIGUSR2));
	CHECK_EQ(blocked_inside, 0);
	CHECK_EQ(max_depth, 3);                 /* nested */
	CHECK_EQ(calls, 3);
}

static char order[16];
static volatile int order_n;
static void order1(int sig)
{
	(void)sig;
	order[order_n++] = 'a';
	order[order_n++] = is_blocked(SIGUSR1) && is_blocked(SIGUSR2) ? 'B' : 'u';
	kill(getpid(), SIGUSR2);                /* blocked by sa_mask: later */
	order[order_n++] = 'z';
}
static void order2(int sig) { (void)sig; order[order_n++] = '2'; }

TEST(sig_sa_mask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = order1;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	ut_sigaction(SIGUSR2, order2, 0);
	CHECK_OK(kill(getpid(), SIGUSR1));
	order[order_n] = 0;
	CHECK(strcmp(order, "aBz2") == 0);
	CHECK(!is_blocked(SIGUSR1) && !is_blocked(SIGUSR2));
}

static void nest_outer(int sig)
{
	(void)sig;
	order[order_n++] = '(';
	kill(getpid(), SIGUSR2);                /* not masked: runs right away */
	order[order_n++] = ')';
}

TEST(sig_nested_handlers)
{
	ut_sigaction(SIGUSR1, nest_outer, 0);
	ut_sigaction(SIGUSR2, order2, 0);
	CHECK_OK(kill(getpid(), SIGUSR1));
	order[order_n] = 0;
	CHECK(strcmp(order, "(2)") == 0);
}

TEST(sig_mask_pending)
{
	ut_sigaction(SIGUSR1, count_handler, 0);
	block(SIGUSR1);
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_EQ(hits, 0);
	CHECK(is_pending(SIGUSR1));
	unsigned long raw = 0;
	CHECK_OK(RAW(SYS_rt_sigpending, &raw, 8));
	CHECK(raw & (1UL << (SIGUSR1 - 1)));
	unblock(SIGUSR1);
	CHECK_EQ(hits, 1);                      /* standard signals do not queue */
	CHECK(!is_pending(SIGUSR1));
}

static int rt_values[8];
static volatile int rt_n;
static void rt_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (rt_n < 8)
		rt_values[rt_n] = si->si_value.sival_int;
	rt_n++;
}

TEST(sig_realtime_queued)
{
	int sig = SIGRTMIN + 2;
	ut_sigaction_info(sig, rt_handler, 0);
	block(sig);
	for (int i = 1; i <= 3; i++) {
		union sigval v = { .sival_int = i * 11 };
		CHECK_OK(sigqueue(getpid(), sig, v));
	}
	CHECK_EQ(rt_n, 0);
	unblock(sig);
	CHECK_EQ(rt_n, 3);                      /* queued, in order */
	CHECK(rt_values[0] == 11 && rt_values[1] == 22 && rt_values[2] == 33);
}

TEST(sig_procmask_ops)
{
	sigset_t a, cur;
	sigemptyset(&a);
	sigaddset(&a, SIGUSR1);
	sigaddset(&a, SIGUSR2);
	CHECK_OK(sigprocmask(SIG_BLOCK, &a, NULL));
	CHECK(is_blocked(SIGUSR1) && is_blocked(SIGUSR2));
	sigemptyset(&a);
	sigaddset(&a, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_UNBLOCK, &a, &cur));
	CHECK(sigismember(&cur, SIGUSR1));      /* the old mask */
	CHECK(!is_blocked(SIGUSR1) && is_blocked(SIGUSR2));
	CHECK_OK(sigprocmask(SIG_SETMASK, &a, NULL));
	CHECK(is_blocked(SIGUSR1) && !is_blocked(SIGUSR2));
	/* SIGKILL and SIGSTOP cannot be blocked; asking is not an error. */
	unsigned long all = ~0UL, now = 0;
	CHECK_OK(RAW(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8));
	CHECK_OK(RAW(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &now, 8));
	CHECK(!(now & (1UL << (SIGKILL - 1))) && !(now & (1UL << (SIGSTOP - 1))));
	CHECK(now & (1UL << (SIGTERM - 1)));
	CHECK_ERR(RAW(SYS_rt_sigprocmask, 99, &all, NULL, 8), EINVAL);
	CHECK_ERR(RAW(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, 4), EINVAL);
}

TEST(sig_suspend)
{
	ut_sigaction(SIGUSR1, count_handler, 0);
	block(SIGUSR1);
	pid_t pid = ut_fork();
	if (pid == 0) {
		ut_sleep_ms(30);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigset_t none;
	sigemptyset(&none);
	CHECK_ERR(sigsuspend(&none), EINTR);
	CHECK_EQ(hits, 1);
	CHECK(is_blocked(SIGUSR1));             /* restored on return */
	ut_expect_exit(pid, 0);
}

TEST(sig_timedwait)
{
	block(SIGUSR1);
	CHECK_OK(kill(getpid(), SIGUSR1));
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	siginfo_t si;
	struct timespec ts = { 1, 0 };
	CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGUSR1);
	CHECK_EQ(si.si_code, SI_USER);
	CHECK(si.si_pid == getpid());
	CHECK(!is_pending(SIGUSR1));            /* consumed, no handler ran */
	ts.tv_sec = 0;
	ts.tv_nsec = 20 * 1000000L;
	long long t0 = ut_now_ns();
	CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
	CHECK(ut_now_ns() - t0 >= 20 * 1000000LL);
}

static char *alt_base;
static size_t alt_size = 64 * 1024;
static volatile uintptr_t handler_local;
static volatile int handler_onstack;
static void alt_handler(int sig)
{
	(void)sig;
	volatile int local = 0;
	handler_local = (uintptr_t)&local;
	stack_t cur;
	sigaltstack(NULL, &cur);
	handler_onstack = (cur.ss_flags & SS_ONSTACK) != 0;
	hits++;
}

TEST(sig_altstack)
{
	alt_base = malloc(alt_size);
	CHECK(alt_base);
	stack_t ss = { .ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0 };
	CHECK_OK(sigaltstack(&ss, NULL));
	stack_t cur;
	CHECK_OK(sigaltstack(NULL, &cur));
	CHECK(cur.ss_sp == alt_base && cur.ss_size == alt_size && cur.ss_flags == 0);
	ut_sigaction(SIGUSR1, alt_handler, SA_ONSTACK);
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_EQ(hits, 1);
	CHECK(handler_local >= (uintptr_t)alt_base && handler_local < (uintptr_t)alt_base + alt_size);
	CHECK_EQ(handler_onstack, 1);
	/* Without SA_ONSTACK the handler runs on the normal stack. */
	ut_sigaction(SIGUSR2, alt_handler, 0);
	CHECK_OK(kill(getpid(), SIGUSR2));
	CHECK(handler_local < (uintptr_t)alt_base || handler_local >= (uintptr_t)alt_base + alt_size);
	CHECK_EQ(handler_onstack, 0);
	stack_t tiny = { .ss_sp = alt_base, .ss_size = 512, .ss_flags = 0 };
	CHECK_ERR(RAW(SYS_sigaltstack, &tiny, NULL), ENOMEM);  /* raw: musl checks too */
	stack_t dis = { .ss_flags = SS_DISABLE };
	CHECK_OK(sigaltstack(&dis, NULL));
	CHECK_OK(sigaltstack(NULL, &cur));
	CHECK(cur.ss_flags & SS_DISABLE);
}

static void overflow_handler(int sig)
{
	(void)sig;
	_exit(42);
}

static volatile int deep_limit = 1 << 30;
static int deep(int n)
{
	volatile char pad[8192];
	pad[0] = (char)n;
	if (n >= deep_limit)
		return 0;
	return deep(n + 1) + pad[0];
}

TEST(sig_altstack_overflow)
{
	pid_t pid = ut_fork();
	if (pid == 0) {
		struct rlimit rl;
		getrlimit(RLIMIT_STACK, &rl);
		rl.rlim_cur = 8 << 20;
		setrlimit(RLIMIT_STACK, &rl);
		stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0 };
		CHECK_OK(sigaltstack(&ss, NULL));
		ut_sigaction(SIGSEGV, overflow_handler, SA_ONSTACK);
		deep(0);
		_exit(1);
	}
	ut_expect_exit(pid, 42);    /* the SIGSEGV handler ran on the alternate stack */
}

TEST(sig_default_terminate)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGPIPE, SIGALRM, SIGQUIT, SIGSEGV };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		pid_t pid = ut_fork();
		if (pid == 0) {
			kill(getpid(), sigs[i]);
			_exit(0);
		}
		ut_expect_signal(pid, sigs[i]);
	}
	pid_t pid = ut_fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK_OK(kill(pid, SIGKILL));
	ut_expect_signal(pid, SIGKILL);
}

TEST(sig_default_ignore)
{
	pid_t pid = ut_fork();
	if (pid == 0) {
		kill(getpid(), SIGCHLD);
		kill(getpid(), SIGURG);
		kill(getpid(), SIGWINCH);
		kill(getpid(), SIGCONT);        /* continue when not stopped: nothing */
		_exit(5);
	}
	ut_expect_exit(pid, 5);
}

TEST(sig_ignore)
{
	CHECK(signal(SIGTERM, SIG_IGN) == SIG_DFL);
	CHECK_OK(kill(getpid(), SIGTERM));      /* survives */
	/* Ignoring a pending signal discards it. */
	block(SIGUSR1);
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK(is_pending(SIGUSR1));
	signal(SIGUSR1, SIG_IGN);
	CHECK(!is_pending(SIGUSR1));
	struct sigaction sa;
	CHECK_OK(sigaction(SIGTERM, NULL, &sa));
	CHECK(sa.sa_handler == SIG_IGN);
}

TEST(sig_uncatchable)
{
	struct k_sigaction ka = { (void *)count_handler, 0, NULL, 0 };
	struct k_sigaction ign = { SIG_IGN, 0, NULL, 0 };
	CHECK_ERR(RAW(SYS_rt_sigaction, SIGKILL, &ka, NULL, 8), EINVAL);
	CHECK_ERR(RAW(SYS_rt_sigaction, SIGSTOP, &ka, NULL, 8), EINVAL);
	CHECK_ERR(RAW(SYS_rt_sigaction, SIGKILL, &ign, NULL, 8), EINVAL);
	CHECK_ERR(RAW(SYS_rt_sigaction, 0, &ka, NULL, 8), EINVAL);
	CHECK_ERR(RAW(SYS_rt_sigaction, 65, &ka, NULL, 8), EINVAL);
	CHECK_ERR(RAW(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 4), EINVAL);
	struct k_sigaction old;
	CHECK_OK(RAW(SYS_rt_sigaction, SIGKILL, NULL, &old, 8));    /* querying is fine */
	CHECK(old.handler == SIG_DFL);
}

TEST(sig_stop_cont)
{
	volatile long *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(counter != MAP_FAILED);
	pid_t pid = ut_fork();
	if (pid == 0) {
		for (;;)
			(*counter)++;
	}
	while (*counter == 0)
		sched_yield();
	CHECK_OK(kill(pid, SIGSTOP));
	int st;
	CHECK(waitpid(pid, &st, WUNTRACED) == pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK_EQ(st, 0x137f);
	long a = *counter;
	ut_sleep_ms(30);
	CHECK(*counter == a);                   /* really stopped */
	CHECK_EQ(waitpid(pid, &st, WUNTRACED | WNOHANG), 0);   /* reported once */
	CHECK_OK(kill(pid, SIGCONT));
	CHECK(waitpid(pid, &st, WCONTINUED) == pid);
	CHECK(WIFCONTINUED(st));
	CHECK_EQ(st, 0xffff);
	while (*counter == a)
		sched_yield();                  /* running again */
	CHECK_OK(kill(pid, SIGSTOP));
	siginfo_t si;
	memset(&si, 0, sizeof si);
	CHECK_OK(waitid(P_PID, pid, &si, WSTOPPED));
	CHECK_EQ(si.si_code, CLD_STOPPED);
	CHECK_EQ(si.si_status, SIGSTOP);
	CHECK_OK(kill(pid, SIGKILL));           /* kills a stopped process too */
	ut_expect_signal(pid, SIGKILL);
}

TEST(sig_sigchld_delivered)
{
	ut_sigaction_info(SIGCHLD, info_handler, 0);
	block(SIGCHLD);
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(5);
	sigset_t none;
	sigemptyset(&none);
	while (hits == 0)
		sigsuspend(&none);
	CHECK_EQ(last_info.si_signo, SIGCHLD);
	CHECK_EQ(last_info.si_code, CLD_EXITED);
	CHECK_EQ(last_info.si_status, 5);
	CHECK(last_info.si_pid == pid);
	ut_expect_exit(pid, 5);
}

TEST(sig_sigchld_ignored_autoreap)
{
	signal(SIGCHLD, SIG_IGN);
	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(3);
	/* No zombie: wait blocks until the child is gone, then ECHILD. */
	CHECK_ERR(waitpid(pid, NULL, 0), ECHILD);
	CHECK_ERR(kill(pid, 0), ESRCH);
}

TEST(sig_fork_inherit)
{
	ut_sigaction(SIGUSR1, count_handler, 0);
	block(SIGUSR2);
	CHECK_OK(kill(getpid(), SIGUSR2));      /* pending in the parent only */
	pid_t pid = ut_fork();
	if (pid == 0) {
		struct sigaction sa;
		sigaction(SIGUSR1, NULL, &sa);
		CHECK(sa.sa_handler == count_handler);  /* handlers are inherited */
		CHECK(is_blocked(SIGUSR2));             /* so is the mask */
		CHECK(!is_pending(SIGUSR2));            /* pending signals are not */
		kill(getpid(), SIGUSR1);
		CHECK_EQ(hits, 1);
		_exit(0);
	}
	ut_expect_exit(pid, 0);
	CHECK(is_pending(SIGUSR2));
	CHECK_EQ(hits, 0);
}

TEST(alarm_remaining)
{
	alarm(100);
	unsigned left = alarm(0);
	CHECK(left >= 99 && left <= 100);
	CHECK_EQ(alarm(0), 0);
	alarm(ut_timeout);                      /* the runner's timeout again */
}

TEST(setitimer_getitimer)
{
	ut_sigaction(SIGALRM, count_handler, 0);
	struct itimerval it = { { 0, 0 }, { 1, 0 } }, cur;
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	CHECK_OK(getitimer(ITIMER_REAL, &cur));
	CHECK(cur.it_value.tv_sec == 0 || cur.it_value.tv_sec == 1);
	CHECK(cur.it_value.tv_sec * 1000000L + cur.it_value.tv_usec > 500000);
	struct itimerval zero = { { 0, 0 }, { 0, 0 } };
	CHECK_OK(setitimer(ITIMER_REAL, &zero, &cur));  /* old value back */
	CHECK(cur.it_value.tv_sec * 1000000L + cur.it_value.tv_usec > 0);
	CHECK_OK(getitimer(ITIMER_REAL, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	struct itimerval shot = { { 0, 0 }, { 0, 20000 } };
	long long t0 = ut_now_ns();
	CHECK_OK(setitimer(ITIMER_REAL, &shot, NULL));
	while (hits == 0)
		pause();
	CHECK(ut_now_ns() - t0 >= 20 * 1000000LL);
	CHECK_EQ(last_sig, SIGALRM);
	CHECK_ERR(setitimer(99, &shot, NULL), EINVAL);
}

TEST(pause_eintr)
{
	ut_sigaction(SIGALRM, count_handler, 0);
	struct itimerval shot = { { 0, 0 }, { 0, 20000 } };
	CHECK_OK(setitimer(ITIMER_REAL, &shot, NULL));
	CHECK_ERR(pause(), EINTR);
	CHECK_EQ(hits, 1);
}

TEST(nanosleep_eintr)
{
	ut_sigaction(SIGALRM, count_handler, 0);
	struct itimerval shot = { { 0, 0 }, { 0, 30000 } };
	CHECK_OK(setitimer(ITIMER_REAL, &shot, NULL));
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	CHECK_ERR(nanosleep(&req, &rem), EINTR);
	CHECK_EQ(hits, 1);
	CHECK(rem.tv_sec >= 3 && rem.tv_sec <= 5);     /* the time left */
	CHECK(rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000);
}

/* ---- sigreturn restores everything ------------------------------------- */

static void clobber_handler(int sig)
{
	(void)sig;
	hits++;
	__asm__ volatile(
		"mov $0xdead01, %%rbx\n\t" "mov $0xdead02, %%rdx\n\t"
		"mov $0xdead03, %%rsi\n\t" "mov $0xdead04, %%rdi\n\t"
		"mov $0xdead05, %%r8\n\t"  "mov $0xdead06, %%r9\n\t"
		"mov $0xdead07, %%r10\n\t" "mov $0xdead08, %%r12\n\t"
		"mov $0xdead09, %%r13\n\t" "mov $0xdead0a, %%r14\n\t"
		"mov $0xdead0b, %%r15\n\t"
		"pcmpeqd %%xmm0, %%xmm0\n\t" "pcmpeqd %%xmm7, %%xmm7\n\t"
		"pcmpeqd %%xmm15, %%xmm15\n\t"
		"fninit\n\t"
		::: "rbx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r12", "r13",
		    "r14", "r15", "xmm0", "xmm7", "xmm15", "memory");
}

TEST(sigreturn_registers)
{
	ut_sigaction(SIGUSR1, clobber_handler, 0);
	struct { unsigned long rbx, rdx, rsi, rdi, r8, r9, r10, r12, r13, r14, r15, x0, x7, x15; } o;
	long nr = SYS_kill;
	long pid = getpid();
	__asm__ volatile(
		"movabs $0x1010101010101010, %%rbx\n\t"
		"movabs $0x0d0d0d0d0d0d0d0d, %%rdx\n\t"
		"movabs $0x0808080808080808, %%r8\n\t"
		"movabs $0x0909090909090909, %%r9\n\t"
		"movabs $0x0a0a0a0a0a0a0a0a, %%r10\n\t"
		"movabs $0x1212121212121212, %%r12\n\t"
		"movabs $0x1313131313131313, %%r13\n\t"
		"movabs $0x1414141414141414, %%r14\n\t"
		"movabs $0x1515151515151515, %%r15\n\t"
		"movq %%rbx, %%xmm0\n\t"
		"movq %%r12, %%xmm7\n\t"
		"movq %%r13, %%xmm15\n\t"
		"syscall\n\t"           /* kill(getpid(), SIGUSR1): the handler runs on return */
		"mov %%rbx, %[rbx]\n\t" "mov %%rdx, %[rdx]\n\t"
		"mov %%rsi, %[rsi]\n\t" "mov %%rdi, %[rdi]\n\t"
		"mov %%r8, %[r8]\n\t"   "mov %%r9, %[r9]\n\t"
		"mov %%r10, %[r10]\n\t" "mov %%r12, %[r12]\n\t"
		"mov %%r13, %[r13]\n\t" "mov %%r14, %[r14]\n\t"
		"mov %%r15, %[r15]\n\t"
		"movq %%xmm0, %[x0]\n\t" "movq %%xmm7, %[x7]\n\t" "movq %%xmm15, %[x15]\n\t"
		: "+a"(nr), [rbx] "=m"(o.rbx), [rdx] "=m"(o.rdx), [rsi] "=m"(o.rsi),
		  [rdi] "=m"(o.rdi), [r8] "=m"(o.r8), [r9] "=m"(o.r9), [r10] "=m"(o.r10),
		  [r12] "=m"(o.r12), [r13] "=m"(o.r13), [r14] "=m"(o.r14), [r15] "=m"(o.r15),
		  [x0] "=m"(o.x0), [x7] "=m"(o.x7), [x15] "=m"(o.x15)
		: "D"(pid), "S"((long)SIGUSR1)
		: "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		  "xmm0", "xmm7", "xmm15", "memory");
	CHECK_EQ(hits, 1);
	CHECK_EQ(nr, 0);
	CHECK(o.rbx == 0x1010101010101010UL);
	CHECK(o.rdx == 0x0d0d0d0d0d0d0d0dUL);
	CHECK(o.rsi == (unsigned long)SIGUSR1);
	CHECK(o.rdi == (unsigned long)pid);
	CHECK(o.r8 == 0x0808080808080808UL);
	CHECK(o.r9 == 0x0909090909090909UL);
	CHECK(o.r10 == 0x0a0a0a0a0a0a0a0aUL);
	CHECK(o.r12 == 0x1212121212121212UL);
	CHECK(o.r13 == 0x1313131313131313UL);
	CHECK(o.r14 == 0x1414141414141414UL);
	CHECK(o.r15 == 0x1515151515151515UL);
	CHECK(o.x0 == 0x1010101010101010UL);
	CHECK(o.x7 == 0x1212121212121212UL);
	CHECK(o.x15 == 0x1313131313131313UL);
}

static volatile int ticks;
static void tick_handler(int sig)
{
	(void)sig;
	ticks++;
	volatile double d = 1.0;            /* use the FPU/SSE state in the handler */
	for (int i = 0; i < 50; i++)
		d = d * 1.0001 + 0.5;
}

static void crunch(long n, unsigned long *h, double *f)
{
	unsigned long x = 1469598103934665603UL;
	double y = 0.0;
	for (long i = 0; i < n; i++) {
		x = (x ^ (unsigned long)i) * 1099511628211UL;
		y += (double)(i & 0xff) * 0.5;
	}
	*h = x;
	*f = y;
}

TEST(sig_compute_across)
{
	/* A computation interrupted by many signals gives the same result. */
	ut_sigaction(SIGALRM, tick_handler, SA_RESTART);
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	unsigned long x = 1469598103934665603UL;
	double y = 0.0;
	long i;
	for (i = 0; ticks < 20; i++) {
		x = (x ^ (unsigned long)i) * 1099511628211UL;
		y += (double)(i & 0xff) * 0.5;
		if (i > (1L << 40))
			FAIL("timer signals never arrived");
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	unsigned long hx;
	double hy;
	crunch(i, &hx, &hy);
	CHECK(hx == x);
	CHECK(hy == y);
}

/* Labels in the faulting sequence, for the ucontext test. */
extern const char ut_fault_insn[], ut_fault_resume[];
static void ucontext_handler(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	hits++;
	if (uc->uc_mcontext.gregs[REG_RIP] != (long)ut_fault_insn)
		_exit(3);
	if (uc->uc_mcontext.gregs[REG_TRAPNO] != 14)     /* page fault */
		_exit(4);
	uc->uc_mcontext.gregs[REG_RIP] = (long)ut_fault_resume;
	uc->uc_mcontext.gregs[REG_RBX] = 0x1234;
}

__attribute__((noinline, noclone)) static long fault_and_resume(void)
{
	long v = 0;
	__asm__ volatile(
		".globl ut_fault_insn\n"
		"ut_fault_insn:\n\t"
		"movl $0, (%[p])\n"
		".globl ut_fault_resume\n"
		"ut_fault_resume:\n\t"
		: "+b"(v) : [p] "r"(16L) : "memory");
	return v;
}

TEST(sig_ucontext_modify)
{
	ut_sigaction_info(SIGSEGV, ucontext_handler, 0);
	long v = fault_and_resume();
	CHECK_EQ(hits, 1);
	CHECK_EQ(v, 0x1234);            /* the handler's register change took effect */
}

const struct utest ut_signal_tests[] = {
	T(sig_handler_runs),
	T(sig_siginfo_kill),
	T(sig_sigqueue),
	T(sig_tgkill_tkill),
	T(sig_kill_checks),
	T(sig_sa_restart),
	T(sig_eintr),
	T(sig_resethand),
	T(sig_nodefer),
	T(sig_sa_mask),
	T(sig_nested_handlers),
	T(sig_mask_pending),
	T(sig_realtime_queued),
	T(sig_procmask_ops),
	T(sig_suspend),
	T(sig_timedwait),
	T(sig_altstack),
	T(sig_altstack_overflow),
	T(sig_default_terminate),
	T(sig_default_ignore),
	T(sig_ignore),
	T(sig_uncatchable),
	T(sig_stop_cont),
	T(sig_sigchld_delivered),
	T(sig_sigchld_ignored_autoreap),
	T(sig_fork_inherit),
	T(alarm_remaining),
	T(setitimer_getitimer),
	T(pause_eintr),
	T(nanosleep_eintr),
	T(sigreturn_registers),
	T(sig_compute_across),
	T(sig_ucontext_modify),
	{ 0 }
};
