/*
 * ksyms.h - the kernel's own symbol table, for backtraces (kernel/ksyms.c).
 *
 * tools/gensyms turns `nm -n` of the first link into a sorted table of text
 * symbols that the second link embeds (see Makefile). Lookups are a binary
 * search; they never fault, so the panic path can use them.
 */
#ifndef SYNTHOS_KSYMS_H
#define SYNTHOS_KSYMS_H

#include <synthos/types.h>

struct ksym_table {
	uint64_t num;
	const uint64_t *addr;      /* ascending */
	const uint32_t *name_off;  /* into names */
	const char *names;         /* NUL-separated */
	uint64_t text_end;         /* end of the last symbol */
};

/* Name of the symbol containing addr, with offset and size; NULL if none. */
const char *ksym_lookup_in(const struct ksym_table *t, uint64_t addr,
			   uint64_t *offset, uint64_t *size);
uint64_t ksym_address_in(const struct ksym_table *t, const char *name);

const char *ksym_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);
uint64_t ksym_address(const char *name);   /* 0 if unknown */
uint64_t ksym_count(void);

#endif
