/*
 * ut_main.c - runs the UT_TEST()s registered in one hosted test binary.
 * See ut.h for the output format.
 */
#include "ut.h"

#include <stdarg.h>
#include <stdlib.h>

static struct ut_test *ut_head, **ut_tail = &ut_head;
static const char *ut_binary;
static const char *ut_current;
int ut_failed_current;

void ut_register(struct ut_test *t)
{
	/* Constructors run in file order; keep that order for the report. */
	t->next = NULL;
	*ut_tail = t;
	ut_tail = &t->next;
}

void ut_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ut_failed_current)
		return;
	ut_failed_current = 1;
	printf("FAIL unit/%s:%s %s:%d ", ut_binary, ut_current, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int failures = 0, ran = 0;
	const char *slash = strrchr(argv[0], '/');

	ut_binary = slash ? slash + 1 : argv[0];
	for (struct ut_test *t = ut_head; t; t = t->next) {
		if (argc > 1 && strcmp(argv[1], t->name) != 0)
			continue;
		ut_current = t->name;
		ut_failed_current = 0;
		t->fn();
		ran++;
		if (ut_failed_current)
			failures++;
		else
			printf("PASS unit/%s:%s\n", ut_binary, t->name);
		fflush(stdout);
	}
	if (argc > 1 && ran == 0) {
		printf("FAIL unit/%s:%s no such test\n", ut_binary, argv[1]);
		return 1;
	}
	return failures > 100 ? 100 : failures;
}
