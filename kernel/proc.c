/*
 * proc.c - processes and threads: allocation, ids, lookup, the process
 * tree, and the first process.
 *
 * Ids: one counter hands out both pids and tids (as in Linux, a process's
 * pid is its first thread's tid). All processes are on all_procs; lookups
 * walk it, which is fine for the handful of processes a test or a shell
 * session runs (a hash comes with the benchmark work if it shows up).
 */
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/mm.h>
#include <synthos/page_alloc.h>
#include <synthos/panic.h>
#include <synthos/proc.h>
#include <synthos/synth.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/time.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <arch/mm.h>
#include <arch/sigframe.h>
#include <arch/switch.h>

spinlock_t proc_tree_lock = SPINLOCK_INIT;
static LIST_HEAD(all_procs);
static int next_id = 1;
struct proc *init_proc;
static struct kmem_cache *task_cache, *proc_cache;

#define PID_MAX 4194304

static bool id_in_use(int id)
{
	struct list_head *pp, *tp;
	list_for_each(pp, &all_procs) {
		struct proc *p = list_entry(pp, struct proc, all_link);
		if (p->pid == id || p->pgid == id || p->sid == id)
			return true;
		list_for_each(tp, &p->threads)
			if (list_entry(tp, struct task, thread_link)->tid == id)
				return true;
	}
	return false;
}

int alloc_id(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		int id = next_id++;
		if (next_id >= PID_MAX)
			next_id = 2;
		if (!id_in_use(id))
			return id;
	}
	return -EAGAIN;
}

struct task *task_alloc(void)
{
	if (!task_cache)
		task_cache = kmem_cache_create("task", sizeof(struct task), 64);
	struct task *t = task_cache ? kmem_cache_alloc(task_cache) : NULL;
	if (!t)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->kstack_top = kstack_alloc();
	if (!t->kstack_top) {
		kmem_cache_free(task_cache, t);
		return NULL;
	}
	list_init(&t->run_link);
	list_init(&t->thread_link);
	list_init(&t->sleep_link);
	list_init(&t->synth_list);
	t->vtable = syscall_table;
	t->user = true;
	return t;
}

void task_free(struct task *t)
{
	signal_task_free(t);
	kstack_free(t->kstack_top);
	kmem_cache_free(task_cache, t);
}

struct proc *proc_alloc(void)
{
	if (!proc_cache)
		proc_cache = kmem_cache_create("proc", sizeof(struct proc), 16);
	struct proc *p = proc_cache ? kmem_cache_alloc(proc_cache) : NULL;
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->threads);
	list_init(&p->all_link);
	waitq_init(&p->child_exit_wq);
	waitq_init(&p->vfork_wq);
	p->exit_signal = SIGCHLD;
	p->start_ns = time_ns();
	return p;
}

void proc_free(struct proc *p)
{
	signal_proc_free(p);
	kfree(p->cmdline);
	kmem_cache_free(proc_cache, p);
}

void proc_link(struct proc *p, struct proc *parent)
{
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	p->parent = parent;
	if (parent)
		list_add_tail(&p->sibling, &parent->children);
	list_add_tail(&p->all_link, &all_procs);
	spin_unlock_irqrestore(&proc_tree_lock, f);
}

void proc_unlink(struct proc *p)
{
	unsigned long f = spin_lock_irqsave(&proc_tree_lock);
	list_del(&p->sibling);
	list_del(&p->all_link);
	spin_unlock_irqrestore(&proc_tree_lock, f);
}

struct proc *proc_find(int pid)
{
	struct list_head *pos;
	list_for_each(pos, &all_procs) {
		struct proc *p = list_entry(pos, struct proc, all_link);
		if (p->pid == pid && p->state != PROC_REAPED)
			return p;
	}
	return NULL;
}

struct task *task_find(int tid)
{
	struct list_head *pp, *tp;
	list_for_each(pp, &all_procs) {
		struct proc *p = list_entry(pp, struct proc, all_link);
		list_for_each(tp, &p->threads) {
			struct task *t = list_entry(tp, struct task, thread_link);
			if (t->tid == tid)
				return t;
		}
	}
	return NULL;
}

int proc_for_each(int (*fn)(struct proc *p, void *ctx), void *ctx)
{
	struct list_head *pos, *tmp;
	list_for_each_safe(pos, tmp, &all_procs) {
		int r = fn(list_entry(pos, struct proc, all_link), ctx);
		if (r)
			return r;
	}
	return 0;
}

void proc_set_cmdline(struct proc *p, const char *args, size_t len)
{
	char *c = kmalloc(len ? len : 1);
	if (!c)
		return;
	memcpy(c, args, len);
	kfree(p->cmdline);
	p->cmdline = c;
	p->cmdline_len = len;
}

/* ---- identity system calls ---- */

/* The process constants. Each answer is also handed to the synthesizer,
 * which folds it into the thread's own code for the next calls (synth.c);
 * these generic handlers then run once per thread. */
static long constant(int nr, long value)
{
	if (synth_enabled)
		synth_note_const(nr, (uint64_t)value);
	return value;
}

SYSCALL_DEFINE0(getpid) { return constant(39, current->proc->pid); }
SYSCALL_DEFINE0(gettid) { return constant(186, current->tid); }
SYSCALL_DEFINE0(getppid)
{
	struct proc *parent = current->proc->parent;
	return constant(110, parent ? parent->pid : 0);
}
SYSCALL_DEFINE0(getuid) { return constant(102, 0); }
SYSCALL_DEFINE0(geteuid) { return constant(107, 0); }
SYSCALL_DEFINE0(getgid) { return constant(104, 0); }
SYSCALL_DEFINE0(getegid) { return constant(108, 0); }

SYSCALL_DEFINE3(getresuid, uint32_t *, r, uint32_t *, e, uint32_t *, s)
{
	uint32_t z = 0;
	if (put_user(z, r) || put_user(z, e) || put_user(z, s))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresgid, uint32_t *, r, uint32_t *, e, uint32_t *, s)
{
	uint32_t z = 0;
	if (put_user(z, r) || put_user(z, e) || put_user(z, s))
		return -EFAULT;
	return 0;
}

/* A single root user: setting ids to 0 succeeds, anything else EPERM? Root
 * may set any id on Linux; we accept and ignore, so programs that drop
 * privileges keep running (and remain root: documented difference). */
SYSCALL_DEFINE1(setuid, uint32_t, uid) { (void)uid; return 0; }
SYSCALL_DEFINE1(setgid, uint32_t, gid) { (void)gid; return 0; }
SYSCALL_DEFINE2(getgroups, int, size, uint32_t *, list)
{
	(void)list;
	return size < 0 ? -EINVAL : 0;
}
SYSCALL_DEFINE2(setgroups, int, size, const uint32_t *, list)
{
	(void)list;
	return size < 0 || size > 65536 ? -EINVAL : 0;
}

SYSCALL_DEFINE1(set_tid_address, int *, tidptr)
{
	current->clear_child_tid = tidptr;
	return current->tid;
}

SYSCALL_DEFINE2(set_robust_list, void *, head, size_t, len)
{
	if (len != 24)
		return -EINVAL;
	current->robust_list = head;
	current->robust_len = len;
	return 0;
}

/* ---- process groups and sessions ---- */

SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct proc *p = pid ? proc_find(pid) : current->proc;
	if (pgid < 0)
		return -EINVAL;
	if (!p || (p != current->proc && p->parent != current->proc))
		return -ESRCH;
	if (p->sid != current->proc->sid)
		return -EPERM;
	if (p->pid == p->sid)
		return -EPERM;                  /* a session leader */
	p->pgid = pgid ? pgid : p->pid;
	return 0;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	struct proc *p = pid ? proc_find(pid) : current->proc;
	return p ? p->pgid : -ESRCH;
}

SYSCALL_DEFINE0(getpgrp) { return current->proc->pgid; }

SYSCALL_DEFINE1(getsid, int, pid)
{
	struct proc *p = pid ? proc_find(pid) : current->proc;
	return p ? p->sid : -ESRCH;
}

static int is_group_leader_elsewhere(struct proc *p, void *ctx)
{
	struct proc *me = ctx;
	return p != me && p->pgid == me->pid;
}

SYSCALL_DEFINE0(setsid)
{
	struct proc *me = current->proc;
	if (me->pgid == me->pid || proc_for_each(is_group_leader_elsewhere, me))
		return -EPERM;
	me->sid = me->pgid = me->pid;
	return me->sid;
}

/* ---- prctl: the options programs commonly use ---- */

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_SET_CHILD_SUBREAPER 36

SYSCALL_DEFINE5(prctl, int, option, uint64_t, a2, uint64_t, a3, uint64_t, a4, uint64_t, a5)
{
	struct task *t = current;
	char name[TASK_COMM_LEN];
	switch (option) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, (const char *)a2, sizeof(name)) < 0) {
			/* Linux copies at most 16 bytes and truncates. */
			if (copy_from_user(name, (const char *)a2, sizeof(name) - 1))
				return -EFAULT;
			name[sizeof(name) - 1] = 0;
		}
		strlcpy(t->comm, name, sizeof(t->comm));
		if (t->tid == t->proc->pid)
			strlcpy(t->proc->comm, name, sizeof(t->proc->comm));
		return 0;
	case PR_GET_NAME:
		return copy_to_user((char *)a2, t->comm, sizeof(t->comm));
	case PR_SET_PDEATHSIG:
		return a2 > 64 ? -EINVAL : 0;
	case PR_GET_PDEATHSIG:
		return put_user(0, (int *)a2);
	case PR_GET_DUMPABLE:
		return 1;
	case PR_SET_DUMPABLE:
		return a2 > 1 ? -EINVAL : 0;
	case PR_SET_NO_NEW_PRIVS:
		return a2 == 1 && !a3 && !a4 && !a5 ? 0 : -EINVAL;
	case PR_GET_NO_NEW_PRIVS:
		return 0;
	case PR_SET_CHILD_SUBREAPER:
		return 0;
	}
	return -EINVAL;
}
