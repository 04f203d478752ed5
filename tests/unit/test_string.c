/*
 * test_string.c - hosted tests for kernel/lib/string.c.
 *
 * The kernel file is compiled right here under k_ names (host/rename.h), so
 * libc's functions stay available as the reference. Buffers are malloc'd
 * with guard bytes (checked by hand) and, where reading past the end is the
 * risk, to the exact size so ASan catches an over-read.
 */
#include "ut.h"

#include <stdlib.h>

#include "host/rename.h"
#include "../../kernel/lib/string.c"
#include "host/rename.h"

#define MAXLEN 64
#define ALIGNS 16
#define GUARD  16
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUFSZ  (GUARD + ALIGNS + MAXLEN + 2 * ALIGNS + GUARD)

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + 1);
}

/* The obvious byte-at-a-time memmove: copy through a temporary. */
static void ref_memmove(unsigned char *dst, const unsigned char *src, size_t n)
{
	unsigned char tmp[BUFSZ];
	for (size_t i = 0; i < n; i++)
		tmp[i] = src[i];
	for (size_t i = 0; i < n; i++)
		dst[i] = tmp[i];
}

/* glibc 2.36 has no strlcpy, so the reference is written out here. */
static size_t ref_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

UT_TEST(memcpy_every_alignment_and_length_0_to_64)
{
	static unsigned char src[BUFSZ], got[BUFSZ], want[BUFSZ];

	for (size_t sa = 0; sa < ALIGNS; sa++)
		for (size_t da = 0; da < ALIGNS; da++)
			for (size_t n = 0; n <= MAXLEN; n++) {
				fill_pattern(src, BUFSZ, (unsigned)(sa + n));
				fill_pattern(got, BUFSZ, 99);
				fill_pattern(want, BUFSZ, 99);
				memcpy(want + GUARD + da, src + GUARD + sa, n);
				void *r = k_memcpy(got + GUARD + da, src + GUARD + sa, n);
				UT_CHECK(r == got + GUARD + da);
				/* Whole buffer equal: the copy and both guards. */
				UT_CHECK(memcmp(got, want, BUFSZ) == 0);
			}
}

UT_TEST(memcpy_long_copies_match)
{
	size_t lens[] = { 65, 127, 128, 129, 255, 256, 4095, 4096, 4097, 10000 };

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++)
		for (size_t sa = 0; sa < 8; sa++) {
			size_t n = lens[i];
			unsigned char *s = malloc(n + sa), *d = malloc(n + 3);
			fill_pattern(s, n + sa, (unsigned)i);
			k_memcpy(d + 3, s + sa, n);
			UT_CHECK(memcmp(d + 3, s + sa, n) == 0);
			free(s);
			free(d);
		}
}

UT_TEST(memcpy_exact_size_buffers_no_overread)
{
	/* ASan reports any byte touched outside the malloc'd block. */
	for (size_t n = 0; n <= 100; n++) {
		unsigned char *s = malloc(n ? n : 1), *d = malloc(n ? n : 1);
		fill_pattern(s, n, (unsigned)n);
		k_memcpy(d, s, n);
		UT_CHECK(memcmp(d, s, n) == 0);
		free(s);
		free(d);
	}
}

UT_TEST(memmove_overlap_both_directions_all_offsets)
{
	static unsigned char got[BUFSZ], want[BUFSZ];

	for (size_t so = 0; so < 2 * ALIGNS; so++)
		for (size_t doff = 0; doff < 2 * ALIGNS; doff++)
			for (size_t n = 0; n <= MAXLEN; n++) {
				fill_pattern(got, BUFSZ, (unsigned)n);
				fill_pattern(want, BUFSZ, (unsigned)n);
				ref_memmove(want + GUARD + doff, want + GUARD + so, n);
				void *r = k_memmove(got + GUARD + doff, got + GUARD + so, n);
				UT_CHECK(r == got + GUARD + doff);
				UT_CHECK(memcmp(got, want, BUFSZ) == 0);
			}
}

UT_TEST(memmove_overlap_by_one_byte_long)
{
	/* The classic failure: a forward copy smearing the first byte. */
	unsigned char b[300], want[300];

	fill_pattern(b, sizeof(b), 5);
	memcpy(want, b, sizeof(b));
	k_memmove(b + 1, b, 299);
	memmove(want + 1, want, 299);
	UT_CHECK(memcmp(b, want, sizeof(b)) == 0);
	k_memmove(b, b + 1, 299);
	memmove(want, want + 1, 299);
	UT_CHECK(memcmp(b, want, sizeof(b)) == 0);
}

UT_TEST(memmove_same_pointer_and_zero_length)
{
	unsigned char b[32], want[32];

	fill_pattern(b, sizeof(b), 1);
	memcpy(want, b, sizeof(b));
	UT_CHECK(k_memmove(b, b, sizeof(b)) == b);
	UT_CHECK(memcmp(b, want, sizeof(b)) == 0);
	UT_CHECK(k_memmove(b + 3, b + 9, 0) == b + 3);
	UT_CHECK(memcmp(b, want, sizeof(b)) == 0);
}

UT_TEST(memmove_randomized_against_reference)
{
	static unsigned char got[4096], want[4096];

	srand(12345);
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = (size_t)rand() % 600;
		size_t s = (size_t)rand() % (sizeof(got) - n);
		size_t d = (size_t)rand() % (sizeof(got) - n);
		fill_pattern(got, sizeof(got), (unsigned)iter);
		memcpy(want, got, sizeof(got));
		k_memmove(got + d, got + s, n);
		memmove(want + d, want + s, n);
		UT_CHECK(memcmp(got, want, sizeof(got)) == 0);
	}
}

UT_TEST(memset_every_alignment_length_and_value)
{
	static unsigned char got[BUFSZ], want[BUFSZ];
	int values[] = { 0, 1, 0x5a, 0x80, 0xff, -1, 0x1ab, -256 };

	for (size_t v = 0; v < ARRAY_SIZE(values); v++)
		for (size_t a = 0; a < ALIGNS; a++)
			for (size_t n = 0; n <= MAXLEN; n++) {
				fill_pattern(got, BUFSZ, 7);
				fill_pattern(want, BUFSZ, 7);
				memset(want + GUARD + a, values[v], n);
				void *r = k_memset(got + GUARD + a, values[v], n);
				UT_CHECK(r == got + GUARD + a);
				UT_CHECK(memcmp(got, want, BUFSZ) == 0);
			}
}

UT_TEST(memset_uses_only_low_byte_of_value)
{
	unsigned char b[20];

	k_memset(b, 0x3141, sizeof(b));
	for (size_t i = 0; i < sizeof(b); i++)
		UT_CHECK_EQ(b[i], 0x41);
}

UT_TEST(memcmp_compares_unsigned_bytes)
{
	unsigned char a[] = { 1, 2, 0x80 }, b[] = { 1, 2, 0x01 };

	UT_CHECK(k_memcmp(a, b, 3) > 0);
	UT_CHECK(k_memcmp(b, a, 3) < 0);
	UT_CHECK(k_memcmp(a, b, 2) == 0);
	UT_CHECK(k_memcmp(a, b, 0) == 0);
	UT_CHECK(k_memcmp("abc", "abd", 3) < 0);
}

UT_TEST(memcmp_sign_agrees_with_libc_on_random_data)
{
	unsigned char a[40], b[40];

	srand(7);
	for (int iter = 0; iter < 5000; iter++) {
		size_t n = (size_t)rand() % sizeof(a);
		for (size_t i = 0; i < sizeof(a); i++)
			a[i] = b[i] = (unsigned char)rand();
		if (n && rand() % 4)
			b[rand() % n] = (unsigned char)rand();
		int k = k_memcmp(a, b, n), l = memcmp(a, b, n);
		UT_CHECK((k > 0) == (l > 0) && (k < 0) == (l < 0));
	}
}

UT_TEST(memchr_finds_first_and_respects_bound)
{
	const char s[] = "abcabc";

	UT_CHECK(k_memchr(s, 'b', 6) == s + 1);
	UT_CHECK(k_memchr(s, 'c', 2) == NULL);
	UT_CHECK(k_memchr(s, 'a', 0) == NULL);
	UT_CHECK(k_memchr(s, 0, 7) == s + 6);
	/* c is converted to unsigned char: 0x161 looks for 'a'. */
	UT_CHECK(k_memchr(s, 0x161, 6) == s);

	unsigned char hi[] = { 1, 0xfe, 2 };
	UT_CHECK(k_memchr(hi, 0xfe, 3) == hi + 1);
	UT_CHECK(k_memchr(hi, -2, 3) == hi + 1);
}

UT_TEST(strlen_and_strnlen_basic)
{
	UT_CHECK_EQ(k_strlen(""), 0);
	UT_CHECK_EQ(k_strlen("a"), 1);
	UT_CHECK_EQ(k_strlen("hello, world"), 12);
	UT_CHECK_EQ(k_strnlen("hello", 0), 0);
	UT_CHECK_EQ(k_strnlen("hello", 3), 3);
	UT_CHECK_EQ(k_strnlen("hello", 5), 5);
	UT_CHECK_EQ(k_strnlen("hello", 100), 5);
}

UT_TEST(strnlen_never_reads_past_max)
{
	/* Unterminated buffer of exactly max bytes: ASan guards the end. */
	for (size_t n = 1; n <= 40; n++) {
		char *b = malloc(n);
		memset(b, 'x', n);
		UT_CHECK_EQ(k_strnlen(b, n), n);
		free(b);
	}
}

UT_TEST(strcmp_orders_as_unsigned_char)
{
	UT_CHECK(k_strcmp("", "") == 0);
	UT_CHECK(k_strcmp("abc", "abc") == 0);
	UT_CHECK(k_strcmp("abc", "abd") < 0);
	UT_CHECK(k_strcmp("abd", "abc") > 0);
	UT_CHECK(k_strcmp("ab", "abc") < 0);
	UT_CHECK(k_strcmp("abc", "ab") > 0);
	UT_CHECK(k_strcmp("\x80", "\x01") > 0);
	UT_CHECK(k_strcmp("a\xff", "a") > 0);
}

UT_TEST(strncmp_stops_at_n_and_at_nul)
{
	UT_CHECK(k_strncmp("abcdef", "abcxyz", 3) == 0);
	UT_CHECK(k_strncmp("abcdef", "abcxyz", 4) < 0);
	UT_CHECK(k_strncmp("abc", "abd", 0) == 0);
	UT_CHECK(k_strncmp("ab", "ab", 100) == 0);
	UT_CHECK(k_strncmp("ab", "abc", 100) < 0);
	UT_CHECK(k_strncmp("\xf0", "\x10", 1) > 0);

	/* Equal strings shorter than n: must stop at the NUL, not read on.
	 * Exact-size heap copies let ASan check that. */
	char *a = strdup("key"), *b = strdup("key");
	UT_CHECK(k_strncmp(a, b, 1000) == 0);
	free(a);
	free(b);
}

UT_TEST(strchr_and_strrchr_including_terminator)
{
	const char *s = "hello";

	UT_CHECK(k_strchr(s, 'l') == s + 2);
	UT_CHECK(k_strrchr(s, 'l') == s + 3);
	UT_CHECK(k_strchr(s, 'z') == NULL);
	UT_CHECK(k_strrchr(s, 'z') == NULL);
	UT_CHECK(k_strchr(s, 0) == s + 5);
	UT_CHECK(k_strrchr(s, 0) == s + 5);
	UT_CHECK(k_strchr(s, 'h') == s);
	UT_CHECK(k_strrchr(s, 'h') == s);
	UT_CHECK(k_strchr("", 'a') == NULL);

	const char *hi = "a\xc8z\xc8";
	UT_CHECK(k_strchr(hi, 0xc8) == hi + 1);
	UT_CHECK(k_strrchr(hi, 0xc8) == hi + 3);
	UT_CHECK(k_strchr(hi, (char)0xc8) == hi + 1);
}

UT_TEST(strlcpy_truncates_terminates_and_returns_source_length)
{
	char b[8];

	memset(b, 'Q', sizeof(b));
	UT_CHECK_EQ(k_strlcpy(b, "hello", 0), 5);
	UT_CHECK_EQ(b[0], 'Q');         /* size 0: nothing written */

	UT_CHECK_EQ(k_strlcpy(b, "hello", 1), 5);
	UT_CHECK_STR(b, "");
	UT_CHECK_EQ(b[1], 'Q');

	UT_CHECK_EQ(k_strlcpy(b, "hello", 5), 5);  /* ret >= size: truncated */
	UT_CHECK_STR(b, "hell");

	UT_CHECK_EQ(k_strlcpy(b, "hello", 6), 5);  /* exact fit */
	UT_CHECK_STR(b, "hello");
	UT_CHECK_EQ(b[6], 'Q');

	UT_CHECK_EQ(k_strlcpy(b, "", sizeof(b)), 0);
	UT_CHECK_STR(b, "");

	UT_CHECK_EQ(k_strlcpy(b, "a much longer string", sizeof(b)), 20);
	UT_CHECK_STR(b, "a much ");
}

UT_TEST(strlcpy_matches_reference_for_all_small_sizes)
{
	const char *srcs[] = { "", "x", "abcdefg", "abcdefgh", "0123456789abcdefghijklmnop" };
	char got[40], want[40];

	for (size_t i = 0; i < ARRAY_SIZE(srcs); i++)
		for (size_t size = 0; size <= 32; size++) {
			memset(got, 'Z', sizeof(got));
			memset(want, 'Z', sizeof(want));
			UT_CHECK_EQ(k_strlcpy(got, srcs[i], size), ref_strlcpy(want, srcs[i], size));
			UT_CHECK(memcmp(got, want, sizeof(got)) == 0);
		}
}

UT_TEST(strlcat_appends_and_truncates)
{
	char b[10];

	strcpy(b, "abc");
	UT_CHECK_EQ(k_strlcat(b, "def", sizeof(b)), 6);
	UT_CHECK_STR(b, "abcdef");
	UT_CHECK_EQ(k_strlcat(b, "ghijkl", sizeof(b)), 12);  /* truncated */
	UT_CHECK_STR(b, "abcdefghi");
	UT_CHECK_EQ(k_strlcat(b, "", sizeof(b)), 9);
	UT_CHECK_STR(b, "abcdefghi");

	strcpy(b, "ab");
	UT_CHECK_EQ(k_strlcat(b, "cd", 3), 4);      /* room for nothing more */
	UT_CHECK_STR(b, "ab");
}

UT_TEST(strlcat_unterminated_destination_is_left_alone)
{
	char b[4] = { 'w', 'x', 'y', 'z' };

	/* No NUL within size: untouched, result size + strlen(src). */
	UT_CHECK_EQ(k_strlcat(b, "hi", 4), 6);
	UT_CHECK(memcmp(b, "wxyz", 4) == 0);
	UT_CHECK_EQ(k_strlcat(b, "hi", 0), 2);
	UT_CHECK(memcmp(b, "wxyz", 4) == 0);
}
