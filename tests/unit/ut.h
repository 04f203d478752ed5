/*
 * ut.h - the hosted unit-test framework.
 *
 * Each test file defines tests with UT_TEST(name) { ... } and links with
 * tests/unit/ut_main.c. A test fails on its first failed UT_CHECK*; the
 * binary prints one line per test, "PASS unit/<binary>:<name>" or
 * "FAIL unit/<binary>:<name> <file>:<line> <what>", which tests/run-all
 * counts. `test_x NAME` runs only the named test. Exit status is the number
 * of failures (capped at 100).
 */
#ifndef UT_H
#define UT_H

#include <stdio.h>
#include <stdint.h>
#include <string.h>

struct ut_test {
	const char *name;
	void (*fn)(void);
	struct ut_test *next;
};

void ut_register(struct ut_test *t);
void ut_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
extern int ut_failed_current;

#define UT_TEST(name)                                                    \
	static void ut_fn_##name(void);                                  \
	static struct ut_test ut_desc_##name = { #name, ut_fn_##name, 0 }; \
	__attribute__((constructor)) static void ut_reg_##name(void)     \
	{ ut_register(&ut_desc_##name); }                                \
	static void ut_fn_##name(void)

/* Stop the current test on failure (a test is a void function). */
#define UT_CHECK(cond) do {                                              \
	if (!(cond)) { ut_fail(__FILE__, __LINE__, "%s", #cond); return; } \
} while (0)

#define UT_CHECK_EQ(a, b) do {                                           \
	long long ut_a_ = (long long)(a), ut_b_ = (long long)(b);        \
	if (ut_a_ != ut_b_) {                                            \
		ut_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)",   \
			#a, #b, ut_a_, ut_b_);                           \
		return;                                                  \
	}                                                                \
} while (0)

#define UT_CHECK_STR(a, b) do {                                          \
	const char *ut_a_ = (a), *ut_b_ = (b);                           \
	if (!ut_a_ || !ut_b_ || strcmp(ut_a_, ut_b_) != 0) {             \
		ut_fail(__FILE__, __LINE__, "%s == %s (\"%s\" != \"%s\")", \
			#a, #b, ut_a_ ? ut_a_ : "(null)",                \
			ut_b_ ? ut_b_ : "(null)");                       \
		return;                                                  \
	}                                                                \
} while (0)

#endif
