/*
 * itimer.c - alarm(2), setitimer(2), getitimer(2).
 *
 * ITIMER_REAL counts on the monotonic clock and sends SIGALRM to the
 * process; the tick checks armed timers (so the resolution is the tick,
 * 10 ms). ITIMER_VIRTUAL and ITIMER_PROF are accepted and reported but
 * never fire (CPU-time timers: not implemented; documented in
 * docs/USERMODE.md). A timer survives fork? No: as on Linux the child
 * starts with no timers; it survives exec.
 */
#include <synthos/errno.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/syscall.h>
#include <synthos/time.h>
#include <synthos/uaccess.h>

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

struct timeval_i { int64_t sec, usec; };
struct itimerval_k { struct timeval_i interval, value; };

static int armed;                     /* processes with ITIMER_REAL on */
static struct itimerval_k other_timers_unused;

static int fire(struct proc *p, void *ctx)
{
	uint64_t now = *(uint64_t *)ctx;
	if (!p->itimer_real_at || p->itimer_real_at > now || p->state != PROC_ALIVE)
		return 0;
	struct ksiginfo info = { .signo = SIGALRM, .code = SI_KERNEL };
	send_signal_proc(p, SIGALRM, &info);
	if (p->itimer_real_interval) {
		while (p->itimer_real_at <= now)
			p->itimer_real_at += p->itimer_real_interval;
	} else {
		p->itimer_real_at = 0;
		armed--;
	}
	return 0;
}

void itimer_tick(uint64_t now)
{
	if (armed > 0)
		proc_for_each(fire, &now);
}

/* The fork child starts without timers; exit disarms. */
void itimer_forget(struct proc *p)
{
	if (p->itimer_real_at) {
		p->itimer_real_at = 0;
		armed--;
	}
}

static uint64_t tv_ns(const struct timeval_i *tv)
{
	return (uint64_t)tv->sec * NSEC_PER_SEC + (uint64_t)tv->usec * 1000;
}

static struct timeval_i ns_tv(uint64_t ns)
{
	return (struct timeval_i){ (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000) };
}

static void get_real(struct proc *p, struct itimerval_k *out)
{
	uint64_t now = time_ns();
	uint64_t left = p->itimer_real_at > now ? p->itimer_real_at - now : (p->itimer_real_at ? 1000 : 0);
	out->value = ns_tv(left);
	out->interval = ns_tv(p->itimer_real_interval);
}

static void set_real(struct proc *p, uint64_t value_ns, uint64_t interval_ns)
{
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	bool was = p->itimer_real_at != 0;
	p->itimer_real_at = value_ns ? time_ns() + value_ns : 0;
	p->itimer_real_interval = interval_ns;
	armed += (p->itimer_real_at != 0) - was;
	spin_unlock_irqrestore(&proc_tree_lock, f);
}

SYSCALL_DEFINE2(getitimer, int, which, struct itimerval_k *, ucur)
{
	struct itimerval_k cur = { 0 };
	if (which == ITIMER_REAL)
		get_real(current->proc, &cur);
	else if (which != ITIMER_VIRTUAL && which != ITIMER_PROF)
		return -EINVAL;
	return copy_to_user(ucur, &cur, sizeof(cur));
}

SYSCALL_DEFINE3(setitimer, int, which, const struct itimerval_k *, unew,
		struct itimerval_k *, uold)
{
	struct itimerval_k n = { 0 }, old = { 0 };
	if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
		return -EINVAL;
	if (unew && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	if (n.value.usec < 0 || n.value.usec >= 1000000 || n.interval.usec < 0 ||
	    n.interval.usec >= 1000000 || n.value.sec < 0 || n.interval.sec < 0)
		return -EINVAL;
	if (which == ITIMER_REAL)
		get_real(current->proc, &old);
	else
		old = other_timers_unused;
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	if (which == ITIMER_REAL)
		set_real(current->proc, tv_ns(&n.value), tv_ns(&n.interval));
	return 0;
}

SYSCALL_DEFINE1(alarm, unsigned, seconds)
{
	struct proc *p = current->proc;
	struct itimerval_k old;
	get_real(p, &old);
	set_real(p, (uint64_t)seconds * NSEC_PER_SEC, 0);
	/* Remaining seconds, rounded to nearest, at least 1 if armed (Linux). */
	unsigned left = (unsigned)old.value.sec + (old.value.usec >= 500000);
	if (!left && (old.value.sec || old.value.usec))
		left = 1;
	return left;
}
