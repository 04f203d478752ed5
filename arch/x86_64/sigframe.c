/*
 * sigframe.c - the x86-64 signal frame: building it on the user stack when
 * a handler is to run, and rt_sigreturn, which takes it apart again; and
 * system-call restart, which depends on the syscall instruction's length.
 *
 * The layout is Linux's (see arch/sigframe.h for the picture and the
 * contract with the return path); the structures below are checked against
 * Linux's offsets at compile time, because musl, glibc, unwinders and
 * debuggers all read the frame by those offsets.
 *
 * FPU/SSE state: the kernel never touches vector registers, so the user's
 * x87/SSE state is live in the CPU the whole time we are in the kernel.
 * Delivery saves it with FXSAVE into a kernel buffer, copies that into the
 * frame (with the sw_reserved words zeroed: no XSAVE extension is claimed,
 * so uc_flags has no UC_FP_XSTATE) and gives the handler a clean state;
 * sigreturn copies the image back in, refuses an MXCSR with reserved bits
 * (FXRSTOR would #GP in the kernel) and loads it with FXRSTOR.
 *
 * Nothing here takes locks: the frame is the current thread's own
 * business; the mask and alternate-stack updates go through signal.c.
 */
#include <synthos/compiler.h>
#include <synthos/errno.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/string.h>
#include <synthos/syscall.h>
#include <synthos/uaccess.h>
#include <arch/gdt.h>
#include <arch/sigframe.h>

/* uc_flags, as Linux 6.1 sets them on a CPU without XSAVE in use. */
#define UC_FP_XSTATE         0x1
#define UC_SIGCONTEXT_SS     0x2
#define UC_STRICT_RESTORE_SS 0x4

#define RED_ZONE      128
#define FXSAVE_SIZE   512
#define FX_MXCSR      24      /* offsets into the FXSAVE image */
#define FX_MXCSR_MASK 28
#define FX_SW_RESERVED 464    /* 48 bytes Linux uses for the xstate magic */

#define RFLAGS_CF  (1UL << 0)
#define RFLAGS_PF  (1UL << 2)
#define RFLAGS_AF  (1UL << 4)
#define RFLAGS_ZF  (1UL << 6)
#define RFLAGS_SF  (1UL << 7)
#define RFLAGS_TF  (1UL << 8)
#define RFLAGS_IF  (1UL << 9)
#define RFLAGS_DF  (1UL << 10)
#define RFLAGS_OF  (1UL << 11)
#define RFLAGS_IOPL (3UL << 12)
#define RFLAGS_NT  (1UL << 14)
#define RFLAGS_RF  (1UL << 16)
#define RFLAGS_AC  (1UL << 18)
/* What sigreturn may take from the frame (Linux's FIX_EFLAGS). */
#define RFLAGS_USER (RFLAGS_AC | RFLAGS_OF | RFLAGS_DF | RFLAGS_TF | RFLAGS_SF | \
		     RFLAGS_ZF | RFLAGS_AF | RFLAGS_PF | RFLAGS_CF | RFLAGS_RF)

struct sigcontext_k {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
	uint64_t eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;                /* user pointer to the FXSAVE image, or 0 */
	uint64_t reserved1[8];
};

struct ustack_k {                        /* stack_t */
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
};

struct ucontext_k {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct ustack_k uc_stack;
	struct sigcontext_k uc_mcontext;
	sigset_t uc_sigmask;
};

struct rt_sigframe_k {
	uint64_t pretcode;               /* sa_restorer: the handler's return address */
	struct ucontext_k uc;
	struct user_siginfo info;
};

STATIC_ASSERT(sizeof(struct user_siginfo) == 128, "siginfo_t is 128 bytes");
STATIC_ASSERT(__builtin_offsetof(struct user_siginfo, u) == 16, "si_pid/si_addr at 16");
STATIC_ASSERT(__builtin_offsetof(struct user_siginfo, u.chld.status) == 24, "si_status at 24");
STATIC_ASSERT(__builtin_offsetof(struct user_siginfo, u.chld.utime) == 32, "si_utime at 32");
STATIC_ASSERT(__builtin_offsetof(struct user_siginfo, u.kill.value) == 24, "si_value at 24");
STATIC_ASSERT(sizeof(struct sigcontext_k) == 256, "struct sigcontext is 256 bytes");
STATIC_ASSERT(__builtin_offsetof(struct sigcontext_k, rip) == 16 * 8, "REG_RIP 16");
STATIC_ASSERT(__builtin_offsetof(struct sigcontext_k, cs) == 18 * 8, "REG_CSGSFS 18");
STATIC_ASSERT(__builtin_offsetof(struct sigcontext_k, err) == 19 * 8, "REG_ERR 19");
STATIC_ASSERT(__builtin_offsetof(struct sigcontext_k, cr2) == 22 * 8, "REG_CR2 22");
STATIC_ASSERT(__builtin_offsetof(struct sigcontext_k, fpstate) == 23 * 8, "fpregs 23");
STATIC_ASSERT(sizeof(struct ustack_k) == 24, "stack_t is 24 bytes");
STATIC_ASSERT(sizeof(struct sigaltstack_k) == 24, "sigaltstack_k matches stack_t");
STATIC_ASSERT(__builtin_offsetof(struct sigaltstack_k, size) == 16, "ss_size at 16");
STATIC_ASSERT(__builtin_offsetof(struct ucontext_k, uc_mcontext) == 40, "uc_mcontext at 40");
STATIC_ASSERT(__builtin_offsetof(struct ucontext_k, uc_sigmask) == 296, "uc_sigmask at 296");
STATIC_ASSERT(__builtin_offsetof(struct rt_sigframe_k, uc) == 8, "uc at 8");
STATIC_ASSERT(__builtin_offsetof(struct rt_sigframe_k, info) == 312, "info at 312");
STATIC_ASSERT(sizeof(struct rt_sigframe_k) == 440, "rt_sigframe is 440 bytes");
STATIC_ASSERT(sizeof(struct k_sigaction) == 32, "struct sigaction is 32 bytes");

/* The state a handler starts with: FCW 0x37f, MXCSR 0x1f80, all else 0
 * (abridged tag 0 = every x87 register empty). */
static const uint8_t fpu_init_image[FXSAVE_SIZE] __aligned(16) = {
	[0] = 0x7f, [1] = 0x03, [FX_MXCSR] = 0x80, [FX_MXCSR + 1] = 0x1f,
};

static inline void fxsave(uint8_t *buf)
{
	__asm__ __volatile__("fxsave64 %0" : "=m"(*(uint8_t (*)[FXSAVE_SIZE])buf));
}

static inline void fxrstor(const uint8_t *buf)
{
	__asm__ __volatile__("fxrstor64 %0" : : "m"(*(const uint8_t (*)[FXSAVE_SIZE])buf));
}

/* Linux's mxcsr_feature_mask: what this CPU's FXSAVE reports, or the
 * documented default when it reports 0. */
static uint32_t mxcsr_mask(void)
{
	static uint32_t mask;
	if (!mask) {
		uint8_t buf[FXSAVE_SIZE] __aligned(16);
		uint32_t m;
		memset(buf, 0, sizeof(buf));
		fxsave(buf);
		memcpy(&m, buf + FX_MXCSR_MASK, sizeof(m));
		mask = m ? m : 0x0000ffbf;
	}
	return mask;
}

bool fpu_mxcsr_valid(uint32_t mxcsr)
{
	return (mxcsr & ~mxcsr_mask()) == 0;
}

/* Linux's __on_sig_stack: the raw range test, disarmed or not. */
static bool within_altstack(const struct task *t, uint64_t sp)
{
	const struct sigaltstack_k *ss = &t->altstack;
	return ss->size && sp > ss->sp && sp - ss->sp <= ss->size;
}

int sigframe_setup(struct trap_frame *regs, int sig, const struct ksiginfo *info,
		   const struct k_sigaction *ka, sigset_t saved_mask)
{
	struct task *t = current;
	uint64_t usp = regs->rsp;

	/* x86-64 has no kernel-provided return trampoline: without a
	 * restorer the handler could not return, and Linux fails the frame. */
	if (!(ka->flags & SA_RESTORER))
		return -EFAULT;

	bool nested = signal_on_altstack(t, usp), entering = false;
	uint64_t sp = usp - RED_ZONE;
	if ((ka->flags & SA_ONSTACK) && signal_sas_flags(t, sp) == 0) {
		sp = t->altstack.sp + t->altstack.size;
		entering = true;
	}
	uint64_t fpstate = ALIGN_DOWN(sp - FXSAVE_SIZE, 64);
	uint64_t frame = ALIGN_DOWN(fpstate - sizeof(struct rt_sigframe_k), 16) - 8;
	/* Overflowing the alternate stack would scribble below it: fail. */
	if ((nested || entering) && !within_altstack(t, frame))
		return -EFAULT;
	if (frame >= sp || !access_ok((void *)frame, sp - frame))
		return -EFAULT;                 /* wrapped below 0, or not user memory */

	uint8_t fx[FXSAVE_SIZE] __aligned(16);
	memset(fx, 0, sizeof(fx));
	fxsave(fx);
	memset(fx + FX_SW_RESERVED, 0, FXSAVE_SIZE - FX_SW_RESERVED);

	struct rt_sigframe_k f;
	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	f.uc.uc_stack.ss_sp = t->altstack.sp;
	f.uc.uc_stack.ss_flags = t->altstack.size ? t->altstack.flags : SS_DISABLE;
	f.uc.uc_stack.ss_size = t->altstack.size;

	struct sigcontext_k *sc = &f.uc.uc_mcontext;
	sc->r8 = regs->r8;   sc->r9 = regs->r9;   sc->r10 = regs->r10; sc->r11 = regs->r11;
	sc->r12 = regs->r12; sc->r13 = regs->r13; sc->r14 = regs->r14; sc->r15 = regs->r15;
	sc->rdi = regs->rdi; sc->rsi = regs->rsi; sc->rbp = regs->rbp; sc->rbx = regs->rbx;
	sc->rdx = regs->rdx; sc->rax = regs->rax; sc->rcx = regs->rcx; sc->rsp = regs->rsp;
	sc->rip = regs->rip;
	sc->eflags = regs->rflags;
	sc->cs = (uint16_t)regs->cs;
	sc->ss = (uint16_t)regs->ss;
	if (regs->vector < 32) {        /* signal raised by this exception */
		sc->trapno = regs->vector;
		sc->err = regs->error_code;
		if (regs->vector == 14)
			sc->cr2 = info->addr;
	}
	sc->oldmask = saved_mask;
	sc->fpstate = fpstate;
	f.uc.uc_sigmask = saved_mask;
	siginfo_to_user(info, &f.info);

	if (copy_to_user((void *)fpstate, fx, sizeof(fx)) ||
	    copy_to_user((void *)frame, &f, sizeof(f)))
		return -EFAULT;

	regs->rdi = (uint64_t)sig;
	regs->rsi = frame + __builtin_offsetof(struct rt_sigframe_k, info);
	regs->rdx = frame + __builtin_offsetof(struct rt_sigframe_k, uc);
	regs->rax = 0;                  /* for handlers declared without a prototype */
	regs->rsp = frame;
	regs->rip = ka->handler;
	regs->cs = USER_CS;
	regs->ss = USER_DS;
	regs->rflags &= ~(RFLAGS_DF | RFLAGS_RF | RFLAGS_TF);
	fxrstor(fpu_init_image);
	return 0;
}

/* Linux's rules: a handler without SA_RESTART turns ERESTARTSYS into EINTR,
 * any handler turns ERESTARTNOHAND into EINTR; otherwise the call is made
 * again by backing RIP over the syscall instruction with the number back
 * in RAX. */
void signal_restart(struct trap_frame *regs, const struct k_sigaction *ka)
{
	if (!sigframe_from_syscall(regs))
		return;
	switch ((int64_t)regs->rax) {
	case -ERESTARTNOHAND:
		if (ka) {
			regs->rax = (uint64_t)-EINTR;
			return;
		}
		break;
	case -ERESTARTSYS:
		if (ka && !(ka->flags & SA_RESTART)) {
			regs->rax = (uint64_t)-EINTR;
			return;
		}
		break;
	case -ERESTARTNOINTR:
		break;
	default:
		return;
	}
	regs->rax = regs->error_code;   /* the call number again */
	regs->rip -= 2;                 /* back over the 2-byte syscall instruction */
}

/*
 * The handler returned into sa_restorer, which made this call with RSP just
 * above pretcode. Everything is validated before anything is changed, so a
 * bad frame leaves the registers as they were and raises SIGSEGV.
 */
SYSCALL_DEFINE0(rt_sigreturn)
{
	struct task *t = current;
	struct trap_frame *regs = t->regs;
	uint64_t frame = regs->rsp - 8;
	struct rt_sigframe_k f;
	uint8_t fx[FXSAVE_SIZE] __aligned(16);
	uint32_t mxcsr;

	if (copy_from_user(&f, (const void *)frame, sizeof(f)))
		goto bad;
	const struct sigcontext_k *sc = &f.uc.uc_mcontext;
	/* IRETQ to a non-canonical RIP would fault in the kernel. */
	if (sc->rip >= USER_TOP)
		goto bad;
	if (sc->fpstate) {
		if (copy_from_user(fx, (const void *)sc->fpstate, sizeof(fx)))
			goto bad;
		memcpy(&mxcsr, fx + FX_MXCSR, sizeof(mxcsr));
		if (!fpu_mxcsr_valid(mxcsr))
			goto bad;
	}

	regs->r8 = sc->r8;   regs->r9 = sc->r9;   regs->r10 = sc->r10; regs->r11 = sc->r11;
	regs->r12 = sc->r12; regs->r13 = sc->r13; regs->r14 = sc->r14; regs->r15 = sc->r15;
	regs->rdi = sc->rdi; regs->rsi = sc->rsi; regs->rbp = sc->rbp; regs->rbx = sc->rbx;
	regs->rdx = sc->rdx; regs->rax = sc->rax; regs->rcx = sc->rcx; regs->rsp = sc->rsp;
	regs->rip = sc->rip;
	regs->rflags = ((regs->rflags & ~RFLAGS_USER) | (sc->eflags & RFLAGS_USER) | RFLAGS_IF) &
		       ~(RFLAGS_IOPL | RFLAGS_NT);
	regs->cs = USER_CS;             /* synthos has one user code and stack segment */
	regs->ss = USER_DS;
	/* Not a system call any more: a restored RAX of -ERESTART* stays. */
	regs->error_code = SIGFRAME_NO_SYSCALL;
	fxrstor(sc->fpstate ? fx : fpu_init_image);

	signal_set_blocked(t, f.uc.uc_sigmask);
	struct sigaltstack_k ss = {
		.sp = f.uc.uc_stack.ss_sp, .flags = f.uc.uc_stack.ss_flags,
		.size = f.uc.uc_stack.ss_size,
	};
	/* Linux ignores all but EFAULT here (and we have already read it). */
	(void)signal_do_sigaltstack(t, &ss, NULL, regs->rsp);
	return (long)regs->rax;

bad:;
	struct ksiginfo info = { .signo = SIGSEGV, .code = SI_KERNEL };
	force_signal(SIGSEGV, &info);
	return 0;
}
