/*
 * gdt.c - the GDT and the TSS.
 *
 * Segment order is fixed by syscall/sysret (STAR): kernel code 0x08,
 * kernel data 0x10, user data 0x18, user code 0x20 (selectors 0x1b and
 * 0x23 with RPL 3), then the 16-byte TSS descriptor at 0x28.
 *
 * The TSS supplies RSP0 (the stack for interrupts from user mode, set per
 * thread later) and three IST stacks, used by the exceptions that must not
 * run on a possibly broken stack: #DF (a kernel stack overflow hits the
 * guard page, the #PF cannot push its frame, the CPU raises #DF), NMI and
 * #MC.
 */
#include <synthos/compiler.h>
#include <synthos/string.h>
#include <arch/interrupts.h>
#include <arch/gdt.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

static struct tss tss __aligned(16);
static uint64_t gdt[7] __aligned(16);

#define IST_STACK_SIZE 16384
static uint8_t ist_stacks[3][IST_STACK_SIZE] __aligned(16);

struct __packed gdt_desc {
	uint16_t limit;
	uint64_t base;
};

void gdt_init(void)
{
	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL;   /* kernel code: L, P, DPL0, exec/read */
	gdt[2] = 0x00cf92000000ffffULL;   /* kernel data: P, DPL0, read/write */
	gdt[3] = 0x00cff2000000ffffULL;   /* user data: DPL3 */
	gdt[4] = 0x00affa000000ffffULL;   /* user code: L, DPL3 */

	memset(&tss, 0, sizeof(tss));
	for (int i = 0; i < 3; i++)
		tss.ist[i] = (uint64_t)&ist_stacks[i][IST_STACK_SIZE];
	tss.iomap_base = sizeof(tss);     /* no I/O permission bitmap */

	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 (0x89ULL << 40) |          /* present, 64-bit TSS (available) */
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;

	struct gdt_desc d = { sizeof(gdt) - 1, (uint64_t)gdt };
	__asm__ __volatile__(
		"lgdt %0\n\t"
		"pushq $0x08\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw $0x10, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"xorw %%ax, %%ax\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs\n\t"
		"movw $0x28, %%ax\n\t"
		"ltr %%ax"
		: : "m"(d) : "rax", "memory");
}

void tss_set_rsp0(uint64_t rsp0)
{
	tss.rsp[0] = rsp0;
}

bool ist_stack_range(uint64_t addr, uint64_t *lo, uint64_t *hi)
{
	for (int i = 0; i < 3; i++) {
		uint64_t b = (uint64_t)ist_stacks[i];
		if (addr >= b && addr < b + IST_STACK_SIZE) {
			*lo = b;
			*hi = b + IST_STACK_SIZE;
			return true;
		}
	}
	return false;
}
