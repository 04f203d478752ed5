/*
 * open.c - open(2), openat(2), creat(2): from a path and flags to a file
 * in the descriptor table.
 *
 * Linux's rules, in the order Linux applies them:
 *  - The descriptor is checked first: with no free slot, EMFILE, and
 *    O_CREAT creates nothing.
 *  - O_CREAT|O_DIRECTORY is EINVAL; O_TMPFILE is checked (EINVAL without
 *    write access) but not supported (EOPNOTSUPP); O_PATH keeps only O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC.
 *  - O_CREAT: a last component that is "/", ".", ".." or has a trailing
 *    slash is EISDIR; an existing name is EEXIST with O_EXCL (even a
 *    dangling symlink), otherwise it is opened -- through a symlink, whose
 *    target is created if missing (ELOOP with O_NOFOLLOW); a missing name
 *    becomes a regular file with mode & ~umask.
 *  - Without O_CREAT the final symlink is followed unless O_NOFOLLOW, in
 *    which case it is ELOOP (or, with O_PATH, the symlink itself).
 *  - O_DIRECTORY on a non-directory is ENOTDIR; writing a directory is
 *    EISDIR; O_TRUNC empties a regular file (even opened O_RDONLY, as
 *    Linux). Devices and FIFOs go to their drivers (vfs.c).
 */
#include <synthos/errno.h>
#include <synthos/slab.h>
#include <synthos/syscall.h>
#include <synthos/vfs.h>
#include "internal.h"

/* Open-or-create the last component of path (relative to base). */
static int open_create(struct walk *w, struct inode *base, const char *path, int flags,
		       uint32_t mode, struct inode **res)
{
	struct nameparent np;
	struct inode *child;
	int err = walk_parent(w, base, path, &np);
	if (err)
		return err;
	if (np.type != LAST_NORM || np.trailing_slash) {
		err = -EISDIR;
		goto out;
	}
	err = walk_step(w, np.dir, np.name, np.len, &child);
	if (err == -ENOENT) {
		/* A filesystem that cannot create names (procfs) fails in its
		 * lookup on Linux, before any create: ENOENT stays. */
		if (np.dir->iops && np.dir->iops->create)
			err = np.dir->iops->create(np.dir, np.name, np.len, S_IFREG | (mode & 07777),
						   0, NULL, res);
		goto out;
	}
	if (err)
		goto out;
	if (flags & O_EXCL) {
		inode_put(child);
		err = -EEXIST;
		goto out;
	}
	if (S_ISLNK(child->mode)) {
		if (flags & O_NOFOLLOW) {
			inode_put(child);
			err = -ELOOP;
			goto out;
		}
		if (++w->links > MAXSYMLINKS) {
			inode_put(child);
			err = -ELOOP;
			goto out;
		}
		if (child->iops && child->iops->get_link) {
			err = child->iops->get_link(child, res);
			inode_put(child);
			goto out;
		}
		char *target = kmalloc(PATH_MAX);
		int n = target && child->iops && child->iops->readlink ?
			child->iops->readlink(child, target, PATH_MAX - 1) : -ENOMEM;
		inode_put(child);
		if (n > 0) {
			target[n] = '\0';
			err = open_create(w, np.dir, target, flags, mode, res);
		} else {
			err = n < 0 ? n : -ENOENT;
		}
		kfree(target);
		goto out;
	}
	if (S_ISDIR(child->mode)) {
		inode_put(child);
		err = -EISDIR;
		goto out;
	}
	*res = child;
out:
	nameparent_put(&np);
	return err;
}

/* Inline into open(2)'s path (open_common); do_openat is the same for
 * the kernel's own opens. */
static inline __attribute__((always_inline)) int
openat_inline(int dirfd, const char *path, int flags, uint32_t mode, struct file **res)
{
	struct inode *base, *ino;
	struct walk w;
	int err;

	if (flags & O_TMPFILE_BIT) {
		/* Validated as Linux does; ramfs has no unnamed-file creation yet,
		 * and EOPNOTSUPP sends callers to their fallback. */
		if ((flags & (O_TMPFILE_BIT | O_DIRECTORY | O_CREAT)) != (O_TMPFILE_BIT | O_DIRECTORY) ||
		    (flags & O_ACCMODE) == O_RDONLY)
			return -EINVAL;
		return -EOPNOTSUPP;
	}
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	if (!*path)
		return -ENOENT;
	if (*path == '/' || dirfd == AT_FDCWD) {
		base = NULL;            /* the walk starts at the root or cwd itself */
	} else {
		err = dirfd_inode(dirfd, path, &base);
		if (err)
			return err;
	}
	walk_init(&w);
	if (flags & O_CREAT)
		err = open_create(&w, base, path, flags, mode, &ino);
	else
		err = walk_path(&w, base, path, (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &ino);
	if (base)
		inode_put(base);
	if (err)
		return err;
	if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
		err = -ENOTDIR;
	else if (S_ISLNK(ino->mode) && !(flags & O_PATH))
		err = -ELOOP;
	else
		return vfs_open_inode_take(ino, flags, res);    /* the file keeps the walk's reference */
	iput(ino);
	return err;
}

int do_openat(int dirfd, const char *path, int flags, uint32_t mode, struct file **res)
{
	return openat_inline(dirfd, path, flags, mode, res);
}

static long open_common(int dirfd, const char *upath, int flags, uint32_t mode)
{
	struct fdtable *t = cur_files();
	struct file *f;
	int err, fd;

	if (!t)
		return -EBADF;
	/* Is there a descriptor free for one more open? (Linux reserves it
	 * first.) It is the one to use unless the open sleeps and another
	 * thread sharing the table takes it meanwhile. */
	fd = fd_first_free(t);
	if (fd < 0)
		return fd;
	char *path = getname_inline(upath, false, &err);
	if (!path)
		return err;
	/* The mode matters only to O_CREAT; so does the umask. */
	if (flags & O_CREAT)
		mode = mode & 07777 & ~cur_umask();
	err = openat_inline(dirfd, path, flags, mode, &f);
	putname(path);
	if (err)
		return err;
	fd = fd_install_found(t, fd, f, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL_DEFINE4(openat, int, dirfd, const char *, path, int, flags, uint32_t, mode)
{
	return open_common(dirfd, path, flags, mode);
}

SYSCALL_DEFINE3(open, const char *, path, int, flags, uint32_t, mode)
{
	return open_common(AT_FDCWD, path, flags, mode);
}

SYSCALL_DEFINE2(creat, const char *, path, uint32_t, mode)
{
	return open_common(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}
