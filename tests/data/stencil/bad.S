/* Must be refused: a template with data (a string literal's section). */
	.text
	.globl uses_data
	.type uses_data, @function
uses_data:
	leaq msg(%rip), %rax
	ret
	.size uses_data, . - uses_data
	.section .rodata
msg:	.asciz "no data in templates"
	.section .note.GNU-stack, "", @progbits
