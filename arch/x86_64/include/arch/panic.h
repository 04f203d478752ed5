/*
 * arch/panic.h - the crash report (arch/x86_64/panic.c).
 */
#ifndef ARCH_PANIC_H
#define ARCH_PANIC_H

#include <synthos/compiler.h>
#include <arch/interrupts.h>

/* Report an exception taken in kernel mode and stop the machine. */
__noreturn void die(struct trap_frame *f);
/* Print "  [<addr>] symbol+off/size" lines walking the frame pointers from rbp. */
void backtrace_from(uint64_t rip, uint64_t rbp);
/* Return addresses of the frames from rbp outward; -1 if rbp is on no known stack. */
int backtrace_collect(uint64_t rbp, uint64_t *ret, int max);

#endif
