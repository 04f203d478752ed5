/*
 * mm_ktests.c - self-tests of the page and slab allocators on the real
 * machine: physical memory from the firmware map, the real direct map, and
 * interrupts on. The hosted unit tests cover the algorithms in depth; these
 * check that the kernel's own instance behaves and leaks nothing.
 */
#include <synthos/ktest.h>
#include <synthos/page_alloc.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <arch/page.h>

KTEST(page_alloc_orders_round_trip)
{
	kmem_shrink_all();
	size_t free0 = page_alloc_free_pages();
	struct page *blocks[MAX_ORDER];

	for (unsigned order = 0; order < MAX_ORDER; order++) {
		blocks[order] = alloc_pages(order);
		KT_CHECK(blocks[order] != NULL);
		phys_addr_t pa = page_to_phys(blocks[order]);
		KT_CHECK(IS_ALIGNED(pa, PAGE_SIZE << order));       /* buddy alignment */
		KT_CHECK(pa >= 0x100000);                            /* never the low MiB */
		uint8_t *va = page_to_virt(blocks[order]);
		memset(va, (int)order, PAGE_SIZE << order);          /* mapped and writable */
		KT_CHECK(virt_to_page(va + (PAGE_SIZE << order) - 1) ==
			 blocks[order] + (1UL << order) - 1);
	}
	KT_CHECK_EQ(page_alloc_free_pages(), free0 - ((1UL << MAX_ORDER) - 1));
	for (unsigned order = 0; order < MAX_ORDER; order++) {
		uint8_t *va = page_to_virt(blocks[order]);
		KT_CHECK_EQ(va[(PAGE_SIZE << order) - 1], order);   /* no overlap */
		free_pages(blocks[order], order);
	}
	KT_CHECK_EQ(page_alloc_free_pages(), free0);
	KT_CHECK_EQ(page_alloc_check(), 0);
}

KTEST(page_alloc_fault_injection)
{
	page_alloc_fail_nth(2);
	struct page *a = alloc_pages(0);
	struct page *b = alloc_pages(0);      /* the injected failure */
	struct page *c = alloc_pages(0);
	KT_CHECK(a != NULL);
	KT_CHECK(b == NULL);
	KT_CHECK(c != NULL);
	free_pages(a, 0);
	free_pages(c, 0);
}

KTEST(page_alloc_zeroed_page)
{
	uint64_t *p = alloc_page_va();
	KT_CHECK(p != NULL);
	memset(p, 0xff, PAGE_SIZE);
	free_page_va(p);
	uint64_t *z = alloc_zeroed_page_va();
	KT_CHECK(z != NULL);
	for (size_t i = 0; i < PAGE_SIZE / 8; i++)
		if (z[i]) {
			free_page_va(z);
			KT_CHECK(!"alloc_zeroed_page_va returned a dirty page");
		}
	free_page_va(z);
}

KTEST(slab_kmalloc_sizes)
{
	static const size_t sizes[] = { 1, 8, 24, 64, 100, 256, 1000, 2048, 4096, 5000, 65536, 1 << 20 };
	void *p[ARRAY_SIZE(sizes)];

	kmem_shrink_all();
	size_t free0 = page_alloc_free_pages();
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		KT_CHECK(p[i] != NULL);
		KT_CHECK(ksize(p[i]) >= sizes[i]);
		KT_CHECK(IS_ALIGNED((uintptr_t)p[i], 8));
		memset(p[i], (int)i + 1, sizes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		KT_CHECK_EQ(((uint8_t *)p[i])[0], i + 1);
		KT_CHECK_EQ(((uint8_t *)p[i])[sizes[i] - 1], i + 1);
		kfree(p[i]);
	}
	kmem_shrink_all();
	KT_CHECK_EQ(page_alloc_free_pages(), free0);
}

struct ktest_obj {
	uint64_t a, b;
	char name[40];
};

KTEST(slab_cache_many_objects)
{
	struct kmem_cache *c = kmem_cache_create("ktest_obj", sizeof(struct ktest_obj), 16);
	KT_CHECK(c != NULL);
	static struct ktest_obj *objs[2000];
	for (int i = 0; i < 2000; i++) {
		objs[i] = kmem_cache_alloc(c);
		KT_CHECK(objs[i] != NULL);
		KT_CHECK(IS_ALIGNED((uintptr_t)objs[i], 16));
		objs[i]->a = (uint64_t)i;
		objs[i]->b = ~(uint64_t)i;
	}
	for (int i = 0; i < 2000; i++) {
		KT_CHECK_EQ(objs[i]->a, (uint64_t)i);
		KT_CHECK_EQ(objs[i]->b, ~(uint64_t)i);
		kmem_cache_free(c, objs[i]);
	}
	KT_CHECK_EQ(kmem_cache_destroy(c), 0);
}

KTEST(slab_kmalloc_survives_page_exhaustion)
{
	/* With the page allocator refusing, kmalloc of a new slab fails cleanly. */
	kmem_shrink_all();
	page_alloc_fail_nth(1);
	void *big = kmalloc(3 << 20);
	KT_CHECK(big == NULL);
	void *ok = kmalloc(3 << 20);
	KT_CHECK(ok != NULL);
	kfree(ok);
}
