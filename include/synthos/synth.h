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

struct task;
struct proc;

extern bool synth_enabled;

void synth_init(bool enabled);
/* A thread starts running a program (init, fork/clone child, exec): give
 * it its vector table and synthesize its process constants. */
void synth_thread_start(struct task *t);
/* A thread goes away: retire its regions, free its table. */
void synth_thread_exit(struct task *t);
/* Events that break assumptions. */
void synth_event_reparent(struct proc *p);
struct fdtable;
void synth_event_fd(struct fdtable *ft, int fd);   /* fd closed or re-pointed */
/* The generic write succeeded on a /dev/null descriptor (lazy synthesis). */
void synth_note_write_null(int fd);
/* Free retired code: call only where no thread can be inside a region. */
void synth_quiescent(void);
extern bool synth_retired_pending;
/* The /proc/synth listing; returns bytes written (like snprintf). */
size_t synth_format(char *buf, size_t size);

#endif
