/*
 * synth.c - the run-time half of copy-and-patch: region
 * records, per-thread vector tables, the quajects it synthesizes and the
 * events that invalidate them (docs/SYNTHESIS.md).
 *
 * The memory it all lives in -- the code cache (read+execute, written
 * only through a non-executable alias), the gauge area and the table
 * area -- and the copy-and-patch step itself are code_cache.c's; the
 * layout is in synth/internal.h.
 *
 * Retiring code. A region is replaced by unlinking it from its table slot
 * first and freeing its slots afterwards. Freed slots wait on a retired
 * list until every CPU has passed a quiescent point (a return to user mode
 * or the idle loop) after the unlink. Today there is one CPU, the kernel
 * is not preemptible, and synthesized code never sleeps (a direct call
 * leaves the stencil before its handler can), so no thread can be inside
 * any region while kernel C code runs: synth_quiescent() frees them from
 * the idle loop and on the way back to user mode. With SMP the retired
 * list needs a per-CPU epoch.
 *
 * Tables. A thread's first region gives it its own tables and entry: an
 * entry table (fast_table, one slot per system call, syscall_slow or a
 * region), the per-descriptor vectors of the file calls (synth_fdvec,
 * reached through fast_fd), and a region of its own, fast_entry, which
 * jumps through the entry table and which MSR_LSTAR points at while the
 * thread runs (arch/x86_64/switch.c): Synthesis's per-thread vector table
 * with the vector base switched per thread. Until then the thread enters
 * at the generic syscall_entry with no table at all. The tables live in
 * the table area (code_cache.c), in the top 2 GiB, so that fast_entry
 * and fast_fd reach them with a sign-extended 32-bit address and no
 * register. (The handler table, vtable, which the generic path calls,
 * stays generic: no region is linked there; tpl_const is the C template
 * that would be, and the self-tests and tests/unit/test_patch.c run it.)
 *
 * Region kinds: leaves (assembly ending in sysretq: fast_const,
 * fast_write_null, fast_read_null), stack leaves that move to the kernel
 * stack to touch user memory (fast_read_zero), C bodies behind fast_frame
 * (fastc_*), and direct calls (fast_direct: the generic frame, a folded
 * handler and object).
 *
 * Synthesis is lazy: a generic handler reports what it did
 * (synth_note_const, synth_note_rw) and the thread's next call runs the
 * region. The assumptions regions record, and the events that break them,
 * are in `enum assumption` below; every event is handled before the system
 * call that raised it returns.
 */
#include <synthos/devices.h>
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
#include <synthos/pipe.h>
#include <synthos/vfs.h>
#include <arch/cpu.h>
#include <arch/mm.h>
#include <arch/page.h>
#include <arch/percpu.h>
#include "stencil.h"
#include "stencils.h"

extern const struct file_ops ramfs_file_fops;  /* kernel/fs/ramfs.h */
extern char syscall_slow[];                      /* entry_syscall.S */

#include "internal.h"

/* Quasi-invariants: what a region assumes, and what breaks it. */
enum assumption {
	ASSUME_PID_FIXED = 1 << 0,      /* the thread's tid and pid: nothing breaks it */
	ASSUME_PARENT    = 1 << 1,      /* the parent: re-parenting re-synthesizes getppid */
	ASSUME_FD_FILE   = 1 << 2,      /* descriptor fd of fdtable is still the file:
					 * close, dup2/dup3 onto it, close_range, exec unlink */
	ASSUME_ONE_SIDE  = 1 << 3,      /* one thread can use this side of the pipe: fork,
					 * clone, a thread, another open re-synthesize as mp */
	ASSUME_FDTABLE   = 1 << 4,      /* (fast_fd) the thread's table: exec rebuilds */
	ASSUME_THREAD    = 1 << 5,      /* (fast_entry) the thread and its tables:
					 * exit and exec retire them */
};

static const char *const assumption_names[] = {
	"pid-fixed", "parent", "fd-is-file", "one-thread-per-side", "fdtable-fixed",
	"thread-tables",
};

/* Where a region is linked. */
enum region_kind {
	RK_ENTRY,       /* the thread's entry table (a leaf, or fast_fd) */
	RK_FD,          /* a slot of the thread's per-descriptor vector */
	RK_THREAD,      /* the thread's own entry (fast_entry): MSR_LSTAR, no slot */
};

struct region {
	int id;
	struct task *owner;
	int nr;                          /* the system call it serves (-1: RK_THREAD) */
	const struct stencil *st;
	const char *variant;
	uint64_t values[HOLE_NR];
	uint64_t code;                   /* executable address */
	uint32_t size;
	uint64_t cost_tsc;               /* synthesis cost in TSC ticks */
	unsigned assumptions;
	unsigned invalidations;          /* times its predecessors were replaced */
	enum region_kind kind;
	uint64_t *slot;                  /* the table slot it is linked into */
	uint32_t body_off;               /* RK_FD C bodies: fast_frame, then the body here */
	struct fdtable *fdtable;         /* ASSUME_FD_FILE: whose descriptor */
	int fd;
	struct pipe *pipe;               /* pipe regions: counted in pipe->synth_regions */
	bool stack_leaf;                 /* a leaf that may fault on user memory, on the
					  * kernel stack (fast_read_zero.S): all of it
					  * counts as body, with one slot to restore */
	bool *abort_unlock;              /* a lock the body holds, dropped if it faults */
	unsigned aborts;                 /* faults in its body sent to the generic path */
	struct list_head link;           /* all regions, or the retired list */
	struct list_head owner_link;     /* owner->synth_list */
	struct list_head ft_link;        /* fdtable->synth_list (RK_FD) */
};

bool synth_enabled;
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

/* ---- regions ---- */

static bool thread_tables(struct task *t);

/* t's entry-table slot for call nr, giving the thread its tables and entry
 * first. NULL if out of memory or table space (stay generic). */
static uint64_t *entry_slot(struct task *t, int nr)
{
	if (!t->fast_table && !thread_tables(t))
		return NULL;
	return &t->fast_table[nr];
}

/* The region linked for system call nr in t's entry table. */
static struct region *find_region(struct task *t, int nr)
{
	struct list_head *pos;
	list_for_each(pos, &t->synth_list) {
		struct region *r = list_entry(pos, struct region, owner_link);
		if (r->owner == t && r->nr == nr && r->kind != RK_FD)
			return r;
	}
	return NULL;
}

static void retire(struct region *r)
{
	exit_work_global.synth_retired = true;   /* synth_quiescent on the way out */
	list_del(&r->owner_link);
	if (r->fdtable) {
		r->fdtable->synth_regions--;
		list_del(&r->ft_link);
		r->fdtable = NULL;
	}
	if (r->pipe) {
		r->pipe->synth_regions--;
		r->pipe = NULL;
	}
	list_del(&r->link);
	list_add_tail(&r->link, &retired);
}

/* Free retired regions: called where no thread can be inside one. */
void synth_quiescent(void)
{
	struct list_head *pos, *tmp;
	exit_work_global.synth_retired = false;
	list_for_each_safe(pos, tmp, &retired) {
		struct region *r = list_entry(pos, struct region, link);
		list_del(&r->link);
		code_free(r->code, r->size);
		kmem_cache_free(region_cache, r);
	}
}

/*
 * Make a region: copy st (after fast_frame when it is a C body) into
 * fresh cache space and patch it with values (HOLE_counter is filled in
 * here). The caller fills in the rest of the record and links it with
 * link_region. NULL when out of space or memory: the caller stays generic.
 */
static struct region *region_make(struct task *t, int nr, const struct stencil *st, bool framed,
				  uint64_t *values, bool resume)
{
	struct region *r = region_cache ? kmem_cache_alloc(region_cache) : NULL;
	if (!r)
		return NULL;
	uint64_t q = sizeof(*r) / 8;
	void *d = r;
	STATIC_ASSERT(sizeof(struct region) % 8 == 0, "zeroed by words");
	__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(q) : "a"(0UL) : "memory");
	r->fd = -1;
	/* Layout: [fast_frame [fast_resume]] body, each 16-aligned. */
	uint32_t frame_sz = (stencil_fast_frame.size + 15) & ~15u;
	uint32_t resume_off = frame_sz;
	resume = framed && resume;
	r->body_off = framed ? frame_sz + (resume ? (stencil_fast_resume.size + 15) & ~15u : 0) : 0;
	r->size = r->body_off + st->size;
	r->code = code_alloc(r->size);
	if (!r->code) {
		kmem_cache_free(region_cache, r);
		return NULL;
	}
	values[HOLE_counter] = (uint64_t)gauge_of(r->code);
	*gauge_of(r->code) = 0;
	values[HOLE_body] = r->code + r->body_off;
	values[HOLE_fallback] = resume ? r->code + resume_off : (uint64_t)syscall_slow;
	values[HOLE_kstack] = t->kstack_top;
	values[HOLE_nr] = (uint64_t)nr;
	q = HOLE_NR;
	const uint64_t *src = values;
	d = r->values;
	__asm__ __volatile__("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
	if ((framed && synth_instantiate(&stencil_fast_frame, values, r->code)) ||
	    (resume && synth_instantiate(&stencil_fast_resume, values, r->code + resume_off)) ||
	    synth_instantiate(st, values, r->code + r->body_off)) {
		code_free(r->code, r->size);
		kmem_cache_free(region_cache, r);
		return NULL;
	}
	r->id = next_region_id++;
	r->owner = t;
	r->nr = nr;
	r->st = st;
	return r;
}

/* What synthesis costs, per template (each stencil is made in one
 * variant) over every region made, live or retired: shown at the end of
 * /proc/synth/regions. Open addressing on the stencil's address, so the
 * bookkeeping costs a few instructions per region, not a search. */
#define NCOST 32
static struct cost_stat {
	const struct stencil *st;
	const char *variant;
	uint64_t made, min, total;
} cost_stats[NCOST];

static void note_cost(const struct stencil *st, const char *variant, uint64_t cost)
{
	unsigned i = (unsigned)((uint64_t)st / 8) % NCOST;
	for (unsigned probe = 0; probe < NCOST; probe++, i = (i + 1) % NCOST) {
		struct cost_stat *c = &cost_stats[i];
		if (c->st && c->st != st)
			continue;
		if (!c->st) {
			c->st = st;
			c->variant = variant;
			c->min = cost;
		}
		c->made++;
		c->total += cost;
		if (cost < c->min)
			c->min = cost;
		return;
	}
}

/* Link r into *slot (one aligned store: a thread entering through the slot
 * sees the old code or the new, both valid), replacing old if any. A
 * thread's entry (RK_THREAD) has no slot: MSR_LSTAR is its link. */
static void link_region(struct region *r, uint64_t *slot, struct region *old, uint64_t t0)
{
	r->slot = slot;
	list_add_tail(&r->link, &regions);
	list_add_tail(&r->owner_link, &r->owner->synth_list);
	if (slot)
		__atomic_store_n(slot, r->code, __ATOMIC_RELEASE);
	if (old) {
		r->invalidations = old->invalidations + 1;
		total_invalidations++;
		retire(old);
	}
	r->cost_tsc = rdtsc() - t0;
	total_synthesized++;
	note_cost(r->st, r->variant, r->cost_tsc);
}

/*
 * Give t its tables (every slot the generic syscall_slow) and its own
 * entry, fast_entry with the entry table folded in, and make that entry
 * t's MSR_LSTAR. On failure nothing is left behind and t stays generic.
 */
static bool thread_tables(struct task *t)
{
	uint64_t t0 = rdtsc();
	uint64_t va = synth_table_alloc((uint64_t)syscall_slow, NR_SYSCALLS);
	if (!va)
		return false;
	uint64_t values[HOLE_NR] = { 0 };
	values[HOLE_table] = va;
	struct region *r = region_make(t, -1, &stencil_fast_entry, false, values, false);
	if (!r) {
		synth_table_free(va);
		return false;
	}
	r->kind = RK_THREAD;
	r->variant = "entry";
	r->assumptions = ASSUME_THREAD;
	t->fast_table = (uint64_t *)va;
	link_region(r, NULL, NULL, t0);
	t->synth_entry = r->code;
	if (t == current)
		arch_set_syscall_entry(t->synth_entry);
	return true;
}

/* Synthesize t's handler for system call nr returning value; link it. */
static void synthesize_const(struct task *t, int nr, uint64_t value, unsigned assumptions)
{
	uint64_t t0 = rdtsc();
	struct region *old = find_region(t, nr);
	uint64_t *slot = entry_slot(t, nr);
	uint64_t values[HOLE_NR] = { 0 };
	values[HOLE_value] = value;
	struct region *r = slot ? region_make(t, nr, &stencil_fast_const, false, values, false) : NULL;
	if (!r)
		return;                                  /* the generic entry stays */
	r->kind = RK_ENTRY;
	r->variant = "fast";
	r->assumptions = assumptions;
	link_region(r, slot, old, t0);
}

/* Put back what the slot held before any region: the generic entry. */
static void unlink_region(struct region *r)
{
	if (r->slot)
		__atomic_store_n(r->slot, (uint64_t)syscall_slow, __ATOMIC_RELEASE);
}

/* ---- per-descriptor regions: read, write, pread64, pwrite64 ---- */

/*
 * A thread's file calls go through fast_fd (synth/templates/fast_fd.S),
 * linked into its entry table for read, write, pread64, pwrite64 and lseek when
 * its first descriptor region is made. fast_fd jumps through the thread's
 * per-descriptor vector for the call: synth_fdvec, one page holding a
 * vector of SYNTH_FD_MAX entries per call, each the entry of a region or
 * syscall_slow. Regions are made lazily, after generic calls on the
 * descriptor succeeded (synth_note_rw), by a gauge on the file
 * (synth_gauge_tick, <synthos/synth.h>): its first SYNTH_FD_WAIT
 * successful calls of a kind are only counted, the next one pays the
 * generic path and the synthesis (about 500 instructions for a leaf, a
 * thousand or more for a framed body), the rest run the region. Lazily
 * because most descriptors a program opens are read or written a few
 * times or never (a shell opens /dev/null for every redirection), and
 * because the thread that calls is the one whose vector gets the region.
 * The wait is the ski-rental rule: a region repays its cost after two to
 * three fast calls (a fast call saves 170 to 500), so the kernel spends
 * about that much on generic calls before it buys; a descriptor used
 * twice never pays for code it would not use.
 */
#define SYNTH_FD_CALLS 5                 /* read write pread64 pwrite64 lseek */
#define NR_read     0
#define NR_write    1
#define NR_pread64  17
#define NR_pwrite64 18
#define NR_lseek    8

/* The order is kernel/fs/read_write.c's too (its untemplated bits). */
static int fd_call_index(int nr)
{
	switch (nr) {
	case NR_read:     return 0;
	case NR_write:    return 1;
	case NR_pread64:  return 2;
	case NR_pwrite64: return 3;
	case NR_lseek:    return 4;
	default:          return -1;
	}
}

/* t's vector slot for (nr, fd), creating the vector and linking fast_fd
 * for nr first. NULL if out of memory. */
static uint64_t *fd_slot(struct task *t, int nr, int fd)
{
	int k = fd_call_index(nr);
	if (!t->fast_table && !thread_tables(t))
		return NULL;
	if (!t->synth_fdvec) {           /* the vectors: the table slot's second page */
		uint64_t va = (uint64_t)t->fast_table + PAGE_SIZE;
		if (synth_table_map_page(va, (uint64_t)syscall_slow, SYNTH_FD_CALLS * SYNTH_FD_MAX))
			return NULL;
		t->synth_fdvec = (uint64_t *)va;
	}
	uint64_t *vec = t->synth_fdvec + k * SYNTH_FD_MAX;
	if (t->fast_table[nr] == (uint64_t)syscall_slow) {    /* no switch for nr yet */
		uint64_t t0 = rdtsc();
		uint64_t *slot = entry_slot(t, nr);
		uint64_t values[HOLE_NR] = { 0 };
		values[HOLE_fdvec] = (uint64_t)vec;
		struct region *r = slot ? region_make(t, nr, &stencil_fast_fd, false, values, false) : NULL;
		if (!r)
			return NULL;
		r->kind = RK_ENTRY;
		r->variant = "switch";
		r->assumptions = ASSUME_FDTABLE;
		link_region(r, slot, NULL, t0);
	}
	return &vec[fd];
}

struct fd_choice {
	const struct stencil *st;
	bool framed;                      /* a C body under fast_frame */
	bool stack_leaf;                  /* a leaf that moves to the kernel stack */
	const char *variant;
	unsigned assumptions;
	struct pipe *pipe;
	uint64_t object_hole, object;
	uint64_t handler;                 /* fast_direct: the C handler */
	struct file *file;                /* a framed read/write: its fallback resumes on it */
};

/* Can only this thread use this side of the pipe? One open file on the
 * side, referenced by this descriptor alone (plus the reference the
 * generic call holds now), in a table no other thread uses. */
static bool pipe_side_private(struct pipe *p, struct file *f, bool write)
{
	struct task *t = current;
	return (write ? p->writers : p->readers) == 1 && f->refcount <= 2 &&
	       t->proc->files->refcount == 1 && t->proc->nthreads == 1;
}

static bool choose_pipe(struct fd_choice *c, struct file *f, int nr, bool spsc)
{
	struct pipe *p = pipe_of_file(f);
	if (!p || (nr != NR_read && nr != NR_write))
		return false;
	bool write = nr == NR_write;
	if (write ? !file_writable(f) : !file_readable(f))
		return false;
	if (spsc && !pipe_side_private(p, f, write))
		spsc = false;
	c->st = write ? (spsc ? &stencil_fastc_pipe_write_spsc : &stencil_fastc_pipe_write_mp)
		      : (spsc ? &stencil_fastc_pipe_read_spsc : &stencil_fastc_pipe_read_mp);
	c->framed = true;
	c->variant = spsc ? "spsc" : "mp";
	c->assumptions = ASSUME_FD_FILE | (spsc ? ASSUME_ONE_SIDE : 0);
	c->pipe = p;
	c->object_hole = HOLE_pipe;
	c->object = (uint64_t)p;
	c->file = f;
	return true;
}

/*
 * Direct handlers for fast_direct.S: the generic do_rw after its
 * descriptor lookup, with the file folded in. The reference taken here is
 * the one fget_io would have taken: a thread asleep in the handler keeps
 * the file even if another thread closes the descriptor meanwhile.
 */
static long direct_rw(void *file, uint64_t buf, uint64_t n, bool write)
{
	struct file *f = file_get(file);
	long r = rw_file(f, (char *)buf, n, NULL, write);
	file_put(f);
	return r;
}

static long synth_direct_write(void *file, uint64_t fd, uint64_t buf, uint64_t n)
{
	return direct_rw(file, buf, n, true);
}

static long synth_direct_read(void *file, uint64_t fd, uint64_t buf, uint64_t n)
{
	return direct_rw(file, buf, n, false);
}

/* Which template serves call nr on file f, if any. */
static bool choose(struct fd_choice *c, struct file *f, int nr)
{
	struct inode *ino = f->inode;
	*c = (struct fd_choice){ .file = f };
	if (tty_file_is_console(f) && (nr == NR_read || nr == NR_write) &&
	    (nr == NR_write ? file_writable(f) : file_readable(f))) {
		c->st = &stencil_fast_direct;
		c->variant = "direct";
		c->assumptions = ASSUME_FD_FILE;
		c->object_hole = HOLE_file;
		c->object = (uint64_t)f;
		c->handler = nr == NR_write ? (uint64_t)synth_direct_write : (uint64_t)synth_direct_read;
		return true;
	}
	/* /dev/null and /dev/zero writes both swallow the bytes and say so
	 * (null_write, zero_write: kernel/dev/mem.c); /dev/null reads say EOF. */
	if (S_ISCHR(ino->mode) && (ino->rdev == MKDEV(1, 3) || ino->rdev == MKDEV(1, 5)) &&
	    nr == NR_write && file_writable(f)) {
		c->st = &stencil_fast_write_null;
		c->variant = "leaf";
		c->assumptions = ASSUME_FD_FILE;
		return true;
	}
	if (S_ISCHR(ino->mode) && ino->rdev == MKDEV(1, 3) && nr == NR_read && file_readable(f)) {
		c->st = &stencil_fast_read_null;
		c->variant = "leaf";
		c->assumptions = ASSUME_FD_FILE;
		return true;
	}
	if (S_ISCHR(ino->mode) && ino->rdev == MKDEV(1, 5) && nr == NR_read && file_readable(f)) {
		c->st = &stencil_fast_read_zero;
		c->stack_leaf = true;
		c->variant = "stack-leaf";
		c->assumptions = ASSUME_FD_FILE;
		return true;
	}
	if (S_ISREG(ino->mode) && f->ops == &ramfs_file_fops &&
	    (nr == NR_lseek || ((nr == NR_read || nr == NR_pread64) && file_readable(f)) ||
	     ((nr == NR_write || nr == NR_pwrite64) && file_writable(f)))) {
		c->st = nr == NR_lseek ? &stencil_fastc_ramfs_lseek :
			nr == NR_read ? &stencil_fastc_ramfs_read :
			nr == NR_pread64 ? &stencil_fastc_ramfs_pread :
			nr == NR_write ? &stencil_fastc_ramfs_write : &stencil_fastc_ramfs_pwrite;
		c->framed = true;
		c->variant = "c";
		c->assumptions = ASSUME_FD_FILE;
		c->object_hole = HOLE_file;
		c->object = (uint64_t)f;
		return true;
	}
	return choose_pipe(c, f, nr, true);
}

/* Make and link the region c describes for (t, nr, fd), replacing old. */
static void synthesize_fd(struct task *t, int nr, int fd, const struct fd_choice *c,
			  struct region *old, uint64_t t0)
{
	uint64_t *slot = fd_slot(t, nr, fd);
	uint64_t values[HOLE_NR] = { 0 };
	/* A framed read or write resumes a fallback on its file directly. */
	bool resume = c->framed && c->file && (nr == NR_read || nr == NR_write);
	if (resume) {
		values[HOLE_file] = (uint64_t)c->file;
		values[HOLE_handler] = nr == NR_write ? (uint64_t)synth_direct_write
						      : (uint64_t)synth_direct_read;
	}
	if (c->object_hole)
		values[c->object_hole] = c->object;
	if (c->handler)
		values[HOLE_handler] = c->handler;
	struct region *r = slot ? region_make(t, nr, c->st, c->framed, values, resume) : NULL;
	if (!r) {
		if (old) {                       /* cannot replace it: go generic */
			unlink_region(old);
			total_invalidations++;
			retire(old);
		}
		return;
	}
	r->kind = RK_FD;
	r->stack_leaf = c->stack_leaf;
	r->variant = c->variant;
	r->assumptions = c->assumptions;
	r->fdtable = t->proc->files;
	r->fdtable->synth_regions++;
	list_add_tail(&r->ft_link, &r->fdtable->synth_list);
	r->fd = fd;
	if (c->pipe) {
		r->pipe = c->pipe;
		r->pipe->synth_regions++;
		if (!(c->assumptions & ASSUME_ONE_SIDE))
			r->abort_unlock = &c->pipe->locked;
	}
	link_region(r, slot, old, t0);
}

void synth_note_rw(int fd, struct file *f, int nr)
{
	struct task *t = current;
	struct fd_choice c;
	int k = fd_call_index(nr);
	if (!t->proc || fd < 0 || fd >= SYNTH_FD_MAX || k < 0 ||
	    (f->synth_untemplated & (1u << k)))
		return;
	if (synth_fd_linked(t->synth_fdvec, fd, (unsigned)k))
		return;                          /* it has one (and fell back this time) */
	if (fdtable_file(t->proc->files, fd) != f)
		return;
	if (!choose(&c, f, nr)) {
		/* Whether a template serves (file, call) depends on the file
		 * alone: remember, so its next calls do not ask again. */
		f->synth_untemplated |= (uint8_t)(1u << k);
		return;
	}
	synthesize_fd(t, nr, fd, &c, NULL, rdtsc());
}

/* Descriptor fd of table ft now refers to something else (or nothing). */
void synth_event_fd(struct fdtable *ft, int fd)
{
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &ft->synth_list) {
		struct region *r = list_entry(pos, struct region, ft_link);
		if (r->fd == fd) {
			unlink_region(r);
			total_invalidations++;
			retire(r);
		}
	}
}

/* A dedicated (spsc) pipe region's side gained a thread: re-synthesize
 * it as the multi-producer/consumer variant, in place. */
static void pipe_region_to_mp(struct region *r)
{
	uint64_t t0 = rdtsc();
	struct fd_choice c;
	memset(&c, 0, sizeof(c));
	struct file *f = fdtable_file(r->fdtable, r->fd);
	if (!f || !choose_pipe(&c, f, r->nr, false)) {
		unlink_region(r);
		total_invalidations++;
		retire(r);
		return;
	}
	synthesize_fd(r->owner, r->nr, r->fd, &c, r, t0);
}

/* Every thread that could use ft's files is about to have company: a
 * fork copies the table, a clone shares it or adds a thread. */
void synth_event_share(struct fdtable *ft)
{
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &ft->synth_list) {
		struct region *r = list_entry(pos, struct region, ft_link);
		if (r->assumptions & ASSUME_ONE_SIDE)
			pipe_region_to_mp(r);
	}
}

/* Another file was opened on the pipe (a FIFO open, /proc/PID/fd). */
void synth_event_pipe_open(struct pipe *p)
{
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (r->pipe == p && (r->assumptions & ASSUME_ONE_SIDE))
			pipe_region_to_mp(r);
	}
}

/* The framed region whose C body contains rip, or NULL. */
static struct region *body_at(uint64_t rip)
{
	if (rip < SYNTH_CACHE_BASE || rip >= SYNTH_CACHE_BASE + SYNTH_CACHE_SIZE)
		return NULL;
	struct list_head *pos;
	list_for_each(pos, &regions) {
		struct region *r = list_entry(pos, struct region, link);
		if ((r->body_off || r->stack_leaf) && rip >= r->code + r->body_off &&
		    rip < r->code + r->size)
			return r;
	}
	return NULL;
}

bool synth_body_at(uint64_t rip)
{
	return body_at(rip) != NULL;
}

/*
 * A user access in the fast body at rip faulted and the memory code could
 * not repair it (no mapping, no permission): the fault handler abandons
 * the body and resumes at synth_fast_abort, which restores the frame and
 * takes the generic path, where the same access gives EFAULT the generic
 * way. Drop the lock the body may hold (the mp pipe variant) first. A
 * stack leaf parked one slot (the user RSP), not fast_frame's five: *slots
 * says which, and the handler resumes at synth_leaf_abort for it.
 */
int synth_abandon_body(uint64_t rip, int *slots)
{
	struct region *r = body_at(rip);
	if (!r)
		return -1;
	if (r->abort_unlock)
		__atomic_store_n(r->abort_unlock, false, __ATOMIC_RELEASE);
	r->aborts++;
	*slots = r->stack_leaf ? 1 : 5;
	return r->nr;
}

/* System call numbers (kernel/syscalls.tbl). */
#define NR_getpid  39
#define NR_getuid  102
#define NR_getgid  104
#define NR_geteuid 107
#define NR_getegid 108
#define NR_getppid 110
#define NR_gettid  186

/*
 * Process constants are synthesized lazily too, at a thread's second call
 * of each: the generic handler calls synth_note_const after answering, and
 * the call after that runs the region. Eagerly, seven regions per program
 * start cost about 8,000 instructions, which fork+exit and thread creation
 * paid whether or not the program ever asked (make bench measured
 * fork+_exit+wait 10k dearer). At the first call, every fork child paid
 * for its tables and a region for the one gettid musl's fork makes in the
 * child (fork+_exit+wait 3,700 dearer than synth=off); a constant asked
 * twice is likely to be asked again.
 */
static unsigned const_bit(int nr)
{
	switch (nr) {
	case NR_getpid:  return 1u << 0;
	case NR_gettid:  return 1u << 1;
	case NR_getppid: return 1u << 2;
	case NR_getuid:  return 1u << 3;
	case NR_geteuid: return 1u << 4;
	case NR_getgid:  return 1u << 5;
	default:         return 1u << 6;     /* getegid */
	}
}

void synth_note_const(int nr, uint64_t value)
{
	struct task *t = current;
	if (!synth_enabled || !t->proc ||
	    (t->fast_table && t->fast_table[nr] != (uint64_t)syscall_slow))
		return;                          /* it has one */
	unsigned bit = const_bit(nr);
	if (!(t->synth_consts_seen & bit)) {
		t->synth_consts_seen |= (uint8_t)bit;
		return;                          /* the first call: generic only */
	}
	unsigned assumptions = nr == NR_getppid ? ASSUME_PARENT :
			       (nr == NR_getpid || nr == NR_gettid) ? ASSUME_PID_FIXED : 0;
	synthesize_const(t, nr, value, assumptions);
}

void synth_thread_exit(struct task *t)
{
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &t->synth_list)
		retire(list_entry(pos, struct region, owner_link));
	/* The entry region is retired above; the tables go now. Nothing can
	 * run through them: t is exiting or exec'ing, in the kernel, and
	 * leaves through the generic return (one CPU; see "Retiring code"). */
	if (t->fast_table) {
		if (t == current)
			arch_set_syscall_entry(0);
		synth_table_free((uint64_t)t->fast_table);
		t->fast_table = NULL;
		t->synth_fdvec = NULL;
		t->synth_entry = 0;
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

/* What /proc/synth calls the system call a region serves. */
static const char *region_call(const struct region *r)
{
	return r->kind == RK_THREAD ? "(all)" : syscall_names[r->nr];
}

size_t synth_format(char *buf, size_t size)
{
	struct fmt f = { buf, size, 0 };
	out(&f, "synthesis %s; %llu regions synthesized, %llu invalidations; code cache %u of %lu slots; "
	    "thread tables %u of %lu\n",
	    synth_enabled ? "on" : "off", (unsigned long long)total_synthesized,
	    (unsigned long long)total_invalidations, code_slots_used(), NSLOTS, synth_tables_used, NTABLES);
	out(&f, "%-5s %-6s %-8s %-4s %-22s %-7s %-18s %4s %10s %8s %5s %s\n", "id", "tid", "syscall",
	    "fd", "template", "variant", "code", "size", "calls", "cost", "inval",
	    "assumptions / holes");
	struct list_head *pos;
	list_for_each(pos, &regions) {
		struct region *r = list_entry(pos, struct region, link);
		char fd[12] = "-";
		if (r->fd >= 0)
			ksnprintf(fd, sizeof(fd), "%d", r->fd);
		out(&f, "%-5d %-6d %-8s %-4s %-22s %-7s %#-18llx %4u %10llu %8llu %5u ", r->id,
		    r->owner->tid, region_call(r), fd, r->st->name, r->variant,
		    (unsigned long long)r->code, r->size, (unsigned long long)*gauge_of(r->code),
		    (unsigned long long)r->cost_tsc, r->invalidations);
		bool any = false;
		for (unsigned a = 0; a < ARRAY_SIZE(assumption_names); a++)
			if (r->assumptions & (1u << a)) {
				out(&f, "%s%s", any ? "," : "", assumption_names[a]);
				any = true;
			}
		out(&f, "%s", any ? ";" : "-;");
		for (int i = 0; i < r->st->nholes; i++) {
			const struct stencil_hole *h = &r->st->holes[i];
			bool seen = false;
			for (int j = 0; j < i; j++)
				seen |= r->st->holes[j].id == h->id;
			if (h->id != HOLE_KERNEL && h->id != HOLE_smap && !seen)
				out(&f, " %s=%#llx", h->name, (unsigned long long)r->values[h->id]);
		}
		out(&f, "\n  code:");
		const uint8_t *c = (const uint8_t *)r->code;
		for (uint32_t i = 0; i < r->size; i++)
			out(&f, " %02x", c[i]);
		out(&f, "\n");
	}
	for (unsigned i = 0; i < NCOST; i++) {
		const struct cost_stat *c = &cost_stats[i];
		if (!c->st)
			continue;
		out(&f, "cost %s %s made %llu min %llu mean %llu\n", c->st->name, c->variant,
		    (unsigned long long)c->made, (unsigned long long)c->min,
		    (unsigned long long)(c->total / c->made));
	}
	return f.len;
}

static struct region *region_by_id(int id)
{
	struct list_head *pos;
	list_for_each(pos, &regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (r->id == id)
			return r;
	}
	return NULL;
}

int synth_region_ids(int *ids, int max)
{
	int n = 0;
	struct list_head *pos;
	list_for_each(pos, &regions) {
		struct region *r = list_entry(pos, struct region, link);
		if (n < max)
			ids[n] = r->id;
		n++;
	}
	return n;
}

long synth_region_code(int id, void *buf, size_t size)
{
	struct region *r = region_by_id(id);
	if (!r)
		return -ENOENT;
	memcpy(buf, (const void *)r->code, MIN(size, (size_t)r->size));
	return r->size;
}

long synth_region_info(int id, char *buf, size_t size)
{
	struct region *r = region_by_id(id);
	if (!r)
		return -ENOENT;
	struct fmt f = { buf, size, 0 };
	out(&f, "id: %d\nthread: %d\nsyscall: %s\ntemplate: %s\nvariant: %s\n", r->id,
	    r->owner->tid, region_call(r), r->st->name, r->variant);
	out(&f, "code: %#llx\nsize: %u\ncalls: %llu\ncost: %llu\ninvalidations: %u\n",
	    (unsigned long long)r->code, r->size, (unsigned long long)*gauge_of(r->code),
	    (unsigned long long)r->cost_tsc, r->invalidations);
	out(&f, "fd: %d\nbody offset: %u\naborts: %u\nassumptions:", r->fd, r->body_off, r->aborts);
	for (unsigned a = 0; a < ARRAY_SIZE(assumption_names); a++)
		if (r->assumptions & (1u << a))
			out(&f, " %s", assumption_names[a]);
	out(&f, "\ntemplate assumes: %s\nholes:", r->st->assumes[0] ? r->st->assumes : "-");
	for (int i = 0; i < r->st->nholes; i++) {
		const struct stencil_hole *h = &r->st->holes[i];
		bool seen = false;
		for (int j = 0; j < i; j++)
			seen |= r->st->holes[j].id == h->id && h->id != HOLE_KERNEL;
		if (seen || h->id == HOLE_smap)
			continue;
		if (h->id == HOLE_KERNEL)
			out(&f, " &%s", h->name);
		else
			out(&f, " %s=%#llx", h->name, (unsigned long long)r->values[h->id]);
	}
	out(&f, "\n");
	return (long)f.len;
}

/* ---- self-tests ---- */
#include <synthos/ktest.h>

/* A framed region: fast_frame's call lands on the body copied after it. */
KTEST(synth_frame_calls_its_body)
{
	uint64_t values[HOLE_NR] = { 0 };
	values[HOLE_value] = 3;
	if (!region_cache)                    /* ktest boots skip synth_init */
		region_cache = kmem_cache_create("synth_region", sizeof(struct region), 8);
	struct region *r = region_make(current, 8, &stencil_fastc_ramfs_lseek, true, values, false);
	KT_CHECK(r != NULL);
	if (!r)
		return;
	const uint8_t *c = (const uint8_t *)r->code;
	/* find the call (e8 rel32) in the frame and check its target */
	bool found = false;
	for (uint32_t i = 0; i + 5 <= stencil_fast_frame.size; i++)
		if (c[i] == 0xe8) {
			int32_t rel;
			memcpy(&rel, c + i + 1, 4);
			KT_CHECK_EQ(r->code + i + 5 + (uint64_t)(int64_t)rel, r->code + r->body_off);
			found = true;
			break;
		}
	KT_CHECK(found);
	KT_CHECK_EQ(memcmp(c + r->body_off, stencil_fastc_ramfs_lseek.code, 2), 0);
	code_free(r->code, r->size);
	kmem_cache_free(region_cache, r);
}
