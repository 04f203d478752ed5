/*
 * entry.S - interrupt and exception entry stubs.
 *
 * Every vector gets a stub that makes the stack look the same (an error
 * code, real or a pushed 0, then the vector number) and jumps to
 * trap_common, which saves the general registers into a struct trap_frame
 * (arch/interrupts.h) and calls trap_dispatch(frame). Entries from user mode
 * swap GS to the kernel's per-CPU base and leave through return_to_user
 * (entry_syscall.S), which swaps it back. So do exceptions taken in
 * synthesized code (RIP in the code cache, synth/synth.c): it runs in
 * kernel mode on the user's GS (synth/templates/fast_frame.S), and leaves
 * the same way unless the handler sent it elsewhere (synth_fast_abort,
 * which expects the kernel's GS). The CPU aligned RSP to
 * 16 before pushing its 5 words; with 2 + 15 more words the frame is
 * 176 bytes, so RSP is 16-byte aligned at the call.
 */
#include <arch/entry_regs.h>

/* The code cache (synth/synth.c: 16 MiB at 0xffffffffc0000000) is the RIP
 * range whose arithmetic shift right by 24 is this (synth.c asserts it). */
#define SYNTH_CACHE_TAG (-64)

	.text
	.balign 16
trap_common:
	push_regs
	/* From user mode (CS RPL 3), or from the code cache? Then GS is
	 * still the user's. */
	testb $3, 144(%rsp)
	jnz 1f
	movq 136(%rsp), %rax            /* RIP >> 24 == SYNTH_CACHE_BASE >> 24 */
	sarq $24, %rax
	cmpq $SYNTH_CACHE_TAG, %rax
	jne 2f
1:	swapgs
2:	cld
	movq %rsp, %rdi
	call trap_dispatch
	testb $3, 144(%rsp)
	jz 3f
	jmp return_to_user
3:	movq 136(%rsp), %rax
	sarq $24, %rax
	cmpq $SYNTH_CACHE_TAG, %rax
	jne 4f
	swapgs                          /* back into the code cache: the user's GS */
4:	pop_regs
	addq $16, %rsp
	iretq

	.macro trap_stub v
	.balign 16
trap_stub_\v:
	.if (\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
	.else
	pushq $0
	.endif
	pushq $\v
	jmp trap_common
	.endm

	.altmacro
	.set v, 0
	.rept 256
	trap_stub %v
	.set v, v + 1
	.endr

	.macro stub_addr v
	.quad trap_stub_\v
	.endm

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.set v, 0
	.rept 256
	stub_addr %v
	.set v, v + 1
	.endr
