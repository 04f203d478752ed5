/*
 * arch/sigframe.h - the x86-64 signal frame (arch/x86_64/sigframe.c), and
 * the small interface between it, the portable signal code
 * (kernel/signal.c, kernel/signal_syscalls.c) and its self-tests.
 *
 * The frame is Linux's rt_sigframe, byte for byte, because musl and glibc
 * read it: their sigreturn trampolines (sa_restorer) unwind it, pthread
 * cancellation and sigsetjmp-style code read uc_mcontext, and debuggers and
 * unwinders recognise it. Below the interrupted stack pointer (less the
 * 128-byte red zone, or at the top of the alternate stack):
 *
 *     fpstate   512-byte FXSAVE image, 64-byte aligned; its sw_reserved
 *               words are zero (magic1 != FP_XSTATE_MAGIC1), which tells
 *               user space and our sigreturn "no XSAVE extension"
 *     ...       padding
 *     frame     struct rt_sigframe: pretcode (= sa_restorer), ucontext,
 *               siginfo; at handler entry RSP = frame, and RSP + 8 is
 *               16-byte aligned, as just after a call
 *
 * Handler entry: RIP = handler, RDI = signo, RSI = &frame->info,
 * RDX = &frame->uc, RAX = 0, DF/TF/RF cleared, FPU/SSE in the initial state
 * (FCW 0x37f, MXCSR 0x1f80), as Linux does.
 *
 * Contract with the return-to-user path (arch/x86_64/syscall.[cS], the
 * trap code):
 *  - exit_to_user_mode() calls signal_deliver(regs) with interrupts on
 *    whenever signal_work_pending() below says so. signal_deliver handles
 *    everything deliverable: it may stack several handler frames, stop the
 *    thread (sleeping in TASK_STOPPED until SIGCONT), or not return at all
 *    (do_exit_group for a fatal signal).
 *  - The return is by IRETQ with every register taken from the frame:
 *    handler entry and rt_sigreturn rewrite RCX and R11 like any other
 *    register. If SYSRET is ever used as a fast path, it is only safe when
 *    sysret_safe(regs) holds.
 *  - rt_sigreturn sets regs->error_code (orig_rax) to SIGFRAME_NO_SYSCALL,
 *    so that a restored RAX that happens to equal -ERESTART* is not taken
 *    for an interrupted system call; it returns the restored RAX, so the
 *    dispatcher's store of the return value changes nothing.
 */
#ifndef ARCH_SIGFRAME_H
#define ARCH_SIGFRAME_H

#include <synthos/errno.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/types.h>
#include <synthos/wait.h>
#include <arch/gdt.h>
#include <arch/interrupts.h>

#define SIGFRAME_NO_SYSCALL ((uint64_t)-1)

/* The frame came from a system call whose result may still be restarted. */
static inline bool sigframe_from_syscall(const struct trap_frame *regs)
{
	return regs->vector == VEC_SYSCALL && regs->error_code != SIGFRAME_NO_SYSCALL;
}

static inline bool sigframe_restart_code(const struct trap_frame *regs)
{
	int64_t r = (int64_t)regs->rax;
	return sigframe_from_syscall(regs) && r <= -ERESTARTSYS && r >= -ERESTARTNOHAND;
}

/* Should the return to user mode go through signal_deliver()? Besides
 * pending signals: an unconverted restart code, or a mask that
 * sigsuspend/ppoll asked to be restored. */
static inline bool signal_work_pending(struct task *t, const struct trap_frame *regs)
{
	return task_signal_pending(t) || sigframe_restart_code(regs) || t->restore_blocked;
}

/* SYSRET reloads RIP from RCX and RFLAGS from R11 and faults in ring 0 on a
 * non-canonical RIP (Intel), so only this frame shape may use it. */
static inline bool sysret_safe(const struct trap_frame *regs)
{
	return regs->rcx == regs->rip && regs->r11 == regs->rflags &&
	       regs->rip < 0x00007ffffffff000UL && regs->cs == USER_CS &&
	       regs->ss == USER_DS && !(regs->rflags & ((1UL << 16) | (1UL << 8)));
}

/* ---- arch/x86_64/sigframe.c ---- */

/* Build the frame for sig on the user stack and point regs at the handler.
 * saved_mask goes to uc_sigmask (the mask sigreturn reinstates). 0, or
 * -EFAULT if the stack is unusable (the caller then forces SIGSEGV). */
int sigframe_setup(struct trap_frame *regs, int sig, const struct ksiginfo *info,
		   const struct k_sigaction *ka, sigset_t saved_mask);
/* Whether fxrstor would accept this MXCSR (reserved bits clear). */
bool fpu_mxcsr_valid(uint32_t mxcsr);
/* Apply Linux's syscall-restart rules to a frame about to return to user
 * mode; ka is the handler about to run, or NULL when none runs. */
void signal_restart(struct trap_frame *regs, const struct k_sigaction *ka);

/* ---- kernel/signal.c and signal_syscalls.c, for each other, sigframe.c, the self-tests ---- */

#define SS_AUTODISARM   (1U << 31)
#define SS_FLAG_BITS    SS_AUTODISARM
#define SI_TIMER        (-2)
#define SA_EXPOSE_TAGBITS 0x00000800
#define SA_KNOWN_FLAGS  (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_RESTORER | \
			 SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND | \
			 SA_EXPOSE_TAGBITS)

#define SIG_KERNEL_ONLY_MASK (sigmask(SIGKILL) | sigmask(SIGSTOP))
#define SIG_STOP_MASK   (sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | \
			 sigmask(SIGTTOU))
#define SIG_SYNC_MASK   (sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | \
			 sigmask(SIGTRAP) | sigmask(SIGFPE) | sigmask(SIGSYS))

/* The default action of each signal (Linux's table). */
enum sig_default {
	SIGDFL_TERM,    /* terminate */
	SIGDFL_CORE,    /* terminate, 0x80 "core dumped" in the wait status */
	SIGDFL_IGNORE,
	SIGDFL_STOP,
	SIGDFL_CONT,    /* resume if stopped, else ignore */
};
enum sig_default sig_default_action(int sig);

/* Linux's 128-byte siginfo_t, laid out by si_code as Linux's siginfo_layout. */
struct user_siginfo {
	int32_t si_signo, si_errno, si_code, pad0;
	union {
		struct { int32_t pid; uint32_t uid; uint64_t value; } kill;  /* kill, rt, queue */
		struct { int32_t pid; uint32_t uid; int32_t status, pad;
			 int64_t utime, stime; } chld;
		struct { uint64_t addr; } fault;
		uint8_t raw[112];
	} u;
};
void siginfo_to_user(const struct ksiginfo *info, struct user_siginfo *out);
/* The reverse, for rt_sigqueueinfo. */
void siginfo_from_user(const struct user_siginfo *in, struct ksiginfo *info);

/* force_signal for any thread (the self-tests use it on fake threads). */
int signal_force_task(struct task *t, int sig, const struct ksiginfo *info);
/* Install t's blocked mask (SIGKILL/SIGSTOP stripped); shared signals it now
 * blocks are offered to another thread. */
void signal_set_blocked(struct task *t, sigset_t mask);
/* Take the best pending signal in `allowed` (own queue first, synchronous
 * faults first, then lowest number). 0 if none. */
int signal_dequeue(struct task *t, sigset_t allowed, struct ksiginfo *info);
/* Pending (own and shared) signals of t, whether blocked or not. */
sigset_t signal_pending_set(struct task *t);
/* rt_sigaction's core. */
int signal_do_sigaction(struct proc *p, int sig, const struct k_sigaction *act,
			struct k_sigaction *oact);

/* The alternate stack (sp is the user stack pointer it is judged against). */
bool signal_on_altstack(const struct task *t, uint64_t sp);
int signal_sas_flags(const struct task *t, uint64_t sp);
int signal_do_sigaltstack(struct task *t, const struct sigaltstack_k *ss,
			  struct sigaltstack_k *oss, uint64_t sp);

/* No member of the group has a parent in another group of the session
 * (init excepted): job-control stops are discarded (tty: EIO for reads). */
bool pgrp_orphaned(int pgid, int sid);
/* For task_free/proc_free: release real-time signals still queued. */
void signal_task_free(struct task *t);
void signal_proc_free(struct proc *p);

/* Where sigsuspend, pause and rt_sigtimedwait sleep: woken by every signal
 * that is queued, so a waiter for a blocked signal notices it too. */
extern struct waitq signal_wait_wq;

#endif
