/*
 * code_cache.c - the memory synthesized code lives in: the code cache,
 * its gauge area and the table area (synth/internal.h has the layout),
 * and synth_instantiate, which copies a stencil there and patches it.
 *
 * Code cache. Synthesized code lives at SYNTH_CACHE_BASE, in the top
 * gigabyte of the address space, within rel32 reach of kernel text, in
 * 128-byte slots (a region takes 1-16, buddy-aligned, never across a
 * page). Its pages are mapped read+execute and never writable there; the
 * synthesizer writes them through the direct map (cache_alias), where the
 * same physical page is writable and never executable: no address is ever
 * writable and executable at once. Right above it is the gauge area: one
 * read+write, non-executable counter per slot, which stencils increment
 * RIP-relative.
 *
 * Table area. Each thread with regions owns TABLE_PAGES pages of it for
 * its entry table and per-descriptor vectors (synth.c), read+write and
 * never executable, in the top 2 GiB so that stencils reach them with a
 * sign-extended 32-bit address.
 *
 * Freeing code is immediate here; synth.c retires a region first (unlinks
 * it, and frees its slots only at a quiescent point).
 */
#include <synthos/errno.h>
#include <synthos/page_alloc.h>
#include <synthos/string.h>
#include <arch/cpu.h>
#include <arch/mm.h>
#include "internal.h"

extern bool smap_enabled;               /* arch/x86_64/uaccess.c */

static uint64_t slot_bitmap[NSLOTS / 64];
static uint64_t mapped_pages;            /* pages of the cache mapped so far */

/* ---- code cache ---- */

static uint64_t slot_addr(unsigned s) { return SYNTH_CACHE_BASE + (uint64_t)s * SLOT; }

/* The writable alias of each mapped cache page (the direct map of its
 * frame), so patching needs no page-table walk. */
static uint8_t *cache_alias[SYNTH_CACHE_SIZE / PAGE_SIZE];

static int map_cache_page(uint64_t va)
{
	struct page *pg = alloc_pages(0);
	if (!pg)
		return -ENOMEM;
	memset(page_to_virt(pg), 0xcc, PAGE_SIZE);         /* int3 filler */
	uint64_t k = (va - SYNTH_CACHE_BASE) / PAGE_SIZE;
	if (k % (PAGE_SIZE / 8 / SLOTS_PER_PAGE) == 0) {     /* a new page of gauges */
		struct page *gp = alloc_pages(0);
		if (!gp) {
			free_pages(pg, 0);
			return -ENOMEM;
		}
		memset(page_to_virt(gp), 0, PAGE_SIZE);
		if (kernel_map_page(SYNTH_GAUGE_BASE + k * SLOTS_PER_PAGE * 8, page_to_phys(gp),
				    KMAP_WRITE)) {
			free_pages(gp, 0);
			free_pages(pg, 0);
			return -ENOMEM;
		}
	}
	int r = kernel_map_page(va, page_to_phys(pg), KMAP_EXEC);
	if (!r)
		cache_alias[k] = page_to_virt(pg);
	return r;
}

/* The call counter of the region whose code starts at code. */
uint64_t *gauge_of(uint64_t code)
{
	return (uint64_t *)(SYNTH_GAUGE_BASE + (code - SYNTH_CACHE_BASE) / SLOT * 8);
}

/* Room for size bytes: 1, 2, 4, 8 or 16 contiguous slots (up to 2 KiB),
 * aligned to their own size as in a buddy allocator, so a region never
 * straddles a page (the synthesizer writes a region through the
 * direct-map alias of one physical page). first_free is a hint: no word
 * below it has a free slot. Maps cache pages as they are first needed. */
static unsigned first_free;

static unsigned slots_for(uint32_t size)
{
	unsigned n = 1;
	while (n * SLOT < size)
		n *= 2;
	return n;
}

/* The first bit of each free, n-aligned run of n bits in a bitmap word
 * (n a power of two up to 16): fold the free bits onto themselves, so the
 * search costs the same whichever slot is free. */
static uint64_t free_runs(uint64_t bits, unsigned n)
{
	static const uint64_t lead[5] = {
		~0UL, 0x5555555555555555UL, 0x1111111111111111UL,
		0x0101010101010101UL, 0x0001000100010001UL,
	};
	uint64_t f = ~bits;
	unsigned k = 0;
	for (unsigned w = 1; w < n; w *= 2, k++)
		f &= f >> w;
	return f & lead[k];
}

uint64_t code_alloc(uint32_t size)
{
	unsigned n = slots_for(size);
	if (!size || n > 16)
		return 0;
	uint64_t mask = (1UL << n) - 1;
	for (unsigned w = first_free; w < NSLOTS / 64; w++) {
		uint64_t bits = slot_bitmap[w];
		if (bits == ~0UL) {
			if (w == first_free)
				first_free++;
			continue;
		}
		uint64_t runs = free_runs(bits, n);
		if (!runs)
			continue;
		unsigned b = (unsigned)__builtin_ctzl(runs);
		unsigned s = w * 64 + b;
		uint64_t va = slot_addr(s), last = va + (uint64_t)n * SLOT - 1;
		while ((last - SYNTH_CACHE_BASE) / PAGE_SIZE >= mapped_pages) {
			if (map_cache_page(SYNTH_CACHE_BASE + mapped_pages * PAGE_SIZE))
				return 0;
			mapped_pages++;
		}
		slot_bitmap[w] |= mask << b;
		return va;
	}
	return 0;
}

void code_free(uint64_t va, uint32_t size)
{
	unsigned n = slots_for(size);
	unsigned s = (unsigned)((va - SYNTH_CACHE_BASE) / SLOT);
	uint64_t mask = (1UL << n) - 1;
	slot_bitmap[s / 64] &= ~(mask << (s % 64));
	if (s / 64 < first_free)
		first_free = s / 64;
}

/* Slots in use (for the cache-usage figure in /proc/synth). */
unsigned code_slots_used(void)
{
	unsigned n = 0;
	for (unsigned w = 0; w < NSLOTS / 64; w++)
		for (uint64_t b = slot_bitmap[w]; b; b &= b - 1)
			n++;
	return n;
}

/* ---- table area ---- */

static uint64_t table_bitmap[NTABLES / 64];
unsigned synth_tables_used;

static uint64_t table_va(unsigned i)
{
	return SYNTH_TABLE_BASE + (uint64_t)i * TABLE_PAGES * PAGE_SIZE;
}

static void table_unmap(uint64_t va, unsigned npages)
{
	for (unsigned p = 0; p < npages; p++) {
		phys_addr_t pa = kernel_unmap_page(va + p * PAGE_SIZE);
		if (pa != ~0UL)
			free_pages(phys_to_page(pa), 0);
	}
}

/* Map a fresh page of the table area at va with its first nwords words
 * set to fill (the rest is never read). */
int synth_table_map_page(uint64_t va, uint64_t fill, unsigned nwords)
{
	struct page *pg = alloc_pages(0);
	if (!pg)
		return -ENOMEM;
	if (kernel_map_page(va, page_to_phys(pg), KMAP_WRITE)) {
		free_pages(pg, 0);
		return -ENOMEM;
	}
	uint64_t *d = page_to_virt(pg);
	uint64_t q = nwords;
	__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(q) : "a"(fill) : "memory");
	return 0;
}

/* A thread's slot of the table area with its first page (nwords words
 * set to fill) mapped; 0 when the area is full or memory is short. */
uint64_t synth_table_alloc(uint64_t fill, unsigned nwords)
{
	for (unsigned w = 0; w < NTABLES / 64; w++) {
		if (table_bitmap[w] == ~0UL)
			continue;
		unsigned i = w * 64 + (unsigned)__builtin_ctzl(~table_bitmap[w]);
		uint64_t va = table_va(i);
		if (synth_table_map_page(va, fill, nwords))
			return 0;
		table_bitmap[w] |= 1UL << (i % 64);
		synth_tables_used++;
		return va;
	}
	return 0;
}

void synth_table_free(uint64_t va)
{
	unsigned i = (unsigned)((va - SYNTH_TABLE_BASE) / (TABLE_PAGES * PAGE_SIZE));
	table_unmap(va, TABLE_PAGES);
	table_bitmap[i / 64] &= ~(1UL << (i % 64));
	synth_tables_used--;
}

/* Copy the stencil to the code address through its writable alias and
 * patch every hole, checking each value fits its field. */

int synth_instantiate(const struct stencil *st, const uint64_t *values, uint64_t code)
{
	if (code < SYNTH_CACHE_BASE || code - SYNTH_CACHE_BASE >= mapped_pages * PAGE_SIZE ||
	    code % PAGE_SIZE + st->size > PAGE_SIZE)
		return -EFAULT;                          /* one page: one alias */
	uint8_t *w = cache_alias[(code - SYNTH_CACHE_BASE) / PAGE_SIZE] + code % PAGE_SIZE;
	return stencil_patch(w, code, st, values, smap_enabled);
}

/* ---- self-tests ---- */
#include <synthos/ktest.h>
#include "stencils.h"

KTEST(synth_instantiate_and_run)
{
	uint64_t code = code_alloc(stencil_tpl_const.size);
	KT_CHECK(code != 0);
	uint64_t values[HOLE_NR] = { 0 };
	values[HOLE_value] = 0x1234567890abcdefULL;
	values[HOLE_counter] = (uint64_t)gauge_of(code);
	*gauge_of(code) = 0;
	KT_CHECK_EQ(synth_instantiate(&stencil_tpl_const, values, code), 0);
	long (*fn)(void) = (long (*)(void))code;
	KT_CHECK_EQ(fn(), 0x1234567890abcdefULL);
	KT_CHECK_EQ(fn(), 0x1234567890abcdefULL);
	KT_CHECK_EQ(*gauge_of(code), 2);               /* the gauge counted */
	uint64_t gpte = kernel_pte((uint64_t)gauge_of(code));
	KT_CHECK((gpte & PTE_W) && (!cpu_features.nx || (gpte & PTE_NX)));  /* data, never code */
	uint32_t csize = stencil_tpl_const.size;
	/* W^X: executable where it runs, writable only through the alias. */
	uint64_t pte = kernel_pte(code);
	KT_CHECK(pte & PTE_P);
	KT_CHECK(!(pte & PTE_W));
	KT_CHECK(!(pte & PTE_NX));
	uint64_t alias = (uint64_t)phys_to_virt(kernel_virt_to_phys(code));
	uint64_t apte = kernel_pte(alias);
	KT_CHECK(apte & PTE_W);
	KT_CHECK(!cpu_features.nx || (apte & PTE_NX));
	code_free(code, csize);
}

KTEST(synth_patch_range_checked)
{
	/* A rel32 hole whose target is out of reach must be refused. */
	static const uint8_t jmp_code[5] = { 0xe9, 0, 0, 0, 0 };
	static const struct stencil_hole far_hole[] = {
		{ 1, HOLE_REL32, HOLE_KERNEL, "far", -4, 0xffff800000000000UL },
	};
	static const struct stencil far = { "far", jmp_code, 5, far_hole, 1, "" };
	uint64_t code = code_alloc(far.size);
	KT_CHECK(code != 0);
	uint64_t values[HOLE_NR] = { 0 };
	int r = synth_instantiate(&far, values, code);
	code_free(code, far.size);
	KT_CHECK_EQ(r, -ERANGE);
	/* A hole past the end of the code is refused too. */
	static const struct stencil_hole bad_hole[] = {
		{ 2, HOLE_ABS64, HOLE_value, "value", 0, 0 },
	};
	static const struct stencil bad = { "bad", jmp_code, 5, bad_hole, 1, "" };
	code = code_alloc(bad.size);
	r = synth_instantiate(&bad, values, code);
	code_free(code, bad.size);
	KT_CHECK_EQ(r, -EINVAL);
}

/* Regions are written through the alias of one physical page, so none may
 * straddle a page of the cache (a 501-byte region at 0xf80 once patched
 * its holes into whatever page followed it physically: a page table). */
KTEST(synth_cache_alloc_stays_in_a_page)
{
	static const uint32_t sizes[] = { 38, 501, 128, 300, 1000, 23, 640, 129 };
	uint64_t got[64];
	uint32_t gsize[64];
	int n = 0;
	for (int round = 0; round < 8; round++)
		for (unsigned i = 0; i < ARRAY_SIZE(sizes) && n < 64; i++) {
			uint64_t va = code_alloc(sizes[i]);
			KT_CHECK(va != 0);
			KT_CHECK_EQ(va / PAGE_SIZE, (va + sizes[i] - 1) / PAGE_SIZE);
			for (int j = 0; j < n; j++)     /* and no two overlap */
				KT_CHECK(va + sizes[i] <= got[j] || got[j] + gsize[j] <= va);
			got[n] = va;
			gsize[n++] = sizes[i];
		}
	for (int j = 0; j < n; j++)
		code_free(got[j], gsize[j]);
	KT_CHECK_EQ(code_alloc(PAGE_SIZE + 1), 0);    /* bigger than a page: refused */
	/* The run search: aligned runs of free slots only. */
	KT_CHECK_EQ(free_runs(0, 4), 0x1111111111111111UL);
	KT_CHECK_EQ(free_runs(~0UL, 1), 0);
	KT_CHECK_EQ(free_runs(~0xf0UL, 4), 0x10);           /* slots 4-7 */
	KT_CHECK_EQ(free_runs(~0x78UL, 4), 0);              /* 3-6: not aligned */
	KT_CHECK_EQ(free_runs(~0xffff0000UL, 16), 0x10000);
	KT_CHECK_EQ(free_runs(0x8000000000000000UL, 2), 0x1555555555555555UL);
}

/* stac/clac sites: kept on a CPU with SMAP, nops without (stac is #UD). */
KTEST(synth_smap_sites_follow_the_cpu)
{
	static const uint8_t code[7] = { 0x0f, 0x01, 0xcb, 0x90, 0x0f, 0x01, 0xca };
	static const struct stencil_hole holes[] = {
		{ 0, HOLE_SMAP, HOLE_smap, "smap", 0, 0 },
		{ 4, HOLE_SMAP, HOLE_smap, "smap", 0, 0 },
	};
	static const struct stencil st = { "sites", code, 7, holes, 2, "" };
	uint64_t va = code_alloc(st.size), values[HOLE_NR] = { 0 };
	KT_CHECK(va != 0);
	KT_CHECK_EQ(synth_instantiate(&st, values, va), 0);
	const uint8_t *c = (const uint8_t *)va;
	uint8_t want0 = smap_enabled ? 0x01 : 0x1f, want2 = smap_enabled ? 0xcb : 0x00;
	KT_CHECK_EQ(c[1], want0);
	KT_CHECK_EQ(c[2], want2);
	KT_CHECK_EQ(c[3], 0x90);
	KT_CHECK_EQ(c[5], want0);
	code_free(va, st.size);
}

/* The table area: pages read+write and never executable, every word the
 * fill, reachable by a sign-extended 32-bit address; gone when freed; a
 * full area refuses (the thread then stays generic). */
KTEST(synth_table_area)
{
	unsigned used = synth_tables_used;
	uint64_t va = synth_table_alloc(0x5a5a5a5a5a5a5a5aUL, PAGE_SIZE / 8);
	KT_CHECK(va != 0);
	if (!va)
		return;
	KT_CHECK_EQ(synth_table_map_page(va + PAGE_SIZE, 0x5a5a5a5a5a5a5a5aUL, PAGE_SIZE / 8), 0);
	KT_CHECK(va >= SYNTH_TABLE_BASE && va + TABLE_PAGES * PAGE_SIZE <= SYNTH_TABLE_BASE + SYNTH_TABLE_SIZE);
	KT_CHECK_EQ((uint64_t)(int64_t)(int32_t)va, va);
	for (unsigned p = 0; p < TABLE_PAGES; p++) {
		uint64_t pte = kernel_pte(va + p * PAGE_SIZE);
		KT_CHECK((pte & PTE_P) && (pte & PTE_W) && (!cpu_features.nx || (pte & PTE_NX)));
	}
	const uint64_t *w = (const uint64_t *)va;
	KT_CHECK_EQ(w[0], 0x5a5a5a5a5a5a5a5aUL);
	KT_CHECK_EQ(w[TABLE_PAGES * PAGE_SIZE / 8 - 1], 0x5a5a5a5a5a5a5a5aUL);
	KT_CHECK_EQ(synth_tables_used, used + 1);
	synth_table_free(va);
	KT_CHECK_EQ(synth_tables_used, used);
	KT_CHECK(!(kernel_pte(va) & PTE_P));
	uint64_t saved[NTABLES / 64];
	memcpy(saved, table_bitmap, sizeof saved);
	memset(table_bitmap, 0xff, sizeof table_bitmap);
	KT_CHECK_EQ(synth_table_alloc(0, 1), 0);
	memcpy(table_bitmap, saved, sizeof saved);
}
