/*
 * log.c - kernel messages: level filter, timestamps, the console, and a
 * ring buffer that keeps the latest messages for later reading (dmesg).
 *
 * Each line starts with "[seconds.micros] " like Linux's printk, so boot
 * logs from synthos and Linux read the same. The ring keeps messages of
 * every level; the console shows those within console_loglevel. Lines are formatted into a
 * local buffer and written with interrupts masked, so a message from an
 * interrupt handler never lands inside another line.
 */
#include <synthos/log.h>
#include <synthos/console.h>
#include <synthos/format.h>
#include <synthos/spinlock.h>
#include <synthos/string.h>
#include <synthos/time.h>

int console_loglevel = LOG_DEFAULT_LEVEL;

#define LOG_RING_SIZE 65536
static char log_ring[LOG_RING_SIZE];
static uint64_t log_ring_head;        /* bytes ever written; protected by log_lock */
static bool log_at_line_start = true; /* protected by log_lock */
static bool log_to_console;           /* this message passes loglevel; log_lock */
static spinlock_t log_lock = SPINLOCK_INIT;

static void log_emit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		log_ring[(log_ring_head + i) % LOG_RING_SIZE] = s[i];
	log_ring_head += n;
	if (log_to_console)
		console_write(s, n);
}

static void log_line_sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	while (n) {
		if (log_at_line_start) {
			char stamp[32];
			uint64_t ns = time_ns();
			int len = ksnprintf(stamp, sizeof(stamp), "[%5llu.%06llu] ",
					    (unsigned long long)(ns / 1000000000ULL),
					    (unsigned long long)(ns / 1000 % 1000000));
			log_emit(stamp, (size_t)len);
			log_at_line_start = false;
		}
		const char *nl = memchr(s, '\n', n);
		size_t chunk = nl ? (size_t)(nl - s) + 1 : n;
		log_emit(s, chunk);
		if (nl)
			log_at_line_start = true;
		s += chunk;
		n -= chunk;
	}
}

static void log_vprint(const char *fmt, va_list ap, bool console)
{
	unsigned long flags = spin_lock_irqsave(&log_lock);
	log_to_console = console;
	kvformat(log_line_sink, NULL, fmt, ap);
	spin_unlock_irqrestore(&log_lock, flags);
}

/* Every message goes to the ring (dmesg); the console shows those within
 * loglevel, as on Linux. */
void kvlog(int level, const char *fmt, va_list ap)
{
	log_vprint(fmt, ap, level <= console_loglevel);
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
	log_vprint(fmt, ap, true);
	va_end(ap);
}

/* Panic path: the lock may be held by the code that faulted. */
void log_break_lock(void)
{
	log_lock.locked = 0;
}

size_t log_read_ring(char *buf, size_t size)
{
	unsigned long flags = spin_lock_irqsave(&log_lock);
	uint64_t avail = log_ring_head < LOG_RING_SIZE ? log_ring_head : LOG_RING_SIZE;
	size_t n = avail < size ? (size_t)avail : size;
	uint64_t start = log_ring_head - n;
	for (size_t i = 0; i < n; i++)
		buf[i] = log_ring[(start + i) % LOG_RING_SIZE];
	spin_unlock_irqrestore(&log_lock, flags);
	return n;
}
