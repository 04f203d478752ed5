/*
 * fast_entry.S - a thread's own system-call entry: the code MSR_LSTAR
 * points at while the thread runs, once it has any synthesized region.
 *
 * Synthesis gave every thread its own vector table and switched the
 * 68030's vector base register with the thread; this is the x86-64 form.
 * The context switch (arch/x86_64/switch.c) loads LSTAR with the next
 * thread's entry, so the first instructions of every system call already
 * know the thread's table: HOLE_table, folded in as a 32-bit absolute the
 * CPU sign-extends (the tables live in synth.c's table area, in the top
 * 2 GiB). No swapgs, no per-CPU load, no register parked: the table entry
 * runs with exactly the state the syscall instruction left.
 *
 * Entry state for every table entry (syscall_slow, the leaves, fast_fd):
 * user GS, user RSP, RCX = user RIP, R11 = user RFLAGS, RAX = the call
 * number (below NR_SYSCALLS), interrupts off. Numbers beyond the table go
 * to the generic path, which answers ENOSYS. Three instructions.
 */
#define NR_SYSCALLS 512                 /* include/synthos/syscall.h */

	.text
	.globl fast_entry
	.type fast_entry, @function
fast_entry:
	cmpq $NR_SYSCALLS, %rax
	jae syscall_slow
	jmpq *HOLE_table(,%rax,8)
	.size fast_entry, . - fast_entry
	.section .note.GNU-stack, "", @progbits
