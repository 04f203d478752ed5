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
/* Its seconds as of the last tick (updated by realtime_tick from the timer). */
extern volatile int64_t realtime_coarse_sec;
void realtime_tick(void);

#endif
