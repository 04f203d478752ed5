/*
 * fork.c - clone, fork and vfork.
 *
 * clone(flags, newsp, parent_tid, child_tid, tls), Linux x86-64 argument
 * order. What the child shares is decided flag by flag (CLONE_VM, _FILES,
 * _FS, _SIGHAND, _THREAD); everything not shared is copied, the address
 * space copy-on-write. The child starts as a copy of the caller's user
 * registers with rax = 0, on newsp if given.
 *
 * CLONE_VFORK: the parent sleeps until the child execs or exits (musl's
 * posix_spawn and system() depend on it, with CLONE_VM).
 */
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/mm.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/synth.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <arch/cpu.h>
#include <arch/switch.h>

#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_FILES          0x00000400
#define CLONE_SIGHAND        0x00000800
#define CLONE_PIDFD          0x00001000
#define CLONE_PTRACE         0x00002000
#define CLONE_VFORK          0x00004000
#define CLONE_PARENT         0x00008000
#define CLONE_THREAD         0x00010000
#define CLONE_NEWNS          0x00020000
#define CLONE_SYSVSEM        0x00040000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED       0x00400000
#define CLONE_UNTRACED       0x00800000
#define CLONE_CHILD_SETTID   0x01000000
#define CLONE_NEWNAMESPACES  0x7e020000   /* every CLONE_NEW* bit */

static long do_clone(uint64_t flags, uint64_t newsp, int *parent_tid, int *child_tid, uint64_t tls)
{
	struct task *me = current;
	struct proc *mp = me->proc;
	int err = -ENOMEM;

	if (flags & CLONE_NEWNAMESPACES)
		return -EINVAL;                 /* namespaces: not supported */
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if (flags & CLONE_PIDFD)
		return -EINVAL;
	if (mp->exiting)
		return -EAGAIN;

	struct task *t = task_alloc();
	if (!t)
		return -ENOMEM;
	int tid = alloc_id();
	if (tid < 0) {
		task_free(t);
		return tid;
	}
	t->tid = tid;
	t->blocked = me->blocked;
	t->sigpending = true;                   /* ask once (signal.c, the pending hint) */
	t->fs_base = (flags & CLONE_SETTLS) ? tls : rdmsr(MSR_FS_BASE);
	t->gs_base = me->gs_base;
	arch_fpu_save(t);                       /* the caller's live FPU state */
	memcpy(t->comm, me->comm, sizeof(t->comm));
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = child_tid;
	/* Linux keeps the alternate signal stack, except for a thread that
	 * shares our memory without vfork (it would share the stack too). */
	if (!(flags & CLONE_VM) || (flags & CLONE_VFORK))
		t->altstack = me->altstack;
	else
		t->altstack = (struct sigaltstack_k){ 0, SS_DISABLE, 0 };

	struct proc *p;
	if (flags & CLONE_THREAD) {
		p = mp;
	} else {
		p = proc_alloc();
		if (!p)
			goto fail_task;
		p->pid = tid;
		p->pgid = mp->pgid;
		p->sid = mp->sid;
		p->exit_signal = flags & 0xff;
		memcpy(p->comm, me->comm, sizeof(p->comm));
		memcpy(p->rlimit_cur, mp->rlimit_cur, sizeof(p->rlimit_cur));
		memcpy(p->rlimit_max, mp->rlimit_max, sizeof(p->rlimit_max));
		if (mp->cmdline)
			proc_set_cmdline(p, mp->cmdline, mp->cmdline_len);
		p->mm = (flags & CLONE_VM) ? mm_get(mp->mm) : mm_fork(mp->mm);
		p->files = (flags & CLONE_FILES) ? fdtable_get(mp->files) : fdtable_dup(mp->files);
		p->fs = (flags & CLONE_FS) ? fs_info_get(mp->fs) : fs_info_dup(mp->fs);
		if (flags & CLONE_SIGHAND) {
			p->sighand = mp->sighand;
			p->sighand->refcount++;
		} else {
			p->sighand = sighand_copy(mp->sighand);
		}
		if (!p->mm || !p->files || !p->fs || !p->sighand)
			goto fail_proc;
	}

	/* The child's user registers: ours, returning 0, maybe on a new stack. */
	struct trap_frame regs = *me->regs;
	regs.rax = 0;
	if (newsp)
		regs.rsp = newsp;
	arch_prepare_user_thread(t, &regs);
	t->proc = p;

	if (flags & CLONE_CHILD_SETTID) {
		if ((flags & CLONE_VM) ? put_user(tid, child_tid)
				       : mm_copy_to(p->mm, (uint64_t)child_tid, &tid, sizeof(tid))) {
			err = -EFAULT;
			goto fail_proc;
		}
	}
	if ((flags & CLONE_PARENT_SETTID) && put_user(tid, parent_tid)) {
		err = -EFAULT;
		goto fail_proc;
	}

	list_add_tail(&t->thread_link, &p->threads);
	p->nthreads++;
	if (!(flags & CLONE_THREAD)) {
		struct proc *parent = (flags & CLONE_PARENT) && mp->parent ? mp->parent : mp;
		proc_link(p, parent);
	}
	if (unlikely(mp->files->synth_regions))
		synth_event_share(mp->files);   /* the files gain a thread: no dedicated pipe sides */
	sched_add(t);

	if ((flags & CLONE_VFORK) && !(flags & CLONE_THREAD)) {
		/* Uninterruptible like Linux's vfork wait: the child shares our memory. */
		wait_event(p->vfork_wq, p->vfork_done);
	}
	return tid;

fail_proc:
	if (p != mp) {
		if (p->mm)
			mm_put(p->mm);
		if (p->files)
			fdtable_put(p->files);
		if (p->fs)
			fs_info_put(p->fs);
		if (p->sighand)
			sighand_put(p->sighand);
		proc_free(p);
	}
fail_task:
	task_free(t);
	return err;
}

SYSCALL_DEFINE5(clone, uint64_t, flags, uint64_t, newsp, int *, parent_tid,
		int *, child_tid, uint64_t, tls)
{
	return do_clone(flags, newsp, parent_tid, child_tid, tls);
}

SYSCALL_DEFINE0(fork)
{
	return do_clone(SIGCHLD, 0, NULL, NULL, 0);
}

SYSCALL_DEFINE0(vfork)
{
	return do_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, NULL, NULL, 0);
}

struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

SYSCALL_DEFINE2(clone3, struct clone_args *, uargs, size_t, size)
{
	struct clone_args a;
	if (size < 64 || size > 4096)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	if (copy_from_user(&a, uargs, MIN(size, sizeof(a))))
		return -EFAULT;
	if (a.exit_signal > 64 || (a.flags & 0xff) || a.set_tid || a.cgroup)
		return -EINVAL;
	uint64_t sp = a.stack ? a.stack + a.stack_size : 0;
	return do_clone(a.flags | a.exit_signal, sp, (int *)a.parent_tid,
			(int *)a.child_tid, a.tls);
}
