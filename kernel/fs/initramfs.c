/*
 * initramfs.c - unpack the boot initrd (cpio newc, read in place by
 * kernel/initrd.c) into the root ramfs, as Linux's initramfs does.
 *
 * Per entry, in archive order:
 *  - The name is taken relative to "/": leading "/" and "./" are
 *    dropped, so "./etc/motd", "/etc/motd" and "etc/motd" are one file;
 *    "." (or nothing) is the root itself, whose mode and owner it sets.
 *  - Missing parent directories are created (0755); Linux would fail the
 *    entry, but an archive listing only files is easier to make.
 *  - Later entries override earlier ones: a directory over a directory
 *    only updates its attributes; a regular file over a regular file is
 *    truncated and rewritten; anything else removes the old entry first
 *    (a non-empty directory stays, and the entry is skipped with a
 *    warning).
 *  - Hard links: regular files with nlink >= 2 and the same (ino, dev,
 *    mode) as an earlier one become links to it, and their data (GNU cpio
 *    puts it on the last) is written without truncating.
 *  - Mode, uid, gid and mtime come from the archive; directories' mtimes
 *    are set after everything is unpacked, since adding entries changes
 *    them (Linux's dir_utime does the same).
 *
 * A malformed archive keeps what was unpacked before the damage, as the
 * initrd reader and Linux do.
 */
#include <synthos/errno.h>
#include <synthos/initrd.h>
#include <synthos/log.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/vfs.h>
#include "internal.h"

struct hardlink {
	uint32_t ino, major, minor, mode;
	char *path;
	struct hardlink *next;
};

struct unpack {
	struct hardlink *links;
	char *path;                     /* PATH_MAX scratch */
	size_t files, errors;
};

/* "/" + the entry's name without leading "/" and "./"; false if too long. */
static bool entry_path(const struct cpio_entry *e, char *path)
{
	const char *n = e->name;
	for (;;) {
		if (n[0] == '/')
			n++;
		else if (n[0] == '.' && n[1] == '/')
			n += 2;
		else
			break;
	}
	if (n[0] == '.' && n[1] == '\0')
		n++;
	size_t len = strlen(n);
	while (len && n[len - 1] == '/')
		len--;
	if (len + 2 > PATH_MAX)
		return false;
	path[0] = '/';
	memcpy(path + 1, n, len);
	path[len + 1] = '\0';
	return true;
}

static void make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		vfs_mkdir(path, 0755);
		*p = '/';
	}
}

static void set_attrs(struct inode *ino, const struct cpio_entry *e, bool times)
{
	ino->mode = (ino->mode & S_IFMT) | (e->mode & 07777);
	ino->uid = e->uid;
	ino->gid = e->gid;
	if (times) {
		ino->mtime = ino->atime = (struct vfs_time){ e->mtime, 0 };
	}
}

static struct hardlink *find_link(struct unpack *u, const struct cpio_entry *e)
{
	for (struct hardlink *h = u->links; h; h = h->next)
		if (h->ino == e->ino && h->major == e->devmajor && h->minor == e->devminor &&
		    h->mode == e->mode)
			return h;
	return NULL;
}

static int write_file(const char *path, const struct cpio_entry *e, bool trunc)
{
	int err;
	struct file *f = vfs_open(path, O_WRONLY | O_CREAT | (trunc ? O_TRUNC : 0),
				  (int)(e->mode & 07777), &err);
	if (!f)
		return err;
	if (e->size) {
		ssize_t w = kernel_write(f, e->data, e->size, 0);
		if (w != (ssize_t)e->size)
			err = w < 0 ? (int)w : -ENOSPC;
	}
	file_put(f);
	return err;
}

static int create_entry(struct unpack *u, const struct cpio_entry *e, const char *path)
{
	uint32_t type = e->mode & S_IFMT;
	int err;

	switch (type) {
	case S_IFDIR:
		return vfs_mkdir(path, e->mode & 07777);
	case S_IFREG:
		if (e->nlink >= 2) {
			struct hardlink *h = find_link(u, e);
			if (h && vfs_link(h->path, path) == 0)
				return write_file(path, e, false);
			if (!h && (h = kmalloc(sizeof(*h)))) {
				size_t len = strlen(path);
				h->path = kmalloc(len + 1);
				if (h->path) {
					memcpy(h->path, path, len + 1);
					*h = (struct hardlink){ e->ino, e->devmajor, e->devminor,
								e->mode, h->path, u->links };
					u->links = h;
				} else {
					kfree(h);
				}
			}
		}
		return write_file(path, e, true);
	case S_IFLNK: {
		char *target = kmalloc(e->size + 1);
		if (!target)
			return -ENOMEM;
		memcpy(target, e->data, e->size);
		target[e->size] = '\0';
		err = vfs_symlink(target, path);
		kfree(target);
		return err;
	}
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return vfs_mknod(path, e->mode, MKDEV(e->rdevmajor, e->rdevminor));
	default:
		return -EINVAL;
	}
}

static int unpack_entry(const struct cpio_entry *e, void *ctx)
{
	struct unpack *u = ctx;
	char *path = u->path;
	uint32_t type = e->mode & S_IFMT;
	struct inode *old;
	int err;

	if (!entry_path(e, path)) {
		u->errors++;
		return 0;
	}
	if (path[1] == '\0') {                    /* "." : the root */
		if (type == S_IFDIR)
			set_attrs(vfs_root, e, false);
		return 0;
	}
	make_parents(path);
	if (path_lookup_from(vfs_root, path, 0, &old) == 0) {
		uint32_t otype = old->mode & S_IFMT;
		inode_put(old);
		if (type == S_IFDIR && otype == S_IFDIR)
			goto attrs;
		if (!(type == S_IFREG && otype == S_IFREG)) {
			err = otype == S_IFDIR ? vfs_rmdir(path) : vfs_unlink(path);
			if (err) {
				pr_warn("initramfs: cannot replace %s: error %d\n", path, err);
				u->errors++;
				return 0;
			}
		}
	}
	err = create_entry(u, e, path);
	if (err) {
		pr_warn("initramfs: %s: error %d\n", path, err);
		u->errors++;
		return 0;
	}
	u->files++;
attrs:
	if (path_lookup_from(vfs_root, path, 0, &old) == 0) {
		set_attrs(old, e, type != S_IFDIR);
		inode_put(old);
	}
	return 0;
}

/* Second pass: directories' mtimes, now that nothing more is added. */
static int dir_times(const struct cpio_entry *e, void *ctx)
{
	struct unpack *u = ctx;
	struct inode *ino;
	if ((e->mode & S_IFMT) != S_IFDIR || !entry_path(e, u->path))
		return 0;
	if (path_lookup_from(vfs_root, u->path, 0, &ino) == 0) {
		if (S_ISDIR(ino->mode))
			ino->mtime = ino->atime = (struct vfs_time){ e->mtime, 0 };
		inode_put(ino);
	}
	return 0;
}

void initramfs_unpack(void)
{
	struct unpack u = { 0 };

	if (!initrd_stats.present) {
		pr_info("initramfs: no initrd; the root filesystem starts empty\n");
		return;
	}
	u.path = kmalloc(PATH_MAX);
	if (!u.path) {
		pr_err("initramfs: out of memory\n");
		return;
	}
	initrd_for_each(unpack_entry, &u);
	initrd_for_each(dir_times, &u);
	while (u.links) {
		struct hardlink *h = u.links;
		u.links = h->next;
		kfree(h->path);
		kfree(h);
	}
	kfree(u.path);
	pr_info("initramfs: %zu entries unpacked into the root ramfs%s\n", u.files,
		u.errors ? " (some failed, see above)" : "");
}
