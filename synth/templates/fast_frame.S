/*
 * fast_frame.S - the frame a synthesized C body runs in, copied in front
 * of the body (synth/synth.c lays region code out as frame + body).
 *
 * Reached from fast_fd.S with the entry state of fast_entry.S (user GS,
 * user RSP, RCX = user RIP, RAX = the call number). A region belongs to
 * one thread and serves one call, so both are folded in: HOLE_kstack is
 * the thread's kernel-stack top and HOLE_nr the call number. The frame
 * moves to the kernel stack (a user access may fault, and the CPU pushes
 * the exception frame on the current stack), saves what the body may
 * clobber and the system call ABI preserves -- the user RSP and RIP, RDI,
 * RSI, RDX; the bodies may use no other register but RAX and RCX (the
 * Makefile fixes the rest, so a body abandoned at a fault holds nothing of
 * the user's) -- and calls the body with the C ABI (the 4th argument moves
 * from R10 to RCX). The body returns the result, or SYNTH_FALLBACK
 * (-4096): then the registers are restored and the call runs from the
 * start on the generic path (HOLE_fallback: syscall_slow), or, for a read
 * or write whose region knows its file, on the generic work for that file
 * without the dispatch (HOLE_fallback: the region's fast_resume.S) -- as if
 * no synthesized code had run.
 *
 * GS stays the user's: bodies use no per-CPU data. An exception taken in
 * synthesized code (a page fault on a user buffer) is recognized by its
 * RIP in the code cache, and the trap entry swaps GS for it
 * (arch/x86_64/entry.S).
 *
 * Frame layout, from the kernel stack top down: user RSP, user RIP, RDI,
 * RSI, RDX. synth_fast_abort (entry_syscall.S) relies on it: the page
 * fault handler sends a body whose user access cannot be repaired there,
 * which restores the frame and takes the generic path too.
 *
 * Interrupts stay off throughout (SFMASK cleared IF at the syscall): a
 * body is short and never sleeps. 17 instructions around the body.
 */
	.text
	.globl fast_frame
	.type fast_frame, @function
fast_frame:
	movq %rsp, %rax                 /* the user RSP (the call number is HOLE_nr) */
	movabs $HOLE_kstack, %rsp       /* the thread's kernel stack */
	pushq %rax
	pushq %rcx                      /* the user RIP */
	pushq %rdi
	pushq %rsi
	pushq %rdx
	movq %r10, %rcx                 /* syscall's 4th argument -> C's */
	call HOLE_body
	popq %rdx
	popq %rsi
	popq %rdi
	popq %rcx
	cmpq $-4096, %rax               /* SYNTH_FALLBACK */
	je 1f
	popq %rsp
	sysretq
1:	popq %rsp
	movabs $HOLE_nr, %rax
	jmp HOLE_fallback               /* syscall_slow, or the region's fast_resume */
	.size fast_frame, . - fast_frame
	.section .note.GNU-stack, "", @progbits
