/*
 * test_queue.c - hosted tests of include/synthos/queue.h.
 *
 * First the single-threaded semantics of each queue (empty/full, wrap of
 * the free-running counters, all-or-nothing and partial bulk copies, the
 * pointer forms). Then stress tests with real threads: producers tag each
 * item with (producer, sequence); consumers check that every producer's
 * items arrive in order, exactly once, with matching checksums; byte
 * producers write self-describing chunks that must come out contiguous
 * (the PIPE_BUF guarantee of the optimistic queues).
 *
 * Built twice (tests/unit/queue.mk): test_queue under ASan+UBSan and
 * test_queue_tsan under ThreadSanitizer (-DQUEUE_TSAN, smaller counts:
 * TSan is ~10x slower). On an idle 2-core machine the ASan binary runs in
 * about 3 s and the TSan one in about 5 s.
 */
#include "ut.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

/*
 * Threads here are preemptible, unlike kernel callers of the optimistic
 * queues (see queue.h, "Progress"): a producer descheduled between its
 * reservation and its publication makes the later ones spin a whole time
 * slice with PAUSE. Yield instead so that the stress tests stay short (and
 * under TSan, whose emulated atomics starve the writer, terminate at all).
 */
#define QUEUE_RELAX() sched_yield()
#include <synthos/queue.h>

#ifdef QUEUE_TSAN
#define STRESS_ITEMS    200000UL
#define STRESS_CHUNKS   20000UL
#else
#define STRESS_ITEMS    1000000UL
#define STRESS_CHUNKS   60000UL
#endif

/* ---- single-threaded semantics ------------------------------------------ */

/* The same checks for each queue kind; Q is spscq, mpscq or mpmcq. */
#define BYTE_SEMANTICS(Q) do {                                              \
	static struct Q q;                                                  \
	uint8_t ring[16], out[32], in[32], c;                               \
	for (int i = 0; i < 32; i++) in[i] = (uint8_t)(i + 1);              \
	Q##_init(&q, ring, 16);                                             \
	UT_CHECK_EQ(Q##_capacity(&q), 16);                                  \
	UT_CHECK(Q##_empty(&q));                                            \
	UT_CHECK(!Q##_get(&q, &c));                                         \
	UT_CHECK_EQ(Q##_read_partial(&q, out, 4), 0);                       \
	UT_CHECK(!Q##_read(&q, out, 1));                                    \
	UT_CHECK(Q##_write(&q, in, 0));                                     \
	UT_CHECK(!Q##_write(&q, in, 17));       /* > capacity: never */     \
	UT_CHECK(Q##_empty(&q));                                            \
	UT_CHECK(Q##_write(&q, in, 10));                                    \
	UT_CHECK_EQ(Q##_count(&q), 10);                                     \
	UT_CHECK(!Q##_write(&q, in, 7));        /* 6 free: all or nothing */\
	UT_CHECK_EQ(Q##_count(&q), 10);                                     \
	UT_CHECK_EQ(Q##_write_partial(&q, in + 10, 7), 6);                  \
	UT_CHECK_EQ(Q##_count(&q), 16);                                     \
	UT_CHECK(!Q##_put(&q, 99));                                         \
	UT_CHECK_EQ(Q##_write_partial(&q, in, 1), 0);                       \
	UT_CHECK(!Q##_read(&q, out, 17));                                   \
	UT_CHECK(Q##_get(&q, &c));                                          \
	UT_CHECK_EQ(c, 1);                                                  \
	UT_CHECK(Q##_read(&q, out, 9));                                     \
	UT_CHECK(memcmp(out, in + 1, 9) == 0);                              \
	UT_CHECK(!Q##_read(&q, out, 7));        /* 6 there */               \
	UT_CHECK_EQ(Q##_read_partial(&q, out, 32), 6);                      \
	UT_CHECK(memcmp(out, in + 10, 6) == 0);                             \
	UT_CHECK(Q##_empty(&q));                                            \
	/* Wrap-around: head at 16, write 12 (wraps at 32 in the ring). */  \
	for (int round = 0; round < 50; round++) {                          \
		size_t n = (size_t)(round % 16) + 1;                        \
		UT_CHECK(Q##_write(&q, in + round % 8, n));                 \
		UT_CHECK(Q##_read(&q, out, n));                             \
		UT_CHECK(memcmp(out, in + round % 8, n) == 0);              \
	}                                                                   \
	UT_CHECK(Q##_put(&q, 7));                                           \
	UT_CHECK(Q##_write(&q, in, 15));        /* straddles the wrap */    \
	UT_CHECK(Q##_get(&q, &c));                                          \
	UT_CHECK_EQ(c, 7);                                                  \
	UT_CHECK(Q##_read(&q, out, 15));                                    \
	UT_CHECK(memcmp(out, in, 15) == 0);                                 \
	UT_CHECK(Q##_empty(&q));                                            \
} while (0)

#define PTR_SEMANTICS(Q) do {                                               \
	static struct Q q;                                                  \
	void *ring[8], *p, *v[8], *out[8];                                  \
	for (int i = 0; i < 8; i++) v[i] = (void *)(uintptr_t)(0x1000 + i); \
	Q##_init(&q, ring, 8);                                              \
	UT_CHECK(!Q##_pop(&q, &p));                                         \
	for (int round = 0; round < 5; round++) {                           \
		for (int i = 0; i < 8; i++)                                 \
			UT_CHECK(Q##_push(&q, v[i]));                       \
		UT_CHECK(!Q##_push(&q, v[0]));                              \
		for (int i = 0; i < 3; i++) {                               \
			UT_CHECK(Q##_pop(&q, &p));                          \
			UT_CHECK(p == v[i]);                                \
		}                                                           \
		UT_CHECK(!Q##_push_n(&q, v, 4));                            \
		UT_CHECK(Q##_push_n(&q, v, 3));                             \
		UT_CHECK_EQ(Q##_pop_n(&q, out, 8), 8);                      \
		for (int i = 0; i < 5; i++) UT_CHECK(out[i] == v[i + 3]);   \
		for (int i = 0; i < 3; i++) UT_CHECK(out[5 + i] == v[i]);   \
		UT_CHECK_EQ(Q##_pop_n(&q, out, 8), 0);                      \
		UT_CHECK(Q##_push(&q, v[1]));   /* shift the phase */       \
		UT_CHECK(Q##_pop(&q, &p));                                  \
	}                                                                   \
} while (0)

UT_TEST(spsc_bytes) { BYTE_SEMANTICS(spscq); }
UT_TEST(mpsc_bytes) { BYTE_SEMANTICS(mpscq); }
UT_TEST(mpmc_bytes) { BYTE_SEMANTICS(mpmcq); }
UT_TEST(spsc_ptrs)  { PTR_SEMANTICS(spscq); }
UT_TEST(mpsc_ptrs)  { PTR_SEMANTICS(mpscq); }
UT_TEST(mpmc_ptrs)  { PTR_SEMANTICS(mpmcq); }

/* Counters are free-running: start them near the top of qidx_t. */
UT_TEST(counter_wrap)
{
	static struct mpmcq q;
	uint8_t ring[8], buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[8];

	mpmcq_init(&q, ring, 8);
	q.r.prod.head = q.r.prod.tail = q.r.cons.head = q.r.cons.tail =
		(qidx_t)-5;
	for (int i = 0; i < 20; i++) {
		UT_CHECK(mpmcq_write(&q, buf, 8));
		UT_CHECK(!mpmcq_put(&q, 0));
		UT_CHECK_EQ(mpmcq_count(&q), 8);
		UT_CHECK(mpmcq_read(&q, out, 8));
		UT_CHECK(memcmp(out, buf, 8) == 0);
		UT_CHECK(mpmcq_write(&q, buf, 3));
		UT_CHECK(mpmcq_read(&q, out, 3));
	}
	UT_CHECK(mpmcq_empty(&q));
}

/* A 4 KiB pipe-sized bulk copy through a 4 KiB ring, at every phase. */
UT_TEST(bulk_4k)
{
	static uint8_t ring[4096], in[4096], out[4096];
	static struct mpscq q;

	for (int i = 0; i < 4096; i++)
		in[i] = (uint8_t)(i * 7 + 3);
	mpscq_init(&q, ring, 4096);
	for (size_t phase = 0; phase < 4096; phase += 509) {
		UT_CHECK(mpscq_write(&q, in, phase));
		UT_CHECK(mpscq_read(&q, out, phase));
		UT_CHECK(mpscq_write(&q, in, 4096));
		UT_CHECK(!mpscq_put(&q, 1));
		UT_CHECK(mpscq_read(&q, out, 4096));
		UT_CHECK(memcmp(in, out, 4096) == 0);
	}
}

/* ---- stress: pointer items ------------------------------------------------- */

enum { KIND_SPSC, KIND_MPSC, KIND_MPMC };

struct pstress {
	int kind, nprod, ncons;
	unsigned long items;             /* per producer */
	void *ring[1024];
	struct spscq s;
	struct mpscq m;
	struct mpmcq mm;
	unsigned long consumed;          /* total, atomic */
	/* per consumer x producer results */
	unsigned long cnt[2][4], sum[2][4];
	int bad[2];
	uint8_t *seen;                   /* [producer][seq] */
};

struct parg { struct pstress *s; int id; };

static bool ps_push(struct pstress *s, void *p)
{
	switch (s->kind) {
	case KIND_SPSC: return spscq_push(&s->s, p);
	case KIND_MPSC: return mpscq_push(&s->m, p);
	default:        return mpmcq_push(&s->mm, p);
	}
}

static size_t ps_pop_n(struct pstress *s, void **p, size_t n)
{
	switch (s->kind) {
	case KIND_SPSC: return spscq_pop_n(&s->s, p, n);
	case KIND_MPSC: return mpscq_pop_n(&s->m, p, n);
	default:        return mpmcq_pop_n(&s->mm, p, n);
	}
}

static void *ps_producer(void *a)
{
	struct parg *pa = a;
	struct pstress *s = pa->s;

	/* Item = producer << 40 | (seq + 1): never NULL. */
	for (unsigned long i = 0; i < s->items; i++) {
		void *p = (void *)(((uintptr_t)pa->id << 40) | (i + 1));
		unsigned spins = 0;
		while (!ps_push(s, p))
			if (++spins % 64 == 0)
				sched_yield();
	}
	return NULL;
}

static void *ps_consumer(void *a)
{
	struct parg *pa = a;
	struct pstress *s = pa->s;
	unsigned long total = s->items * (unsigned long)s->nprod;
	unsigned long last[4] = { 0 };
	void *batch[16];
	unsigned spins = 0;

	while (__atomic_load_n(&s->consumed, __ATOMIC_RELAXED) < total) {
		size_t n = ps_pop_n(s, batch, (size_t)(spins % 16) + 1);
		if (n == 0) {
			if (++spins % 64 == 0)
				sched_yield();
			continue;
		}
		spins++;
		for (size_t i = 0; i < n; i++) {
			uintptr_t v = (uintptr_t)batch[i];
			unsigned pid = (unsigned)(v >> 40);
			unsigned long seq = v & ((1UL << 40) - 1);
			if (pid >= (unsigned)s->nprod || seq == 0 ||
			    seq > s->items || seq <= last[pid] ||
			    (s->ncons == 1 && seq != last[pid] + 1)) {
				s->bad[pa->id]++;
				continue;
			}
			last[pid] = seq;
			s->cnt[pa->id][pid]++;
			s->sum[pa->id][pid] += seq;
			s->seen[pid * s->items + seq - 1]++;
		}
		__atomic_fetch_add(&s->consumed, n, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int pstress_run(int kind, int nprod, int ncons)
{
	struct pstress *s = calloc(1, sizeof(*s));
	pthread_t th[6];
	struct parg args[6];
	int n = 0, errors = 0;

	s->kind = kind;
	s->nprod = nprod;
	s->ncons = ncons;
	s->items = STRESS_ITEMS / (unsigned long)nprod;
	s->seen = calloc(s->items * (unsigned long)nprod, 1);
	spscq_init(&s->s, s->ring, 1024);
	mpscq_init(&s->m, s->ring, 1024);
	mpmcq_init(&s->mm, s->ring, 1024);
	for (int c = 0; c < ncons; c++, n++) {
		args[n] = (struct parg){ s, c };
		pthread_create(&th[n], NULL, ps_consumer, &args[n]);
	}
	for (int p = 0; p < nprod; p++, n++) {
		args[n] = (struct parg){ s, p };
		pthread_create(&th[n], NULL, ps_producer, &args[n]);
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);

	unsigned long want_sum = s->items * (s->items + 1) / 2;
	for (int p = 0; p < nprod; p++) {
		unsigned long cnt = 0, sum = 0;
		for (int c = 0; c < ncons; c++) {
			cnt += s->cnt[c][p];
			sum += s->sum[c][p];
		}
		if (cnt != s->items || sum != want_sum) {
			printf("  producer %d: %lu items (want %lu), sum %lu (want %lu)\n",
			       p, cnt, s->items, sum, want_sum);
			errors++;
		}
	}
	for (unsigned long i = 0; i < s->items * (unsigned long)nprod; i++)
		if (s->seen[i] != 1) {
			printf("  item %lu seen %u times\n", i, s->seen[i]);
			errors++;
			break;
		}
	for (int c = 0; c < ncons; c++)
		if (s->bad[c]) {
			printf("  consumer %d: %d items out of order or corrupt\n",
			       c, s->bad[c]);
			errors++;
		}
	free(s->seen);
	free(s);
	return errors;
}

UT_TEST(stress_spsc_ptrs)    { UT_CHECK_EQ(pstress_run(KIND_SPSC, 1, 1), 0); }
UT_TEST(stress_mpsc_ptrs_3p) { UT_CHECK_EQ(pstress_run(KIND_MPSC, 3, 1), 0); }
UT_TEST(stress_mpmc_ptrs_2p2c) { UT_CHECK_EQ(pstress_run(KIND_MPMC, 2, 2), 0); }
UT_TEST(stress_mpmc_ptrs_4p2c) { UT_CHECK_EQ(pstress_run(KIND_MPMC, 4, 2), 0); }

/* ---- stress: byte chunks ------------------------------------------------------
 *
 * A chunk is [len][pid][seq lo][seq hi][body...], len in 5..CHUNK_MAX, body
 * byte i = (pid * 37 + seq + i) & 0xff. Producers write each chunk with the
 * all-or-nothing write. With one consumer (mpsc) the consumer reads the byte
 * stream with read_partial of random sizes and parses it: a chunk broken by
 * another producer's bytes fails the body check or the per-producer sequence.
 * With two consumers (mpmc) chunks have a fixed size and consumers use the
 * all-or-nothing read, so each read must return one whole chunk.
 */
#define CHUNK_MAX 200

struct bstress {
	int kind, nprod, ncons, fixed;
	unsigned long chunks;            /* per producer */
	uint8_t ring[512];
	struct spscq s;
	struct mpscq m;
	struct mpmcq mm;
	unsigned long consumed;          /* chunks, atomic */
	unsigned long cnt[4];            /* chunks per producer, atomic */
	unsigned long bytes[4];          /* body bytes per producer, atomic */
	int bad;                         /* atomic */
	int stop;                        /* atomic: a consumer gave up */
};

struct barg { struct bstress *s; int id; };

static size_t chunk_len(int fixed, unsigned pid, unsigned long seq)
{
	return fixed ? (size_t)fixed : 5 + (size_t)((seq * 2654435761UL + pid) % (CHUNK_MAX - 4));
}

static void chunk_fill(uint8_t *b, size_t len, unsigned pid, unsigned long seq)
{
	b[0] = (uint8_t)len;
	b[1] = (uint8_t)pid;
	b[2] = (uint8_t)seq;
	b[3] = (uint8_t)(seq >> 8);
	for (size_t i = 4; i < len; i++)
		b[i] = (uint8_t)(pid * 37 + seq + i);
}

static bool bs_write(struct bstress *s, const void *b, size_t n)
{
	switch (s->kind) {
	case KIND_SPSC: return spscq_write(&s->s, b, n);
	case KIND_MPSC: return mpscq_write(&s->m, b, n);
	default:        return mpmcq_write(&s->mm, b, n);
	}
}

static void *bs_producer(void *a)
{
	struct barg *ba = a;
	struct bstress *s = ba->s;
	uint8_t b[CHUNK_MAX];

	for (unsigned long seq = 0; seq < s->chunks; seq++) {
		size_t len = chunk_len(s->fixed, (unsigned)ba->id, seq);
		unsigned spins = 0;
		chunk_fill(b, len, (unsigned)ba->id, seq);
		while (!bs_write(s, b, len)) {
			if (__atomic_load_n(&s->stop, __ATOMIC_RELAXED))
				return NULL;
			if (++spins % 64 == 0)
				sched_yield();
		}
	}
	return NULL;
}

/* Check one whole chunk; returns false if corrupt. */
static bool chunk_check(struct bstress *s, const uint8_t *b, unsigned long *next)
{
	size_t len = b[0];
	unsigned pid = b[1];
	unsigned long seq = b[2] | (unsigned long)b[3] << 8;

	if (pid >= (unsigned)s->nprod || len < 5)
		return false;
	/* Sequence is 16 bits on the wire: compare mod 2^16. */
	if (next && seq != (next[pid] & 0xffff))
		return false;
	if (len != chunk_len(s->fixed, pid, next ? next[pid] : seq))
		return false;
	for (size_t i = 4; i < len; i++)
		if (b[i] != (uint8_t)(pid * 37 + seq + i))
			return false;
	if (next)
		next[pid]++;
	__atomic_fetch_add(&s->cnt[pid], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->bytes[pid], len - 4, __ATOMIC_RELAXED);
	return true;
}

/* One consumer: parse the stream, reading arbitrary partial amounts. */
static void *bs_stream_consumer(void *a)
{
	struct barg *ba = a;
	struct bstress *s = ba->s;
	unsigned long total = s->chunks * (unsigned long)s->nprod, done = 0;
	unsigned long next[4] = { 0 };
	uint8_t buf[2 * CHUNK_MAX];
	size_t have = 0;
	unsigned spins = 0, r = 1;

	while (done < total) {
		r = r * 1103515245u + 12345u;
		size_t want = 1 + (r >> 16) % CHUNK_MAX;
		if (want > sizeof(buf) - have)
			want = sizeof(buf) - have;
		size_t n;
		switch (s->kind) {
		case KIND_SPSC: n = spscq_read_partial(&s->s, buf + have, want); break;
		case KIND_MPSC: n = mpscq_read_partial(&s->m, buf + have, want); break;
		default:        n = mpmcq_read_partial(&s->mm, buf + have, want); break;
		}
		if (n == 0) {
			if (++spins % 64 == 0)
				sched_yield();
			continue;
		}
		have += n;
		while (have > 0 && have >= buf[0]) {
			size_t len = buf[0];
			if (len < 5 || !chunk_check(s, buf, next)) {
				__atomic_fetch_add(&s->bad, 1, __ATOMIC_RELAXED);
				printf("  bad chunk after %lu: len %u pid %u seq %u\n",
				       done, buf[0], buf[1], buf[2] | buf[3] << 8);
				__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
				return NULL;    /* the stream is lost */
			}
			memmove(buf, buf + len, have - len);
			have -= len;
			done++;
		}
	}
	return NULL;
}

/* Several consumers, fixed-size chunks, all-or-nothing reads. */
static void *bs_chunk_consumer(void *a)
{
	struct barg *ba = a;
	struct bstress *s = ba->s;
	unsigned long total = s->chunks * (unsigned long)s->nprod;
	uint8_t buf[CHUNK_MAX];
	unsigned spins = 0;

	while (__atomic_load_n(&s->consumed, __ATOMIC_RELAXED) < total) {
		if (!mpmcq_read(&s->mm, buf, (size_t)s->fixed)) {
			if (++spins % 64 == 0)
				sched_yield();
			continue;
		}
		if (buf[0] != s->fixed || !chunk_check(s, buf, NULL))
			__atomic_fetch_add(&s->bad, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&s->consumed, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int bstress_run(int kind, int nprod, int ncons, int fixed)
{
	struct bstress *s = calloc(1, sizeof(*s));
	pthread_t th[6];
	struct barg args[6];
	int n = 0, errors = 0;

	s->kind = kind;
	s->nprod = nprod;
	s->ncons = ncons;
	s->fixed = fixed;
	s->chunks = STRESS_CHUNKS / (unsigned long)nprod;
	spscq_init(&s->s, s->ring, sizeof(s->ring));
	mpscq_init(&s->m, s->ring, sizeof(s->ring));
	mpmcq_init(&s->mm, s->ring, sizeof(s->ring));
	for (int c = 0; c < ncons; c++, n++) {
		args[n] = (struct barg){ s, c };
		pthread_create(&th[n], NULL,
			       ncons == 1 ? bs_stream_consumer : bs_chunk_consumer,
			       &args[n]);
	}
	for (int p = 0; p < nprod; p++, n++) {
		args[n] = (struct barg){ s, p };
		pthread_create(&th[n], NULL, bs_producer, &args[n]);
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);

	if (s->bad) {
		printf("  %d corrupt or interleaved chunks\n", s->bad);
		errors++;
	}
	for (int p = 0; p < nprod; p++) {
		unsigned long want_bytes = 0;
		for (unsigned long seq = 0; seq < s->chunks; seq++)
			want_bytes += chunk_len(fixed, (unsigned)p, seq) - 4;
		if (s->cnt[p] != s->chunks || s->bytes[p] != want_bytes) {
			printf("  producer %d: %lu chunks (want %lu), %lu bytes (want %lu)\n",
			       p, s->cnt[p], s->chunks, s->bytes[p], want_bytes);
			errors++;
		}
	}
	free(s);
	return errors;
}

UT_TEST(stress_spsc_stream)      { UT_CHECK_EQ(bstress_run(KIND_SPSC, 1, 1, 0), 0); }
UT_TEST(stress_mpsc_chunks_3p)   { UT_CHECK_EQ(bstress_run(KIND_MPSC, 3, 1, 0), 0); }
UT_TEST(stress_mpsc_chunks_4p)   { UT_CHECK_EQ(bstress_run(KIND_MPSC, 4, 1, 0), 0); }
UT_TEST(stress_mpmc_chunks_2p2c) { UT_CHECK_EQ(bstress_run(KIND_MPMC, 2, 2, 24), 0); }
UT_TEST(stress_mpmc_chunks_3p2c) { UT_CHECK_EQ(bstress_run(KIND_MPMC, 3, 2, 100), 0); }
