/*
 * setup.c - x86-64 bring-up, in the order the hardware needs it.
 */
#include <synthos/console.h>
#include <arch/acpi.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/interrupts.h>
#include <arch/irq.h>
#include <arch/percpu.h>
#include <arch/setup.h>

void arch_early_init(void)
{
	gdt_init();
	idt_init();
	percpu_init();
	cpu_init();
}

void arch_late_init(void)
{
	syscall_init();
	acpi_init();
	apic_init();
	timer_init();
	console_enable_input();
	arch_irq_enable();
}

uint64_t arch_cycles_since_reset(void)
{
	return rdtsc();
}
