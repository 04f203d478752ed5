/*
 * test_pipe_fast.c - the synthesized pipe bodies (synth/templates/fastc_pipe.c)
 * run on the host, in threads: the very C the kernel copies into its code
 * cache, compiled here with SYNTH_HOSTED (user accesses are plain memory).
 *
 * A hole is a symbol whose address is the value, so the test defines the
 * symbols: HOLE_pipe is the pipe itself, HOLE_counter the gauge. One pipe
 * per process, reset between tests.
 *
 * A body that returns SYNTH_FALLBACK changed nothing and the call goes to
 * a stand-in for the generic path: it takes the pipe's lock (the one the mp
 * bodies try and the spsc bodies give way to), waits for room or data
 * with the lock dropped, and moves the bytes a page at a time through the
 * same shared step (<synthos/pipe.h>), as kernel/dev/pipe.c does. What is
 * checked:
 *   - spsc: one writer thread and one reader thread through the dedicated
 *     variants move a stream of messages of 1..PIPE_BUF bytes intact and
 *     in order;
 *   - mp: three writers through the optimistic variant and a reader
 *     through the mp read: every message arrives whole (PIPE_BUF
 *     atomicity: no bytes of another write inside it), each writer's in
 *     order, none lost or duplicated;
 *   - the refusals: a full ring, an empty one, a sleeper on either queue,
 *     a held lock, no reader, a write larger than PIPE_BUF or crossing a
 *     page, a bad range -- all SYNTH_FALLBACK with the ring unchanged.
 * Built twice: with ASan+UBSan (the generic rule) and under TSan
 * (test_pipe_fast_tsan), which checks the spsc pair really needs no lock.
 */
#define SYNTH_HOSTED
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include "ut.h"

/* The holes' values. */
#include <synthos/pipe.h>
struct pipe hosted_pipe __asm__("HOLE_pipe");
uint64_t hosted_counter __asm__("HOLE_counter");

#include "../../synth/templates/fastc_pipe.c"

#define NPAGES PIPE_PAGES
static char *pages[NPAGES];

static struct pipe *pipe_reset(void)
{
	struct pipe *p = &hosted_pipe;
	memset(p, 0, sizeof(*p));
	list_init(&p->lock_wq.waiters);
	list_init(&p->rd_wq.waiters);
	list_init(&p->wr_wq.waiters);
	for (int i = 0; i < NPAGES; i++) {
		if (!pages[i])
			pages[i] = malloc(4096);
		memset(pages[i], 0, 4096);
	}
	p->pages = pages;
	p->npages = NPAGES;
	p->size = NPAGES * 4096;
	p->readers = p->writers = 1;
	hosted_counter = 0;
	return p;
}

/* A message: 2 bytes of length, the writer, the low byte of its
 * sequence number, then a byte that depends on both, repeated. */
static size_t msg_len(unsigned w, unsigned s) { return 4 + (s * 2654435761u + w * 97) % (PIPE_BUF - 3); }
static unsigned char msg_fill(unsigned w, unsigned s) { return (unsigned char)(w * 31 + s * 7 + 1); }

static void msg_make(unsigned char *m, unsigned w, unsigned s, size_t len)
{
	m[0] = (unsigned char)(len & 0xff);
	m[1] = (unsigned char)(len >> 8);
	m[2] = (unsigned char)w;
	m[3] = (unsigned char)s;
	memset(m + 4, msg_fill(w, s), len - 4);
}

static void lock_pipe(struct pipe *p)
{
	while (__atomic_exchange_n(&p->locked, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void unlock_pipe(struct pipe *p)
{
	__atomic_store_n(&p->locked, 0, __ATOMIC_RELEASE);
}

/* pipe_buf_write for len <= PIPE_BUF: wait for room for all of it, then
 * copy it in under the lock. */
static void generic_write(struct pipe *p, const unsigned char *m, size_t len)
{
	for (;;) {
		lock_pipe(p);
		if (p->size - (p->head - __atomic_load_n(&p->tail, __ATOMIC_ACQUIRE)) >= len)
			break;
		unlock_pipe(p);
		sched_yield();
	}
	for (size_t done = 0; done < len;) {
		size_t chunk = len - done, room = 4096 - p->head % 4096;
		if (chunk > room)
			chunk = room;
		char *d = pipe_write_slot(p, chunk);
		if (!d)
			abort();
		memcpy(d, m + done, chunk);
		pipe_write_publish(p, chunk);
		done += chunk;
	}
	unlock_pipe(p);
}

/* pipe_buf_read: wait for data, take up to n bytes under the lock. */
static size_t generic_read(struct pipe *p, unsigned char *buf, size_t n)
{
	size_t done = 0, k;
	const char *src;
	for (;;) {
		lock_pipe(p);
		while (done < n && (src = pipe_read_slot(p, n - done, &k))) {
			memcpy(buf + done, src, k);
			pipe_read_publish(p, k);
			done += k;
		}
		unlock_pipe(p);
		if (done)
			return done;
		sched_yield();
	}
}

struct writer_arg {
	unsigned id, count;
	int mp;
};

static void *writer(void *arg)
{
	struct writer_arg *a = arg;
	static __thread unsigned char m[PIPE_BUF];
	for (unsigned s = 0; s < a->count; s++) {
		size_t len = msg_len(a->id, s);
		msg_make(m, a->id, s, len);
		for (;;) {
			long r = a->mp ? fastc_pipe_write_mp(0, (char *)m, len)
				       : fastc_pipe_write_spsc(0, (char *)m, len);
			if (r == (long)len)
				break;
			if (r != SYNTH_FALLBACK) {
				fprintf(stderr, "write body returned %ld for %zu bytes\n", r, len);
				abort();
			}
			generic_write(&hosted_pipe, m, len);
			break;
		}
	}
	return NULL;
}

/* Read the stream until every writer's count of messages arrived; parse
 * and check it. Returns the number of failures found (0 on success). */
static int read_and_check(unsigned nwriters, unsigned count, int mp)
{
	static unsigned char stream[8 * PIPE_BUF];
	size_t have = 0;
	unsigned next[8] = { 0 }, done = 0;
	while (done < nwriters * count) {
		size_t want = 1 + (size_t)(rand() % 5000);
		if (want > sizeof stream - have)
			want = sizeof stream - have;
		long r = mp ? fastc_pipe_read_mp(0, (char *)stream + have, want)
			    : fastc_pipe_read_spsc(0, (char *)stream + have, want);
		if (r == SYNTH_FALLBACK)
			r = (long)generic_read(&hosted_pipe, stream + have, want);
		if (r <= 0 || (size_t)r > want) {
			fprintf(stderr, "read body returned %ld for %zu\n", r, want);
			return 1;
		}
		have += (size_t)r;
		/* Take every whole message at the front. */
		for (;;) {
			if (have < 2)
				break;
			size_t len = stream[0] | (size_t)stream[1] << 8;
			if (len < 4 || len > PIPE_BUF) {
				fprintf(stderr, "bad length %zu: a message was split\n", len);
				return 1;
			}
			if (have < len)
				break;
			unsigned w = stream[2], s = stream[3];
			if (w >= nwriters || s != (next[w] & 0xff) || len != msg_len(w, next[w])) {
				fprintf(stderr, "writer %u: message %u out of order or mixed\n", w, next[w]);
				return 1;
			}
			for (size_t i = 4; i < len; i++)
				if (stream[i] != msg_fill(w, next[w])) {
					fprintf(stderr, "writer %u message %u: byte %zu from another write\n",
						w, next[w], i);
					return 1;
				}
			next[w]++;
			done++;
			memmove(stream, stream + len, have - len);
			have -= len;
		}
	}
	if (have) {
		fprintf(stderr, "%zu bytes left over\n", have);
		return 1;
	}
	return 0;
}

static int run(unsigned nwriters, unsigned count, int mp_write, int mp_read)
{
	pipe_reset();
	pthread_t th[8];
	struct writer_arg a[8];
	for (unsigned i = 0; i < nwriters; i++) {
		a[i] = (struct writer_arg){ i, count, mp_write };
		pthread_create(&th[i], NULL, writer, &a[i]);
	}
	int bad = read_and_check(nwriters, count, mp_read);
	for (unsigned i = 0; i < nwriters; i++)
		pthread_join(th[i], NULL);
	return bad;
}

#ifdef PIPE_FAST_TSAN
#define COUNT 3000
#else
#define COUNT 20000
#endif

UT_TEST(spsc_bodies_stream_in_order)
{
	UT_CHECK_EQ(run(1, COUNT, 0, 0), 0);
	UT_CHECK_EQ(hosted_pipe.head - hosted_pipe.tail, 0);
}

UT_TEST(mp_writers_keep_pipe_buf_atomicity)
{
	UT_CHECK_EQ(run(3, COUNT / 2, 1, 1), 0);
	UT_CHECK(!hosted_pipe.locked);
	/* mp writers with the dedicated reader (one reading thread). */
	UT_CHECK_EQ(run(3, COUNT / 4, 1, 0), 0);
}

UT_TEST(bodies_refuse_what_the_generic_path_must_do)
{
	struct pipe *p = pipe_reset();
	char buf[PIPE_BUF + 1] = { 0 };
	UT_CHECK_EQ(fastc_pipe_read_spsc(0, buf, 1), SYNTH_FALLBACK);          /* empty */
	UT_CHECK_EQ(fastc_pipe_write_spsc(0, buf, PIPE_BUF + 1), SYNTH_FALLBACK); /* > PIPE_BUF */
	UT_CHECK_EQ(fastc_pipe_write_spsc(0, buf, 0), SYNTH_FALLBACK);         /* 0: generic */
	UT_CHECK_EQ(fastc_pipe_write_spsc(0, (char *)0xffff800000000000UL, 1), SYNTH_FALLBACK);
	p->readers = 0;                                                         /* EPIPE */
	UT_CHECK_EQ(fastc_pipe_write_spsc(0, buf, 1), SYNTH_FALLBACK);
	p->readers = 1;
	p->locked = true;                                                       /* held */
	UT_CHECK_EQ(fastc_pipe_write_spsc(0, buf, 1), SYNTH_FALLBACK);
	UT_CHECK_EQ(fastc_pipe_write_mp(0, buf, 1), SYNTH_FALLBACK);
	UT_CHECK(p->locked);                   /* a refused try-lock leaves it held */
	p->locked = false;
	UT_CHECK_EQ(fastc_pipe_write_spsc(0, buf, 10), 10);
	UT_CHECK_EQ(p->head, 10);
	struct list_head sleeper;              /* a reader asleep: only generic wakes */
	list_add_tail(&sleeper, &p->rd_wq.waiters);
	UT_CHECK_EQ(fastc_pipe_write_mp(0, buf, 1), SYNTH_FALLBACK);
	list_del(&sleeper);
	list_add_tail(&sleeper, &p->wr_wq.waiters);       /* a writer asleep */
	UT_CHECK_EQ(fastc_pipe_read_mp(0, buf, 1), SYNTH_FALLBACK);
	list_del(&sleeper);
	UT_CHECK_EQ(fastc_pipe_read_mp(0, buf, 4), 4);
	UT_CHECK_EQ(p->tail, 4);
	UT_CHECK(!p->locked);
	/* Crossing a page: refused (the generic write splits it). */
	p->head = p->tail = 4090;
	UT_CHECK_EQ(fastc_pipe_write_spsc(0, buf, 10), SYNTH_FALLBACK);
	UT_CHECK_EQ(fastc_pipe_write_spsc(0, buf, 6), 6);
	/* A page not there yet: refused (the generic write allocates it). */
	char *page1 = p->pages[1];
	p->pages[1] = NULL;
	UT_CHECK_EQ(fastc_pipe_write_spsc(0, buf, 1), SYNTH_FALLBACK);
	p->pages[1] = page1;
	/* Full: refused. */
	p->head = p->tail + p->size;
	UT_CHECK_EQ(fastc_pipe_write_spsc(0, buf, 1), SYNTH_FALLBACK);
	UT_CHECK(hosted_counter > 0);          /* the gauge counted the calls */
}
