/*
 * arch/page.h - page size and the kernel's virtual memory layout.
 *
 *   0x0000000000000000 - 0x00007fffffffffff  user space (later)
 *   0xffff800000000000 - 0xffffbfffffffffff  direct map of all physical RAM
 *   0xffffc90000000000 - 0xffffc9ffffffffff  kernel stacks (guard page below each)
 *   0xffffffff80000000 - 0xffffffffffffffff  kernel image (-mcmodel=kernel), phys 0 + offset
 *
 * phys_to_virt/virt_to_phys are only valid for the direct map; the
 * portable allocators use nothing else.
 */
#ifndef ARCH_PAGE_H
#define ARCH_PAGE_H

#include <synthos/types.h>
#include <arch/boot.h>

#define PAGE_SHIFT        12
#define PAGE_SIZE         (1UL << PAGE_SHIFT)
#define PAGE_MASK         (~(PAGE_SIZE - 1))

#define DIRECT_MAP_BASE   0xffff800000000000UL
#define DIRECT_MAP_SIZE   0x0000400000000000UL   /* 64 TiB */
#define KSTACK_AREA_BASE  0xffffc90000000000UL
#define KSTACK_AREA_SIZE  0x0000010000000000UL

static inline void *phys_to_virt(phys_addr_t p)
{
	return (void *)(p + DIRECT_MAP_BASE);
}

static inline phys_addr_t virt_to_phys(const void *v)
{
	uint64_t a = (uint64_t)v;
	if (a >= KERNEL_VMA)
		return a - KERNEL_VMA;
	return a - DIRECT_MAP_BASE;
}

#endif
