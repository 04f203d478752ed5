/*
 * usercopy.S - the instructions that touch user memory, and their fixups.
 *
 * Each instruction that may fault on a user address is listed in
 * __ex_table with the address to resume at. The page-fault handler
 * (trap.c) first tries to bring the page in (demand paging, copy-on-write);
 * if the access is not allowed it resumes at the fixup. With SMAP on, user
 * pages are reachable only between stac and clac, i.e. only here. The
 * callers (uaccess.h) check ranges first.
 *
 * Both copies return the number of bytes left undone: 0, or, after a
 * fault, the count from the first byte that could not be reached -- byte
 * exact, as Linux's, because a read or write that faults part way returns
 * the bytes it moved (a file read into a buffer that runs into a hole).
 * A fault in the word loop may come from a word that straddles the bad
 * page, so the fixup goes on byte by byte from that word to the first
 * byte that faults.
 */

	.macro user_access_begin
	testb $1, smap_enabled(%rip)
	jz 98f
	stac
98:
	.endm

	.macro user_access_end
	testb $1, smap_enabled(%rip)
	jz 99f
	clac
99:
	.endm

	.macro extable insn, fixup
	.pushsection __ex_table, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
	.endm

	.text
/* size_t raw_copy_user(void *dst, const void *src, size_t n): bytes left */
	.globl raw_copy_user
raw_copy_user:
	user_access_begin
	movq %rdx, %rcx
	shrq $3, %rcx
1:	rep movsq
	movq %rdx, %rcx
	andq $7, %rcx
2:	rep movsb
3:	user_access_end
	movq %rcx, %rax                 /* 0, or what a fault in 2 or 4 left */
	ret
4:	shlq $3, %rcx                   /* a fault in the words: what is left, */
	andq $7, %rdx                   /* in bytes, from the faulting word on */
	addq %rdx, %rcx
5:	rep movsb
	jmp 3b
	extable 1b, 4b
	extable 2b, 3b
	extable 5b, 3b

/* size_t raw_clear_user(void *dst, size_t n): bytes left */
	.globl raw_clear_user
raw_clear_user:
	user_access_begin
	movq %rsi, %rdx
	xorl %eax, %eax
	movq %rsi, %rcx
	shrq $3, %rcx
1:	rep stosq
	movq %rdx, %rcx
	andq $7, %rcx
2:	rep stosb
3:	user_access_end
	movq %rcx, %rax
	ret
4:	shlq $3, %rcx
	andq $7, %rdx
	addq %rdx, %rcx
5:	rep stosb                       /* AL is still 0 */
	jmp 3b
	extable 1b, 4b
	extable 2b, 3b
	extable 5b, 3b
	.section .note.GNU-stack, "", @progbits
