/*
 * Hosted stand-in for arch/page.h: "physical memory" is a buffer the test
 * allocates; physical address p lives at host_phys_base + p.
 */
#ifndef ARCH_PAGE_H
#define ARCH_PAGE_H

#include <stdint.h>
#include <synthos/types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

extern uintptr_t host_phys_base;

static inline void *phys_to_virt(phys_addr_t p)
{
	return (void *)(host_phys_base + (uintptr_t)p);
}

static inline phys_addr_t virt_to_phys(const void *v)
{
	return (phys_addr_t)((uintptr_t)v - host_phys_base);
}

#endif
