/*
 * fast_fd.S - the per-descriptor switch for one file system call (read,
 * write, pread64, pwrite64, lseek), linked into a thread's entry table.
 *
 * Synthesis dispatched file operations through the thread's own vector
 * table straight to the code synthesized for that open file; this is that
 * step. HOLE_fdvec is the thread's vector for this call: one entry per
 * descriptor below SYNTH_FD_MAX, each either the entry of the region
 * synthesized for that descriptor or syscall_slow (the generic path).
 * Descriptors at or above the limit (or with garbage in the high half,
 * which the generic path truncates to an int) take the generic path.
 *
 * Entry state as in fast_entry.S, passed on unchanged (no register is
 * touched): the vector, like the entry table, lives in synth.c's table
 * area in the top 2 GiB, so its address is a sign-extended 32-bit field
 * of the jump. Three instructions.
 */
#define SYNTH_FD_MAX 64                 /* synth/synth.c */

	.text
	.globl fast_fd
	.type fast_fd, @function
fast_fd:
	cmpq $SYNTH_FD_MAX, %rdi
	jae syscall_slow
	jmpq *HOLE_fdvec(,%rdi,8)
	.size fast_fd, . - fast_fd
	.section .note.GNU-stack, "", @progbits
