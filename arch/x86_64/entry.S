/*
 * entry.S - interrupt and exception entry stubs.
 *
 * Every vector gets a stub that makes the stack look the same (an error
 * code, real or a pushed 0, then the vector number) and jumps to
 * trap_common, which saves the general registers into a struct trap_frame
 * (arch/interrupts.h) and calls trap_dispatch(frame). Entries from user mode
 * swap GS to the kernel's per-CPU base and leave through return_to_user
 * (entry_syscall.S), which swaps it back. The CPU aligned RSP to
 * 16 before pushing its 5 words; with 2 + 15 more words the frame is
 * 176 bytes, so RSP is 16-byte aligned at the call.
 */
#include <arch/entry_regs.h>

	.text
	.balign 16
trap_common:
	push_regs
	/* From user mode (CS RPL 3)? Then GS is still the user's. */
	testb $3, 144(%rsp)
	jz 1f
	swapgs
1:	cld
	movq %rsp, %rdi
	call trap_dispatch
	testb $3, 144(%rsp)
	jz 2f
	jmp return_to_user
2:	pop_regs
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
