/*
 * spinlock.h - a test-and-set spinlock that also masks interrupts.
 *
 * synthos runs on one CPU today, so the lock's job is mostly to keep an
 * interrupt handler out of a critical section; the atomic exchange keeps it
 * correct when SMP arrives. Interrupt masking comes from <arch/irq.h>, which
 * the hosted unit tests replace with no-ops.
 */
#ifndef SYNTHOS_SPINLOCK_H
#define SYNTHOS_SPINLOCK_H

#include <synthos/types.h>
#include <arch/irq.h>

typedef struct {
	uint32_t locked;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

static inline void spin_init(spinlock_t *l) { l->locked = 0; }

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = arch_irq_save();
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
}

#endif
