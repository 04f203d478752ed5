/*
 * time.c - the monotonic clock.
 *
 * The clock is the TSC scaled to nanoseconds: ns = (tsc - tsc0) * mult >> 32
 * with mult = 1e9 * 2^32 / tsc_hz, computed once at calibration. 128-bit
 * multiplication keeps it exact for centuries of uptime. Before
 * calibration time_ns() returns 0 (log lines print [0.000000]).
 *
 * jiffies is written only by the timer interrupt (time_tick).
 */
#include <synthos/time.h>
#include <arch/cpu.h>

volatile uint64_t jiffies;

static uint64_t tsc_hz;
uint64_t time_tsc0;
uint64_t time_ns_mult;        /* ns per tick, 32.32 fixed point; 0 until calibrated */

void time_set_tsc_rate(uint64_t hz, uint64_t tsc_at_boot)
{
	tsc_hz = hz;
	time_tsc0 = tsc_at_boot;
	time_ns_mult = (uint64_t)(((unsigned __int128)NSEC_PER_SEC << 32) / hz);
}

uint64_t time_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t time_ns(void)
{
	if (!tsc_hz)
		return 0;
	return time_ns_of_tsc(rdtsc());
}

void time_tick(void)
{
	jiffies++;
	realtime_tick();
}

void time_delay_us(uint64_t us)
{
	uint64_t end = time_ns() + us * 1000;
	while (time_ns() < end)
		__asm__ __volatile__("pause");
}
