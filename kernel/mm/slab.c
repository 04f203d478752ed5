/*
 * slab.c - object caches (kmem_cache) and kmalloc on top of the page
 * allocator.
 *
 * Data layout. A slab is one block of 2^order pages from alloc_pages(),
 * cut into objs_per_slab objects of `size` bytes laid end to end from the
 * block's first byte (no header inside the slab: its bookkeeping lives in
 * the struct page of the block's first page, the "slab head"):
 *   head->freelist  first free object, NULL when the slab is full
 *   head->inuse     objects handed out
 *   head->lru       link on the cache's partial list
 * Every page of the slab carries PG_slab and slab_cache, so any object
 * pointer leads to its cache in O(1); the head is the page at the block's
 * alignment (blocks of order k start at a multiple of 2^k pages).
 *
 * A free object's first word links to the next free object of the same
 * slab, stored as next ^ FREE_KEY ^ the object's own address. Decoding a
 * word of live data almost never yields NULL or an object of this slab,
 * so that test cheaply says "cannot be free"; when it says "may be free"
 * kmem_cache_free walks the slab's freelist to be sure before declaring a
 * double free. Allocation checks each link it follows the same way, which
 * catches most writes into freed objects. The link word is cleared when
 * the object is handed out, so no allocator pointer leaks through it.
 *
 * Cache lists. partial holds the slabs that have a free object: partly
 * used ones at the front (allocation takes the first, which keeps empty
 * slabs empty), at most one empty "spare" slab at the back. Full slabs are
 * on no list; the next free puts them back at the front. When a slab
 * empties and a spare already exists, the slab goes back to the page
 * allocator, so page counts return to their starting level after a
 * workload (exactly, after kmem_shrink_all()).
 *
 * Locks, taken in this order: cache_list_lock, a cache's lock, the page
 * allocator's lock. The panics below drop the cache lock first: the kernel
 * never returns from panic(), but the hosted tests do (via longjmp).
 *
 * kmem_cache structs come from cache_cache, which is static so that it
 * exists before any cache can be created. Large kmalloc()s are plain
 * page blocks marked PG_large; their order is in the head struct page.
 */
#include <synthos/slab.h>
#include <synthos/errno.h>
#include <synthos/list.h>
#include <synthos/log.h>
#include <synthos/page_alloc.h>
#include <synthos/panic.h>
#include <synthos/spinlock.h>
#include <synthos/string.h>

#define SLAB_MIN_ALIGN 8                /* room and alignment for the link word */
#define FREE_KEY ((uintptr_t)0x5ab1f7eec0ffee5aULL)

struct kmem_cache {
	/* Set at creation, then read-only. */
	const char *name;
	size_t size;                    /* object stride: size rounded up to align */
	size_t align;
	unsigned order;                 /* each slab is 2^order pages */
	unsigned objs_per_slab;
	size_t slab_bytes;              /* objs_per_slab * size: the objects' span */
	bool is_kmalloc;                /* a generic kmalloc cache: counted, never destroyed */

	spinlock_t lock;
	/* Protected by lock (and so are the slab fields of its struct pages). */
	struct list_head partial;       /* slabs with free objects; the spare last */
	size_t nr_slabs;
	size_t nr_empty;                /* empty slabs kept: 0 or 1 */
	size_t objs_in_use;

	struct list_head link;          /* on cache_list; protected by cache_list_lock */

	/* A memo of slab_base() (a pure function of the head page) for the
	 * last slab the fast paths used; protected by lock. release_slab
	 * clears it, so a memo_head that is set is a live slab of this
	 * cache (kmem_cache_free's hot path relies on it). */
	const struct page *memo_head;
	uintptr_t memo_base;

	/* kmem_cache_keep_hot() caches: one free object set aside by the
	 * last free for the next allocation (NULL: none), protected by lock.
	 * See "The hot object" below. */
	bool keep_hot;
	void *hot;
};

static struct kmem_cache cache_cache;   /* the cache of kmem_cache structs */

static spinlock_t cache_list_lock = SPINLOCK_INIT;
static LIST_HEAD(cache_list);           /* every cache; protected by cache_list_lock */

static const size_t kmalloc_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
};
static const char *const kmalloc_names[] = {
	"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96",
	"kmalloc-128", "kmalloc-192", "kmalloc-256", "kmalloc-512",
	"kmalloc-1024", "kmalloc-2048", "kmalloc-4096",
};
STATIC_ASSERT(ARRAY_SIZE(kmalloc_sizes) == ARRAY_SIZE(kmalloc_names), "kmalloc tables");
/* Written by slab_init() only, then read-only. */
static struct kmem_cache *kmalloc_caches[ARRAY_SIZE(kmalloc_sizes)];

/* Bytes in large kmalloc()s. Updated atomically rather than under a lock:
 * it is a counter nothing else depends on. */
static size_t large_bytes;

/* Unlock the cache, then panic. */
#define SLAB_BUG(c, flags, ...) do {                                   \
	spin_unlock_irqrestore(&(c)->lock, flags);                     \
	panic(__VA_ARGS__);                                            \
} while (0)

/* ---- freelist links ----------------------------------------------------- */

static void *slab_base(const struct page *head)
{
	return page_to_virt(head);
}

/* Is p exactly the start of an object of the slab at base? */
static inline bool obj_at(const struct kmem_cache *c, uintptr_t base, const void *p)
{
	uintptr_t off = (uintptr_t)p - base;   /* huge when p < base */

	return off < c->slab_bytes && off % c->size == 0;
}

/* Is p exactly the start of one of head's objects? */
static bool is_slab_obj(const struct kmem_cache *c, const struct page *head,
			const void *p)
{
	return obj_at(c, (uintptr_t)slab_base(head), p);
}

static void set_link(void *obj, void *next)
{
	*(uintptr_t *)obj = (uintptr_t)next ^ FREE_KEY ^ (uintptr_t)obj;
}

static void *get_link(const void *obj)
{
	return (void *)(*(const uintptr_t *)obj ^ FREE_KEY ^ (uintptr_t)obj);
}

/* Is obj on head's freelist? Bounded, so a corrupt list cannot loop. */
static bool on_freelist(const struct kmem_cache *c, const struct page *head,
			const void *obj)
{
	void *p = head->freelist;

	for (unsigned n = 0; p && n < c->objs_per_slab; n++) {
		if (p == obj)
			return true;
		if (!is_slab_obj(c, head, p))
			return false;
		p = get_link(p);
	}
	return false;
}

/* ---- slabs ------------------------------------------------------------- */

/* The slab head for an object's page, given the object's cache. */
static struct page *slab_head(const struct kmem_cache *c, struct page *pg)
{
	pfn_t pfn = page_to_pfn(pg) & ~(((pfn_t)1 << c->order) - 1);
	return pfn_to_page(pfn);
}

/* A fresh empty slab for c, or NULL. Caller holds c->lock. */
static struct page *new_slab(struct kmem_cache *c)
{
	struct page *head = alloc_pages(c->order);
	char *base;
	void *next = NULL;

	if (!head)
		return NULL;
	for (unsigned i = 0; i < (1u << c->order); i++) {
		head[i].flags |= PG_slab;
		head[i].slab_cache = c;
	}
	head->inuse = 0;
	/* Link the objects in address order: a new slab fills front to back. */
	base = slab_base(head);
	for (unsigned i = c->objs_per_slab; i-- > 0; ) {
		set_link(base + (size_t)i * c->size, next);
		next = base + (size_t)i * c->size;
	}
	head->freelist = base;
	c->nr_slabs++;
	return head;
}

/* Give an empty slab, already off every list, back to the page allocator.
 * Caller holds c->lock. */
static void release_slab(struct kmem_cache *c, struct page *head)
{
	if (c->memo_head == head)
		c->memo_head = NULL;
	for (unsigned i = 0; i < (1u << c->order); i++) {
		head[i].flags &= ~PG_slab;
		head[i].slab_cache = NULL;
	}
	head->freelist = NULL;
	head->inuse = 0;
	c->nr_slabs--;
	free_pages(head, c->order);
}

/*
 * The smallest slab order (up to SLAB_MAX_ORDER) that wastes at most an
 * eighth of the slab; failing that, the order that wastes the least.
 */
static unsigned pick_order(size_t size)
{
	unsigned best = SLAB_MAX_ORDER;
	size_t best_waste = (size_t)-1;

	for (unsigned o = 0; o <= SLAB_MAX_ORDER; o++) {
		size_t slab = PAGE_SIZE << o, n = slab / size;
		if (n == 0)
			continue;
		size_t waste = slab - n * size;
		if (waste * 8 <= slab)
			return o;
		if (waste < best_waste) {
			best_waste = waste;
			best = o;
		}
	}
	return best;
}

static void cache_setup(struct kmem_cache *c, const char *name, size_t size,
			size_t align)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->size = size;
	c->align = align;
	c->order = pick_order(size);
	c->objs_per_slab = (unsigned)((PAGE_SIZE << c->order) / size);
	c->slab_bytes = (size_t)c->objs_per_slab * size;
	spin_init(&c->lock);
	list_init(&c->partial);
	list_init(&c->link);
}

/* ---- caches ------------------------------------------------------------ */

static void hot_flush(struct kmem_cache *c);

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
	struct kmem_cache *c;
	unsigned long flags;

	if (size == 0 || size > KMEM_CACHE_MAX_SIZE)
		return NULL;
	if (align == 0)
		align = SLAB_MIN_ALIGN;
	if ((align & (align - 1)) != 0 || align > PAGE_SIZE)
		return NULL;
	align = MAX(align, (size_t)SLAB_MIN_ALIGN);
	size = ALIGN_UP(size, align);
	if (size > KMEM_CACHE_MAX_SIZE)
		return NULL;

	c = kmem_cache_alloc(&cache_cache);
	if (!c)
		return NULL;
	cache_setup(c, name, size, align);
	flags = spin_lock_irqsave(&cache_list_lock);
	list_add_tail(&c->link, &cache_list);
	spin_unlock_irqrestore(&cache_list_lock, flags);
	return c;
}

int kmem_cache_destroy(struct kmem_cache *c)
{
	unsigned long lflags, cflags;
	struct list_head *pos, *tmp;

	if (!c)
		return 0;
	if (c == &cache_cache || c->is_kmalloc) {
		pr_err("kmem_cache_destroy: %s is built in\n", c->name);
		return -EINVAL;
	}
	lflags = spin_lock_irqsave(&cache_list_lock);
	cflags = spin_lock_irqsave(&c->lock);
	hot_flush(c);
	if (c->objs_in_use) {
		size_t n = c->objs_in_use;
		spin_unlock_irqrestore(&c->lock, cflags);
		spin_unlock_irqrestore(&cache_list_lock, lflags);
		pr_err("kmem_cache_destroy: %s still has %lu objects in use\n",
		       c->name, (unsigned long)n);
		return -EBUSY;
	}
	/* No object in use: every slab is empty and on the partial list. */
	list_for_each_safe(pos, tmp, &c->partial) {
		struct page *head = list_entry(pos, struct page, lru);
		list_del(&head->lru);
		release_slab(c, head);
	}
	c->nr_empty = 0;
	spin_unlock_irqrestore(&c->lock, cflags);
	list_del(&c->link);
	spin_unlock_irqrestore(&cache_list_lock, lflags);
	kmem_cache_free(&cache_cache, c);
	return 0;
}

/* The base of head's slab, through the cache's memo. Caller holds c->lock. */
static inline uintptr_t slab_base_memo(struct kmem_cache *c, const struct page *head)
{
	if (likely(c->memo_head == head))
		return c->memo_base;
	c->memo_base = (uintptr_t)slab_base(head);
	c->memo_head = head;
	return c->memo_base;
}

/*
 * The hot object. A cache whose objects are allocated and freed in quick
 * alternation (open files: open, close, open...) can ask to keep the last
 * freed object aside for the next allocation instead of threading it back
 * onto its slab's freelist and taking it off again; that skips the
 * freelist checks and list work on both sides, the way Linux's per-CPU
 * freelists do. The object stays counted in its slab's inuse (so that
 * slab is never released under it) but not in objs_in_use (it is free).
 * Its first word holds HOT_KEY ^ its address while it waits: the next
 * allocation checks that word (a write into the freed object is caught as
 * on the freelist), and freeing it again is a double free, caught by
 * comparing with c->hot. shrink and destroy give it back to its slab
 * first, so page counts and leak checks see what they saw before.
 */
#define HOT_KEY ((uintptr_t)0x40770b7ec7ab1e5aULL)

static void free_to_slab(struct kmem_cache *c, struct page *head, void *obj);

/* Give c's hot object back to its slab. Caller holds c->lock. */
static void hot_flush(struct kmem_cache *c)
{
	void *obj = c->hot;
	if (!obj)
		return;
	c->hot = NULL;
	c->objs_in_use++;               /* free_to_slab counts it out again */
	struct page *pg = virt_to_page(obj);
	free_to_slab(c, c->order ? slab_head(c, pg) : pg, obj);
}

void kmem_cache_keep_hot(struct kmem_cache *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	c->keep_hot = true;
	spin_unlock_irqrestore(&c->lock, flags);
}

/* The slab fast paths: the slab's base from the memo, the checks against
 * it computed once. */
static inline __attribute__((always_inline)) void *
cache_alloc(struct kmem_cache *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct page *head;
	void *obj, *next;
	uintptr_t base;

	obj = c->hot;                   /* NULL unless keep_hot */
	if (obj) {
		if (unlikely(*(uintptr_t *)obj != (HOT_KEY ^ (uintptr_t)obj)))
			SLAB_BUG(c, flags, "kmem_cache_alloc(%s): free object %p was overwritten "
				 "(use after free?)", c->name, obj);
		c->hot = NULL;
		c->objs_in_use++;
		*(uintptr_t *)obj = 0;
		spin_unlock_irqrestore(&c->lock, flags);
		return obj;
	}
	if (unlikely(list_empty(&c->partial))) {
		head = new_slab(c);
		if (!head) {
			spin_unlock_irqrestore(&c->lock, flags);
			return NULL;
		}
		list_add(&head->lru, &c->partial);
		c->nr_empty++;
	}
	head = list_first_entry(&c->partial, struct page, lru);
	obj = head->freelist;
	base = slab_base_memo(c, head);
	if (unlikely(!obj || !obj_at(c, base, obj)))
		SLAB_BUG(c, flags, "kmem_cache_alloc(%s): slab at %p has bad freelist head %p",
			 c->name, (void *)base, obj);
	next = get_link(obj);
	if (next) {
		if (unlikely(!obj_at(c, base, next)))
			SLAB_BUG(c, flags, "kmem_cache_alloc(%s): free object %p was overwritten "
				 "(use after free?)", c->name, obj);
	} else {
		list_del(&head->lru);   /* full: off the partial list */
	}
	head->freelist = next;
	if (unlikely(head->inuse++ == 0))
		c->nr_empty--;
	c->objs_in_use++;
	*(uintptr_t *)obj = 0;
	spin_unlock_irqrestore(&c->lock, flags);
	return obj;
}

/* The general path, out of line so that the hot-object path below needs
 * no registers saved. */
static __attribute__((noinline)) void *cache_alloc_slow(struct kmem_cache *c)
{
	return cache_alloc(c);
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	if (c->keep_hot) {
		unsigned long flags = spin_lock_irqsave(&c->lock);
		void *obj = c->hot;
		if (likely(obj) &&
		    likely(*(uintptr_t *)obj == (HOT_KEY ^ (uintptr_t)obj))) {
			c->hot = NULL;
			c->objs_in_use++;
			*(uintptr_t *)obj = 0;
			spin_unlock_irqrestore(&c->lock, flags);
			return obj;
		}
		/* None set aside, or it was written to: cache_alloc takes
		 * it again or reports it. */
		spin_unlock_irqrestore(&c->lock, flags);
	}
	return cache_alloc_slow(c);
}

/* Free obj, whose page pg (PG_slab) belongs to c. */
static inline __attribute__((always_inline)) void
cache_free(struct kmem_cache *c, struct page *pg, void *obj)
{
	struct page *head;
	unsigned long flags;
	uintptr_t base;

	head = c->order ? slab_head(c, pg) : pg;

	flags = spin_lock_irqsave(&c->lock);
	base = slab_base_memo(c, head);
	if (unlikely(!obj_at(c, base, obj)))
		SLAB_BUG(c, flags, "kmem_cache_free(%s): %p is not the start of an object",
			 c->name, obj);
	if (unlikely(obj == c->hot))
		SLAB_BUG(c, flags, "kmem_cache_free(%s): double free of %p", c->name, obj);
	{
		/* Could obj's first word be a freelist link? (Cheap; false
		 * positives possible in theory, false negatives not.) Then
		 * make sure by walking the freelist. */
		void *link = get_link(obj);
		if (unlikely(!link || obj_at(c, base, link)) && on_freelist(c, head, obj))
			SLAB_BUG(c, flags, "kmem_cache_free(%s): double free of %p", c->name, obj);
	}
	if (unlikely(head->inuse == 0))
		SLAB_BUG(c, flags, "kmem_cache_free(%s): slab at %p has no object in use",
			 c->name, (void *)base);

	if (c->keep_hot) {
		/* Set aside for the next allocation; the one waiting there
		 * before goes back to its slab. */
		void *old = c->hot;
		*(uintptr_t *)obj = HOT_KEY ^ (uintptr_t)obj;
		c->hot = obj;
		c->objs_in_use--;
		if (unlikely(old)) {
			c->hot = old;
			hot_flush(c);
			c->hot = obj;
		}
		spin_unlock_irqrestore(&c->lock, flags);
		return;
	}
	free_to_slab(c, head, obj);
	spin_unlock_irqrestore(&c->lock, flags);
}

/* Thread obj onto its slab's freelist and do the slab's bookkeeping (the
 * checks are done). Caller holds c->lock. */
static void free_to_slab(struct kmem_cache *c, struct page *head, void *obj)
{
	bool was_full;

	was_full = head->freelist == NULL;
	set_link(obj, head->freelist);
	head->freelist = obj;
	c->objs_in_use--;
	if (was_full)
		list_add(&head->lru, &c->partial);
	if (unlikely(--head->inuse == 0)) {
		list_del(&head->lru);
		if (c->nr_empty == 0) {
			list_add_tail(&head->lru, &c->partial);   /* keep as the spare */
			c->nr_empty = 1;
		} else {
			release_slab(c, head);
		}
	}
}

static __attribute__((noinline)) void cache_free_slow(struct kmem_cache *c, struct page *pg,
							void *obj)
{
	cache_free(c, pg, obj);
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct page *pg;

	if (!obj)
		return;
	if (c->keep_hot) {
		/* The hot-object path, with cache_free's checks, when the slot
		 * is empty and obj is an object of the memo's slab: a live
		 * slab of c (release_slab clears the memo), so obj's page is
		 * PG_slab and c's without asking the memmap. Anything else,
		 * and anything wrong, goes the long way, which says what is
		 * wrong. */
		unsigned long flags = spin_lock_irqsave(&c->lock);
		const struct page *head = c->memo_head;
		uintptr_t base = c->memo_base;
		void *link = get_link(obj);
		if (likely(!c->hot && head && obj_at(c, base, obj) &&
			   link && !obj_at(c, base, link) && head->inuse)) {
			*(uintptr_t *)obj = HOT_KEY ^ (uintptr_t)obj;
			c->hot = obj;
			c->objs_in_use--;
			spin_unlock_irqrestore(&c->lock, flags);
			return;
		}
		spin_unlock_irqrestore(&c->lock, flags);
	}
	pg = virt_to_page(obj);
	if (!pg || !(pg->flags & PG_slab))
		panic("kmem_cache_free(%s): %p is not a slab object", c->name, obj);
	if (pg->slab_cache != c)
		panic("kmem_cache_free: object %p belongs to cache %s, not %s",
		      obj, pg->slab_cache->name, c->name);
	cache_free_slow(c, pg, obj);
}

void kmem_cache_shrink(struct kmem_cache *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct list_head *pos, *tmp;

	hot_flush(c);
	list_for_each_safe(pos, tmp, &c->partial) {
		struct page *head = list_entry(pos, struct page, lru);
		if (head->inuse == 0) {
			list_del(&head->lru);
			release_slab(c, head);
			c->nr_empty--;
		}
	}
	spin_unlock_irqrestore(&c->lock, flags);
}

void kmem_shrink_all(void)
{
	unsigned long flags = spin_lock_irqsave(&cache_list_lock);
	struct list_head *pos;

	list_for_each(pos, &cache_list)
		kmem_cache_shrink(list_entry(pos, struct kmem_cache, link));
	spin_unlock_irqrestore(&cache_list_lock, flags);
}

void slab_init(void)
{
	spin_init(&cache_list_lock);
	list_init(&cache_list);
	__atomic_store_n(&large_bytes, 0, __ATOMIC_RELAXED);

	cache_setup(&cache_cache, "kmem_cache", sizeof(struct kmem_cache),
		    SLAB_MIN_ALIGN);
	list_add_tail(&cache_cache.link, &cache_list);

	for (size_t i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		kmalloc_caches[i] = kmem_cache_create(kmalloc_names[i],
						      kmalloc_sizes[i], 0);
		if (!kmalloc_caches[i])
			panic("slab_init: no memory for %s", kmalloc_names[i]);
		kmalloc_caches[i]->is_kmalloc = true;
	}
}

/* ---- kmalloc ----------------------------------------------------------- */

/*
 * The kmalloc cache for 1 <= size <= KMALLOC_MAX_CACHE_SIZE: the smallest
 * of kmalloc_sizes that holds size. Up to 192 from a table indexed by
 * (size - 1) / 8; above, the sizes are powers of two from 256 (index 7).
 */
static const uint8_t kmalloc_small_index[24] = {
	0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6,
};
STATIC_ASSERT(ARRAY_SIZE(kmalloc_sizes) == 12 && KMALLOC_MAX_CACHE_SIZE == 4096,
	      "kmalloc_index knows the size table");

static inline unsigned kmalloc_index(size_t size)
{
	if (size <= 192)
		return kmalloc_small_index[(size - 1) >> 3];
	return 63 - (unsigned)__builtin_clzll(size - 1);       /* 256 -> 7 ... 4096 -> 11 */
}

static struct kmem_cache *kmalloc_cache(size_t size)
{
	struct kmem_cache *c = kmalloc_caches[kmalloc_index(size)];
	if (unlikely(!c))
		panic("kmalloc(%lu) before slab_init()", (unsigned long)size);
	return c;
}

void *kmalloc(size_t size)
{
	struct page *pg;
	unsigned order = 0;

	if (size == 0)
		return ZERO_SIZE_PTR;
	if (likely(size <= KMALLOC_MAX_CACHE_SIZE))
		return cache_alloc(kmalloc_cache(size));
	if (size > KMALLOC_MAX_SIZE)
		return NULL;
	while ((PAGE_SIZE << order) < size)
		order++;
	pg = alloc_pages(order);
	if (!pg)
		return NULL;
	pg->flags |= PG_large;
	__atomic_fetch_add(&large_bytes, PAGE_SIZE << order, __ATOMIC_RELAXED);
	return page_to_virt(pg);
}

/* Slab objects are 8-aligned with 8-multiple strides, so the zeroing can
 * go by whole words up to size rounded up to 8. */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *kzalloc(size_t size)
{
	if (size && size <= KMALLOC_MAX_CACHE_SIZE) {
		uint64_t *p = cache_alloc(kmalloc_cache(size));
		if (p)
			for (size_t i = 0, n = (size + 7) / 8; i < n; i++)
				p[i] = 0;
		return p;
	}
	void *p = kmalloc(size);

	if (!ZERO_OR_NULL_PTR(p))
		memset(p, 0, size);
	return p;
}

/* The head page of a live large kmalloc() at p, or NULL. */
static struct page *large_head(const void *p, struct page *pg)
{
	if ((pg->flags & (PG_large | PG_head)) != (PG_large | PG_head) ||
	    page_to_virt(pg) != p)
		return NULL;
	return pg;
}

void kfree(const void *p)
{
	struct page *pg;
	unsigned order;

	if (ZERO_OR_NULL_PTR(p))
		return;
	pg = virt_to_page(p);
	if (!pg)
		panic("kfree: %p is not in the direct map", p);
	if (pg->flags & PG_slab) {
		cache_free(pg->slab_cache, pg, (void *)p);
		return;
	}
	if (!large_head(p, pg))
		panic("kfree: %p is not a kmalloc allocation "
		      "(double free, or a pointer into one?)", p);
	order = pg->order;
	pg->flags &= ~PG_large;
	__atomic_fetch_sub(&large_bytes, PAGE_SIZE << order, __ATOMIC_RELAXED);
	free_pages(pg, order);
}

size_t ksize(const void *p)
{
	struct page *pg;

	if (ZERO_OR_NULL_PTR(p))
		return 0;
	pg = virt_to_page(p);
	if (pg && (pg->flags & PG_slab))
		return pg->slab_cache->size;
	if (pg && large_head(p, pg))
		return PAGE_SIZE << pg->order;
	panic("ksize: %p is not a kmalloc allocation", p);
}

/* ---- statistics -------------------------------------------------------- */

static void cache_stats(struct kmem_cache *c, struct kmem_cache_stats *s)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);

	s->name = c->name;
	s->obj_size = c->size;
	s->objs_in_use = c->objs_in_use;
	s->objs_total = c->nr_slabs * c->objs_per_slab;
	s->pages = c->nr_slabs << c->order;
	spin_unlock_irqrestore(&c->lock, flags);
}

void kmem_for_each_cache(void (*fn)(const struct kmem_cache_stats *s, void *ctx),
			 void *ctx)
{
	unsigned long flags = spin_lock_irqsave(&cache_list_lock);
	struct list_head *pos;

	list_for_each(pos, &cache_list) {
		struct kmem_cache_stats s;
		cache_stats(list_entry(pos, struct kmem_cache, link), &s);
		fn(&s, ctx);
	}
	spin_unlock_irqrestore(&cache_list_lock, flags);
}

size_t kmalloc_bytes_in_use(void)
{
	size_t total = __atomic_load_n(&large_bytes, __ATOMIC_RELAXED);

	for (size_t i = 0; i < ARRAY_SIZE(kmalloc_caches); i++) {
		struct kmem_cache_stats s;
		if (!kmalloc_caches[i])
			continue;
		cache_stats(kmalloc_caches[i], &s);
		total += s.objs_in_use * s.obj_size;
	}
	return total;
}
