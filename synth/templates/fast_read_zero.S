/*
 * fast_read_zero.S - read(2) on a descriptor that is /dev/zero, reached
 * through the thread's per-descriptor switch (fast_fd.S) with the entry
 * state of fast_entry.S (user GS and RSP, RCX = user RIP, R11 = RFLAGS).
 *
 * Equivalent to the generic path (kernel/fs/read_write.c do_rw ->
 * kernel/dev/mem.c zero_read) for counts up to a page, under the
 * assumption, recorded on the region, that this descriptor of this
 * thread's table is /dev/zero open for reading: the range is checked as
 * access_ok does (EFAULT), the buffer is zeroed and the count returned.
 * A longer count takes the generic path, which also checks for signals
 * between pages. Closing or re-pointing the descriptor (close,
 * dup2/dup3, close_range, exec) unlinks it.
 *
 * A stack leaf: it writes user memory, so a fault is possible, and the
 * CPU pushes a fault's frame on the current stack -- the user's, which
 * may point anywhere. So it moves to the thread's kernel stack first
 * (HOLE_kstack, folded in) and parks there, top down, the user RSP, the
 * user RIP and RDI, which `rep stosb` needs with RCX. That is half of
 * fast_frame.S's layout and no call: 23 instructions for one byte,
 * against the 17 of the frame alone. A fault the page-fault handler
 * cannot repair resumes at synth_leaf_abort (entry_syscall.S), which pops
 * those three slots and runs the call on the generic path -- RSI, RDX and
 * R11 were never touched -- where the same access gives EFAULT the
 * generic way (region flag stack_leaf: synth.c, trap.c).
 *
 * The direction flag is clear (SFMASK cleared it at the syscall) and
 * interrupts are off throughout.
 */
#include "leaf.inc"

#define ZERO_FAST_MAX 4096
#define NR_read 0

	.text
	.globl fast_read_zero
	.type fast_read_zero, @function
fast_read_zero:
	incq HOLE_counter(%rip)         /* the region's gauge, beside the cache */
	leaf_access_ok 3f
	cmpq $ZERO_FAST_MAX, %rdx
	ja 4f
	movq %rsp, %rax
	movabs $HOLE_kstack, %rsp       /* the thread's kernel stack */
	pushq %rax                      /* the user RSP */
	pushq %rcx                      /* the user RIP */
	pushq %rdi
	movq %rsi, %rdi
	movq %rdx, %rcx
	xorl %eax, %eax
synth_site_stac_zero:
	stac
	rep stosb                       /* the only user access */
synth_site_clac_zero:
	clac
	popq %rdi
	popq %rcx
	popq %rsp
	movq %rdx, %rax                 /* the count */
	sysretq
3:	movq $-14, %rax                 /* -EFAULT */
	sysretq
4:	movl $NR_read, %eax             /* more than a page: the generic path */
	jmp syscall_slow
	leaf_user_top
	.size fast_read_zero, . - fast_read_zero
	.section .note.GNU-stack, "", @progbits
