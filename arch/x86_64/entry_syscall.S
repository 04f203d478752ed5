/*
 * entry_syscall.S - the system-call entry and the common return to user mode.
 *
 * `syscall` arrives at MSR_LSTAR with the user RIP in RCX, RFLAGS in R11,
 * interrupts masked (SFMASK clears IF, DF, TF, AC), still on the user
 * stack and user GS. LSTAR is per thread (arch/x86_64/switch.c loads it at
 * every switch): syscall_entry below for a thread with no synthesized code,
 * or the thread's own entry (synth/templates/fast_entry.S), which jumps
 * through the thread's entry table to syscall_slow or to synthesized code
 * with the state unchanged. The generic path switches to the thread's
 * kernel stack and builds the same struct trap_frame an interrupt builds
 * (vector = VEC_SYSCALL, error_code = the call number, Linux's orig_rax),
 * so that signal delivery, execve and sigreturn see one frame layout.
 * The entry then makes the one indexed call through the thread's
 * handler table (struct task.vtable), and exit_to_user_mode() does the
 * exit work.
 *
 * GS: synthesized code runs on the user's GS and uses no per-CPU data,
 * except direct calls, which swapgs to build the generic frame. An
 * exception taken in the code cache (a fast body's user access) sees a
 * kernel CS with the user's GS: the trap entry knows it by the RIP and
 * swaps GS for it (entry.S).
 *
 * Returns to user mode: the generic path, direct calls and every other
 * trap go through return_to_user (restore every register from the frame,
 * swapgs, iretq; iretq restores RCX and R11 too, which sigreturn needs).
 * Synthesized leaves and framed bodies (synth/templates/) return with
 * sysretq themselves, without a frame and without the exit work.
 */
#include <arch/entry_regs.h>
#include <arch/percpu.h>

#define USER_CS 0x33        /* arch/gdt.h */
#define USER_DS 0x2b
#define VEC_SYSCALL 0x100
#define NR_SYSCALLS 512     /* synthos/syscall.h */
#define ENOSYS 38

/*
 * A system call's struct trap_frame on the thread's kernel stack: the
 * user SS/RSP/RFLAGS/CS/RIP an interrupt would push (RIP from `rip`), the
 * call number as orig_rax, the vector, then every register. Leaves RSP at
 * the frame and RBP 0 (backtraces stop here); interrupts still off.
 */
	.macro syscall_frame rip
	movq %rsp, %gs:PERCPU_USER_RSP
	movq %gs:PERCPU_KERNEL_RSP, %rsp
	pushq $USER_DS                  /* ss */
	pushq %gs:PERCPU_USER_RSP       /* rsp */
	pushq %r11                      /* rflags */
	pushq $USER_CS                  /* cs */
	pushq \rip                      /* rip */
	pushq %rax                      /* error_code: orig_rax */
	pushq $VEC_SYSCALL              /* vector */
	push_regs
	xorl %ebp, %ebp
	.endm

	.text
/*
 * The generic path: LSTAR itself for a thread with no synthesized code,
 * and the generic slot of every thread's entry table (fast_entry.S, whose
 * entries all start with the state syscall left). Full frame, C dispatch,
 * exit work.
 */
	.globl syscall_entry, syscall_slow
	.balign 16
syscall_entry:
syscall_slow:
	swapgs
	syscall_frame %rcx
	sti
	/*
	 * The dispatch: current->regs = the frame, then one indexed call
	 * through the thread's handler table. The arguments are still in
	 * the registers the user put them in (the frame only pushed them),
	 * but for the 4th, which the C ABI wants in RCX. RBX was saved in
	 * the frame, and C calls keep it.
	 */
	movq %gs:PERCPU_CURRENT, %rbx
	movq %rsp, TASK_REGS(%rbx)
	cmpq $NR_SYSCALLS, %rax
	jae 2f
	movq %r10, %rcx
	movq TASK_VTABLE(%rbx), %r11
	call *(%r11,%rax,8)
1:	movq %rax, TF_RAX(%rsp)
	movq %rsp, %rdi
	call exit_to_user_mode
	/* fall through */

	.globl return_to_user
return_to_user:
	cli
	pop_regs
	addq $16, %rsp
	swapgs
	iretq

2:	movq $-ENOSYS, %rax             /* no such call */
	jmp 1b

/*
 * A synthesized direct call (synth/templates/fast_direct.S, and the
 * fallback of a framed read or write, fast_resume.S): the full frame and
 * exit work of the generic path, but the handler and its object were
 * folded in for one descriptor, so no table lookup and no descriptor
 * lookup. The handler arrives in RCX (kept in the frame's RCX slot until
 * the user RIP goes back there, as the generic entry saves it), its
 * object in the per-CPU direct slot.
 */
	.globl syscall_direct
syscall_direct:
	syscall_frame %gs:PERCPU_SCRATCH
	sti
	movq %gs:PERCPU_CURRENT, %rbx
	movq %rsp, TASK_REGS(%rbx)
	movq TF_RCX(%rsp), %r11         /* the handler */
	movq TF_RIP(%rsp), %rax         /* the user RIP back in RCX's slot, */
	movq %rax, TF_RCX(%rsp)         /* where the generic entry keeps it */
	movq %rdx, %rcx                 /* handler(object, rdi, rsi, rdx) */
	movq %rsi, %rdx
	movq %rdi, %rsi
	movq %gs:PERCPU_DIRECT, %rdi
	call *%r11
	movq %rax, TF_RAX(%rsp)
	movq %rsp, %rdi
	call exit_to_user_mode
	jmp return_to_user

/*
 * A synthesized fast body's user access faulted beyond repair (see
 * kernel_fault_fixup in trap.c, which sets RSP to fast_frame.S's five
 * slots at the kernel stack top -- a stack leaf's one, entering at
 * synth_leaf_abort -- RAX to the call number, and clears AC).
 * The trap left GS the kernel's (this RIP is not in the code cache) and
 * interrupts off. Restore the user registers the frame saved, give GS
 * back, and run the call on the generic path.
 */
	.globl synth_fast_abort, synth_leaf_abort
synth_fast_abort:
	popq %rdx
	popq %rsi
	popq %rdi
	popq %rcx
	/* A stack leaf (synth/templates/fast_read_zero.S) parked the top
	 * slot only, the user RSP, and left the other registers the user's. */
synth_leaf_abort:
	popq %rsp
	swapgs
	jmp syscall_slow

/*
 * A new thread's first switch lands here (see task_prepare_user): the
 * user frame sits at the top of its kernel stack.
 */
	.globl new_thread_to_user
new_thread_to_user:
	movq %rsp, %rdi
	call new_thread_finish
	jmp return_to_user

/*
 * A new thread that first runs kernel code (the init thread's execve)
 * lands here with the function in RBX and its user frame at RSP.
 */
	.globl kthread_to_user
kthread_to_user:
	call sched_new_thread_started
	movq %rsp, %rdi
	call *%rbx
	movq %rsp, %rdi
	call exit_to_user_mode
	jmp return_to_user

/*
 * switch_context(&prev->ksp, next->ksp): save the callee-saved registers on
 * this stack, park RSP in prev, load next's RSP, pop its registers, return
 * into wherever next left off (or new_thread_to_user / a kernel thread's
 * start for a thread that never ran).
 */
	.globl switch_context
switch_context:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
