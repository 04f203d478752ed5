/*
 * init.c - the first user process.
 *
 * start_init() builds process 1 by hand (no parent to fork from): a fresh
 * address space, descriptor table with the console on 0, 1 and 2, cwd "/",
 * default signal actions and resource limits. Its thread starts in the
 * kernel, execs init= (default /init, then the places Linux looks), and
 * returns to user mode into the new program. If nothing can be run, the
 * kernel monitor takes over the console instead, so the machine stays
 * usable for debugging.
 */
#include <synthos/cmdline.h>
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/mm.h>
#include <synthos/monitor.h>
#include <synthos/panic.h>
#include <synthos/power.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/string.h>
#include <synthos/vfs.h>
#include <arch/switch.h>

extern struct boot_params boot_params;
void proc_default_limits(struct proc *p);

static const char *init_path;

static int try_exec(const char *path, struct trap_frame *f)
{
	char *argv[CMDLINE_INIT_ARGS_MAX + 2];
	char *envp[CMDLINE_INIT_ARGS_MAX + 4];
	int n = 0, e = 0;

	argv[n++] = (char *)path;
	for (int i = 0; i < boot_params.init_argc && boot_params.init_argv[i]; i++)
		argv[n++] = (char *)boot_params.init_argv[i];
	argv[n] = NULL;
	envp[e++] = "HOME=/";
	envp[e++] = "TERM=linux";
	for (int i = 0; i < boot_params.init_envc && boot_params.init_envp[i]; i++)
		envp[e++] = (char *)boot_params.init_envp[i];
	envp[e] = NULL;
	return do_execve(path, argv, envp, f);
}

static void init_thread(struct trap_frame *f)
{
	static const char *const fallbacks[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };
	int err = try_exec(init_path, f);
	if (err == 0)
		return;
	pr_err("init: cannot run '%s' (error %d)\n", init_path, -err);
	for (size_t i = 0; i < ARRAY_SIZE(fallbacks); i++) {
		if (try_exec(fallbacks[i], f) == 0) {
			pr_warn("init: running %s instead\n", fallbacks[i]);
			return;
		}
	}
	pr_err("init: no working init found; starting the kernel monitor\n");
	monitor_run();
	power_off(POWER_OK);
}

void start_init(const char *path)
{
	struct proc *p = proc_alloc();
	struct task *t = task_alloc();
	if (!p || !t)
		panic("init: out of memory");
	int pid = alloc_id();
	t->tid = p->pid = p->pgid = p->sid = pid;
	proc_default_limits(p);
	p->mm = mm_new();
	p->files = fdtable_new();
	p->fs = fs_info_new();
	p->sighand = sighand_alloc();
	if (!p->mm || !p->files || !p->fs || !p->sighand)
		panic("init: out of memory");
	int err;
	struct file *con = console_open(&err);
	if (con) {
		fd_install(p->files, con, 0, false);
		fd_install(p->files, file_get(con), 1, false);
		fd_install(p->files, file_get(con), 2, false);
	} else {
		pr_warn("init: no console device (%d); init starts without stdin/stdout\n", err);
	}
	strlcpy(p->comm, "init", sizeof(p->comm));
	strlcpy(t->comm, "init", sizeof(t->comm));
	t->proc = p;
	list_add_tail(&t->thread_link, &p->threads);
	p->nthreads = 1;
	proc_link(p, NULL);
	init_proc = p;
	arch_fpu_init(t);
	init_path = path;
	arch_prepare_kernel_to_user(t, init_thread);
	sched_add(t);
	sched_idle();
}
