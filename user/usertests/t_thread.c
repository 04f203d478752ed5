/*
 * t_thread.c - threads: raw clone(CLONE_THREAD) with set/clear-tid, pthreads
 * (create/join, mutex + condvar, TLS, detach, cancel, barriers,
 * semaphores), futex wait/wake/timeouts (private and shared), signals to
 * threads, exit_group from a thread, fork and exec from a thread.
 */
#include "ut.h"
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <sys/mman.h>

/* <linux/futex.h> is not in musl's include path. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY 0xffffffff

extern char **environ;

static long futex(volatile int *uaddr, int op, int val, const struct timespec *ts, int *uaddr2, int val3)
{
	return RAW(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

/* A system call without errno (for code running without its own TLS). */
static inline long rsys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

static void pcheck(int e, const char *what)
{
	if (e)
		FAIL("%s: %s", what, ut_errname(e));
}

/* ---- raw clone ------------------------------------------------------------- */

struct raw_shared {
	volatile long tid_seen, pid_seen;
	volatile int go;
};

static int raw_thread(void *arg)
{
	struct raw_shared *s = arg;
	s->pid_seen = rsys3(SYS_getpid, 0, 0, 0);
	s->tid_seen = rsys3(SYS_gettid, 0, 0, 0);
	while (!s->go)
		rsys3(SYS_sched_yield, 0, 0, 0);
	return 0;       /* musl's clone then calls SYS_exit: this thread only */
}

TEST(clone_thread_tids)
{
	size_t sz = 256 * 1024;
	char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(stack != MAP_FAILED);
	static struct raw_shared s;
	static volatile int ptid, ctid;
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		    CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
	int tid = clone(raw_thread, stack + sz, flags, &s, &ptid, NULL, &ctid);
	CHECK(tid > 0);
	CHECK(tid != getpid());
	CHECK(ptid == tid);                         /* CLONE_PARENT_SETTID */
	while (s.tid_seen == 0)
		sched_yield();
	CHECK(s.tid_seen == tid);
	CHECK(s.pid_seen == getpid());              /* same thread group */
	CHECK(ctid == tid);                         /* CLONE_CHILD_SETTID */
	s.go = 1;
	/* CLONE_CHILD_CLEARTID: the kernel zeroes ctid and wakes it at exit. */
	int v;
	while ((v = ctid) != 0)
		futex(&ctid, FUTEX_WAIT, v, NULL, NULL, 0);
	CHECK_EQ(ctid, 0);
	CHECK_ERR(waitpid(tid, NULL, __WALL | WNOHANG), ECHILD);   /* threads are not children */
}

TEST(clone_invalid_flags)
{
	CHECK_ERR(RAW(SYS_clone, CLONE_THREAD, 0, 0, 0, 0), EINVAL);          /* needs SIGHAND */
	CHECK_ERR(RAW(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0), EINVAL);         /* needs VM */
	CHECK_ERR(RAW(SYS_clone, CLONE_NEWNS | CLONE_FS, 0, 0, 0, 0), EINVAL);
}

TEST(set_tid_address_returns_tid)
{
	static int word;
	CHECK_EQ(RAW(SYS_set_tid_address, &word), gettid());
}

/* ---- pthreads --------------------------------------------------------------- */

static void *ret_double(void *arg)
{
	return (void *)((uintptr_t)arg * 2);
}

TEST(pthread_create_join)
{
	pthread_t t[8];
	for (uintptr_t i = 0; i < 8; i++)
		pcheck(pthread_create(&t[i], NULL, ret_double, (void *)(i + 1)), "pthread_create");
	for (uintptr_t i = 0; i < 8; i++) {
		void *r;
		pcheck(pthread_join(t[i], &r), "pthread_join");
		CHECK((uintptr_t)r == (i + 1) * 2);
	}
}

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cnd = PTHREAD_COND_INITIALIZER;
static long counter;
static int finished;

static void *incrementer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10000; i++) {
		pthread_mutex_lock(&mtx);
		counter++;
		pthread_mutex_unlock(&mtx);
	}
	pthread_mutex_lock(&mtx);
	finished++;
	pthread_cond_signal(&cnd);
	pthread_mutex_unlock(&mtx);
	return NULL;
}

TEST(pthread_mutex_condvar)
{
	pthread_t t[8];
	for (int i = 0; i < 8; i++)
		pcheck(pthread_create(&t[i], NULL, incrementer, NULL), "pthread_create");
	pthread_mutex_lock(&mtx);
	while (finished < 8)
		pthread_cond_wait(&cnd, &mtx);
	pthread_mutex_unlock(&mtx);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(counter, 80000);
}

static __thread int tls_init = 42;
static __thread long tls_zero;
static __thread char tls_buf[100] = "tls image";
static pthread_barrier_t barrier;
static uintptr_t tls_addr[4];

static void *tls_thread(void *arg)
{
	int id = (int)(uintptr_t)arg;
	int ok = tls_init == 42 && tls_zero == 0 && strcmp(tls_buf, "tls image") == 0;
	tls_init = 1000 + id;
	tls_zero = id;
	tls_addr[id] = (uintptr_t)&tls_init;
	pthread_barrier_wait(&barrier);         /* everyone has written */
	ok = ok && tls_init == 1000 + id && tls_zero == id;
	return (void *)(uintptr_t)ok;
}

TEST(thread_tls)
{
	pcheck(pthread_barrier_init(&barrier, NULL, 3), "pthread_barrier_init");
	pthread_t t[3];
	for (uintptr_t i = 1; i < 3; i++)
		pcheck(pthread_create(&t[i], NULL, tls_thread, (void *)i), "pthread_create");
	void *ok = tls_thread((void *)0);       /* the main thread is number 0 */
	for (uintptr_t i = 1; i < 3; i++) {
		void *r;
		pthread_join(t[i], &r);
		CHECK(r == (void *)1);
	}
	CHECK(ok);
	CHECK(tls_addr[0] != tls_addr[1] && tls_addr[1] != tls_addr[2] && tls_addr[0] != tls_addr[2]);
	/* The thread pointer (FS base) is the TCB: musl's pthread_self(). */
	unsigned long fs = 0;
	CHECK_OK(RAW(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs));
	CHECK(fs == (unsigned long)pthread_self());
}

static volatile long thread_tid;
static void *report_tid(void *arg)
{
	(void)arg;
	thread_tid = gettid();
	return (void *)(uintptr_t)getpid();
}

TEST(thread_ids)
{
	CHECK(gettid() == getpid());            /* the main thread */
	pthread_t t;
	pcheck(pthread_create(&t, NULL, report_tid, NULL), "pthread_create");
	void *pid;
	pthread_join(t, &pid);
	CHECK((pid_t)(uintptr_t)pid == getpid());
	CHECK(thread_tid != getpid() && thread_tid > 0);
}

static void *wait_forever(void *arg)
{
	int *fd = arg;
	char c;
	read(*fd, &c, 1);                       /* a cancellation point */
	return NULL;
}

TEST(pthread_cancel_blocked)
{
	int p[2];
	CHECK_OK(pipe(p));
	pthread_t t;
	pcheck(pthread_create(&t, NULL, wait_forever, &p[0]), "pthread_create");
	ut_sleep_ms(20);
	pcheck(pthread_cancel(t), "pthread_cancel");
	void *r;
	pcheck(pthread_join(t, &r), "pthread_join");
	CHECK(r == PTHREAD_CANCELED);
}

static sem_t sem;
static atomic_int detached_runs;
static void *detached_fn(void *arg)
{
	(void)arg;
	atomic_fetch_add(&detached_runs, 1);
	sem_post(&sem);
	return NULL;
}

TEST(pthread_detached)
{
	CHECK_OK(sem_init(&sem, 0, 0));
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 10; i++) {
		pthread_t t;
		pcheck(pthread_create(&t, &a, detached_fn, NULL), "pthread_create");
	}
	for (int i = 0; i < 10; i++)
		while (sem_wait(&sem) < 0 && errno == EINTR)
			;
	CHECK_EQ(atomic_load(&detached_runs), 10);
}

static void *big_stack_fn(void *arg)
{
	(void)arg;
	volatile char big[2 << 20];
	big[0] = 1;
	big[sizeof big - 1] = 2;
	return (void *)(uintptr_t)(big[0] + big[sizeof big - 1]);
}

TEST(pthread_stack_size)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pcheck(pthread_attr_setstacksize(&a, 4 << 20), "pthread_attr_setstacksize");
	pthread_t t;
	pcheck(pthread_create(&t, &a, big_stack_fn, NULL), "pthread_create");
	void *r;
	pthread_join(t, &r);
	CHECK((uintptr_t)r == 3);
}

static void *nothing(void *arg) { return arg; }

TEST(pthread_many)
{
	for (int i = 0; i < 200; i++) {
		pthread_t t;
		pcheck(pthread_create(&t, NULL, nothing, (void *)(uintptr_t)i), "pthread_create");
		void *r;
		pthread_join(t, &r);
		CHECK((uintptr_t)r == (uintptr_t)i);
	}
	pthread_t ts[32];
	for (int i = 0; i < 32; i++)
		pcheck(pthread_create(&ts[i], NULL, nothing, NULL), "pthread_create");
	for (int i = 0; i < 32; i++)
		pthread_join(ts[i], NULL);
}

static volatile int turn;
static void *pong(void *arg)
{
	(void)arg;
	for (int i = 0; i < 500; i++) {
		while (turn != 1)
			sched_yield();
		turn = 0;
	}
	return NULL;
}

TEST(sched_yield_pingpong)
{
	pthread_t t;
	pcheck(pthread_create(&t, NULL, pong, NULL), "pthread_create");
	for (int i = 0; i < 500; i++) {
		while (turn != 0)
			CHECK_OK(sched_yield());
		turn = 1;
	}
	pthread_join(t, NULL);
	CHECK_EQ(turn, 0);
}

TEST(pthread_cond_timeout)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec ts;
	/* t0 first: a stall between reading the deadline's clock and t0
	 * (a loaded host stops the guest's vCPU for milliseconds) would make
	 * the wait look short. */
	long long t0 = ut_now_ns();
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 30 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&m);
	CHECK_EQ(pthread_cond_timedwait(&c, &m, &ts), ETIMEDOUT);
	pthread_mutex_unlock(&m);
	CHECK(ut_now_ns() - t0 >= 25 * 1000000LL);
}

/* ---- futex ------------------------------------------------------------------ */

static volatile int fword;
static volatile int fwoke;
static void *futex_waiter(void *arg)
{
	int op = (int)(uintptr_t)arg;
	while (fword == 0)
		futex(&fword, op, 0, NULL, NULL, 0);
	fwoke = 1;
	return NULL;
}

TEST(futex_wait_wake)
{
	pthread_t t;
	pcheck(pthread_create(&t, NULL, futex_waiter, (void *)(uintptr_t)FUTEX_WAIT), "pthread_create");
	ut_sleep_ms(20);
	CHECK_EQ(fwoke, 0);
	fword = 1;
	CHECK(futex(&fword, FUTEX_WAKE, 1, NULL, NULL, 0) >= 0);
	pthread_join(t, NULL);
	CHECK_EQ(fwoke, 1);
	static volatile int nobody;
	CHECK_EQ(futex(&nobody, FUTEX_WAKE, 10, NULL, NULL, 0), 0);
}

TEST(futex_private)
{
	pthread_t t;
	pcheck(pthread_create(&t, NULL, futex_waiter, (void *)(uintptr_t)(FUTEX_WAIT | FUTEX_PRIVATE_FLAG)), "pthread_create");
	ut_sleep_ms(20);
	fword = 1;
	CHECK(futex(&fword, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0) >= 0);
	pthread_join(t, NULL);
	CHECK_EQ(fwoke, 1);
}

static volatile int cword;
static atomic_int asleep, wakeups;
static void *count_waiter(void *arg)
{
	(void)arg;
	atomic_fetch_add(&asleep, 1);
	while (cword == 0)
		if (futex(&cword, FUTEX_WAIT, 0, NULL, NULL, 0) == 0)
			atomic_fetch_add(&wakeups, 1);
	return NULL;
}

TEST(futex_wake_count)
{
	/* Three waiters asleep on one word: FUTEX_WAKE 2 wakes exactly two. */
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		pcheck(pthread_create(&t[i], NULL, count_waiter, NULL), "pthread_create");
	while (atomic_load(&asleep) < 3)
		sched_yield();
	ut_sleep_ms(30);                        /* and inside FUTEX_WAIT by now */
	CHECK_EQ(futex(&cword, FUTEX_WAKE, 2, NULL, NULL, 0), 2);
	while (atomic_load(&wakeups) < 2)
		sched_yield();
	ut_sleep_ms(10);
	CHECK_EQ(atomic_load(&wakeups), 2);     /* the third slept on */
	cword = 1;
	long r = futex(&cword, FUTEX_WAKE, 100, NULL, NULL, 0);
	CHECK(r >= 0 && r <= 3);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
}

TEST(futex_eagain)
{
	static volatile int word = 5;
	CHECK_ERR(futex(&word, FUTEX_WAIT, 4, NULL, NULL, 0), EAGAIN);
	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 4, NULL, NULL, 0), EAGAIN);
}

TEST(futex_timeout)
{
	static volatile int word;
	struct timespec ts = { 0, 30 * 1000000L };
	long long t0 = ut_now_ns();
	CHECK_ERR(futex(&word, FUTEX_WAIT, 0, &ts, NULL, 0), ETIMEDOUT);
	CHECK(ut_now_ns() - t0 >= 30 * 1000000LL);
	/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline. */
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long deadline = now.tv_sec * 1000000000LL + now.tv_nsec + 20 * 1000000LL;
	struct timespec abs = { deadline / 1000000000LL, deadline % 1000000000LL };
	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
	CHECK(ut_now_ns() >= deadline);
	struct timespec bad = { 0, 1000000000L };
	CHECK_ERR(futex(&word, FUTEX_WAIT, 0, &bad, NULL, 0), EINVAL);
}

TEST(futex_shared_fork)
{
	volatile int *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(w != MAP_FAILED);
	pid_t pid = ut_fork();
	if (pid == 0) {
		while (*w == 0)
			futex(w, FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(*w == 7 ? 0 : 1);
	}
	ut_sleep_ms(20);
	*w = 7;
	CHECK(futex(w, FUTEX_WAKE, 1, NULL, NULL, 0) >= 0);
	ut_expect_exit(pid, 0);
}

TEST(futex_errors)
{
	static volatile int word;
	CHECK_ERR(futex((volatile int *)((char *)&word + 1), FUTEX_WAIT, 0, NULL, NULL, 0), EINVAL);
	CHECK_ERR(futex((volatile int *)8, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
	CHECK_ERR(futex((volatile int *)KERNEL_PTR, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
	CHECK_ERR(futex(&word, 99, 0, NULL, NULL, 0), ENOSYS);
}

/* ---- threads, signals, exit, fork, exec --------------------------------------- */

static volatile long handled_tid;
static void tid_handler(int sig)
{
	(void)sig;
	handled_tid = gettid();
}

static volatile int ready;
static void *unblock_and_wait(void *arg)
{
	(void)arg;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	thread_tid = gettid();
	ready = 1;
	while (handled_tid == 0)
		sched_yield();
	return NULL;
}

TEST(thread_signal_routing)
{
	/* A process-directed signal goes to the thread that does not block it. */
	ut_sigaction(SIGUSR1, tid_handler, 0);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_t t;
	pcheck(pthread_create(&t, NULL, unblock_and_wait, NULL), "pthread_create");
	while (!ready)
		sched_yield();
	CHECK_OK(kill(getpid(), SIGUSR1));
	pthread_join(t, NULL);
	CHECK(handled_tid == thread_tid);
}

static void *spin_until_handled(void *arg)
{
	(void)arg;
	thread_tid = gettid();
	ready = 1;
	while (handled_tid == 0)
		sched_yield();
	return NULL;
}

TEST(thread_tgkill)
{
	ut_sigaction(SIGUSR1, tid_handler, 0);
	pthread_t t;
	pcheck(pthread_create(&t, NULL, spin_until_handled, NULL), "pthread_create");
	while (!ready)
		sched_yield();
	CHECK_OK(RAW(SYS_tgkill, getpid(), thread_tid, SIGUSR1));
	pthread_join(t, NULL);
	CHECK(handled_tid == thread_tid);
	CHECK_OK(pthread_kill(pthread_self(), 0));
}

static void *exit_seven(void *arg)
{
	(void)arg;
	exit(7);
}

TEST(thread_exit_group)
{
	pid_t pid = ut_fork();
	if (pid == 0) {
		pthread_t t;
		pthread_create(&t, NULL, exit_seven, NULL);
		for (;;)
			pause();
	}
	ut_expect_exit(pid, 7);     /* exit() in any thread ends the process */
}

TEST(thread_main_exits_first)
{
	/* In a freshly exec'd program (see echoargs --main-exits). */
	char *argv[] = { "echoargs", "--main-exits", NULL };
	static char out[256];
	int st = ut_run(ut_helper("echoargs"), argv, NULL, out, sizeof out);
	CHECK(strcmp(out, "thread outlived main\n") == 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("want exit 0, got %s", ut_status_str(st));
}

static void *fork_from_thread(void *arg)
{
	(void)arg;
	pid_t pid = fork();
	if (pid == 0) {
		/* One thread in the child, and it can make more. */
		pthread_t t;
		if (pthread_create(&t, NULL, nothing, NULL))
			_exit(2);
		pthread_join(t, NULL);
		_exit(gettid() == getpid() ? 9 : 3);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return (void *)1;
	return (void *)(uintptr_t)(WIFEXITED(st) ? WEXITSTATUS(st) : 100);
}

TEST(thread_fork)
{
	pthread_t t;
	pcheck(pthread_create(&t, NULL, fork_from_thread, NULL), "pthread_create");
	void *r;
	pthread_join(t, &r);
	CHECK_EQ((uintptr_t)r, 9);
}

static int exec_out_fd;
static void *exec_from_thread(void *arg)
{
	(void)arg;
	char *argv[] = { "hello", NULL };
	dup2(exec_out_fd, 1);
	execve(ut_helper("hello"), argv, environ);
	_exit(127);
}

TEST(thread_exec)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		close(p[0]);
		exec_out_fd = p[1];
		pthread_t t;
		pthread_create(&t, NULL, exec_from_thread, NULL);
		for (;;)
			pause();        /* killed by the exec in the other thread */
	}
	close(p[1]);
	char out[64] = { 0 };
	ut_read_full(p[0], out, sizeof out - 1);
	ut_expect_exit(pid, 0);
	CHECK(strcmp(out, "hello, world\n") == 0);
}

const struct utest ut_thread_tests[] = {
	T(clone_thread_tids),
	T(clone_invalid_flags),
	T(set_tid_address_returns_tid),
	T(pthread_create_join),
	T(pthread_mutex_condvar),
	T(thread_tls),
	T(thread_ids),
	T(pthread_cancel_blocked),
	T(pthread_detached),
	T(pthread_stack_size),
	T(pthread_many),
	T(sched_yield_pingpong),
	T(pthread_cond_timeout),
	T(futex_wait_wake),
	T(futex_private),
	T(futex_wake_count),
	T(futex_eagain),
	T(futex_timeout),
	T(futex_shared_fork),
	T(futex_errors),
	T(thread_signal_routing),
	T(thread_tgkill),
	T(thread_exit_group),
	T(thread_main_exits_first),
	T(thread_fork),
	T(thread_exec),
	{ 0 }
};
