/*
 * power.c - power-off and the test harness's exit status.
 * See include/synthos/power.h for the contract.
 */
#include <synthos/console.h>
#include <synthos/power.h>
#include <arch/acpi.h>
#include <arch/cpu.h>
#include <arch/irq.h>

void power_off(enum power_status status)
{
	arch_irq_disable();
	if (status == POWER_FAIL)
		outb(DEBUG_EXIT_PORT, DEBUG_EXIT_FAIL);
	else if (status == POWER_PANIC)
		outb(DEBUG_EXIT_PORT, DEBUG_EXIT_PANIC);
	else
		acpi_poweroff();
	/* The machine acts on these writes a little later: give it a moment
	 * before saying it did not. */
	for (volatile uint64_t spin = 0; spin < 50000000; spin++)
		;
	/* Still here: no debug-exit device, or S5 did not take. */
	static const char msg[] = "System halted.\n";
	console_write(msg, sizeof(msg) - 1);
	for (;;)
		arch_halt();
}
