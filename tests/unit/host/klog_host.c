/*
 * klog_host.c - hosted replacements for klog() and panic(), linked into
 * unit tests in place of kernel/log.c and the arch panic path.
 *
 * panic() must not return; in a test it aborts unless a test has armed
 * host_panic_expect, in which case it longjmps back so the test can check
 * that the kernel code detected the corruption it was fed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <synthos/log.h>
#include <synthos/panic.h>
#include "host/host_panic.h"

int console_loglevel = LOG_WARN;
jmp_buf *host_panic_expect;
char host_panic_msg[512];

void kvlog(int level, const char *fmt, va_list ap)
{
	if (level > console_loglevel)
		return;
	vfprintf(stderr, fmt, ap);
}

void klog(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvlog(level, fmt, ap);
	va_end(ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(host_panic_msg, sizeof(host_panic_msg), fmt, ap);
	va_end(ap);
	if (host_panic_expect) {
		jmp_buf *j = host_panic_expect;
		host_panic_expect = NULL;
		longjmp(*j, 1);
	}
	fprintf(stderr, "panic: %s\n", host_panic_msg);
	abort();
}
