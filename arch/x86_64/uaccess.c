/*
 * uaccess.c - copy_from_user and friends (include/synthos/uaccess.h):
 * range checks here, the faulting instructions in usercopy.S.
 */
#include <synthos/compiler.h>
#include <synthos/errno.h>
#include <synthos/string.h>
#include <synthos/uaccess.h>
#include <arch/cpu.h>
#include <arch/page.h>

long raw_copy_user(void *dst, const void *src, size_t n);
long raw_clear_user(void *dst, size_t n);

bool smap_enabled;

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!access_ok(usrc, n))
		return -EFAULT;
	return (int)raw_copy_user(dst, usrc, n);
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!access_ok(udst, n))
		return -EFAULT;
	return (int)raw_copy_user(udst, src, n);
}

int clear_user(void *udst, size_t n)
{
	if (!access_ok(udst, n))
		return -EFAULT;
	return (int)raw_clear_user(udst, n);
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	size_t done = 0;
	while (done < max) {
		/* Never read past the page holding the next byte: the string may
		 * end just before an unmapped page. */
		uint64_t a = (uint64_t)usrc + done;
		size_t chunk = MIN(max - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
		if (copy_from_user(dst + done, (const void *)a, chunk))
			return -EFAULT;
		const char *nul = memchr(dst + done, 0, chunk);
		if (nul)
			return nul - dst;
		done += chunk;
	}
	return -ENAMETOOLONG;
}

/* The exception table (usercopy.S): where to resume after a bad user access. */
struct extable_entry {
	uint64_t insn, fixup;
};
extern const struct extable_entry __ex_table_start[], __ex_table_end[];

uint64_t extable_fixup(uint64_t rip)
{
	for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}
