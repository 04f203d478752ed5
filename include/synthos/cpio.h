/*
 * cpio.h - read cpio "newc" archives in place (kernel/lib/cpio.c).
 *
 * The initrd is one or more concatenated newc archives (magic 070701, or
 * 070702 with a data checksum). The reader allocates nothing and copies
 * nothing: entries point into the archive, which must stay mapped while
 * they are used. Names are reported as stored ("./etc", ".", "etc/x");
 * what they mean is the caller's business.
 */
#ifndef SYNTHOS_CPIO_H
#define SYNTHOS_CPIO_H

#include <synthos/types.h>

struct cpio_entry {
	const char *name;       /* NUL-terminated, inside the archive */
	size_t namelen;         /* without the NUL */
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t devmajor, devminor, rdevmajor, rdevminor;
	uint32_t check;         /* 070702: sum of a file's bytes (verified) */
	const void *data;       /* file contents, or a symlink's target */
	size_t size;
};

struct cpio_iter {
	const uint8_t *base;
	size_t len;
	size_t off;             /* next header; on -EINVAL, where it failed */
	bool in_archive;        /* past a header, before its TRAILER!!! */
};

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len);

/*
 * 1: *e is the next entry (the TRAILER!!! entry itself is never returned).
 * 0: clean end of input: after a trailer and any zero padding (or an
 *    input that is empty or all zeros).
 * -EINVAL: malformed: bad magic, a non-hex digit, namesize 0, a name not
 *    NUL-terminated exactly at namesize-1 (or with a NUL before that),
 *    a 070702 regular file whose bytes do not sum to its check field,
 *    a name or data running past the end, a header not on a 4-byte
 *    boundary after padding, or input ending before the trailer. The
 *    iterator stays at the bad header, so calling again fails again.
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);

#endif
