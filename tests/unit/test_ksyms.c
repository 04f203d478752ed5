/*
 * test_ksyms.c - symbol lookup (kernel/ksyms.c) over hand-made tables,
 * and tools/gensyms over a sample of nm output.
 */
#include "ut.h"

#include <stdlib.h>
#include <synthos/ksyms.h>

static const uint64_t addrs[] = { 0x1000, 0x1010, 0x1040, 0x1100 };
static const uint32_t offs[] = { 0, 6, 12, 16 };
static const char names[] = "alpha\0bravo\0cab\0delta";
static const struct ksym_table table = { 4, addrs, offs, names, 0x1180 };

UT_TEST(lookup_exact_start)
{
	uint64_t off = 99, size = 99;
	UT_CHECK_STR(ksym_lookup_in(&table, 0x1010, &off, &size), "bravo");
	UT_CHECK_EQ(off, 0);
	UT_CHECK_EQ(size, 0x30);
}

UT_TEST(lookup_inside_and_last)
{
	uint64_t off, size;
	UT_CHECK_STR(ksym_lookup_in(&table, 0x103f, &off, &size), "bravo");
	UT_CHECK_EQ(off, 0x2f);
	UT_CHECK_STR(ksym_lookup_in(&table, 0x117f, &off, &size), "delta");
	UT_CHECK_EQ(off, 0x7f);
	UT_CHECK_EQ(size, 0x80);
}

UT_TEST(lookup_outside_is_null)
{
	UT_CHECK(ksym_lookup_in(&table, 0xfff, NULL, NULL) == NULL);
	UT_CHECK(ksym_lookup_in(&table, 0x1180, NULL, NULL) == NULL);
	UT_CHECK(ksym_lookup_in(&table, 0, NULL, NULL) == NULL);
	UT_CHECK(ksym_lookup_in(&table, ~0ULL, NULL, NULL) == NULL);
}

UT_TEST(lookup_empty_table)
{
	struct ksym_table empty = { 0, NULL, NULL, "", 0 };
	UT_CHECK(ksym_lookup_in(&empty, 0x1000, NULL, NULL) == NULL);
	UT_CHECK_EQ(ksym_address_in(&empty, "alpha"), 0);
}

UT_TEST(address_by_name)
{
	UT_CHECK_EQ(ksym_address_in(&table, "cab"), 0x1040);
	UT_CHECK_EQ(ksym_address_in(&table, "delta"), 0x1100);
	UT_CHECK_EQ(ksym_address_in(&table, "nope"), 0);
	UT_CHECK_EQ(ksym_address_in(&table, "alph"), 0);
}

/* Every address in range resolves to the symbol with the greatest start <= it. */
UT_TEST(lookup_matches_linear_scan)
{
	for (uint64_t a = 0x1000; a < 0x1180; a++) {
		int want = 0;
		for (int i = 0; i < 4; i++)
			if (addrs[i] <= a)
				want = i;
		UT_CHECK_STR(ksym_lookup_in(&table, a, NULL, NULL), names + offs[want]);
	}
}

/* tools/gensyms: text symbols only, globals win at a shared address, sorted. */
UT_TEST(gensyms_golden)
{
	int r = system("printf '%s\\n' "
		       "'ffffffff80100000 T _start' "
		       "'ffffffff80100000 t local_alias' "
		       "'ffffffff80100010 t helper.constprop.0' "
		       "'ffffffff80100020 D some_data' "
		       "'ffffffff80100030 W weak_fn' "
		       "'ffffffff80100040 r rodata_thing' "
		       "'ffffffff80100050 t first_local' "
		       "'ffffffff80100050 T then_global' "
		       "| tools/gensyms > build/unit/gensyms.out && "
		       "diff -u tests/data/gensyms.golden build/unit/gensyms.out >&2");
	UT_CHECK_EQ(r, 0);
}

/* tools/stencil: holes from R_X86_64_64 and PC32/PLT32 relocations, pinned
 * by a golden file; a template with a data section is refused. */
UT_TEST(stencil_golden)
{
	int r = system("gcc -c tests/data/stencil/golden.S -o build/unit/golden.o && "
		       "build/tools/stencil build/unit/golden.h build/unit/golden.o && "
		       "grep -v '^ \\*' build/unit/golden.h | sed 's|build/unit/golden.o|golden.o|' "
		       "> build/unit/golden.h.cmp && "
		       "diff -u tests/data/stencil/golden.h build/unit/golden.h.cmp >&2");
	UT_CHECK_EQ(r, 0);
}

UT_TEST(stencil_rejects_data)
{
	int r = system("gcc -c tests/data/stencil/bad.S -o build/unit/bad.o && "
		       "! build/tools/stencil build/unit/bad.h build/unit/bad.o 2>/dev/null");
	UT_CHECK_EQ(r, 0);
}

UT_TEST(stencil_rejects_fast_body_calling_out)
{
	int r = system("gcc -c tests/data/stencil/bad_call.S -o build/unit/bad_call.o && "
		       "! build/tools/stencil build/unit/bad_call.h build/unit/bad_call.o 2>/dev/null");
	UT_CHECK_EQ(r, 0);
}
