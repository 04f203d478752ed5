/*
 * rename.h - give kernel/lib/string.c's functions k_ names in a hosted test.
 *
 * The kernel's string functions have the standard names, which a hosted test
 * binary also gets from libc (and which ASan intercepts). A test includes its
 * system headers first, then this file, then the kernel source:
 *
 *   #include "ut.h"
 *   #include "host/rename.h"
 *   #include "../../kernel/lib/string.c"
 *   #include "host/rename.h"        (second inclusion: undo, see below)
 *
 * so the kernel code is compiled as k_memcpy etc. Including it a second time
 * removes the renames again, so the rest of the test can compare k_memcpy
 * against libc's memcpy. Every name declared in <synthos/string.h> must
 * appear in both lists below.
 */
#ifndef HOST_RENAME_ACTIVE
#define HOST_RENAME_ACTIVE

#define memcpy  k_memcpy
#define memmove k_memmove
#define memset  k_memset
#define memcmp  k_memcmp
#define memchr  k_memchr
#define strlen  k_strlen
#define strnlen k_strnlen
#define strcmp  k_strcmp
#define strncmp k_strncmp
#define strchr  k_strchr
#define strrchr k_strrchr
#define strlcpy k_strlcpy
#define strlcat k_strlcat

#else
#undef HOST_RENAME_ACTIVE

#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strlcpy
#undef strlcat

#endif
