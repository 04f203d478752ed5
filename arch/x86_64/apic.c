/*
 * apic.c - the local APIC (xAPIC, memory-mapped) and the I/O APIC.
 *
 * The legacy 8259 PICs are remapped out of the exception range and fully
 * masked: every device interrupt goes through the I/O APIC, with the ACPI
 * interrupt source overrides applied (on QEMU, ISA IRQ 0 is GSI 2).
 * Without an I/O APIC in the MADT we assume the standard 0xfec00000.
 */
#include <synthos/log.h>
#include <synthos/panic.h>
#include <arch/acpi.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/interrupts.h>
#include <arch/mm.h>

#define LAPIC_ID       0x020
#define LAPIC_VERSION  0x030
#define LAPIC_TPR      0x080
#define LAPIC_EOI      0x0b0
#define LAPIC_SVR      0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_ESR      0x280

static volatile uint32_t *lapic;
static volatile uint32_t *ioapic;

uint32_t lapic_read(uint32_t reg) { return lapic[reg / 4]; }
void lapic_write(uint32_t reg, uint32_t v) { lapic[reg / 4] = v; (void)lapic[LAPIC_ID / 4]; }

void lapic_eoi(void)
{
	if (lapic)
		lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	return lapic ? lapic_read(LAPIC_ID) >> 24 : 0;
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	ioapic[0] = reg;
	ioapic[4] = v;
}

static uint32_t ioapic_read(uint32_t reg)
{
	ioapic[0] = reg;
	return ioapic[4];
}

static void pic_disable(void)
{
	/* Remap to 0x20/0x28 (so a stray interrupt is not an exception), then mask all. */
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 0x20); outb(0xa1, 0x28);
	outb(0x21, 0x04); outb(0xa1, 0x02);
	outb(0x21, 0x01); outb(0xa1, 0x01);
	outb(0x21, 0xff); outb(0xa1, 0xff);
}

void apic_init(void)
{
	if (!cpu_features.apic)
		panic("this CPU has no local APIC; synthos needs one");
	pic_disable();

	uint64_t base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base | (1 << 11));     /* global enable */
	lapic = ioremap(base & ~0xfffUL, 4096);
	if (!lapic)
		panic("apic: cannot map the local APIC");
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_LINT0, 1 << 16);       /* masked */
	lapic_write(LAPIC_LVT_LINT1, 1 << 16);
	lapic_write(LAPIC_LVT_ERROR, 1 << 16);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_SVR, (1 << 8) | VEC_SPURIOUS);

	uint64_t io = acpi.ioapic_phys ? acpi.ioapic_phys : 0xfec00000;
	ioapic = ioremap(io, 4096);
	if (!ioapic)
		panic("apic: cannot map the I/O APIC");
	unsigned entries = ((ioapic_read(1) >> 16) & 0xff) + 1;
	for (unsigned i = 0; i < entries; i++) {
		ioapic_write(0x10 + 2 * i, 1 << 16);     /* masked */
		ioapic_write(0x11 + 2 * i, 0);
	}
	pr_info("apic: local APIC %u at %#llx (version %#x), I/O APIC at %#llx with %u pins\n",
		lapic_id(), (unsigned long long)(base & ~0xfffUL),
		lapic_read(LAPIC_VERSION) & 0xff, (unsigned long long)io, entries);
}

void ioapic_route(unsigned irq, unsigned vector)
{
	uint16_t flags;
	uint32_t gsi = acpi_irq_to_gsi((uint8_t)irq, &flags) - acpi.ioapic_gsi_base;
	uint32_t lo = vector;
	/* MPS INTI flags: polarity bits 0-1 (3 = active low), trigger 2-3 (3 = level). */
	if ((flags & 3) == 3)
		lo |= 1 << 13;
	if (((flags >> 2) & 3) == 3)
		lo |= 1 << 15;
	ioapic_write(0x11 + 2 * gsi, lapic_id() << 24);
	ioapic_write(0x10 + 2 * gsi, lo);
}

void irq_register(unsigned irq, irq_handler_t handler, void *ctx)
{
	BUG_ON(irq >= NR_ISA_IRQS);
	vector_register(VEC_IRQ_BASE + irq, handler, ctx);
	ioapic_route(irq, VEC_IRQ_BASE + irq);
}
