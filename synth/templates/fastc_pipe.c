/*
 * fastc_pipe.c - read(2) and write(2) on one pipe end, synthesized per
 * descriptor: the Synthesis pipe, a queue quaject with two variants.
 *
 *   _spsc  dedicated single-producer/single-consumer queue: while exactly
 *          one thread can write the pipe (for the write end; one thread can
 *          read it, for the read end), the writer only advances head and
 *          the reader only advances tail, so neither takes the lock: it is
 *          enough that no generic operation holds it.
 *   _mp    optimistic multi-producer/multi-consumer: the pipe's lock is
 *          taken with one exchange; if somebody has it, the body does not
 *          wait but falls back to the generic path.
 *
 * Equivalent to the generic pipe_buf_write / pipe_buf_read (kernel/dev/
 * pipe.c) through do_rw, sharing their ring step (<synthos/pipe.h>:
 * pipe_write_slot, pipe_read_slot and the publishes), for the calls that
 * complete at once without waking anybody:
 *   write: 1..PIPE_BUF bytes that fit now in one page of the ring, with a
 *          reader present and nobody asleep on the pipe -- so the write is
 *          atomic (PIPE_BUF) and needs no wake-up;
 *   read:  data present, taken up to the count (never short while more is
 *          there, as the generic read), with no writer asleep.
 * The reader never touches head and the writer never touches tail (an
 * empty ring is restarted at 0 only by the generic read, under the lock),
 * so the spsc pair is a true SP-SC queue: tests/unit/test_pipe_fast.c
 * runs these very bodies in host threads under ThreadSanitizer.
 *
 * Everything else -- a full or empty pipe (blocking, EAGAIN under
 * O_NONBLOCK, EOF), no reader (EPIPE and SIGPIPE), a sleeper to wake, a
 * bad buffer (EFAULT), a page to allocate -- is SYNTH_FALLBACK before any
 * change, and the generic path does it. So O_NONBLOCK, which only matters
 * when a call would wait, is not an assumption of these bodies: F_SETFL
 * needs no event.
 */
#include "template.h"
#include <synthos/pipe.h>

DECLARED(counter);              /* the region's gauge */
QUASI(pipe);                    /* the pipe behind this descriptor */

ASSUMES(fastc_pipe_write_spsc, "fd-is-pipe", "close,dup2,dup3,close_range,exec");
ASSUMES(fastc_pipe_write_spsc, "one-writer", "fork,clone,thread,reopen");
ASSUMES(fastc_pipe_write_mp, "fd-is-pipe", "close,dup2,dup3,close_range,exec");
ASSUMES(fastc_pipe_read_spsc, "fd-is-pipe", "close,dup2,dup3,close_range,exec");
ASSUMES(fastc_pipe_read_spsc, "one-reader", "fork,clone,thread,reopen");
ASSUMES(fastc_pipe_read_mp, "fd-is-pipe", "close,dup2,dup3,close_range,exec");

/* Hold the pipe for one step. A sleeper on lock_wq needs no check: it
 * retries when it runs, and these bodies never sleep while holding. */
static inline int pipe_take(struct pipe *p, int mp)
{
	if (mp)
		return !__atomic_exchange_n(&p->locked, 1, __ATOMIC_ACQUIRE);
	return !__atomic_load_n(&p->locked, __ATOMIC_RELAXED);
}

static inline void pipe_give(struct pipe *p, int mp)
{
	if (mp)
		__atomic_store_n(&p->locked, 0, __ATOMIC_RELEASE);
}

static inline long pipe_write_body(const char *ubuf, size_t n, int mp)
{
	struct pipe *p = (struct pipe *)HOLE_pipe;
	long r = SYNTH_FALLBACK;
	GAUGE(HOLE_counter);
	/* Cheapest and likeliest refusal first: a reader asleep on the pipe
	 * (ping-pong traffic) needs the generic path's wake-up. */
	if (pipe_waiters(&p->rd_wq) || n - 1 >= PIPE_BUF || !USER_RANGE_OK(ubuf, n) ||
	    !pipe_take(p, mp))
		return SYNTH_FALLBACK;
	if (p->readers) {
		char *dst = pipe_write_slot(p, n);
		if (dst) {
			USER_BEGIN();
			fast_copy(dst, ubuf, n);
			USER_END();
			pipe_write_publish(p, n);
			r = (long)n;
		}
	}
	pipe_give(p, mp);
	return r;
}

static inline long pipe_read_body(char *ubuf, size_t n, int mp)
{
	struct pipe *p = (struct pipe *)HOLE_pipe;
	long r = SYNTH_FALLBACK;
	size_t k;
	GAUGE(HOLE_counter);
	/* Cheapest and likeliest refusal first: an empty pipe (the generic
	 * path blocks, says EOF or EAGAIN). */
	if (__atomic_load_n(&p->head, __ATOMIC_RELAXED) == p->tail || pipe_waiters(&p->wr_wq) ||
	    !n || !USER_RANGE_OK(ubuf, n) || !pipe_take(p, mp))
		return SYNTH_FALLBACK;
	const char *src = pipe_read_slot(p, n, &k);
	/* All that was asked, or all there is (a writer may be adding more:
	 * then a short read is not what the generic read would give). */
	if (src && (k == n || __atomic_load_n(&p->head, __ATOMIC_RELAXED) - p->tail == k)) {
		USER_BEGIN();
		fast_copy(ubuf, src, k);
		USER_END();
		pipe_read_publish(p, k);
		r = (long)k;
	}
	pipe_give(p, mp);
	return r;
}

long fastc_pipe_write_spsc(int fd, const char *ubuf, size_t n)
{
	return pipe_write_body(ubuf, n, 0);
}

long fastc_pipe_write_mp(int fd, const char *ubuf, size_t n)
{
	return pipe_write_body(ubuf, n, 1);
}

long fastc_pipe_read_spsc(int fd, char *ubuf, size_t n)
{
	return pipe_read_body(ubuf, n, 0);
}

long fastc_pipe_read_mp(int fd, char *ubuf, size_t n)
{
	return pipe_read_body(ubuf, n, 1);
}
