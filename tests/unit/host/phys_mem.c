/*
 * phys_mem.c - fake physical memory for hosted allocator tests; see
 * phys_mem.h. One region at a time, owned by this file: host_phys_base
 * and the size below describe it, 0 when there is none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/phys_mem.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define PHYS_ALIGN (4UL << 20)   /* the largest buddy block */

uintptr_t host_phys_base;
static size_t phys_size;

void host_phys_destroy(void)
{
	if (!host_phys_base)
		return;
	/* Whatever a test poisoned must be accessible again for free(). */
	UNPOISON((void *)host_phys_base, phys_size);
	free((void *)host_phys_base);
	host_phys_base = 0;
	phys_size = 0;
}

void *host_phys_create(size_t mib)
{
	size_t size = mib << 20;
	void *p;

	size = (size + PHYS_ALIGN - 1) & ~(PHYS_ALIGN - 1);
	if (host_phys_base && size == phys_size) {
		/* Same size again: reuse it, which spares the host the page
		 * faults of a fresh mapping in every test. */
		p = (void *)host_phys_base;
		UNPOISON(p, size);
	} else {
		host_phys_destroy();
		p = aligned_alloc(PHYS_ALIGN, size);
		if (!p) {
			fprintf(stderr, "phys_mem: cannot allocate %zu MiB\n", mib);
			abort();
		}
	}
	memset(p, 0xa5, size);
	host_phys_base = (uintptr_t)p;
	phys_size = size;
	return p;
}

size_t host_phys_size(void)
{
	return phys_size;
}

static int clip(phys_addr_t *start, phys_addr_t *end)
{
	if (*end > phys_size)
		*end = phys_size;
	return *start < *end;
}

void host_phys_poison(phys_addr_t start, phys_addr_t end)
{
	if (clip(&start, &end))
		POISON((void *)(host_phys_base + start), end - start);
}

void host_phys_unpoison(phys_addr_t start, phys_addr_t end)
{
	if (clip(&start, &end))
		UNPOISON((void *)(host_phys_base + start), end - start);
}
