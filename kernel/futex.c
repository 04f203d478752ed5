/*
 * futex.c - fast user-space mutexes: the kernel half of pthread mutexes,
 * condition variables, pthread_join and friends.
 *
 * A waiter is keyed, as on Linux, by (address space, virtual address) for
 * private memory and by the physical address for MAP_SHARED memory, so
 * the same word is the same futex in every process that maps it. Waiters
 * live on one list (few threads wait at once); each sleeps on its own wait
 * queue until woken, timed out or signalled.
 *
 * Races: the kernel is not preemptible, so nothing can change the futex
 * word or wake anyone between the value check and the sleep.
 */
#include <synthos/errno.h>
#include <synthos/list.h>
#include <synthos/log.h>
#include <synthos/mm.h>
#include <synthos/proc.h>
#include <synthos/syscall.h>
#include <synthos/time.h>
#include <synthos/uaccess.h>
#include <synthos/wait.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

struct futex_key {
	uint64_t a, b;
};

struct futex_waiter {
	struct futex_key key;
	uint32_t bitset;
	bool woken;
	struct waitq wq;
	struct list_head link;
};

static LIST_HEAD(futex_waiters);

static int futex_key(uint32_t *uaddr, struct futex_key *k)
{
	uint64_t a = (uint64_t)uaddr;
	if (a & 3)
		return -EINVAL;
	if (!access_ok(uaddr, 4))
		return -EFAULT;
	struct mm *mm = current->proc->mm;
	struct vma *v = mm_find_vma(mm, a);
	if (!v)
		return -EFAULT;
	if ((v->flags & MAP_TYPE) == MAP_SHARED) {
		uint64_t *pte = pgtable_pte(mm->pml4, a, false);
		if (!pte || !pgtable_pte_present(*pte)) {
			if (mm_handle_fault(a, false, false))
				return -EFAULT;
			pte = pgtable_pte(mm->pml4, a, false);
		}
		k->a = 0;
		k->b = pgtable_pte_phys(*pte) | (a & 0xfff);
	} else {
		k->a = (uint64_t)mm;
		k->b = a;
	}
	return 0;
}

static bool key_eq(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

static int wake_key(const struct futex_key *k, int n, uint32_t bitset)
{
	int woken = 0;
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &futex_waiters) {
		if (woken >= n)
			break;
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (!key_eq(&w->key, k) || !(w->bitset & bitset))
			continue;
		list_del(&w->link);
		w->woken = true;
		wake_up(&w->wq);
		woken++;
	}
	return woken;
}

int futex_wake(uint32_t *uaddr, int n)
{
	struct futex_key k;
	int r = futex_key(uaddr, &k);
	return r ? r : wake_key(&k, n, FUTEX_BITSET_MATCH_ANY);
}

static long futex_wait(uint32_t *uaddr, uint32_t val, uint64_t deadline, uint32_t bitset)
{
	struct futex_waiter w = { .bitset = bitset };
	uint32_t cur;
	int r = futex_key(uaddr, &w.key);
	if (r)
		return r;
	if (!bitset)
		return -EINVAL;
	if (get_user(cur, uaddr))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	waitq_init(&w.wq);
	list_add_tail(&w.link, &futex_waiters);
	r = wait_event_interruptible_until(w.wq, w.woken, deadline);
	if (!w.woken) {
		list_del(&w.link);
		return r == -ETIMEDOUT ? -ETIMEDOUT : -EINTR;
	}
	return 0;
}

static int requeue(uint32_t *uaddr, uint32_t *uaddr2, int nwake, int nmove,
		   bool cmp, uint32_t val)
{
	struct futex_key k1, k2;
	int r = futex_key(uaddr, &k1);
	if (r || (r = futex_key(uaddr2, &k2)))
		return r;
	if (cmp) {
		uint32_t cur;
		if (get_user(cur, uaddr))
			return -EFAULT;
		if (cur != val)
			return -EAGAIN;
	}
	int done = wake_key(&k1, nwake, FUTEX_BITSET_MATCH_ANY);
	struct list_head *pos;
	int moved = 0;
	list_for_each(pos, &futex_waiters) {
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);
		if (moved >= nmove)
			break;
		if (key_eq(&w->key, &k1)) {
			w->key = k2;
			moved++;
		}
	}
	return done + moved;
}

/* FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, arg); wake uaddr; if cmp(old) wake uaddr2. */
static int wake_op(uint32_t *uaddr, uint32_t *uaddr2, int n1, int n2, uint32_t op)
{
	unsigned opc = (op >> 28) & 7, cmp = (op >> 24) & 15;
	uint32_t oparg = (op >> 12) & 0xfff, cmparg = op & 0xfff;
	if (op & (1u << 31))
		oparg = 1u << (oparg & 31);
	uint32_t old, nv;
	if (get_user(old, uaddr2))
		return -EFAULT;
	switch (opc) {
	case 0: nv = oparg; break;
	case 1: nv = old + oparg; break;
	case 2: nv = old | oparg; break;
	case 3: nv = old & ~oparg; break;
	case 4: nv = old ^ oparg; break;
	default: return -ENOSYS;
	}
	if (put_user(nv, uaddr2))
		return -EFAULT;
	int r = futex_wake(uaddr, n1);
	if (r < 0)
		return r;
	bool c;
	switch (cmp) {
	case 0: c = old == cmparg; break;
	case 1: c = old != cmparg; break;
	case 2: c = (int32_t)old < (int32_t)cmparg; break;
	case 3: c = (int32_t)old <= (int32_t)cmparg; break;
	case 4: c = (int32_t)old > (int32_t)cmparg; break;
	case 5: c = (int32_t)old >= (int32_t)cmparg; break;
	default: return -ENOSYS;
	}
	if (c) {
		int r2 = futex_wake(uaddr2, n2);
		if (r2 > 0)
			r += r2;
	}
	return r;
}

struct timespec_f { int64_t sec, nsec; };

SYSCALL_DEFINE6(futex, uint32_t *, uaddr, int, op, uint32_t, val, void *, utime,
		uint32_t *, uaddr2, uint32_t, val3)
{
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	uint64_t deadline = 0;

	if ((cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) && utime) {
		struct timespec_f ts;
		if (copy_from_user(&ts, utime, sizeof(ts)))
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC)
			return -EINVAL;
		uint64_t ns = (uint64_t)ts.sec * NSEC_PER_SEC + (uint64_t)ts.nsec;
		if (cmd == FUTEX_WAIT) {
			deadline = time_ns() + ns;
		} else if (op & FUTEX_CLOCK_REALTIME) {
			/* Absolute realtime deadline: convert through the clock offset. */
			int64_t mono = (int64_t)time_ns();
			int64_t left = (int64_t)ns - realtime_ns();
			deadline = left > 0 ? (uint64_t)(mono + left) : (uint64_t)mono;
		} else {
			deadline = ns > time_ns() ? ns : time_ns();
		}
		if (!deadline)
			deadline = 1;
	}

	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(uaddr, val, deadline, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, val, deadline, val3);
	case FUTEX_WAKE:
		return futex_wake(uaddr, (int)val);
	case FUTEX_WAKE_BITSET: {
		struct futex_key k;
		int r = futex_key(uaddr, &k);
		if (r)
			return r;
		if (!val3)
			return -EINVAL;
		return wake_key(&k, (int)val, val3);
	}
	case FUTEX_REQUEUE:
		return requeue(uaddr, uaddr2, (int)val, (int)(uint64_t)utime, false, 0);
	case FUTEX_CMP_REQUEUE:
		return requeue(uaddr, uaddr2, (int)val, (int)(uint64_t)utime, true, val3);
	case FUTEX_WAKE_OP:
		return wake_op(uaddr, uaddr2, (int)val, (int)(uint64_t)utime, val3);
	}
	return -ENOSYS;
}
