/*
 * arch/mm.h - kernel page tables, MMIO mappings and kernel stacks
 * (arch/x86_64/paging.c).
 */
#ifndef ARCH_MM_H
#define ARCH_MM_H

#include <synthos/types.h>
#include <synthos/bootinfo.h>

/* Page-table entry bits. */
#define PTE_P     (1UL << 0)
#define PTE_W     (1UL << 1)
#define PTE_U     (1UL << 2)
#define PTE_PWT   (1UL << 3)
#define PTE_PCD   (1UL << 4)
#define PTE_A     (1UL << 5)
#define PTE_D     (1UL << 6)
#define PTE_PS    (1UL << 7)
#define PTE_G     (1UL << 8)
#define PTE_NX    (1UL << 63)
#define PTE_ADDR  0x000ffffffffff000UL

/*
 * Builds the kernel's page tables (direct map of RAM, kernel image with
 * per-section permissions, no identity map) and switches to them. Needs the
 * page allocator. Returns the highest physical address now direct-mapped.
 */
void paging_init(const struct boot_info *bi);
/* Map one 4 KiB kernel page (in the shared upper half). KMAP_EXEC and
 * KMAP_WRITE are exclusive: no kernel mapping is writable and executable. */
#define KMAP_EXEC  1u
#define KMAP_WRITE 2u
int kernel_map_page(uint64_t va, phys_addr_t pa, unsigned flags);
phys_addr_t kernel_unmap_page(uint64_t va);
/* Uncached (device) or cached read-only (firmware tables) mapping of phys. */
void *ioremap(phys_addr_t pa, size_t len);
void *ioremap_ro_cached(phys_addr_t pa, size_t len);
/* Physical address behind a kernel virtual address, or ~0 if unmapped. */
phys_addr_t kernel_virt_to_phys(uint64_t va);
/* The page-table entry for va (4 KiB or large), or 0; for tests. */
uint64_t kernel_pte(uint64_t va);

/*
 * Kernel stacks: KSTACK_SIZE bytes mapped in the stack area, with an
 * unmapped guard page below each, so an overflow faults instead of
 * corrupting the neighbour. kstack_alloc returns the top (initial RSP).
 */
#define KSTACK_SIZE  (16 * 1024)
uint64_t kstack_alloc(void);           /* 0 on failure */
void kstack_free(uint64_t top);
bool kstack_range(uint64_t addr, uint64_t *lo, uint64_t *hi);
bool kstack_is_guard(uint64_t addr);
size_t kstack_count(void);
/* Runs fn(arg) on a fresh guarded stack; never returns. */
__attribute__((noreturn)) void switch_to_stack(uint64_t top, void (*fn)(void *), void *arg);

#endif
