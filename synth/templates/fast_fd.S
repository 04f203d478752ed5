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
 * Entry state as in fast_const.S: kernel GS, user RSP, RAX = the call
 * number, user RCX parked in the per-CPU scratch slot. Clobbers RCX only,
 * so the generic path sees RAX intact. Four instructions.
 */
#define SYNTH_FD_MAX 64                 /* synth/synth.c */

	.text
	.globl fast_fd
	.type fast_fd, @function
fast_fd:
	cmpq $SYNTH_FD_MAX, %rdi
	jae syscall_slow
	movabs $HOLE_fdvec, %rcx
	jmpq *(%rcx,%rdi,8)
	.size fast_fd, . - fast_fd
	.section .note.GNU-stack, "", @progbits
