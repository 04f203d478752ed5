/*
 * panic.h - stop the machine with a report (arch/x86_64/panic.c).
 *
 * panic() prints the message, the registers at the call, and a symbolized
 * backtrace, then powers off with the "panic" exit status so a test harness
 * sees a failure rather than a hang. BUG_ON() is for states that cannot
 * happen unless the kernel itself is wrong -- never for bad user input.
 */
#ifndef SYNTHOS_PANIC_H
#define SYNTHOS_PANIC_H

#include <synthos/compiler.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond) do {                                                  \
	if (unlikely(cond))                                                \
		panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__);  \
} while (0)

#endif
