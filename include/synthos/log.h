/*
 * log.h - kernel messages (kernel/log.c).
 *
 * klog(level, ...) prints when level <= console_loglevel (set by the
 * loglevel= boot option; the default shows everything up to LOG_INFO).
 * kprintf() always prints. Messages go to the serial console; the hosted
 * tests link tests/unit/host/klog_host.c instead, which prints to stderr.
 */
#ifndef SYNTHOS_LOG_H
#define SYNTHOS_LOG_H

#include <synthos/compiler.h>
#include <synthos/types.h>

enum log_level {
	LOG_EMERG = 0, LOG_ALERT, LOG_CRIT, LOG_ERR,
	LOG_WARN, LOG_NOTICE, LOG_INFO, LOG_DEBUG,
};

#define LOG_DEFAULT_LEVEL LOG_INFO

extern int console_loglevel;

void klog(int level, const char *fmt, ...) __printf(2, 3);
void kvlog(int level, const char *fmt, va_list ap);
void kprintf(const char *fmt, ...) __printf(1, 2);

/* The latest messages (up to size bytes), oldest first; for dmesg. */
size_t log_read_ring(char *buf, size_t size);
/* Panic only: forget a lock the crashed code may hold. */
void log_break_lock(void);

#define pr_err(...)    klog(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)   klog(LOG_WARN, __VA_ARGS__)
#define pr_notice(...) klog(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...)   klog(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)  klog(LOG_DEBUG, __VA_ARGS__)

#endif
