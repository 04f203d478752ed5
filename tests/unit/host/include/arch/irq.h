/*
 * Hosted stand-in for arch/irq.h: unit tests run in user space, where there
 * are no interrupts to mask.
 */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H
static inline unsigned long arch_irq_save(void) { return 0; }
static inline void arch_irq_restore(unsigned long flags) { (void)flags; }
static inline void arch_cpu_relax(void) { }
#endif
