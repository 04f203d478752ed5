/*
 * exit.c - thread and process exit, zombies, wait4 and waitid.
 *
 * A thread exits alone (exit) or takes its process with it (exit_group, a
 * fatal signal): then every other thread is told to leave (exit_now, woken
 * from any sleep) and the last thread out tears the process down -- files,
 * cwd, address space, signal actions -- re-parents its children to init,
 * and becomes a zombie until its parent collects the status with wait4 or
 * waitid. If the parent ignores SIGCHLD (or set SA_NOCLDWAIT) the zombie is
 * reaped at once, as on Linux.
 *
 * Status encoding (wait4): exit(code) -> code << 8; killed by signal s ->
 * s (| 0x80 with a core dump); stopped -> (s << 8) | 0x7f; continued -> 0xffff.
 */
#include <synthos/devices.h>
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/mm.h>
#include <synthos/power.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/synth.h>
#include <synthos/time.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <arch/switch.h>

void itimer_forget(struct proc *p);

static void reparent_children(struct proc *p)
{
	struct list_head *pos, *tmp;
	bool zombies = false;
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	list_for_each_safe(pos, tmp, &p->children) {
		struct proc *c = list_entry(pos, struct proc, sibling);
		list_del(&c->sibling);
		c->parent = init_proc;
		list_add_tail(&c->sibling, &init_proc->children);
		synth_event_reparent(c);        /* getppid's constant changed */
		if (c->state == PROC_ZOMBIE)
			zombies = true;
	}
	spin_unlock_irqrestore(&proc_tree_lock, f);
	if (zombies)
		wake_up(&init_proc->child_exit_wq);
}

static void reap(struct proc *p)
{
	p->state = PROC_REAPED;
	proc_unlink(p);
	proc_free(p);
}

/* The last thread of p is leaving: release everything but the zombie. */
static void proc_teardown(struct proc *p)
{
	if (p == init_proc) {
		int st = p->exit_status;
		pr_info("init exited (%s %d); powering off\n",
			(st & 0x7f) ? "signal" : "status", (st & 0x7f) ? st & 0x7f : (st >> 8) & 0xff);
		power_off(st == 0 ? POWER_OK : POWER_FAIL);
	}
	if (p->pid == p->sid)           /* a controlling process hangs up its tty */
		tty_session_leader_exit(p->sid);
	itimer_forget(p);
	fdtable_put(p->files);
	p->files = NULL;
	fs_info_put(p->fs);
	p->fs = NULL;
	arch_use_kernel_mm();
	mm_put(p->mm);
	p->mm = NULL;
	sighand_put(p->sighand);
	p->sighand = NULL;
	if (!p->vfork_done) {
		p->vfork_done = true;
		wake_up(&p->vfork_wq);
	}
	reparent_children(p);

	struct proc *parent = p->parent;
	p->state = PROC_ZOMBIE;
	bool autoreap = false;
	if (parent && parent->sighand) {
		struct k_sigaction *sa = &parent->sighand->action[SIGCHLD];
		autoreap = p->exit_signal == SIGCHLD &&
			   (sa->handler == SIG_IGN || (sa->flags & SA_NOCLDWAIT));
	}
	if (parent && p->exit_signal && !autoreap) {
		int st = p->exit_status;
		struct ksiginfo info = {
			.signo = p->exit_signal, .pid = p->pid,
			.code = (st & 0x7f) ? ((st & 0x80) ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED,
			.status = (st & 0x7f) ? (st & 0x7f) : (st >> 8) & 0xff,
		};
		send_signal_proc(parent, p->exit_signal, &info);
	}
	if (parent)
		wake_up(&parent->child_exit_wq);
	if (autoreap)
		reap(p);
}

void do_exit_thread(int code)
{
	struct task *t = current;
	struct proc *p = t->proc;

	t->exit_code = code;
	if (t->clear_child_tid) {
		int zero = 0;
		/* pthread_join waits on this word. */
		if (!put_user(zero, t->clear_child_tid))
			futex_wake((uint32_t *)t->clear_child_tid, 1);
	}
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	list_del(&t->thread_link);
	p->nthreads--;
	bool last = p->nthreads == 0;
	spin_unlock_irqrestore(&proc_tree_lock, f);
	synth_thread_exit(t);
	if (last) {
		if (!p->exiting)
			p->exit_status = (code & 0xff) << 8;
		proc_teardown(p);
	}
	sched_exit_current();
}

void do_exit_group(int wait_status)
{
	struct task *me = current;
	struct proc *p = me->proc;

	if (!p->exiting) {
		p->exiting = true;
		p->exit_status = wait_status;
		struct list_head *pos;
		list_for_each(pos, &p->threads) {
			struct task *t = list_entry(pos, struct task, thread_link);
			if (t == me)
				continue;
			t->exit_now = true;
			/* Out of any sleep; SIGKILL keeps them from sleeping again. */
			send_signal_task(t, SIGKILL, NULL);
		}
	}
	do_exit_thread(0);
}

SYSCALL_DEFINE1(exit, int, code)
{
	do_exit_thread(code);
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	do_exit_group((code & 0xff) << 8);
}

/* ---- wait ---- */

#define WNOHANG    0x00000001
#define WUNTRACED  0x00000002
#define WSTOPPED   WUNTRACED
#define WEXITED    0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT    0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL     0x40000000
#define __WCLONE   0x80000000

#define P_ALL  0
#define P_PID  1
#define P_PGID 2

struct wait_result {
	int pid;
	int status;        /* wait4 encoding */
	int code;          /* CLD_* for waitid */
	int sigstatus;     /* waitid si_status */
	uint64_t utime, stime;
};

static bool wanted(struct proc *c, int idtype, int id)
{
	switch (idtype) {
	case P_PID:  return c->pid == id;
	case P_PGID: return c->pgid == id;
	default:     return true;
	}
}

/* One scan over the children. 1: found (result filled), 0: children exist
 * but none ready, -ECHILD: none match. */
static int scan_children(int idtype, int id, int options, struct wait_result *r)
{
	struct proc *me = current->proc;
	struct list_head *pos;
	bool any = false;

	list_for_each(pos, &me->children) {
		struct proc *c = list_entry(pos, struct proc, sibling);
		if (!wanted(c, idtype, id))
			continue;
		any = true;
		if (c->state == PROC_ZOMBIE && (options & WEXITED)) {
			int st = c->exit_status;
			r->pid = c->pid;
			r->status = st;
			r->code = (st & 0x7f) ? ((st & 0x80) ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED;
			r->sigstatus = (st & 0x7f) ? (st & 0x7f) : (st >> 8) & 0xff;
			if (!(options & WNOWAIT))
				reap(c);
			return 1;
		}
		if (c->stopped_report && (options & WUNTRACED)) {
			r->pid = c->pid;
			r->status = (c->stop_signal << 8) | 0x7f;
			r->code = CLD_STOPPED;
			r->sigstatus = c->stop_signal;
			if (!(options & WNOWAIT))
				c->stopped_report = false;
			return 1;
		}
		if (c->continued_report && (options & WCONTINUED)) {
			r->pid = c->pid;
			r->status = 0xffff;
			r->code = CLD_CONTINUED;
			r->sigstatus = SIGCONT;
			if (!(options & WNOWAIT))
				c->continued_report = false;
			return 1;
		}
	}
	return any ? 0 : -ECHILD;
}

static long do_wait(int idtype, int id, int options, struct wait_result *r)
{
	struct proc *me = current->proc;
	int found;
	int err = wait_event_interruptible(me->child_exit_wq,
		(found = scan_children(idtype, id, options, r)) != 0 || (options & WNOHANG));
	if (found < 0)
		return found;
	if (found == 0)
		return err ? err : 0;            /* WNOHANG and nothing ready */
	return r->pid;
}

struct rusage_k {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t rest[14];
};

SYSCALL_DEFINE4(wait4, int, pid, int *, ustatus, int, options, struct rusage_k *, ru)
{
	int idtype, id;
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (pid == -1) {
		idtype = P_ALL; id = 0;
	} else if (pid < -1) {
		idtype = P_PGID; id = -pid;
	} else if (pid == 0) {
		idtype = P_PGID; id = current->proc->pgid;
	} else {
		idtype = P_PID; id = pid;
	}
	struct wait_result r = { 0 };
	long ret = do_wait(idtype, id, options | WEXITED, &r);
	if (ret > 0) {
		if (ustatus && put_user(r.status, ustatus))
			return -EFAULT;
		if (ru) {
			struct rusage_k k = { 0 };
			if (copy_to_user(ru, &k, sizeof(k)))
				return -EFAULT;
		}
	}
	return ret;
}

struct siginfo_chld {
	int si_signo, si_errno, si_code, pad;
	int si_pid, si_uid, si_status, pad2;
	int64_t si_utime, si_stime;
	char rest[128 - 40];
};

SYSCALL_DEFINE5(waitid, int, idtype, int, id, struct siginfo_chld *, infop, int, options,
		struct rusage_k *, ru)
{
	if (options & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT |
			__WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID)
		return -EINVAL;
	if (idtype == P_PGID && id == 0)
		id = current->proc->pgid;
	struct wait_result r = { 0 };
	long ret = do_wait(idtype, id, options, &r);
	if (ret < 0)
		return ret;
	if (infop) {
		struct siginfo_chld si = { 0 };
		if (ret > 0) {
			si.si_signo = SIGCHLD;
			si.si_code = r.code;
			si.si_pid = r.pid;
			si.si_status = r.sigstatus;
		}
		if (copy_to_user(infop, &si, sizeof(si)))
			return -EFAULT;
	}
	if (ru) {
		struct rusage_k k = { 0 };
		if (copy_to_user(ru, &k, sizeof(k)))
			return -EFAULT;
	}
	return 0;
}

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

SYSCALL_DEFINE2(getrusage, int, who, struct rusage_k *, ru)
{
	struct rusage_k k = { 0 };
	uint64_t ticks_u = 0, ticks_s = 0;
	if (who == RUSAGE_SELF) {
		struct list_head *pos;
		list_for_each(pos, &current->proc->threads) {
			struct task *t = list_entry(pos, struct task, thread_link);
			ticks_u += t->utime_ticks;
			ticks_s += t->stime_ticks;
		}
	} else if (who == RUSAGE_THREAD) {
		ticks_u = current->utime_ticks;
		ticks_s = current->stime_ticks;
	} else if (who != RUSAGE_CHILDREN) {
		return -EINVAL;
	}
	uint64_t us = ticks_u * (1000000 / HZ), ss = ticks_s * (1000000 / HZ);
	k.utime_sec = (int64_t)(us / 1000000);
	k.utime_usec = (int64_t)(us % 1000000);
	k.stime_sec = (int64_t)(ss / 1000000);
	k.stime_usec = (int64_t)(ss % 1000000);
	return copy_to_user(ru, &k, sizeof(k));
}
