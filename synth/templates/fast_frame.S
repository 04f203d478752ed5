/*
 * fast_frame.S - the frame a synthesized C body runs in, copied in front
 * of the body (synth/synth.c lays region code out as frame + body).
 *
 * Reached from fast_fd.S with the entry state of fast_const.S. It moves to
 * the thread's kernel stack (a user access may fault, and the CPU pushes
 * the exception frame on the current stack), saves what the body may
 * clobber and the system call ABI preserves -- RDI, RSI, RDX; the bodies
 * may use no other register but RAX and RCX (the Makefile fixes the rest,
 * so a body abandoned at a fault holds nothing of the user's) --
 * and calls the body with the C ABI (the 4th argument moves from R10 to
 * RCX). The body returns the result, or SYNTH_FALLBACK (-4096): then the
 * registers are restored and the generic path runs the call from the
 * start, as if no synthesized code existed.
 *
 * Frame layout, from the kernel stack top down: the call number, RDI,
 * RSI, RDX. synth_fast_abort (entry_syscall.S) relies on it: the page
 * fault handler sends a body whose user access cannot be repaired there,
 * which restores the frame and takes the generic path too.
 *
 * Interrupts stay off throughout (SFMASK cleared IF at the syscall): a
 * body is short and never sleeps. 18 instructions around the body.
 */
#include <arch/percpu.h>

	.text
	.globl fast_frame
	.type fast_frame, @function
fast_frame:
	movq %rsp, %gs:PERCPU_USER_RSP
	movq %gs:PERCPU_KERNEL_RSP, %rsp
	pushq %rax                      /* the call number, for the fallback */
	pushq %rdi
	pushq %rsi
	pushq %rdx
	movq %r10, %rcx                 /* syscall's 4th argument -> C's */
	call HOLE_body
	popq %rdx
	popq %rsi
	popq %rdi
	cmpq $-4096, %rax               /* SYNTH_FALLBACK */
	je 1f
	movq %gs:PERCPU_USER_RSP, %rsp
	movq %gs:PERCPU_SCRATCH, %rcx
	swapgs
	sysretq
1:	popq %rax
	movq %gs:PERCPU_USER_RSP, %rsp
	jmp syscall_slow
	.size fast_frame, . - fast_frame
	.section .note.GNU-stack, "", @progbits
