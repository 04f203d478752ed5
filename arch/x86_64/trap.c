/*
 * trap.c - the IDT and trap_dispatch(), where every interrupt and
 * exception arrives (from entry.S).
 *
 * Exceptions in kernel mode are kernel bugs: they end in die() with a full
 * report (arch/x86_64/panic.c). Exceptions in user mode will become signals
 * when user mode exists. Device interrupts go to the handler registered for
 * the vector and are acknowledged at the local APIC.
 */
#include <synthos/compiler.h>
#include <synthos/log.h>
#include <synthos/panic.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/interrupts.h>
#include <arch/panic.h>
#include <arch/percpu.h>
#include <arch/irq.h>
#include <synthos/errno.h>
#include <synthos/mm.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/synth.h>
#include <synthos/uaccess.h>

void exit_to_user_mode(struct trap_frame *f);

struct __packed idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t  ist;
	uint8_t  type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
};

static struct idt_gate idt[256] __aligned(16);
extern const uint64_t trap_stubs[256];

static struct {
	irq_handler_t fn;
	void *ctx;
} vector_handlers[256];

uint64_t irq_counts[256];

static const char *const exception_names[32] = {
	[0] = "divide error (#DE)",          [1] = "debug (#DB)",
	[2] = "non-maskable interrupt",       [3] = "breakpoint (#BP)",
	[4] = "overflow (#OF)",               [5] = "bound range (#BR)",
	[6] = "invalid opcode (#UD)",         [7] = "device not available (#NM)",
	[8] = "double fault (#DF)",           [9] = "coprocessor segment overrun",
	[10] = "invalid TSS (#TS)",           [11] = "segment not present (#NP)",
	[12] = "stack fault (#SS)",           [13] = "general protection (#GP)",
	[14] = "page fault (#PF)",            [16] = "x87 floating point (#MF)",
	[17] = "alignment check (#AC)",       [18] = "machine check (#MC)",
	[19] = "SIMD floating point (#XM)",   [20] = "virtualization (#VE)",
	[21] = "control protection (#CP)",    [28] = "hypervisor injection (#HV)",
	[29] = "VMM communication (#VC)",     [30] = "security (#SX)",
};

const char *exception_name(unsigned vector)
{
	if (vector < 32 && exception_names[vector])
		return exception_names[vector];
	return vector < 32 ? "reserved exception" : "interrupt";
}

static void set_gate(unsigned vec, uint64_t handler, unsigned ist, unsigned dpl)
{
	idt[vec] = (struct idt_gate){
		.offset_lo = handler & 0xffff,
		.selector = KERNEL_CS,
		.ist = ist,
		.type_attr = 0x8e | (dpl << 5),   /* present, 64-bit interrupt gate */
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_hi = handler >> 32,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, trap_stubs[v], 0, 0);
	set_gate(8, trap_stubs[8], IST_DOUBLE_FAULT, 0);
	set_gate(2, trap_stubs[2], IST_NMI, 0);
	set_gate(18, trap_stubs[18], IST_MCE, 0);

	struct __packed { uint16_t limit; uint64_t base; } d = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ __volatile__("lidt %0" : : "m"(d));
}

void vector_register(unsigned vector, irq_handler_t handler, void *ctx)
{
	vector_handlers[vector].ctx = ctx;
	__atomic_store_n(&vector_handlers[vector].fn, handler, __ATOMIC_RELEASE);
}

uint64_t extable_fixup(uint64_t rip);

/* An exception in user mode becomes a signal, as on Linux. */
static void user_exception(struct trap_frame *f, unsigned vec)
{
	struct ksiginfo info = { .code = SI_KERNEL, .addr = f->rip };
	int sig;

	switch (vec) {
	case 14: {
		uint64_t cr2 = read_cr2();
		int r = mm_handle_fault(cr2, f->error_code & 2, f->error_code & 16);
		if (r == 0)
			return;
		sig = SIGSEGV;
		info.addr = cr2;
		info.code = r == -EACCES ? SEGV_ACCERR : SEGV_MAPERR;
		if (r == -EIO || r == -ENOMEM) {
			/* Past the end of a mapped file; or out of memory, which
			 * Linux answers with the OOM killer -- we kill the faulter. */
			sig = r == -EIO ? SIGBUS : SIGKILL;
			info.code = BUS_ADRERR;
		}
		break;
	}
	case 0:  sig = SIGFPE; info.code = FPE_INTDIV; break;
	case 16: case 19: sig = SIGFPE; info.code = 0; break;
	case 1: case 3: sig = SIGTRAP; info.code = TRAP_BRKPT; break;
	case 6:  sig = SIGILL; info.code = ILL_ILLOPN; break;
	case 17: sig = SIGBUS; info.code = BUS_ADRERR; break;
	default: sig = SIGSEGV; info.addr = 0; break;   /* #GP, #SS, #NP... */
	}
	info.signo = sig;
	force_signal(sig, &info);
}

void synth_fast_abort(void);            /* entry_syscall.S */
void synth_leaf_abort(void);

/*
 * Page fault in kernel mode: a user access from usercopy.S, one from a
 * synthesized fast body, or a bug. A fault the memory code can repair
 * (demand paging, copy-on-write) is retried in both cases; otherwise a
 * usercopy.S access continues at its fixup, and a fast body is abandoned:
 * synth_fast_abort restores the user registers from the frame fast_frame.S
 * built at the kernel stack top and runs the call on the generic path,
 * which reports EFAULT itself. The body changed nothing before the access.
 */
static bool kernel_fault_fixup(struct trap_frame *f)
{
	uint64_t cr2 = read_cr2();
	uint64_t fixup = extable_fixup(f->rip);
	bool body = !fixup && cr2 < USER_TOP && synth_body_at(f->rip);
	if (!fixup && !body)
		return false;
	if (cr2 < USER_TOP && !(f->error_code & 1) &&
	    mm_handle_fault(cr2, f->error_code & 2, false) == 0)
		return true;                    /* paged in: retry */
	if (cr2 < USER_TOP && (f->error_code & 1) && (f->error_code & 2) &&
	    mm_handle_fault(cr2, true, false) == 0)
		return true;                    /* copy-on-write: retry */
	if (body) {
		int slots = 5;
		f->rax = (uint64_t)synth_abandon_body(f->rip, &slots);  /* drops a lock it holds */
		/* fast_frame's five slots, or a stack leaf's top one */
		fixup = slots == 5 ? (uint64_t)synth_fast_abort : (uint64_t)synth_leaf_abort;
		f->rsp = this_cpu_kernel_rsp() - (uint64_t)slots * 8;
		f->rflags &= ~(1UL << 18);                  /* AC: user access closed */
	}
	f->rip = fixup;
	return true;
}

void trap_dispatch(struct trap_frame *f)
{
	unsigned vec = (unsigned)f->vector;
	bool from_user = f->cs & 3;

	if (from_user)
		current->regs = f;
	if (vec < 32) {
		if (from_user) {
			arch_irq_enable();
			user_exception(f, vec);
		} else if (!(vec == 14 && kernel_fault_fixup(f))) {
			die(f);
		}
	} else {
		irq_counts[vec]++;
		if (vec == VEC_SPURIOUS)
			return;                       /* spurious: no EOI */
		if (vec == VEC_LAPIC_TIMER) {
			if (from_user)
				current->utime_ticks++;
			else
				current->stime_ticks++;
		}
		if (vector_handlers[vec].fn)
			vector_handlers[vec].fn(vector_handlers[vec].ctx);
		else
			pr_warn("unexpected interrupt on vector %u\n", vec);
		lapic_eoi();
	}
	if (from_user) {
		arch_irq_enable();
		exit_to_user_mode(f);
	}
}
