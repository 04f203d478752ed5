/*
 * attr.c - changing and checking inode attributes: chmod, chown, access,
 * truncate, utimensat and friends, fallocate, fadvise64.
 *
 * synthos has one user, root, so there are no permission checks; what
 * Linux does for root is what happens here: any mode or owner may be
 * set, chown clears set-user-ID and (group-executable) set-group-ID of a
 * non-directory, X_OK needs some x bit on a non-directory. Modes and
 * owners are stored and reported faithfully for programs that look.
 *
 * Time stamps: every change sets ctime; data changes set mtime
 * (inode_touch). There is no atime update on read (as "noatime").
 */
#include <synthos/errno.h>
#include <synthos/syscall.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include "internal.h"

#define UTIME_NOW  ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

void inode_touch(struct inode *ino, bool mtime, bool ctime)
{
	struct vfs_time now = vfs_now();
	if (mtime)
		ino->mtime = now;
	if (ctime)
		ino->ctime = now;
}

int do_truncate_inode(struct inode *ino, int64_t length)
{
	if (length < 0)
		return -EINVAL;
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (!ino->iops || !ino->iops->truncate)
		return -EPERM;
	return ino->iops->truncate(ino, (uint64_t)length);
}

/* Look up a user path relative to dirfd; the path buffer is freed here. */
static int user_lookup(int dirfd, const char *upath, unsigned lookup, struct inode **res)
{
	int err;
	char *path = getname(upath, lookup & LOOKUP_EMPTY, &err);
	if (!path)
		return err;
	err = path_lookupat(dirfd, path, lookup, res);
	putname(path);
	return err;
}

/* AT_SYMLINK_NOFOLLOW / AT_EMPTY_PATH to lookup flags. */
static unsigned at_lookup(int flags)
{
	return ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
	       ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
}

/* ---- chmod ---- */

static void set_mode(struct inode *ino, uint32_t mode)
{
	ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
	inode_touch(ino, false, true);
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, const char *, path, uint32_t, mode)
{
	struct inode *ino;
	int err = user_lookup(dirfd, path, LOOKUP_FOLLOW, &ino);
	if (err)
		return err;
	set_mode(ino, mode);
	inode_put(ino);
	return 0;
}

SYSCALL_DEFINE2(chmod, const char *, path, uint32_t, mode)
{
	return sys_fchmodat(AT_FDCWD, (uint64_t)path, mode, 0, 0, 0);
}

SYSCALL_DEFINE2(fchmod, int, fd, uint32_t, mode)
{
	struct file *f = fget_io(fd);
	if (!f)
		return -EBADF;
	set_mode(f->inode, mode);
	file_put(f);
	return 0;
}

/* ---- chown ---- */

static void set_owner(struct inode *ino, uint32_t uid, uint32_t gid)
{
	if (uid != (uint32_t)-1)
		ino->uid = uid;
	if (gid != (uint32_t)-1)
		ino->gid = gid;
	if (!S_ISDIR(ino->mode)) {
		ino->mode &= ~S_ISUID;
		if (ino->mode & 0010)
			ino->mode &= ~S_ISGID;
	}
	inode_touch(ino, false, true);
}

SYSCALL_DEFINE5(fchownat, int, dirfd, const char *, path, uint32_t, uid, uint32_t, gid,
		int, flags)
{
	struct inode *ino;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int err = user_lookup(dirfd, path, at_lookup(flags), &ino);
	if (err)
		return err;
	set_owner(ino, uid, gid);
	inode_put(ino);
	return 0;
}

SYSCALL_DEFINE3(chown, const char *, path, uint32_t, uid, uint32_t, gid)
{
	return sys_fchownat(AT_FDCWD, (uint64_t)path, uid, gid, 0, 0);
}

SYSCALL_DEFINE3(lchown, const char *, path, uint32_t, uid, uint32_t, gid)
{
	return sys_fchownat(AT_FDCWD, (uint64_t)path, uid, gid, AT_SYMLINK_NOFOLLOW, 0);
}

SYSCALL_DEFINE3(fchown, int, fd, uint32_t, uid, uint32_t, gid)
{
	struct file *f = fget_io(fd);
	if (!f)
		return -EBADF;
	set_owner(f->inode, uid, gid);
	file_put(f);
	return 0;
}

/* ---- access ---- */

SYSCALL_DEFINE4(faccessat2, int, dirfd, const char *, path, int, mode, int, flags)
{
	struct inode *ino;
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int err = user_lookup(dirfd, path, at_lookup(flags), &ino);
	if (err)
		return err;
	if ((mode & X_OK) && !S_ISDIR(ino->mode) && !(ino->mode & S_IXUGO))
		err = -EACCES;
	inode_put(ino);
	return err;
}

SYSCALL_DEFINE3(faccessat, int, dirfd, const char *, path, int, mode)
{
	return sys_faccessat2((uint64_t)dirfd, (uint64_t)path, (uint64_t)mode, 0, 0, 0);
}

SYSCALL_DEFINE2(access, const char *, path, int, mode)
{
	return sys_faccessat2((uint64_t)AT_FDCWD, (uint64_t)path, (uint64_t)mode, 0, 0, 0);
}

/* ---- truncate ---- */

SYSCALL_DEFINE2(truncate, const char *, path, int64_t, length)
{
	struct inode *ino;
	if (length < 0)
		return -EINVAL;
	int err = user_lookup(AT_FDCWD, path, LOOKUP_FOLLOW, &ino);
	if (err)
		return err;
	err = do_truncate_inode(ino, length);
	inode_put(ino);
	return err;
}

SYSCALL_DEFINE2(ftruncate, int, fd, int64_t, length)
{
	if (length < 0)
		return -EINVAL;
	struct file *f = fget_io(fd);
	if (!f)
		return -EBADF;
	int err = -EINVAL;
	if (S_ISREG(f->inode->mode) && file_writable(f))
		err = do_truncate_inode(f->inode, length);
	file_put(f);
	return err;
}

#define FALLOC_FL_KEEP_SIZE 1

SYSCALL_DEFINE4(fallocate, int, fd, int, mode, int64_t, offset, int64_t, len)
{
	int err;
	if (offset < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~FALLOC_FL_KEEP_SIZE)
		return -EOPNOTSUPP;
	struct file *f = fget_io(fd);
	if (!f)
		return -EBADF;
	struct inode *ino = f->inode;
	int64_t end;
	if (!file_writable(f))
		err = -EBADF;
	else if (S_ISDIR(ino->mode))
		err = -EISDIR;
	else if (!S_ISREG(ino->mode))
		err = -ENODEV;
	else if (__builtin_add_overflow(offset, len, &end))
		err = -EFBIG;
	else if (!(mode & FALLOC_FL_KEEP_SIZE) && (uint64_t)end > ino->size)
		err = do_truncate_inode(ino, end);   /* ramfs: holes cost nothing until written */
	else
		err = 0;
	file_put(f);
	return err;
}

SYSCALL_DEFINE4(fadvise64, int, fd, int64_t, offset, int64_t, len, int, advice)
{
	struct file *f = fget_io(fd);
	if (!f)
		return -EBADF;
	int err = 0;
	if (S_ISFIFO(f->inode->mode))
		err = -ESPIPE;
	else if (advice < 0 || advice > 5)
		err = -EINVAL;
	file_put(f);
	return err;
}

/* ---- times ---- */

struct k_timespec { int64_t sec, nsec; };
struct k_timeval { int64_t sec, usec; };
struct k_utimbuf { int64_t actime, modtime; };

/* times[0] atime, times[1] mtime, already validated; NULL: both now. */
static int set_times(int dirfd, const char *upath, const struct k_timespec *times, int flags)
{
	struct inode *ino;
	int err;

	if (upath) {
		err = user_lookup(dirfd, upath, at_lookup(flags), &ino);
	} else {
		/* utimensat(fd, NULL, ...) is futimens: the descriptor itself. */
		if (dirfd == AT_FDCWD)
			return -EFAULT;
		if (flags & AT_SYMLINK_NOFOLLOW)
			return -EINVAL;
		struct file *f = fget(dirfd);
		if (!f)
			return -EBADF;
		ino = inode_get(f->inode);
		file_put(f);
		err = 0;
	}
	if (err)
		return err;
	struct vfs_time now = vfs_now();
	for (int i = 0; i < 2; i++) {
		struct vfs_time *t = i == 0 ? &ino->atime : &ino->mtime;
		if (!times || times[i].nsec == UTIME_NOW)
			*t = now;
		else if (times[i].nsec != UTIME_OMIT)
			*t = (struct vfs_time){ times[i].sec, times[i].nsec };
	}
	ino->ctime = now;
	inode_put(ino);
	return 0;
}

SYSCALL_DEFINE4(utimensat, int, dirfd, const char *, path, const struct k_timespec *, utimes,
		int, flags)
{
	struct k_timespec t[2];
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (utimes) {
		if (copy_from_user(t, utimes, sizeof(t)))
			return -EFAULT;
		for (int i = 0; i < 2; i++)
			if (t[i].nsec != UTIME_NOW && t[i].nsec != UTIME_OMIT &&
			    (t[i].nsec < 0 || t[i].nsec >= 1000000000))
				return -EINVAL;
		if (t[0].nsec == UTIME_OMIT && t[1].nsec == UTIME_OMIT)
			return 0;
	}
	return set_times(dirfd, path, utimes ? t : NULL, flags);
}

SYSCALL_DEFINE3(futimesat, int, dirfd, const char *, path, const struct k_timeval *, utimes)
{
	struct k_timeval tv[2];
	struct k_timespec t[2];
	if (utimes) {
		if (copy_from_user(tv, utimes, sizeof(tv)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].usec < 0 || tv[i].usec >= 1000000)
				return -EINVAL;
			t[i] = (struct k_timespec){ tv[i].sec, tv[i].usec * 1000 };
		}
	}
	return set_times(dirfd, path, utimes ? t : NULL, 0);
}

SYSCALL_DEFINE2(utimes, const char *, path, const struct k_timeval *, utimes)
{
	return sys_futimesat((uint64_t)AT_FDCWD, (uint64_t)path, (uint64_t)utimes, 0, 0, 0);
}

SYSCALL_DEFINE2(utime, const char *, path, const struct k_utimbuf *, buf)
{
	struct k_utimbuf ub;
	struct k_timespec t[2];
	if (buf) {
		if (copy_from_user(&ub, buf, sizeof(ub)))
			return -EFAULT;
		t[0] = (struct k_timespec){ ub.actime, 0 };
		t[1] = (struct k_timespec){ ub.modtime, 0 };
	}
	return set_times(AT_FDCWD, path, buf ? t : NULL, 0);
}
