/*
 * power.h - stopping the machine (arch/x86_64/power.c).
 *
 * power_off(POWER_OK) is a normal ACPI S5 power-off: QEMU exits with 0.
 * power_off(POWER_FAIL or POWER_PANIC) first writes the status to QEMU's
 * isa-debug-exit device (iobase 0xf4), which exits QEMU with
 * (value << 1) | 1: 35 for a failure, 37 for a panic. Without that device
 * (a real PC) a failure or panic halts, leaving the report on the screen.
 */
#ifndef SYNTHOS_POWER_H
#define SYNTHOS_POWER_H

#include <synthos/compiler.h>

enum power_status {
	POWER_OK = 0,
	POWER_FAIL = 1,
	POWER_PANIC = 2,
};

/* isa-debug-exit values; QEMU's exit status is (value << 1) | 1. */
#define DEBUG_EXIT_PORT     0xf4
#define DEBUG_EXIT_FAIL     0x11   /* QEMU exits 35 */
#define DEBUG_EXIT_PANIC    0x12   /* QEMU exits 37 */

__noreturn void power_off(enum power_status status);

#endif
