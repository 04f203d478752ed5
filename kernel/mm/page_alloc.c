/*
 * page_alloc.c - the physical page allocator: a binary buddy system.
 *
 * Data layout. memmap[] holds one struct page per frame, pfn 0 up to
 * max_pfn (one past the highest usable frame). It sits in RAM that was
 * direct-mapped when page_alloc_init() ran and is reached only through
 * phys_to_virt(). Free memory is a set of blocks of 2^order pages, each
 * starting at a pfn that is a multiple of 2^order; free_area[order] lists
 * the heads of the free blocks of that order. The allocator keeps no data
 * inside free memory, so a stray write into a free page cannot corrupt it.
 *
 * Invariants (page_alloc_check() verifies them all):
 *  - a free block's head has PG_buddy and order set; its other pages have
 *    no flags; it is on free_area[order] and on no other list;
 *  - an allocated block's head has PG_head and order set; its other pages
 *    have neither PG_buddy, PG_head nor PG_reserved;
 *  - free blocks are maximal: a free block's buddy (pfn ^ 2^order) is never
 *    also a free block of the same order, because freeing always merges.
 *    So for a given set of free pages the free lists have exactly one
 *    possible shape, which the tests rely on;
 *  - PG_reserved pages (holes, firmware, kernel image, memmap, pfn 0, and
 *    RAM not yet added) are never on a free list and never merge;
 *  - nr_free = pages in free blocks; nr_total = free + allocated pages.
 *
 * Freeing checks the head page's flags and recorded order, so double
 * frees, wrong orders, tail pages and reserved pages are caught in O(1)
 * and reported with panic(). The lock is dropped before panicking: the
 * kernel never comes back, but the hosted tests longjmp out of panic()
 * and go on using the allocator.
 *
 * Callers: boot code (page_alloc_init, page_alloc_add_range), the slab
 * allocator, and anything that needs whole pages (page tables, stacks).
 */
#include <synthos/page_alloc.h>
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/panic.h>
#include <synthos/spinlock.h>
#include <synthos/string.h>

struct free_area {
	struct list_head list;          /* heads of free blocks of this order */
	size_t nr;                      /* entries on list */
};

/*
 * Written only by page_alloc_init() before anyone else runs, then
 * read-only, so readers take no lock: memmap, max_pfn, memmap_range,
 * reserved[], nreserved.
 */
static struct page *memmap;
static pfn_t max_pfn;
static struct phys_range memmap_range;
/* page_alloc_init()'s reserved ranges plus the memmap and pfn 0, in pfns. */
static struct { pfn_t start, end; } reserved[PAGE_ALLOC_MAX_RESERVED + 2];
static int nreserved;

/* zone_lock protects everything below and the struct page fields listed
 * as allocator-owned in page_alloc.h. */
static spinlock_t zone_lock = SPINLOCK_INIT;
static struct free_area free_area[MAX_ORDER];
static size_t nr_free;                  /* pages in free blocks */
static size_t nr_total;                 /* pages ever handed to the allocator */
static unsigned long fail_countdown;    /* fault injection; 0 = off */

static pfn_t pfn_up(phys_addr_t a)
{
	/* Saturate rather than wrap for addresses in the last page. */
	if (a > ~(phys_addr_t)0 - (PAGE_SIZE - 1))
		return ~(phys_addr_t)0 >> PAGE_SHIFT;
	return (a + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

static pfn_t pfn_down(phys_addr_t a)
{
	return a >> PAGE_SHIFT;
}

/* If pfn is inside a reserved range, that range's end; else 0. */
static pfn_t reserved_end(pfn_t pfn)
{
	for (int i = 0; i < nreserved; i++)
		if (reserved[i].start <= pfn && pfn < reserved[i].end)
			return reserved[i].end;
	return 0;
}

/* The lowest reserved-range start above pfn, or limit if none is lower. */
static pfn_t next_reserved_start(pfn_t pfn, pfn_t limit)
{
	for (int i = 0; i < nreserved; i++)
		if (reserved[i].start > pfn && reserved[i].start < limit)
			limit = reserved[i].start;
	return limit;
}

static void add_reserved(pfn_t start, pfn_t end)
{
	if (start >= end)
		return;
	reserved[nreserved].start = start;
	reserved[nreserved].end = end;
	nreserved++;
}

/*
 * Put the free block [pfn, pfn + 2^order) on the free lists, merging it
 * with its buddy for as long as the buddy is a free block of the same
 * order. Caller holds zone_lock and has already cleared the block's flags.
 */
static void free_block_locked(pfn_t pfn, unsigned order)
{
	while (order < MAX_ORDER - 1) {
		pfn_t buddy = pfn ^ ((pfn_t)1 << order);
		struct page *bp;

		if (buddy >= max_pfn)
			break;
		bp = &memmap[buddy];
		if (!(bp->flags & PG_buddy) || bp->order != order)
			break;
		list_del(&bp->lru);
		free_area[order].nr--;
		bp->flags &= ~PG_buddy;
		bp->order = 0;
		pfn &= ~((pfn_t)1 << order);
		order++;
	}
	struct page *pg = &memmap[pfn];
	pg->flags |= PG_buddy;
	pg->order = (uint8_t)order;
	list_add(&pg->lru, &free_area[order].list);
	free_area[order].nr++;
}

/*
 * Hand [s, e) -- pages that are all still PG_reserved and not in a
 * reserved range -- to the allocator as the largest aligned blocks that fit.
 * Caller holds zone_lock.
 */
static void release_run_locked(pfn_t s, pfn_t e)
{
	for (pfn_t p = s; p < e; p++)
		memmap[p].flags &= ~PG_reserved;
	nr_total += e - s;
	nr_free += e - s;
	while (s < e) {
		unsigned order = MAX_ORDER - 1;
		while (order > 0 && ((s & (((pfn_t)1 << order) - 1)) != 0 ||
				     s + ((pfn_t)1 << order) > e))
			order--;
		free_block_locked(s, order);
		s += (pfn_t)1 << order;
	}
}

/*
 * Release every page of [s, e) that is not in a reserved range and was
 * not released before. Returns how many pages that was.
 */
static size_t release_range(pfn_t s, pfn_t e)
{
	size_t before;
	unsigned long flags = spin_lock_irqsave(&zone_lock);

	before = nr_total;
	if (e > max_pfn)
		e = max_pfn;
	while (s < e) {
		pfn_t rend = reserved_end(s);
		if (rend) {
			s = rend;
			continue;
		}
		pfn_t run_end = next_reserved_start(s, e);
		/* Within the run, skip pages already added (double add). */
		while (s < run_end) {
			pfn_t t = s;
			if (!(memmap[s].flags & PG_reserved)) {
				s++;
				continue;
			}
			while (t < run_end && (memmap[t].flags & PG_reserved))
				t++;
			release_run_locked(s, t);
			s = t;
		}
	}
	size_t added = nr_total - before;
	spin_unlock_irqrestore(&zone_lock, flags);
	return added;
}

/*
 * The lowest pfn where npages fit inside one usable range, below limit,
 * clear of every reserved range; 0 if none (pfn 0 is reserved, so 0 is
 * never a real answer).
 */
static pfn_t place_memmap(const struct phys_range *usable, int nusable,
			  pfn_t npages, pfn_t limit)
{
	pfn_t best = 0;

	for (int i = 0; i < nusable; i++) {
		pfn_t c = pfn_up(usable[i].start);
		pfn_t hi = MIN(pfn_down(usable[i].end), limit);
		bool moved = true;

		while (moved) {
			moved = false;
			if (c >= hi || hi - c < npages)
				break;
			for (int r = 0; r < nreserved; r++) {
				if (reserved[r].start < c + npages && c < reserved[r].end) {
					c = reserved[r].end;
					moved = true;
				}
			}
		}
		if (!moved && c < hi && hi - c >= npages && (best == 0 || c < best))
			best = c;
	}
	return best;
}

int page_alloc_init(const struct phys_range *usable, int nusable,
		    const struct phys_range *res, int nres,
		    phys_addr_t mapped_limit)
{
	pfn_t top = 0, npages, at, limit = pfn_down(mapped_limit);

	if (nres < 0 || nres > PAGE_ALLOC_MAX_RESERVED)
		return -EINVAL;

	spin_init(&zone_lock);
	for (unsigned o = 0; o < MAX_ORDER; o++) {
		list_init(&free_area[o].list);
		free_area[o].nr = 0;
	}
	nr_free = nr_total = 0;
	fail_countdown = 0;
	memmap = NULL;
	max_pfn = 0;
	memmap_range.start = memmap_range.end = 0;

	nreserved = 0;
	add_reserved(0, 1);
	for (int i = 0; i < nres; i++)
		add_reserved(pfn_down(res[i].start), pfn_up(res[i].end));

	for (int i = 0; i < nusable; i++)
		if (pfn_up(usable[i].start) < pfn_down(usable[i].end))
			top = MAX(top, pfn_down(usable[i].end));
	if (top <= 1) {
		pr_err("page_alloc: no usable memory\n");
		return -ENOMEM;
	}

	npages = pfn_up(top * sizeof(struct page));
	at = place_memmap(usable, nusable, npages, limit);
	if (!at) {
		pr_err("page_alloc: no room for a %lu KiB memmap below 0x%lx\n",
		       (unsigned long)(npages * (PAGE_SIZE / 1024)),
		       (unsigned long)mapped_limit);
		return -ENOMEM;
	}

	max_pfn = top;
	memmap_range.start = (phys_addr_t)at << PAGE_SHIFT;
	memmap_range.end = (phys_addr_t)(at + npages) << PAGE_SHIFT;
	add_reserved(at, at + npages);
	memmap = phys_to_virt(memmap_range.start);
	memset(memmap, 0, npages * PAGE_SIZE);
	for (pfn_t p = 0; p < max_pfn; p++) {
		memmap[p].flags = PG_reserved;
		list_init(&memmap[p].lru);
	}

	for (int i = 0; i < nusable; i++)
		release_range(pfn_up(usable[i].start),
			      MIN(pfn_down(usable[i].end), limit));

	pr_info("page_alloc: %lu MiB max, memmap %lu KiB at 0x%lx, %lu pages free\n",
		(unsigned long)(max_pfn >> (20 - PAGE_SHIFT)),
		(unsigned long)(npages * (PAGE_SIZE / 1024)),
		(unsigned long)memmap_range.start, (unsigned long)nr_free);
	return 0;
}

void page_alloc_add_range(phys_addr_t start, phys_addr_t end)
{
	size_t n;

	if (end <= start || !memmap)
		return;
	n = release_range(pfn_up(start), pfn_down(end));
	pr_info("page_alloc: added %lu pages from [0x%lx, 0x%lx)\n",
		(unsigned long)n, (unsigned long)start, (unsigned long)end);
}

struct page *alloc_pages(unsigned order)
{
	unsigned long flags;
	unsigned o;
	struct page *pg;
	pfn_t pfn;

	flags = spin_lock_irqsave(&zone_lock);
	/* Every call counts, even one that would fail anyway. */
	if ((fail_countdown && --fail_countdown == 0) || order >= MAX_ORDER) {
		spin_unlock_irqrestore(&zone_lock, flags);
		return NULL;
	}
	for (o = order; o < MAX_ORDER; o++)
		if (!list_empty(&free_area[o].list))
			break;
	if (o == MAX_ORDER) {
		spin_unlock_irqrestore(&zone_lock, flags);
		return NULL;
	}
	pg = list_first_entry(&free_area[o].list, struct page, lru);
	pfn = (pfn_t)(pg - memmap);
	if (!(pg->flags & PG_buddy) || pg->order != o ||
	    (pfn & (((pfn_t)1 << o) - 1))) {
		spin_unlock_irqrestore(&zone_lock, flags);
		panic("alloc_pages: free list %u corrupted at pfn 0x%lx (flags 0x%x order %u)",
		      o, (unsigned long)pfn, pg->flags, pg->order);
	}
	list_del(&pg->lru);
	free_area[o].nr--;
	pg->flags &= ~PG_buddy;
	/* Split: keep the lower half, free the upper half, until small enough. */
	while (o > order) {
		o--;
		struct page *half = &memmap[pfn + ((pfn_t)1 << o)];
		half->flags |= PG_buddy;
		half->order = (uint8_t)o;
		list_add(&half->lru, &free_area[o].list);
		free_area[o].nr++;
	}
	pg->flags |= PG_head;
	pg->order = (uint8_t)order;
	nr_free -= (size_t)1 << order;
	spin_unlock_irqrestore(&zone_lock, flags);
	return pg;
}

/* Is pg really an element of memmap[]? */
static bool page_valid(const struct page *pg)
{
	uintptr_t a = (uintptr_t)pg, base = (uintptr_t)memmap;

	return memmap && a >= base && a < base + max_pfn * sizeof(struct page) &&
	       (a - base) % sizeof(struct page) == 0;
}

void free_pages(struct page *pg, unsigned order)
{
	unsigned long flags;
	pfn_t pfn;
	uint32_t pf;

	if (!page_valid(pg))
		panic("free_pages: %p is not a struct page in the memmap", (void *)pg);
	if (order >= MAX_ORDER)
		panic("free_pages: order %u out of range", order);
	pfn = (pfn_t)(pg - memmap);

	flags = spin_lock_irqsave(&zone_lock);
	pf = pg->flags;
	if (pf & PG_reserved) {
		spin_unlock_irqrestore(&zone_lock, flags);
		panic("free_pages: pfn 0x%lx is reserved memory, never allocated",
		      (unsigned long)pfn);
	}
	if (pf & PG_buddy) {
		spin_unlock_irqrestore(&zone_lock, flags);
		panic("free_pages: double free of pfn 0x%lx (order %u)",
		      (unsigned long)pfn, order);
	}
	if (!(pf & PG_head)) {
		spin_unlock_irqrestore(&zone_lock, flags);
		panic("free_pages: pfn 0x%lx is not the start of an allocated block "
		      "(double free, or a page inside a block)", (unsigned long)pfn);
	}
	if (pg->order != order) {
		unsigned was = pg->order;
		spin_unlock_irqrestore(&zone_lock, flags);
		panic("free_pages: pfn 0x%lx freed with wrong order %u (allocated as order %u)",
		      (unsigned long)pfn, order, was);
	}
	if (pf & (PG_slab | PG_large)) {
		spin_unlock_irqrestore(&zone_lock, flags);
		panic("free_pages: pfn 0x%lx still belongs to the slab allocator",
		      (unsigned long)pfn);
	}
	if (pg->refcount) {
		uint32_t refs = pg->refcount;
		spin_unlock_irqrestore(&zone_lock, flags);
		panic("free_pages: pfn 0x%lx still has %u references",
		      (unsigned long)pfn, refs);
	}
	pg->flags &= ~PG_head;
	pg->order = 0;
	nr_free += (size_t)1 << order;
	free_block_locked(pfn, order);
	spin_unlock_irqrestore(&zone_lock, flags);
}

void *alloc_page_va(void)
{
	struct page *pg = alloc_pages(0);
	return pg ? page_to_virt(pg) : NULL;
}

void *alloc_zeroed_page_va(void)
{
	void *va = alloc_page_va();
	if (va)
		memset(va, 0, PAGE_SIZE);
	return va;
}

void free_page_va(void *va)
{
	struct page *pg;

	if (!va)
		return;
	if (!IS_ALIGNED((uintptr_t)va, PAGE_SIZE) || !(pg = virt_to_page(va)))
		panic("free_page_va: %p is not a page of the direct map", va);
	free_pages(pg, 0);
}

pfn_t page_to_pfn(const struct page *pg)
{
	return (pfn_t)(pg - memmap);
}

struct page *pfn_to_page(pfn_t pfn)
{
	return pfn < max_pfn ? &memmap[pfn] : NULL;
}

phys_addr_t page_to_phys(const struct page *pg)
{
	return (phys_addr_t)page_to_pfn(pg) << PAGE_SHIFT;
}

struct page *phys_to_page(phys_addr_t pa)
{
	return pfn_to_page(pfn_down(pa));
}

void *page_to_virt(const struct page *pg)
{
	return phys_to_virt(page_to_phys(pg));
}

struct page *virt_to_page(const void *va)
{
	return phys_to_page(virt_to_phys(va));
}

size_t page_alloc_free_pages(void)
{
	return READ_ONCE(nr_free);
}

size_t page_alloc_total_pages(void)
{
	return READ_ONCE(nr_total);
}

size_t page_alloc_free_blocks(unsigned order)
{
	return order < MAX_ORDER ? READ_ONCE(free_area[order].nr) : 0;
}

pfn_t page_alloc_max_pfn(void)
{
	return max_pfn;
}

struct phys_range page_alloc_memmap_range(void)
{
	return memmap_range;
}

void page_alloc_fail_nth(unsigned long n)
{
	unsigned long flags = spin_lock_irqsave(&zone_lock);
	fail_countdown = n;
	spin_unlock_irqrestore(&zone_lock, flags);
}

void page_alloc_dump(void)
{
	size_t nr[MAX_ORDER], nfree, ntotal;
	unsigned long flags = spin_lock_irqsave(&zone_lock);

	/* Snapshot first: klog takes its own lock and may be slow. */
	for (unsigned o = 0; o < MAX_ORDER; o++)
		nr[o] = free_area[o].nr;
	nfree = nr_free;
	ntotal = nr_total;
	spin_unlock_irqrestore(&zone_lock, flags);

	klog(LOG_INFO, "page_alloc: %lu of %lu pages free\n",
	     (unsigned long)nfree, (unsigned long)ntotal);
	for (unsigned o = 0; o < MAX_ORDER; o++)
		klog(LOG_INFO, "page_alloc:   order %u (%lu KiB): %lu free\n", o,
		     (PAGE_SIZE << o) / 1024, (unsigned long)nr[o]);
}

/* page_alloc_check() helper: log the first problem and fail. */
#define CHECK(cond, ...) do {                                          \
	if (!(cond)) {                                                 \
		spin_unlock_irqrestore(&zone_lock, flags);             \
		pr_err("page_alloc_check: " __VA_ARGS__);              \
		return -EINVAL;                                        \
	}                                                              \
} while (0)

int page_alloc_check(void)
{
	unsigned long flags = spin_lock_irqsave(&zone_lock);
	size_t listed = 0, scanned_free = 0, scanned_used = 0;

	/* The free lists: every entry a well-formed, aligned free block head. */
	for (unsigned o = 0; o < MAX_ORDER; o++) {
		struct list_head *pos;
		size_t n = 0;

		list_for_each(pos, &free_area[o].list) {
			struct page *pg = list_entry(pos, struct page, lru);
			pfn_t pfn;

			CHECK(page_valid(pg), "order %u list holds %p\n", o, (void *)pg);
			pfn = (pfn_t)(pg - memmap);
			CHECK((pg->flags & PG_buddy) && pg->order == o,
			      "pfn 0x%lx on order %u list has flags 0x%x order %u\n",
			      (unsigned long)pfn, o, pg->flags, pg->order);
			CHECK((pfn & (((pfn_t)1 << o) - 1)) == 0 &&
			      pfn + ((pfn_t)1 << o) <= max_pfn,
			      "pfn 0x%lx misplaced for order %u\n", (unsigned long)pfn, o);
			CHECK(++n <= max_pfn, "order %u list loops\n", o);
			listed += (size_t)1 << o;
		}
		CHECK(n == free_area[o].nr, "order %u: %lu listed, count says %lu\n",
		      o, (unsigned long)n, (unsigned long)free_area[o].nr);
	}
	CHECK(listed == nr_free, "%lu pages listed free, nr_free %lu\n",
	      (unsigned long)listed, (unsigned long)nr_free);

	/* The memmap: walk block by block. */
	for (pfn_t pfn = 0; pfn < max_pfn; ) {
		struct page *pg = &memmap[pfn];
		pfn_t n;

		if (pg->flags & PG_reserved) {
			CHECK(!(pg->flags & (PG_buddy | PG_head)),
			      "reserved pfn 0x%lx has flags 0x%x\n",
			      (unsigned long)pfn, pg->flags);
			pfn++;
			continue;
		}
		CHECK(pg->flags & (PG_buddy | PG_head),
		      "pfn 0x%lx belongs to no block (flags 0x%x)\n",
		      (unsigned long)pfn, pg->flags);
		CHECK(!((pg->flags & PG_buddy) && (pg->flags & PG_head)),
		      "pfn 0x%lx both free and allocated\n", (unsigned long)pfn);
		n = (pfn_t)1 << pg->order;
		CHECK(pg->order < MAX_ORDER && (pfn & (n - 1)) == 0 && pfn + n <= max_pfn,
		      "block at pfn 0x%lx has bad order %u\n", (unsigned long)pfn, pg->order);
		for (pfn_t t = pfn + 1; t < pfn + n; t++)
			CHECK(!(memmap[t].flags & (PG_buddy | PG_head | PG_reserved)),
			      "pfn 0x%lx inside block at 0x%lx has flags 0x%x\n",
			      (unsigned long)t, (unsigned long)pfn, memmap[t].flags);
		if (pg->flags & PG_buddy) {
			pfn_t buddy = pfn ^ n;
			CHECK(pg->order == MAX_ORDER - 1 || buddy >= max_pfn ||
			      !(memmap[buddy].flags & PG_buddy) ||
			      memmap[buddy].order != pg->order,
			      "free blocks at pfn 0x%lx and 0x%lx not merged\n",
			      (unsigned long)pfn, (unsigned long)buddy);
			scanned_free += n;
		} else {
			scanned_used += n;
		}
		pfn += n;
	}
	CHECK(scanned_free == nr_free, "memmap shows %lu free pages, nr_free %lu\n",
	      (unsigned long)scanned_free, (unsigned long)nr_free);
	CHECK(scanned_free + scanned_used == nr_total,
	      "memmap shows %lu managed pages, nr_total %lu\n",
	      (unsigned long)(scanned_free + scanned_used), (unsigned long)nr_total);
	spin_unlock_irqrestore(&zone_lock, flags);
	return 0;
}
