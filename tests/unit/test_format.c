/*
 * test_format.c - hosted tests for kernel/lib/format.c.
 *
 * Most checks compare ksnprintf() with the host's snprintf(): a hand-picked
 * table, the full cross product of flags x width x precision x length x
 * conversion over edge values, and a randomized sweep. Where synthos
 * deliberately differs from glibc (see <synthos/format.h>) the tests spell
 * out the expected text instead.
 */
#include "ut.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>

#include <synthos/format.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Both formatters, same arguments; fail with both outputs shown. */
#define SAME(...) do {                                                   \
	char w_[512], g_[512];                                           \
	int wn_ = snprintf(w_, sizeof(w_), __VA_ARGS__);                 \
	int gn_ = ksnprintf(g_, sizeof(g_), __VA_ARGS__);                \
	if (wn_ != gn_ || strcmp(w_, g_) != 0) {                         \
		ut_fail(__FILE__, __LINE__, "%s: libc \"%s\" (%d), ours \"%s\" (%d)", \
			#__VA_ARGS__, w_, wn_, g_, gn_);                 \
		return;                                                  \
	}                                                                \
} while (0)

/*
 * The same, for formats gcc's -Wformat rightly complains about (redundant
 * flags, unknown conversions): called through wrappers that carry no
 * format attribute, so the test can still feed them in.
 */
static int host_sn(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static int k_vsn(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define SAME_NC(...) do {                                                \
	char w_[512], g_[512];                                           \
	int wn_ = host_sn(w_, sizeof(w_), __VA_ARGS__);                  \
	int gn_ = k_vsn(g_, sizeof(g_), __VA_ARGS__);                    \
	if (wn_ != gn_ || strcmp(w_, g_) != 0) {                         \
		ut_fail(__FILE__, __LINE__, "%s: libc \"%s\" (%d), ours \"%s\" (%d)", \
			#__VA_ARGS__, w_, wn_, g_, gn_);                 \
		return;                                                  \
	}                                                                \
} while (0)

/* ksnprintf into a roomy buffer, then compare with the expected text. */
#define EXPECT(want, ...) EXPECT_WITH(ksnprintf, want, __VA_ARGS__)
#define EXPECT_NC(want, ...) EXPECT_WITH(k_vsn, want, __VA_ARGS__)
#define EXPECT_WITH(fn, want, ...) do {                                  \
	char g_[512];                                                    \
	int gn_ = fn(g_, sizeof(g_), __VA_ARGS__);                       \
	if (gn_ != (int)strlen(want) || strcmp(g_, want) != 0) {         \
		ut_fail(__FILE__, __LINE__, "%s: want \"%s\", got \"%s\" (%d)", \
			#__VA_ARGS__, want, g_, gn_);                    \
		return;                                                  \
	}                                                                \
} while (0)

/* A sink that records every piece, to check how kvformat calls sinks. */
struct rec {
	char text[8192];
	size_t len;
	int calls;
	int empty_calls;
};

static void rec_sink(void *ctx, const char *s, size_t n)
{
	struct rec *r = ctx;

	r->calls++;
	if (n == 0)
		r->empty_calls++;
	if (r->len + n < sizeof(r->text)) {
		memcpy(r->text + r->len, s, n);
		r->len += n;
		r->text[r->len] = 0;
	}
}

static int rec_format(struct rec *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	memset(r, 0, sizeof(*r));
	va_start(ap, fmt);
	n = kvformat(rec_sink, r, fmt, ap);
	va_end(ap);
	return n;
}

UT_TEST(plain_text_and_percent)
{
	SAME_NC("");
	SAME("hello, world");
	SAME("100%%");
	SAME("%%%%%%");
	SAME("a%%b%%c");
}

UT_TEST(decimal_basics_match_libc)
{
	SAME("%d", 0);
	SAME("%d", 1);
	SAME("%d", -1);
	SAME("%i", 12345);
	SAME("%d", INT_MAX);
	SAME("%d", INT_MIN);
	SAME("%u", 0u);
	SAME("%u", UINT_MAX);
	SAME("%5d|%-5d|%05d", 42, 42, 42);
	SAME("%+d % d %+d % d", 5, 5, -5, -5);
	SAME_NC("%+ d", 7);
	SAME("%-+6d|", 7);
	SAME("%06d", -42);
	SAME_NC("%-06d|", -42);
	SAME("%.3d", 7);
	SAME("%.3d", -7);
	SAME("%8.3d", -7);
	SAME("%-8.3d|", -7);
	SAME_NC("%08.3d", 7);      /* precision disables the 0 flag */
	SAME("%.0d|%5.0d|%-5.0d|", 0, 0, 0);
	SAME("%+.0d|% .0d", 0, 0);
}

UT_TEST(sixty_four_bit_extremes_exact_text)
{
	EXPECT("-9223372036854775808", "%lld", LLONG_MIN);
	EXPECT("-9223372036854775808", "%ld", (long)INT64_MIN);
	EXPECT("-9223372036854775808", "%jd", (intmax_t)INT64_MIN);
	EXPECT("9223372036854775807", "%lld", LLONG_MAX);
	EXPECT("18446744073709551615", "%llu", ULLONG_MAX);
	EXPECT("18446744073709551615", "%zu", (size_t)UINT64_MAX);
	EXPECT("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
	EXPECT("FFFFFFFFFFFFFFFF", "%llX", ULLONG_MAX);
	EXPECT("1777777777777777777777", "%llo", ULLONG_MAX);
	EXPECT("01777777777777777777777", "%#llo", ULLONG_MAX);
	EXPECT("0x8000000000000000", "%#llx", 1ULL << 63);
	EXPECT("-2147483648", "%d", INT_MIN);
	EXPECT("4294967295", "%u", UINT_MAX);
}

UT_TEST(hex_and_octal_alternate_forms_match_libc)
{
	SAME("%x %X %o", 255u, 255u, 8u);
	SAME("%#x %#X %#o", 255u, 255u, 8u);
	SAME("%#x|%#o|%#X", 0u, 0u, 0u);      /* no 0x for zero */
	SAME("%#.0o|%.0o|%#.0x|", 0u, 0u, 0u);
	SAME("%#10x|%#-10x|%#010x", 0xabcu, 0xabcu, 0xabcu);
	SAME("%#.8x|%#12.8x", 0x1fu, 0x1fu);
	SAME("%#5o|%#05o|%#.5o|%#.1o", 8u, 8u, 8u, 8u);
	SAME("%08x|%-8x|%.8X", 0xbeefu, 0xbeefu, 0xbeefu);
}

UT_TEST(length_modifiers_truncate_like_libc)
{
	SAME("%hhd %hhd %hhd %hhd", 127, 128, 255, -129);
	SAME("%hhu %hhu %hhx %hho", 255, 256, 0x1ff, -1);
	SAME("%hd %hd %hu %hx", 32767, 32768, 65537, -1);
	SAME("%ld %lu %lx", -1L, ULONG_MAX, 0x123456789abcdefUL);
	SAME("%lld %llu %llx %llo", -1LL, ULLONG_MAX, 1ULL << 40, 1ULL << 40);
	SAME("%zd %zu %zx", (ssize_t)-5, (size_t)5, (size_t)0xdeadbeefcafeULL);
	SAME("%td %tu", (ptrdiff_t)-77, (ptrdiff_t)77);
	SAME("%jd %ju %jx", (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX, (uintmax_t)0x10);
	SAME("%hhi %hi %li %lli %zi %ti %ji", -3, -3, -3L, -3LL, (ssize_t)-3, (ptrdiff_t)-3, (intmax_t)-3);
}

UT_TEST(chars_and_strings_match_libc)
{
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("[%5c][%-5c][%1c]", 'x', 'y', 'z');
	SAME("%c", 0xff);
	SAME("[%s]", "");
	SAME("[%s][%10s][%-10s]", "abc", "abc", "abc");
	SAME("[%.2s][%.0s][%.10s]", "abcdef", "abcdef", "abc");
	SAME("[%7.3s][%-7.3s]", "abcdef", "abcdef");
	SAME("[%2s]", "longer than width");
}

UT_TEST(star_width_and_precision_match_libc)
{
	SAME("[%*d]", 6, 42);
	SAME("[%*d]", -6, 42);           /* negative width: left-justify */
	SAME("[%-*d]", -6, 42);
	SAME("[%.*d]", 4, 42);
	SAME("[%.*d]", -4, 42);          /* negative precision: none */
	SAME_NC("[%0*.*d]", 8, -1, 42);     /* ...so 0 applies again */
	SAME("[%*.*s]", 8, 3, "abcdef");
	SAME("[%-*.*s]", 8, 3, "abcdef");
	SAME("[%*s]", -8, "ab");
	SAME("[%*c]", 3, 'q');
	SAME("[%*.*x]", 10, 6, 0xabcu);
	SAME("[%.*s]", 0, "gone");
}

UT_TEST(pointer_format_matches_glibc)
{
	int x;

	SAME("%p", (void *)&x);
	SAME("%p", (void *)0x1);
	SAME("%p", (void *)0xffffffff80100000ULL);
	SAME("[%20p][%-20p]", (void *)0xabc, (void *)0xabc);
	SAME("%p", (void *)0);
	SAME("[%8p][%-8p]", (void *)0, (void *)0);
	EXPECT("0xffffffff80100000", "%p", (void *)0xffffffff80100000ULL);
	EXPECT("(nil)", "%p", (void *)0);
}

UT_TEST(null_string_prints_null_cut_by_precision)
{
	/* volatile: keeps gcc from seeing (and warning about) the NULL. */
	static const char *volatile null_ptr;
	const char *null = null_ptr;

	EXPECT("(null)", "%s", null);
	EXPECT("[  (null)]", "[%8s]", null);
	EXPECT("[(null)  ]", "[%-8s]", null);
	/* Documented difference: glibc prints "" here; we print a prefix. */
	EXPECT("(nu", "%.3s", null);
}

UT_TEST(string_precision_never_reads_past_it)
{
	/* Exactly 5 unterminated bytes on the heap: ASan traps any peek. */
	char *s = malloc(5);
	memcpy(s, "abcde", 5);
	EXPECT("abcde", "%.5s", s);
	EXPECT("abc", "%.3s", s);
	EXPECT("[   abcde]", "[%8.5s]", s);
	EXPECT("ab", "%.*s", 2, s);
	free(s);
}

UT_TEST(unknown_conversions_print_literally)
{
	EXPECT_NC("%y", "%y");
	EXPECT_NC("a%5yb", "a%5yb");
	EXPECT_NC("[%-08.3y]", "[%-08.3y]");
	EXPECT_NC("%lk", "%lk");
	EXPECT_NC("%f", "%f");
	EXPECT_NC("%b|7", "%b|%d", 7);
	EXPECT_NC("%", "%");               /* lone % at the end */
	EXPECT_NC("abc%", "abc%");
	EXPECT_NC("abc%-5", "abc%-5");
	EXPECT_NC("x%ll", "x%ll");
	EXPECT_NC("x%y", "x%5%y");         /* %% takes no width: just '%' */
}

UT_TEST(percent_n_consumes_its_argument_and_stores_nothing)
{
	int where = 1234;

	EXPECT("ab12", "ab%n%d%s", &where, 12, "");
	UT_CHECK_EQ(where, 1234);
}

UT_TEST(snprintf_returns_full_length_when_truncating)
{
	const char *want = "value=-123456789 hex=0xdeadbeef";
	size_t len = strlen(want);

	for (size_t size = 0; size <= len + 3; size++) {
		char buf[64];
		memset(buf, '#', sizeof(buf));
		int n = ksnprintf(buf, size, "value=%d hex=%#x", -123456789, 0xdeadbeefu);
		UT_CHECK_EQ(n, (int)len);
		if (size == 0) {
			UT_CHECK_EQ(buf[0], '#');   /* nothing written */
			continue;
		}
		size_t kept = size - 1 < len ? size - 1 : len;
		UT_CHECK(memcmp(buf, want, kept) == 0);
		UT_CHECK_EQ(buf[kept], '\0');
		UT_CHECK_EQ(buf[kept + 1], '#');    /* nothing past the NUL */
	}
}

UT_TEST(snprintf_size_zero_accepts_null_buffer)
{
	UT_CHECK_EQ(ksnprintf(NULL, 0, "%s-%d", "abc", 12345), 9);
}

UT_TEST(snprintf_exact_size_heap_buffer)
{
	/* The NUL must land inside the buffer: ASan checks the last byte. */
	for (size_t size = 1; size <= 12; size++) {
		char *b = malloc(size);
		int n = ksnprintf(b, size, "%s", "0123456789");
		UT_CHECK_EQ(n, 10);
		UT_CHECK_EQ(strlen(b), size - 1 < 10 ? size - 1 : 10);
		free(b);
	}
}

UT_TEST(vsnprintf_matches_snprintf)
{
	char a[64], b[64];

	UT_CHECK_EQ(k_vsn(a, sizeof(a), "%s=%5.2d|%-4x|", "k", 3, 0xau), 13);
	ksnprintf(b, sizeof(b), "%s=%5.2d|%-4x|", "k", 3, 0xau);
	UT_CHECK_STR(a, b);
	UT_CHECK_STR(a, "k=   03|a   |");
}

UT_TEST(kvformat_sink_never_gets_empty_pieces_and_count_is_total)
{
	struct rec r;
	int n = rec_format(&r, "%s%d%-s%.0d%c[%5s]%%", "", 5, "", 0, 'x', "");

	UT_CHECK_EQ(r.empty_calls, 0);
	UT_CHECK_EQ(n, (int)r.len);
	UT_CHECK_STR(r.text, "5x[     ]%");

	n = rec_format(&r, "");
	UT_CHECK_EQ(n, 0);
	UT_CHECK_EQ(r.calls, 0);
}

UT_TEST(kvformat_literal_text_is_one_piece)
{
	struct rec r;

	rec_format(&r, "a fairly long literal with no conversions");
	UT_CHECK_EQ(r.calls, 1);
	rec_format(&r, "left %d right", 1);
	UT_CHECK_EQ(r.calls, 3);
}

UT_TEST(wide_padding_is_exact)
{
	struct rec r;
	char want[4000];

	int n = rec_format(&r, "%2000d|%-1500s|", -7, "s");
	UT_CHECK_EQ(n, 2000 + 1 + 1500 + 1);
	snprintf(want, sizeof(want), "%2000d|%-1500s|", -7, "s");
	UT_CHECK_STR(r.text, want);
	n = rec_format(&r, "%0777d", -7);
	snprintf(want, sizeof(want), "%0777d", -7);
	UT_CHECK_EQ(n, 777);
	UT_CHECK_STR(r.text, want);
}

/* kernel/log.c formats its timestamp with ksnprintf from inside its sink. */
static void nesting_sink(void *ctx, const char *s, size_t n)
{
	struct rec *r = ctx;
	char stamp[32];
	int len = ksnprintf(stamp, sizeof(stamp), "[%5llu.%06llu]", 12ULL, 345ULL);

	rec_sink(r, stamp, (size_t)len);
	rec_sink(r, s, n);
}

static int nested_format(struct rec *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	memset(r, 0, sizeof(*r));
	va_start(ap, fmt);
	n = kvformat(nesting_sink, r, fmt, ap);
	va_end(ap);
	return n;
}

UT_TEST(nested_ksnprintf_inside_sink_works)
{
	struct rec r;
	int n = nested_format(&r, "a%db", 7);

	UT_CHECK_EQ(n, 3);      /* counts only the outer call's output */
	UT_CHECK_STR(r.text, "[   12.000345]a[   12.000345]7[   12.000345]b");
}

/* ---- the exhaustive and randomized comparisons ------------------------ */

static const char *const flag_sets[] = {
	"", "-", "0", "+", " ", "#", "-0", "-+", "- ", "-#", "0+", "0 ", "0#",
	"+ ", "+#", " #", "-0+", "-0 #", "0+#", "-+ #", "-0+ #",
};
static const char *const widths[] = { "", "1", "2", "7", "21", "25" };
static const char *const precs[]  = { "", ".", ".0", ".1", ".3", ".20", ".25" };

static int64_t edge_values[] = {
	0, 1, -1, 7, 8, 9, 10, 15, 16, 99, 100, -100, 127, 128, -128, -129, 255, 256,
	32767, 32768, -32768, -32769, 65535, 65536, INT32_MAX, INT32_MIN,
	(int64_t)UINT32_MAX, (int64_t)UINT32_MAX + 1, 1234567890123LL,
	-1234567890123LL, INT64_MAX, INT64_MIN, INT64_MIN + 1, 0x0123456789abcdefLL,
};

/* Formats one conversion with the argument type its length modifier says. */
static int both(char *w, char *g, size_t size, const char *fmt,
		const char *len, char conv, int64_t v)
{
	bool sgn = conv == 'd' || conv == 'i';
	int wn, gn;

#define BOTH(x) do { wn = snprintf(w, size, fmt, x); gn = ksnprintf(g, size, fmt, x); } while (0)
	if (!strcmp(len, "hh") || !strcmp(len, "h") || !*len) {
		if (sgn) BOTH((int)v); else BOTH((unsigned)v);
	} else if (!strcmp(len, "l")) {
		if (sgn) BOTH((long)v); else BOTH((unsigned long)v);
	} else if (!strcmp(len, "ll")) {
		if (sgn) BOTH((long long)v); else BOTH((unsigned long long)v);
	} else if (!strcmp(len, "z")) {
		if (sgn) BOTH((ssize_t)v); else BOTH((size_t)v);
	} else if (!strcmp(len, "t")) {
		BOTH((ptrdiff_t)v);
	} else {
		if (sgn) BOTH((intmax_t)v); else BOTH((uintmax_t)v);
	}
#undef BOTH
	return wn == gn && strcmp(w, g) == 0;
}

static const char *const lens[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };
static const char convs[] = "diuxXo";

UT_TEST(integer_cross_product_matches_libc)
{
	char fmt[32], w[128], g[128];
	long checked = 0;

	for (size_t f = 0; f < N_ELEMS(flag_sets); f++)
	for (size_t wi = 0; wi < N_ELEMS(widths); wi++)
	for (size_t pi = 0; pi < N_ELEMS(precs); pi++)
	for (size_t li = 0; li < N_ELEMS(lens); li++)
	for (size_t ci = 0; ci < sizeof(convs) - 1; ci++) {
		snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flag_sets[f],
			 widths[wi], precs[pi], lens[li], convs[ci]);
		for (size_t vi = 0; vi < N_ELEMS(edge_values); vi++) {
			if (!both(w, g, sizeof(w), fmt, lens[li], convs[ci], edge_values[vi])) {
				ut_fail(__FILE__, __LINE__, "fmt \"%s\" value %lld: libc \"%s\", ours \"%s\"",
					fmt, (long long)edge_values[vi], w, g);
				return;
			}
			checked++;
		}
	}
	UT_CHECK(checked > 100000);
}

UT_TEST(string_and_char_cross_product_matches_libc)
{
	static const char *const sflags[] = { "", "-" };
	static const char *const strs[] = { "", "a", "abc", "hello world", "0123456789abcdefghijklmnop" };
	char fmt[32], w[128], g[128];

	for (size_t f = 0; f < N_ELEMS(sflags); f++)
	for (size_t wi = 0; wi < N_ELEMS(widths); wi++) {
		for (size_t pi = 0; pi < N_ELEMS(precs); pi++)
			for (size_t si = 0; si < N_ELEMS(strs); si++) {
				snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", sflags[f], widths[wi], precs[pi]);
				int wn = snprintf(w, sizeof(w), fmt, strs[si]);
				int gn = ksnprintf(g, sizeof(g), fmt, strs[si]);
				if (wn != gn || strcmp(w, g)) {
					ut_fail(__FILE__, __LINE__, "fmt \"%s\": libc \"%s\", ours \"%s\"", fmt, w, g);
					return;
				}
			}
		snprintf(fmt, sizeof(fmt), "<%%%s%sc>", sflags[f], widths[wi]);
		for (int c = 1; c < 256; c += 17) {
			int wn = snprintf(w, sizeof(w), fmt, c);
			int gn = ksnprintf(g, sizeof(g), fmt, c);
			UT_CHECK(wn == gn && memcmp(w, g, (size_t)wn + 1) == 0);
		}
	}
}

/* xorshift64: deterministic, so a failure reproduces. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

UT_TEST(randomized_integer_formats_match_libc)
{
	static const char flagchars[] = "-0+ #";
	char fmt[64], w[256], g[256];

	for (int iter = 0; iter < 200000; iter++) {
		char *p = fmt;
		*p++ = '%';
		for (int i = 0, nf = (int)(rng() % 4); i < nf; i++)
			*p++ = flagchars[rng() % 5];
		if (rng() % 2)
			p += sprintf(p, "%d", (int)(rng() % 40));
		if (rng() % 2)
			p += sprintf(p, ".%d", (int)(rng() % 30));
		const char *len = lens[rng() % N_ELEMS(lens)];
		char conv = convs[rng() % (sizeof(convs) - 1)];
		p += sprintf(p, "%s%c", len, conv);
		*p = 0;
		/* Values of every magnitude, not just huge ones. */
		int64_t v = (int64_t)(rng() >> (rng() % 64));
		if (rng() % 2)
			v = -v;
		if (!both(w, g, sizeof(w), fmt, len, conv, v)) {
			ut_fail(__FILE__, __LINE__, "fmt \"%s\" value %lld: libc \"%s\", ours \"%s\"",
				fmt, (long long)v, w, g);
			return;
		}
	}
}

UT_TEST(randomized_truncation_matches_libc)
{
	char w[64], g[64];

	for (int iter = 0; iter < 20000; iter++) {
		size_t size = rng() % 40;
		int64_t v = (int64_t)rng();
		memset(w, 'W', sizeof(w));
		memset(g, 'W', sizeof(g));
		int wn = snprintf(w, size, "%lld:%#llx:%s", (long long)v, (unsigned long long)v, "tail");
		int gn = ksnprintf(g, size, "%lld:%#llx:%s", (long long)v, (unsigned long long)v, "tail");
		UT_CHECK_EQ(wn, gn);
		UT_CHECK(memcmp(w, g, sizeof(w)) == 0);
	}
}
