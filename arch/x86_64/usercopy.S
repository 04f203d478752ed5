/*
 * usercopy.S - the instructions that touch user memory, and their fixups.
 *
 * Each instruction that may fault on a user address is listed in
 * __ex_table with the address to resume at. The page-fault handler
 * (trap.c) first tries to bring the page in (demand paging, copy-on-write);
 * if the access is not allowed it resumes at the fixup, which returns
 * -EFAULT. With SMAP on, user pages are reachable only between stac and
 * clac, i.e. only here. The callers (uaccess.c) check ranges first.
 */
#define EFAULT 14

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
/* long raw_copy_user(void *dst, const void *src, size_t n): 0 or -EFAULT */
	.globl raw_copy_user
raw_copy_user:
	user_access_begin
	movq %rdx, %rcx
	shrq $3, %rcx
1:	rep movsq
	movq %rdx, %rcx
	andq $7, %rcx
2:	rep movsb
	user_access_end
	xorl %eax, %eax
	ret
3:	user_access_end
	movq $-EFAULT, %rax
	ret
	extable 1b, 3b
	extable 2b, 3b

/* long raw_clear_user(void *dst, size_t n): 0 or -EFAULT */
	.globl raw_clear_user
raw_clear_user:
	user_access_begin
	xorl %eax, %eax
	movq %rsi, %rcx
	shrq $3, %rcx
1:	rep stosq
	movq %rsi, %rcx
	andq $7, %rcx
2:	rep stosb
	user_access_end
	xorl %eax, %eax
	ret
3:	user_access_end
	movq $-EFAULT, %rax
	ret
	extable 1b, 3b
	extable 2b, 3b
	.section .note.GNU-stack, "", @progbits
