/*
 * procfs_pid.c - /proc/<pid>: one directory per live process.
 *
 *   /proc/<pid>/stat status statm cmdline comm maps mounts
 *   /proc/<pid>/exe cwd root      "magic" links (get_link: the inode itself)
 *   /proc/<pid>/fd/<n>            magic links to the open files
 *
 * The text of each file is laid out as Linux lays it out, because BusyBox
 * ps, top, free and uptime parse it with scanf-style code. The generators
 * here fill a pbuf; procfs.c opens, reads and releases the files and owns
 * the inode machinery.
 *
 * Inode numbers (procfs.h): (pid << 32) | sub, with sub SUB_DIR for the
 * directory, SUB_FDDIR for fd/, SUB_FILE + index in pid_entries for a file
 * or link, SUB_FD + n for descriptor n. The process is looked up again at
 * every lookup, readdir, open and readlink: one that is gone gives ENOENT
 * (ESRCH at open, from procfs.c).
 *
 * Locking: none of its own. It reads process fields in process context on
 * the one CPU of a non-preemptive kernel, where they cannot change under
 * it while it does not sleep (it never does).
 */
#include <synthos/devices.h>
#include <synthos/errno.h>
#include <synthos/mm.h>
#include <synthos/signal.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/time.h>
#include <arch/page.h>
#include "procfs.h"

/* ---- process facts ---- */

static struct task *main_task(struct proc *p)
{
	if (list_empty(&p->threads))
		return NULL;
	return list_first_entry(&p->threads, struct task, thread_link);
}

static char state_char(struct proc *p)
{
	if (p->state != PROC_ALIVE)
		return 'Z';
	struct task *t = main_task(p);
	if (!t)
		return 'Z';
	switch (t->state) {
	case TASK_RUNNING: return 'R';
	case TASK_INTERRUPTIBLE: return 'S';
	case TASK_UNINTERRUPTIBLE: return 'D';
	case TASK_STOPPED: return 'T';
	default: return 'X';
	}
}

static const char *state_name(char c)
{
	switch (c) {
	case 'R': return "R (running)";
	case 'S': return "S (sleeping)";
	case 'D': return "D (disk sleep)";
	case 'T': return "T (stopped)";
	case 'Z': return "Z (zombie)";
	default: return "X (dead)";
	}
}

void proc_times(struct proc *p, uint64_t *ut, uint64_t *st)
{
	struct list_head *pos;
	*ut = *st = 0;
	list_for_each(pos, &p->threads) {
		struct task *t = list_entry(pos, struct task, thread_link);
		*ut += t->utime_ticks;
		*st += t->stime_ticks;
	}
}

static uint64_t mm_vsize(struct mm *mm)
{
	uint64_t sz = 0;
	struct list_head *pos;
	if (!mm)
		return 0;
	list_for_each(pos, &mm->vmas) {
		struct vma *v = list_entry(pos, struct vma, link);
		sz += v->end - v->start;
	}
	return sz;
}

/* The executable: the lowest file mapping (the ELF's first segment). */
static struct inode *proc_exe_inode(struct proc *p)
{
	struct list_head *pos;
	if (!p->mm)
		return NULL;
	list_for_each(pos, &p->mm->vmas) {
		struct vma *v = list_entry(pos, struct vma, link);
		if (v->file)
			return v->file->inode;
	}
	return NULL;
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / (NSEC_PER_SEC / HZ);
}

/* ---- per-process files ---- */

static void gen_pid_stat(struct pbuf *b, struct proc *p)
{
	uint64_t ut, st;
	proc_times(p, &ut, &st);
	char s = state_char(p);
	int ppid = p->parent ? p->parent->pid : 0;
	int tpgid = -1;
	unsigned tty_nr = 0;
	int tsid = tty_console_session(&tpgid);
	if (tsid && tsid == p->sid)
		tty_nr = (unsigned)MKDEV(TTY_MAJOR, 64);
	else
		tpgid = -1;
	struct mm *mm = p->mm;
	struct task *t = main_task(p);
	sigset_t ign = 0, catch = 0;
	if (p->sighand) {
		for (int sig = 1; sig < NSIG; sig++) {
			uint64_t h = p->sighand->action[sig].handler;
			if (h == SIG_IGN)
				ign |= sigmask(sig);
			else if (h != SIG_DFL)
				catch |= sigmask(sig);
		}
	}
	pb_printf(b, "%d (%s) %c %d %d %d %u %d %u %lu %lu %lu %lu %lu %lu %ld %ld %ld %ld %d %ld %lu %lu %ld %lu",
		  p->pid, p->comm, s, ppid, p->pgid, p->sid, tty_nr, tpgid,
		  0x400000u /* PF_FORKNOEXEC-free flags: a plain user process */,
		  0UL, 0UL, 0UL, 0UL, ut, st, 0L, 0L, 20L, 0L, p->nthreads, 0L,
		  ns_to_ticks(p->start_ns), mm_vsize(mm), mm ? (long)mm->rss_pages : 0L,
		  (unsigned long)INT64_MAX);
	pb_printf(b, " %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %d %d %u %u %lu %lu %ld",
		  mm ? 0x400000UL : 0UL, 0UL, mm ? mm->stack_top : 0UL, 0UL, 0UL,
		  (unsigned long)p->shared_pending, (unsigned long)(t ? t->blocked : 0),
		  (unsigned long)ign, (unsigned long)catch, 0UL, 0UL, 0UL,
		  p->exit_signal, 0, 0u, 0u, 0UL, 0UL, 0L);
	pb_printf(b, " %lu %lu %lu %lu %lu %lu %lu %d\n",
		  0UL, 0UL, mm ? mm->brk_start : 0UL,
		  mm ? mm->arg_start : 0UL, mm ? mm->arg_end : 0UL,
		  mm ? mm->env_start : 0UL, mm ? mm->env_end : 0UL,
		  p->state == PROC_ALIVE ? 0 : p->exit_status);
}

static void gen_pid_status(struct pbuf *b, struct proc *p)
{
	struct task *t = main_task(p);
	struct mm *mm = p->mm;
	sigset_t ign = 0, catch = 0;
	if (p->sighand) {
		for (int sig = 1; sig < NSIG; sig++) {
			uint64_t h = p->sighand->action[sig].handler;
			if (h == SIG_IGN)
				ign |= sigmask(sig);
			else if (h != SIG_DFL)
				catch |= sigmask(sig);
		}
	}
	uint32_t umask = 022;
	if (p->fs)
		umask = p->fs->umask;
	pb_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
		  "PPid:\t%d\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
		  "FDSize:\t%d\nGroups:\t\n",
		  p->comm, umask, state_name(state_char(p)), p->pid, p->pid,
		  p->parent ? p->parent->pid : 0, p->files ? p->files->size : 0);
	if (mm) {
		uint64_t vk = mm_vsize(mm) / 1024, rk = mm->rss_pages * (PAGE_SIZE / 1024);
		pb_printf(b, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\n"
			  "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n"
			  "RssShmem:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\n"
			  "VmLib:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\n",
			  vk, vk, 0UL, 0UL, rk, rk, rk, 0UL, 0UL,
			  (mm->brk - mm->brk_start) / 1024, 0UL, 0UL, 0UL, 0UL, 0UL);
	}
	pb_printf(b, "Threads:\t%d\nSigQ:\t0/0\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n"
		  "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n"
		  "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
		  "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"
		  "CapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n"
		  "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n"
		  "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n",
		  p->nthreads, (unsigned long)(t ? t->pending : 0),
		  (unsigned long)p->shared_pending, (unsigned long)(t ? t->blocked : 0),
		  (unsigned long)ign, (unsigned long)catch);
}

static void gen_pid_statm(struct pbuf *b, struct proc *p)
{
	struct mm *mm = p->mm;
	uint64_t size = mm_vsize(mm) / PAGE_SIZE, rss = mm ? mm->rss_pages : 0;
	uint64_t data = mm ? (mm->brk - mm->brk_start) / PAGE_SIZE : 0;
	pb_printf(b, "%lu %lu %lu %lu 0 %lu 0\n", size, rss, 0UL, 0UL, data);
}

static void gen_pid_cmdline(struct pbuf *b, struct proc *p)
{
	if (p->state == PROC_ALIVE && p->cmdline)
		pb_write(b, p->cmdline, p->cmdline_len);
}

static void gen_pid_comm(struct pbuf *b, struct proc *p)
{
	pb_printf(b, "%s\n", p->comm);
}

/* A name for any inode, as /proc/<pid>/fd and exe show it. */
static int inode_name(struct inode *t, char *buf, size_t size)
{
	int len = inode_path(t, buf, size);
	if (len >= 0)
		return len;
	/* What Linux shows for the nameless (pipes, anonymous inodes). */
	if (S_ISFIFO(t->mode))
		return ksnprintf(buf, size, "pipe:[%lu]", t->ino);
	return ksnprintf(buf, size, "anon_inode:[%lu]", t->ino);
}

static void gen_pid_maps(struct pbuf *b, struct proc *p)
{
	struct list_head *pos;
	char *path = kmalloc(PATH_MAX);
	if (!p->mm || !path) {
		kfree(path);
		return;
	}
	list_for_each(pos, &p->mm->vmas) {
		struct vma *v = list_entry(pos, struct vma, link);
		struct inode *ino = v->file ? v->file->inode : NULL;
		pb_printf(b, "%012lx-%012lx %c%c%c%c %08lx %02x:%02x %lu",
			  v->start, v->end, v->prot & PROT_READ ? 'r' : '-',
			  v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-',
			  (v->flags & MAP_SHARED) ? 's' : 'p', ino ? v->offset : 0UL,
			  ino ? MAJOR(ino->sb->dev) : 0, ino ? MINOR(ino->sb->dev) : 0,
			  ino ? ino->ino : 0UL);
		if (ino && inode_name(ino, path, PATH_MAX) > 0)
			pb_printf(b, "%*s%s", 8, "", path);
		else if (!ino && v->start <= p->mm->brk_start && v->end > p->mm->brk_start)
			pb_printf(b, "%*s[heap]", 8, "");
		else if (!ino && v->end == p->mm->stack_top)
			pb_printf(b, "%*s[stack]", 8, "");
		pb_write(b, "\n", 1);
	}
	kfree(path);
}

/* ---- the directory table ---- */

static struct inode *link_exe(struct proc *p) { return proc_exe_inode(p); }
static struct inode *link_cwd(struct proc *p) { return p->fs ? p->fs->cwd : NULL; }
static struct inode *link_root(struct proc *p) { return p->fs ? p->fs->root : NULL; }

#define PID_FD_INDEX 0          /* "fd" is special-cased: a directory */
const struct pentry pid_entries[] = {
	{ "fd", S_IFDIR | 0500, NULL, NULL },
	{ "stat", S_IFREG | 0444, gen_pid_stat, NULL },
	{ "status", S_IFREG | 0444, gen_pid_status, NULL },
	{ "statm", S_IFREG | 0444, gen_pid_statm, NULL },
	{ "cmdline", S_IFREG | 0444, gen_pid_cmdline, NULL },
	{ "comm", S_IFREG | 0644, gen_pid_comm, NULL },
	{ "maps", S_IFREG | 0444, gen_pid_maps, NULL },
	{ "mounts", S_IFREG | 0444, gen_mounts, NULL },
	{ "exe", S_IFLNK | 0777, NULL, link_exe },
	{ "cwd", S_IFLNK | 0777, NULL, link_cwd },
	{ "root", S_IFLNK | 0777, NULL, link_root },
};
const size_t pid_nentries = ARRAY_SIZE(pid_entries);

/* ---- the directories ---- */

int procfs_pid_lookup(struct inode *dir, const char *name, size_t len, struct inode **res)
{
	int pid = ino_pid(dir);
	uint32_t sub = ino_sub(dir);
	struct super_block *sb = dir->sb;
	struct inode *ino = NULL;

	if (name_is(name, len, "..")) {
		if (sub == SUB_FDDIR)
			ino = proc_inode(sb, pid, SUB_DIR, S_IFDIR | 0555);
		else
			ino = inode_get(sb->root);
		goto out;
	}
	struct proc *p = live_proc(pid);
	if (!p)
		return -ENOENT;
	if (sub == SUB_DIR) {
		for (size_t i = 0; i < ARRAY_SIZE(pid_entries); i++)
			if (name_is(name, len, pid_entries[i].name)) {
				uint32_t s = i == PID_FD_INDEX ? SUB_FDDIR : SUB_FILE + (uint32_t)i;
				ino = proc_inode(sb, pid, s, pid_entries[i].mode);
				goto out;
			}
		return -ENOENT;
	}
	if (sub == SUB_FDDIR) {
		long fd = parse_num(name, len);
		if (fd < 0 || !p->files || fd >= p->files->size || !fdtable_file(p->files, (int)fd))
			return -ENOENT;
		struct file *f = fdtable_file(p->files, (int)fd);
		uint32_t mode = S_IFLNK | (file_readable(f) ? 0500 : 0) | (file_writable(f) ? 0200 : 0);
		ino = proc_inode(sb, pid, SUB_FD + (uint32_t)fd, mode);
		goto out;
	}
	return -ENOTDIR;
out:
	if (!ino)
		return -ENOMEM;
	*res = ino;
	return 0;
}

/*
 * Positions: 0 and 1 are the dots, then pid_entries in /proc/<pid>, and
 * descriptor n at 2 + n in fd/, so a reader's offset stays meaningful
 * while descriptors come and go.
 */
int procfs_pid_iterate(struct file *f, dir_emit_t emit, void *ctx)
{
	struct inode *dir = f->inode;
	int pid = ino_pid(dir);
	uint32_t sub = ino_sub(dir);
	char name[16];
	uint64_t parent = sub == SUB_FDDIR ? mkino(pid, SUB_DIR) : dir->sb->root->ino;

	if (dir_emit_dots(f, emit, ctx, parent))
		return 0;
	struct proc *p = live_proc(pid);
	if (!p)
		return -ENOENT;
	if (sub == SUB_DIR) {
		for (; f->pos < 2 + ARRAY_SIZE(pid_entries); f->pos++) {
			size_t i = f->pos - 2;
			const struct pentry *e = &pid_entries[i];
			uint32_t s = i == PID_FD_INDEX ? SUB_FDDIR : SUB_FILE + (uint32_t)i;
			if (emit(ctx, e->name, strlen(e->name), mkino(pid, s), IFTODT(e->mode), f->pos + 1))
				return 0;
		}
		return 0;
	}
	/* the fd directory */
	for (; p->files && f->pos - 2 < (uint64_t)p->files->size; f->pos++) {
		int fd = (int)(f->pos - 2);
		if (!fdtable_file(p->files, fd))
			continue;
		int len = ksnprintf(name, sizeof(name), "%d", fd);
		if (emit(ctx, name, (size_t)len, mkino(pid, SUB_FD + (uint32_t)fd), IFTODT(S_IFLNK),
			 f->pos + 1))
			return 0;
	}
	return 0;
}

/* ---- links ---- */

/* The target of a magic link, borrowed; NULL and *err if there is none. */
static struct inode *link_target(struct inode *ino, int *err)
{
	int pid = ino_pid(ino);
	uint32_t sub = ino_sub(ino);
	struct proc *p = live_proc(pid);
	*err = -ENOENT;
	if (!p)
		return NULL;
	if (sub >= SUB_FD) {
		struct file *f = p->files ? fdtable_file(p->files, (int)(sub - SUB_FD)) : NULL;
		return f ? f->inode : NULL;
	}
	const struct pentry *e = entry_of(ino);
	return e && e->link ? e->link(p) : NULL;
}

static int proc_get_link(struct inode *ino, struct inode **res)
{
	int err;
	struct inode *t = link_target(ino, &err);
	if (!t)
		return err;
	*res = inode_get(t);
	return 0;
}

static int proc_readlink(struct inode *ino, char *buf, size_t size)
{
	int err;
	struct inode *t = link_target(ino, &err);
	if (!t)
		return err;
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	int len = inode_name(t, path, PATH_MAX);
	if (len < 0) {
		kfree(path);
		return len;
	}
	size_t n = MIN((size_t)len, size);
	memcpy(buf, path, n);
	kfree(path);
	return (int)n;
}

const struct inode_ops procfs_pid_link_iops = {
	.readlink = proc_readlink, .get_link = proc_get_link,
};
