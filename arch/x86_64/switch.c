/*
 * switch.c - the machine side of a thread switch.
 *
 * What a switch saves and loads besides the callee-saved registers
 * (switch_context in entry_syscall.S): the user FPU/SSE state (FXSAVE; the kernel
 * never touches vector registers, so the live registers are the user's),
 * the user FS and GS bases, the kernel stack for the next entry (TSS RSP0
 * and the per-CPU copy the syscall entry uses), the system-call entry
 * (MSR_LSTAR: the thread's own synthesized entry, or the generic one), and
 * CR3 when the address space changes.
 */
#include <synthos/mm.h>
#include <synthos/proc.h>
#include <synthos/string.h>
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/mm.h>
#include <arch/percpu.h>
#include <arch/switch.h>

void switch_context(uint64_t *prev_ksp, uint64_t next_ksp);
extern char new_thread_to_user[];

static const uint8_t *fpu_initial;       /* FXSAVE image after fninit */

void arch_fpu_save(struct task *t)
{
	__asm__ __volatile__("fxsave64 %0" : "=m"(t->fpu));
}

static void fpu_restore(struct task *t)
{
	__asm__ __volatile__("fxrstor64 %0" : : "m"(t->fpu));
}

void arch_fpu_init(struct task *t)
{
	static uint8_t initial[512] __attribute__((aligned(16)));
	if (!fpu_initial) {
		/* A clean x87/SSE state: default control words, MXCSR 0x1f80. */
		uint32_t mxcsr = 0x1f80;
		__asm__ __volatile__("fninit; ldmxcsr %1; fxsave64 %0"
				     : "=m"(initial) : "m"(mxcsr));
		fpu_initial = initial;
	}
	memcpy(t->fpu, fpu_initial, sizeof(t->fpu));
}

static uint64_t mm_cr3(struct task *t)
{
	return t->proc && t->proc->mm ? mm_pml4_phys(t->proc->mm) : 0;
}

void arch_switch_to(struct task *prev, struct task *next)
{
	if (prev->user) {
		arch_fpu_save(prev);
		prev->fs_base = rdmsr(MSR_FS_BASE);
		prev->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	}
	percpu0.cur = next;
	if (next->user)
		arch_set_syscall_entry(next->synth_entry);
	percpu0.kernel_rsp = next->kstack_top;
	tss_set_rsp0(next->kstack_top);
	uint64_t cr3 = mm_cr3(next);
	if (cr3 && cr3 != (read_cr3() & PTE_ADDR))
		write_cr3(cr3);
	if (next->user) {
		fpu_restore(next);
		wrmsr(MSR_FS_BASE, next->fs_base);
		wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
	}
	switch_context(&prev->ksp, next->ksp);
}

struct trap_frame *arch_prepare_user_thread(struct task *t, const struct trap_frame *regs)
{
	uint64_t sp = t->kstack_top;
	struct trap_frame *f = (struct trap_frame *)(sp - sizeof(*f));
	*f = *regs;
	/* What switch_context pops: r15 r14 r13 r12 rbx rbp, then the return address. */
	uint64_t *s = (uint64_t *)f;
	*--s = (uint64_t)new_thread_to_user;
	for (int i = 0; i < 6; i++)
		*--s = 0;
	t->ksp = (uint64_t)s;
	t->regs = f;
	return f;
}

struct trap_frame *arch_prepare_kernel_to_user(struct task *t, void (*fn)(struct trap_frame *))
{
	extern char kthread_to_user[];
	struct trap_frame zero = { .cs = USER_CS, .ss = USER_DS, .rflags = 0x202 };
	struct trap_frame *f = arch_prepare_user_thread(t, &zero);
	uint64_t *s = (uint64_t *)t->ksp;
	/* switch_context pops r15 r14 r13 r12 rbx rbp, then returns. */
	s[4] = (uint64_t)fn;                   /* rbx */
	s[6] = (uint64_t)kthread_to_user;      /* return address */
	return f;
}

void arch_use_kernel_mm(void)
{
	write_cr3(kernel_pml4_phys());
}
