/* Must be refused: a fast body (fastc_*) that calls into the kernel; it
 * runs with user registers in R8-R11 that a C callee may clobber. */
	.text
	.globl fastc_calls_out
	.type fastc_calls_out, @function
fastc_calls_out:
	call some_kernel_function
	ret
	.size fastc_calls_out, . - fastc_calls_out
	.section .note.GNU-stack, "", @progbits
