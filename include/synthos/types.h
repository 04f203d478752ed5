/*
 * types.h - the kernel's basic types.
 *
 * The freestanding compiler headers (stdint, stddef, stdbool, stdarg) are
 * the only "libc" the kernel sees; the build passes -nostdinc plus the
 * compiler's own include directory, so a stray <string.h> fails to compile.
 */
#ifndef SYNTHOS_TYPES_H
#define SYNTHOS_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uint64_t phys_addr_t;   /* a physical address */
typedef uint64_t pfn_t;         /* a physical page frame number */
typedef int64_t  ssize_t;

#endif
