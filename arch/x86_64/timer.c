/*
 * timer.c - TSC calibration and the periodic tick from the local APIC timer.
 *
 * Both the TSC and the APIC timer are measured against PIT channel 2 over
 * a 10 ms window (the PIT's 1.193182 MHz is the one rate a PC guarantees).
 * If CPUID leaf 0x15/0x16 states the TSC rate, that is used instead of
 * the measurement. The tick runs at HZ in periodic mode.
 *
 * Under QEMU with -icount shift=0 the TSC counts guest instructions, and
 * the calibration reports about 1 GHz: that is the benchmark's unit.
 */
#include <synthos/log.h>
#include <synthos/time.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/interrupts.h>
#include <synthos/proc.h>

#define PIT_HZ            1193182
#define CALIBRATE_MS      10
#define LAPIC_TIMER_DIV   0x3e0
#define LAPIC_TIMER_INIT  0x380
#define LAPIC_TIMER_CUR   0x390
#define LAPIC_LVT_TIMER   0x320

uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);

static uint64_t lapic_hz;

uint64_t timer_lapic_hz(void)
{
	return lapic_hz;
}

static void timer_irq(void *ctx)
{
	(void)ctx;
	time_tick();
	sched_tick();
}

/* One PIT channel-2 countdown of CALIBRATE_MS; returns TSC and APIC ticks elapsed. */
static void measure(uint64_t *tsc_ticks, uint32_t *apic_ticks)
{
	uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint8_t gate = inb(0x61);

	outb(0x61, (gate & ~0x02) & ~0x01);       /* speaker off, gate low */
	outb(0x43, 0xb0);                         /* ch2, lo/hi byte, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	lapic_write(LAPIC_TIMER_DIV, 0x3);        /* divide by 16 */
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	uint64_t t0 = rdtsc();
	outb(0x61, (gate & ~0x02) | 0x01);        /* gate high: count starts */
	uint32_t a0 = lapic_read(LAPIC_TIMER_CUR);
	for (uint32_t spins = 0; !(inb(0x61) & 0x20) && spins < 100000000; spins++)
		;
	uint32_t a1 = lapic_read(LAPIC_TIMER_CUR);
	uint64_t t1 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0);
	outb(0x61, gate);
	*tsc_ticks = t1 - t0;
	*apic_ticks = a0 - a1;
}

void timer_init(void)
{
	uint64_t boot_tsc = 0;   /* the clock counts from reset: Linux does the same */
	uint64_t tsc_ticks;
	uint32_t apic_ticks;

	measure(&tsc_ticks, &apic_ticks);
	uint64_t tsc_hz = cpu_features.tsc_khz_cpuid ? (uint64_t)cpu_features.tsc_khz_cpuid * 1000
						     : tsc_ticks * (1000 / CALIBRATE_MS);
	time_set_tsc_rate(tsc_hz, boot_tsc);
	lapic_hz = (uint64_t)apic_ticks * (1000 / CALIBRATE_MS);

	vector_register(VEC_LAPIC_TIMER, timer_irq, NULL);
	lapic_write(LAPIC_TIMER_DIV, 0x3);
	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER | (1 << 17));   /* periodic */
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(lapic_hz / HZ));

	pr_info("time: TSC %llu.%03llu MHz (%s%s), APIC timer %llu kHz, tick %d Hz\n",
		(unsigned long long)(tsc_hz / 1000000), (unsigned long long)(tsc_hz / 1000 % 1000),
		cpu_features.tsc_khz_cpuid ? "from CPUID" : "calibrated against the PIT",
		cpu_features.invariant_tsc ? ", invariant" : "",
		(unsigned long long)(lapic_hz / 1000), HZ);
}
