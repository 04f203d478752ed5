/*
 * signal_syscalls.c - the signal system calls: actions, masks, waiting for
 * signals, the alternate stack, and sending (kill, tkill, tgkill,
 * rt_sigqueueinfo). rt_sigreturn is arch code (arch/x86_64/sigframe.c);
 * the rules themselves live in kernel/signal.c. Also here, as pure
 * functions: the default-action table and siginfo_t's user layout.
 *
 * Every call validates and copies user memory first, then calls into
 * signal.c, which does the locking; nothing here holds a lock across a user
 * copy. Errors follow Linux: EINVAL for a sigsetsize other than 8 (or above
 * 8 for rt_sigpending), a bad signal number, a bad `how`; EFAULT for an
 * unreadable argument; ESRCH when no target exists. synthos has no users
 * yet, so there is no EPERM for sending.
 *
 * The alternate stack's rules (Linux's do_sigaltstack) are here too;
 * signal delivery (arch/x86_64/sigframe.c) and rt_sigreturn use them. The
 * stack is per thread and touched only by its thread: no lock. A disabled
 * stack has size 0.
 *
 * Sleeping calls (rt_sigsuspend, pause, rt_sigtimedwait) wait on
 * signal_wait_wq, which every queued signal wakes: sigsuspend and pause are
 * woken anyway (the signal is unblocked for them), and a sigtimedwait waits
 * for signals it keeps blocked.
 */
#include <synthos/errno.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/string.h>
#include <synthos/syscall.h>
#include <synthos/time.h>
#include <synthos/uaccess.h>
#include <synthos/wait.h>
#include <arch/sigframe.h>

/* The default action of each signal: Linux's table. */
enum sig_default sig_default_action(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return SIGDFL_CORE;
	case SIGCHLD: case SIGURG: case SIGWINCH:
		return SIGDFL_IGNORE;
	case SIGCONT:
		return SIGDFL_CONT;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return SIGDFL_STOP;
	default:
		return SIGDFL_TERM;     /* HUP INT KILL USR1/2 PIPE ALRM TERM ... and RT */
	}
}

/* ---- siginfo ---- */

void siginfo_to_user(const struct ksiginfo *info, struct user_siginfo *out)
{
	int sig = info->signo, code = info->code;

	memset(out, 0, sizeof(*out));
	out->si_signo = sig;
	out->si_errno = info->errno_;
	out->si_code = code;
	/* Kernel-generated codes (1..0x7f) choose a layout by signal. */
	if (code > SI_USER && code < SI_KERNEL && sig >= 1 && sig < NSIG) {
		if (sig == SIGCHLD) {
			out->u.chld.pid = info->pid;
			out->u.chld.uid = (uint32_t)info->uid;
			out->u.chld.status = info->status;
			return;
		}
		if (sigmask(sig) & (sigmask(SIGILL) | sigmask(SIGFPE) | sigmask(SIGSEGV) |
				    sigmask(SIGBUS) | sigmask(SIGTRAP))) {
			out->u.fault.addr = info->addr;
			return;
		}
	}
	out->u.kill.pid = info->pid;
	out->u.kill.uid = (uint32_t)info->uid;
	if (code < 0)                   /* sigqueue, timers, tkill: sigval follows */
		out->u.kill.value = info->value;
}

void siginfo_from_user(const struct user_siginfo *in, struct ksiginfo *info)
{
	memset(info, 0, sizeof(*info));
	info->signo = in->si_signo;
	info->errno_ = in->si_errno;
	info->code = in->si_code;
	info->pid = in->u.kill.pid;
	info->uid = (int)in->u.kill.uid;
	info->value = in->u.kill.value;
	info->addr = in->u.fault.addr;
}

SYSCALL_DEFINE4(rt_sigaction, int, sig, const struct k_sigaction *, uact,
		struct k_sigaction *, uoact, size_t, sigsetsize)
{
	struct k_sigaction act, oact;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	int r = signal_do_sigaction(current->proc, sig, uact ? &act : NULL, &oact);
	if (r)
		return r;
	if (uoact && copy_to_user(uoact, &oact, sizeof(oact)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, const sigset_t *, uset, sigset_t *, uoset,
		size_t, sigsetsize)
{
	struct task *t = current;
	sigset_t old = t->blocked, set, mask;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (uset) {
		if (copy_from_user(&set, uset, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK:   mask = old | set; break;
		case SIG_UNBLOCK: mask = old & ~set; break;
		case SIG_SETMASK: mask = set; break;
		default:          return -EINVAL;
		}
		signal_set_blocked(t, mask);
	}
	if (uoset && copy_to_user(uoset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* Blocked signals that are pending (for this thread or its process). */
SYSCALL_DEFINE2(rt_sigpending, sigset_t *, uset, size_t, sigsetsize)
{
	if (sigsetsize > sizeof(sigset_t))
		return -EINVAL;
	struct task *t = current;
	sigset_t s = signal_pending_set(t) & t->blocked;
	if (copy_to_user(uset, &s, sigsetsize))
		return -EFAULT;
	return 0;
}

/*
 * Sleep with a temporary mask until a signal is delivered. The old mask
 * stays in saved_blocked: signal_deliver puts it into the handler's frame
 * (so sigreturn restores it) or, if no handler runs, back into blocked and
 * restarts the call. Either way -ERESTARTNOHAND becomes EINTR to the user.
 */
SYSCALL_DEFINE2(rt_sigsuspend, const sigset_t *, umask, size_t, sigsetsize)
{
	sigset_t mask;
	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	struct task *t = current;
	t->saved_blocked = t->blocked;
	t->restore_blocked = true;
	signal_set_blocked(t, mask);
	(void)wait_event_interruptible(signal_wait_wq, false);
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE0(pause)
{
	(void)wait_event_interruptible(signal_wait_wq, false);
	return -ERESTARTNOHAND;
}

struct timespec_k {
	int64_t tv_sec, tv_nsec;
};

/*
 * Take one of `these` (normally blocked) signals, waiting up to *uts.
 * EAGAIN on timeout, EINTR when another, unblocked signal arrives first
 * (never restarted, as on Linux).
 */
SYSCALL_DEFINE4(rt_sigtimedwait, const sigset_t *, uthese, struct user_siginfo *, uinfo,
		const struct timespec_k *, uts, size_t, sigsetsize)
{
	sigset_t these;
	uint64_t deadline = 0;
	bool poll = false;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&these, uthese, sizeof(these)))
		return -EFAULT;
	these &= ~SIG_KERNEL_ONLY_MASK;
	if (uts) {
		struct timespec_k ts;
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
			return -EINVAL;
		uint64_t now = time_ns();
		if (ts.tv_sec == 0 && ts.tv_nsec == 0)
			poll = true;
		else if ((uint64_t)ts.tv_sec < (UINT64_MAX - now) / NSEC_PER_SEC - 1)
			deadline = now + (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
		/* else: further away than the clock can count; no deadline */
	}

	struct task *t = current;
	struct ksiginfo info;
	int sig = signal_dequeue(t, these, &info);
	if (!sig) {
		if (poll)
			return -EAGAIN;
		int r = wait_event_interruptible_until(signal_wait_wq,
						       (signal_pending_set(t) & these) != 0,
						       deadline);
		sig = signal_dequeue(t, these, &info);
		if (!sig)
			return r == -ETIMEDOUT ? -EAGAIN : -EINTR;
	}
	if (uinfo) {
		struct user_siginfo u;
		siginfo_to_user(&info, &u);
		if (copy_to_user(uinfo, &u, sizeof(u)))
			return -EFAULT;
	}
	return sig;
}

/* ---- the alternate signal stack ---- */

/* Linux's on_sig_stack: an auto-disarmed stack never counts as in use. */
bool signal_on_altstack(const struct task *t, uint64_t sp)
{
	const struct sigaltstack_k *ss = &t->altstack;
	if (ss->flags & SS_AUTODISARM)
		return false;
	return ss->size && sp > ss->sp && sp - ss->sp <= ss->size;
}

int signal_sas_flags(const struct task *t, uint64_t sp)
{
	if (!t->altstack.size)
		return SS_DISABLE;
	return signal_on_altstack(t, sp) ? SS_ONSTACK : 0;
}

int signal_do_sigaltstack(struct task *t, const struct sigaltstack_k *ss,
			  struct sigaltstack_k *oss, uint64_t sp)
{
	if (oss) {
		oss->sp = t->altstack.sp;
		oss->size = t->altstack.size;
		oss->flags = signal_sas_flags(t, sp) | (int)(t->altstack.flags & SS_FLAG_BITS);
	}
	if (ss) {
		if (signal_on_altstack(t, sp))
			return -EPERM;
		int mode = (int)((unsigned)ss->flags & ~SS_FLAG_BITS);
		if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			t->altstack = (struct sigaltstack_k){ .flags = ss->flags };
		} else {
			if (ss->size < MINSIGSTKSZ)
				return -ENOMEM;
			t->altstack = *ss;
		}
	}
	return 0;
}

SYSCALL_DEFINE2(sigaltstack, const struct sigaltstack_k *, uss, struct sigaltstack_k *, uoss)
{
	struct sigaltstack_k ss, oss;

	memset(&oss, 0, sizeof(oss));           /* no stack bytes in the padding */
	if (uss && copy_from_user(&ss, uss, sizeof(ss)))
		return -EFAULT;
	int r = signal_do_sigaltstack(current, uss ? &ss : NULL, &oss, current->regs->rsp);
	if (r)
		return r;
	if (uoss && copy_to_user(uoss, &oss, sizeof(oss)))
		return -EFAULT;
	return 0;
}

/* ---- sending ---- */

static struct ksiginfo user_info(int sig, int code)
{
	return (struct ksiginfo){ .signo = sig, .code = code, .pid = current->proc->pid };
}

/* A pid names a process; as on Linux, a thread id reaches its process too. */
static struct proc *lookup_proc(int pid)
{
	struct proc *p = proc_find(pid);
	if (!p) {
		struct task *t = task_find(pid);
		if (t)
			p = t->proc;
	}
	return p;
}

struct kill_many {
	int pgid;                        /* 0: every process but init and the caller */
	int sig;
	const struct ksiginfo *info;
	int found, sent;
};

static int kill_many_fn(struct proc *p, void *ctx)
{
	struct kill_many *k = ctx;
	if (p->state == PROC_REAPED)
		return 0;
	if (k->pgid ? p->pgid != k->pgid : (p->pid <= 1 || p == current->proc))
		return 0;
	k->found++;
	if (send_signal_proc(p, k->sig, k->info) == 0)
		k->sent++;
	return 0;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	struct ksiginfo info = user_info(sig, SI_USER);

	if (pid > 0) {
		struct proc *p = lookup_proc(pid);
		if (!p)
			return -ESRCH;
		return send_signal_proc(p, sig, &info);
	}
	if (pid == INT32_MIN)            /* -pid would overflow; Linux says ESRCH */
		return -ESRCH;
	struct kill_many k = { .sig = sig, .info = &info };
	if (pid == 0)
		k.pgid = current->proc->pgid;
	else if (pid < -1)
		k.pgid = -pid;
	proc_for_each(kill_many_fn, &k);
	return k.found ? 0 : -ESRCH;
}

static long do_tkill(int tgid, int tid, int sig)
{
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	struct task *t = task_find(tid);
	if (!t || (tgid > 0 && t->proc->pid != tgid))
		return -ESRCH;
	struct ksiginfo info = user_info(sig, SI_TKILL);
	return send_signal_task(t, sig, &info);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	return do_tkill(tgid, tid, sig);
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	if (tid <= 0)
		return -EINVAL;
	return do_tkill(0, tid, sig);
}

/* sigqueue(3): the caller's siginfo, which may not pose as the kernel's or
 * as kill()'s unless it signals itself (Linux's rule). */
static int queueinfo_from_user(int target_pid, int sig, const struct user_siginfo *uinfo,
			       struct ksiginfo *info)
{
	struct user_siginfo u;
	if (copy_from_user(&u, uinfo, sizeof(u)))
		return -EFAULT;
	siginfo_from_user(&u, info);
	if ((info->code >= 0 || info->code == SI_TKILL) && target_pid != current->proc->pid)
		return -EPERM;
	info->signo = sig;
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig, const struct user_siginfo *, uinfo)
{
	struct ksiginfo info;
	int r = queueinfo_from_user(pid, sig, uinfo, &info);
	if (r)
		return r;
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	struct proc *p = pid > 0 ? lookup_proc(pid) : NULL;
	if (!p)
		return -ESRCH;
	return send_signal_proc(p, sig, &info);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig,
		const struct user_siginfo *, uinfo)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	struct ksiginfo info;
	int r = queueinfo_from_user(tgid, sig, uinfo, &info);
	if (r)
		return r;
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	struct task *t = task_find(tid);
	if (!t || t->proc->pid != tgid)
		return -ESRCH;
	return send_signal_task(t, sig, &info);
}
