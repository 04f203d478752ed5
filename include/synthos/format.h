/*
 * format.h - printf-style formatting (kernel/lib/format.c).
 *
 * kvformat() is the one formatter; it hands its output to a sink in pieces
 * (literal runs, padding, converted numbers), so a caller can print to a
 * device, a ring buffer or a string without an intermediate buffer.
 * kvsnprintf()/ksnprintf() are the string sink, with C99 snprintf rules.
 *
 * Conversions: d i u x X o c s p %, length modifiers hh h l ll z t j
 * (and q, L as synonyms of ll), flags - 0 + space # ' (the last one
 * accepted and ignored, as in the C locale), width and precision, each
 * also as '*'. Differences from glibc, all chosen on purpose:
 *  - %p prints like %#lx ("0xffffffff80100000"), NULL as "(nil)" (as glibc).
 *  - %s with a NULL pointer prints "(null)", cut by the precision if any
 *    (glibc prints nothing when the precision is below 6).
 *  - %n stores nothing: its pointer argument is consumed and ignored.
 *  - No floating point (the kernel has no FPU state to use): %f and any
 *    other unknown conversion is copied to the output as written, e.g.
 *    "%5f" prints "%5f". A lone '%' at the end of fmt prints '%'.
 *  - l on %c and %s is ignored (no wide characters in the kernel).
 *
 * Safe to call from any context: no locks, no allocation, no static state.
 * The sink is never called with n == 0.
 */
#ifndef SYNTHOS_FORMAT_H
#define SYNTHOS_FORMAT_H

#include <synthos/types.h>

typedef void (*format_sink_t)(void *ctx, const char *s, size_t n);

/* Returns the number of characters produced (capped at INT_MAX). */
int kvformat(format_sink_t sink, void *ctx, const char *fmt, va_list ap);

/*
 * C99 snprintf: writes at most size-1 characters plus a NUL (nothing at all
 * if size == 0) and returns the length the full output would have, so
 * truncation shows as a result >= size.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* The attribute is written out rather than taken from <synthos/compiler.h>,
 * whose __always_inline clashes with glibc's when a hosted test includes
 * this header after a libc one. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
