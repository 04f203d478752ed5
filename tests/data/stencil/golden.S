/* A synthetic template for tools/stencil's golden test: assembled by gas,
 * so its bytes do not depend on the C compiler's version. */
	.text
	.globl two_holes
	.type two_holes, @function
two_holes:
	movabs $HOLE_counter, %rax
	incq (%rax)
	movabs $HOLE_value, %rax
	ret
	.size two_holes, . - two_holes

	.globl calls_kernel
	.type calls_kernel, @function
calls_kernel:
	movabs $HOLE_value, %rdi
	jmp some_kernel_function
	.size calls_kernel, . - calls_kernel

/* An indexed jump through a table in the top 2 GiB: an R_X86_64_32S hole. */
	.globl table_jump
	.type table_jump, @function
table_jump:
	jmpq *HOLE_table(,%rax,8)
	.size table_jump, . - table_jump

/* A fast body: a user-access site (USER_BEGIN's stac) and an assumption
 * record, as synth/templates/template.h emits them. */
	.text
	.globl fastc_site
	.type fastc_site, @function
fastc_site:
synth_site_stac_1:
	stac
	movb $0, (%rsi)
synth_site_clac_2:
	clac
	movabs $HOLE_value, %rax
	ret
	.size fastc_site, . - fastc_site
	.pushsection .synth_assumes, "", @progbits
	.asciz "fastc_site:fd-is-file:close,dup2"
	.asciz "fastc_site:one-writer:fork"
	.popsection
	.section .note.GNU-stack, "", @progbits
