/*
 * ksyms.c - symbol lookup over the table tools/gensyms generates.
 *
 * The table is read-only data in the image (.ksyms, placed after .text so
 * embedding it cannot move any code address). The *_in functions take the
 * table as an argument so the hosted unit tests can feed their own.
 */
#include <synthos/ksyms.h>
#include <synthos/string.h>

const char *ksym_lookup_in(const struct ksym_table *t, uint64_t addr,
			   uint64_t *offset, uint64_t *size)
{
	if (t->num == 0 || addr < t->addr[0] || addr >= t->text_end)
		return NULL;
	/* Last symbol whose address is <= addr. */
	uint64_t lo = 0, hi = t->num;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (t->addr[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	uint64_t end = lo + 1 < t->num ? t->addr[lo + 1] : t->text_end;
	if (offset)
		*offset = addr - t->addr[lo];
	if (size)
		*size = end - t->addr[lo];
	return t->names + t->name_off[lo];
}

uint64_t ksym_address_in(const struct ksym_table *t, const char *name)
{
	for (uint64_t i = 0; i < t->num; i++)
		if (strcmp(t->names + t->name_off[i], name) == 0)
			return t->addr[i];
	return 0;
}

#ifndef KSYMS_HOSTED
extern const uint64_t ksyms_num;
extern const uint64_t ksyms_addr[];
extern const uint32_t ksyms_name_off[];
extern const char ksyms_names[];
extern const char __text_end[];

static struct ksym_table kernel_table(void)
{
	return (struct ksym_table){
		.num = ksyms_num, .addr = ksyms_addr, .name_off = ksyms_name_off,
		.names = ksyms_names, .text_end = (uint64_t)__text_end,
	};
}

const char *ksym_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
	struct ksym_table t = kernel_table();
	return ksym_lookup_in(&t, addr, offset, size);
}

uint64_t ksym_address(const char *name)
{
	struct ksym_table t = kernel_table();
	return ksym_address_in(&t, name);
}

uint64_t ksym_count(void)
{
	return ksyms_num;
}
#endif
