/*
 * pgtable.c - user page tables (the machine half of kernel/mm/vm.c).
 *
 * A user PML4 shares the kernel's upper-half entries (256..511), copied at
 * creation; paging.c makes sure every kernel area that can gain mappings
 * later already has its PML4 entry. Lower-half tables belong to the
 * address space and are freed with it. Leaf entries are 4 KiB.
 *
 * PTE software convention: a present user page without PTE_W in a
 * writable private area is copy-on-write (kernel/mm/vm.c decides).
 */
#include <synthos/mm.h>
#include <synthos/page_alloc.h>
#include <synthos/string.h>
#include <arch/cpu.h>
#include <arch/mm.h>
#include <arch/page.h>

uint64_t *kernel_pml4_va(void);

uint64_t *pgtable_new_user(void)
{
	uint64_t *pml4 = alloc_zeroed_page_va();
	if (!pml4)
		return NULL;
	memcpy(pml4 + 256, kernel_pml4_va() + 256, 256 * sizeof(uint64_t));
	return pml4;
}

static void free_level(uint64_t *table, int level)
{
	for (int i = 0; i < 512; i++) {
		uint64_t e = table[i];
		if (!(e & PTE_P))
			continue;
		if (level > 1)
			free_level(phys_to_virt(e & PTE_ADDR), level - 1);
		if (level > 0)
			free_page_va(phys_to_virt(e & PTE_ADDR));
	}
}

void pgtable_free_user(uint64_t *pml4)
{
	for (int i = 0; i < 256; i++) {
		uint64_t e = pml4[i];
		if (!(e & PTE_P))
			continue;
		free_level(phys_to_virt(e & PTE_ADDR), 2);
		free_page_va(phys_to_virt(e & PTE_ADDR));
	}
	free_page_va(pml4);
}

uint64_t *pgtable_pte(uint64_t *pml4, uint64_t va, bool alloc)
{
	uint64_t *t = pml4;
	for (int level = 3; level > 0; level--) {
		unsigned i = (va >> (12 + 9 * level)) & 511;
		if (!(t[i] & PTE_P)) {
			if (!alloc)
				return NULL;
			uint64_t *n = alloc_zeroed_page_va();
			if (!n)
				return NULL;
			/* Upper levels allow everything; the leaf decides. */
			t[i] = virt_to_phys(n) | PTE_P | PTE_W | PTE_U;
		}
		t = phys_to_virt(t[i] & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

uint64_t pgtable_make_pte(uint64_t pa, unsigned prot, bool writable)
{
	uint64_t pte = pa | PTE_P | PTE_U;
	if (writable)
		pte |= PTE_W;
	if (!(prot & PROT_EXEC) && cpu_features.nx)
		pte |= PTE_NX;
	return pte;
}

uint64_t pgtable_pte_phys(uint64_t pte) { return pte & PTE_ADDR; }
bool pgtable_pte_present(uint64_t pte) { return pte & PTE_P; }
bool pgtable_pte_writable(uint64_t pte) { return pte & PTE_W; }

void pgtable_flush(uint64_t *pml4, uint64_t va)
{
	if ((read_cr3() & PTE_ADDR) == virt_to_phys(pml4))
		invlpg(va);
}

void pgtable_flush_all(uint64_t *pml4)
{
	uint64_t cr3 = read_cr3();
	if ((cr3 & PTE_ADDR) == virt_to_phys(pml4))
		write_cr3(cr3);
}

static void walk_level(uint64_t *table, int level, uint64_t base, uint64_t start, uint64_t end,
		       void (*fn)(uint64_t va, uint64_t *pte, void *ctx), void *ctx)
{
	uint64_t span = 1UL << (12 + 9 * level);
	for (int i = 0; i < 512; i++) {
		uint64_t lo = base + (uint64_t)i * span, hi = lo + span;
		if (hi <= start || lo >= end || !(table[i] & PTE_P))
			continue;
		if (level == 0)
			fn(lo, &table[i], ctx);
		else
			walk_level(phys_to_virt(table[i] & PTE_ADDR), level - 1, lo, start, end, fn, ctx);
	}
}

void pgtable_walk(uint64_t *pml4, uint64_t start, uint64_t end,
		  void (*fn)(uint64_t va, uint64_t *pte, void *ctx), void *ctx)
{
	for (int i = 0; i < 256; i++) {
		uint64_t lo = (uint64_t)i << 39, hi = lo + (1UL << 39);
		if (hi <= start || lo >= end || !(pml4[i] & PTE_P))
			continue;
		walk_level(phys_to_virt(pml4[i] & PTE_ADDR), 2, lo, start, end, fn, ctx);
	}
}
