/*
 * dir_ops.c - changing the namespace: mknod, mkdir, symlink, link,
 * unlink, rmdir, rename (and their *at forms), readlink; the same cores
 * serve the kernel's own vfs_mkdir()/vfs_mknod()/... helpers.
 *
 * Linux's error rules, which the cores check before asking the
 * filesystem:
 *  - creating: last component "/", "." or ".." is EEXIST; an existing
 *    name (a dangling symlink too) is EEXIST; a trailing slash on a
 *    non-directory being created is ENOENT (EEXIST if the name exists).
 *  - unlink: a directory is EISDIR; "/", "." and ".." are EISDIR; a
 *    trailing slash on a non-directory is ENOTDIR.
 *  - rmdir: not a directory ENOTDIR, "." EINVAL, ".." ENOTEMPTY, "/"
 *    or a mount point EBUSY, not empty ENOTEMPTY (the filesystem).
 *  - link: old a directory EPERM, across filesystems EXDEV; by default
 *    the old path's final symlink is not followed (AT_SYMLINK_FOLLOW).
 *  - rename: across filesystems EXDEV; "." / ".." / "/" EBUSY; a
 *    directory over a non-directory ENOTDIR, the reverse EISDIR; a
 *    directory into its own subtree EINVAL; the same inode twice does
 *    nothing; RENAME_NOREPLACE on an existing target EEXIST;
 *    RENAME_EXCHANGE needs both (ENOENT).
 */
#include <synthos/errno.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/syscall.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include "internal.h"

/* Create name at path: the checks above, then the filesystem's create. */
static int create_at(int dirfd, const char *path, uint32_t mode, uint64_t rdev,
		     const char *target)
{
	struct nameparent np;
	struct inode *ino;
	struct walk w;
	int err = path_parentat(dirfd, path, &np);
	if (err)
		return err;
	walk_init(&w);
	if (np.type != LAST_NORM) {
		err = -EEXIST;
		goto out;
	}
	err = walk_step(&w, np.dir, np.name, np.len, &ino);
	if (!err) {
		inode_put(ino);
		err = -EEXIST;
		goto out;
	}
	if (err != -ENOENT)
		goto out;
	if (np.trailing_slash && !S_ISDIR(mode)) {
		err = -ENOENT;
		goto out;
	}
	if (!np.dir->iops || !np.dir->iops->create) {
		err = -EPERM;
		goto out;
	}
	err = np.dir->iops->create(np.dir, np.name, np.len, mode, rdev, target, &ino);
	if (!err)
		inode_put(ino);
out:
	nameparent_put(&np);
	return err;
}

int do_mknodat(int dirfd, const char *path, uint32_t mode, uint64_t rdev)
{
	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	return create_at(dirfd, path, (mode & S_IFMT) | (mode & 07777), rdev, NULL);
}

int do_mkdirat(int dirfd, const char *path, uint32_t mode)
{
	return create_at(dirfd, path, S_IFDIR | (mode & 07777), 0, NULL);
}

int do_symlinkat(const char *target, int dirfd, const char *path)
{
	if (!*target)
		return -ENOENT;
	return create_at(dirfd, path, S_IFLNK | 0777, 0, target);
}

int do_linkat(int odirfd, const char *oldpath, int ndirfd, const char *newpath, int flags)
{
	struct nameparent np;
	struct inode *old, *ino;
	struct walk w;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = path_lookupat(odirfd, oldpath, ((flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0) |
			    ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0), &old);
	if (err)
		return err;
	err = path_parentat(ndirfd, newpath, &np);
	if (err) {
		inode_put(old);
		return err;
	}
	walk_init(&w);
	if (np.type != LAST_NORM) {
		err = -EEXIST;
	} else if (!(err = walk_step(&w, np.dir, np.name, np.len, &ino))) {
		inode_put(ino);
		err = -EEXIST;
	} else if (err == -ENOENT) {
		if (np.trailing_slash)
			err = -ENOENT;
		else if (np.dir->sb != old->sb)
			err = -EXDEV;
		else if (S_ISDIR(old->mode))
			err = -EPERM;
		else if (!np.dir->iops || !np.dir->iops->link)
			err = -EPERM;
		else
			err = np.dir->iops->link(np.dir, np.name, np.len, old);
	}
	nameparent_put(&np);
	inode_put(old);
	return err;
}

int do_unlinkat(int dirfd, const char *path, bool rmdir)
{
	struct nameparent np;
	struct inode *ino = NULL;
	struct walk w;
	int err = path_parentat(dirfd, path, &np);
	if (err)
		return err;
	walk_init(&w);
	if (np.type != LAST_NORM) {
		if (!rmdir)
			err = -EISDIR;
		else
			err = np.type == LAST_DOT ? -EINVAL :
			      np.type == LAST_DOTDOT ? -ENOTEMPTY : -EBUSY;
		goto out;
	}
	err = walk_step(&w, np.dir, np.name, np.len, &ino);
	if (err)
		goto out;
	if (rmdir) {
		if (!S_ISDIR(ino->mode))
			err = -ENOTDIR;
		else if (is_mount_root(ino) || ino == cur_root())
			err = -EBUSY;
	} else {
		if (S_ISDIR(ino->mode))
			err = -EISDIR;
		else if (np.trailing_slash)
			err = -ENOTDIR;
	}
	if (!err) {
		if (!np.dir->iops || !np.dir->iops->unlink)
			err = -EPERM;
		else
			err = np.dir->iops->unlink(np.dir, np.name, np.len, rmdir);
	}
out:
	inode_put(ino);
	nameparent_put(&np);
	return err;
}

/* Is anc dir itself or one of its ancestors (within dir's filesystem)? */
static bool is_ancestor(struct inode *anc, struct inode *dir)
{
	struct inode *cur = inode_get(dir), *up;
	bool found = false;
	for (;;) {
		if (cur == anc) {
			found = true;
			break;
		}
		if (cur == cur->sb->root || !cur->iops || !cur->iops->lookup ||
		    cur->iops->lookup(cur, "..", 2, &up))
			break;
		inode_put(cur);
		cur = up;
	}
	inode_put(cur);
	return found;
}

int do_renameat2(int odirfd, const char *oldpath, int ndirfd, const char *newpath,
		 unsigned flags)
{
	struct nameparent op, np;
	struct inode *src = NULL, *dst = NULL;
	struct walk w;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EINVAL;
	err = path_parentat(odirfd, oldpath, &op);
	if (err)
		return err;
	err = path_parentat(ndirfd, newpath, &np);
	if (err) {
		nameparent_put(&op);
		return err;
	}
	walk_init(&w);
	if (op.dir->sb != np.dir->sb) {
		err = -EXDEV;
		goto out;
	}
	if (op.type != LAST_NORM) {
		err = -EBUSY;
		goto out;
	}
	if (np.type != LAST_NORM) {
		err = (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
		goto out;
	}
	err = walk_step(&w, op.dir, op.name, op.len, &src);
	if (err)
		goto out;
	err = walk_step(&w, np.dir, np.name, np.len, &dst);
	if (err && err != -ENOENT)
		goto out;
	err = 0;
	if (!dst && (flags & RENAME_EXCHANGE))
		err = -ENOENT;
	else if (dst && (flags & RENAME_NOREPLACE))
		err = -EEXIST;
	else if (!S_ISDIR(src->mode) && (op.trailing_slash || np.trailing_slash))
		err = -ENOTDIR;
	else if (dst && (flags & RENAME_EXCHANGE) && !S_ISDIR(dst->mode) && np.trailing_slash)
		err = -ENOTDIR;
	else if (is_mount_root(src) || (dst && is_mount_root(dst)))
		err = -EBUSY;
	if (err || src == dst)
		goto out;
	if (dst && !(flags & RENAME_EXCHANGE)) {
		if (S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
			err = -ENOTDIR;
		else if (!S_ISDIR(src->mode) && S_ISDIR(dst->mode))
			err = -EISDIR;
	}
	if (!err && S_ISDIR(src->mode) && is_ancestor(src, np.dir))
		err = -EINVAL;
	if (!err && dst && S_ISDIR(dst->mode) && is_ancestor(dst, op.dir))
		err = (flags & RENAME_EXCHANGE) ? -EINVAL : -ENOTEMPTY;
	if (!err && (!op.dir->iops || !op.dir->iops->rename))
		err = -EPERM;
	if (!err)
		err = op.dir->iops->rename(op.dir, op.name, op.len, np.dir, np.name, np.len,
					   flags & RENAME_EXCHANGE);
out:
	inode_put(src);
	inode_put(dst);
	nameparent_put(&op);
	nameparent_put(&np);
	return err;
}

/* ---- the system calls ---- */

SYSCALL_DEFINE4(mknodat, int, dirfd, const char *, upath, uint32_t, mode, unsigned, dev)
{
	int err;
	char *path = getname(upath, false, &err);
	if (!path)
		return err;
	err = do_mknodat(dirfd, path, (mode & S_IFMT) | (mode & 07777 & ~cur_umask()), dev);
	putname(path);
	return err;
}

SYSCALL_DEFINE3(mknod, const char *, path, uint32_t, mode, unsigned, dev)
{
	return sys_mknodat((uint64_t)AT_FDCWD, (uint64_t)path, mode, dev, 0, 0);
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, const char *, upath, uint32_t, mode)
{
	int err;
	char *path = getname(upath, false, &err);
	if (!path)
		return err;
	err = do_mkdirat(dirfd, path, mode & 07777 & ~cur_umask());
	putname(path);
	return err;
}

SYSCALL_DEFINE2(mkdir, const char *, path, uint32_t, mode)
{
	return sys_mkdirat((uint64_t)AT_FDCWD, (uint64_t)path, mode, 0, 0, 0);
}

SYSCALL_DEFINE3(symlinkat, const char *, utarget, int, dirfd, const char *, upath)
{
	int err;
	char *target = getname(utarget, false, &err), *path;
	if (!target)
		return err;
	path = getname(upath, false, &err);
	if (path) {
		err = do_symlinkat(target, dirfd, path);
		putname(path);
	}
	putname(target);
	return err;
}

SYSCALL_DEFINE2(symlink, const char *, target, const char *, path)
{
	return sys_symlinkat((uint64_t)target, (uint64_t)AT_FDCWD, (uint64_t)path, 0, 0, 0);
}

SYSCALL_DEFINE5(linkat, int, odirfd, const char *, uold, int, ndirfd, const char *, unew,
		int, flags)
{
	int err;
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	char *old = getname(uold, flags & AT_EMPTY_PATH, &err), *new;
	if (!old)
		return err;
	new = getname(unew, false, &err);
	if (new) {
		err = do_linkat(odirfd, old, ndirfd, new, flags);
		putname(new);
	}
	putname(old);
	return err;
}

SYSCALL_DEFINE2(link, const char *, old, const char *, new)
{
	return sys_linkat((uint64_t)AT_FDCWD, (uint64_t)old, (uint64_t)AT_FDCWD, (uint64_t)new, 0, 0);
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, const char *, upath, int, flags)
{
	int err;
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	char *path = getname(upath, false, &err);
	if (!path)
		return err;
	err = do_unlinkat(dirfd, path, flags & AT_REMOVEDIR);
	putname(path);
	return err;
}

SYSCALL_DEFINE1(unlink, const char *, path)
{
	return sys_unlinkat((uint64_t)AT_FDCWD, (uint64_t)path, 0, 0, 0, 0);
}

SYSCALL_DEFINE1(rmdir, const char *, path)
{
	return sys_unlinkat((uint64_t)AT_FDCWD, (uint64_t)path, AT_REMOVEDIR, 0, 0, 0);
}

SYSCALL_DEFINE5(renameat2, int, odirfd, const char *, uold, int, ndirfd, const char *, unew,
		unsigned, flags)
{
	int err;
	char *old = getname(uold, false, &err), *new;
	if (!old)
		return err;
	new = getname(unew, false, &err);
	if (new) {
		err = do_renameat2(odirfd, old, ndirfd, new, flags);
		putname(new);
	}
	putname(old);
	return err;
}

SYSCALL_DEFINE4(renameat, int, odirfd, const char *, old, int, ndirfd, const char *, new)
{
	return sys_renameat2((uint64_t)odirfd, (uint64_t)old, (uint64_t)ndirfd, (uint64_t)new, 0, 0);
}

SYSCALL_DEFINE2(rename, const char *, old, const char *, new)
{
	return sys_renameat2((uint64_t)AT_FDCWD, (uint64_t)old, (uint64_t)AT_FDCWD, (uint64_t)new, 0, 0);
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, const char *, upath, char *, ubuf, int, bufsiz)
{
	struct inode *ino;
	int err;
	if (bufsiz <= 0)
		return -EINVAL;
	char *path = getname(upath, true, &err);
	if (!path)
		return err;
	bool empty = !*path;
	err = path_lookupat(dirfd, path, LOOKUP_EMPTY, &ino);
	putname(path);
	if (err)
		return err;
	if (!S_ISLNK(ino->mode) || !ino->iops || !ino->iops->readlink) {
		inode_put(ino);
		return empty ? -ENOENT : -EINVAL;
	}
	size_t n = MIN((size_t)bufsiz, (size_t)PATH_MAX);
	char *buf = kmalloc(n);
	if (!buf) {
		inode_put(ino);
		return -ENOMEM;
	}
	err = ino->iops->readlink(ino, buf, n);
	inode_put(ino);
	if (err > 0 && copy_to_user(ubuf, buf, (size_t)err))
		err = -EFAULT;
	kfree(buf);
	return err;
}

SYSCALL_DEFINE3(readlink, const char *, path, char *, buf, int, bufsiz)
{
	return sys_readlinkat((uint64_t)AT_FDCWD, (uint64_t)path, (uint64_t)buf,
			      (uint64_t)bufsiz, 0, 0);
}

/* ---- kernel helpers (vfs.h): no umask, paths relative to the cwd ---- */

int vfs_mkdir(const char *path, uint32_t mode) { return do_mkdirat(AT_FDCWD, path, mode); }
int vfs_mknod(const char *path, uint32_t mode, uint64_t rdev)
{
	return do_mknodat(AT_FDCWD, path, mode, rdev);
}
int vfs_symlink(const char *target, const char *path)
{
	return do_symlinkat(target, AT_FDCWD, path);
}
int vfs_link(const char *oldpath, const char *newpath)
{
	return do_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}
int vfs_unlink(const char *path) { return do_unlinkat(AT_FDCWD, path, false); }
int vfs_rmdir(const char *path) { return do_unlinkat(AT_FDCWD, path, true); }
int vfs_rename(const char *oldpath, const char *newpath, unsigned flags)
{
	return do_renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, flags);
}
