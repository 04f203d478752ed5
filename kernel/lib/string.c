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

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
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
	while (n >= WORD) {
		*(word_t *)d = w;
		d += WORD;
		n -= WORD;
	}
	while (n--)
		*d++ = b;
	return dst;
}

NO_LIBCALL int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

NO_LIBCALL void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

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
