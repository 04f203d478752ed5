/*
 * queue.h - Synthesis's lock-free queues: fixed-capacity rings of bytes or
 * of pointers, header-only, for the kernel and the host alike.
 *
 * Three queues share one ring layout and one algorithm, specialised by who
 * may call each end:
 *
 *   struct spscq  "dedicated" queue: one producer, one consumer. Each end
 *                 is a plain counter owned by one thread; no CAS, no
 *                 locks, only acquire loads and release stores.
 *   struct mpscq  "optimistic" queue: any number of producers, one
 *                 consumer. A producer reserves space with one CAS on the
 *                 reservation counter, copies its bytes, then publishes
 *                 them in reservation order. The consumer is a dedicated
 *                 end, as in spscq.
 *   struct mpmcq  both ends optimistic (the benchmark's MP/MC case).
 *
 * Each end of a ring has two counters: `head`, the frontier reserved by
 * callers of that end, and `tail`, the frontier they have finished with
 * (published). The other end only ever reads `tail`. Counters are
 * free-running pointer-sized integers (qidx_t): they are never masked in
 * place, so full (prod - cons == capacity) and empty (prod == cons) are
 * distinct and a 64-bit counter cannot wrap in the life of the machine
 * (this is also what makes the producers' CAS free of ABA).
 *
 * Invariants, with P = producer end and C = consumer end:
 *     C.tail <= C.head <= P.tail <= P.head <= C.tail + capacity
 *   ring slots [C.tail, P.tail) hold published data the consumers may read;
 *   [P.tail, P.head) are being written by producers; [C.tail, C.head) are
 *   being read by consumers; the rest are free.
 *
 * Elements: a queue is used either as a byte queue (put/get, write/read and
 * their _partial forms) or as a pointer queue (push/pop), never both. The
 * caller provides the ring storage: `nelem` bytes for a byte queue,
 * `nelem * sizeof(void *)` bytes for a pointer queue; nelem must be a power
 * of two. Nothing here allocates.
 *
 * All-or-nothing: spscq_write(q, src, n) either enqueues all n bytes as one
 * contiguous run or nothing. In mpscq/mpmcq the run is reserved with a
 * single CAS, so no other producer's bytes land inside it: a write of at
 * most capacity bytes is atomic in the sense of POSIX PIPE_BUF. The
 * _partial forms take what fits (write) or what is there (read), at least
 * one element, else 0.
 *
 * Progress: an optimistic producer (or consumer) that has reserved must
 * publish before any later reservation of the same end can publish, so a
 * caller must not be preempted or interrupted, between reserve and publish,
 * by another caller of the same end of the same queue that could spin on
 * it: in the kernel, disable preemption (or interrupts, if an interrupt
 * handler is a producer) around the call. spscq has no such wait.
 *
 * Memory order (each atomic below says which pairing it is part of):
 *   R1  a producer's release store of P.tail publishes the bytes it copied;
 *       the consumer's acquire load of P.tail makes them visible.
 *   R2  a consumer's release store of C.tail says it has finished reading
 *       the slots; the producer's acquire load of C.tail orders its writes
 *       to those slots after the reads (no write-before-read reuse).
 *   R3  optimistic ends publish in reservation order: a caller waits with
 *       an acquire load until tail == its start, so the previous
 *       publisher's release happens-before its own release, and the other
 *       end's acquire of tail sees every earlier caller's data too (a plain
 *       store does not continue a release sequence, so the acquire matters).
 *   R4  an optimistic end loads its own head with acquire (and its CAS is
 *       acq_rel) before loading the other end's tail: the caller whose CAS
 *       produced that head had already seen other.tail >= head - bias, and
 *       the acquire carries that knowledge over, so the free/used count
 *       computed from the two loads can never be "negative".
 * On x86-64 all of these are plain MOVs plus LOCK CMPXCHG; on weaker
 * machines they are the minimum that keeps the invariants.
 */
#ifndef SYNTHOS_QUEUE_H
#define SYNTHOS_QUEUE_H

#include <synthos/types.h>
#include <synthos/compiler.h>

typedef uintptr_t qidx_t;

#define QUEUE_CACHELINE 64

/* One end of a ring. Each field on its own cache line with its writers. */
struct q_end {
	qidx_t head;    /* reserved frontier, CAS by the callers of an
	                   optimistic end; unused by a single end */
	qidx_t tail;    /* published frontier; written by this end's callers
	                   only (in reservation order), read by the other end */
	qidx_t cache;   /* single end only: last seen other.tail (its caller
	                   only) - saves a shared-line load per operation */
	char pad_[QUEUE_CACHELINE - 3 * sizeof(qidx_t)];
};

/* The ring. prod and cons on separate lines; mask/ring read-only after init. */
struct q_ring {
	struct q_end prod;      /* written by producers only */
	struct q_end cons;      /* written by consumers only */
	qidx_t mask;            /* capacity - 1; set by init, then read-only */
	void *ring;             /* caller's storage; set by init */
	char pad_[QUEUE_CACHELINE - sizeof(qidx_t) - sizeof(void *)];
};

struct spscq { struct q_ring r; };
struct mpscq { struct q_ring r; };
struct mpmcq { struct q_ring r; };

/*
 * What a caller does while it waits for an earlier reservation to publish.
 * A hosted user can override it (QUEUE_RELAX() defined before the include):
 * the ThreadSanitizer build of the tests yields, because TSan's emulated
 * atomics let spinning readers starve the one writer they wait for.
 */
#ifndef QUEUE_RELAX
#define QUEUE_RELAX() q__cpu_relax()
#endif

static inline void q__cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#else
	barrier();
#endif
}

static inline void q__init(struct q_ring *r, void *ring, size_t nelem)
{
	/* nelem must be a power of two; a zero mask would be a 1-slot ring. */
	r->prod.head = r->prod.tail = r->prod.cache = 0;
	r->cons.head = r->cons.tail = r->cons.cache = 0;
	r->mask = (qidx_t)nelem - 1;
	r->ring = ring;
	/* The initialising thread must hand q to its users through some
	   synchronising operation (thread creation, a lock, a release). */
}

/*
 * Reserve up to n elements at one end. `bias` is the capacity for the
 * producer end (free = capacity + C.tail - P.head) and 0 for the consumer
 * end (used = P.tail - C.head). Returns the count reserved (n, or for
 * partial 1..n; 0 if nothing) and its start in *start.
 */
static __always_inline size_t q__reserve(struct q_end *me, struct q_end *other,
					 qidx_t bias, size_t n, bool partial,
					 bool multi, qidx_t *start)
{
	qidx_t h, avail;

	if (!multi) {
		/* A single end reserves and publishes in one go, so it keeps
		   no separate head: its position is its own tail, which only
		   it writes (relaxed: we read our own last store). */
		h = __atomic_load_n(&me->tail, __ATOMIC_RELAXED);
		avail = me->cache + bias - h;
		if (avail < n) {
			/* R1/R2: acquire pairs with the other end's release
			   of its tail (data published / slots released). */
			me->cache = __atomic_load_n(&other->tail, __ATOMIC_ACQUIRE);
			avail = me->cache + bias - h;
			if (avail < n) {
				if (!partial || avail == 0)
					return 0;
				n = avail;
			}
		}
		*start = h;
		return n;
	}

	/* R4: acquire so the load of other->tail below is not satisfied
	   before it, see the header. */
	h = __atomic_load_n(&me->head, __ATOMIC_ACQUIRE);
	for (;;) {
		size_t want = n;
		/* R1/R2: as in the single case. */
		qidx_t o = __atomic_load_n(&other->tail, __ATOMIC_ACQUIRE);
		avail = o + bias - h;
		if (avail < want) {
			if (!partial || avail == 0)
				return 0;
			want = avail;
		}
		/* The CAS makes [h, h+want) ours alone. acq_rel for R4 (the
		   next CAS-er or loader of head inherits what we saw of
		   other->tail); on failure h is reloaded with acquire, R4. */
		if (__atomic_compare_exchange_n(&me->head, &h, h + want, true,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			*start = h;
			return want;
		}
		QUEUE_RELAX();
	}
}

/* Hand [start, start+n) to the other end. */
static __always_inline void q__publish(struct q_end *me, qidx_t start, size_t n,
				       bool multi)
{
	if (multi) {
		/* R3: wait for earlier reservations of this end to publish;
		   acquire so their data (or their finished reads) are ordered
		   before our release below. */
		while (__atomic_load_n(&me->tail, __ATOMIC_ACQUIRE) != start)
			QUEUE_RELAX();
	}
	/* R1 (producer) / R2 (consumer): release publishes our copies. */
	__atomic_store_n(&me->tail, start + n, __ATOMIC_RELEASE);
}

/* Copy n elements of size esz between a linear buffer and the ring. */
static __always_inline void q__copy_in(struct q_ring *r, qidx_t start,
				       const void *src, size_t n, size_t esz)
{
	size_t off = start & r->mask, cap = r->mask + 1;
	char *ring = r->ring;

	if (n == 1 && esz == sizeof(void *)) {
		((void **)ring)[off] = *(void *const *)src;
	} else if (n == 1 && esz == 1) {
		ring[off] = *(const char *)src;
	} else if (off + n <= cap) {
		__builtin_memcpy(ring + off * esz, src, n * esz);
	} else {
		size_t first = cap - off;
		__builtin_memcpy(ring + off * esz, src, first * esz);
		__builtin_memcpy(ring, (const char *)src + first * esz,
				 (n - first) * esz);
	}
}

static __always_inline void q__copy_out(struct q_ring *r, qidx_t start,
					void *dst, size_t n, size_t esz)
{
	size_t off = start & r->mask, cap = r->mask + 1;
	const char *ring = r->ring;

	if (n == 1 && esz == sizeof(void *)) {
		*(void **)dst = ((void *const *)ring)[off];
	} else if (n == 1 && esz == 1) {
		*(char *)dst = ring[off];
	} else if (off + n <= cap) {
		__builtin_memcpy(dst, ring + off * esz, n * esz);
	} else {
		size_t first = cap - off;
		__builtin_memcpy(dst, ring + off * esz, first * esz);
		__builtin_memcpy((char *)dst + first * esz, ring,
				 (n - first) * esz);
	}
}

static __always_inline size_t q__enqueue(struct q_ring *r, const void *src,
					 size_t n, size_t esz, bool partial,
					 bool multi)
{
	qidx_t start;

	if (n == 0)
		return 0;
	n = q__reserve(&r->prod, &r->cons, r->mask + 1, n, partial, multi, &start);
	if (n) {
		q__copy_in(r, start, src, n, esz);
		q__publish(&r->prod, start, n, multi);
	}
	return n;
}

static __always_inline size_t q__dequeue(struct q_ring *r, void *dst, size_t n,
					 size_t esz, bool partial, bool multi)
{
	qidx_t start;

	if (n == 0)
		return 0;
	n = q__reserve(&r->cons, &r->prod, 0, n, partial, multi, &start);
	if (n) {
		q__copy_out(r, start, dst, n, esz);
		q__publish(&r->cons, start, n, multi);
	}
	return n;
}

/* A snapshot: exact only when both ends are quiet. */
static inline size_t q__count(const struct q_ring *r)
{
	qidx_t c = __atomic_load_n(&r->cons.tail, __ATOMIC_ACQUIRE);
	qidx_t p = __atomic_load_n(&r->prod.tail, __ATOMIC_ACQUIRE);
	return (size_t)(p - c) > r->mask + 1 ? 0 : (size_t)(p - c);
}

/*
 * The public API. For Q in spscq, mpscq, mpmcq:
 *
 *   void   Q_init(struct Q *q, void *ring, size_t nelem);  nelem = 2^k
 *   size_t Q_capacity(const struct Q *q);
 *   size_t Q_count(const struct Q *q);      snapshot of published elements
 *   bool   Q_empty(const struct Q *q);
 * bytes:
 *   bool   Q_put(struct Q *q, uint8_t c);
 *   bool   Q_get(struct Q *q, uint8_t *c);
 *   bool   Q_write(struct Q *q, const void *src, size_t n);   all or nothing
 *   size_t Q_write_partial(struct Q *q, const void *src, size_t n);
 *   bool   Q_read(struct Q *q, void *dst, size_t n);          all or nothing
 *   size_t Q_read_partial(struct Q *q, void *dst, size_t n);
 * pointers:
 *   bool   Q_push(struct Q *q, void *p);
 *   bool   Q_pop(struct Q *q, void **p);
 *   bool   Q_push_n(struct Q *q, void *const *p, size_t n);   all or nothing
 *   size_t Q_pop_n(struct Q *q, void **p, size_t n);          partial
 *
 * Q_write/Q_read with n == 0 succeed trivially; n > capacity always fails.
 */
#define QUEUE__API(Q, PMULTI, CMULTI)                                          \
static inline void Q##_init(struct Q *q, void *ring, size_t nelem)            \
{ q__init(&q->r, ring, nelem); }                                              \
static inline size_t Q##_capacity(const struct Q *q)                          \
{ return q->r.mask + 1; }                                                     \
static inline size_t Q##_count(const struct Q *q)                             \
{ return q__count(&q->r); }                                                   \
static inline bool Q##_empty(const struct Q *q)                               \
{ return q__count(&q->r) == 0; }                                              \
static inline bool Q##_put(struct Q *q, uint8_t c)                            \
{ return q__enqueue(&q->r, &c, 1, 1, false, PMULTI) == 1; }                   \
static inline bool Q##_get(struct Q *q, uint8_t *c)                           \
{ return q__dequeue(&q->r, c, 1, 1, false, CMULTI) == 1; }                    \
static inline bool Q##_write(struct Q *q, const void *src, size_t n)          \
{ return q__enqueue(&q->r, src, n, 1, false, PMULTI) == n; }                  \
static inline size_t Q##_write_partial(struct Q *q, const void *src, size_t n)\
{ return q__enqueue(&q->r, src, n, 1, true, PMULTI); }                        \
static inline bool Q##_read(struct Q *q, void *dst, size_t n)                 \
{ return q__dequeue(&q->r, dst, n, 1, false, CMULTI) == n; }                  \
static inline size_t Q##_read_partial(struct Q *q, void *dst, size_t n)       \
{ return q__dequeue(&q->r, dst, n, 1, true, CMULTI); }                        \
static inline bool Q##_push(struct Q *q, void *p)                             \
{ return q__enqueue(&q->r, &p, 1, sizeof(void *), false, PMULTI) == 1; }      \
static inline bool Q##_pop(struct Q *q, void **p)                             \
{ return q__dequeue(&q->r, p, 1, sizeof(void *), false, CMULTI) == 1; }       \
static inline bool Q##_push_n(struct Q *q, void *const *p, size_t n)          \
{ return q__enqueue(&q->r, p, n, sizeof(void *), false, PMULTI) == n; }       \
static inline size_t Q##_pop_n(struct Q *q, void **p, size_t n)               \
{ return q__dequeue(&q->r, p, n, sizeof(void *), true, CMULTI); }

QUEUE__API(spscq, false, false)
QUEUE__API(mpscq, true, false)
QUEUE__API(mpmcq, true, true)

#undef QUEUE__API

#endif
