/*
 * arch/gdt.h - segment selectors and TSS access (arch/x86_64/gdt.c).
 */
#ifndef ARCH_GDT_H
#define ARCH_GDT_H

#include <synthos/types.h>

/* Linux's x86-64 selectors, so user-visible values (uc_mcontext's
 * csgsfs, what a debugger shows) match. */
#define KERNEL_CS  0x10
#define KERNEL_DS  0x18
#define USER32_CS  0x23
#define USER_DS    0x2b
#define USER_CS    0x33
#define TSS_SEL    0x40

#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MCE          3

void tss_set_rsp0(uint64_t rsp0);
/* If addr is on one of the IST stacks, its bounds. */
bool ist_stack_range(uint64_t addr, uint64_t *lo, uint64_t *hi);

#endif
