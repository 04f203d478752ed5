/*
 * test_slab.c - hosted tests of the slab allocator and kmalloc
 * (kernel/mm/slab.c) on top of the real page allocator.
 *
 * Each test starts from a fresh fake 64 MiB machine (low 1 MiB reserved
 * and ASan-poisoned), page_alloc_init() and slab_init(), then records the
 * baseline: free pages after kmem_shrink_all() and kmalloc_bytes_in_use().
 * Tests that end with everything freed check both come back exactly --
 * the same comparison the kernel's leak tests will make.
 *
 * Objects get fill patterns and are checked before they are freed, so two
 * objects handed out over the same bytes show up as a clobbered pattern.
 * Scratch arrays are globals, freed at the next setup, so a failing check
 * (which returns early) leaks nothing LeakSanitizer would report.
 */
#include "ut.h"
#include "host/host_panic.h"
#include "host/phys_mem.h"

#include <stdlib.h>

#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/page_alloc.h>
#include <synthos/slab.h>

#define MiB (1UL << 20)

static size_t base_free;        /* free pages after setup */
static size_t base_bytes;       /* kmalloc_bytes_in_use() after setup */

struct obj { unsigned char *p; size_t size; unsigned char tag; };
static struct obj *objs;        /* scratch */
static size_t nobjs;

static void setup(void)
{
	static const struct phys_range u = { 0, 64 * MiB };
	static const struct phys_range r = { 0, 1 * MiB };

	host_phys_create(64);
	host_phys_poison(r.start, r.end);
	if (page_alloc_init(&u, 1, &r, 1, 64 * MiB) != 0)
		abort();
	slab_init();
	kmem_shrink_all();
	base_free = page_alloc_free_pages();
	base_bytes = kmalloc_bytes_in_use();
	free(objs);
	objs = calloc(1 << 20, sizeof(*objs));
	nobjs = 0;
}

/* Everything freed: pages and bytes back to the baseline exactly. */
static bool back_to_baseline(void)
{
	kmem_shrink_all();
	if (page_alloc_free_pages() != base_free ||
	    kmalloc_bytes_in_use() != base_bytes) {
		printf("  free pages %zu (baseline %zu), kmalloc bytes %zu (baseline %zu)\n",
		       page_alloc_free_pages(), base_free, kmalloc_bytes_in_use(), base_bytes);
		return false;
	}
	return page_alloc_check() == 0;
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Remember an object and fill it with its tag. */
static void keep(void *p, size_t size, unsigned char tag)
{
	memset(p, tag, size);
	objs[nobjs].p = p;
	objs[nobjs].size = size;
	objs[nobjs].tag = tag;
	nobjs++;
}

static bool intact(const struct obj *o)
{
	for (size_t i = 0; i < o->size; i++)
		if (o->p[i] != o->tag)
			return false;
	return true;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct obj *)a)->p;
	uintptr_t y = (uintptr_t)((const struct obj *)b)->p;
	return x < y ? -1 : x > y;
}

/* No two kept objects overlap (by address ranges, not contents). */
static bool disjoint(void)
{
	qsort(objs, nobjs, sizeof(*objs), cmp_ptr);
	for (size_t i = 1; i < nobjs; i++)
		if (objs[i - 1].p + objs[i - 1].size > objs[i].p)
			return false;
	return true;
}

static void shuffle(void)
{
	for (size_t i = nobjs; i > 1; i--) {
		size_t j = (size_t)(rnd() % i);
		struct obj t = objs[i - 1];
		objs[i - 1] = objs[j];
		objs[j] = t;
	}
}

/* What kmalloc's size class must be for a request of n bytes. */
static size_t expected_ksize(size_t n)
{
	static const size_t classes[] = {
		8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
	};
	size_t pages = PAGE_SIZE;

	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (n <= classes[i])
			return classes[i];
	while (pages < n)
		pages *= 2;
	return pages;
}

struct find_ctx { const char *name; struct kmem_cache_stats s; int found; };

static void find_cb(const struct kmem_cache_stats *s, void *ctx)
{
	struct find_ctx *f = ctx;
	if (strcmp(s->name, f->name) == 0) {
		f->s = *s;
		f->found++;
	}
}

/* Stats of the cache named name; found says how many caches had it. */
static struct find_ctx stats_of(const char *name)
{
	struct find_ctx f = { name, { 0 }, 0 };
	kmem_for_each_cache(find_cb, &f);
	return f;
}

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

/* ---- setup ------------------------------------------------------------- */

UT_TEST(init_creates_builtin_caches)
{
	static const char *names[] = {
		"kmem_cache", "kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64",
		"kmalloc-96", "kmalloc-128", "kmalloc-192", "kmalloc-256",
		"kmalloc-512", "kmalloc-1024", "kmalloc-2048", "kmalloc-4096",
	};
	static const size_t sizes[] = {
		0, 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
	};

	setup();
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct find_ctx f = stats_of(names[i]);
		UT_CHECK_EQ(f.found, 1);
		if (sizes[i])
			UT_CHECK_EQ(f.s.obj_size, sizes[i]);
		UT_CHECK(f.s.objs_total >= f.s.objs_in_use);
	}
	/* The twelve kmalloc caches' structs come from the cache of caches. */
	UT_CHECK_EQ(stats_of("kmem_cache").s.objs_in_use, 12);
	UT_CHECK_EQ(kmalloc_bytes_in_use(), 0);
	UT_CHECK_EQ(page_alloc_check(), 0);
}

/* ---- kmem_cache -------------------------------------------------------- */

UT_TEST(cache_many_objects_distinct_aligned_disjoint)
{
	struct kmem_cache *c;
	struct find_ctx f;

	setup();
	c = kmem_cache_create("test-40", 40, 0);
	UT_CHECK(c != NULL);
	for (int i = 0; i < 20000; i++) {
		void *p = kmem_cache_alloc(c);
		UT_CHECK(p != NULL);
		UT_CHECK(IS_ALIGNED((uintptr_t)p, 8));
		UT_CHECK_EQ(ksize(p), 40);
		keep(p, 40, (unsigned char)(i * 13 + 1));
	}
	f = stats_of("test-40");
	UT_CHECK_EQ(f.found, 1);
	UT_CHECK_EQ(f.s.obj_size, 40);
	UT_CHECK_EQ(f.s.objs_in_use, 20000);
	UT_CHECK_EQ(f.s.objs_total, f.s.pages * (PAGE_SIZE / 40));
	UT_CHECK(f.s.objs_total - f.s.objs_in_use < PAGE_SIZE / 40);
	UT_CHECK_EQ(page_alloc_free_pages(), base_free - f.s.pages);
	for (size_t i = 0; i < nobjs; i++)
		UT_CHECK(intact(&objs[i]));
	UT_CHECK(disjoint());
	rng_state = 7;
	shuffle();
	for (size_t i = 0; i < nobjs; i++) {
		UT_CHECK(intact(&objs[i]));
		kmem_cache_free(c, objs[i].p);
	}
	nobjs = 0;
	f = stats_of("test-40");
	UT_CHECK_EQ(f.s.objs_in_use, 0);
	UT_CHECK(f.s.pages <= 1);               /* at most the spare */
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	UT_CHECK_EQ(stats_of("test-40").found, 0);
	UT_CHECK(back_to_baseline());
}

UT_TEST(cache_alignment_and_stride)
{
	static const size_t sizes[] = { 1, 7, 24, 100, 200, 3000 };
	static const size_t aligns[] = { 0, 1, 8, 16, 64, 128, 4096 };

	setup();
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++)
		for (size_t a = 0; a < ARRAY_SIZE(aligns); a++) {
			size_t al = aligns[a] < 8 ? 8 : aligns[a];
			size_t stride = ALIGN_UP(sizes[s], al);
			struct kmem_cache *c = kmem_cache_create("align", sizes[s], aligns[a]);
			UT_CHECK(c != NULL);
			nobjs = 0;
			for (int i = 0; i < 50; i++) {
				void *p = kmem_cache_alloc(c);
				UT_CHECK(p != NULL);
				UT_CHECK(IS_ALIGNED((uintptr_t)p, al));
				UT_CHECK_EQ(ksize(p), stride);
				keep(p, stride, (unsigned char)i);
			}
			UT_CHECK(disjoint());
			for (size_t i = 0; i < nobjs; i++) {
				UT_CHECK(intact(&objs[i]));
				kmem_cache_free(c, objs[i].p);
			}
			nobjs = 0;
			UT_CHECK_EQ(kmem_cache_destroy(c), 0);
		}
	UT_CHECK(back_to_baseline());
}

UT_TEST(cache_create_rejects_bad_arguments)
{
	struct kmem_cache *c;

	setup();
	size_t before = stats_of("kmem_cache").s.objs_in_use;
	UT_CHECK(kmem_cache_create("zero", 0, 0) == NULL);
	UT_CHECK(kmem_cache_create("npot", 64, 3) == NULL);
	UT_CHECK(kmem_cache_create("npot", 64, 24) == NULL);
	UT_CHECK(kmem_cache_create("big-align", 64, 2 * PAGE_SIZE) == NULL);
	UT_CHECK(kmem_cache_create("huge", KMEM_CACHE_MAX_SIZE + 1, 0) == NULL);
	UT_CHECK(kmem_cache_create("huge", SIZE_MAX, 0) == NULL);
	UT_CHECK(kmem_cache_create("huge", SIZE_MAX - 7, 4096) == NULL);
	UT_CHECK_EQ(stats_of("kmem_cache").s.objs_in_use, before);
	/* Rounding up to the alignment lands exactly on the limit: fine. */
	c = kmem_cache_create("fits", KMEM_CACHE_MAX_SIZE - 100, 256);
	UT_CHECK(c != NULL);
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	/* The biggest allowed object works. */
	c = kmem_cache_create("max", KMEM_CACHE_MAX_SIZE, 0);
	UT_CHECK(c != NULL);
	void *p = kmem_cache_alloc(c);
	UT_CHECK(p != NULL);
	UT_CHECK(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
	memset(p, 1, KMEM_CACHE_MAX_SIZE);
	kmem_cache_free(c, p);
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	UT_CHECK(back_to_baseline());
}

UT_TEST(multipage_slabs)
{
	struct kmem_cache *c1500, *c5000;
	struct find_ctx f;

	setup();
	/* 1500: one page wastes too much, two hold 5 (8192 - 7500 = 692
	 * wasted); objects straddle the page boundary and start in the tail. */
	c1500 = kmem_cache_create("t1500", 1500, 0);
	c5000 = kmem_cache_create("t5000", 5000, 0);
	UT_CHECK(c1500 && c5000);
	for (int i = 0; i < 23; i++) {
		void *p = kmem_cache_alloc(c1500);
		UT_CHECK(p != NULL);
		keep(p, 1500, (unsigned char)(0x40 + i));
	}
	f = stats_of("t1500");
	UT_CHECK_EQ(f.s.objs_total, 25);        /* 5 slabs of 5 */
	UT_CHECK_EQ(f.s.pages, 10);
	for (int i = 0; i < 7; i++) {
		void *p = kmem_cache_alloc(c5000);
		UT_CHECK(p != NULL);
		UT_CHECK_EQ(ksize(p), 5000);
		keep(p, 5000, (unsigned char)(0x80 + i));
	}
	f = stats_of("t5000");
	UT_CHECK_EQ(f.s.objs_total, 9);         /* 3 slabs of 3 in 4 pages */
	UT_CHECK_EQ(f.s.pages, 12);
	UT_CHECK(disjoint());

	/* An object that starts in a tail page still maps to its cache. */
	unsigned char *tail_obj = NULL;
	for (size_t i = 0; i < nobjs; i++)
		if (objs[i].size == 1500 && !IS_ALIGNED((uintptr_t)objs[i].p, 2 * PAGE_SIZE) &&
		    ((uintptr_t)objs[i].p & (2 * PAGE_SIZE - 1)) >= PAGE_SIZE)
			tail_obj = objs[i].p;
	UT_CHECK(tail_obj != NULL);
	EXPECT_PANIC(kmem_cache_free(c5000, tail_obj), "belongs to cache t1500");
	EXPECT_PANIC(kmem_cache_free(c1500, tail_obj + 8), "not the start of an object");

	rng_state = 99;
	shuffle();
	for (size_t i = 0; i < nobjs; i++) {
		UT_CHECK(intact(&objs[i]));
		kfree(objs[i].p);               /* kfree works on any slab object */
	}
	nobjs = 0;
	UT_CHECK_EQ(stats_of("t1500").s.objs_in_use, 0);
	UT_CHECK_EQ(kmem_cache_destroy(c1500), 0);
	UT_CHECK_EQ(kmem_cache_destroy(c5000), 0);
	UT_CHECK(back_to_baseline());
}

UT_TEST(empty_slabs_go_back_to_page_allocator)
{
	setup();
	for (int i = 0; i < 10000; i++) {
		void *p = kmalloc(64);
		UT_CHECK(p != NULL);
		keep(p, 64, (unsigned char)i);
	}
	UT_CHECK_EQ(page_alloc_free_pages(), base_free - (10000 + 63) / 64);
	rng_state = 3;
	shuffle();
	for (size_t i = 0; i < nobjs; i++) {
		UT_CHECK(intact(&objs[i]));
		kfree(objs[i].p);
	}
	nobjs = 0;
	/* Without shrinking: only the one spare slab is kept. */
	UT_CHECK_EQ(page_alloc_free_pages(), base_free - 1);
	UT_CHECK_EQ(stats_of("kmalloc-64").s.pages, 1);
	UT_CHECK(back_to_baseline());
	UT_CHECK_EQ(stats_of("kmalloc-64").s.pages, 0);
}

UT_TEST(spare_slab_is_reused_without_page_alloc)
{
	struct kmem_cache *c;
	void *p, *q;

	setup();
	c = kmem_cache_create("spare", 256, 0);
	UT_CHECK(c != NULL);
	p = kmem_cache_alloc(c);
	UT_CHECK(p != NULL);
	kmem_cache_free(c, p);
	UT_CHECK_EQ(stats_of("spare").s.pages, 1);
	/* The next allocation must not need the page allocator. */
	page_alloc_fail_nth(1);
	q = kmem_cache_alloc(c);
	page_alloc_fail_nth(0);
	UT_CHECK(q == p);                       /* last freed, first reused */
	/* A full cycle that needs a second slab keeps just one spare. */
	for (int i = 0; i < 40; i++) {
		void *r = kmem_cache_alloc(c);
		UT_CHECK(r != NULL);
		keep(r, 256, (unsigned char)i);
	}
	UT_CHECK_EQ(stats_of("spare").s.pages, 3);
	for (size_t i = 0; i < nobjs; i++)
		kmem_cache_free(c, objs[i].p);
	nobjs = 0;
	kmem_cache_free(c, q);
	UT_CHECK_EQ(stats_of("spare").s.pages, 1);
	kmem_cache_shrink(c);
	UT_CHECK_EQ(stats_of("spare").s.pages, 0);
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	UT_CHECK(back_to_baseline());
}

UT_TEST(cache_destroy)
{
	struct kmem_cache *c;
	void *p, *k;
	int saved = console_loglevel;
	int busy, builtin;

	setup();
	c = kmem_cache_create("doomed", 100, 0);
	UT_CHECK(c != NULL);
	p = kmem_cache_alloc(c);
	UT_CHECK(p != NULL);
	k = kmalloc(32);
	console_loglevel = LOG_EMERG;   /* both refusals log an error */
	busy = kmem_cache_destroy(c);
	builtin = kmem_cache_destroy(virt_to_page(k)->slab_cache);
	console_loglevel = saved;
	UT_CHECK_EQ(busy, -EBUSY);
	UT_CHECK_EQ(builtin, -EINVAL);
	UT_CHECK_EQ(stats_of("doomed").found, 1);
	kmem_cache_free(c, p);
	kfree(k);
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	UT_CHECK_EQ(stats_of("doomed").found, 0);
	UT_CHECK_EQ(kmem_cache_destroy(NULL), 0);
	UT_CHECK(back_to_baseline());
}

UT_TEST(cache_structs_come_from_cache_of_caches)
{
	static struct kmem_cache *cs[200];
	static void *one[200];
	size_t before;

	setup();
	before = stats_of("kmem_cache").s.objs_in_use;
	for (int i = 0; i < 200; i++) {
		cs[i] = kmem_cache_create("many", 16 + (size_t)i, 0);
		UT_CHECK(cs[i] != NULL);
		one[i] = kmem_cache_alloc(cs[i]);
		UT_CHECK(one[i] != NULL);
	}
	UT_CHECK_EQ(stats_of("kmem_cache").s.objs_in_use, before + 200);
	UT_CHECK_EQ(stats_of("many").found, 200);
	for (int i = 0; i < 200; i++) {
		kmem_cache_free(cs[i], one[i]);
		UT_CHECK_EQ(kmem_cache_destroy(cs[i]), 0);
	}
	UT_CHECK_EQ(stats_of("kmem_cache").s.objs_in_use, before);
	UT_CHECK_EQ(stats_of("many").found, 0);
	UT_CHECK(back_to_baseline());
}

struct alloc_ctx { void *p[64]; int n; };

static void alloc_cb(const struct kmem_cache_stats *s, void *ctx)
{
	struct alloc_ctx *a = ctx;
	if (a->n < 64)
		a->p[a->n++] = kmalloc(s->obj_size);
}

UT_TEST(stats_counts_and_callback_may_allocate)
{
	struct alloc_ctx a = { { 0 }, 0 };
	struct kmem_cache *c;

	setup();
	c = kmem_cache_create("counted", 48, 16);
	UT_CHECK(c != NULL);
	for (int i = 0; i < 100; i++) {
		void *p = kmem_cache_alloc(c);
		UT_CHECK(p != NULL);
		keep(p, 48, 0x33);
	}
	struct find_ctx f = stats_of("counted");
	UT_CHECK_EQ(f.s.obj_size, 48);
	UT_CHECK_EQ(f.s.objs_in_use, 100);
	UT_CHECK_EQ(f.s.objs_total, f.s.pages * (PAGE_SIZE / 48));
	UT_CHECK_EQ(f.s.pages, 2);              /* 85 per page */
	/* The callback may allocate (here: one object per cache, 14 caches). */
	kmem_for_each_cache(alloc_cb, &a);
	UT_CHECK_EQ(a.n, 14);
	for (int i = 0; i < a.n; i++) {
		UT_CHECK(a.p[i] != NULL);
		kfree(a.p[i]);
	}
	for (size_t i = 0; i < nobjs; i++)
		kmem_cache_free(c, objs[i].p);
	nobjs = 0;
	UT_CHECK_EQ(stats_of("counted").s.objs_in_use, 0);
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	UT_CHECK(back_to_baseline());
}

/* ---- misuse is caught -------------------------------------------------- */

UT_TEST(free_to_wrong_cache_panics)
{
	struct kmem_cache *a, *b;
	void *p, *k;

	setup();
	a = kmem_cache_create("cache-a", 64, 0);
	b = kmem_cache_create("cache-b", 64, 0);
	UT_CHECK(a && b);
	p = kmem_cache_alloc(a);
	k = kmalloc(64);
	UT_CHECK(p && k);
	EXPECT_PANIC(kmem_cache_free(b, p), "belongs to cache cache-a, not cache-b");
	/* Same object size is no excuse, kmalloc caches included. */
	EXPECT_PANIC(kmem_cache_free(a, k), "belongs to cache kmalloc-64");
	/* The refused frees changed nothing. */
	kmem_cache_free(a, p);
	kfree(k);
	UT_CHECK_EQ(kmem_cache_destroy(a), 0);
	UT_CHECK_EQ(kmem_cache_destroy(b), 0);
	UT_CHECK(back_to_baseline());
}

UT_TEST(double_free_panics)
{
	struct kmem_cache *c;
	void *o[10];

	setup();
	c = kmem_cache_create("dbl", 40, 0);
	UT_CHECK(c != NULL);
	for (int i = 0; i < 10; i++)
		o[i] = kmem_cache_alloc(c);
	kmem_cache_free(c, o[3]);
	kmem_cache_free(c, o[5]);
	kmem_cache_free(c, o[7]);
	EXPECT_PANIC(kmem_cache_free(c, o[3]), "double free");
	EXPECT_PANIC(kmem_cache_free(c, o[7]), "double free");
	EXPECT_PANIC(kfree(o[5]), "double free");
	/* Still consistent: the other objects free normally. */
	for (int i = 0; i < 10; i++)
		if (i != 3 && i != 5 && i != 7)
			kmem_cache_free(c, o[i]);
	UT_CHECK_EQ(stats_of("dbl").s.objs_in_use, 0);
	/* Now the slab is the empty spare: a double free is still caught. */
	EXPECT_PANIC(kmem_cache_free(c, o[0]), "double free");
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	UT_CHECK(back_to_baseline());
}

UT_TEST(double_free_smallest_objects)
{
	/* 8-byte objects: the link word is the whole object. */
	void *p, *q, *r;

	setup();
	p = kmalloc(8);
	q = kmalloc(1);
	r = kmalloc(5);
	UT_CHECK(p && q && r);
	memset(p, 0xff, 8);
	memset(q, 0, 8);
	kfree(q);
	EXPECT_PANIC(kfree(q), "double free");
	kfree(p);
	EXPECT_PANIC(kfree(p), "double free");
	/* Live data that happens to be zero or a pointer to a sibling object
	 * is not mistaken for a free object. */
	*(void **)r = p;
	kfree(r);
	UT_CHECK(back_to_baseline());
}

UT_TEST(keep_hot_reuses_and_still_checks)
{
	struct kmem_cache *c;
	void *a, *b, *p;

	setup();
	c = kmem_cache_create("hot", 48, 8);
	UT_CHECK(c != NULL);
	kmem_cache_keep_hot(c);
	a = kmem_cache_alloc(c);
	b = kmem_cache_alloc(c);
	UT_CHECK(a && b && a != b);
	kmem_cache_free(c, a);                  /* set aside, counted free */
	UT_CHECK_EQ(stats_of("hot").s.objs_in_use, 1);
	p = kmem_cache_alloc(c);
	UT_CHECK(p == a);                       /* the one set aside comes back */
	UT_CHECK_EQ(*(uintptr_t *)p, 0);        /* with no allocator word in it */
	kmem_cache_free(c, p);
	EXPECT_PANIC(kmem_cache_free(c, a), "double free");             /* the hot one */
	EXPECT_PANIC(kmem_cache_free(c, (char *)b + 8), "not the start of an object");
	kmem_cache_free(c, b);                  /* a goes back to its slab, b waits */
	EXPECT_PANIC(kmem_cache_free(c, a), "double free");             /* on the freelist */
	EXPECT_PANIC(kmem_cache_free(c, b), "double free");
	/* A write into the waiting object is caught at the next allocation. */
	uintptr_t saved = *(uintptr_t *)b;
	*(uintptr_t *)b = 12345;
	EXPECT_PANIC(kmem_cache_alloc(c), "overwritten");
	*(uintptr_t *)b = saved;
	UT_CHECK_EQ(stats_of("hot").s.objs_in_use, 0);
	/* shrink gives the waiting object back first: no page stays. */
	kmem_cache_shrink(c);
	UT_CHECK_EQ(stats_of("hot").s.pages, 0);
	/* And destroy does too. */
	a = kmem_cache_alloc(c);
	kmem_cache_free(c, a);
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	UT_CHECK(back_to_baseline());
}

UT_TEST(free_after_slab_released_panics)
{
	struct kmem_cache *c;
	void *a, *b;

	setup();
	/* 4096-byte objects: one per slab, so each free empties a slab. */
	c = kmem_cache_create("onepage", 4096, 0);
	a = kmem_cache_alloc(c);
	b = kmem_cache_alloc(c);
	kmem_cache_free(c, a);          /* kept as the spare */
	kmem_cache_free(c, b);          /* released to the page allocator */
	UT_CHECK_EQ(stats_of("onepage").s.pages, 1);
	EXPECT_PANIC(kmem_cache_free(c, b), "not a slab object");
	EXPECT_PANIC(kmem_cache_free(c, a), "double free");
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	UT_CHECK(back_to_baseline());
}

/* The hot path of a keep_hot cache trusts the memo's slab without asking
 * the memmap: a slab released under the memo must not be trusted. */
UT_TEST(keep_hot_free_after_memo_slab_released_panics)
{
	struct kmem_cache *c;
	void *a;

	setup();
	c = kmem_cache_create("hotpage", 4096, 0);
	UT_CHECK(c != NULL);
	kmem_cache_keep_hot(c);
	a = kmem_cache_alloc(c);                /* its slab is the memo's */
	kmem_cache_free(c, a);                  /* set aside by the hot path */
	kmem_cache_shrink(c);                   /* back to its slab, the slab released */
	UT_CHECK_EQ(stats_of("hotpage").s.pages, 0);
	EXPECT_PANIC(kmem_cache_free(c, a), "not a slab object");
	a = kmem_cache_alloc(c);                /* a new slab, a new memo */
	UT_CHECK(a != NULL);
	kmem_cache_free(c, a);
	EXPECT_PANIC(kmem_cache_free(c, a), "double free");
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	UT_CHECK(back_to_baseline());
}

UT_TEST(free_bad_pointers_panics)
{
	struct kmem_cache *c;
	char *p, *va;
	int local;

	setup();
	c = kmem_cache_create("bad", 64, 0);
	p = kmem_cache_alloc(c);
	va = alloc_page_va();
	UT_CHECK(p && va);
	EXPECT_PANIC(kmem_cache_free(c, p + 8), "not the start of an object");
	EXPECT_PANIC(kmem_cache_free(c, p + 1), "not the start of an object");
	EXPECT_PANIC(kfree(p + 63), "not the start of an object");
	EXPECT_PANIC(kmem_cache_free(c, va), "not a slab object");
	EXPECT_PANIC(kfree(va), "not a kmalloc allocation");
	EXPECT_PANIC(ksize(va), "not a kmalloc allocation");
	EXPECT_PANIC(kfree(&local), "not in the direct map");
	/* A slab page handed straight to the page allocator is refused too. */
	EXPECT_PANIC(free_pages(virt_to_page(p), 0), "slab");
	/* Past the last object of a slab (64 objects fill the page exactly, so
	 * use a cache with a tail: 4096 = 42 * 96 + 64). */
	struct kmem_cache *c96 = kmem_cache_create("tail", 96, 0);
	char *o = kmem_cache_alloc(c96);
	char *slab = (char *)ALIGN_DOWN((uintptr_t)o, PAGE_SIZE);
	EXPECT_PANIC(kmem_cache_free(c96, slab + 42 * 96), "not the start of an object");
	kmem_cache_free(c96, o);
	kmem_cache_free(c, p);
	free_page_va(va);
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	UT_CHECK_EQ(kmem_cache_destroy(c96), 0);
	UT_CHECK(back_to_baseline());
}

UT_TEST(write_after_free_detected)
{
	struct kmem_cache *c;
	uint64_t *a, *b;

	setup();
	c = kmem_cache_create("uaf", 64, 0);
	a = kmem_cache_alloc(c);
	b = kmem_cache_alloc(c);
	UT_CHECK(a && b);
	kmem_cache_free(c, a);
	a[0] = 0x4141414141414141ULL;   /* scribble on the freed object's link */
	EXPECT_PANIC(kmem_cache_alloc(c), "overwritten");
}

UT_TEST(no_allocator_pointer_leaks_into_objects)
{
	void *p[3];

	setup();
	for (int i = 0; i < 3; i++)
		p[i] = kmalloc(64);
	for (int i = 0; i < 3; i++)
		kfree(p[i]);
	for (int i = 0; i < 3; i++) {
		p[i] = kmalloc(64);
		UT_CHECK_EQ(*(uint64_t *)p[i], 0);
	}
	for (int i = 0; i < 3; i++)
		kfree(p[i]);
	UT_CHECK(back_to_baseline());
}

/* ---- kmalloc ----------------------------------------------------------- */

UT_TEST(kmalloc_size_classes_and_alignment)
{
	setup();
	for (size_t n = 1; n <= 3 * PAGE_SIZE; n += (n < 600 ? 1 : 37)) {
		unsigned char *p = kmalloc(n);
		size_t k = expected_ksize(n);
		UT_CHECK(p != NULL);
		UT_CHECK_EQ(ksize(p), k);
		UT_CHECK(IS_ALIGNED((uintptr_t)p, 8));
		/* Power-of-two classes are naturally aligned; 96 and 192 to 32
		 * and 64; large ones to pages. */
		if ((k & (k - 1)) == 0)
			UT_CHECK(IS_ALIGNED((uintptr_t)p, MIN(k, PAGE_SIZE)));
		else
			UT_CHECK(IS_ALIGNED((uintptr_t)p, k / 3));
		memset(p, 0x5c, k);     /* the whole size class is usable */
		kfree(p);
	}
	UT_CHECK(back_to_baseline());
}

UT_TEST(kmalloc_zero_size)
{
	void *p;

	setup();
	p = kmalloc(0);
	UT_CHECK(p == ZERO_SIZE_PTR);
	UT_CHECK(p != NULL);
	UT_CHECK(ZERO_OR_NULL_PTR(p));
	UT_CHECK(ZERO_OR_NULL_PTR(NULL));
	UT_CHECK_EQ(ksize(p), 0);
	UT_CHECK(kzalloc(0) == ZERO_SIZE_PTR);
	kfree(p);
	kfree(NULL);
	UT_CHECK_EQ(ksize(NULL), 0);
	UT_CHECK(back_to_baseline());
}

UT_TEST(kmalloc_huge_returns_null)
{
	void *p;

	setup();
	UT_CHECK(kmalloc(SIZE_MAX) == NULL);
	UT_CHECK(kmalloc(SIZE_MAX - PAGE_SIZE + 2) == NULL);   /* would wrap when rounded */
	UT_CHECK(kmalloc(KMALLOC_MAX_SIZE + 1) == NULL);
	UT_CHECK(kmalloc(1ULL << 40) == NULL);
	UT_CHECK(kzalloc(SIZE_MAX) == NULL);
	UT_CHECK(back_to_baseline());
	/* The largest size works while a 4 MiB block is free. */
	p = kmalloc(KMALLOC_MAX_SIZE);
	UT_CHECK(p != NULL);
	UT_CHECK_EQ(ksize(p), KMALLOC_MAX_SIZE);
	UT_CHECK_EQ(kmalloc_bytes_in_use(), base_bytes + KMALLOC_MAX_SIZE);
	memset(p, 0x77, KMALLOC_MAX_SIZE);
	kfree(p);
	UT_CHECK(back_to_baseline());
}

UT_TEST(kmalloc_large_goes_to_pages)
{
	unsigned char *p, *q;

	setup();
	p = kmalloc(PAGE_SIZE + 1);
	UT_CHECK(p != NULL);
	UT_CHECK(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
	UT_CHECK_EQ(ksize(p), 2 * PAGE_SIZE);
	UT_CHECK(virt_to_page(p)->flags & PG_large);
	UT_CHECK_EQ(virt_to_page(p)->order, 1);
	UT_CHECK_EQ(page_alloc_free_pages(), base_free - 2);
	q = kmalloc(100000);
	UT_CHECK(q != NULL);
	UT_CHECK_EQ(ksize(q), 131072);
	UT_CHECK_EQ(page_alloc_free_pages(), base_free - 2 - 32);
	UT_CHECK_EQ(kmalloc_bytes_in_use(), base_bytes + 8192 + 131072);
	memset(p, 1, 8192);
	memset(q, 2, 131072);
	for (size_t i = 0; i < 8192; i++)
		UT_CHECK_EQ(p[i], 1);
	EXPECT_PANIC(kfree(q + PAGE_SIZE), "not a kmalloc allocation");
	EXPECT_PANIC(kfree(q + 8), "not a kmalloc allocation");
	EXPECT_PANIC(ksize(q + 8), "not a kmalloc allocation");
	kfree(p);
	EXPECT_PANIC(kfree(p), "double free");
	kfree(q);
	UT_CHECK(back_to_baseline());
}

UT_TEST(kzalloc_zeroes_reused_memory)
{
	unsigned char *p, *q;

	setup();
	p = kmalloc(200);
	memset(p, 0xff, 200);
	kfree(p);
	q = kzalloc(200);
	UT_CHECK(q == p);                       /* the same, dirty object */
	for (size_t i = 0; i < 200; i++)
		UT_CHECK_EQ(q[i], 0);
	kfree(q);
	p = kmalloc(3 * PAGE_SIZE);
	memset(p, 0xff, 3 * PAGE_SIZE);
	kfree(p);
	q = kzalloc(3 * PAGE_SIZE);
	UT_CHECK(q != NULL);
	for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
		UT_CHECK_EQ(q[i], 0);
	kfree(q);
	UT_CHECK(back_to_baseline());
}

UT_TEST(kmalloc_bytes_in_use_tracks_size_classes)
{
	void *a, *b, *c;

	setup();
	a = kmalloc(100);
	UT_CHECK_EQ(kmalloc_bytes_in_use(), base_bytes + 128);
	b = kmalloc(5000);
	UT_CHECK_EQ(kmalloc_bytes_in_use(), base_bytes + 128 + 8192);
	c = kzalloc(1);
	UT_CHECK_EQ(kmalloc_bytes_in_use(), base_bytes + 128 + 8192 + 8);
	kfree(b);
	UT_CHECK_EQ(kmalloc_bytes_in_use(), base_bytes + 136);
	kfree(a);
	kfree(c);
	UT_CHECK_EQ(kmalloc_bytes_in_use(), base_bytes);
	/* Objects of private caches are not kmalloc bytes. */
	struct kmem_cache *pc = kmem_cache_create("private", 128, 0);
	void *o = kmem_cache_alloc(pc);
	UT_CHECK_EQ(kmalloc_bytes_in_use(), base_bytes);
	kmem_cache_free(pc, o);
	UT_CHECK_EQ(kmem_cache_destroy(pc), 0);
	UT_CHECK(back_to_baseline());
}

/* ---- running out ------------------------------------------------------- */

UT_TEST(exhaust_memory_then_recover)
{
	void *head = NULL, *p;
	size_t n = 0;

	setup();
	/* Chain the objects through themselves: no side storage needed. */
	while ((p = kmalloc(64)) != NULL) {
		*(void **)p = head;
		head = p;
		n++;
	}
	UT_CHECK_EQ(page_alloc_free_pages(), 0);
	UT_CHECK_EQ(n, base_free * (PAGE_SIZE / 64));
	UT_CHECK(kmalloc(64) == NULL);
	UT_CHECK(kmalloc(8) == NULL);
	UT_CHECK(kmalloc(10000) == NULL);
	UT_CHECK(kzalloc(3000) == NULL);
	UT_CHECK_EQ(kmalloc_bytes_in_use(), base_bytes + n * 64);
	while (head) {
		p = head;
		head = *(void **)p;
		kfree(p);
	}
	UT_CHECK(back_to_baseline());
	/* And it all works again. */
	p = kmalloc(64);
	UT_CHECK(p != NULL);
	kfree(p);
	UT_CHECK(back_to_baseline());
}

UT_TEST(fault_injection_in_slab_growth)
{
	struct kmem_cache *c, *extra[64];
	void *p;
	int n = 0;

	setup();
	c = kmem_cache_create("inject", 512, 0);
	UT_CHECK(c != NULL);
	page_alloc_fail_nth(1);
	UT_CHECK(kmem_cache_alloc(c) == NULL);  /* needed a slab, got none */
	UT_CHECK_EQ(stats_of("inject").s.pages, 0);
	UT_CHECK_EQ(stats_of("inject").s.objs_in_use, 0);
	p = kmem_cache_alloc(c);                /* only that one call failed */
	UT_CHECK(p != NULL);
	kmem_cache_free(c, p);

	page_alloc_fail_nth(1);
	UT_CHECK(kmalloc(20000) == NULL);
	UT_CHECK_EQ(kmalloc_bytes_in_use(), base_bytes);
	page_alloc_fail_nth(1);
	UT_CHECK(kmalloc(1000) == NULL);        /* kmalloc-1024 has no slab yet */

	/* Fill the cache of caches' slab, then a create needs a page. */
	while (stats_of("kmem_cache").s.objs_in_use < stats_of("kmem_cache").s.objs_total) {
		UT_CHECK(n < 64);
		extra[n] = kmem_cache_create("filler", 32, 0);
		UT_CHECK(extra[n] != NULL);
		n++;
	}
	page_alloc_fail_nth(1);
	UT_CHECK(kmem_cache_create("unlucky", 32, 0) == NULL);
	UT_CHECK_EQ(stats_of("unlucky").found, 0);
	extra[n] = kmem_cache_create("lucky", 32, 0);
	UT_CHECK(extra[n] != NULL);
	n++;
	while (n > 0)
		UT_CHECK_EQ(kmem_cache_destroy(extra[--n]), 0);
	UT_CHECK_EQ(kmem_cache_destroy(c), 0);
	UT_CHECK(back_to_baseline());
}

/* ---- everything at once ------------------------------------------------ */

static size_t random_size(void)
{
	uint64_t r = rnd() % 100;
	if (r < 70)
		return 1 + (size_t)(rnd() % 512);
	if (r < 92)
		return 513 + (size_t)(rnd() % (4096 - 512));
	return 4097 + (size_t)(rnd() % 60000);
}

static void random_workload(uint64_t seed)
{
	size_t model_bytes = 0;

	setup();
	rng_state = seed;
	for (int i = 0; i < 30000; i++) {
		if (nobjs == 0 || rnd() % 100 < 55) {
			size_t n = random_size();
			unsigned char *p = rnd() & 1 ? kmalloc(n) : kzalloc(n);
			UT_CHECK(p != NULL);
			UT_CHECK_EQ(ksize(p), expected_ksize(n));
			keep(p, n, (unsigned char)(i * 31 + 7));
			model_bytes += expected_ksize(n);
		} else {
			size_t j = (size_t)(rnd() % nobjs);
			if (!intact(&objs[j])) {
				ut_fail(__FILE__, __LINE__, "op %d: object %p of %zu bytes clobbered",
					i, (void *)objs[j].p, objs[j].size);
				return;
			}
			model_bytes -= ksize(objs[j].p);
			kfree(objs[j].p);
			objs[j] = objs[--nobjs];
		}
		UT_CHECK_EQ(kmalloc_bytes_in_use(), base_bytes + model_bytes);
		if (i % 4096 == 0)
			UT_CHECK_EQ(page_alloc_check(), 0);
	}
	UT_CHECK(disjoint());
	while (nobjs) {
		UT_CHECK(intact(&objs[nobjs - 1]));
		kfree(objs[--nobjs].p);
	}
	UT_CHECK(back_to_baseline());
}

UT_TEST(random_kmalloc_workload_seed1) { random_workload(1); }
UT_TEST(random_kmalloc_workload_seed2) { random_workload(0xdeadbeefcafef00dULL); }
