/*
 * arch/irq.h - interrupt-flag control for x86-64 (used by spinlock.h).
 */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;
	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & (1UL << 9))
		__asm__ __volatile__("sti" : : : "memory");
}

static inline void arch_irq_enable(void)  { __asm__ __volatile__("sti" ::: "memory"); }
static inline void arch_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void arch_cpu_relax(void)   { __asm__ __volatile__("pause" ::: "memory"); }
static inline void arch_halt(void)        { __asm__ __volatile__("hlt" ::: "memory"); }

#endif
