/*
 * arch/entry_regs.h - the general registers of a struct trap_frame, saved
 * and restored in one order by every entry path (entry.S, entry_syscall.S).
 * The push order is the reverse of the struct's field order.
 */
#ifndef ARCH_ENTRY_REGS_H
#define ARCH_ENTRY_REGS_H

/* Offsets the generic system-call entry uses (checked in syscall.c). */
#define TF_RCX       96                 /* struct trap_frame: rcx */
#define TF_RAX       112                /* struct trap_frame: rax */
#define TF_RIP       136                /* struct trap_frame: rip */
#define TASK_VTABLE  16                 /* struct task: vtable */
#define TASK_REGS    24                 /* struct task: regs */

#ifdef __ASSEMBLY__
	.macro push_regs
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.endm

	.macro pop_regs
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	.endm
#endif

#endif
