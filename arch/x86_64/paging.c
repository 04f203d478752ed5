/*
 * paging.c - the kernel's page tables, MMIO mappings and kernel stacks.
 *
 * paging_init() replaces boot.S's early tables (identity + 4 GiB direct map
 * with 2 MiB pages, everything writable and executable) with the real ones:
 *   - the direct map covers RAM only (usable and ACPI regions), writable,
 *     never executable; 2 MiB pages where a whole aligned block is RAM;
 *   - the kernel image is mapped with 4 KiB pages and per-section rights:
 *     text read+execute, rodata read-only, data/bss read+write, and only
 *     text executable;
 *   - nothing is mapped at low addresses, so a NULL dereference faults;
 *   - device registers and firmware tables come through ioremap(), in their
 *     own area with the right caching.
 *
 * Kernel stacks live in their own area, one 32 KiB slot each: a 16 KiB
 * unmapped guard below 16 KiB of stack. An overflow touches the guard, the
 * CPU cannot push the #PF frame on the same stack, and the #DF handler (on
 * its own IST stack) reports it.
 *
 * Locking: paging_lock protects the page tables below the kernel PML4, the
 * ioremap cursor and the stack-slot bitmap.
 */
#include <synthos/compiler.h>
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/page_alloc.h>
#include <synthos/panic.h>
#include <synthos/spinlock.h>
#include <synthos/string.h>
#include <arch/cpu.h>
#include <arch/mm.h>
#include <arch/page.h>

#define IOREMAP_BASE  0xffffc80000000000UL
#define IOREMAP_SIZE  0x0000000040000000UL   /* 1 GiB */
#define KSTACK_SLOT   (32 * 1024UL)
#define KSTACK_SLOTS  4096

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];

static uint64_t *kernel_pml4;          /* virtual address of the live PML4 */
static uint64_t nx_bit, global_bit;
static uint64_t ioremap_next = IOREMAP_BASE;
static uint64_t kstack_bitmap[KSTACK_SLOTS / 64];
static size_t kstacks_live;
static spinlock_t paging_lock = SPINLOCK_INIT;

static uint64_t *table_alloc(void)
{
	struct page *pg = alloc_pages(0);
	if (!pg)
		return NULL;
	uint64_t *t = page_to_virt(pg);
	memset(t, 0, PAGE_SIZE);
	return t;
}

/* Next-level table under entry idx of table, allocating if asked. NULL if
 * absent (or a large page sits there). */
static uint64_t *next_table(uint64_t *table, unsigned idx, bool alloc)
{
	uint64_t e = table[idx];
	if (e & PTE_P)
		return (e & PTE_PS) ? NULL : phys_to_virt(e & PTE_ADDR);
	if (!alloc)
		return NULL;
	uint64_t *t = table_alloc();
	if (!t)
		return NULL;
	/* Upper levels are permissive; the leaf decides. */
	table[idx] = virt_to_phys(t) | PTE_P | PTE_W;
	return t;
}

static unsigned idx(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/* Map one page (level 0: 4 KiB, level 1: 2 MiB). Returns 0 or -1 when out
 * of memory. An existing large page covering va is left alone. */
static int map_one(uint64_t *pml4, uint64_t va, phys_addr_t pa, uint64_t flags, int level)
{
	uint64_t *t = pml4;
	for (int l = 3; l > level; l--) {
		uint64_t e = t[idx(va, l)];
		if ((e & PTE_P) && (e & PTE_PS))
			return 0;
		t = next_table(t, idx(va, l), true);
		if (!t)
			return -1;
	}
	t[idx(va, level)] = pa | flags | PTE_P | (level ? PTE_PS : 0);
	return 0;
}

static uint64_t *leaf_entry(uint64_t *pml4, uint64_t va)
{
	uint64_t *t = pml4;
	for (int l = 3; l >= 0; l--) {
		uint64_t *e = &t[idx(va, l)];
		if (!(*e & PTE_P))
			return NULL;
		if (l == 0 || (*e & PTE_PS))
			return e;
		t = phys_to_virt(*e & PTE_ADDR);
	}
	return NULL;
}

int kernel_map_page(uint64_t va, phys_addr_t pa, unsigned flags)
{
	uint64_t f = (flags & KMAP_EXEC) ? 0 : nx_bit;
	if (flags & KMAP_WRITE)
		f |= PTE_W;
	BUG_ON((flags & KMAP_EXEC) && (flags & KMAP_WRITE));    /* never W+X */
	unsigned long irq = spin_lock_irqsave(&paging_lock);
	int r = map_one(kernel_pml4, va, pa, f | global_bit, 0);
	spin_unlock_irqrestore(&paging_lock, irq);
	invlpg(va);
	return r ? -ENOMEM : 0;
}

/* Undo kernel_map_page: clear the 4 KiB mapping at va and flush it from
 * the TLB. Returns the frame it mapped (the caller frees it), or ~0 when
 * va was not mapped by a 4 KiB entry. */
phys_addr_t kernel_unmap_page(uint64_t va)
{
	phys_addr_t pa = ~0UL;
	unsigned long irq = spin_lock_irqsave(&paging_lock);
	uint64_t *t = kernel_pml4;
	int l = 3;
	for (; l > 0; l--) {
		uint64_t e = t[idx(va, l)];
		if (!(e & PTE_P) || (e & PTE_PS))
			break;
		t = phys_to_virt(e & PTE_ADDR);
	}
	if (l == 0 && (t[idx(va, 0)] & PTE_P)) {
		pa = t[idx(va, 0)] & PTE_ADDR;
		t[idx(va, 0)] = 0;
	}
	spin_unlock_irqrestore(&paging_lock, irq);
	invlpg(va);
	return pa;
}

uint64_t kernel_pml4_phys(void)
{
	return virt_to_phys(kernel_pml4);
}

uint64_t *kernel_pml4_va(void)
{
	return kernel_pml4;
}

uint64_t kernel_pte(uint64_t va)
{
	uint64_t *e = leaf_entry(kernel_pml4, va);
	return e ? *e : 0;
}

phys_addr_t kernel_virt_to_phys(uint64_t va)
{
	uint64_t *t = kernel_pml4;
	for (int l = 3; l >= 0; l--) {
		uint64_t e = t[idx(va, l)];
		if (!(e & PTE_P))
			return ~0UL;
		if (l == 0 || (e & PTE_PS)) {
			uint64_t span = 1UL << (12 + 9 * l);
			return (e & PTE_ADDR & ~(span - 1)) | (va & (span - 1));
		}
		t = phys_to_virt(e & PTE_ADDR);
	}
	return ~0UL;
}

static void map_range(uint64_t *pml4, uint64_t va, phys_addr_t pa, uint64_t len,
		      uint64_t flags, bool allow_large)
{
	uint64_t end = va + len;
	while (va < end) {
		const uint64_t big = 2UL << 20;
		int r;
		if (allow_large && IS_ALIGNED(va, big) && IS_ALIGNED(pa, big) && end - va >= big) {
			r = map_one(pml4, va, pa, flags, 1);
			va += big;
			pa += big;
		} else {
			r = map_one(pml4, va, pa, flags, 0);
			va += PAGE_SIZE;
			pa += PAGE_SIZE;
		}
		if (r)
			panic("paging: out of memory building the kernel page tables");
	}
}

static void map_kernel_section(uint64_t *pml4, char *start, char *end, uint64_t flags)
{
	uint64_t s = ALIGN_DOWN((uint64_t)start, PAGE_SIZE);
	uint64_t e = ALIGN_UP((uint64_t)end, PAGE_SIZE);
	map_range(pml4, s, s - KERNEL_VMA, e - s, flags | global_bit, false);
}

void paging_init(const struct boot_info *bi)
{
	nx_bit = cpu_features.nx ? PTE_NX : 0;
	global_bit = cpu_features.pge ? PTE_G : 0;

	uint64_t *pml4 = table_alloc();
	if (!pml4)
		panic("paging: no memory for the kernel PML4");

	for (int i = 0; i < bi->nregions; i++) {
		const struct mem_region *r = &bi->regions[i];
		if (r->type != MEM_USABLE && r->type != MEM_ACPI_RECLAIMABLE &&
		    r->type != MEM_ACPI_NVS)
			continue;
		uint64_t s = ALIGN_DOWN(r->base, PAGE_SIZE);
		uint64_t e = ALIGN_UP(r->base + r->len, PAGE_SIZE);
		map_range(pml4, DIRECT_MAP_BASE + s, s, e - s, PTE_W | nx_bit | global_bit, true);
	}

	map_kernel_section(pml4, __text_start, __text_end, 0);
	map_kernel_section(pml4, __rodata_start, __rodata_end, nx_bit);
	map_kernel_section(pml4, __data_start, __kernel_end, PTE_W | nx_bit);

	/* Every user page table copies the kernel's upper-half PML4 entries
	 * once, at creation: the areas that gain mappings later (ioremap,
	 * kernel stacks) must have their entries now, so those later mappings
	 * land in tables every address space shares. */
	if (!next_table(pml4, idx(IOREMAP_BASE, 3), true) ||
	    !next_table(pml4, idx(KSTACK_AREA_BASE, 3), true))
		panic("paging: out of memory building the kernel page tables");

	kernel_pml4 = pml4;
	write_cr3(virt_to_phys(pml4));
	if (cpu_features.pge)
		write_cr4(read_cr4() | CR4_PGE);
}

static void *ioremap_flags(phys_addr_t pa, size_t len, uint64_t flags)
{
	phys_addr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	uint64_t size = ALIGN_UP(pa + len, PAGE_SIZE) - base;
	unsigned long irq = spin_lock_irqsave(&paging_lock);
	uint64_t va = ioremap_next;
	if (size > IOREMAP_BASE + IOREMAP_SIZE - va) {
		spin_unlock_irqrestore(&paging_lock, irq);
		return NULL;
	}
	ioremap_next += size;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		if (map_one(kernel_pml4, va + off, base + off, flags | nx_bit, 0)) {
			spin_unlock_irqrestore(&paging_lock, irq);
			return NULL;
		}
	spin_unlock_irqrestore(&paging_lock, irq);
	return (void *)(va + (pa - base));
}

void *ioremap(phys_addr_t pa, size_t len)
{
	return ioremap_flags(pa, len, PTE_W | PTE_PCD | PTE_PWT);
}

void *ioremap_ro_cached(phys_addr_t pa, size_t len)
{
	return ioremap_flags(pa, len, 0);
}

/* ---- kernel stacks ---- */

static uint64_t slot_base(unsigned slot)
{
	return KSTACK_AREA_BASE + (uint64_t)slot * KSTACK_SLOT;
}

uint64_t kstack_alloc(void)
{
	unsigned long irq = spin_lock_irqsave(&paging_lock);
	for (unsigned slot = 0; slot < KSTACK_SLOTS; slot++) {
		if (kstack_bitmap[slot / 64] & (1UL << (slot % 64)))
			continue;
		uint64_t lo = slot_base(slot) + KSTACK_SLOT - KSTACK_SIZE;
		for (uint64_t va = lo; va < lo + KSTACK_SIZE; va += PAGE_SIZE) {
			struct page *pg = alloc_pages(0);
			if (!pg || map_one(kernel_pml4, va, page_to_phys(pg), PTE_W | nx_bit, 0)) {
				if (pg)
					free_pages(pg, 0);
				/* Undo the pages mapped so far. */
				for (uint64_t u = lo; u < va; u += PAGE_SIZE) {
					uint64_t *e = leaf_entry(kernel_pml4, u);
					free_pages(phys_to_page(*e & PTE_ADDR), 0);
					*e = 0;
					invlpg(u);
				}
				spin_unlock_irqrestore(&paging_lock, irq);
				return 0;
			}
		}
		kstack_bitmap[slot / 64] |= 1UL << (slot % 64);
		kstacks_live++;
		spin_unlock_irqrestore(&paging_lock, irq);
		return lo + KSTACK_SIZE;
	}
	spin_unlock_irqrestore(&paging_lock, irq);
	return 0;
}

void kstack_free(uint64_t top)
{
	/* top is the end of its slot, i.e. the next slot's base: look at top - 1. */
	unsigned slot = (unsigned)((top - 1 - KSTACK_AREA_BASE) / KSTACK_SLOT);
	BUG_ON(top < KSTACK_AREA_BASE || slot >= KSTACK_SLOTS || top != slot_base(slot) + KSTACK_SLOT);
	unsigned long irq = spin_lock_irqsave(&paging_lock);
	BUG_ON(!(kstack_bitmap[slot / 64] & (1UL << (slot % 64))));
	for (uint64_t va = top - KSTACK_SIZE; va < top; va += PAGE_SIZE) {
		uint64_t *e = leaf_entry(kernel_pml4, va);
		BUG_ON(!e);
		free_pages(phys_to_page(*e & PTE_ADDR), 0);
		*e = 0;
		invlpg(va);
	}
	kstack_bitmap[slot / 64] &= ~(1UL << (slot % 64));
	kstacks_live--;
	spin_unlock_irqrestore(&paging_lock, irq);
}

static bool slot_of(uint64_t addr, unsigned *slot)
{
	if (addr < KSTACK_AREA_BASE || addr >= KSTACK_AREA_BASE + (uint64_t)KSTACK_SLOTS * KSTACK_SLOT)
		return false;
	*slot = (unsigned)((addr - KSTACK_AREA_BASE) / KSTACK_SLOT);
	return kstack_bitmap[*slot / 64] & (1UL << (*slot % 64));
}

bool kstack_range(uint64_t addr, uint64_t *lo, uint64_t *hi)
{
	unsigned slot;
	if (!slot_of(addr, &slot))
		return false;
	uint64_t top = slot_base(slot) + KSTACK_SLOT;
	if (addr < top - KSTACK_SIZE)
		return false;                  /* in the guard */
	*lo = top - KSTACK_SIZE;
	*hi = top;
	return true;
}

bool kstack_is_guard(uint64_t addr)
{
	unsigned slot;
	if (!slot_of(addr, &slot))
		return false;
	return addr < slot_base(slot) + KSTACK_SLOT - KSTACK_SIZE;
}

size_t kstack_count(void)
{
	return kstacks_live;
}

void switch_to_stack(uint64_t top, void (*fn)(void *), void *arg)
{
	__asm__ __volatile__(
		"movq %0, %%rsp\n\t"
		"xorl %%ebp, %%ebp\n\t"
		"movq %2, %%rdi\n\t"
		"callq *%1\n\t"
		"1: cli; hlt; jmp 1b"
		: : "r"(top), "r"(fn), "r"(arg) : "memory");
	__builtin_unreachable();
}
