/*
 * slab.h - object caches and kmalloc (kernel/mm/slab.c).
 *
 * A kmem_cache hands out fixed-size objects carved from "slabs": blocks of
 * 2^order pages from the page allocator. kmalloc() picks one of the
 * generic caches (8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096
 * bytes) and sends anything bigger straight to alloc_pages().
 *
 * Guarantees:
 *  - kmalloc() memory is not zeroed; kzalloc() is. Objects are at least
 *    8-byte aligned, and power-of-two sizes are naturally aligned (so
 *    kmalloc(4096) is page-aligned); large allocations are page-aligned.
 *  - kmalloc(0) returns ZERO_SIZE_PTR: not NULL (so "if (!p) return
 *    -ENOMEM" does not misfire), not dereferenceable (it points into the
 *    unmapped first page), and accepted by kfree() and ksize() (which
 *    says 0). Test with ZERO_OR_NULL_PTR().
 *  - kmalloc() of more than KMALLOC_MAX_SIZE returns NULL, as does any
 *    allocation when memory runs out; neither panics.
 *  - Freeing an object to the wrong cache, a pointer that is not the start
 *    of an object, or an object that is already free panics: each is a
 *    kernel bug. Double frees are always caught while the object is still
 *    free; once it has been handed out again they cannot be told apart
 *    from a legitimate free.
 *  - A slab whose objects are all free goes back to the page allocator,
 *    except one spare per cache; kmem_cache_shrink()/kmem_shrink_all()
 *    release the spares too, so a leak test can compare
 *    page_alloc_free_pages() exactly.
 *
 * Locking: any context that may take a spinlock may call these; each
 * cache has its own lock, taken with interrupts masked.
 */
#ifndef SYNTHOS_SLAB_H
#define SYNTHOS_SLAB_H

#include <synthos/types.h>
#include <synthos/page_alloc.h>

#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(p) ((uintptr_t)(p) <= (uintptr_t)ZERO_SIZE_PTR)

#define KMALLOC_MAX_CACHE_SIZE 4096                          /* biggest slab-backed kmalloc */
#define KMALLOC_MAX_SIZE (PAGE_SIZE << (MAX_ORDER - 1))      /* 4 MiB */

/* Largest object a kmem_cache can hold (slabs are at most 2^3 pages). */
#define SLAB_MAX_ORDER 3
#define KMEM_CACHE_MAX_SIZE (PAGE_SIZE << SLAB_MAX_ORDER)

struct kmem_cache;

/* Set up the cache of caches and the kmalloc caches; after
 * page_alloc_init(). Panics if memory is too short for even that. */
void slab_init(void);

/*
 * A cache of size-byte objects aligned to align (0 means 8; otherwise a
 * power of two up to PAGE_SIZE; less than 8 is raised to 8). name is kept
 * by pointer, so it must outlive the cache (use a string literal). NULL if
 * size is 0 or above KMEM_CACHE_MAX_SIZE, align is bad, or no memory.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);
/* 0, or -EBUSY (and a message) if objects are still allocated. Never for
 * the kmalloc caches. */
int kmem_cache_destroy(struct kmem_cache *c);

void *kmem_cache_alloc(struct kmem_cache *c);              /* NULL when out of memory */
/* Keep the last freed object aside for the next kmem_cache_alloc (for
 * objects allocated and freed in alternation, such as open files): both
 * get cheaper. The guarantees above hold; kmem_cache_shrink and
 * kmem_cache_destroy give the object back first. */
void kmem_cache_keep_hot(struct kmem_cache *c);
void kmem_cache_free(struct kmem_cache *c, void *obj);     /* NULL ignored */

/* Give the cache's spare empty slab (if any) back to the page allocator. */
void kmem_cache_shrink(struct kmem_cache *c);
void kmem_shrink_all(void);

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(const void *p);                                 /* NULL, ZERO_SIZE_PTR ignored */
/* Usable size of a kmalloc() (or kmem_cache) object: its size class. */
size_t ksize(const void *p);

struct kmem_cache_stats {
	const char *name;
	size_t obj_size;        /* bytes per object, padding included */
	size_t objs_in_use;
	size_t objs_total;      /* objects the cache's slabs can hold */
	size_t pages;           /* pages the cache's slabs occupy */
};

/*
 * Call fn once per cache (the cache of caches and the kmalloc caches
 * included) with a snapshot of its counters. fn runs with the cache list
 * locked and interrupts masked: it may allocate and free, but must not
 * create or destroy caches.
 */
void kmem_for_each_cache(void (*fn)(const struct kmem_cache_stats *s, void *ctx),
			 void *ctx);

/* Bytes handed out by kmalloc() and not yet freed, counted by size class
 * (ksize), large allocations included. */
size_t kmalloc_bytes_in_use(void);

#endif
