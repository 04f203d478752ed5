/*
 * exec.c - execve: replace the calling process's program.
 *
 * Static ELF executables only (ET_EXEC, and static-PIE ET_DYN loaded at
 * USER_PIE_BASE); a PT_INTERP (dynamic linking) is refused with ENOEXEC and
 * a log line. "#!" scripts run their interpreter (up to 4 levels). The
 * arguments are copied into the kernel first, the file is checked and its
 * headers read, and only then -- the point of no return -- is the old
 * address space replaced; every error before that leaves the caller as it
 * was, as on Linux.
 *
 * The new stack, from the top: the program path, envp and argv strings,
 * "x86_64", 16 random bytes, then (16-byte aligned) auxv, envp[], argv[],
 * argc at the initial RSP -- the System V x86-64 process entry layout.
 */
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/mm.h>
#include <synthos/page_alloc.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/synth.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/page.h>
#include <arch/switch.h>

#define ARG_MAX_BYTES (256 * 1024)   /* all strings together (Linux: stack limit / 4) */
#define ARG_STRLEN_MAX (32 * 4096)   /* one string, NUL included (Linux's MAX_ARG_STRLEN) */
#define MAX_ARGS      8192

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD   1
#define PT_INTERP 3
#define PT_PHDR   6
#define PT_GNU_STACK 0x6474e551
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ET_EXEC 2
#define ET_DYN  3

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31

/* The argument and environment strings, copied into one kernel buffer. */
struct exec_args {
	char *buf;          /* argv strings, then envp strings, each NUL-terminated */
	size_t used;
	int argc, envc;
};

static int args_add(struct exec_args *a, const char *s, bool user)
{
	size_t room = MIN(ARG_MAX_BYTES - a->used, (size_t)ARG_STRLEN_MAX);
	long n;
	if (user) {
		n = strncpy_from_user(a->buf + a->used, s, room);
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return (int)n;
	} else {
		n = (long)strlen(s);
		if ((size_t)n + 1 > room)
			return -E2BIG;
		memcpy(a->buf + a->used, s, (size_t)n + 1);
	}
	a->used += (size_t)n + 1;
	return 0;
}

static int args_add_vector(struct exec_args *a, char *const *vec, bool user, int *count)
{
	for (int i = 0; vec; i++) {
		char *p;
		if (i >= MAX_ARGS)
			return -E2BIG;
		if (user) {
			if (get_user(p, &vec[i]))
				return -EFAULT;
		} else {
			p = vec[i];
		}
		if (!p)
			break;
		int r = args_add(a, p, user);
		if (r)
			return r;
		(*count)++;
	}
	return 0;
}

/* Skip n NUL-terminated strings starting at p. */
static const char *skip_strings(const char *p, int n)
{
	while (n--)
		p += strlen(p) + 1;
	return p;
}

/* "#!interp [arg]": rewrite args to interp [arg] path argv[1..]. */
static int script_args(struct exec_args *a, const char *head, size_t len, const char *path,
		       char *interp, size_t interp_size)
{
	char line[256];
	size_t n = 0;
	for (size_t i = 2; i < len && head[i] != '\n' && n + 1 < sizeof(line); i++)
		line[n++] = head[i];
	line[n] = 0;
	char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return -ENOEXEC;
	char *end = p;
	while (*end && *end != ' ' && *end != '\t')
		end++;
	char *arg = NULL;
	if (*end) {
		*end++ = 0;
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end) {
			arg = end;
			/* Linux passes the rest of the line as one argument, trailing blanks cut. */
			char *e = arg + strlen(arg);
			while (e > arg && (e[-1] == ' ' || e[-1] == '\t'))
				*--e = 0;
		}
	}
	strlcpy(interp, p, interp_size);

	/* New buffer: interp, [arg], path, old argv[1..], envp. */
	char *old = a->buf;
	size_t old_used = a->used;
	int old_argc = a->argc;
	a->buf = kmalloc(ARG_MAX_BYTES);
	if (!a->buf) {
		a->buf = old;
		return -ENOMEM;
	}
	a->used = 0;
	a->argc = 0;
	int r = args_add(a, interp, false);
	if (!r && arg)
		r = args_add(a, arg, false);
	if (!r)
		r = args_add(a, path, false);
	a->argc = arg ? 3 : 2;
	const char *rest = old_argc > 0 ? skip_strings(old, 1) : old;
	size_t rest_len = old_used - (size_t)(rest - old);
	if (!r && a->used + rest_len > ARG_MAX_BYTES)
		r = -E2BIG;
	if (!r) {
		memcpy(a->buf + a->used, rest, rest_len);
		a->used += rest_len;
		a->argc += old_argc > 0 ? old_argc - 1 : 0;
	}
	kfree(old);
	return r;
}

static unsigned elf_prot(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

struct loaded {
	uint64_t entry, phdr, brk;
	int phnum;
};

static int load_elf(struct mm *mm, struct file *f, const struct elf64_ehdr *eh,
		    const struct elf64_phdr *ph, struct loaded *out)
{
	uint64_t bias = eh->type == ET_DYN ? USER_PIE_BASE : 0;
	uint64_t brk = 0, phdr = 0;

	for (int i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->type == PT_PHDR)
			phdr = p->vaddr + bias;
		if (p->type != PT_LOAD || p->memsz == 0)
			continue;
		if (p->filesz > p->memsz || (p->vaddr & (PAGE_SIZE - 1)) != (p->offset & (PAGE_SIZE - 1)))
			return -ENOEXEC;
		uint64_t va = p->vaddr + bias;
		if (va + p->memsz < va || va + p->memsz > USER_TOP || va < 0x10000)
			return -ENOEXEC;
		unsigned prot = elf_prot(p->flags);
		uint64_t start = ALIGN_DOWN(va, PAGE_SIZE);
		uint64_t file_end = ALIGN_UP(va + p->filesz, PAGE_SIZE);
		uint64_t mem_end = ALIGN_UP(va + p->memsz, PAGE_SIZE);
		if (p->filesz) {
			int64_t r = mm_map(mm, start, file_end - start, prot,
					   MAP_PRIVATE | MAP_FIXED, f, ALIGN_DOWN(p->offset, PAGE_SIZE));
			if (r < 0)
				return (int)r;
			/* The rest of the last file page belongs to .bss: zero it. */
			uint64_t tail = va + p->filesz;
			if (p->memsz > p->filesz && (tail & (PAGE_SIZE - 1))) {
				static const uint8_t zeros[PAGE_SIZE];
				size_t n = MIN(file_end - tail, va + p->memsz - tail);
				struct vma *v = mm_find_vma(mm, tail);
				unsigned saved = v->prot;
				v->prot |= PROT_WRITE;   /* writing on the program's behalf */
				int z = mm_copy_to(mm, tail, zeros, n);
				v->prot = saved;
				if (z)
					return z;
			}
		} else {
			file_end = start;
		}
		if (mem_end > file_end) {
			int64_t r = mm_map(mm, file_end, mem_end - file_end, prot,
					   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
			if (r < 0)
				return (int)r;
		}
		if (!phdr && p->offset == 0)
			phdr = va + eh->phoff;        /* headers are in the first segment */
		if (mem_end > brk)
			brk = mem_end;
	}
	if (!brk)
		return -ENOEXEC;
	out->entry = eh->entry + bias;
	out->phdr = phdr;
	out->phnum = eh->phnum;
	out->brk = brk;
	return 0;
}

static uint64_t hwcap(void)
{
	uint32_t a, b, c, d;
	cpuid_count(1, 0, &a, &b, &c, &d);
	return d;
}

/* Lay out argc/argv/envp/auxv on the new stack; returns the initial RSP. */
static int64_t build_stack(struct mm *mm, struct exec_args *a, const char *path,
			   const struct loaded *ld)
{
	uint64_t sp = USER_STACK_TOP;
	size_t pathlen = strlen(path) + 1;
	int r;

	sp -= pathlen;
	uint64_t execfn = sp;
	if ((r = mm_copy_to(mm, sp, path, pathlen)))
		return r;
	sp -= a->used;
	uint64_t strings = sp;
	if ((r = mm_copy_to(mm, sp, a->buf, a->used)))
		return r;
	sp -= 8;
	uint64_t platform = sp;
	if ((r = mm_copy_to(mm, sp, "x86_64", 7)))
		return r;
	sp = ALIGN_DOWN(sp, 16) - 16;
	uint64_t random = sp;
	uint8_t rnd[16];
	for (int i = 0; i < 16; i += 8) {
		uint64_t v = rdtsc() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ld->entry ^ ((uint64_t)i << 56);
		memcpy(rnd + i, &v, 8);
	}
	if ((r = mm_copy_to(mm, sp, rnd, 16)))
		return r;

	uint64_t auxv[][2] = {
		{ AT_PHDR, ld->phdr }, { AT_PHENT, sizeof(struct elf64_phdr) },
		{ AT_PHNUM, (uint64_t)ld->phnum }, { AT_PAGESZ, PAGE_SIZE },
		{ AT_BASE, 0 }, { AT_FLAGS, 0 }, { AT_ENTRY, ld->entry },
		{ AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 },
		{ AT_SECURE, 0 }, { AT_RANDOM, random }, { AT_HWCAP, hwcap() },
		{ AT_HWCAP2, 0 }, { AT_CLKTCK, 100 }, { AT_PLATFORM, platform },
		{ AT_EXECFN, execfn }, { AT_NULL, 0 },
	};
	size_t words = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + 2 * ARRAY_SIZE(auxv);
	sp = ALIGN_DOWN(sp - words * 8, 16);
	uint64_t *vec = kmalloc(words * 8);
	if (!vec)
		return -ENOMEM;
	size_t w = 0;
	vec[w++] = (uint64_t)a->argc;
	uint64_t s = strings;
	const char *k = a->buf;
	for (int i = 0; i < a->argc; i++) {
		vec[w++] = s;
		size_t l = strlen(k) + 1;
		s += l;
		k += l;
	}
	vec[w++] = 0;
	mm->arg_start = strings;
	mm->arg_end = s;
	for (int i = 0; i < a->envc; i++) {
		vec[w++] = s;
		size_t l = strlen(k) + 1;
		s += l;
		k += l;
	}
	vec[w++] = 0;
	mm->env_start = mm->arg_end;
	mm->env_end = s;
	for (size_t i = 0; i < ARRAY_SIZE(auxv); i++) {
		vec[w++] = auxv[i][0];
		vec[w++] = auxv[i][1];
	}
	r = mm_copy_to(mm, sp, vec, words * 8);
	kfree(vec);
	return r ? r : (int64_t)sp;
}

static int read_headers(struct file *f, struct elf64_ehdr *eh, struct elf64_phdr **php)
{
	if (eh->ident[4] != 2 || eh->ident[5] != 1 || eh->machine != 62 ||
	    (eh->type != ET_EXEC && eh->type != ET_DYN) ||
	    eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 || eh->phnum > 128)
		return -ENOEXEC;
	size_t size = (size_t)eh->phnum * sizeof(struct elf64_phdr);
	struct elf64_phdr *ph = kmalloc(size);
	if (!ph)
		return -ENOMEM;
	if (kernel_read(f, ph, size, eh->phoff) != (ssize_t)size) {
		kfree(ph);
		return -ENOEXEC;
	}
	for (int i = 0; i < eh->phnum; i++)
		if (ph[i].type == PT_INTERP) {
			pr_info("exec: dynamically linked programs are not supported (PT_INTERP)\n");
			kfree(ph);
			return -ENOEXEC;
		}
	*php = ph;
	return 0;
}

static void set_comm(struct task *t, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	strlcpy(t->comm, base, sizeof(t->comm));
	strlcpy(t->proc->comm, base, sizeof(t->proc->comm));
}

/* Everything from the point of no return on. */
static void commit_exec(struct mm *mm, const struct loaded *ld, uint64_t sp,
			struct exec_args *a, const char *path, struct trap_frame *regs)
{
	struct task *t = current;
	struct proc *p = t->proc;

	/* Other threads leave (they never return to user mode). */
	struct list_head *pos;
	list_for_each(pos, &p->threads) {
		struct task *o = list_entry(pos, struct task, thread_link);
		if (o != t) {
			o->exit_now = true;
			send_signal_task(o, SIGKILL, NULL);
		}
	}
	struct mm *old = p->mm;
	mm->brk_start = mm->brk = ld->brk;
	mm->stack_top = USER_STACK_TOP;
	p->mm = mm;
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(mm_pml4_phys(mm)) : "memory");
	mm_put(old);

	fdtable_close_on_exec(p->files);
	sighand_exec_reset(p->sighand);
	t->altstack = (struct sigaltstack_k){ 0, SS_DISABLE, 0 };
	t->clear_child_tid = NULL;
	t->robust_list = NULL;
	t->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	t->gs_base = 0;
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	synth_thread_exit(t);                  /* back to the generic table */
	arch_fpu_init(t);
	__asm__ __volatile__("fxrstor64 %0" : : "m"(t->fpu));
	set_comm(t, path);
	proc_set_cmdline(p, a->buf, (size_t)(skip_strings(a->buf, a->argc) - a->buf));

	memset(regs, 0, sizeof(*regs));
	regs->rip = ld->entry;
	regs->rsp = sp;
	regs->cs = USER_CS;
	regs->ss = USER_DS;
	regs->rflags = 0x202;
	regs->vector = 0;

	if (!p->vfork_done) {
		p->vfork_done = true;
		wake_up(&p->vfork_wq);
	}
}

static int exec_file(const char *path, struct exec_args *a, struct trap_frame *regs, int depth)
{
	int err;
	struct file *f = vfs_open(path, O_RDONLY, 0, &err);
	if (!f)
		return err;
	err = vfs_may_exec(f);
	if (err)
		goto out;
	char head[256];
	ssize_t n = kernel_read(f, head, sizeof(head), 0);
	if (n < 0) {
		err = (int)n;
		goto out;
	}
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		char interp[256];
		if (depth >= 4) {
			err = -ELOOP;
			goto out;
		}
		err = script_args(a, head, (size_t)n, path, interp, sizeof(interp));
		if (!err)
			err = exec_file(interp, a, regs, depth + 1);
		goto out;
	}
	struct elf64_ehdr eh;
	if ((size_t)n < sizeof(eh) || memcmp(head, "\177ELF", 4) != 0) {
		err = -ENOEXEC;
		goto out;
	}
	memcpy(&eh, head, sizeof(eh));
	struct elf64_phdr *ph;
	err = read_headers(f, &eh, &ph);
	if (err)
		goto out;

	struct mm *mm = mm_new();
	struct loaded ld = { 0 };
	err = mm ? load_elf(mm, f, &eh, ph, &ld) : -ENOMEM;
	kfree(ph);
	int64_t sp = 0;
	if (!err) {
		int64_t r = mm_map(mm, USER_STACK_TOP - USER_STACK_MAX, USER_STACK_MAX,
				   PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, NULL, 0);
		err = r < 0 ? (int)r : 0;
	}
	if (!err) {
		sp = build_stack(mm, a, path, &ld);
		if (sp < 0)
			err = (int)sp;
	}
	if (err) {
		if (mm)
			mm_put(mm);
		goto out;
	}
	commit_exec(mm, &ld, (uint64_t)sp, a, path, regs);
out:
	file_put(f);
	return err;
}

int do_execve(const char *path, char *const argv[], char *const envp[], struct trap_frame *regs)
{
	struct exec_args a = { 0 };
	a.buf = kmalloc(ARG_MAX_BYTES);
	if (!a.buf)
		return -ENOMEM;
	int err = args_add_vector(&a, argv, false, &a.argc);
	if (!err)
		err = args_add_vector(&a, envp, false, &a.envc);
	if (!err)
		err = exec_file(path, &a, regs, 0);
	kfree(a.buf);
	return err;
}

SYSCALL_DEFINE3(execve, const char *, upath, char *const *, uargv, char *const *, uenvp)
{
	char *path = kmalloc(PATH_MAX);
	struct exec_args a = { 0 };
	if (!path)
		return -ENOMEM;
	long n = strncpy_from_user(path, upath, PATH_MAX);
	int err = n < 0 ? (int)n : n == 0 ? -ENOENT : 0;
	if (!err) {
		a.buf = kmalloc(ARG_MAX_BYTES);
		err = a.buf ? 0 : -ENOMEM;
	}
	if (!err)
		err = args_add_vector(&a, uargv, true, &a.argc);
	if (!err)
		err = args_add_vector(&a, uenvp, true, &a.envc);
	if (!err)
		err = exec_file(path, &a, current->regs, 0);
	kfree(a.buf);
	kfree(path);
	return err;
}
