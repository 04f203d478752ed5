/*
 * ktest.h - in-kernel self-tests (kernel/ktest.c runs them).
 *
 *   KTEST(page_alloc_orders) { ...; KT_CHECK(p != NULL); ... }
 *
 * puts a descriptor in the .ktests section; `ktest=all` on the command line
 * runs every test that is not KTEST_MANUAL, `ktest=a,b` runs the named ones,
 * then the kernel powers off with a status (see power.h). Each test prints
 * "ktest: PASS name (N us)" or "ktest: FAIL name: file:line: what", and the
 * run ends with "ktest: N passed, N failed". KTEST_MANUAL tests are the
 * deliberately crashing ones the harness uses to check the panic report;
 * they only run when named.
 */
#ifndef SYNTHOS_KTEST_H
#define SYNTHOS_KTEST_H

#include <synthos/compiler.h>
#include <synthos/types.h>

struct ktest {
	const char *name;
	void (*fn)(void);
	const char *file;
	unsigned flags;
};

#define KTEST_F_MANUAL 1u

#define KTEST_DEFINE(tname, tflags)                                           \
	static void ktest_fn_##tname(void);                                   \
	static const struct ktest ktest_desc_##tname                          \
		__section(".ktests") __used __aligned(8) =                    \
		{ #tname, ktest_fn_##tname, __FILE__, tflags };               \
	static void ktest_fn_##tname(void)

#define KTEST(tname)        KTEST_DEFINE(tname, 0)
#define KTEST_MANUAL(tname) KTEST_DEFINE(tname, KTEST_F_MANUAL)

void ktest_fail(const char *file, int line, const char *fmt, ...) __printf(3, 4);
bool ktest_failed(void);

/* Fail the test and leave it (a test is a void function). */
#define KT_CHECK(cond) do {                                                 \
	if (!(cond)) { ktest_fail(__FILE__, __LINE__, "%s", #cond); return; } \
} while (0)

#define KT_CHECK_EQ(a, b) do {                                              \
	unsigned long long kt_a_ = (unsigned long long)(a);                 \
	unsigned long long kt_b_ = (unsigned long long)(b);                 \
	if (kt_a_ != kt_b_) {                                               \
		ktest_fail(__FILE__, __LINE__, "%s == %s (%#llx != %#llx)", \
			   #a, #b, kt_a_, kt_b_);                           \
		return;                                                     \
	}                                                                   \
} while (0)

/* Runs the tests that spec selects; returns the number that failed. */
int ktest_run(const char *spec);
/* Prints the names of all tests. */
void ktest_list(void);

#endif
