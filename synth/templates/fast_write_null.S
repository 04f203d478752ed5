/*
 * fast_write_null.S - write(2) on a descriptor that is /dev/null, reached
 * through the thread's per-descriptor switch (fast_fd.S) with the entry
 * state of fast_const.S (see there for the sysretq argument).
 *
 * Equivalent to the generic path (kernel/fs/read_write.c do_rw ->
 * kernel/dev/mem.c null_write) under the assumption, recorded on the
 * region, that this descriptor of this thread's table is /dev/null open
 * for writing: the buffer range is checked as access_ok does (EFAULT),
 * the count is clamped to MAX_RW_COUNT, nothing is read from the buffer,
 * and the count is returned. It never touches user memory, so it stays a
 * leaf with no frame. Closing or re-pointing the descriptor (close,
 * dup2/dup3, close_range, exec) is the event that unlinks this region.
 */
#include <arch/percpu.h>

#define USER_TOP      0x00007ffffffff000
#define MAX_RW_COUNT  0x7ffff000

	.text
	.globl fast_write_null
	.type fast_write_null, @function
fast_write_null:
	incq HOLE_counter(%rip)         /* the region's gauge, beside the cache */
	movabs $USER_TOP, %rax          /* access_ok(buf, count) */
	cmpq %rax, %rsi
	ja 3f
	subq %rsi, %rax
	cmpq %rax, %rdx
	ja 3f
	movq %rdx, %rax
	movl $MAX_RW_COUNT, %ecx
	cmpq %rcx, %rax
	cmova %rcx, %rax
	jmp 4f
3:	movq $-14, %rax                 /* -EFAULT */
4:	movq %gs:PERCPU_SCRATCH, %rcx
	swapgs
	sysretq
	.size fast_write_null, . - fast_write_null
	.section .note.GNU-stack, "", @progbits
