/*
 * test_page_alloc.c - hosted tests of the buddy page allocator
 * (kernel/mm/page_alloc.c).
 *
 * Most tests run on a fake 64 MiB PC (std_*): conventional memory with an
 * unaligned end, the low 1 MiB, kernel image, an unaligned initrd and a
 * sub-page boot-info range reserved, and a 1 MiB hole. The holes and the
 * reserved ranges are ASan-poisoned, so handing one out stops the test.
 *
 * The tests keep an independent model: which pfns should be managed
 * (computed from the ranges by brute force), which the test owns now, and
 * -- since a fully coalesced buddy system has exactly one shape for a given
 * set of free pages -- how many free blocks of each order there must be.
 * Every allocated page gets a tag in its first word, checked on free, so
 * two blocks handed out over the same memory show up as a clobbered tag.
 *
 * Scratch arrays are globals, freed at the next setup, so a failing check
 * (which returns early) leaks nothing LeakSanitizer would report.
 */
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/page_alloc.h>

#include <stdlib.h>

#include "ut.h"
#include "host/host_panic.h"
#include "host/phys_mem.h"

#define MiB (1UL << 20)

static const struct phys_range std_usable[] = {
	{ 0x0, 0x9fc00 },               /* conventional memory, unaligned end */
	{ 0x100000, 0x2400000 },        /* 1 MiB .. 36 MiB */
	/* hole at 36 .. 37 MiB, like a device window */
	{ 0x2500000, 0x4000000 },       /* 37 .. 64 MiB */
};
static const struct phys_range std_reserved[] = {
	{ 0x0, 0x100000 },              /* low 1 MiB */
	{ 0x200000, 0x5a3000 },         /* kernel image */
	{ 0x1000000, 0x1234567 },       /* initrd, unaligned */
	{ 0x3ff0000, 0x3ff0800 },       /* boot info, less than a page */
};
#define STD_MAX_PFN (0x4000000 >> PAGE_SHIFT)
/* 16384 struct pages, rounded up to pages; lowest fit is right at 1 MiB. */
#define STD_MEMMAP_START 0x100000UL
#define STD_MEMMAP_END   (STD_MEMMAP_START + \
	((STD_MAX_PFN * sizeof(struct page) + PAGE_SIZE - 1) & PAGE_MASK))

/* Pages a memmap for npfn frames takes; tests derive layouts from it so
 * they keep working if struct page changes size. */
#define MEMMAP_PAGES(npfn) (((npfn) * sizeof(struct page) + PAGE_SIZE - 1) / PAGE_SIZE)

/* ---- the model --------------------------------------------------------- */

static pfn_t m_max;             /* pfns the model covers */
static uint8_t *m_managed;      /* 1: the allocator should own this pfn */
static uint8_t *m_owned;        /* 1: the test holds this pfn now */
static size_t m_owned_pages;
static size_t m_managed_pages;

struct blk { struct page *pg; unsigned order; };
static struct blk *live;        /* blocks the test holds */
static size_t nlive;

static bool range_covers(const struct phys_range *r, int n, pfn_t pfn)
{
	phys_addr_t a = (phys_addr_t)pfn << PAGE_SHIFT, b = a + PAGE_SIZE;
	for (int i = 0; i < n; i++)
		if (r[i].start <= a && b <= r[i].end)
			return true;
	return false;
}

static bool range_touches(const struct phys_range *r, int n, pfn_t pfn)
{
	phys_addr_t a = (phys_addr_t)pfn << PAGE_SHIFT, b = a + PAGE_SIZE;
	for (int i = 0; i < n; i++)
		if (r[i].start < b && a < r[i].end)
			return true;
	return false;
}

/* Mark as managed every whole usable page in [lo, hi) pfns that is not
 * reserved, not the memmap and not pfn 0. */
static void model_add(const struct phys_range *u, int nu,
		      const struct phys_range *r, int nr, pfn_t lo, pfn_t hi)
{
	struct phys_range mm = page_alloc_memmap_range();
	for (pfn_t p = lo; p < hi && p < m_max; p++)
		if (p != 0 && range_covers(u, nu, p) && !range_touches(r, nr, p) &&
		    !range_touches(&mm, 1, p) && !m_managed[p]) {
			m_managed[p] = 1;
			m_managed_pages++;
		}
}

static void model_reset(pfn_t max)
{
	free(m_managed);
	free(m_owned);
	free(live);
	m_max = max;
	m_managed = calloc(max, 1);
	m_owned = calloc(max, 1);
	live = calloc(max + 1, sizeof(*live));
	m_owned_pages = 0;
	m_managed_pages = 0;
	nlive = 0;
}

static size_t model_managed(void)
{
	return m_managed_pages;
}

static bool model_free(pfn_t p)
{
	return p < m_max && m_managed[p] && !m_owned[p];
}

/* The unique fully-coalesced decomposition of the model's free pages. */
static void model_split(pfn_t pfn, unsigned o, size_t *hist)
{
	bool all = true;
	for (pfn_t p = pfn; p < pfn + ((pfn_t)1 << o); p++)
		if (!model_free(p)) {
			all = false;
			break;
		}
	if (all) {
		hist[o]++;
	} else if (o > 0) {
		model_split(pfn, o - 1, hist);
		model_split(pfn + ((pfn_t)1 << (o - 1)), o - 1, hist);
	}
}

/* Do the allocator's free lists have exactly the model's shape? */
static bool free_lists_match_model(void)
{
	size_t hist[MAX_ORDER] = { 0 };
	for (pfn_t p = 0; p < m_max; p += MAX_ORDER_PAGES)
		model_split(p, MAX_ORDER - 1, hist);
	for (unsigned o = 0; o < MAX_ORDER; o++)
		if (hist[o] != page_alloc_free_blocks(o)) {
			printf("  order %u: model %zu, allocator %zu\n", o, hist[o],
			       page_alloc_free_blocks(o));
			return false;
		}
	return true;
}

static uint64_t tag_of(pfn_t pfn)
{
	return (pfn << 20) ^ 0x7a67u;
}

/*
 * Take ownership of a block the allocator returned: it must be aligned,
 * managed, not already owned; tag its pages. Returns NULL if fine, else
 * what was wrong.
 */
static const char *own(struct page *pg, unsigned order)
{
	pfn_t pfn = page_to_pfn(pg), n = (pfn_t)1 << order;

	if (pfn & (n - 1))
		return "block not aligned to its size";
	if (!IS_ALIGNED(page_to_phys(pg), PAGE_SIZE << order))
		return "physical address not aligned to block size";
	for (pfn_t p = pfn; p < pfn + n; p++) {
		if (p >= m_max || !m_managed[p])
			return "block contains a page the allocator must not hand out";
		if (m_owned[p])
			return "block overlaps a block already handed out";
	}
	for (pfn_t p = pfn; p < pfn + n; p++) {
		m_owned[p] = 1;
		*(uint64_t *)phys_to_virt((phys_addr_t)p << PAGE_SHIFT) = tag_of(p);
	}
	m_owned_pages += n;
	live[nlive].pg = pg;
	live[nlive].order = order;
	nlive++;
	return NULL;
}

/* Give back live[i]; returns false if its tags were clobbered. */
static bool give_back(size_t i)
{
	struct page *pg = live[i].pg;
	unsigned order = live[i].order;
	pfn_t pfn = page_to_pfn(pg), n = (pfn_t)1 << order;
	bool ok = true;

	for (pfn_t p = pfn; p < pfn + n; p++) {
		if (*(uint64_t *)phys_to_virt((phys_addr_t)p << PAGE_SHIFT) != tag_of(p))
			ok = false;
		m_owned[p] = 0;
	}
	m_owned_pages -= n;
	free_pages(pg, order);
	live[i] = live[--nlive];
	return ok;
}

static bool give_back_all(void)
{
	bool ok = true;
	while (nlive)
		ok &= give_back(nlive - 1);
	return ok;
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
	/* xorshift64: deterministic, so a failure reproduces. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* ---- setups ------------------------------------------------------------ */

static void poison_std(void)
{
	host_phys_poison(0x9f000, 0x100000);    /* partly usable page + gap */
	host_phys_poison(0x2400000, 0x2500000); /* the hole */
	for (size_t i = 0; i < ARRAY_SIZE(std_reserved); i++)
		host_phys_poison(ALIGN_DOWN(std_reserved[i].start, PAGE_SIZE),
				 ALIGN_UP(std_reserved[i].end, PAGE_SIZE));
}

/* The standard machine with [0, limit) mapped. Returns page_alloc_init's result. */
static int std_setup(phys_addr_t limit)
{
	int rc;

	host_phys_create(64);
	poison_std();
	rc = page_alloc_init(std_usable, ARRAY_SIZE(std_usable),
			     std_reserved, ARRAY_SIZE(std_reserved), limit);
	model_reset(STD_MAX_PFN);
	if (rc == 0)
		model_add(std_usable, ARRAY_SIZE(std_usable), std_reserved,
			  ARRAY_SIZE(std_reserved), 0, limit >> PAGE_SHIFT);
	return rc;
}

/* A plain machine: RAM [start, end), nothing reserved, all mapped. */
static int plain_setup(size_t mib, phys_addr_t start, phys_addr_t end)
{
	struct phys_range u = { start, end };
	int rc;

	host_phys_create(mib);
	rc = page_alloc_init(&u, 1, NULL, 0, end);
	model_reset(end >> PAGE_SHIFT);
	if (rc == 0)
		model_add(&u, 1, NULL, 0, 0, end >> PAGE_SHIFT);
	return rc;
}

/* Expect stmt to panic with a message containing substr. */
#define EXPECT_PANIC(stmt, substr) do {                                   \
	jmp_buf jb_;                                                      \
	host_panic_msg[0] = 0;                                            \
	if (setjmp(jb_) == 0) {                                           \
		host_panic_expect = &jb_;                                 \
		stmt;                                                     \
		host_panic_expect = NULL;                                 \
		ut_fail(__FILE__, __LINE__, "no panic from %s", #stmt);   \
		return;                                                   \
	}                                                                 \
	if (!strstr(host_panic_msg, substr)) {                            \
		ut_fail(__FILE__, __LINE__, "panic \"%s\" lacks \"%s\"",  \
			host_panic_msg, substr);                          \
		return;                                                   \
	}                                                                 \
} while (0)

/* ---- init and layout --------------------------------------------------- */

UT_TEST(init_counts_match_model)
{
	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	UT_CHECK_EQ(page_alloc_max_pfn(), STD_MAX_PFN);
	UT_CHECK_EQ(page_alloc_total_pages(), model_managed());
	UT_CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());
	UT_CHECK(free_lists_match_model());
	UT_CHECK_EQ(page_alloc_check(), 0);
	/* Sanity of the model itself: 64 MiB minus 1 MiB low, the hole, the
	 * kernel, the initrd, boot info and the memmap. */
	UT_CHECK_EQ(model_managed(),
		    16384 - 256 - 256 - (0x5a3 - 0x200) - (0x1235 - 0x1000) - 1 -
		    (STD_MEMMAP_END - STD_MEMMAP_START) / PAGE_SIZE);
}

UT_TEST(memmap_placed_lowest_and_reserved)
{
	struct phys_range mm;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	mm = page_alloc_memmap_range();
	UT_CHECK_EQ(mm.start, STD_MEMMAP_START);
	UT_CHECK_EQ(mm.end, STD_MEMMAP_END);
	UT_CHECK(mm.end - mm.start >= STD_MAX_PFN * sizeof(struct page));
	for (phys_addr_t a = mm.start; a < mm.end; a += PAGE_SIZE) {
		struct page *pg = phys_to_page(a);
		UT_CHECK(pg->flags & PG_reserved);
	}
	/* The memmap array is where the range says. */
	UT_CHECK(phys_to_page(0) == phys_to_virt(mm.start));
}

UT_TEST(memmap_skips_small_gaps_and_reserved)
{
	/* 32 MiB: the memmap needs n = MEMMAP_PAGES(8192) pages (96 for a
	 * 48-byte struct page). Ranges unsorted. The low range (63 pages) is
	 * too small; after 1 MiB a reservation leaves n - 1 pages in front,
	 * one short; right after it there are exactly n pages before a
	 * one-byte reservation (which reserves its whole page). */
	const phys_addr_t n = MEMMAP_PAGES(8192) * PAGE_SIZE;
	const struct phys_range u[] = {
		{ 0x100000, 0x2000000 },
		{ 0x1000, 0x40000 },
	};
	const struct phys_range r[] = {
		{ 0x100000 + n - PAGE_SIZE, 0x100000 + n },
		{ 0x100000 + 2 * n, 0x100000 + 2 * n + 1 },
	};
	struct phys_range mm;

	UT_CHECK(n > 0x40000 - 0x1000);
	host_phys_create(32);
	UT_CHECK_EQ(page_alloc_init(u, 2, r, 2, 0x2000000), 0);
	mm = page_alloc_memmap_range();
	UT_CHECK_EQ(mm.start, 0x100000 + n);
	UT_CHECK_EQ(mm.end, 0x100000 + 2 * n);
	UT_CHECK(phys_to_page(0x100000 + 2 * n)->flags & PG_reserved);
	UT_CHECK(!(phys_to_page(0x100000 + 2 * n + PAGE_SIZE)->flags & PG_reserved));
	model_reset(0x2000000 >> PAGE_SHIFT);
	model_add(u, 2, r, 2, 0, 0x2000);
	UT_CHECK_EQ(page_alloc_total_pages(), model_managed());
	UT_CHECK(free_lists_match_model());
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(memmap_must_be_below_mapped_limit)
{
	/* With only 1.5 MiB mapped, the memmap (more than 128 pages) fits
	 * nowhere. */
	int saved = console_loglevel;

	UT_CHECK(MEMMAP_PAGES(STD_MAX_PFN) > 128);
	console_loglevel = LOG_CRIT;
	UT_CHECK_EQ(std_setup(0x180000), -ENOMEM);
	/* With 2 MiB mapped it fits at 1 MiB exactly and only RAM below the
	 * limit is handed out. */
	UT_CHECK_EQ(std_setup(2 * MiB), 0);
	console_loglevel = saved;
	UT_CHECK_EQ(page_alloc_memmap_range().start, STD_MEMMAP_START);
	UT_CHECK_EQ(page_alloc_total_pages(), model_managed());
	UT_CHECK_EQ(page_alloc_total_pages(), (2 * MiB - STD_MEMMAP_END) / PAGE_SIZE);
	UT_CHECK_EQ(page_alloc_max_pfn(), STD_MAX_PFN);
}

UT_TEST(init_rejects_nonsense)
{
	struct phys_range many[PAGE_ALLOC_MAX_RESERVED + 1] = { { 0, 0 } };
	struct phys_range tiny = { 0x1000, 0x1800 };   /* no whole page */
	int saved = console_loglevel;

	console_loglevel = LOG_CRIT;
	host_phys_create(4);
	UT_CHECK_EQ(page_alloc_init(NULL, 0, NULL, 0, 4 * MiB), -ENOMEM);
	UT_CHECK_EQ(page_alloc_init(&tiny, 1, NULL, 0, 4 * MiB), -ENOMEM);
	UT_CHECK_EQ(page_alloc_init(std_usable, 1, many, PAGE_ALLOC_MAX_RESERVED + 1,
				    4 * MiB), -EINVAL);
	UT_CHECK_EQ(page_alloc_init(std_usable, 1, many, PAGE_ALLOC_MAX_RESERVED,
				    4 * MiB), 0);
	console_loglevel = saved;
	UT_CHECK(alloc_pages(0) != NULL);
	/* After a failed init nothing is handed out. */
	console_loglevel = LOG_CRIT;
	UT_CHECK_EQ(page_alloc_init(NULL, 0, NULL, 0, 4 * MiB), -ENOMEM);
	console_loglevel = saved;
	UT_CHECK(alloc_pages(0) == NULL);
	UT_CHECK_EQ(page_alloc_free_pages(), 0);
}

UT_TEST(unaligned_ranges_use_whole_pages_only)
{
	static const struct phys_range u[] = {
		{ 0x100800, 0x10a7ff },   /* whole pages 0x101 .. 0x109 */
		{ 0x200001, 0x201000 },   /* no whole page: does not raise max pfn */
	};
	static const struct phys_range r[] = { { 0x105fff, 0x106001 } };  /* 0x105, 0x106 */
	const size_t n = MEMMAP_PAGES(0x10a);   /* 3 or 4: fits in 0x101..0x104 */
	struct page *pg;

	UT_CHECK(n <= 4);
	host_phys_create(4);
	UT_CHECK_EQ(page_alloc_init(u, 2, r, 1, 4 * MiB), 0);
	UT_CHECK_EQ(page_alloc_max_pfn(), 0x10a);
	UT_CHECK_EQ(page_alloc_memmap_range().start, 0x101000);
	UT_CHECK_EQ(page_alloc_memmap_range().end, 0x101000 + n * PAGE_SIZE);
	model_reset(0x10a);
	model_add(u, 2, r, 1, 0, 0x10a);
	/* 9 whole pages, 2 reserved, n for the memmap. */
	UT_CHECK_EQ(model_managed(), 7 - n);
	UT_CHECK_EQ(page_alloc_total_pages(), 7 - n);
	UT_CHECK(free_lists_match_model());
	while ((pg = alloc_pages(0)) != NULL)
		UT_CHECK(own(pg, 0) == NULL);
	UT_CHECK_EQ(m_owned_pages, 7 - n);
	UT_CHECK(give_back_all());
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(never_touches_past_memmap_end)
{
	/* 6 MiB: 1536 struct pages fill whole pages exactly (1536 * 8k bytes
	 * is 3k pages), at pfn 1 onwards, and the last block [1024, 1536) has
	 * its buddy at pfn 1536, one past the memmap. The page after the
	 * memmap is reserved and poisoned, so looking at that buddy's struct
	 * page would stop the test. */
	const phys_addr_t end = PAGE_SIZE + 1536 * sizeof(struct page);
	const struct phys_range u = { PAGE_SIZE, 6 * MiB };
	const struct phys_range r = { end, end + PAGE_SIZE };
	struct page *pg;

	UT_CHECK(IS_ALIGNED(end, PAGE_SIZE));
	host_phys_create(8);
	host_phys_poison(r.start, r.end);
	UT_CHECK_EQ(page_alloc_init(&u, 1, &r, 1, 6 * MiB), 0);
	UT_CHECK_EQ(page_alloc_memmap_range().start, PAGE_SIZE);
	UT_CHECK_EQ(page_alloc_memmap_range().end, end);
	model_reset(1536);
	model_add(&u, 1, &r, 1, 0, 1536);
	UT_CHECK(free_lists_match_model());
	while ((pg = alloc_pages(0)) != NULL)
		UT_CHECK(own(pg, 0) == NULL);
	UT_CHECK(give_back_all());
	UT_CHECK(free_lists_match_model());
	UT_CHECK_EQ(page_alloc_free_blocks(9), 2);   /* [512, 1024) and [1024, 1536) */
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(page_zero_never_handed_out)
{
	struct page *pg;

	UT_CHECK_EQ(plain_setup(4, 0, 4 * MiB), 0);
	UT_CHECK(phys_to_page(0)->flags & PG_reserved);
	/* The memmap went at pfn 1, right after the page that is never used. */
	UT_CHECK_EQ(page_alloc_memmap_range().start, PAGE_SIZE);
	while ((pg = alloc_pages(0)) != NULL) {
		UT_CHECK(page_to_phys(pg) != 0);
		UT_CHECK(own(pg, 0) == NULL);
	}
	UT_CHECK_EQ(m_owned_pages, model_managed());
	UT_CHECK(give_back_all());
}

/* ---- allocation -------------------------------------------------------- */

UT_TEST(alignment_every_order)
{
	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	for (unsigned o = 0; o < MAX_ORDER; o++) {
		struct page *pg = alloc_pages(o);
		const char *why;
		UT_CHECK(pg != NULL);
		UT_CHECK_EQ(pg->order, o);
		UT_CHECK(pg->flags & PG_head);
		why = own(pg, o);
		if (why) {
			ut_fail(__FILE__, __LINE__, "order %u: %s", o, why);
			return;
		}
	}
	UT_CHECK_EQ(page_alloc_free_pages(), model_managed() - m_owned_pages);
	UT_CHECK_EQ(page_alloc_check(), 0);
	UT_CHECK(give_back_all());
	UT_CHECK(free_lists_match_model());
}

UT_TEST(split_and_merge_exact)
{
	struct page *a;

	/* 8 MiB, RAM from 4 MiB: exactly one max-order block. */
	UT_CHECK_EQ(plain_setup(8, 4 * MiB, 8 * MiB), 0);
	/* (The memmap sits at 4 MiB: 2048 struct pages.) */
	UT_CHECK_EQ(page_alloc_memmap_range().start, 4 * MiB);
	UT_CHECK_EQ(page_alloc_total_pages(), 1024 - MEMMAP_PAGES(2048));
	UT_CHECK(free_lists_match_model());

	host_phys_create(8);
	{
		struct phys_range u[] = { { 4 * MiB, 8 * MiB }, { PAGE_SIZE, 2 * MiB } };
		UT_CHECK_EQ(page_alloc_init(u, 2, NULL, 0, 8 * MiB), 0);
	}
	/* Now the memmap went low and 4..8 MiB is one free order-10 block. */
	UT_CHECK_EQ(page_alloc_free_blocks(MAX_ORDER - 1), 1);
	a = alloc_pages(MAX_ORDER - 1);
	UT_CHECK(a != NULL);
	UT_CHECK_EQ(page_to_phys(a), 4 * MiB);
	free_pages(a, MAX_ORDER - 1);
	UT_CHECK_EQ(page_alloc_free_blocks(MAX_ORDER - 1), 1);

	/* Exhaust the small blocks so the next order-0 must split the big one. */
	size_t before[MAX_ORDER];
	for (unsigned o = 0; o < MAX_ORDER - 1; o++) {
		while (page_alloc_free_blocks(o)) {
			struct page *pg = alloc_pages(o);
			UT_CHECK(pg != NULL);
			UT_CHECK(page_to_phys(pg) < 4 * MiB);
		}
	}
	for (unsigned o = 0; o < MAX_ORDER; o++)
		before[o] = page_alloc_free_blocks(o);
	UT_CHECK_EQ(before[MAX_ORDER - 1], 1);
	a = alloc_pages(0);
	UT_CHECK_EQ(page_to_phys(a), 4 * MiB);   /* the lower half is kept */
	for (unsigned o = 0; o < MAX_ORDER - 1; o++)
		UT_CHECK_EQ(page_alloc_free_blocks(o), 1);
	UT_CHECK_EQ(page_alloc_free_blocks(MAX_ORDER - 1), 0);
	UT_CHECK_EQ(page_alloc_check(), 0);
	free_pages(a, 0);
	for (unsigned o = 0; o < MAX_ORDER - 1; o++)
		UT_CHECK_EQ(page_alloc_free_blocks(o), 0);
	UT_CHECK_EQ(page_alloc_free_blocks(MAX_ORDER - 1), 1);
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(exhaust_order0_then_free_all_coalesces)
{
	struct page *pg;
	size_t total;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	total = page_alloc_total_pages();
	while ((pg = alloc_pages(0)) != NULL)
		UT_CHECK(own(pg, 0) == NULL);
	UT_CHECK_EQ(m_owned_pages, total);
	UT_CHECK_EQ(page_alloc_free_pages(), 0);
	for (unsigned o = 0; o < MAX_ORDER; o++) {
		UT_CHECK_EQ(page_alloc_free_blocks(o), 0);
		UT_CHECK(alloc_pages(o) == NULL);
	}
	UT_CHECK_EQ(page_alloc_check(), 0);

	/* Free in a random order: merging must not depend on it. */
	rng_state = 42;
	while (nlive)
		UT_CHECK(give_back((size_t)(rnd() % nlive)));
	UT_CHECK_EQ(page_alloc_free_pages(), total);
	UT_CHECK(free_lists_match_model());
	/* 52..56 and 56..60 MiB are wholly free: at least those merged fully. */
	UT_CHECK(page_alloc_free_blocks(MAX_ORDER - 1) >= 2);
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(exhaust_largest_first_then_smaller)
{
	struct page *pg;
	size_t total;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	total = page_alloc_total_pages();
	for (unsigned o = MAX_ORDER; o-- > 0; )
		while ((pg = alloc_pages(o)) != NULL) {
			const char *why = own(pg, o);
			if (why) {
				ut_fail(__FILE__, __LINE__, "order %u: %s", o, why);
				return;
			}
		}
	UT_CHECK_EQ(m_owned_pages, total);
	UT_CHECK_EQ(page_alloc_free_pages(), 0);
	UT_CHECK(give_back_all());
	UT_CHECK_EQ(page_alloc_free_pages(), total);
	UT_CHECK(free_lists_match_model());
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(order_too_big_returns_null)
{
	UT_CHECK_EQ(plain_setup(4, 0, 2 * MiB), 0);
	size_t before = page_alloc_free_pages();
	UT_CHECK(alloc_pages(MAX_ORDER) == NULL);
	UT_CHECK(alloc_pages(~0u) == NULL);
	/* 2 MiB of RAM holds no 4 MiB block. */
	UT_CHECK(alloc_pages(MAX_ORDER - 1) == NULL);
	UT_CHECK_EQ(page_alloc_free_pages(), before);
	UT_CHECK_EQ(page_alloc_check(), 0);
}

static void random_run(uint64_t seed, unsigned ops)
{
	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	rng_state = seed;
	for (unsigned i = 0; i < ops; i++) {
		uint64_t r = rnd();
		if (nlive == 0 || r % 100 < 55) {
			/* Mostly small orders, now and then a big one. */
			unsigned o = r >> 32 & 1 ? (unsigned)(rnd() % 3) :
				     (unsigned)(rnd() % MAX_ORDER);
			struct page *pg = alloc_pages(o);
			if (pg) {
				const char *why = own(pg, o);
				if (why) {
					ut_fail(__FILE__, __LINE__, "op %u order %u: %s", i, o, why);
					return;
				}
			} else {
				/* NULL is only allowed if no big enough block exists. */
				for (unsigned k = o; k < MAX_ORDER; k++)
					UT_CHECK_EQ(page_alloc_free_blocks(k), 0);
			}
		} else {
			UT_CHECK(give_back((size_t)(rnd() % nlive)));
		}
		UT_CHECK_EQ(page_alloc_free_pages(), model_managed() - m_owned_pages);
		if (i % 512 == 0) {
			UT_CHECK_EQ(page_alloc_check(), 0);
			UT_CHECK(free_lists_match_model());
		}
	}
	UT_CHECK(free_lists_match_model());
	UT_CHECK(give_back_all());
	UT_CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());
	UT_CHECK(free_lists_match_model());
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(random_against_model_seed1) { random_run(1, 20000); }
UT_TEST(random_against_model_seed2) { random_run(0x9e3779b97f4a7c15ULL, 20000); }
UT_TEST(random_against_model_seed3) { random_run(12345, 20000); }

/* ---- later ranges ------------------------------------------------------ */

UT_TEST(add_range_later)
{
	size_t t0;
	struct page *pg;

	UT_CHECK_EQ(std_setup(32 * MiB), 0);
	t0 = page_alloc_total_pages();
	UT_CHECK_EQ(t0, model_managed());
	/* Nothing at or above the limit is handed out yet. */
	while ((pg = alloc_pages(0)) != NULL) {
		UT_CHECK(page_to_phys(pg) < 32 * MiB);
		UT_CHECK(own(pg, 0) == NULL);
	}
	UT_CHECK(give_back_all());

	/* The boot code maps the rest and adds the RAM above the limit. */
	page_alloc_add_range(32 * MiB, 0x2400000);
	page_alloc_add_range(0x2500000, 64 * MiB);
	model_add(std_usable, ARRAY_SIZE(std_usable), std_reserved,
		  ARRAY_SIZE(std_reserved), 0, STD_MAX_PFN);
	UT_CHECK_EQ(page_alloc_total_pages(), model_managed());
	UT_CHECK_EQ(page_alloc_free_pages(), model_managed());
	UT_CHECK(page_alloc_total_pages() > t0);
	UT_CHECK(free_lists_match_model());
	UT_CHECK_EQ(page_alloc_check(), 0);

	/* The new memory is really handed out, with full-size blocks too. */
	while ((pg = alloc_pages(0)) != NULL)
		UT_CHECK(own(pg, 0) == NULL);
	UT_CHECK_EQ(m_owned_pages, model_managed());
	UT_CHECK(give_back_all());
	UT_CHECK(free_lists_match_model());
	UT_CHECK(page_alloc_free_blocks(MAX_ORDER - 1) >= 2);
}

UT_TEST(add_range_skips_reserved_duplicates_and_beyond)
{
	size_t t0;

	UT_CHECK_EQ(std_setup(16 * MiB), 0);
	t0 = page_alloc_total_pages();
	/* Already added, reserved, memmap, below the limit: no change. */
	page_alloc_add_range(0, 16 * MiB);
	UT_CHECK_EQ(page_alloc_total_pages(), t0);
	/* An empty or backwards range. */
	page_alloc_add_range(20 * MiB, 20 * MiB);
	page_alloc_add_range(21 * MiB, 20 * MiB);
	UT_CHECK_EQ(page_alloc_total_pages(), t0);
	/* [16 MiB, 20 MiB) contains the rest of the initrd (to 0x1235000). */
	page_alloc_add_range(16 * MiB, 20 * MiB);
	UT_CHECK_EQ(page_alloc_total_pages(), t0 + (4 * MiB - 0x235000) / PAGE_SIZE);
	/* Twice is harmless. */
	page_alloc_add_range(16 * MiB, 20 * MiB);
	UT_CHECK_EQ(page_alloc_total_pages(), t0 + (4 * MiB - 0x235000) / PAGE_SIZE);
	/* Past the memmap is clipped, not a crash. */
	page_alloc_add_range(60 * MiB, 1ULL << 40);
	UT_CHECK_EQ(page_alloc_total_pages(),
		    t0 + (4 * MiB - 0x235000) / PAGE_SIZE + 4 * MiB / PAGE_SIZE - 1);
	model_add(std_usable, ARRAY_SIZE(std_usable), std_reserved,
		  ARRAY_SIZE(std_reserved), 16 * MiB / PAGE_SIZE, 20 * MiB / PAGE_SIZE);
	model_add(std_usable, ARRAY_SIZE(std_usable), std_reserved,
		  ARRAY_SIZE(std_reserved), 60 * MiB / PAGE_SIZE, STD_MAX_PFN);
	UT_CHECK_EQ(page_alloc_total_pages(), model_managed());
	UT_CHECK(free_lists_match_model());
	UT_CHECK_EQ(page_alloc_check(), 0);
}

/* ---- fault injection --------------------------------------------------- */

UT_TEST(fail_nth_fails_exactly_once)
{
	struct page *a, *b, *c, *d;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	size_t before = page_alloc_free_pages();
	page_alloc_fail_nth(3);
	a = alloc_pages(0);
	b = alloc_pages(2);
	c = alloc_pages(0);
	d = alloc_pages(0);
	UT_CHECK(a && b && d);
	UT_CHECK(c == NULL);
	UT_CHECK_EQ(page_alloc_free_pages(), before - 6);
	free_pages(a, 0);
	free_pages(b, 2);
	free_pages(d, 0);
	/* Only once: from now on everything succeeds again. */
	for (int i = 0; i < 10; i++) {
		a = alloc_pages(0);
		UT_CHECK(a != NULL);
		free_pages(a, 0);
	}
	UT_CHECK_EQ(page_alloc_free_pages(), before);
	UT_CHECK(free_lists_match_model());
}

UT_TEST(fail_nth_first_call_and_disable)
{
	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	page_alloc_fail_nth(1);
	UT_CHECK(alloc_pages(0) == NULL);
	page_alloc_fail_nth(2);
	page_alloc_fail_nth(0);     /* disarmed before it fired */
	for (int i = 0; i < 4; i++) {
		struct page *pg = alloc_pages(1);
		UT_CHECK(pg != NULL);
		free_pages(pg, 1);
	}
	/* Counting includes calls that would fail anyway. */
	page_alloc_fail_nth(2);
	UT_CHECK(alloc_pages(MAX_ORDER) == NULL);
	UT_CHECK(alloc_pages(0) == NULL);
	struct page *pg = alloc_pages(0);
	UT_CHECK(pg != NULL);
	free_pages(pg, 0);
	UT_CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());
}

/* ---- misuse is caught -------------------------------------------------- */

UT_TEST(double_free_panics)
{
	struct page *pg;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	pg = alloc_pages(3);
	UT_CHECK(pg != NULL);
	free_pages(pg, 3);
	EXPECT_PANIC(free_pages(pg, 3), "double free");
	/* Merged into a bigger block by now, or not: still caught. */
	EXPECT_PANIC(free_pages(pg, 0), "free_pages");
	/* And the allocator is intact afterwards. */
	UT_CHECK_EQ(page_alloc_check(), 0);
	UT_CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());
	UT_CHECK(free_lists_match_model());
}

UT_TEST(double_free_after_merge_panics)
{
	struct page *a, *b;

	UT_CHECK_EQ(plain_setup(8, 4 * MiB, 8 * MiB), 0);
	a = alloc_pages(0);
	b = alloc_pages(0);
	UT_CHECK(a && b);
	free_pages(b, 0);
	free_pages(a, 0);       /* merges with whatever is around */
	EXPECT_PANIC(free_pages(b, 0), "not the start of an allocated block");
	EXPECT_PANIC(free_pages(a, 0), "free_pages");
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(wrong_order_panics)
{
	struct page *pg;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	pg = alloc_pages(2);
	UT_CHECK(pg != NULL);
	EXPECT_PANIC(free_pages(pg, 1), "wrong order 1 (allocated as order 2)");
	EXPECT_PANIC(free_pages(pg, 3), "wrong order");
	EXPECT_PANIC(free_pages(pg, MAX_ORDER), "out of range");
	free_pages(pg, 2);      /* the right order still works */
	UT_CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(free_inside_block_panics)
{
	struct page *pg;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	pg = alloc_pages(2);
	UT_CHECK(pg != NULL);
	EXPECT_PANIC(free_pages(pg + 1, 0), "not the start of an allocated block");
	EXPECT_PANIC(free_pages(pg + 2, 1), "not the start of an allocated block");
	free_pages(pg, 2);
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(free_never_allocated_page_panics)
{
	struct page *pg;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	/* A page in the middle of a free block. */
	pg = phys_to_page(40 * MiB + 5 * PAGE_SIZE);
	EXPECT_PANIC(free_pages(pg, 0), "free_pages");
	/* The head of a free block. */
	pg = phys_to_page(40 * MiB);
	EXPECT_PANIC(free_pages(pg, 0), "double free");
	UT_CHECK_EQ(page_alloc_check(), 0);
	UT_CHECK(free_lists_match_model());
}

UT_TEST(free_reserved_panics)
{
	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	EXPECT_PANIC(free_pages(phys_to_page(0x300000), 0), "reserved");      /* kernel */
	EXPECT_PANIC(free_pages(phys_to_page(STD_MEMMAP_START), 0), "reserved");
	EXPECT_PANIC(free_pages(phys_to_page(0x2400000), 0), "reserved");     /* hole */
	EXPECT_PANIC(free_pages(phys_to_page(0), 0), "reserved");
	EXPECT_PANIC(free_pages(phys_to_page(0x1234000), 0), "reserved");     /* initrd tail */
	UT_CHECK_EQ(page_alloc_check(), 0);
	UT_CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());
}

UT_TEST(free_bogus_pointer_panics)
{
	struct page fake;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	memset(&fake, 0, sizeof(fake));
	fake.flags = PG_head;
	EXPECT_PANIC(free_pages(&fake, 0), "not a struct page");
	EXPECT_PANIC(free_pages(NULL, 0), "not a struct page");
	EXPECT_PANIC(free_pages((struct page *)((char *)phys_to_page(40 * MiB) + 8), 0),
		     "not a struct page");
	EXPECT_PANIC(free_pages(pfn_to_page(STD_MAX_PFN - 1) + 1, 0), "not a struct page");
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(slab_owned_page_panics)
{
	struct page *pg;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	pg = alloc_pages(0);
	pg->flags |= PG_slab;
	EXPECT_PANIC(free_pages(pg, 0), "slab");
	pg->flags &= ~PG_slab;
	pg->flags |= PG_large;
	EXPECT_PANIC(free_pages(pg, 0), "slab");
	pg->flags &= ~PG_large;
	free_pages(pg, 0);
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(referenced_page_panics)
{
	struct page *pg;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	/* Fresh pages come with no references, whatever was there before. */
	for (int i = 0; i < 100; i++) {
		pg = alloc_pages(i % 3);
		UT_CHECK_EQ(pg->refcount, 0);
		if (i % 2)
			free_pages(pg, i % 3);
	}
	pg = alloc_pages(0);
	pg->refcount = 2;               /* e.g. mapped by two processes */
	EXPECT_PANIC(free_pages(pg, 0), "still has 2 references");
	pg->refcount = 0;
	free_pages(pg, 0);
	UT_CHECK_EQ(page_alloc_check(), 0);
}

UT_TEST(corrupted_free_list_panics_on_alloc)
{
	struct page *pg;
	uint8_t saved;

	UT_CHECK_EQ(plain_setup(8, 4 * MiB, 8 * MiB), 0);
	/* Find the head of the only order-9 free block and scribble on it. */
	pg = NULL;
	for (pfn_t p = 0; p < page_alloc_max_pfn(); p++)
		if ((pfn_to_page(p)->flags & PG_buddy) && pfn_to_page(p)->order == 9)
			pg = pfn_to_page(p);
	UT_CHECK(pg != NULL);
	saved = pg->order;
	pg->order = 3;
	console_loglevel = LOG_EMERG;
	UT_CHECK_EQ(page_alloc_check(), -EINVAL);
	console_loglevel = LOG_WARN;
	/* Drain the smaller orders so the order-9 list is used. */
	for (unsigned o = 0; o < 9; o++)
		while (page_alloc_free_blocks(o))
			UT_CHECK(alloc_pages(o) != NULL);
	EXPECT_PANIC(alloc_pages(0), "corrupted");
	pg->order = saved;
}

UT_TEST(check_detects_corruption)
{
	struct page *pg;
	int saved = console_loglevel;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	console_loglevel = LOG_EMERG;   /* the check logs what it finds */
	pg = alloc_pages(1);
	(pg + 1)->flags |= PG_head;     /* a head inside an allocated block */
	UT_CHECK_EQ(page_alloc_check(), -EINVAL);
	(pg + 1)->flags &= ~PG_head;
	UT_CHECK_EQ(page_alloc_check(), 0);
	phys_to_page(0x300000)->flags &= ~PG_reserved;   /* stray page */
	UT_CHECK_EQ(page_alloc_check(), -EINVAL);
	phys_to_page(0x300000)->flags |= PG_reserved;
	console_loglevel = saved;
	free_pages(pg, 1);
	UT_CHECK_EQ(page_alloc_check(), 0);
}

/* ---- helpers and conversions ------------------------------------------- */

UT_TEST(conversions_round_trip)
{
	struct page *pg;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	pg = alloc_pages(4);
	UT_CHECK(pg != NULL);
	UT_CHECK(phys_to_page(page_to_phys(pg)) == pg);
	UT_CHECK(virt_to_page(page_to_virt(pg)) == pg);
	UT_CHECK(pfn_to_page(page_to_pfn(pg)) == pg);
	UT_CHECK_EQ((uintptr_t)page_to_virt(pg), host_phys_base + page_to_phys(pg));
	/* Any byte inside the page maps back to it. */
	UT_CHECK(virt_to_page((char *)page_to_virt(pg) + PAGE_SIZE - 1) == pg);
	UT_CHECK(virt_to_page((char *)page_to_virt(pg) + PAGE_SIZE) == pg + 1);
	UT_CHECK(phys_to_page(64 * MiB) == NULL);
	UT_CHECK(phys_to_page(~0ULL) == NULL);
	UT_CHECK(pfn_to_page(STD_MAX_PFN) == NULL);
	UT_CHECK(pfn_to_page(STD_MAX_PFN - 1) != NULL);
	free_pages(pg, 4);
}

UT_TEST(page_va_helpers)
{
	char *va, *z;

	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	size_t before = page_alloc_free_pages();
	va = alloc_page_va();
	UT_CHECK(va != NULL);
	UT_CHECK(IS_ALIGNED((uintptr_t)va, PAGE_SIZE));
	UT_CHECK_EQ(page_alloc_free_pages(), before - 1);
	memset(va, 0xee, PAGE_SIZE);
	free_page_va(va);
	/* Freed last, handed out first: the zeroed variant really zeroes. */
	z = alloc_zeroed_page_va();
	UT_CHECK(z == va);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		UT_CHECK_EQ(z[i], 0);
	free_page_va(z);
	free_page_va(NULL);
	UT_CHECK_EQ(page_alloc_free_pages(), before);
	va = alloc_page_va();
	EXPECT_PANIC(free_page_va(va + 16), "not a page");
	free_page_va(va);
	EXPECT_PANIC(free_page_va(va), "double free");
	page_alloc_fail_nth(1);
	UT_CHECK(alloc_page_va() == NULL);
	page_alloc_fail_nth(1);
	UT_CHECK(alloc_zeroed_page_va() == NULL);
	UT_CHECK_EQ(page_alloc_free_pages(), before);
}

UT_TEST(dump_and_struct_page_size)
{
	int saved = console_loglevel;

	UT_CHECK(sizeof(struct page) <= 64);
	UT_CHECK_EQ(sizeof(struct page), 48);
	UT_CHECK_EQ(std_setup(64 * MiB), 0);
	console_loglevel = LOG_EMERG;   /* just must not crash; keep output clean */
	page_alloc_dump();
	console_loglevel = saved;
}
