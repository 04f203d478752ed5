/*
 * arch/percpu.h - per-CPU data, reached through GS in kernel mode.
 *
 * In kernel C code MSR_GS_BASE points at this CPU's struct percpu and
 * MSR_KERNEL_GS_BASE holds the user's GS base: every entry from user mode
 * into C (the generic syscall path, interrupts, exceptions) does swapgs
 * first and every return does it last. Synthesized code runs on the user's
 * GS and reads no per-CPU data (see arch/x86_64/entry_syscall.S). The
 * assembly reads fields by offset: keep PERCPU_* in step.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#define PERCPU_KERNEL_RSP 0
#define PERCPU_USER_RSP   8
#define PERCPU_CURRENT    16
#define PERCPU_SCRATCH    24
#define PERCPU_LSTAR      32
#define PERCPU_DIRECT     40

#ifndef __ASSEMBLY__
#include <synthos/types.h>

struct task;

struct percpu {
	uint64_t kernel_rsp;      /* top of the current task's kernel stack */
	uint64_t user_rsp;        /* scratch: user RSP during syscall entry */
	struct task *cur;          /* the running thread ("current") */
	uint64_t scratch;          /* the user RIP (RCX) in fast bodies and direct calls */
	uint64_t lstar;            /* what MSR_LSTAR holds: the running thread's entry */
	void *direct;              /* the object of a synthesized direct call (fast_direct.S) */
};

extern struct percpu percpu0;

static inline struct task *percpu_current(void)
{
	struct task *t;
	__asm__ __volatile__("movq %%gs:%c1, %0" : "=r"(t) : "i"(PERCPU_CURRENT));
	return t;
}

/* Top of the running thread's kernel stack (where syscalls build frames). */
static inline uint64_t this_cpu_kernel_rsp(void)
{
	uint64_t v;
	__asm__ __volatile__("movq %%gs:%c1, %0" : "=r"(v) : "i"(PERCPU_KERNEL_RSP));
	return v;
}

void percpu_init(void);
/* Point MSR_LSTAR at entry (a thread's own, or 0 for the generic
 * syscall_entry) unless it is there already (arch/x86_64/syscall.c). */
void arch_set_syscall_entry(uint64_t entry);
void syscall_init(void);
#endif

#endif
