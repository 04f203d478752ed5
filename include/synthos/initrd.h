/*
 * initrd.h - the initial ramdisk given by the boot loader (kernel/initrd.c).
 *
 * The initrd is an uncompressed cpio "newc" archive (or several
 * concatenated, as Linux accepts). Until the root filesystem exists these
 * calls read it in place.
 */
#ifndef SYNTHOS_INITRD_H
#define SYNTHOS_INITRD_H

#include <synthos/cpio.h>

struct initrd_stats {
	size_t bytes, entries, files, dirs, symlinks, others;
	bool present, malformed;
};

extern struct initrd_stats initrd_stats;

void initrd_init(void);
/* Calls fn for every entry; stops early if fn returns non-zero. */
int initrd_for_each(int (*fn)(const struct cpio_entry *e, void *ctx), void *ctx);
/* Finds path ("etc/motd", "/etc/motd" and "./etc/motd" are the same); 0 or -ENOENT. */
int initrd_find(const char *path, struct cpio_entry *out);

#endif
