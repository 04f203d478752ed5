/*
 * synth.c - the run-time half of copy-and-patch: the code cache, region
 * records, per-thread vector tables, and the process-constant quaject.
 *
 * Code cache. Synthesized code lives at SYNTH_CACHE_BASE, in the top
 * gigabyte of the address space, within rel32 reach of kernel text. Its
 * pages are mapped read+execute and never writable there; the synthesizer
 * writes them through the direct map, where the same physical page is
 * writable and never executable. So no mapping is ever writable and
 * executable at once. Space is handed out in 128-byte slots.
 *
 * Retiring code. A region is replaced by unlinking it from the vector
 * table first and freeing its slot afterwards. Freed slots wait on a
 * retired list until every CPU has passed a quiescent point (a return to
 * user mode or the idle loop) after the unlink. Today there is one CPU,
 * the kernel is not preemptible, and templates neither sleep nor call out,
 * so no thread can be inside any region while kernel C code runs:
 * synth_quiescent() frees them from the idle loop and on the way back to
 * user mode (when synth_retired_pending says there is something to free).
 * With SMP the retired list needs a per-CPU epoch.
 *
 * Vector tables. Every thread has two, both starting as the shared generic
 * ones: the entry table (fast_table), where the syscall entry jumps first,
 * and the handler table (vtable), which the generic path calls. A thread
 * gets private copies (a page each) when its first region is linked.
 *
 * Variants (the Synthesis "switch"): a process constant is synthesized as
 *   "fast"   fast_const.S linked into the entry table: no frame, sysretq
 *            from the stencil (13 instructions from syscall to sysret);
 *   "const"  tpl_const (C) linked into the handler table, behind the
 *            generic entry and exit path; used when synth_fast is off.
 *
 * Assumptions (quasi-invariants) made by the regions here:
 *   PID_FIXED  "this thread's tid and process's pid do not change" -- true
 *              for a thread's life; no event breaks it;
 *   PARENT     "the parent is still the process it was" -- broken by
 *              re-parenting (the parent exited): synth_event_reparent()
 *              re-synthesizes getppid for every thread of the child.
 */
#include <synthos/errno.h>
#include <synthos/format.h>
#include <synthos/list.h>
#include <synthos/log.h>
#include <synthos/page_alloc.h>
#include <synthos/panic.h>
#include <synthos/proc.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/synth.h>
#include <synthos/syscall.h>
#include <synthos/vfs.h>
#include <arch/cpu.h>
#include <arch/mm.h>
#include <arch/page.h>
#include <arch/percpu.h>
#include "stencil.h"
#include "stencils.h"

#define SYNTH_CACHE_BASE  0xffffffffc0000000UL
#define SYNTH_CACHE_SIZE  (16UL << 20)
#define SLOT              128
#define NSLOTS            (SYNTH_CACHE_SIZE / SLOT)

enum assumption {
	ASSUME_PID_FIXED = 1 << 0,
	ASSUME_PARENT    = 1 << 1,
	ASSUME_FD_NULL   = 1 << 2,
};

static const char *const assumption_names[] = { "pid-fixed", "parent", "fd-is-dev-null" };

struct region {
	int id;
	struct task *owner;
	int nr;                          /* the system call it serves */
	const struct stencil *st;
	const char *variant;
	uint64_t values[HOLE_NR];
	uint64_t code;                   /* executable address */
	uint32_t size;
	uint64_t calls;                  /* the gauge the code increments */
	uint64_t cost_tsc;               /* synthesis cost in TSC ticks */
	unsigned assumptions;
	unsigned invalidations;          /* times its predecessors were replaced */
	bool fast;                       /* linked in the entry table (else the handler table) */
	struct fdtable *fdtable;         /* ASSUME_FD_*: whose descriptor */
	int fd;
	struct list_head link;           /* all regions, or the retired list */
};

bool synth_enabled;
static bool synth_fast = true;      /* the "fast" variant for leaf constants */
static uint64_t slot_bitmap[NSLOTS / 64];
static uint64_t mapped_pages;            /* pages of the cache mapped so far */
static LIST_HEAD(regions);
static LIST_HEAD(retired);
static struct kmem_cache *region_cache;
static int next_region_id = 1;
static uint64_t total_synthesized, total_invalidations;

void synth_init(bool enabled)
{
	synth_enabled = enabled;
	region_cache = kmem_cache_create("synth_region", sizeof(struct region), 8);
	pr_info("synth: code synthesis %s (code cache %lu KiB at %#lx)\n",
		enabled ? "on" : "off (generic paths only)", SYNTH_CACHE_SIZE >> 10,
		SYNTH_CACHE_BASE);
}

/* ---- code cache ---- */

static uint64_t slot_addr(unsigned s) { return SYNTH_CACHE_BASE + (uint64_t)s * SLOT; }

static int map_cache_page(uint64_t va)
{
	struct page *pg = alloc_pages(0);
	if (!pg)
		return -ENOMEM;
	memset(page_to_virt(pg), 0xcc, PAGE_SIZE);         /* int3 filler */
	return kernel_map_page(va, page_to_phys(pg), KMAP_EXEC);
}

static uint64_t cache_alloc(uint32_t size)
{
	if (size > SLOT)
		return 0;
	for (unsigned s = 0; s < NSLOTS; s++) {
		if (slot_bitmap[s / 64] == ~0UL) {
			s += 63;
			continue;
		}
		if (slot_bitmap[s / 64] & (1UL << (s % 64)))
			continue;
		uint64_t va = slot_addr(s);
		uint64_t page = (va - SYNTH_CACHE_BASE) / PAGE_SIZE;
		if (page >= mapped_pages) {
			if (map_cache_page(SYNTH_CACHE_BASE + mapped_pages * PAGE_SIZE))
				return 0;
			mapped_pages++;
		}
		slot_bitmap[s / 64] |= 1UL << (s % 64);
		return va;
	}
	return 0;
}

static void cache_free(uint64_t va)
{
	unsigned s = (unsigned)((va - SYNTH_CACHE_BASE) / SLOT);
	slot_bitmap[s / 64] &= ~(1UL << (s % 64));
}

/* Copy the stencil to the code address through its writable alias and
 * patch every hole, checking each value fits its field. */
static int instantiate(const struct stencil *st, const uint64_t *values, uint64_t code)
{
	phys_addr_t pa = kernel_virt_to_phys(code);
	if (pa == ~0UL)
		return -EFAULT;
	uint8_t *w = phys_to_virt(pa);               /* the writable alias */
	memcpy(w, st->code, st->size);
	for (int i = 0; i < st->nholes; i++) {
		const struct stencil_hole *h = &st->holes[i];
		uint64_t v = h->id == HOLE_KERNEL ? h->kaddr : values[h->id];
		if (h->offset + (h->kind == HOLE_ABS64 ? 8u : 4u) > st->size)
			return -EINVAL;
		if (h->kind == HOLE_ABS64) {
			v += (uint64_t)h->addend;
			memcpy(w + h->offset, &v, 8);
		} else {
			int64_t rel = (int64_t)(v + (uint64_t)h->addend - (code + h->offset));
			if (rel != (int32_t)rel)
				return -ERANGE;                  /* out of rel32 reach */
			int32_t r32 = (int32_t)rel;
			memcpy(w + h->offset, &r32, 4);
		}
	}
	return 0;
}

/* ---- regions ---- */

/* The table slot a region of this variant is linked into, giving the
 * thread its private table first. NULL if no memory (stay generic). */
static uint64_t *slot_for(struct task *t, bool fast, int nr)
{
	if (fast) {
		if (t->fast_table == syscall_fast_generic) {
			uint64_t *tab = alloc_page_va();
			if (!tab)
				return NULL;
			memcpy(tab, syscall_fast_generic, NR_SYSCALLS * sizeof(uint64_t));
			t->fast_table = tab;
			if (t == current)
				arch_set_fast_table(tab);
		}
		return &t->fast_table[nr];
	}
	if (t->vtable == syscall_table) {
		syscall_fn *tab = alloc_page_va();
		if (!tab)
			return NULL;
		memcpy(tab, syscall_table, NR_SYSCALLS * sizeof(syscall_fn));
		t->vtable = tab;
	}
	return (uint64_t *)&t->vtable[nr];
}

static struct region *find_region(struct task *t, int nr)
{
	struct list_head *pos;
	list_for_each(pos, &regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (r->owner == t && r->nr == nr)
			return r;
	}
	return NULL;
}

bool synth_retired_pending;

static void retire(struct region *r)
{
	synth_retired_pending = true;
	if (r->fdtable) {
		r->fdtable->synth_regions--;
		r->fdtable = NULL;
	}
	list_del(&r->link);
	list_add_tail(&r->link, &retired);
}

/* Free retired regions: called where no thread can be inside one. */
void synth_quiescent(void)
{
	struct list_head *pos, *tmp;
	synth_retired_pending = false;
	list_for_each_safe(pos, tmp, &retired) {
		struct region *r = list_entry(pos, struct region, link);
		list_del(&r->link);
		cache_free(r->code);
		kmem_cache_free(region_cache, r);
	}
}

/* Synthesize t's handler for system call nr returning value; link it. */
static void synthesize_const(struct task *t, int nr, uint64_t value, unsigned assumptions)
{
	uint64_t t0 = rdtsc();
	const struct stencil *st = synth_fast ? &stencil_fast_const : &stencil_tpl_const;
	struct region *old = find_region(t, nr);
	uint64_t *slot = slot_for(t, synth_fast, nr);
	if (!slot)
		return;
	struct region *r = region_cache ? kmem_cache_alloc(region_cache) : NULL;
	if (!r)
		return;
	memset(r, 0, sizeof(*r));
	r->code = cache_alloc(st->size);
	if (!r->code) {
		kmem_cache_free(region_cache, r);
		return;                                  /* the generic entry stays */
	}
	r->id = next_region_id++;
	r->owner = t;
	r->nr = nr;
	r->st = st;
	r->fast = synth_fast;
	r->variant = synth_fast ? "fast" : "const";
	r->size = st->size;
	r->values[HOLE_value] = value;
	r->values[HOLE_counter] = (uint64_t)&r->calls;
	r->assumptions = assumptions;
	if (instantiate(r->st, r->values, r->code)) {
		cache_free(r->code);
		kmem_cache_free(region_cache, r);
		return;
	}
	list_add_tail(&r->link, &regions);
	/* Link: the entry is one aligned store; the old code stays valid
	 * until it is freed after a quiescent point. */
	__atomic_store_n(slot, r->code, __ATOMIC_RELEASE);
	if (old) {
		r->invalidations = old->invalidations + 1;
		total_invalidations++;
		retire(old);
	}
	r->cost_tsc = rdtsc() - t0;
	total_synthesized++;
}

/* Put the generic entry back in the slot a region occupies. */
static void unlink_region(struct region *r)
{
	struct task *t = r->owner;
	if (r->fast && t->fast_table != syscall_fast_generic)
		__atomic_store_n(&t->fast_table[r->nr], syscall_fast_generic[r->nr], __ATOMIC_RELEASE);
	else if (!r->fast && t->vtable != syscall_table)
		__atomic_store_n(&t->vtable[r->nr], syscall_table[r->nr], __ATOMIC_RELEASE);
}

/*
 * write(2) to /dev/null, synthesized lazily: the generic write calls
 * synth_note_write() after it succeeded on a /dev/null descriptor, so the
 * cost is paid only by threads that actually write there (a shell that
 * opens /dev/null and never writes pays nothing). One descriptor per
 * thread: the first one written; others stay generic.
 */
void synth_note_write_null(int fd)
{
	struct task *t = current;
	if (!synth_enabled || !synth_fast || !t->proc || find_region(t, 1))
		return;
	uint64_t t0 = rdtsc();
	uint64_t *slot = slot_for(t, true, 1);
	struct region *r = slot && region_cache ? kmem_cache_alloc(region_cache) : NULL;
	if (!r)
		return;
	memset(r, 0, sizeof(*r));
	r->code = cache_alloc(stencil_fast_write_null.size);
	if (!r->code) {
		kmem_cache_free(region_cache, r);
		return;
	}
	r->id = next_region_id++;
	r->owner = t;
	r->nr = 1;
	r->st = &stencil_fast_write_null;
	r->fast = true;
	r->variant = "fast";
	r->size = r->st->size;
	r->values[HOLE_value] = (uint64_t)(uint32_t)fd;
	r->values[HOLE_counter] = (uint64_t)&r->calls;
	r->assumptions = ASSUME_FD_NULL;
	r->fdtable = t->proc->files;
	r->fd = fd;
	if (instantiate(r->st, r->values, r->code)) {
		cache_free(r->code);
		kmem_cache_free(region_cache, r);
		return;
	}
	list_add_tail(&r->link, &regions);
	r->fdtable->synth_regions++;
	__atomic_store_n(slot, r->code, __ATOMIC_RELEASE);
	r->cost_tsc = rdtsc() - t0;
	total_synthesized++;
}

/* Descriptor fd of table ft now refers to something else (or nothing). */
void synth_event_fd(struct fdtable *ft, int fd)
{
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (r->fdtable == ft && r->fd == fd) {
			unlink_region(r);
			total_invalidations++;
			retire(r);
		}
	}
}

/* System call numbers (kernel/syscalls.tbl). */
#define NR_getpid  39
#define NR_getuid  102
#define NR_getgid  104
#define NR_geteuid 107
#define NR_getegid 108
#define NR_getppid 110
#define NR_gettid  186

void synth_thread_start(struct task *t)
{
	if (!synth_enabled || !t->proc)
		return;
	struct proc *p = t->proc;
	synthesize_const(t, NR_getpid, (uint64_t)p->pid, ASSUME_PID_FIXED);
	synthesize_const(t, NR_gettid, (uint64_t)t->tid, ASSUME_PID_FIXED);
	synthesize_const(t, NR_getppid, p->parent ? (uint64_t)p->parent->pid : 0, ASSUME_PARENT);
	synthesize_const(t, NR_getuid, 0, 0);
	synthesize_const(t, NR_geteuid, 0, 0);
	synthesize_const(t, NR_getgid, 0, 0);
	synthesize_const(t, NR_getegid, 0, 0);
}

void synth_thread_exit(struct task *t)
{
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (r->owner == t)
			retire(r);
	}
	if (t->vtable != syscall_table) {
		free_page_va(t->vtable);
		t->vtable = syscall_table;
	}
	if (t->fast_table != syscall_fast_generic) {
		free_page_va(t->fast_table);
		t->fast_table = syscall_fast_generic;
		if (t == current)
			arch_set_fast_table(syscall_fast_generic);
	}
}

void synth_event_reparent(struct proc *p)
{
	if (!synth_enabled)
		return;
	struct list_head *pos;
	list_for_each(pos, &p->threads) {
		struct task *t = list_entry(pos, struct task, thread_link);
		if (find_region(t, NR_getppid))
			synthesize_const(t, NR_getppid, p->parent ? (uint64_t)p->parent->pid : 0,
					 ASSUME_PARENT);
	}
}

/* ---- /proc/synth ---- */

struct fmt {
	char *buf;
	size_t size, len;
};

static __printf(2, 3) void out(struct fmt *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = f->len < f->size ? f->size - f->len : 0;
	int n = kvsnprintf(room ? f->buf + f->len : NULL, room, fmt, ap);
	va_end(ap);
	f->len += (size_t)n;
}

size_t synth_format(char *buf, size_t size)
{
	struct fmt f = { buf, size, 0 };
	out(&f, "synthesis %s; %llu regions synthesized, %llu invalidations\n",
	    synth_enabled ? "on" : "off", (unsigned long long)total_synthesized,
	    (unsigned long long)total_invalidations);
	out(&f, "%-5s %-6s %-8s %-10s %-8s %-18s %4s %10s %8s %5s %s\n", "id", "tid", "syscall",
	    "template", "variant", "code", "size", "calls", "cost", "inval", "assumptions / holes");
	struct list_head *pos;
	list_for_each(pos, &regions) {
		struct region *r = list_entry(pos, struct region, link);
		out(&f, "%-5d %-6d %-8s %-10s %-8s %#-18llx %4u %10llu %8llu %5u ", r->id,
		    r->owner->tid, syscall_names[r->nr], r->st->name, r->variant,
		    (unsigned long long)r->code, r->size, (unsigned long long)r->calls,
		    (unsigned long long)r->cost_tsc, r->invalidations);
		bool any = false;
		for (unsigned a = 0; a < ARRAY_SIZE(assumption_names); a++)
			if (r->assumptions & (1u << a)) {
				out(&f, "%s%s", any ? "," : "", assumption_names[a]);
				any = true;
			}
		out(&f, "%s value=%#llx\n  code:", any ? ";" : "-;",
		    (unsigned long long)r->values[HOLE_value]);
		const uint8_t *c = (const uint8_t *)r->code;
		for (uint32_t i = 0; i < r->size; i++)
			out(&f, " %02x", c[i]);
		out(&f, "\n");
	}
	return f.len;
}

/* ---- self-tests ---- */
#include <synthos/ktest.h>

KTEST(synth_instantiate_and_run)
{
	uint64_t code = cache_alloc(stencil_tpl_const.size);
	KT_CHECK(code != 0);
	uint64_t calls = 0, values[HOLE_NR] = { 0 };
	values[HOLE_value] = 0x1234567890abcdefULL;
	values[HOLE_counter] = (uint64_t)&calls;
	KT_CHECK_EQ(instantiate(&stencil_tpl_const, values, code), 0);
	long (*fn)(void) = (long (*)(void))code;
	KT_CHECK_EQ(fn(), 0x1234567890abcdefULL);
	KT_CHECK_EQ(fn(), 0x1234567890abcdefULL);
	KT_CHECK_EQ(calls, 2);                         /* the gauge counted */
	/* W^X: executable where it runs, writable only through the alias. */
	uint64_t pte = kernel_pte(code);
	KT_CHECK(pte & PTE_P);
	KT_CHECK(!(pte & PTE_W));
	KT_CHECK(!(pte & PTE_NX));
	uint64_t alias = (uint64_t)phys_to_virt(kernel_virt_to_phys(code));
	uint64_t apte = kernel_pte(alias);
	KT_CHECK(apte & PTE_W);
	KT_CHECK(!cpu_features.nx || (apte & PTE_NX));
	cache_free(code);
}

KTEST(synth_patch_range_checked)
{
	/* A rel32 hole whose target is out of reach must be refused. */
	static const uint8_t jmp_code[5] = { 0xe9, 0, 0, 0, 0 };
	static const struct stencil_hole far_hole[] = {
		{ 1, HOLE_REL32, HOLE_KERNEL, "far", -4, 0xffff800000000000UL },
	};
	static const struct stencil far = { "far", jmp_code, 5, far_hole, 1 };
	uint64_t code = cache_alloc(far.size);
	KT_CHECK(code != 0);
	uint64_t values[HOLE_NR] = { 0 };
	int r = instantiate(&far, values, code);
	cache_free(code);
	KT_CHECK_EQ(r, -ERANGE);
	/* A hole past the end of the code is refused too. */
	static const struct stencil_hole bad_hole[] = {
		{ 2, HOLE_ABS64, HOLE_value, "value", 0, 0 },
	};
	static const struct stencil bad = { "bad", jmp_code, 5, bad_hole, 1 };
	code = cache_alloc(bad.size);
	r = instantiate(&bad, values, code);
	cache_free(code);
	KT_CHECK_EQ(r, -EINVAL);
}
