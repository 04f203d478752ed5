/*
 * ktests.c - in-kernel self-tests of the x86-64 machine layer: page-table
 * rights, the tick, the symbol table and backtraces, kernel stacks and
 * their guards, and the deliberately crashing tests (KTEST_MANUAL) that
 * tests/kernel/run-ktests uses to check the panic report itself.
 */
#include <synthos/ktest.h>
#include <synthos/ksyms.h>
#include <synthos/panic.h>
#include <synthos/string.h>
#include <synthos/time.h>
#include <arch/cpu.h>
#include <arch/interrupts.h>
#include <arch/irq.h>
#include <arch/mm.h>
#include <arch/page.h>
#include <arch/panic.h>

extern char __text_start[], __rodata_start[], __data_start[];
extern const char ktest_rodata_probe[];
const char ktest_rodata_probe[] = "read-only";
static int ktest_data_probe = 1;

KTEST(paging_no_low_mapping)
{
	KT_CHECK_EQ(kernel_pte(0), 0);
	KT_CHECK_EQ(kernel_pte(0x100000), 0);     /* the boot identity map is gone */
}

KTEST(paging_kernel_section_rights)
{
	uint64_t text = kernel_pte((uint64_t)__text_start);
	uint64_t ro = kernel_pte((uint64_t)ktest_rodata_probe);
	uint64_t data = kernel_pte((uint64_t)&ktest_data_probe);

	KT_CHECK(text & PTE_P);
	KT_CHECK(!(text & PTE_W));
	KT_CHECK(!(text & PTE_NX));
	KT_CHECK(ro & PTE_P);
	KT_CHECK(!(ro & PTE_W));
	KT_CHECK(data & PTE_W);
	if (cpu_features.nx) {
		KT_CHECK(ro & PTE_NX);
		KT_CHECK(data & PTE_NX);
	}
	KT_CHECK(read_cr0() & CR0_WP);            /* rights hold for the kernel too */
}

KTEST(paging_direct_map_matches_image)
{
	/* The same physical byte seen through the direct map and the image. */
	phys_addr_t pa = kernel_virt_to_phys((uint64_t)&ktest_data_probe);
	KT_CHECK(pa != ~0UL);
	volatile int *alias = phys_to_virt(pa);
	ktest_data_probe = 1234;
	KT_CHECK_EQ(*alias, 1234);
	*alias = 99;
	KT_CHECK_EQ(ktest_data_probe, 99);
	if (cpu_features.nx)
		KT_CHECK(kernel_pte((uint64_t)alias) & PTE_NX);
}

KTEST(cpu_features_enabled)
{
	uint64_t cr4 = read_cr4();
	KT_CHECK(!cpu_features.smep || (cr4 & CR4_SMEP));
	KT_CHECK(!cpu_features.smap || (cr4 & CR4_SMAP));
	KT_CHECK(!cpu_features.fsgsbase || (cr4 & CR4_FSGSBASE));
	KT_CHECK(!cpu_features.nx || (rdmsr(MSR_EFER) & EFER_NXE));
}

KTEST(timer_ticks_and_clock)
{
	uint64_t j0 = jiffies, t0 = time_ns();
	KT_CHECK(read_rflags() & (1 << 9));       /* interrupts are on */
	while (jiffies < j0 + 3)
		arch_halt();
	uint64_t t1 = time_ns();
	/* 3 ticks at HZ = 30 ms. Without -icount the guest follows the host's
	 * clock: a busy host delays ticks and QEMU then delivers the backlog
	 * in a burst, so only loose bounds hold there (the clock advanced, and
	 * not by seconds). Under -icount (tests/kernel/ktests.sh's first run)
	 * the tick and the clock agree exactly. */
	KT_CHECK(t1 > t0);
	KT_CHECK(t1 - t0 <= 100 * NSEC_PER_SEC / HZ);
	KT_CHECK(time_tsc_hz() > 10 * 1000 * 1000);
}

KTEST(ksyms_lookup)
{
	uint64_t off, size;
	const char *name = ksym_lookup((uint64_t)kstack_alloc + 3, &off, &size);
	KT_CHECK(name != NULL);
	KT_CHECK(strcmp(name, "kstack_alloc") == 0);
	KT_CHECK_EQ(off, 3);
	KT_CHECK(size > 3);
	KT_CHECK_EQ(ksym_address("kstack_alloc"), (uint64_t)kstack_alloc);
	KT_CHECK(ksym_lookup(0x1000, NULL, NULL) == NULL);
	KT_CHECK(ksym_count() > 100);
}

static __noinline int bt_inner(uint64_t *ret, int max)
{
	int n = backtrace_collect((uint64_t)__builtin_frame_address(0), ret, max);
	barrier();
	return n;
}

static __noinline int bt_outer(uint64_t *ret, int max)
{
	int n = bt_inner(ret, max);
	barrier();
	return n;
}

/* Is addr inside function name (or a GCC clone of it, name.constprop.0...)? */
static bool addr_in(uint64_t addr, const char *name)
{
	const char *sym = ksym_lookup(addr, NULL, NULL);
	size_t n = strlen(name);
	return sym && strncmp(sym, name, n) == 0 && (sym[n] == 0 || sym[n] == '.');
}

KTEST(backtrace_names_callers)
{
	uint64_t ret[8];
	int n = bt_outer(ret, 8);
	KT_CHECK(n >= 3);
	KT_CHECK(addr_in(ret[0] - 1, "bt_outer"));
	KT_CHECK(addr_in(ret[1] - 1, "ktest_fn_backtrace_names_callers"));
	KT_CHECK(addr_in(ret[2] - 1, "run_one"));
}

KTEST(kstack_guard_pages)
{
	uint64_t top = kstack_alloc();
	KT_CHECK(top != 0);
	uint64_t lo, hi;
	KT_CHECK(kstack_range(top - 8, &lo, &hi));
	KT_CHECK_EQ(hi, top);
	KT_CHECK_EQ(hi - lo, KSTACK_SIZE);
	KT_CHECK(kernel_pte(lo) & PTE_P);
	KT_CHECK(kernel_pte(top - PAGE_SIZE) & PTE_P);
	KT_CHECK_EQ(kernel_pte(lo - 1), 0);                  /* guard below */
	KT_CHECK(kstack_is_guard(lo - 1));
	KT_CHECK(!kstack_is_guard(lo));
	memset((void *)lo, 0xab, KSTACK_SIZE);               /* all of it usable */
	kstack_free(top);
	KT_CHECK_EQ(kernel_pte(lo), 0);
	KT_CHECK(!kstack_range(top - 8, &lo, &hi));
}

KTEST(kstack_many)
{
	uint64_t tops[64];
	for (int i = 0; i < 64; i++) {
		tops[i] = kstack_alloc();
		KT_CHECK(tops[i] != 0);
		*(volatile uint64_t *)(tops[i] - 8) = (uint64_t)i;
	}
	for (int i = 0; i < 64; i++)
		KT_CHECK_EQ(*(volatile uint64_t *)(tops[i] - 8), (uint64_t)i);
	for (int i = 0; i < 64; i++)
		kstack_free(tops[i]);
}

/* ---- deliberately crashing tests: run only when named ---- */

KTEST_MANUAL(panic_null_deref)
{
	volatile int *p = NULL;
	*p = 42;
}

KTEST_MANUAL(panic_explicit)
{
	panic("deliberate panic from a self-test (value %d)", 7);
}

KTEST_MANUAL(panic_invalid_opcode)
{
	__asm__ __volatile__("ud2");
}

static __noinline int recurse_forever(int depth)
{
	volatile char pad[512];
	pad[0] = (char)depth;
	if (depth == -1)          /* never true; keeps the compiler from calling it infinite */
		return 0;
	return recurse_forever(depth + 1) + pad[0];
}

KTEST_MANUAL(panic_stack_overflow)
{
	recurse_forever(0);
}

KTEST_MANUAL(panic_write_to_text)
{
	*(volatile uint8_t *)__text_start = 0x90;
}
