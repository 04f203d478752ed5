/*
 * procfs.c - a small /proc: the "proc" filesystem type, mounted on /proc
 * by the VFS.
 *
 *   /proc/self                    symlink to the caller's pid
 *   /proc/meminfo uptime loadavg stat cpuinfo version mounts
 *   /proc/<pid>/stat status statm cmdline comm maps mounts
 *   /proc/<pid>/exe cwd root      "magic" links (get_link: the inode itself)
 *   /proc/<pid>/fd/<n>            magic links to the open files
 *
 * The text of each file is laid out as Linux lays it out, because BusyBox
 * ps, top, free and uptime parse it with scanf-style code.
 *
 * Nothing is cached. An inode is made by each lookup and freed by its last
 * put (drop_inode); what it stands for is encoded in its inode number:
 * (pid << 32) | sub, pid 0 for the top level. A file's text is generated
 * whole when it is opened (a snapshot, like Linux's single_open) into a
 * buffer in f->priv, so reads at any offset see one consistent state. A
 * pid that is gone gives ESRCH at open, and lookups of it ENOENT.
 *
 * Locking: none of its own. It reads process fields in process context on
 * the one CPU of a non-preemptive kernel, where they cannot change under
 * it while it does not sleep (it never does).
 */
#include <synthos/devices.h>
#include <synthos/errno.h>
#include <synthos/format.h>
#include <synthos/mm.h>
#include <synthos/page_alloc.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/bootinfo.h>
#include <synthos/slab.h>
#include <synthos/synth.h>
#include <synthos/string.h>
#include <synthos/time.h>
#include <synthos/version.h>
#include <synthos/vfs.h>
#include <arch/cpu.h>
#include <arch/interrupts.h>
#include <arch/page.h>

#define PROC_SUPER_MAGIC 0x9fa0

/* sub-numbers: what an inode stands for, besides its pid */
#define SUB_DIR      0          /* /proc/<pid> (pid > 0) */
#define SUB_ROOT     1          /* /proc itself (pid 0): inode number 1 */
#define SUB_SELF     2
#define SUB_FDDIR    3
#define SUB_FILE     16         /* + index in root_entries / pid_entries */
#define SUB_FD       0x10000    /* + descriptor */

extern uint64_t context_switches;       /* kernel/sched.c */

/* ---- text buffers ---- */

struct pbuf {
	char *buf;
	size_t len, cap;
	bool oom;
};

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

static void pb_write(struct pbuf *b, const void *s, size_t n)
{
	pb_grow(b, n);
	if (b->oom)
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
}

static __printf(2, 3) void pb_printf(struct pbuf *b, const char *fmt, ...)
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

static void proc_times(struct proc *p, uint64_t *ut, uint64_t *st)
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
	if (S_ISFIFO(t->mode) && t->nlink == 0)
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

static void gen_mounts(struct pbuf *b, struct proc *unused)
{
	vfs_for_each_mount(mounts_fn, b);
}

/* ---- the directory tables ---- */

struct pentry {
	const char *name;
	uint32_t mode;
	void (*gen)(struct pbuf *b, struct proc *p);
	/* magic links: the target inode (borrowed) */
	struct inode *(*link)(struct proc *p);
};

static struct inode *link_exe(struct proc *p) { return proc_exe_inode(p); }
static struct inode *link_cwd(struct proc *p) { return p->fs ? p->fs->cwd : NULL; }
static struct inode *link_root(struct proc *p) { return p->fs ? p->fs->root : NULL; }

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

/* /proc/synth: the live synthesized regions (synth/synth.c). */
static void gen_synth(struct pbuf *b, struct proc *unused)
{
	size_t n = synth_format(NULL, 0);
	char *tmp = kmalloc(n + 1);
	if (!tmp)
		return;
	synth_format(tmp, n + 1);
	pb_write(b, tmp, n);
	kfree(tmp);
}

static const struct pentry root_entries[] = {
	{ "meminfo", S_IFREG | 0444, gen_meminfo, NULL },
	{ "uptime", S_IFREG | 0444, gen_uptime, NULL },
	{ "loadavg", S_IFREG | 0444, gen_loadavg, NULL },
	{ "stat", S_IFREG | 0444, gen_stat, NULL },
	{ "cpuinfo", S_IFREG | 0444, gen_cpuinfo, NULL },
	{ "version", S_IFREG | 0444, gen_version, NULL },
	{ "mounts", S_IFREG | 0444, gen_mounts, NULL },
	{ "synth", S_IFREG | 0444, gen_synth, NULL },
	{ "cmdline", S_IFREG | 0444, gen_cmdline, NULL },
	{ "filesystems", S_IFREG | 0444, gen_filesystems, NULL },
};

#define PID_FD_INDEX 0          /* "fd" is special-cased: a directory */
static const struct pentry pid_entries[] = {
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

static int ino_pid(const struct inode *ino) { return (int)(ino->ino >> 32); }
static uint32_t ino_sub(const struct inode *ino) { return (uint32_t)ino->ino; }
static uint64_t mkino(int pid, uint32_t sub) { return ((uint64_t)pid << 32) | sub; }

static struct proc *live_proc(int pid)
{
	struct proc *p = proc_find(pid);
	return p && p->state != PROC_REAPED ? p : NULL;
}

static const struct inode_ops proc_dir_iops, proc_link_iops, proc_self_iops;
static const struct file_ops proc_dir_fops, proc_file_fops;

static struct inode *proc_inode(struct super_block *sb, int pid, uint32_t sub, uint32_t mode)
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
		ino->iops = sub == SUB_SELF ? &proc_self_iops : &proc_link_iops;
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

static const struct pentry *entry_of(const struct inode *ino)
{
	uint32_t sub = ino_sub(ino);
	if (sub < SUB_FILE || sub >= SUB_FD)
		return NULL;
	size_t i = sub - SUB_FILE;
	if (ino_pid(ino) == 0)
		return i < ARRAY_SIZE(root_entries) ? &root_entries[i] : NULL;
	return i < ARRAY_SIZE(pid_entries) ? &pid_entries[i] : NULL;
}

static bool name_is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(name, s, len);
}

/* A decimal number without sign or leading zeros, or -1. */
static long parse_num(const char *name, size_t len)
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

static int proc_lookup(struct inode *dir, const char *name, size_t len, struct inode **res)
{
	int pid = ino_pid(dir);
	uint32_t sub = ino_sub(dir);
	struct super_block *sb = dir->sb;
	struct inode *ino = NULL;

	if (name_is(name, len, "..")) {
		if (pid && sub == SUB_FDDIR)
			ino = proc_inode(sb, pid, SUB_DIR, S_IFDIR | 0555);
		else
			ino = inode_get(sb->root);
		goto out;
	}
	if (pid == 0) {                         /* the root */
		if (name_is(name, len, "self")) {
			ino = proc_inode(sb, 0, SUB_SELF, S_IFLNK | 0777);
			goto out;
		}
		for (size_t i = 0; i < ARRAY_SIZE(root_entries); i++)
			if (name_is(name, len, root_entries[i].name)) {
				ino = proc_inode(sb, 0, SUB_FILE + (uint32_t)i, root_entries[i].mode);
				goto out;
			}
		long n = parse_num(name, len);
		if (n <= 0 || !live_proc((int)n))
			return -ENOENT;
		ino = proc_inode(sb, (int)n, SUB_DIR, S_IFDIR | 0555);
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

struct iter_state {
	struct file *f;
	dir_emit_t emit;
	void *ctx;
};

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

/*
 * Positions: 0 and 1 are the dots, 2.. the fixed entries, then (root) pid
 * dirs at PID_POS + pid or (fd dir) descriptors at 2 + fd, so a reader's
 * offset stays meaningful while processes and descriptors come and go.
 */
#define PID_POS 1000

static int proc_iterate(struct file *f, dir_emit_t emit, void *ctx)
{
	struct inode *dir = f->inode;
	int pid = ino_pid(dir);
	uint32_t sub = ino_sub(dir);
	char name[16];
	uint64_t parent = pid ? (sub == SUB_FDDIR ? mkino(pid, SUB_DIR) : dir->sb->root->ino)
			      : dir->ino;

	if (dir_emit_dots(f, emit, ctx, parent))
		return 0;
	if (pid == 0) {
		for (; f->pos < 2 + ARRAY_SIZE(root_entries) + 1; f->pos++) {
			size_t i = f->pos - 2;
			if (i == ARRAY_SIZE(root_entries)) {
				if (emit(ctx, "self", 4, mkino(0, SUB_SELF), IFTODT(S_IFLNK), f->pos + 1))
					return 0;
				continue;
			}
			const struct pentry *e = &root_entries[i];
			if (emit(ctx, e->name, strlen(e->name), mkino(0, SUB_FILE + (uint32_t)i),
				 IFTODT(e->mode), f->pos + 1))
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

/* The target of a link inode, borrowed; NULL for /proc/self. */
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
	char *path = kmalloc(PATH_MAX);
	int len, err;
	if (!path)
		return -ENOMEM;
	if (ino_sub(ino) == SUB_SELF) {
		len = ksnprintf(path, PATH_MAX, "%d", current->proc->pid);
	} else {
		struct inode *t = link_target(ino, &err);
		if (!t) {
			kfree(path);
			return err;
		}
		len = inode_name(t, path, PATH_MAX);
	}
	if (len < 0) {
		kfree(path);
		return len;
	}
	size_t n = MIN((size_t)len, size);
	memcpy(buf, path, n);
	kfree(path);
	return (int)n;
}

static const struct inode_ops proc_dir_iops = { .lookup = proc_lookup };
static const struct inode_ops proc_link_iops = {
	.readlink = proc_readlink, .get_link = proc_get_link,
};
/* /proc/self is a plain symlink: the walk follows its text, "<pid>". */
static const struct inode_ops proc_self_iops = { .readlink = proc_readlink };

/* ---- file contents ---- */

struct proc_text {
	size_t len;
	char *buf;
};

static int proc_file_open(struct inode *ino, struct file *f)
{
	const struct pentry *e = entry_of(ino);
	struct proc *p = NULL;
	if (!e || !e->gen)
		return -ENOENT;
	if (ino_pid(ino) && !(p = live_proc(ino_pid(ino))))
		return -ESRCH;
	if ((f->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	struct pbuf b = { 0 };
	e->gen(&b, p);
	struct proc_text *t = kmalloc(sizeof(*t));
	if (b.oom || !t) {
		kfree(b.buf);
		kfree(t);
		return -ENOMEM;
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
