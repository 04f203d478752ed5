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
#include <synthos/errno.h>
#include <synthos/mm.h>
#include <synthos/page_alloc.h>
#include <synthos/string.h>
#include <arch/cpu.h>
#include <arch/mm.h>
#include <arch/page.h>

uint64_t *kernel_pml4_va(void);

/*
 * Every user table (the PML4's lower half, PDPTs, PDs, PTs) carries in its
 * struct page a summary of where its entries may be (pt_used, one bit per 8
 * entries; a set bit may be stale, a present entry always has its bit).
 * Upper-level entries are filled only by table_below(); a leaf entry only
 * through pgtable_pte(..., alloc = true) or pgtable_copy_range(), which set
 * the bit. Walks and frees then visit those stretches instead of scanning
 * every table whole. Leaf tables are never scanned when freed: vm.c drops
 * their pages by area.
 */
/* The struct page of a table (a page of the direct map): memmap[] is one
 * array, so its base and the pfn suffice (virt_to_page's checks are for
 * arbitrary addresses). */
static struct page *table_page(const uint64_t *table)
{
	static struct page *memmap0;
	if (unlikely(!memmap0))
		memmap0 = pfn_to_page(0);
	return memmap0 + (virt_to_phys(table) >> PAGE_SHIFT);
}

static uint64_t *table_alloc(size_t zero_bytes)
{
	struct page *pg = alloc_pages(0);
	if (!pg)
		return NULL;
	pg->pt_used = 0;
	uint64_t *t = page_to_virt(pg);
	memset(t, 0, zero_bytes);
	return t;
}

/* The table under entry i of table, made (zeroed) if absent. */
static uint64_t *table_below(uint64_t *table, unsigned i)
{
	uint64_t e = table[i];
	if (!(e & PTE_P)) {
		uint64_t *n = table_alloc(PAGE_SIZE);
		if (!n)
			return NULL;
		/* Upper levels allow everything; the leaf decides. */
		e = virt_to_phys(n) | PTE_P | PTE_W | PTE_U;
		table[i] = e;
		table_page(table)->pt_used |= 1UL << (i >> 3);
	}
	return phys_to_virt(e & PTE_ADDR);
}

uint64_t *pgtable_new_user(void)
{
	uint64_t *pml4 = table_alloc(256 * sizeof(uint64_t));
	if (!pml4)
		return NULL;
	memcpy(pml4 + 256, kernel_pml4_va() + 256, 256 * sizeof(uint64_t));
	return pml4;
}

/* Free the tables below an upper-level table, which has `level` levels of
 * upper-level tables below it (the PML4 2, a PDPT 1, a PD 0); the leaf
 * tables (PTs) are freed without looking inside them. */
static void free_level(uint64_t *table, int level)
{
	uint64_t used = table_page(table)->pt_used;
	while (used) {
		unsigned j = (unsigned)__builtin_ctzll(used) * 8;
		used &= used - 1;
		for (unsigned i = j; i < j + 8; i++) {
			uint64_t e = table[i];
			if (!(e & PTE_P))
				continue;
			if (level > 0)
				free_level(phys_to_virt(e & PTE_ADDR), level - 1);
			free_page_va(phys_to_virt(e & PTE_ADDR));
		}
	}
}

void pgtable_free_user(uint64_t *pml4)
{
	free_level(pml4, 2);            /* the lower half: pt_used has no bit above 31 */
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
			t = table_below(t, i);
			if (!t)
				return NULL;
		} else {
			t = phys_to_virt(t[i] & PTE_ADDR);
		}
	}
	unsigned i = (va >> 12) & 511;
	if (alloc)                      /* the caller may fill it: walks must see it */
		table_page(t)->pt_used |= 1UL << (i >> 3);
	return &t[i];
}

/* The chunks (bits of pt_used) of a table that entries [i, last] fall in. */
static uint64_t chunks(const uint64_t *table, unsigned i, unsigned last)
{
	uint64_t used = table_page(table)->pt_used;
	used &= ~0UL << (i >> 3);
	used &= ~0UL >> (63 - (last >> 3));
	return used;
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

/*
 * The entries of a table at level (0 = PT) that [start, end) touches, the
 * table covering [base, base + 512 * span): only those indices are looked
 * at, so a walk costs what the range holds, not the size of the tables.
 */
static void walk_level(uint64_t *table, int level, uint64_t base, uint64_t start, uint64_t end,
		       void (*fn)(uint64_t va, uint64_t *pte, void *ctx), void *ctx)
{
	unsigned shift = 12 + 9 * level;
	unsigned i = start > base ? (unsigned)((start - base) >> shift) : 0;
	unsigned last = (unsigned)((end - 1 - base) >> shift);   /* end > base */
	if (last > 511)
		last = 511;
	if (level == 0) {
		for (uint64_t used = chunks(table, i, last); used; used &= used - 1) {
			unsigned c = (unsigned)__builtin_ctzll(used) * 8;
			unsigned k = MAX(c, i), kend = MIN(c + 7, last);
			for (; k <= kend; k++)
				if (table[k] & PTE_P)
					fn(base + ((uint64_t)k << 12), &table[k], ctx);
		}
		return;
	}
	for (; i <= last; i++) {
		uint64_t e = table[i];
		if (!(e & PTE_P))
			continue;
		uint64_t lo = base + ((uint64_t)i << shift);
		walk_level(phys_to_virt(e & PTE_ADDR), level - 1, lo, start, end, fn, ctx);
	}
}

void pgtable_walk(uint64_t *pml4, uint64_t start, uint64_t end,
		  void (*fn)(uint64_t va, uint64_t *pte, void *ctx), void *ctx)
{
	if (end > (256UL << 39))
		end = 256UL << 39;             /* the lower half only */
	if (start >= end)
		return;
	walk_level(pml4, 3, 0, start, end, fn, ctx);
}

static int copy_level(uint64_t *src, uint64_t *dst, int level, uint64_t base, uint64_t start,
		      uint64_t end, void (*fn)(uint64_t va, uint64_t *spte, uint64_t *dpte, void *ctx),
		      void *ctx)
{
	unsigned shift = 12 + 9 * level;
	unsigned i = start > base ? (unsigned)((start - base) >> shift) : 0;
	unsigned last = (unsigned)((end - 1 - base) >> shift);
	if (last > 511)
		last = 511;
	if (level == 0) {
		uint64_t used = chunks(src, i, last);
		table_page(dst)->pt_used |= used;
		for (; used; used &= used - 1) {
			unsigned c = (unsigned)__builtin_ctzll(used) * 8;
			unsigned k = MAX(c, i), kend = MIN(c + 7, last);
			for (; k <= kend; k++)
				if (src[k] & PTE_P)
					fn(base + ((uint64_t)k << 12), &src[k], &dst[k], ctx);
		}
		return 0;
	}
	for (; i <= last; i++) {
		uint64_t e = src[i];
		if (!(e & PTE_P))
			continue;
		uint64_t *d = table_below(dst, i);
		if (!d)
			return -ENOMEM;
		int r = copy_level(phys_to_virt(e & PTE_ADDR), d, level - 1,
				   base + ((uint64_t)i << shift), start, end, fn, ctx);
		if (r)
			return r;
	}
	return 0;
}

int pgtable_copy_range(uint64_t *src, uint64_t *dst, uint64_t start, uint64_t end,
		       void (*fn)(uint64_t va, uint64_t *spte, uint64_t *dpte, void *ctx), void *ctx)
{
	if (end > (256UL << 39))
		end = 256UL << 39;
	if (start >= end)
		return 0;
	return copy_level(src, dst, 3, 0, start, end, fn, ctx);
}
