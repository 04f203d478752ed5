/*
 * arch/apic.h - local APIC, I/O APIC, timer (arch/x86_64/apic.c, timer.c).
 */
#ifndef ARCH_APIC_H
#define ARCH_APIC_H

#include <synthos/types.h>

void apic_init(void);          /* mask the 8259s, enable the local APIC, map the I/O APIC */
void lapic_eoi(void);
uint32_t lapic_id(void);
/* Route ISA irq to vector (edge/level and polarity from ACPI overrides). */
void ioapic_route(unsigned irq, unsigned vector);

void timer_init(void);         /* calibrate TSC and APIC timer, start the tick */
uint64_t timer_lapic_hz(void);

#endif
