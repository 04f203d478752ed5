/*
 * trap.c - the IDT and trap_dispatch(), where every interrupt and
 * exception arrives (from entry.S).
 *
 * Exceptions in kernel mode are kernel bugs: they end in die() with a full
 * report (arch/x86_64/panic.c). Exceptions in user mode will become signals
 * when user mode exists. Device interrupts go to the handler registered for
 * the vector and are acknowledged at the local APIC.
 */
#include <synthos/compiler.h>
#include <synthos/log.h>
#include <synthos/panic.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/interrupts.h>
#include <arch/panic.h>

struct __packed idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t  ist;
	uint8_t  type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
};

static struct idt_gate idt[256] __aligned(16);
extern const uint64_t trap_stubs[256];

static struct {
	irq_handler_t fn;
	void *ctx;
} vector_handlers[256];

uint64_t irq_counts[256];

static const char *const exception_names[32] = {
	[0] = "divide error (#DE)",          [1] = "debug (#DB)",
	[2] = "non-maskable interrupt",       [3] = "breakpoint (#BP)",
	[4] = "overflow (#OF)",               [5] = "bound range (#BR)",
	[6] = "invalid opcode (#UD)",         [7] = "device not available (#NM)",
	[8] = "double fault (#DF)",           [9] = "coprocessor segment overrun",
	[10] = "invalid TSS (#TS)",           [11] = "segment not present (#NP)",
	[12] = "stack fault (#SS)",           [13] = "general protection (#GP)",
	[14] = "page fault (#PF)",            [16] = "x87 floating point (#MF)",
	[17] = "alignment check (#AC)",       [18] = "machine check (#MC)",
	[19] = "SIMD floating point (#XM)",   [20] = "virtualization (#VE)",
	[21] = "control protection (#CP)",    [28] = "hypervisor injection (#HV)",
	[29] = "VMM communication (#VC)",     [30] = "security (#SX)",
};

const char *exception_name(unsigned vector)
{
	if (vector < 32 && exception_names[vector])
		return exception_names[vector];
	return vector < 32 ? "reserved exception" : "interrupt";
}

static void set_gate(unsigned vec, uint64_t handler, unsigned ist, unsigned dpl)
{
	idt[vec] = (struct idt_gate){
		.offset_lo = handler & 0xffff,
		.selector = KERNEL_CS,
		.ist = ist,
		.type_attr = 0x8e | (dpl << 5),   /* present, 64-bit interrupt gate */
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_hi = handler >> 32,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, trap_stubs[v], 0, 0);
	set_gate(8, trap_stubs[8], IST_DOUBLE_FAULT, 0);
	set_gate(2, trap_stubs[2], IST_NMI, 0);
	set_gate(18, trap_stubs[18], IST_MCE, 0);

	struct __packed { uint16_t limit; uint64_t base; } d = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ __volatile__("lidt %0" : : "m"(d));
}

void vector_register(unsigned vector, irq_handler_t handler, void *ctx)
{
	vector_handlers[vector].ctx = ctx;
	__atomic_store_n(&vector_handlers[vector].fn, handler, __ATOMIC_RELEASE);
}

void trap_dispatch(struct trap_frame *f)
{
	unsigned vec = (unsigned)f->vector;

	if (vec < 32) {
		/* No user mode yet: every exception is the kernel's own. */
		die(f);
	}

	irq_counts[vec]++;
	if (vec == VEC_SPURIOUS)
		return;                       /* spurious: no EOI */
	if (vector_handlers[vec].fn)
		vector_handlers[vec].fn(vector_handlers[vec].ctx);
	else
		pr_warn("unexpected interrupt on vector %u\n", vec);
	lapic_eoi();
}
