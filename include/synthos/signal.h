/*
 * signal.h - signals, with Linux's numbers, flags and siginfo codes
 * (kernel/signal.c; the x86-64 frame in arch/x86_64/sigframe.c).
 */
#ifndef SYNTHOS_SIGNAL_H
#define SYNTHOS_SIGNAL_H

#include <synthos/types.h>

#define NSIG 65                /* signals 1..64 */
typedef uint64_t sigset_t;     /* bit (sig - 1) */

#define SIGHUP     1
#define SIGINT     2
#define SIGQUIT    3
#define SIGILL     4
#define SIGTRAP    5
#define SIGABRT    6
#define SIGBUS     7
#define SIGFPE     8
#define SIGKILL    9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGSTKFLT 16
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGXCPU   24
#define SIGXFSZ   25
#define SIGVTALRM 26
#define SIGPROF   27
#define SIGWINCH  28
#define SIGIO     29
#define SIGPWR    30
#define SIGSYS    31
#define SIGRTMIN  32

#define SIG_DFL ((uint64_t)0)
#define SIG_IGN ((uint64_t)1)

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO   0x00000004
#define SA_RESTORER  0x04000000
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048

/* si_code values */
#define SI_USER     0
#define SI_KERNEL   0x80
#define SI_QUEUE    (-1)
#define SI_TKILL    (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR  2
#define ILL_ILLOPN  2
#define FPE_INTDIV  1
#define TRAP_BRKPT  1
#define CLD_EXITED  1
#define CLD_KILLED  2
#define CLD_DUMPED  3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

#define sigmask(sig) (1ULL << ((sig) - 1))

/* The kernel's record of one pending signal (what siginfo_t is built from). */
struct ksiginfo {
	int signo, code, errno_;
	int pid, uid;          /* sender, for SI_USER/SI_TKILL; child for SIGCHLD */
	int status;            /* SIGCHLD */
	uint64_t addr;         /* SIGSEGV/SIGBUS/SIGILL/SIGFPE */
	uint64_t value;        /* sigqueue */
};

/* struct sigaction as rt_sigaction passes it on x86-64. */
struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	sigset_t mask;
};

struct sigaltstack_k {
	uint64_t sp;
	int flags;
	uint64_t size;
};

struct task;
struct proc;
struct trap_frame;

/* Queue sig for a process (any thread may take it) or one thread. 0 or -errno. */
int send_signal_proc(struct proc *p, int sig, const struct ksiginfo *info);
int send_signal_task(struct task *t, int sig, const struct ksiginfo *info);
/* A synchronous signal to the current thread (fault, SIGPIPE): cannot be
 * ignored or blocked away for faults -- a blocked or ignored fault signal
 * kills, as on Linux. */
void force_signal(int sig, const struct ksiginfo *info);
bool task_signal_pending(struct task *t);
/* On every return to user mode: deliver pending signals (build frames,
 * run default actions). regs is the user frame; may not return (exit). */
void signal_deliver(struct trap_frame *regs);
/* Fresh sighand for a new process, copy for fork, reset for exec. */
struct sighand *sighand_alloc(void);
struct sighand *sighand_copy(const struct sighand *sh);
void sighand_put(struct sighand *sh);
void sighand_exec_reset(struct sighand *sh);

#endif
