/*
 * uaccess.c - strncpy_from_user and a vector uio's move
 * (include/synthos/uaccess.h, where the other copies are inline); the
 * faulting instructions are in usercopy.S.
 */
#include <synthos/compiler.h>
#include <synthos/errno.h>
#include <synthos/string.h>
#include <synthos/uaccess.h>
#include <arch/cpu.h>
#include <arch/page.h>

bool smap_enabled;

STATIC_ASSERT(EFAULT == 14, "the inline copies in uaccess.h return -14");

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

size_t uio_vec_move(struct uio *u, void *kbuf, size_t n, enum uio_dir dir)
{
	size_t done = 0;
	while (done < n) {
		if (!u->seg_left) {
			if (!u->nnext)
				break;          /* the driver asked past the vector's total */
			u->base = u->next->base;
			u->seg_left = u->next->len;
			u->next++;
			u->nnext--;
			continue;
		}
		size_t c = MIN(u->seg_left, n - done), left;
		char *k = (char *)kbuf + done;
		if (dir == UIO_OUT)
			left = raw_copy_user(u->base, k, c);
		else if (dir == UIO_IN)
			left = raw_copy_user(k, u->base, c);
		else
			left = raw_clear_user(u->base, c);
		c -= left;
		u->base += c;
		u->seg_left -= c;
		done += c;
		if (left)
			break;
	}
	return done;
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
