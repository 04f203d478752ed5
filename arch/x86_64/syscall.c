/*
 * syscall.c - system-call dispatch and the work done on every way back to
 * user mode.
 *
 * The generic path (syscall_slow, entry_syscall.S) makes one indexed call
 * through the running thread's handler table (struct task.vtable,
 * syscall_table for every thread) and then calls exit_to_user_mode().
 * Synthesized code is reached before it, through the thread's own entry
 * and entry table (synth/synth.c).
 * Slots no kernel file implements hold sys_ni_syscall, which answers
 * -ENOSYS and logs the call's name once (at debug level: loglevel=7 shows
 * it on the console; the kernel log ring always has it).
 *
 * exit_to_user_mode() runs with interrupts on before every return to user
 * mode: reschedule if the tick asked for it, deliver pending signals. Its
 * fast check is a single branch; the work itself is out of line.
 */
#include <synthos/console.h>
#include <synthos/devices.h>
#include <synthos/log.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/synth.h>
#include <synthos/syscall.h>
#include <synthos/errno.h>
#include <arch/cpu.h>
#include <arch/entry_regs.h>
#include <arch/gdt.h>
#include <arch/interrupts.h>
#include <arch/percpu.h>
#include <arch/sigframe.h>

struct percpu percpu0;
syscall_fn syscall_table[NR_SYSCALLS];
extern const syscall_fn syscall_entries[NR_SYSCALLS];
extern char syscall_entry[];

/* The assembly reaches these fields by the PERCPU_* offsets. */
STATIC_ASSERT(__builtin_offsetof(struct percpu, kernel_rsp) == PERCPU_KERNEL_RSP, "percpu layout");
STATIC_ASSERT(__builtin_offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "percpu layout");
STATIC_ASSERT(__builtin_offsetof(struct percpu, cur) == PERCPU_CURRENT, "percpu layout");
STATIC_ASSERT(__builtin_offsetof(struct percpu, scratch) == PERCPU_SCRATCH, "percpu layout");
STATIC_ASSERT(__builtin_offsetof(struct percpu, lstar) == PERCPU_LSTAR, "percpu layout");
STATIC_ASSERT(__builtin_offsetof(struct percpu, direct) == PERCPU_DIRECT, "percpu layout");
STATIC_ASSERT(__builtin_offsetof(struct trap_frame, rax) == TF_RAX, "trap frame layout");
STATIC_ASSERT(__builtin_offsetof(struct trap_frame, rcx) == TF_RCX, "trap frame layout");
STATIC_ASSERT(__builtin_offsetof(struct trap_frame, rip) == TF_RIP, "trap frame layout");
STATIC_ASSERT(__builtin_offsetof(struct task, vtable) == TASK_VTABLE, "task layout");
STATIC_ASSERT(__builtin_offsetof(struct task, regs) == TASK_REGS, "task layout");
STATIC_ASSERT(NR_SYSCALLS == 512 && ENOSYS == 38, "entry_syscall.S constants");

void percpu_init(void)
{
	wrmsr(MSR_GS_BASE, (uint64_t)&percpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

static uint64_t ni_logged[NR_SYSCALLS / 64];

static long sys_ni_syscall(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			   uint64_t e, uint64_t f)
{
	uint64_t nr = current->regs->error_code;
	if (nr < NR_SYSCALLS && !(ni_logged[nr / 64] & (1UL << (nr % 64)))) {
		ni_logged[nr / 64] |= 1UL << (nr % 64);
		pr_debug("syscall %llu (%s) is not implemented: -ENOSYS (logged once)\n",
			(unsigned long long)nr,
			syscall_names[nr] ? syscall_names[nr] : "unknown");
	}
	return -ENOSYS;
}

void syscall_table_init(void)
{
	for (int i = 0; i < NR_SYSCALLS; i++)
		syscall_table[i] = syscall_entries[i] ? syscall_entries[i] : sys_ni_syscall;
}

void syscall_init(void)
{
	syscall_table_init();
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* STAR[47:32]: kernel CS (SS = +8); STAR[63:48]: base for user SS (+8) and CS (+16). */
	wrmsr(MSR_STAR, ((uint64_t)KERNEL_CS << 32) | ((uint64_t)(USER_DS - 8) << 48));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	percpu0.lstar = (uint64_t)syscall_entry;
	/* Masked on entry: IF, TF, DF, AC, NT. */
	wrmsr(MSR_SFMASK, (1 << 9) | (1 << 8) | (1 << 10) | (1 << 18) | (1 << 14));
}

/*
 * Each thread's own system-call entry (Synthesis switched the vector base
 * register with the thread; here the syscall target MSR). A thread with
 * synthesized code has an entry stub that jumps through its own table
 * (synth/templates/fast_entry.S); every other thread enters at
 * syscall_entry. The write is skipped when the MSR already holds it, so
 * switches between generic threads, and to the idle thread and back, cost
 * nothing. On hardware WRMSR to LSTAR costs on the order of a hundred
 * cycles; under -icount it is one instruction (docs/SYNTHESIS.md).
 */
void arch_set_syscall_entry(uint64_t entry)
{
	if (!entry)
		entry = (uint64_t)syscall_entry;
	if (entry != percpu0.lstar) {
		wrmsr(MSR_LSTAR, entry);
		percpu0.lstar = entry;
	}
}

union exit_work_global exit_work_global;

/*
 * Is there work before this return to user mode? The common answer is
 * no, and it is asked on the way out of every generic system call and
 * trap, so it is two loads, an OR and the restart test: the reasons are
 * bytes of the task's exit_work and of exit_work_global (<synthos/proc.h>),
 * the signals among them a hint kept by signal.c. The loop below asks
 * each question again. Wider than the loop's tests, never narrower: a
 * restart code in RAX even if this is not a system call's frame.
 */
static inline bool exit_work_pending(const struct task *t, const struct trap_frame *f)
{
	bool restart = f->rax - (uint64_t)-ERESTARTNOHAND <= (uint64_t)(ERESTARTNOHAND - ERESTARTSYS);
	return (READ_ONCE(t->exit_work) | READ_ONCE(exit_work_global.any)) | restart;
}

static __attribute__((noinline)) void exit_to_user_mode_work(struct task *t,
							     struct trap_frame *f)
{
	for (;;) {
		if (t->exit_now)
			do_exit_thread(0);
		/* Typed bytes reach the line discipline (and ^C its signals)
		 * in process context, even while nobody reads the terminal. */
		if (unlikely(READ_ONCE(exit_work_global.console_input))) {
			WRITE_ONCE(exit_work_global.console_input, false);
			/* The clear before the look (store then load: a full
			 * fence, for SMP; one CPU needs only the compiler's). */
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (console_input_pending())
				tty_console_rx();
		}
		if (unlikely(READ_ONCE(exit_work_global.synth_retired)))
			synth_quiescent();
		if (t->need_resched) {
			t->need_resched = false;
			schedule();
			continue;
		}
		/* The hint is cleared before the question it stands for is
		 * asked, so a signal sent after the clear sets it again. */
		WRITE_ONCE(t->sigpending, false);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (signal_work_pending(t, f)) {
			signal_deliver(f);      /* handles everything pending */
			if (task_signal_pending(t))
				t->sigpending = true;   /* left for the next exit */
			if (t->need_resched)
				continue;
		}
		break;
	}
}

void exit_to_user_mode(struct trap_frame *f)
{
	struct task *t = current;
	if (unlikely(exit_work_pending(t, f)))
		exit_to_user_mode_work(t, f);
}

/* First return to user mode of a new thread (fork/clone child, init). */
void new_thread_finish(struct trap_frame *f)
{
	sched_new_thread_started();
	current->regs = f;
	exit_to_user_mode(f);
}
