/*
 * proc.h - threads (struct task) and processes (struct proc).
 *
 * A process is a thread group sharing one pid (Linux's tgid); its threads
 * are tasks with their own tid (the first thread's tid is the pid). What
 * clone() can share is behind reference-counted pointers: the address
 * space (mm), the descriptor table (files), cwd/root/umask (fs) and the
 * signal actions (sighand).
 *
 * Locking: synthos runs on one CPU. Process-tree fields (parent, children,
 * threads, state) change only with interrupts enabled in process context,
 * under proc_tree_lock; the scheduler's run queue is protected by its own
 * lock with interrupts masked. Fields marked "own" are touched only by the
 * task itself.
 */
#ifndef SYNTHOS_PROC_H
#define SYNTHOS_PROC_H

#include <synthos/list.h>
#include <synthos/signal.h>
#include <synthos/syscall.h>
#include <synthos/types.h>
#include <synthos/wait.h>
#include <arch/interrupts.h>

struct mm;
struct fdtable;
struct fs_info;
struct proc;

enum task_state {
	TASK_RUNNING = 0,        /* on the run queue or running */
	TASK_INTERRUPTIBLE,      /* asleep; a signal wakes it */
	TASK_UNINTERRUPTIBLE,    /* asleep; only its event wakes it */
	TASK_STOPPED,            /* SIGSTOP / SIGTSTP */
	TASK_DEAD,               /* exited; freed by the reaper */
};

#define TASK_COMM_LEN 16

struct task {
	/* Context switch (arch/x86_64/switch.S) reads these two: keep them first. */
	uint64_t ksp;                    /* saved kernel RSP while switched out */
	uint64_t kstack_top;             /* top of the guarded kernel stack */
	/* The generic system-call entry (arch/x86_64/entry_syscall.S) reads
	 * these two by offset (TASK_VTABLE, TASK_REGS in arch/entry_regs.h). */
	syscall_fn *vtable;              /* per-thread syscall vector table (Synthesis TTE) */
	struct trap_frame *regs;         /* user registers at the last kernel entry */
	/*
	 * Reasons to stop on the way back to user mode, one byte each, so
	 * that the exit path (arch/x86_64/syscall.c exit_work_pending) tests
	 * them all, with exit_work_global, in one load. Each byte is written
	 * whole (a byte store), from any context; the loop that acts on them
	 * asks each question again.
	 *   need_resched     set by the tick and by wake-ups (sched.c)
	 *   exit_now         another thread exec'd or exit_group'd: leave
	 *   restore_blocked  sigsuspend/ppoll: put back saved_blocked
	 *   sigpending       a hint, never narrower than the truth: set by
	 *                    everything that can make a signal deliverable to
	 *                    this thread (a send to it or to its process, an
	 *                    unblock, a stop, a new thread), cleared only by
	 *                    the exit loop before it asks task_signal_pending
	 *                    itself (signal.c, "The pending hint").
	 */
	union {
		struct {
			bool need_resched;
			bool exit_now;
			bool restore_blocked;
			bool sigpending;
		};
		uint32_t exit_work;
	};
	/* Synthesized dispatch (synth/synth.c), all NULL/0 until the thread's
	 * first region: its entry (MSR_LSTAR while it runs), the entry table
	 * that entry jumps through, and the per-descriptor vectors of the
	 * file calls. The tables live in synth.c's table area. */
	uint64_t synth_entry;
	uint64_t *fast_table;
	uint64_t *synth_fdvec;
	uint8_t synth_consts_seen;       /* process constants asked once (synth_note_const) */
	struct list_head synth_list;     /* regions it owns (synth.c) */

	int tid;
	volatile int state;              /* enum task_state; scheduler lock */
	struct proc *proc;
	struct list_head run_link;       /* run queue; scheduler lock */
	struct list_head thread_link;    /* proc->threads; proc_tree_lock */
	struct list_head sleep_link;     /* timed sleepers; scheduler lock */
	uint64_t wake_at_ns;             /* for timed sleeps (0: none) */
	bool on_rq;                      /* on the run queue; scheduler lock */

	/* Signals (kernel/signal.c). */
	sigset_t blocked;                /* own */
	sigset_t pending;                /* thread-directed; sig lock */
	struct ksiginfo pending_info[NSIG]; /* one queued siginfo per signal */
	sigset_t saved_blocked;          /* restored after sigsuspend/ppoll */
	struct sigaltstack_k altstack;   /* own */

	/* User-visible thread state. */
	uint64_t fs_base;                /* own (arch_prctl / CLONE_SETTLS) */
	uint64_t gs_base;                /* own (arch_prctl ARCH_SET_GS) */
	bool user;                       /* has a user context (not a kernel thread) */
	int *clear_child_tid;            /* CLONE_CHILD_CLEARTID / set_tid_address */
	void *robust_list;
	size_t robust_len;
	uint8_t fpu[512] __attribute__((aligned(16)));   /* FXSAVE image */

	char comm[TASK_COMM_LEN];
	uint64_t utime_ticks, stime_ticks;
	int exit_code;                   /* for the reaper */
	struct task *vfork_parent_wait;  /* unused until vfork */
};

enum proc_state {
	PROC_ALIVE = 0,
	PROC_ZOMBIE,                     /* exited, waiting for wait4 */
	PROC_REAPED,
};

struct sighand {
	int refcount;
	struct k_sigaction action[NSIG];
};

struct proc {
	int pid;                         /* = tid of the first thread */
	int pgid, sid;
	enum proc_state state;
	int exit_status;                 /* wait4 encoding: (code << 8) | signal */
	bool stopped_report;             /* WUNTRACED: a stop not yet reported */
	bool continued_report;           /* WCONTINUED */
	int stop_signal;
	int exit_signal;                 /* sent to the parent at exit (clone's low byte) */
	bool exiting;                    /* exit_group or a fatal signal is under way */
	struct waitq vfork_wq;           /* a CLONE_VFORK parent waits here */
	bool vfork_done;                 /* set at exec or exit of a vfork child */

	struct proc *parent;             /* proc_tree_lock */
	struct list_head children;       /* proc_tree_lock */
	struct list_head sibling;        /* parent's children; proc_tree_lock */
	struct list_head all_link;       /* all processes; proc_tree_lock */
	struct list_head threads;        /* struct task.thread_link */
	int nthreads;
	struct waitq child_exit_wq;      /* wait4 sleeps here */

	struct mm *mm;
	struct fdtable *files;
	struct fs_info *fs;
	struct sighand *sighand;
	sigset_t shared_pending;         /* process-directed signals */
	struct ksiginfo shared_info[NSIG];

	char comm[TASK_COMM_LEN];        /* basename of the executable */
	char *cmdline;                   /* argv joined with NULs (kmalloc'd), for /proc */
	size_t cmdline_len;
	uint64_t start_ns;
	uint64_t rlimit_cur[16], rlimit_max[16];
	uint64_t itimer_real_at;         /* ITIMER_REAL deadline on time_ns(), 0 = off */
	uint64_t itimer_real_interval;   /* reload value in ns */
	uint32_t umask_unused;
};

/* The running thread (per-CPU): one GS-relative load, inline -- the
 * generic paths read it everywhere. current_task() is the same, out of
 * line. */
struct task *current_task(void);
#include <arch/percpu.h>
#define current (percpu_current())

struct proc *proc_find(int pid);
struct task *task_find(int tid);
extern struct proc *init_proc;        /* pid 1 */

/*
 * Work for whichever thread next returns to user mode, tested with the
 * task's own exit_work in the same run of loads (exit_work_pending), one
 * byte per producer: console_input is set by the serial interrupt after it
 * queues bytes (console_rxq), synth_retired by the synthesizer when it
 * retires a region. The exit loop clears a byte before it does the work,
 * so a producer that comes after the clear is seen next time.
 */
union exit_work_global {
	struct {
		bool console_input;
		bool synth_retired;
	};
	uint16_t any;
};
extern union exit_work_global exit_work_global;   /* arch/x86_64/syscall.c */

/* Iterate over all processes (for /proc); fn returns non-zero to stop. */
int proc_for_each(int (*fn)(struct proc *p, void *ctx), void *ctx);

/* Scheduler (kernel/sched.c). */
void sched_init(void);
void sched_tick(void);                /* from the timer interrupt */
void itimer_tick(uint64_t now_ns);    /* fires due ITIMER_REAL timers (kernel/itimer.c) */
void wake_up_task(struct task *t);    /* make runnable if sleeping */
void wake_up_stopped(struct task *t); /* resume a TASK_STOPPED thread (SIGCONT, SIGKILL) */
void sched_add(struct task *t);       /* a new task */
void sched_yield(void);
/* Called by a new thread on its first run, to finish the switch into it. */
void sched_new_thread_started(void);
/* The dead thread's stack and struct are freed once another runs. */
__attribute__((noreturn)) void sched_exit_current(void);
/* The idle loop (the boot thread, once init is started). */
__attribute__((noreturn)) void sched_idle(void);

/* Exits (kernel/exit.c). wait_status is the wait4 encoding: (code << 8) for
 * exit(code), or the signal number (| 0x80 for a core dump) when killed. */
__attribute__((noreturn)) void do_exit_thread(int code);
__attribute__((noreturn)) void do_exit_group(int wait_status);
/* Job control (kernel/signal.c): stop every thread of p / resume them. Stops
 * and continues are reported to the parent (SIGCHLD unless SA_NOCLDSTOP,
 * and wake_up(&parent->child_exit_wq) for wait4 WUNTRACED/WCONTINUED). */
void proc_stop(struct proc *p, int sig);
void proc_continue(struct proc *p);
/* Serializes changes to the process tree and process state. */
extern spinlock_t proc_tree_lock;

/* Lifecycle helpers shared by proc.c, fork.c, exit.c and exec.c. */
int alloc_id(void);
struct proc *proc_alloc(void);
void proc_free(struct proc *p);
void proc_link(struct proc *p, struct proc *parent);
void proc_unlink(struct proc *p);
void proc_set_cmdline(struct proc *p, const char *args, size_t len);
/* execve's core: path and the argument vectors are kernel copies. */
int do_execve(const char *path, char *const argv[], char *const envp[], struct trap_frame *regs);
int futex_wake(uint32_t *uaddr, int n);

/* Start the first user process: init= with the boot arguments. */
__attribute__((noreturn)) void start_init(const char *path);

#endif
