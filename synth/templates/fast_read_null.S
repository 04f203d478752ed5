/*
 * fast_read_null.S - read(2) on a descriptor that is /dev/null, reached
 * through the thread's per-descriptor switch (fast_fd.S) with the entry
 * state of fast_entry.S. The read half of fast_write_null.S.
 *
 * Equivalent to the generic path (kernel/fs/read_write.c do_rw ->
 * kernel/dev/mem.c null_read) under the assumption, recorded on the
 * region, that this descriptor of this thread's table is /dev/null open
 * for reading: the buffer range is checked as access_ok does (EFAULT),
 * nothing is written to it, and the answer is 0, end of file. A leaf on the
 * user's GS and RSP that clobbers RAX only. Closing or re-pointing the
 * descriptor (close, dup2/dup3, close_range, exec) unlinks it.
 * Eight instructions.
 */
#include "leaf.inc"

	.text
	.globl fast_read_null
	.type fast_read_null, @function
fast_read_null:
	incq HOLE_counter(%rip)         /* the region's gauge, beside the cache */
	leaf_access_ok 3f
	xorl %eax, %eax                 /* end of file */
	sysretq
3:	movq $-14, %rax                 /* -EFAULT */
	sysretq
	leaf_user_top
	.size fast_read_null, . - fast_read_null
	.section .note.GNU-stack, "", @progbits
