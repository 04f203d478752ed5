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
	.section .note.GNU-stack, "", @progbits
