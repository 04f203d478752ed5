/*
 * string.h - memory and string helpers (kernel/lib/string.c).
 *
 * Standard names and semantics, so the compiler's own calls to memcpy,
 * memset and memmove land here. Hosted unit tests compile string.c with
 * tests/unit/host/rename.h, which prefixes every name with k_ so the
 * test binary keeps libc's versions for itself.
 */
#ifndef SYNTHOS_STRING_H
#define SYNTHOS_STRING_H

#include <synthos/types.h>

void  *memcpy(void *dst, const void *src, size_t n);
void  *memmove(void *dst, const void *src, size_t n);
void  *memset(void *dst, int c, size_t n);
int    memcmp(const void *a, const void *b, size_t n);
void  *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int    strcmp(const char *a, const char *b);
int    strncmp(const char *a, const char *b, size_t n);
char  *strchr(const char *s, int c);
char  *strrchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates (if size > 0);
 * returns strlen(src), so truncation is detectable as ret >= size. */
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);

#endif
