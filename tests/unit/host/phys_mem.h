/*
 * phys_mem.h - fake physical memory for hosted tests of the memory
 * allocators (tests/unit/host/phys_mem.c).
 *
 * host_phys_create(mib) allocates mib MiB, 4 MiB-aligned so that buddy
 * blocks of every order are as aligned in host memory as they would be
 * physically, and sets host_phys_base so that phys_to_virt(p) from the
 * hosted <arch/page.h> is host_phys_base + p. The memory starts out
 * filled with garbage, never zero, so code that forgets to initialize
 * something does not pass by luck. Each call replaces the previous memory
 * (reusing it, refilled, when the size is the same).
 *
 * host_phys_poison() marks a physical range inaccessible under ASan (a
 * no-op without it): tests poison the holes and reserved ranges of their
 * fake firmware map, so an allocator that hands them out, or touches them
 * itself, stops the test with an ASan report.
 */
#ifndef HOST_PHYS_MEM_H
#define HOST_PHYS_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <synthos/types.h>

extern uintptr_t host_phys_base;

void *host_phys_create(size_t mib);
void host_phys_destroy(void);
size_t host_phys_size(void);
void host_phys_poison(phys_addr_t start, phys_addr_t end);
void host_phys_unpoison(phys_addr_t start, phys_addr_t end);

#endif
