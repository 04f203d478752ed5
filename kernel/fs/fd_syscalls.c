/*
 * fd_syscalls.c - descriptor and process-fs-state system calls:
 * close_range (close itself is in fdtable.c), dup, dup2, dup3, fcntl,
 * ioctl (the generic part), getdents64, getdents, fsync, fdatasync, sync,
 * syncfs, umask, chdir, fchdir, chroot, getcwd.
 *
 * fcntl: F_DUPFD(_CLOEXEC), F_GETFD/F_SETFD, F_GETFL, F_SETFL (only
 * O_APPEND and O_NONBLOCK change, others are ignored as Linux ignores
 * the unchangeable ones). Record locks always succeed -- one user, and
 * nothing shares files across machines -- and F_GETLK says F_UNLCK.
 * F_GETPIPE_SZ/F_SETPIPE_SZ go to the file's ioctl op under their fcntl
 * numbers (1032/1031), which no ioctl uses; a file without it is EBADF.
 *
 * getdents64 records are Linux's: d_ino, d_off (the position after the
 * entry), d_reclen (8-aligned), d_type, the name and its NUL.
 */
#include <synthos/errno.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/syscall.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include "internal.h"

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_GETLK         5
#define F_SETLK         6
#define F_SETLKW        7
#define F_SETOWN        8
#define F_GETOWN        9
#define F_SETSIG        10
#define F_GETSIG        11
#define F_OFD_GETLK     36
#define F_OFD_SETLK     37
#define F_OFD_SETLKW    38
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ    1031
#define F_GETPIPE_SZ    1032
#define FD_CLOEXEC      1
#define F_UNLCK         2

#define FIONREAD 0x541B
#define FIONBIO  0x5421
#define FIONCLEX 0x5450
#define FIOCLEX  0x5451
#define FIOASYNC 0x5452
#define FIGETBSZ 2

#define CLOSE_RANGE_UNSHARE 2
#define CLOSE_RANGE_CLOEXEC 4

SYSCALL_DEFINE3(close_range, unsigned, first, unsigned, last, unsigned, flags)
{
	struct fdtable *t = cur_files();
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if (!t)
		return 0;
	/* CLOSE_RANGE_UNSHARE: closing in a shared table is what it would
	 * leave us with anyway; the other sharers lose the fds too. */
	for (unsigned fd = first; fd <= last && fd < (unsigned)t->size; fd++) {
		if (!t->fd[fd])
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			fd_set_cloexec(t, (int)fd, true);
		else
			fd_close(t, (int)fd);
	}
	return 0;
}

SYSCALL_DEFINE1(dup, int, fd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	int r = fd_install(cur_files(), f, 0, false);
	if (r < 0)
		file_put(f);
	return r;
}

static long do_dup3(int oldfd, int newfd, int flags)
{
	if (newfd < 0 || newfd >= fd_limit())
		return -EBADF;
	struct file *f = fget(oldfd);
	if (!f)
		return -EBADF;
	int r = fd_install_at(cur_files(), newfd, f, flags & O_CLOEXEC);
	if (r < 0)
		file_put(f);
	return r;
}

SYSCALL_DEFINE3(dup3, int, oldfd, int, newfd, int, flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return do_dup3(oldfd, newfd, flags);
}

SYSCALL_DEFINE2(dup2, int, oldfd, int, newfd)
{
	if (oldfd == newfd) {
		struct file *f = fget(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return do_dup3(oldfd, newfd, 0);
}

struct k_flock {
	int16_t l_type, l_whence;
	int64_t l_start, l_len;
	int32_t l_pid;
};

static long fcntl_lock(unsigned cmd, struct k_flock *ulock)
{
	struct k_flock fl;
	if (copy_from_user(&fl, ulock, sizeof(fl)))
		return -EFAULT;
	if (fl.l_type < 0 || fl.l_type > F_UNLCK || fl.l_whence < 0 || fl.l_whence > 2)
		return -EINVAL;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		fl.l_type = F_UNLCK;
		if (copy_to_user(ulock, &fl, sizeof(fl)))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE3(fcntl, int, fd, unsigned, cmd, uint64_t, arg)
{
	struct fdtable *t = cur_files();
	struct file *f = fget(fd);
	long r = 0;

	if (!f)
		return -EBADF;
	if ((f->flags & O_PATH) && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC &&
	    cmd != F_GETFD && cmd != F_SETFD && cmd != F_GETFL) {
		file_put(f);
		return -EBADF;
	}
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= (uint64_t)fd_limit()) {
			r = -EINVAL;
			break;
		}
		r = fd_install(t, file_get(f), (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD:
		r = fd_get_cloexec(t, fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		fd_set_cloexec(t, fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		r = f->flags;
		break;
	case F_SETFL:
		f->flags = (f->flags & ~(O_APPEND | O_NONBLOCK)) |
			   ((unsigned)arg & (O_APPEND | O_NONBLOCK));
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = fcntl_lock(cmd, (struct k_flock *)arg);
		break;
	case F_SETOWN:
	case F_SETSIG:
		break;
	case F_GETOWN:
	case F_GETSIG:
		r = 0;
		break;
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ:
		r = f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -EBADF;
		if (r == -ENOTTY)
			r = -EBADF;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

SYSCALL_DEFINE3(ioctl, int, fd, unsigned, cmd, uint64_t, arg)
{
	struct file *f = fget_io(fd);
	long r = 0;
	int on;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		fd_set_cloexec(cur_files(), fd, cmd == FIOCLEX);
		break;
	case FIONBIO:
	case FIOASYNC:
		if (get_user(on, (int *)arg)) {
			r = -EFAULT;
			break;
		}
		unsigned bit = cmd == FIONBIO ? O_NONBLOCK : O_ASYNC;
		f->flags = on ? (f->flags | bit) : (f->flags & ~bit);
		break;
	case FIONREAD:
	case FIGETBSZ:
		if (S_ISREG(f->inode->mode)) {
			/* Linux's: size - position, negative past the end */
			int v = cmd == FIGETBSZ ? 4096 : (int)(f->inode->size - f->pos);
			r = put_user(v, (int *)arg) ? -EFAULT : 0;
			break;
		}
		/* pipes and ttys answer FIONREAD themselves */
		__attribute__((fallthrough));
	default:
		r = f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
	}
	file_put(f);
	return r;
}

/* flock: advisory whole-file locks. With one user and no lock holders
 * to wait for, every valid request is granted at once. */
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

SYSCALL_DEFINE2(flock, int, fd, unsigned, op)
{
	struct file *f = fget_io(fd);
	if (!f)
		return -EBADF;
	unsigned cmd = op & ~LOCK_NB;
	file_put(f);
	if (cmd != LOCK_SH && cmd != LOCK_EX && cmd != LOCK_UN)
		return -EINVAL;
	return 0;
}

/* ---- directories ---- */

struct dents_ctx {
	char *ubuf;
	size_t size, used;
	int err;
	bool old_format;        /* getdents: struct linux_dirent */
};

static int fill_dent(void *vctx, const char *name, size_t len, uint64_t ino,
		     unsigned dtype, uint64_t next_pos)
{
	struct dents_ctx *c = vctx;
	char rec[8 + 8 + 2 + 1 + NAME_MAX + 1 + 8];
	size_t reclen = c->old_format ? ALIGN_UP(18 + len + 2, 8) : ALIGN_UP(19 + len + 1, 8);

	if (c->used + reclen > c->size) {
		c->err = -EINVAL;       /* reported only if nothing fit */
		return 1;
	}
	memset(rec, 0, reclen);
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &next_pos, 8);
	uint16_t rl = (uint16_t)reclen;
	memcpy(rec + 16, &rl, 2);
	if (c->old_format) {
		memcpy(rec + 18, name, len);
		rec[reclen - 1] = (char)dtype;
	} else {
		rec[18] = (char)dtype;
		memcpy(rec + 19, name, len);
	}
	if (copy_to_user(c->ubuf + c->used, rec, reclen)) {
		c->err = -EFAULT;
		return 1;
	}
	c->used += reclen;
	return 0;
}

static long do_getdents(int fd, char *ubuf, size_t count, bool old_format)
{
	struct dents_ctx c = { ubuf, count, 0, 0, old_format };
	struct file *f = fget_io(fd);
	long r;

	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode) || !f->ops->iterate)
		r = -ENOTDIR;
	else if (f->inode->nlink == 0)
		r = -ENOENT;            /* removed: Linux's IS_DEADDIR */
	else if (!access_ok(ubuf, count))
		r = -EFAULT;
	else {
		r = f->ops->iterate(f, fill_dent, &c);
		if (!r)
			r = c.used ? (long)c.used : c.err;
	}
	file_put(f);
	return r;
}

SYSCALL_DEFINE3(getdents64, int, fd, char *, buf, unsigned, count)
{
	return do_getdents(fd, buf, count, false);
}

SYSCALL_DEFINE3(getdents, int, fd, char *, buf, unsigned, count)
{
	return do_getdents(fd, buf, count, true);
}

/* ---- sync ---- */

static long do_fsync(int fd)
{
	struct file *f = fget_io(fd);
	if (!f)
		return -EBADF;
	long r = f->ops->fsync ? f->ops->fsync(f) : -EINVAL;
	file_put(f);
	return r;
}

SYSCALL_DEFINE1(fsync, int, fd) { return do_fsync(fd); }
SYSCALL_DEFINE1(fdatasync, int, fd) { return do_fsync(fd); }
SYSCALL_DEFINE0(sync) { return 0; }

SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

/* ---- cwd, root, umask ---- */

SYSCALL_DEFINE1(umask, uint32_t, mask)
{
	struct fs_info *fs = cur_fs();
	if (!fs)
		return 022;
	uint32_t old = fs->umask;
	fs->umask = mask & 0777;
	return old;
}

static long set_dir(const char *upath, bool root)
{
	struct fs_info *fs = cur_fs();
	struct inode *ino;
	int err;
	char *path = getname(upath, false, &err);
	if (!path)
		return err;
	err = path_lookupat(AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &ino);
	putname(path);
	if (err)
		return err;
	if (!fs) {
		inode_put(ino);
		return -ESRCH;
	}
	struct inode **slot = root ? &fs->root : &fs->cwd;
	inode_put(*slot);
	*slot = ino;
	return 0;
}

SYSCALL_DEFINE1(chdir, const char *, path) { return set_dir(path, false); }
SYSCALL_DEFINE1(chroot, const char *, path) { return set_dir(path, true); }

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct fs_info *fs = cur_fs();
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long r = 0;
	if (!S_ISDIR(f->inode->mode))
		r = -ENOTDIR;
	else if (!fs)
		r = -ESRCH;
	else {
		inode_put(fs->cwd);
		fs->cwd = inode_get(f->inode);
	}
	file_put(f);
	return r;
}

SYSCALL_DEFINE2(getcwd, char *, ubuf, size_t, size)
{
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	int len = inode_path(cur_cwd(), buf, PATH_MAX);
	long r;
	if (len < 0)
		r = len;
	else if ((size_t)len + 1 > size)
		r = -ERANGE;
	else
		r = copy_to_user(ubuf, buf, (size_t)len + 1) ? -EFAULT : len + 1;
	kfree(buf);
	return r;
}
