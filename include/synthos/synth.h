/*
 * synth.h - the synthesizer's kernel interface (synth/synth.c).
 *
 * synthos writes specialized machine code at run time by copying stencils
 * (machine code compiled from C templates at build time, see
 * tools/stencil) and patching run-time constants into their holes. Each
 * instance is a region: who owns it, which template, the values patched in,
 * where the code is, what it cost, how often it ran, and which assumptions
 * (quasi-invariants) it relies on. An event that breaks an assumption
 * re-synthesizes the regions that depend on it before the system call that
 * raised it returns.
 *
 * `synth=off` on the kernel command line: nothing is synthesized and every
 * thread dispatches through the generic table.
 */
#ifndef SYNTHOS_SYNTH_H
#define SYNTHOS_SYNTH_H

#include <synthos/types.h>
#include <synthos/vfs.h>

struct task;
struct proc;

extern bool synth_enabled;

void synth_init(bool enabled);
/* The generic handler of process-constant call nr answered value: make
 * the thread's region for it (lazy synthesis). */
void synth_note_const(int nr, uint64_t value);
/* A thread goes away: retire its regions, free its table. */
void synth_thread_exit(struct task *t);
/* Events that break assumptions. */
void synth_event_reparent(struct proc *p);
struct fdtable;
struct file;
struct pipe;
void synth_event_fd(struct fdtable *ft, int fd);   /* fd closed or re-pointed */
/* A fork or clone: ft's files are about to be used by another thread too. */
void synth_event_share(struct fdtable *ft);
/* Another file was opened on pipe p (FIFO open, /proc/PID/fd reopen). */
void synth_event_pipe_open(struct pipe *p);
/* A generic read/write/pread64/pwrite64 (nr) on descriptor fd, file f,
 * succeeded: synthesize that call for that descriptor if a template
 * serves it (lazy synthesis; see synth/synth.c). */
void synth_note_rw(int fd, struct file *f, int nr);

/* Descriptors below this have per-descriptor vectors (fast_fd.S). */
#define SYNTH_FD_MAX 64
/* Does a thread's per-descriptor vector fdvec have a region for fd and
 * call (read 0, write 1, pread64 2, pwrite64 3, lseek 4)? Then a generic
 * call on it is that region's fallback, and there is nothing to make: the
 * generic path asks this inline, before paying for synth_note_rw. */
static inline bool synth_fd_linked(const uint64_t *fdvec, int fd, unsigned call)
{
	extern char syscall_slow[];
	return fdvec && (unsigned)fd < SYNTH_FD_MAX &&
	       fdvec[call * SYNTH_FD_MAX + (unsigned)fd] != (uint64_t)syscall_slow;
}
/*
 * The file's gauge for call k (the numbering above): regions are made
 * lazily, and only after the file has served SYNTH_FD_WAIT generic calls
 * of that kind (synth.c, the comment before SYNTH_FD_CALLS; docs/SYNTHESIS.md,
 * "The wait"). Counts this call and
 * says whether the wait is over. Inline, before synth_note_rw: a
 * descriptor used once or twice costs two instructions more a call.
 */
#define SYNTH_FD_WAIT 2                 /* < 4: two bits a call in synth_gauge */
static inline bool synth_gauge_tick(struct file *f, unsigned k)
{
	unsigned seen = (f->synth_gauge >> (2 * k)) & 3;
	if (seen >= SYNTH_FD_WAIT)
		return true;
	f->synth_gauge = (uint16_t)(f->synth_gauge + (1u << (2 * k)));
	return false;
}

/* A kernel-mode fault at rip: is rip inside a synthesized C body or a
 * stack leaf? If the fault cannot be repaired, synth_abandon_body drops
 * what the body holds, says how many slots it parked at the kernel stack
 * top (5: fast_frame; 1: a stack leaf), and the handler resumes at
 * synth_fast_abort or synth_leaf_abort (arch/x86_64/trap.c). */
bool synth_body_at(uint64_t rip);
int synth_abandon_body(uint64_t rip, int *slots);  /* the call number, for the generic path */
/* Free retired code: call only where no thread can be inside a region.
 * Retiring sets exit_work_global.synth_retired (<synthos/proc.h>), and the
 * next return to user mode calls this. */
void synth_quiescent(void);
/* The /proc/synth listing; returns bytes written (like snprintf). */
size_t synth_format(char *buf, size_t size);
/* Per-region inspection (/proc/synth/<id>/...). synth_region_ids fills
 * ids[] with up to max live region ids in ascending order and returns how
 * many there are in all; synth_region_code copies region id's machine code
 * (returns its size, or -ENOENT); synth_region_info formats its record as
 * "key: value" lines (returns bytes written like snprintf, or -ENOENT). */
int synth_region_ids(int *ids, int max);
long synth_region_code(int id, void *buf, size_t size);
long synth_region_info(int id, char *buf, size_t size);

#endif
