/*
 * procfs.c - a small /proc: the "proc" filesystem type, mounted on /proc
 * by the VFS. This file has the machinery and the top level; the
 * directories below it have their own files:
 *
 *   /proc/self                    symlink to the caller's pid
 *   /proc/meminfo uptime loadavg stat cpuinfo version mounts cmdline
 *         filesystems
 *   /proc/<pid>/...               procfs_pid.c
 *   /proc/synth/...               procfs_synth.c (the synthesized code)
 *
 * The text of each file is laid out as Linux lays it out, because BusyBox
 * ps, top, free and uptime parse it with scanf-style code.
 *
 * Nothing is cached. An inode is made by each lookup and freed by its last
 * put (drop_inode); what it stands for is encoded in its inode number:
 * (pid << 32) | sub, pid 0 for the top level and /proc/synth (procfs.h
 * lists the sub-numbers). Lookups and readdir of a directory below the top
 * go to the file that owns it. A file's contents are generated whole when
 * it is opened (a snapshot, like Linux's single_open) into a buffer in
 * f->priv, so reads at any offset see one consistent state. A pid that is
 * gone gives ESRCH at open, a retired region ENOENT; lookups of either
 * ENOENT.
 *
 * Locking: none of its own. It reads process fields in process context on
 * the one CPU of a non-preemptive kernel, where they cannot change under
 * it while it does not sleep (it never does).
 */
#include <synthos/bootinfo.h>
#include <synthos/devices.h>
#include <synthos/errno.h>
#include <synthos/format.h>
#include <synthos/page_alloc.h>
#include <synthos/proc.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/time.h>
#include <synthos/version.h>
#include <synthos/vfs.h>
#include <arch/cpu.h>
#include <arch/interrupts.h>
#include <arch/page.h>
#include "procfs.h"

#define PROC_SUPER_MAGIC 0x9fa0

extern uint64_t context_switches;       /* kernel/sched.c */

/* ---- text buffers ---- */

static void pb_grow(struct pbuf *b, size_t need)
{
	if (b->oom || b->len + need + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + need + 1)
		cap *= 2;
	char *n = kmalloc(cap);
	if (!n) {
		b->oom = true;
		return;
	}
	if (b->len)
		memcpy(n, b->buf, b->len);
	kfree(b->buf);
	b->buf = n;
	b->cap = cap;
}

void pb_write(struct pbuf *b, const void *s, size_t n)
{
	pb_grow(b, n);
	if (b->oom)
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
}

__printf(2, 3) void pb_printf(struct pbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		pb_write(b, tmp, (size_t)n);
		return;
	}
	pb_grow(b, (size_t)n);
	if (b->oom)
		return;
	va_start(ap, fmt);
	kvsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ---- top-level files ---- */

static void meminfo_line(struct pbuf *b, const char *name, uint64_t kb)
{
	char label[20];
	ksnprintf(label, sizeof(label), "%s:", name);
	pb_printf(b, "%-15s %8lu kB\n", label, kb);
}

static void gen_meminfo(struct pbuf *b, struct proc *unused)
{
	uint64_t kpp = PAGE_SIZE / 1024;
	uint64_t total = page_alloc_total_pages() * kpp, free = page_alloc_free_pages() * kpp;
	uint64_t slab = kmalloc_bytes_in_use() / 1024;
	meminfo_line(b, "MemTotal", total);
	meminfo_line(b, "MemFree", free);
	meminfo_line(b, "MemAvailable", free);
	meminfo_line(b, "Buffers", 0);
	meminfo_line(b, "Cached", 0);
	meminfo_line(b, "SwapCached", 0);
	meminfo_line(b, "Active", total - free);
	meminfo_line(b, "Inactive", 0);
	meminfo_line(b, "SwapTotal", 0);
	meminfo_line(b, "SwapFree", 0);
	meminfo_line(b, "Dirty", 0);
	meminfo_line(b, "Writeback", 0);
	meminfo_line(b, "AnonPages", 0);
	meminfo_line(b, "Mapped", 0);
	meminfo_line(b, "Shmem", 0);
	meminfo_line(b, "Slab", slab);
	meminfo_line(b, "SReclaimable", 0);
	meminfo_line(b, "SUnreclaim", slab);
	meminfo_line(b, "KernelStack", 0);
	meminfo_line(b, "PageTables", 0);
	meminfo_line(b, "CommitLimit", total);
	meminfo_line(b, "Committed_AS", total - free);
	meminfo_line(b, "VmallocTotal", 0);
	meminfo_line(b, "VmallocUsed", 0);
}

struct sysstats {
	uint64_t user, system;
	int tasks, running, blocked, last_pid;
};

static int sysstats_fn(struct proc *p, void *ctx)
{
	struct sysstats *s = ctx;
	uint64_t ut, st;
	struct list_head *pos;
	proc_times(p, &ut, &st);
	s->user += ut;
	s->system += st;
	if (p->pid > s->last_pid)
		s->last_pid = p->pid;
	list_for_each(pos, &p->threads) {
		struct task *t = list_entry(pos, struct task, thread_link);
		s->tasks++;
		if (t->state == TASK_RUNNING)
			s->running++;
		else if (t->state == TASK_UNINTERRUPTIBLE)
			s->blocked++;
	}
	return 0;
}

/*
 * CPU time split for /proc/stat and /proc/uptime. Times of exited
 * processes are not kept anywhere, so the sums of the living are made
 * monotonic here (top and vmstat subtract successive readings).
 */
static void cpu_times(uint64_t *user, uint64_t *system, uint64_t *idle, struct sysstats *s)
{
	static uint64_t hw_user, hw_system, hw_idle;
	memset(s, 0, sizeof(*s));
	proc_for_each(sysstats_fn, s);
	uint64_t now = jiffies;
	if (s->user > hw_user)
		hw_user = s->user;
	if (s->system > hw_system)
		hw_system = s->system;
	uint64_t busy = hw_user + hw_system;
	uint64_t id = now > busy ? now - busy : 0;
	if (id > hw_idle)
		hw_idle = id;
	*user = hw_user;
	*system = hw_system;
	*idle = hw_idle;
}

static void gen_uptime(struct pbuf *b, struct proc *unused)
{
	uint64_t up = time_ns(), u, s, idle;
	struct sysstats st;
	cpu_times(&u, &s, &idle, &st);
	uint64_t up_cs = up / (NSEC_PER_SEC / 100);
	uint64_t idle_cs = idle * 100 / HZ;
	pb_printf(b, "%lu.%02lu %lu.%02lu\n", up_cs / 100, up_cs % 100, idle_cs / 100, idle_cs % 100);
}

static void gen_loadavg(struct pbuf *b, struct proc *unused)
{
	struct sysstats s;
	memset(&s, 0, sizeof(s));
	proc_for_each(sysstats_fn, &s);
	/* No load average is computed yet; the run counts are real. */
	pb_printf(b, "0.00 0.00 0.00 %d/%d %d\n", s.running, s.tasks, s.last_pid);
}

static void gen_stat(struct pbuf *b, struct proc *unused)
{
	uint64_t u, sy, idle, intr = 0;
	struct sysstats s;
	cpu_times(&u, &sy, &idle, &s);
	for (int i = 0; i < 256; i++)
		intr += irq_counts[i];
	int64_t btime = vfs_now().sec - (int64_t)(time_ns() / NSEC_PER_SEC);
	for (int line = 0; line < 2; line++)
		pb_printf(b, "%s %lu 0 %lu %lu 0 0 0 0 0 0\n", line ? "cpu0" : "cpu ", u, sy, idle);
	pb_printf(b, "intr %lu\nctxt %lu\nbtime %ld\nprocesses %d\nprocs_running %d\n"
		  "procs_blocked %d\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		  intr, context_switches, btime, s.last_pid, s.running ? s.running : 1, s.blocked);
}

static void gen_cpuinfo(struct pbuf *b, struct proc *unused)
{
	struct cpu_features *c = &cpu_features;
	uint64_t khz = time_tsc_hz() / 1000;
	pb_printf(b, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
		  "model name\t: %s\nstepping\t: %u\ncpu MHz\t\t: %lu.%03lu\ncache size\t: 0 KB\n"
		  "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n"
		  "apicid\t\t: 0\ninitial apicid\t: 0\nfpu\t\t: yes\nfpu_exception\t: yes\n"
		  "cpuid level\t: 13\nwp\t\t: yes\nflags\t\t: fpu tsc msr pae cx8 apic sep pge cmov"
		  " pat clflush mmx fxsr sse sse2 syscall%s lm%s%s%s%s%s%s\n",
		  c->vendor, c->family, c->model, c->brand[0] ? c->brand : "unknown",
		  c->stepping, khz / 1000, khz % 1000,
		  c->nx ? " nx" : "", c->hypervisor ? " hypervisor" : "",
		  c->pcid ? " pcid" : "", c->x2apic ? " x2apic" : "",
		  c->fsgsbase ? " fsgsbase" : "", c->smep ? " smep" : "", c->smap ? " smap" : "");
	pb_printf(b, "bogomips\t: %lu.%02lu\nclflush size\t: 64\ncache_alignment\t: 64\n"
		  "address sizes\t: 48 bits physical, 48 bits virtual\npower management:\n\n",
		  khz * 2 / 1000, (khz * 2 / 10) % 100);
}

static void gen_version(struct pbuf *b, struct proc *unused)
{
	pb_printf(b, "synthos version %s (gcc) #1 SMP PREEMPT_NONE\n", SYNTHOS_VERSION);
}

static int mounts_fn(struct super_block *sb, const char *path, void *ctx)
{
	struct pbuf *b = ctx;
	const char *type = sb->type ? sb->type->name : (sb->covered ? "tmpfs" : "rootfs");
	const char *src = sb->source[0] ? sb->source : type;
	pb_printf(b, "%s %s %s %s 0 0\n", src, path, type, (sb->flags & 1) ? "ro" : "rw");
	return 0;
}

void gen_mounts(struct pbuf *b, struct proc *unused)
{
	vfs_for_each_mount(mounts_fn, b);
}

/* ---- the top level ---- */

/* /proc/cmdline: the kernel command line, as the loader gave it. */
static void gen_cmdline(struct pbuf *b, struct proc *unused)
{
	pb_printf(b, "%s\n", boot_info.cmdline);
}

/* /proc/filesystems: the types mount(2) accepts. */
static void gen_filesystems(struct pbuf *b, struct proc *unused)
{
	pb_printf(b, "nodev\tramfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\n");
}

static const struct pentry root_entries[] = {
	{ "meminfo", S_IFREG | 0444, gen_meminfo, NULL },
	{ "uptime", S_IFREG | 0444, gen_uptime, NULL },
	{ "loadavg", S_IFREG | 0444, gen_loadavg, NULL },
	{ "stat", S_IFREG | 0444, gen_stat, NULL },
	{ "cpuinfo", S_IFREG | 0444, gen_cpuinfo, NULL },
	{ "version", S_IFREG | 0444, gen_version, NULL },
	{ "mounts", S_IFREG | 0444, gen_mounts, NULL },
	{ "cmdline", S_IFREG | 0444, gen_cmdline, NULL },
	{ "filesystems", S_IFREG | 0444, gen_filesystems, NULL },
};

/* A process that has not been reaped (a zombie still has its directory). */
struct proc *live_proc(int pid)
{
	struct proc *p = proc_find(pid);
	return p && p->state != PROC_REAPED ? p : NULL;
}

static const struct inode_ops proc_dir_iops, proc_self_iops;
static const struct file_ops proc_dir_fops, proc_file_fops;

struct inode *proc_inode(struct super_block *sb, int pid, uint32_t sub, uint32_t mode)
{
	struct inode *ino = inode_alloc(sb, mode);
	if (!ino)
		return NULL;
	ino->ino = mkino(pid, sub);
	if (S_ISDIR(mode)) {
		ino->nlink = 2;
		ino->iops = &proc_dir_iops;
		ino->fops = &proc_dir_fops;
	} else if (S_ISLNK(mode)) {
		ino->iops = sub == SUB_SELF ? &proc_self_iops : &procfs_pid_link_iops;
	} else {
		ino->fops = &proc_file_fops;
	}
	struct proc *p = pid ? live_proc(pid) : NULL;
	if (p) {
		struct vfs_time t = { (int64_t)(p->start_ns / NSEC_PER_SEC), 0 };
		t.sec += vfs_now().sec - (int64_t)(time_ns() / NSEC_PER_SEC);
		ino->atime = ino->mtime = ino->ctime = ino->btime = t;
	}
	return ino;
}

/* The root_entries or pid_entries entry an inode stands for, or NULL. */
const struct pentry *entry_of(const struct inode *ino)
{
	uint32_t sub = ino_sub(ino);
	if (sub < SUB_FILE || sub >= SUB_FD)
		return NULL;
	size_t i = sub - SUB_FILE;
	if (ino_pid(ino) == 0)
		return i < ARRAY_SIZE(root_entries) ? &root_entries[i] : NULL;
	return i < pid_nentries ? &pid_entries[i] : NULL;
}

bool name_is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(name, s, len);
}

/* A decimal number without sign or leading zeros, or -1. */
long parse_num(const char *name, size_t len)
{
	long v = 0;
	if (!len || len > 9 || (name[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

/* Names in /proc itself; the directories below answer for themselves. */
static int proc_lookup(struct inode *dir, const char *name, size_t len, struct inode **res)
{
	struct super_block *sb = dir->sb;
	struct inode *ino;

	if (procfs_synth_ino(dir))
		return procfs_synth_lookup(dir, name, len, res);
	if (ino_pid(dir))
		return procfs_pid_lookup(dir, name, len, res);
	if (name_is(name, len, "..")) {
		ino = inode_get(sb->root);
	} else if (name_is(name, len, "self")) {
		ino = proc_inode(sb, 0, SUB_SELF, S_IFLNK | 0777);
	} else if (name_is(name, len, "synth")) {
		ino = proc_inode(sb, 0, SUB_SYNTH, S_IFDIR | 0555);
	} else {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(root_entries); i++)
			if (name_is(name, len, root_entries[i].name))
				break;
		if (i < ARRAY_SIZE(root_entries)) {
			ino = proc_inode(sb, 0, SUB_FILE + (uint32_t)i, root_entries[i].mode);
		} else {
			long n = parse_num(name, len);
			if (n <= 0 || !live_proc((int)n))
				return -ENOENT;
			ino = proc_inode(sb, (int)n, SUB_DIR, S_IFDIR | 0555);
		}
	}
	if (!ino)
		return -ENOMEM;
	*res = ino;
	return 0;
}

struct next_pid {
	int above, found;
};

static int next_pid_fn(struct proc *p, void *ctx)
{
	struct next_pid *n = ctx;
	if (p->state != PROC_REAPED && p->pid >= n->above && (!n->found || p->pid < n->found))
		n->found = p->pid;
	return 0;
}

/* The fixed names of /proc besides root_entries, listed after them. */
static const struct {
	const char *name;
	uint32_t sub, mode;
} root_extra[] = {
	{ "self", SUB_SELF, S_IFLNK },
	{ "synth", SUB_SYNTH, S_IFDIR },
};

/*
 * Positions in /proc: 0 and 1 are the dots, 2.. the fixed entries, then
 * the pid directories at PID_POS + pid, so a reader's offset stays
 * meaningful while processes come and go.
 */
#define PID_POS 1000

static int proc_iterate(struct file *f, dir_emit_t emit, void *ctx)
{
	struct inode *dir = f->inode;
	const size_t nroot = ARRAY_SIZE(root_entries);
	char name[16];

	if (procfs_synth_ino(dir))
		return procfs_synth_iterate(f, emit, ctx);
	if (ino_pid(dir))
		return procfs_pid_iterate(f, emit, ctx);
	if (dir_emit_dots(f, emit, ctx, dir->ino))
		return 0;
	for (; f->pos < 2 + nroot + ARRAY_SIZE(root_extra); f->pos++) {
		size_t i = f->pos - 2;
		const char *n = i < nroot ? root_entries[i].name : root_extra[i - nroot].name;
		uint32_t sub = i < nroot ? SUB_FILE + (uint32_t)i : root_extra[i - nroot].sub;
		uint32_t mode = i < nroot ? root_entries[i].mode : root_extra[i - nroot].mode;
		if (emit(ctx, n, strlen(n), mkino(0, sub), IFTODT(mode), f->pos + 1))
			return 0;
	}
	if (f->pos < PID_POS)
		f->pos = PID_POS;
	for (;;) {
		struct next_pid n = { (int)(f->pos - PID_POS), 0 };
		proc_for_each(next_pid_fn, &n);
		if (!n.found)
			return 0;
		int len = ksnprintf(name, sizeof(name), "%d", n.found);
		if (emit(ctx, name, (size_t)len, mkino(n.found, SUB_DIR), IFTODT(S_IFDIR),
			 PID_POS + (uint64_t)n.found + 1))
			return 0;
		f->pos = PID_POS + (uint64_t)n.found + 1;
	}
}

/* /proc/self: a plain symlink; the walk follows its text, "<pid>". */
static int proc_self_readlink(struct inode *ino, char *buf, size_t size)
{
	char tmp[16];
	int len = ksnprintf(tmp, sizeof(tmp), "%d", current->proc->pid);
	size_t n = MIN((size_t)len, size);
	memcpy(buf, tmp, n);
	return (int)n;
}

static const struct inode_ops proc_dir_iops = { .lookup = proc_lookup };
static const struct inode_ops proc_self_iops = { .readlink = proc_self_readlink };

/* ---- file contents ---- */

struct proc_text {
	size_t len;
	char *buf;
};

static int proc_file_open(struct inode *ino, struct file *f)
{
	const struct pentry *e = entry_of(ino);
	struct proc *p = NULL;
	bool synth = procfs_synth_ino(ino);
	if (!synth && (!e || !e->gen))
		return -ENOENT;
	if (ino_pid(ino) && !(p = live_proc(ino_pid(ino))))
		return -ESRCH;
	if ((f->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	struct pbuf b = { 0 };
	int err = 0;
	if (synth)
		err = procfs_synth_gen(ino, &b);
	else
		e->gen(&b, p);
	struct proc_text *t = err ? NULL : kmalloc(sizeof(*t));
	if (err || b.oom || !t) {
		kfree(b.buf);
		kfree(t);
		return err ? err : -ENOMEM;
	}
	t->buf = b.buf;
	t->len = b.len;
	f->priv = t;
	return 0;
}

static ssize_t proc_file_read(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	struct proc_text *t = f->priv;
	if (!t || *pos >= t->len)
		return 0;
	size_t k = MIN(n, t->len - (size_t)*pos);
	if (uio_copy_out(u, t->buf + *pos, k))
		return -EFAULT;
	*pos += k;
	return (ssize_t)k;
}

static int64_t proc_file_llseek(struct file *f, int64_t off, int whence)
{
	struct proc_text *t = f->priv;
	int64_t base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->pos; break;
	case SEEK_END: base = t ? (int64_t)t->len : 0; break;
	default: return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

static void proc_file_release(struct file *f)
{
	struct proc_text *t = f->priv;
	if (t) {
		kfree(t->buf);
		kfree(t);
	}
	f->priv = NULL;
}

static const struct file_ops proc_file_fops = {
	.open = proc_file_open, .read = proc_file_read, .llseek = proc_file_llseek,
	.release = proc_file_release,
};

static const struct file_ops proc_dir_fops = {
	.llseek = generic_file_llseek, .iterate = proc_iterate,
};

/* ---- the filesystem type ---- */

static void proc_drop_inode(struct inode *ino)
{
	inode_free(ino);
}

static void proc_statfs(struct super_block *sb, struct kstatfs *st)
{
	st->type = PROC_SUPER_MAGIC;
	st->bsize = PAGE_SIZE;
	st->namelen = NAME_MAX;
}

static void proc_kill_sb(struct super_block *sb)
{
	struct inode *root = sb->root;
	sb->root = NULL;
	inode_put(root);
}

static const struct super_ops proc_super_ops = {
	.drop_inode = proc_drop_inode, .statfs = proc_statfs, .kill_sb = proc_kill_sb,
};

static int proc_mount(struct fs_type *t, const char *source, unsigned long flags,
		      const void *data, struct super_block **res)
{
	struct super_block *sb = sb_alloc(&proc_super_ops, PROC_SUPER_MAGIC);
	if (!sb)
		return -ENOMEM;
	sb->type = t;
	sb->root = proc_inode(sb, 0, SUB_ROOT, S_IFDIR | 0555);
	if (!sb->root) {
		kfree(sb);
		return -ENOMEM;
	}
	*res = sb;
	return 0;
}

static struct fs_type proc_fs_type = {
	.name = "proc", .auto_mount = "/proc", .mount = proc_mount,
};

void procfs_init(void)
{
	vfs_register_fs(&proc_fs_type);
}
