/*
 * gdt.c - the GDT and the TSS.
 *
 * The layout is Linux's, so user-visible selectors match: kernel code
 * 0x10, kernel data 0x18, 32-bit user code 0x23, user data 0x2b, 64-bit
 * user code 0x33 (the order syscall/sysret's STAR needs), and the 16-byte
 * TSS descriptor at 0x40.
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
static uint64_t gdt[10] __aligned(16);

#define IST_STACK_SIZE 16384
static uint8_t ist_stacks[3][IST_STACK_SIZE] __aligned(16);

struct __packed gdt_desc {
	uint16_t limit;
	uint64_t base;
};

void gdt_init(void)
{
	gdt[0] = 0;
	gdt[1] = 0x00cf9a000000ffffULL;   /* 0x08: 32-bit kernel code (unused) */
	gdt[2] = 0x00af9a000000ffffULL;   /* 0x10: kernel code: L, P, DPL0, exec/read */
	gdt[3] = 0x00cf92000000ffffULL;   /* 0x18: kernel data: P, DPL0, read/write */
	gdt[4] = 0x00cffa000000ffffULL;   /* 0x20: 32-bit user code (no compat mode: never loaded) */
	gdt[5] = 0x00cff2000000ffffULL;   /* 0x28: user data: DPL3 */
	gdt[6] = 0x00affa000000ffffULL;   /* 0x30: user code: L, DPL3 */
	gdt[7] = 0;

	memset(&tss, 0, sizeof(tss));
	for (int i = 0; i < 3; i++)
		tss.ist[i] = (uint64_t)&ist_stacks[i][IST_STACK_SIZE];
	tss.iomap_base = sizeof(tss);     /* no I/O permission bitmap */

	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	gdt[8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 (0x89ULL << 40) |          /* present, 64-bit TSS (available) */
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[9] = base >> 32;

	struct gdt_desc d = { sizeof(gdt) - 1, (uint64_t)gdt };
	__asm__ __volatile__(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"xorw %%ax, %%ax\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs\n\t"
		"movw %3, %%ax\n\t"
		"ltr %%ax"
		: : "m"(d), "i"(KERNEL_CS), "i"(KERNEL_DS), "i"(TSS_SEL) : "rax", "memory");
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
