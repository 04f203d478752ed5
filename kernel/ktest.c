/*
 * ktest.c - runs the in-kernel self-tests (see include/synthos/ktest.h).
 *
 * Tests run one after another on the boot thread with interrupts on. After
 * each test the runner compares the kmalloc bytes in use and the number of
 * kernel stacks with the figures before it: a test that leaks fails.
 */
#include <synthos/format.h>
#include <synthos/ktest.h>
#include <synthos/log.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/time.h>
#include <arch/mm.h>

extern const struct ktest __ktests_start[], __ktests_end[];

static bool current_failed;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (current_failed)
		return;
	current_failed = true;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("ktest:   %s:%d: %s\n", file, line, msg);
}

bool ktest_failed(void)
{
	return current_failed;
}

/* Is name one of the comma-separated words in spec? */
static bool spec_names(const char *spec, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = spec; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

/* Not inlined: the backtrace self-test expects to see this frame. */
static __noinline void run_one(const struct ktest *t, int *passed, int *failed)
{
	size_t bytes0 = kmalloc_bytes_in_use();
	size_t stacks0 = kstack_count();
	uint64_t t0 = time_ns();

	current_failed = false;
	t->fn();
	uint64_t us = (time_ns() - t0) / 1000;
	if (!current_failed && kmalloc_bytes_in_use() != bytes0)
		ktest_fail(t->file, 0, "leaked %lld bytes of kmalloc memory",
			   (long long)(kmalloc_bytes_in_use() - bytes0));
	if (!current_failed && kstack_count() != stacks0)
		ktest_fail(t->file, 0, "leaked %lld kernel stacks",
			   (long long)(kstack_count() - stacks0));
	if (current_failed) {
		kprintf("ktest: FAIL %s\n", t->name);
		(*failed)++;
	} else {
		kprintf("ktest: PASS %s (%llu us)\n", t->name, (unsigned long long)us);
		(*passed)++;
	}
}

int ktest_run(const char *spec)
{
	bool all = strcmp(spec, "all") == 0;
	int passed = 0, failed = 0, matched = 0;

	kprintf("ktest: running '%s'\n", spec);
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		bool chosen = all ? !(t->flags & KTEST_F_MANUAL) : spec_names(spec, t->name);
		if (!chosen)
			continue;
		matched++;
		run_one(t, &passed, &failed);
	}
	if (!all && matched == 0) {
		kprintf("ktest: FAIL %s (no such test)\n", spec);
		failed++;
	}
	kprintf("ktest: %d passed, %d failed\n", passed, failed);
	return failed;
}

void ktest_list(void)
{
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
		kprintf("  %s%s\n", t->name, (t->flags & KTEST_F_MANUAL) ? " (manual: crashes on purpose)" : "");
}
