/*
 * arch/switch.h - switching threads and preparing new ones
 * (arch/x86_64/switch.c, entry_syscall.S).
 */
#ifndef ARCH_SWITCH_H
#define ARCH_SWITCH_H

#include <synthos/types.h>
#include <arch/interrupts.h>

struct task;

/* Save prev's CPU state, load next's (stack, CR3, FPU, FS/GS bases). */
void arch_switch_to(struct task *prev, struct task *next);
/* Lay out a new thread's kernel stack so its first switch returns to user
 * mode with the registers in *regs. Returns the frame on the new stack. */
struct trap_frame *arch_prepare_user_thread(struct task *t, const struct trap_frame *regs);
/* As above, but the thread first runs fn(frame) in the kernel (init's exec). */
struct trap_frame *arch_prepare_kernel_to_user(struct task *t, void (*fn)(struct trap_frame *));
/* The CPU's live FPU/SSE state into/out of t->fpu. */
void arch_fpu_save(struct task *t);
void arch_fpu_init(struct task *t);      /* the state a new program starts with */
/* Address-space switch for exit: run on the kernel's page tables. */
void arch_use_kernel_mm(void);

/* Allocate/free a task and its kernel stack (kernel/proc.c). */
struct task *task_alloc(void);
void task_free(struct task *t);

#endif
