/*
 * stat.c - stat, lstat, fstat, newfstatat, statx, statfs, fstatfs.
 *
 * The user structures are Linux x86-64's, byte for byte: struct stat is
 * 144 bytes, struct statx 256, struct statfs 120 (checked at compile
 * time). st_blksize is the page size; st_blocks counts 512-byte units of
 * storage actually held (holes in a sparse file cost nothing); st_dev
 * is the filesystem's anonymous device (0:N), st_rdev a device node's
 * number in the glibc/Linux encoding (MKDEV in vfs.h).
 */
#include <synthos/compiler.h>
#include <synthos/errno.h>
#include <synthos/string.h>
#include <synthos/syscall.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <arch/page.h>
#include "internal.h"

struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	uint64_t st_atime, st_atime_nsec;
	uint64_t st_mtime, st_mtime_nsec;
	uint64_t st_ctime, st_ctime_nsec;
	int64_t unused[3];
};
STATIC_ASSERT(sizeof(struct linux_stat) == 144, "struct stat is 144 bytes on x86-64");

struct statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct linux_statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t spare0;
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor;
	uint32_t stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align, stx_dio_offset_align;
	uint64_t spare3[12];
};
STATIC_ASSERT(sizeof(struct linux_statx) == 256, "struct statx is 256 bytes");
STATIC_ASSERT(__builtin_offsetof(struct linux_statx, stx_atime) == 0x40, "statx layout");
STATIC_ASSERT(__builtin_offsetof(struct linux_statx, stx_rdev_major) == 0x80, "statx layout");

struct linux_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags;
	int64_t f_spare[4];
};
STATIC_ASSERT(sizeof(struct linux_statfs) == 120, "struct statfs is 120 bytes on x86-64");

#define STATX_BASIC_STATS 0x7ffu
#define STATX_BTIME       0x800u
#define STATX_MNT_ID      0x1000u
#define STATX__RESERVED   0x80000000u
#define ST_VALID          0x20

/* Every field is set, the padding too, so no memset first: stat is
 * called often enough for the 144-byte clear to show. */
static void fill_stat(struct inode *ino, struct linux_stat *st)
{
	st->pad0 = 0;
	st->unused[0] = st->unused[1] = st->unused[2] = 0;
	st->st_dev = ino->sb->dev;
	st->st_ino = ino->ino;
	st->st_nlink = ino->nlink;
	st->st_mode = ino->mode;
	st->st_uid = ino->uid;
	st->st_gid = ino->gid;
	st->st_rdev = ino->rdev;
	st->st_size = (int64_t)ino->size;
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = (int64_t)ino->blocks;
	st->st_atime = (uint64_t)ino->atime.sec;
	st->st_atime_nsec = (uint64_t)ino->atime.nsec;
	st->st_mtime = (uint64_t)ino->mtime.sec;
	st->st_mtime_nsec = (uint64_t)ino->mtime.nsec;
	st->st_ctime = (uint64_t)ino->ctime.sec;
	st->st_ctime_nsec = (uint64_t)ino->ctime.nsec;
}

static int copy_stat(struct inode *ino, struct linux_stat *ust)
{
	struct linux_stat st;
	fill_stat(ino, &st);
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

static int stat_at(int dirfd, const char *upath, struct linux_stat *ust, int flags)
{
	struct inode *ino;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	char *path = getname_inline(upath, flags & AT_EMPTY_PATH, &err);
	if (!path)
		return err;
	err = path_lookupat(dirfd, path, ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
			    ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0), &ino);
	putname(path);
	if (err)
		return err;
	err = copy_stat(ino, ust);
	iput(ino);
	return err;
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, const char *, path, struct linux_stat *, st, int, flags)
{
	return stat_at(dirfd, path, st, flags);
}

SYSCALL_DEFINE2(stat, const char *, path, struct linux_stat *, st)
{
	return stat_at(AT_FDCWD, path, st, 0);
}

SYSCALL_DEFINE2(lstat, const char *, path, struct linux_stat *, st)
{
	return stat_at(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

/* fstat works on O_PATH descriptors too (Linux 3.6+). */
SYSCALL_DEFINE2(fstat, int, fd, struct linux_stat *, st)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	int err = copy_stat(f->inode, st);
	file_put(f);
	return err;
}

static struct statx_timestamp sx_time(struct vfs_time t)
{
	return (struct statx_timestamp){ t.sec, (uint32_t)t.nsec, 0 };
}

SYSCALL_DEFINE5(statx, int, dirfd, const char *, upath, int, flags, unsigned, mask,
		struct linux_statx *, ubuf)
{
	struct linux_statx sx;
	struct inode *ino;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (mask & STATX__RESERVED)
		return -EINVAL;
	char *path = getname(upath, flags & AT_EMPTY_PATH, &err);
	if (!path)
		return err;
	err = path_lookupat(dirfd, path, ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
			    ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0), &ino);
	putname(path);
	if (err)
		return err;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS | STATX_BTIME | STATX_MNT_ID;
	sx.stx_blksize = PAGE_SIZE;
	sx.stx_nlink = ino->nlink;
	sx.stx_uid = ino->uid;
	sx.stx_gid = ino->gid;
	sx.stx_mode = (uint16_t)ino->mode;
	sx.stx_ino = ino->ino;
	sx.stx_size = ino->size;
	sx.stx_blocks = ino->blocks;
	sx.stx_atime = sx_time(ino->atime);
	sx.stx_btime = sx_time(ino->btime);
	sx.stx_ctime = sx_time(ino->ctime);
	sx.stx_mtime = sx_time(ino->mtime);
	sx.stx_rdev_major = MAJOR(ino->rdev);
	sx.stx_rdev_minor = MINOR(ino->rdev);
	sx.stx_dev_major = MAJOR(ino->sb->dev);
	sx.stx_dev_minor = MINOR(ino->sb->dev);
	sx.stx_mnt_id = (uint64_t)ino->sb->mnt_id;
	inode_put(ino);
	return copy_to_user(ubuf, &sx, sizeof(sx)) ? -EFAULT : 0;
}

/* ---- statfs ---- */

static int copy_statfs(struct super_block *sb, struct linux_statfs *ubuf)
{
	struct kstatfs k = { .type = sb->magic, .bsize = PAGE_SIZE, .namelen = NAME_MAX };
	struct linux_statfs st;

	if (sb->ops && sb->ops->statfs)
		sb->ops->statfs(sb, &k);
	memset(&st, 0, sizeof(st));
	st.f_type = (int64_t)k.type;
	st.f_bsize = (int64_t)k.bsize;
	st.f_blocks = k.blocks;
	st.f_bfree = k.bfree;
	st.f_bavail = k.bavail;
	st.f_files = k.files;
	st.f_ffree = k.ffree;
	st.f_fsid[0] = (int32_t)(sb->dev & 0xffffffff);
	st.f_fsid[1] = (int32_t)(sb->dev >> 32);
	st.f_namelen = (int64_t)k.namelen;
	st.f_frsize = (int64_t)k.bsize;
	st.f_flags = ST_VALID | (int64_t)(sb->flags & 0x1f);
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(statfs, const char *, upath, struct linux_statfs *, buf)
{
	struct inode *ino;
	int err;
	char *path = getname(upath, false, &err);
	if (!path)
		return err;
	err = path_lookupat(AT_FDCWD, path, LOOKUP_FOLLOW, &ino);
	putname(path);
	if (err)
		return err;
	err = copy_statfs(ino->sb, buf);
	inode_put(ino);
	return err;
}

SYSCALL_DEFINE2(fstatfs, int, fd, struct linux_statfs *, buf)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	int err = copy_statfs(f->inode->sb, buf);
	file_put(f);
	return err;
}
