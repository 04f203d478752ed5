/*
 * time.h - the kernel's clocks (kernel/time.c, fed by the arch timer code).
 *
 * time_ns() is a monotonic nanosecond count since boot, from the TSC once
 * it is calibrated (0 before). jiffies counts timer ticks at HZ.
 */
#ifndef SYNTHOS_TIME_H
#define SYNTHOS_TIME_H

#include <synthos/types.h>

#define HZ 100
#define NSEC_PER_SEC 1000000000ULL

extern volatile uint64_t jiffies;

uint64_t time_ns(void);
/* Called by the arch code once the TSC rate is known. */
void time_set_tsc_rate(uint64_t tsc_hz, uint64_t tsc_at_boot);
uint64_t time_tsc_hz(void);
void time_tick(void);                 /* from the timer interrupt */
void time_delay_us(uint64_t us);      /* busy-wait; for drivers only */
/* CLOCK_REALTIME in ns since the epoch (kernel/time_syscalls.c). */
int64_t realtime_ns(void);

/*
 * The clocks' state, public so that code which may not call out -- the
 * synthesized file write (synth/templates/fastc_ramfs.c) -- reads the
 * clock through the same inlines time_ns() and realtime_ns() use.
 * time_ns_mult is 0 until the TSC is calibrated, so the monotonic clock
 * reads 0 until then, as time_ns() does; realtime_offset_ns is meaningful
 * once realtime_ready (set by the first realtime_ns()).
 */
extern uint64_t time_tsc0, time_ns_mult;
extern int64_t realtime_offset_ns;
extern bool realtime_ready;

static inline uint64_t time_ns_of_tsc(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)(tsc - time_tsc0) * time_ns_mult) >> 32);
}

/* realtime_ns(), given realtime_ready. */
static inline int64_t realtime_ns_ready(void)
{
	return (int64_t)time_ns_of_tsc(__builtin_ia32_rdtsc()) + realtime_offset_ns;
}
/* Its seconds as of the last tick (updated by realtime_tick from the timer). */
extern volatile int64_t realtime_coarse_sec;
void realtime_tick(void);

#endif
