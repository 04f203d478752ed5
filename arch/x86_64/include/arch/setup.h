/*
 * arch/setup.h - the machine bring-up steps kmain() calls (arch/x86_64/setup.c).
 */
#ifndef ARCH_SETUP_H
#define ARCH_SETUP_H

#include <synthos/types.h>

/* Traps first (so later faults are reported), then CPU features. */
void arch_early_init(void);
/* After mm_init(): ACPI, interrupt controllers, timer, console input; enables interrupts. */
void arch_late_init(void);
/* Guest instructions (TSC ticks) since reset: the boot-time figure under -icount. */
uint64_t arch_cycles_since_reset(void);

#endif
