/*
 * panic.c - the crash report: panic() and die() (exceptions in kernel mode).
 *
 * Both print what a developer needs to find the bug without a debugger:
 * the cause, the error code decoded, the faulting address, every register,
 * the control registers and a backtrace symbolized from the embedded symbol
 * table. Then the machine stops with the panic status (QEMU exits 37 under
 * the test harness), so a harness sees a failure instead of a hang.
 *
 * The report must work with the kernel in any state: it breaks the log
 * lock, walks frame pointers only inside the bounds of a known stack, and a
 * second panic during the report powers off at once.
 */
#include <synthos/console.h>
#include <synthos/format.h>
#include <synthos/ksyms.h>
#include <synthos/log.h>
#include <synthos/panic.h>
#include <synthos/power.h>
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/irq.h>
#include <arch/mm.h>
#include <arch/panic.h>

extern char boot_stack_bottom[], boot_stack_top[];

static volatile int panicking;

static void enter_panic(void)
{
	arch_irq_disable();
	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST)) {
		static const char msg[] = "\nrecursive panic: powering off\n";
		console_write(msg, sizeof(msg) - 1);
		power_off(POWER_PANIC);
	}
	log_break_lock();
	console_panic_mode();          /* straight to the UART, past the output queue */
	console_loglevel = LOG_DEBUG;
}

static void print_symbol(uint64_t addr)
{
	uint64_t off, size;
	const char *name = ksym_lookup(addr, &off, &size);
	if (name)
		kprintf("%s+0x%llx/0x%llx", name, (unsigned long long)off,
			(unsigned long long)size);
	else
		kprintf("?");
}

/* Bounds of the stack holding addr, if it is one we know. */
static bool stack_bounds(uint64_t addr, uint64_t *lo, uint64_t *hi)
{
	if (addr >= (uint64_t)boot_stack_bottom && addr < (uint64_t)boot_stack_top) {
		*lo = (uint64_t)boot_stack_bottom;
		*hi = (uint64_t)boot_stack_top;
		return true;
	}
	return ist_stack_range(addr, lo, hi) || kstack_range(addr, lo, hi);
}

int backtrace_collect(uint64_t rbp, uint64_t *ret, int max)
{
	uint64_t lo, hi;
	int n = 0;

	if (!stack_bounds(rbp, &lo, &hi))
		return -1;
	while (n < max) {
		if (rbp < lo || rbp + 16 > hi || (rbp & 7))
			break;
		uint64_t next = ((uint64_t *)rbp)[0];
		uint64_t r = ((uint64_t *)rbp)[1];
		if (!r)
			break;
		ret[n++] = r;
		if (next <= rbp)
			break;                   /* frames must move up the stack */
		rbp = next;
	}
	return n;
}

void backtrace_from(uint64_t rip, uint64_t rbp)
{
	uint64_t ret[32];

	kprintf("Backtrace:\n");
	if (rip) {
		kprintf("  [<%016llx>] ", (unsigned long long)rip);
		print_symbol(rip);
		kprintf("\n");
	}
	int n = backtrace_collect(rbp, ret, ARRAY_SIZE(ret));
	if (n < 0) {
		kprintf("  (frame pointer %#llx is not on a known stack)\n",
			(unsigned long long)rbp);
		return;
	}
	for (int i = 0; i < n; i++) {
		int same = 0;
		while (i + same + 1 < n && ret[i + same + 1] == ret[i])
			same++;
		/* A return address points after the call; -1 names the caller's line. */
		kprintf("  [<%016llx>] ", (unsigned long long)ret[i]);
		print_symbol(ret[i] - 1);
		kprintf("\n");
		if (same) {
			kprintf("  ... the frame above %d more time(s) (recursion)\n", same);
			i += same;
		}
	}
}

static void dump_control_regs(void)
{
	kprintf("CR0: %016llx CR2: %016llx CR3: %016llx CR4: %016llx\n",
		(unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

static void describe_page_fault(uint64_t err, uint64_t cr2)
{
	kprintf("  faulting address (CR2): 0x%016llx\n", (unsigned long long)cr2);
	kprintf("  cause: %s %s in %s mode%s%s\n",
		(err & 16) ? "instruction fetch from" : (err & 2) ? "write to" : "read from",
		(err & 1) ? "a page without permission" : "an unmapped page",
		(err & 4) ? "user" : "kernel",
		(err & 8) ? ", reserved bit set in a page table" : "",
		(err & 32) ? ", protection key" : "");
	if (cr2 < 4096)
		kprintf("  (a NULL pointer dereference)\n");
	if (kstack_is_guard(cr2))
		kprintf("  (a kernel stack overflow: the address is a stack guard page)\n");
}

void die(struct trap_frame *f)
{
	uint64_t cr2 = read_cr2();

	enter_panic();
	kprintf("\n======== KERNEL PANIC ========\n");
	kprintf("PANIC: %s, vector %llu, error code %#llx, in %s mode\n",
		exception_name((unsigned)f->vector), (unsigned long long)f->vector,
		(unsigned long long)f->error_code, (f->cs & 3) ? "user" : "kernel");
	if (f->vector == 14)
		describe_page_fault(f->error_code, cr2);
	if (f->vector == 8 && kstack_is_guard(f->rsp - 8))
		kprintf("  (a kernel stack overflow: RSP %#llx is in a stack guard page)\n",
			(unsigned long long)f->rsp);
	kprintf("RIP: %04llx:%016llx ", (unsigned long long)f->cs, (unsigned long long)f->rip);
	print_symbol(f->rip);
	kprintf("\nRSP: %04llx:%016llx RFLAGS: %08llx\n", (unsigned long long)f->ss,
		(unsigned long long)f->rsp, (unsigned long long)f->rflags);
	kprintf("RAX: %016llx RBX: %016llx RCX: %016llx\n", (unsigned long long)f->rax,
		(unsigned long long)f->rbx, (unsigned long long)f->rcx);
	kprintf("RDX: %016llx RSI: %016llx RDI: %016llx\n", (unsigned long long)f->rdx,
		(unsigned long long)f->rsi, (unsigned long long)f->rdi);
	kprintf("RBP: %016llx R8:  %016llx R9:  %016llx\n", (unsigned long long)f->rbp,
		(unsigned long long)f->r8, (unsigned long long)f->r9);
	kprintf("R10: %016llx R11: %016llx R12: %016llx\n", (unsigned long long)f->r10,
		(unsigned long long)f->r11, (unsigned long long)f->r12);
	kprintf("R13: %016llx R14: %016llx R15: %016llx\n", (unsigned long long)f->r13,
		(unsigned long long)f->r14, (unsigned long long)f->r15);
	dump_control_regs();
	backtrace_from(f->rip, f->rbp);
	kprintf("======== end of panic report ========\n");
	power_off(POWER_PANIC);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	enter_panic();
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("\n======== KERNEL PANIC ========\n");
	kprintf("PANIC: %s\n", msg);
	kprintf("RSP: %016llx RFLAGS: %08llx\n", (unsigned long long)read_rsp(),
		(unsigned long long)read_rflags());
	dump_control_regs();
	/* Walk from our own frame: the first entry is panic()'s caller. */
	backtrace_from(0, (uint64_t)__builtin_frame_address(0));
	kprintf("======== end of panic report ========\n");
	power_off(POWER_PANIC);
}
