/*
 * fast_const.S - a leaf system call that returns a constant, entered
 * straight from the entry table (entry_syscall.S) with no frame.
 *
 * Equivalent to tpl_const (const.c) reached through the generic path --
 * and so to sys_getpid, sys_getppid, ... -- under the same assumptions,
 * with one difference the synthesizer accounts for: it returns with
 * sysretq directly, skipping the exit work (signal delivery, rescheduling).
 * That work is picked up by the next return through the generic path; the
 * timer tick is one, so a pending signal or reschedule waits at most one
 * tick (10 ms), as an asynchronous signal may on Linux.
 *
 * It is assembly, not C, because it ends the system call itself. State on
 * entry (fast_entry.S): user GS, user RSP, RCX = user RIP, R11 = user
 * RFLAGS, interrupts off. It may clobber RAX only (the result), and it
 * never touches GS: no kernel data but its own gauge, which is always
 * mapped, so nothing here can fault. sysretq is safe: RCX came from a
 * syscall instruction in user space, and no user mapping reaches the last
 * canonical page (USER_TOP), so RCX is canonical. Three instructions.
 */

	.text
	.globl fast_const
	.type fast_const, @function
fast_const:
	incq HOLE_counter(%rip)         /* the region's gauge, beside the cache */
	movabs $HOLE_value, %rax        /* the folded answer */
	sysretq
	.size fast_const, . - fast_const
	.section .note.GNU-stack, "", @progbits
