/*
 * fast_write_null.S - write(2) on a descriptor that is /dev/null or
 * /dev/zero (both null_write, kernel/dev/mem.c, as on Linux), reached
 * through the thread's per-descriptor switch (fast_fd.S) with the entry
 * state of fast_const.S (see there for the sysretq argument).
 *
 * Equivalent to the generic path (kernel/fs/read_write.c do_rw ->
 * kernel/dev/mem.c null_write) under the assumption, recorded on the
 * region, that this descriptor of this thread's table is /dev/null open
 * for writing: the buffer range is checked as access_ok does (EFAULT),
 * the count is clamped to MAX_RW_COUNT, nothing is read from the buffer,
 * and the count is returned. It never touches user memory, so it stays a
 * leaf with no frame, and like fast_const.S it runs on the user's GS and
 * RSP and clobbers RAX only (RDI, RSI, RDX are the user's and preserved).
 * Closing or re-pointing the descriptor (close, dup2/dup3, close_range,
 * exec) is the event that unlinks this region. Ten instructions.
 *
 * access_ok as one sum (leaf_access_ok, leaf.inc).
 */
#define MAX_RW_COUNT  0x7ffff000

#include "leaf.inc"

	.text
	.globl fast_write_null
	.type fast_write_null, @function
fast_write_null:
	incq HOLE_counter(%rip)         /* the region's gauge, beside the cache */
	leaf_access_ok 3f
	movl $MAX_RW_COUNT, %eax        /* min(count, MAX_RW_COUNT) */
	cmpq %rax, %rdx
	cmovb %rdx, %rax
	sysretq
3:	movq $-14, %rax                 /* -EFAULT */
	sysretq
	leaf_user_top
	.size fast_write_null, . - fast_write_null
	.section .note.GNU-stack, "", @progbits
