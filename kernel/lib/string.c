/*
 * string.c - memory and string helpers (API in <synthos/string.h>).
 *
 * These are the functions the compiler itself calls for struct copies and
 * zeroing, so everything in the kernel depends on them being right. They
 * are deliberately plain: memcpy, memmove and memset move 8-byte words with
 * byte loops for the unaligned head and the tail; everything else is a byte
 * loop. No SSE (the kernel is built -mgeneral-regs-only) and no tricks
 * that read past the end of a buffer.
 *
 * Two traps, both handled here:
 *  - GCC recognises a copy or fill loop and replaces it with a call to
 *    memcpy/memset. Inside memcpy/memset that is infinite recursion, so
 *    every function below is built with no-tree-loop-distribute-patterns
 *    (check: objdump -d build/k/kernel/lib/string.o shows no calls).
 *  - Word accesses go through a may_alias, aligned(1) type, so they neither
 *    break strict aliasing nor count as misaligned loads to UBSan in the
 *    hosted tests. On x86-64 an unaligned 8-byte load is a plain mov.
 *
 * Hosted unit tests compile this file with tests/unit/host/rename.h, which
 * renames every function to k_<name> so the test binary keeps libc's.
 */
#include <synthos/string.h>

#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef uint64_t __attribute__((may_alias, aligned(1))) word_t;
#define WORD sizeof(uint64_t)

/* Copies low to high; safe for overlap only when dst <= src. */
NO_LIBCALL static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	/* Align the destination so the stores are whole aligned words. */
	while (n && ((uintptr_t)d & (WORD - 1))) {
		*d++ = *s++;
		n--;
	}
	while (n >= WORD) {
		/* The load completes before the store, so dst < src overlap
		 * never clobbers a source byte that is still to be read. */
		uint64_t w = *(const word_t *)s;
		*(word_t *)d = w;
		d += WORD;
		s += WORD;
		n -= WORD;
	}
	while (n--)
		*d++ = *s++;
}

/* Copies high to low; used by memmove when dst > src and they overlap. */
NO_LIBCALL static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	while (n && ((uintptr_t)d & (WORD - 1))) {
		*--d = *--s;
		n--;
	}
	while (n >= WORD) {
		d -= WORD;
		s -= WORD;
		uint64_t w = *(const word_t *)s;
		*(word_t *)d = w;
		n -= WORD;
	}
	while (n--)
		*--d = *--s;
}

/*
 * Long copies and fills go by rep movsq/stosq after aligning the
 * destination: the string instructions step one word per iteration (the
 * kernel runs with DF clear: SFMASK and the interrupt entry clear it), and
 * under QEMU's -icount each iteration counts as one instruction, against
 * three to five for a word of the plain loops. Only memcpy uses it: memmove
 * keeps the loops, whose overlap behaviour is spelled out above.
 */
#define REP_MIN 64

#if defined(__x86_64__)
static inline void rep_movsq(void *d, const void *s, size_t words)
{
	__asm__ __volatile__("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
}

static inline void rep_stosq(void *d, uint64_t v, size_t words)
{
	__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(words) : "a"(v) : "memory");
}
#define HAVE_REP 1
#else
#define HAVE_REP 0
#endif

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
#if HAVE_REP
	if (n >= REP_MIN) {
		unsigned char *d = dst;
		const unsigned char *s = src;
		while ((uintptr_t)d & (WORD - 1)) {
			*d++ = *s++;
			n--;
		}
		rep_movsq(d, s, n / WORD);
		d += n & ~(WORD - 1);
		s += n & ~(WORD - 1);
		for (n &= WORD - 1; n; n--)
			*d++ = *s++;
		return dst;
	}
#endif
	copy_forward(dst, src, n);
	return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	/* Only a destination that starts inside the source needs the
	 * backward copy; compare as integers since the pointers may point
	 * into different objects. */
	if (d > s && d - s < n)
		copy_backward(dst, src, n);
	else if (d != s)
		copy_forward(dst, src, n);
	return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;
	uint64_t w = b * 0x0101010101010101ULL;

	while (n && ((uintptr_t)d & (WORD - 1))) {
		*d++ = b;
		n--;
	}
#if HAVE_REP
	if (n >= REP_MIN) {
		rep_stosq(d, w, n / WORD);
		d += n & ~(WORD - 1);
		n &= WORD - 1;
	}
#endif
	while (n >= WORD) {
		*(word_t *)d = w;
		d += WORD;
		n -= WORD;
	}
	while (n--)
		*d++ = b;
	return dst;
}

typedef uint32_t __attribute__((may_alias, aligned(1))) word32_t;
typedef uint16_t __attribute__((may_alias, aligned(1))) word16_t;

/* x and y (little-endian loads of the same bytes of a and b) differ: the
 * difference of their first differing bytes. */
static inline int first_diff(uint64_t x, uint64_t y)
{
	unsigned sh = (unsigned)__builtin_ctzll(x ^ y) & ~7u;
	return (int)((x >> sh) & 0xff) - (int)((y >> sh) & 0xff);
}

/*
 * Whole words while they are equal, then one last word that overlaps the
 * ones compared (so never past n); under 8 bytes, two overlapping 4- or
 * 2-byte loads. The first differing byte of a little-endian load is its
 * lowest differing one, and every byte before it was equal.
 */
NO_LIBCALL int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	if (n >= WORD) {
		size_t i = 0;
		for (; i + WORD <= n; i += WORD) {
			uint64_t x = *(const word_t *)(p + i), y = *(const word_t *)(q + i);
			if (x != y)
				return first_diff(x, y);
		}
		if (i < n) {
			uint64_t x = *(const word_t *)(p + n - WORD), y = *(const word_t *)(q + n - WORD);
			if (x != y)
				return first_diff(x, y);
		}
		return 0;
	}
	if (n >= 4) {
		uint64_t x = *(const word32_t *)p, y = *(const word32_t *)q;
		if (x != y)
			return first_diff(x, y);
		x = *(const word32_t *)(p + n - 4);
		y = *(const word32_t *)(q + n - 4);
		return x != y ? first_diff(x, y) : 0;
	}
	if (n >= 2) {
		uint64_t x = *(const word16_t *)p, y = *(const word16_t *)q;
		if (x != y)
			return first_diff(x, y);
		x = *(const word16_t *)(p + n - 2);
		y = *(const word16_t *)(q + n - 2);
		return x != y ? first_diff(x, y) : 0;
	}
	return n ? *p - *q : 0;
}

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* A word at a time (within the n bytes): a byte of w ^ pattern is zero
 * where w holds c; the lowest flagged byte of (x - ONES) & ~x & HIGHS is
 * exactly the first such byte (borrows only flag bytes above it). */
NO_LIBCALL void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	uint64_t pat = (unsigned char)c * ONES;

	while (n >= WORD) {
		uint64_t x = *(const word_t *)p ^ pat;
		uint64_t z = (x - ONES) & ~x & HIGHS;
		if (z)
			return (void *)(p + (__builtin_ctzll(z) >> 3));
		p += WORD;
		n -= WORD;
	}
	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

NO_LIBCALL size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

/* Never looks at s[max] or beyond, so it is safe on unterminated buffers. */
NO_LIBCALL size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Comparisons are of unsigned char, as the C standard requires. */
NO_LIBCALL int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

NO_LIBCALL int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
		if (!*p)
			break;
	}
	return 0;
}

/* strchr(s, 0) finds the terminator, as in C. */
NO_LIBCALL char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

NO_LIBCALL char *strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

NO_LIBCALL size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		copy_forward((unsigned char *)dst, (const unsigned char *)src, n);
		dst[n] = '\0';
	}
	return len;
}

/*
 * BSD semantics: the result is the length of the string it tried to make.
 * If dst holds no terminator within size bytes it is left untouched and
 * the result is size + strlen(src), which is still >= size, so the caller
 * sees truncation.
 */
NO_LIBCALL size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = strnlen(dst, size);

	if (dlen == size)
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}
