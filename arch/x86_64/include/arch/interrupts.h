/*
 * arch/interrupts.h - trap frames, exception and IRQ dispatch.
 *
 * Vectors: 0-31 CPU exceptions; 32-47 ISA IRQs 0-15 routed by the I/O APIC
 * (IRQ n -> vector 32 + n); 0xf0 the local APIC timer; 0xff spurious.
 */
#ifndef ARCH_INTERRUPTS_H
#define ARCH_INTERRUPTS_H

#include <synthos/types.h>

#define VEC_IRQ_BASE     32
#define VEC_LAPIC_TIMER  0xf0
#define VEC_SPURIOUS     0xff
#define NR_ISA_IRQS      16

/*
 * What entry.S (and the syscall entry) pushes, lowest address first. For a
 * system call, vector is VEC_SYSCALL and error_code holds the call number
 * as it came in (Linux's orig_rax), which syscall restart needs.
 */
#define VEC_SYSCALL 0x100
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;      /* pushed by the CPU */
};

typedef void (*irq_handler_t)(void *ctx);

void gdt_init(void);
void idt_init(void);
void trap_dispatch(struct trap_frame *f);
/* Routes ISA IRQ irq to handler (unmasks it at the I/O APIC). */
void irq_register(unsigned irq, irq_handler_t handler, void *ctx);
/* Handler for a local APIC vector (timer, later IPIs). */
void vector_register(unsigned vector, irq_handler_t handler, void *ctx);

/* Exception names, for reports. */
const char *exception_name(unsigned vector);

/* Per-CPU interrupt statistics (one CPU for now). */
extern uint64_t irq_counts[256];

#endif
