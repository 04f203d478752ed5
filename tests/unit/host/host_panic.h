/*
 * host_panic.h - let a hosted test expect a kernel panic().
 *
 *   jmp_buf j;
 *   if (setjmp(j) == 0) { host_panic_expect = &j; code_that_panics(); ... }
 *   else { the panic happened; host_panic_msg holds its text }
 */
#ifndef HOST_PANIC_H
#define HOST_PANIC_H
#include <setjmp.h>
extern jmp_buf *host_panic_expect;
extern char host_panic_msg[512];
#endif
