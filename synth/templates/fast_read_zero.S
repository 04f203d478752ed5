/*
 * fast_read_zero.S - read(2) on a descriptor that is /dev/zero, reached
 * through the thread's per-descriptor switch (fast_fd.S) with the entry
 * state of fast_entry.S (user GS and RSP, RCX = user RIP, R11 = RFLAGS).
 *
 * Equivalent to the generic path (kernel/fs/read_write.c do_rw ->
 * kernel/dev/mem.c zero_read) for counts of 1 to ZERO_FAST_MAX bytes,
 * under the assumption, recorded on the region, that this descriptor of
 * this thread's table is /dev/zero open for reading: the range is checked
 * as access_ok does (EFAULT), the buffer is zeroed and the count
 * returned. A count of 0 or more than ZERO_FAST_MAX takes the generic
 * path, which zeroes a word at a time and checks for signals between
 * pages (a byte loop is the cheapest for a few bytes; for a page the
 * generic rep stosq is, in instructions and on hardware). Closing or
 * re-pointing the descriptor (close, dup2/dup3, close_range, exec) unlinks
 * it.
 *
 * A stack leaf: it writes user memory, so a fault is possible, and the
 * CPU pushes a fault's frame on the current stack -- the user's, which
 * may point anywhere. So it moves to the thread's kernel stack first
 * (HOLE_kstack, folded in) and parks there the user RSP: the top slot of
 * fast_frame.S's layout, and the only register it changes besides RAX
 * (the loop indexes from RAX down, so RCX, RDI, RSI, RDX and R11 stay the
 * user's). 21 instructions for one byte, with no call (the size check
 * comes after the move, so the index it computes is the loop's). A fault the
 * page-fault handler cannot repair resumes at synth_leaf_abort
 * (entry_syscall.S), which pops that slot and runs the call on the
 * generic path, where the same access gives EFAULT the generic way
 * (region flag stack_leaf: synth.c, trap.c).
 *
 * The loop runs from the last byte down, but stores the first byte
 * before it: the generic path zeroes upwards and stops at the first byte
 * it cannot reach, so a buffer whose first page is bad must be left
 * untouched, and one whose second page is bad must have its first page
 * zeroed -- and the abort leaves exactly that: nothing, or (the top byte
 * faulting at once) only the first byte, which the generic path zeroes
 * too. user/fdfuzz.c found the leaf zeroing a buffer's second page while
 * it answered EFAULT for the first.
 *
 * Interrupts are off throughout.
 */
#include "leaf.inc"

#define ZERO_FAST_MAX 64
#define NR_read 0

	.text
	.globl fast_read_zero
	.type fast_read_zero, @function
fast_read_zero:
	incq HOLE_counter(%rip)         /* the region's gauge, beside the cache */
	leaf_access_ok 3f
	movq %rsp, %rax
	movabs $HOLE_kstack, %rsp       /* the thread's kernel stack */
	pushq %rax                      /* the user RSP: the one parked slot */
	leaq -1(%rdx), %rax             /* the last byte's index */
	cmpq $ZERO_FAST_MAX - 1, %rax
	ja 4f                           /* 0, or more than ZERO_FAST_MAX */
synth_site_stac_zero:
	stac
	movb $0, (%rsi)                 /* the first byte first (see above) */
1:	movb $0, (%rsi,%rax)            /* the user accesses */
	decq %rax
	jns 1b
synth_site_clac_zero:
	clac
	popq %rsp
	movq %rdx, %rax                 /* the count */
	sysretq
3:	movq $-14, %rax                 /* -EFAULT */
	sysretq
4:	popq %rsp                       /* the generic path */
	movl $NR_read, %eax
	jmp syscall_slow
	leaf_user_top
	.size fast_read_zero, . - fast_read_zero
	.section .note.GNU-stack, "", @progbits
