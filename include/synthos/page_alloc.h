/*
 * page_alloc.h - the physical page allocator (kernel/mm/page_alloc.c).
 *
 * A binary buddy allocator over all RAM. Every physical frame below the
 * highest usable address has one struct page in the "memmap" array, so
 * pfn <-> struct page is plain array indexing. Blocks are 2^order pages,
 * order 0 .. MAX_ORDER-1 (4 KiB .. 4 MiB), and a block of order k always
 * starts at a pfn that is a multiple of 2^k, so its physical address is
 * aligned to its size.
 *
 * Contract:
 *  - alloc_pages() returns the first struct page of a block, or NULL when
 *    no block of that order is free. It never panics on exhaustion and
 *    never zeroes memory (use alloc_zeroed_page_va() for that).
 *  - free_pages() must get back exactly the page and order that
 *    alloc_pages() returned. Anything else (double free, wrong order, a
 *    page in the middle of a block, a reserved page, a page still owned by
 *    the slab allocator) is a kernel bug and panics with a message.
 *  - Physical page 0 is never handed out, so a zero physical address can
 *    keep meaning "none" in page tables and elsewhere.
 *
 * The struct page fields used by the slab allocator (kernel/mm/slab.c)
 * live here too; nothing else should touch them.
 */
#ifndef SYNTHOS_PAGE_ALLOC_H
#define SYNTHOS_PAGE_ALLOC_H

#include <synthos/compiler.h>
#include <synthos/list.h>
#include <synthos/types.h>
#include <arch/page.h>

#define MAX_ORDER 11                    /* orders 0..10: 4 KiB .. 4 MiB */
#define MAX_ORDER_PAGES (1UL << (MAX_ORDER - 1))

/* Most reserved ranges page_alloc_init() accepts (it keeps a copy). */
#define PAGE_ALLOC_MAX_RESERVED 32

struct phys_range {
	phys_addr_t start, end;         /* [start, end) */
};

/* struct page flags. */
#define PG_reserved (1u << 0)   /* never given to the allocator: hole, firmware,
				   kernel image, memmap, or not yet added */
#define PG_buddy    (1u << 1)   /* first page of a free block; order = its order */
#define PG_head     (1u << 2)   /* first page of an allocated block; order = its order */
#define PG_slab     (1u << 3)   /* part of a slab; slab_cache says whose */
#define PG_large    (1u << 4)   /* head of a kmalloc() allocation bigger than a slab object */

struct kmem_cache;

/*
 * One per physical frame, 48 bytes (1.2% of RAM; 16 bytes of headroom
 * below the 64-byte limit). Only the first page of a block says what the
 * block is (PG_buddy or PG_head, plus order); its other pages carry no
 * flags, except PG_slab and slab_cache on every page of a slab.
 *
 * Protected by the page allocator's lock: flags (PG_reserved, PG_buddy,
 * PG_head), order, and lru while PG_buddy. Once a block is allocated its
 * owner controls the rest: the slab allocator protects PG_slab, PG_large,
 * inuse, lru, slab_cache and freelist with the owning cache's lock; the
 * user-memory code (kernel/mm/vm.c) owns refcount for the pages it maps.
 * refcount is 0 on every page that reaches the allocator: alloc_pages()
 * hands pages out with 0, and free_pages() panics on a page that still has
 * references (freeing a page that is still mapped somewhere).
 */
struct page {
	uint32_t flags;                 /* PG_* */
	uint8_t  order;                 /* PG_buddy or PG_head: the block's order */
	uint8_t  pad_;
	uint16_t inuse;                 /* slab head: objects handed out */
	uint32_t refcount;              /* owner's reference count, see above */
	uint32_t pad2_;
	struct list_head lru;           /* PG_buddy: free list; slab head: partial list */
	struct kmem_cache *slab_cache;  /* PG_slab: owning cache (every page of a slab) */
	union {
		void *freelist;         /* slab head: first free object, NULL if full */
		uint64_t pt_used;       /* an upper-level user page table (arch pgtable.c):
					   bit k set if entries 8k..8k+7 may be present */
	};
};

STATIC_ASSERT(sizeof(struct page) <= 64, "struct page must stay small");

/*
 * Set up the memmap and free the usable memory below mapped_limit.
 *   usable:   RAM ranges from the firmware map (may be unaligned, unsorted,
 *             overlapping; only whole pages inside them count).
 *   reserved: ranges never handed out (kernel image, initrd, boot info,
 *             low 1 MiB, ...), whether or not they lie in usable RAM.
 *   mapped_limit: [0, mapped_limit) is already reachable through
 *             phys_to_virt(). The memmap is placed at the lowest page-aligned
 *             spot there that is usable and not reserved, and is itself
 *             reserved from then on. Usable memory above the limit is
 *             described by the memmap but stays reserved until
 *             page_alloc_add_range().
 * The memmap covers pfns [0, max pfn of all usable ranges). Returns 0,
 * -ENOMEM if there is no usable memory or no room for the memmap, or
 * -EINVAL if nreserved > PAGE_ALLOC_MAX_RESERVED. Calling it again starts
 * over from nothing (the unit tests do; the kernel calls it once).
 */
int page_alloc_init(const struct phys_range *usable, int nusable,
		    const struct phys_range *reserved, int nreserved,
		    phys_addr_t mapped_limit);

/*
 * Free RAM in [start, end) once it is direct-mapped. Clipped to the memmap;
 * the reserved ranges given to page_alloc_init(), the memmap, page 0 and
 * pages already added are skipped (the first two are the caller's duty
 * anyway; skipping makes a mistake harmless rather than fatal).
 */
void page_alloc_add_range(phys_addr_t start, phys_addr_t end);

struct page *alloc_pages(unsigned order);
void free_pages(struct page *pg, unsigned order);

/*
 * Order-0 shortcuts through the direct map. alloc_page_va() does not zero
 * (the caller usually overwrites the page anyway); alloc_zeroed_page_va()
 * does, and must be used for anything user space or hardware could read
 * (page tables, user pages). free_page_va(NULL) does nothing.
 */
void *alloc_page_va(void);
void *alloc_zeroed_page_va(void);
void free_page_va(void *va);

/* Conversions. phys_to_page/virt_to_page return NULL outside the memmap. */
pfn_t page_to_pfn(const struct page *pg);
struct page *pfn_to_page(pfn_t pfn);
phys_addr_t page_to_phys(const struct page *pg);
struct page *phys_to_page(phys_addr_t pa);
void *page_to_virt(const struct page *pg);
struct page *virt_to_page(const void *va);

/* Counts in 4 KiB pages. total = pages ever given to the allocator. */
size_t page_alloc_free_pages(void);
size_t page_alloc_total_pages(void);
/* Free blocks of exactly this order (0 for order >= MAX_ORDER). */
size_t page_alloc_free_blocks(unsigned order);
/* One past the highest pfn the memmap describes. */
pfn_t page_alloc_max_pfn(void);
/* Where the memmap lives: [start, end) physical. */
struct phys_range page_alloc_memmap_range(void);

/*
 * Fault injection: the n-th alloc_pages() call from now returns NULL,
 * once; 0 disables. Counts every call, including the slab allocator's.
 */
void page_alloc_fail_nth(unsigned long n);

/* Free blocks per order, via klog(LOG_INFO, ...). */
void page_alloc_dump(void);

/*
 * Walk the free lists and the memmap and check every invariant (block
 * alignment, flags, no overlap, counters). Returns 0, or -EINVAL after
 * logging the first problem at LOG_ERR. For tests and debugging; O(memmap).
 */
int page_alloc_check(void);

#endif
