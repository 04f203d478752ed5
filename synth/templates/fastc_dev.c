/*
 * fastc_dev.c - read(2) on a descriptor that is /dev/zero, synthesized.
 *
 * Equivalent to do_rw -> zero_read (kernel/dev/mem.c) for counts up to a
 * page: the range is checked as access_ok does and the buffer zeroed. A
 * larger count, or a bad range (EFAULT), falls back to the generic path,
 * which also checks for signals between pages of a long read. The
 * descriptor's file never changes while the region lives (close, dup2,
 * dup3, close_range and exec unlink it), and /dev/zero has no state.
 */
#include "template.h"

DECLARED(counter);

ASSUMES(fastc_zero_read, "fd-is-dev-zero", "close,dup2,dup3,close_range,exec");

#define ZERO_FAST_MAX 4096

long fastc_zero_read(int fd, char *ubuf, unsigned long n)
{
	GAUGE(HOLE_counter);
	if (n > ZERO_FAST_MAX || !USER_RANGE_OK(ubuf, n))
		return SYNTH_FALLBACK;
	USER_BEGIN();
	fast_zero(ubuf, n);
	USER_END();
	return (long)n;
}
