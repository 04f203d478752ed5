/*
 * console.h - the kernel's console device (COM1 on x86-64: arch/x86_64/serial.c).
 *
 * console_write() works from the first instruction of kmain() on, polls the
 * UART, and is safe in interrupt and panic context. Input arrives by
 * interrupt into a ring buffer once console_enable_input() has run.
 */
#ifndef SYNTHOS_CONSOLE_H
#define SYNTHOS_CONSOLE_H

#include <synthos/types.h>

void console_early_init(void);
void console_write(const char *s, size_t n);        /* '\n' -> "\r\n" */
void console_write_raw(const char *s, size_t n);    /* no translation (the tty's output) */
void console_enable_input(void);
/* Set while the kernel monitor reads the console itself (no init could
 * run): the terminal's line discipline then leaves the input alone. */
extern bool console_claimed_by_kernel;

/* Input waiting for the terminal? Cheap enough for the system-call exit path. */
static inline bool console_input_pending(void)
{
	extern volatile uint32_t rx_head, rx_tail;
	return rx_head != rx_tail && !console_claimed_by_kernel;
}

/* Next input byte, or -1 if none is waiting. */
int console_getc_nonblock(void);
/* Waits (halting the CPU between interrupts) for the next input byte. */
int console_getc(void);

/* Woken (wake_up) by the input interrupt whenever bytes arrive. */
struct waitq;
extern struct waitq console_input_wq;

#endif
