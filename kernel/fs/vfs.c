/*
 * vfs.c - the objects of the VFS and their lifetimes: inodes, open files,
 * super blocks; opening an inode (regular files, directories, character
 * devices, FIFOs, O_PATH); the kernel's own reads and writes; the
 * character-device registry; the clock the timestamps come from.
 *
 * Invariants:
 *  - inode->refcount counts in-memory references; inode->sb->refs is the
 *    sum over the super block's inodes, so umount can tell whether anything
 *    still uses a filesystem without walking it.
 *  - An inode is freed when refcount reaches 0 and the filesystem agrees
 *    (drop_inode), by default when nlink is 0 too: an unlinked file lives
 *    until its last close, a named one lives in its directory.
 *  - A struct file always holds a reference on its inode; its ops->release
 *    runs exactly once, when the last reference goes, and only if open
 *    succeeded.
 *
 * Locking: none; see <synthos/vfs.h>. Nothing here sleeps except a
 * driver's open or release.
 */
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/time.h>
#include <synthos/vfs.h>
#include <arch/page.h>
#include "internal.h"

struct inode *vfs_root;

/*
 * Timestamps follow CLOCK_REALTIME (realtime_ns(), kernel/time_syscalls.c:
 * the RTC at boot plus the monotonic clock, moved by settimeofday), so
 * files compare correctly with what date(1) and clock_gettime say.
 */
struct vfs_time vfs_now(void)
{
	return vfs_time_of_ns(realtime_ns());
}

/* ---- inodes ---- */

struct inode *inode_get(struct inode *ino)
{
	if (ino) {
		ino->refcount++;
		ino->sb->refs++;
	}
	return ino;
}

void inode_free(struct inode *ino)
{
	if (ino->sb->ops && ino->sb->ops->evict)
		ino->sb->ops->evict(ino);
	kfree(ino);
}

void inode_put(struct inode *ino)
{
	if (!ino)
		return;
	ino->sb->refs--;
	if (--ino->refcount > 0)
		return;
	if (ino->sb->ops && ino->sb->ops->drop_inode)
		ino->sb->ops->drop_inode(ino);
	else if (ino->nlink == 0)
		inode_free(ino);
}

struct inode *inode_alloc(struct super_block *sb, uint32_t mode)
{
	struct inode *ino = kzalloc(sizeof(*ino));
	if (!ino)
		return NULL;
	ino->refcount = 1;
	sb->refs++;
	ino->sb = sb;
	ino->mode = mode;
	ino->nlink = 1;
	ino->ino = sb->next_ino++;
	ino->atime = ino->mtime = ino->ctime = ino->btime = vfs_now();
	return ino;
}

static int next_anon_dev = 1;
static int next_mnt_id = 1;

struct super_block *sb_alloc(const struct super_ops *ops, uint64_t magic)
{
	struct super_block *sb = kzalloc(sizeof(*sb));
	if (!sb)
		return NULL;
	sb->ops = ops;
	sb->magic = magic;
	sb->dev = MKDEV(0, next_anon_dev);
	next_anon_dev++;
	sb->next_ino = 1;
	sb->mnt_id = next_mnt_id++;
	list_init(&sb->link);
	return sb;
}

bool is_mount_root(struct inode *ino)
{
	return ino == vfs_root || (ino->sb->root == ino && ino->sb->covered);
}

/* Is anything but the super block's own root reference (plus extra, the
 * caller's) holding an inode of sb? */
int sb_busy(struct super_block *sb, long extra_refs)
{
	return sb->refs > 1 + extra_refs;
}

/* Pipes, sockets and the like live in one pseudo filesystem, as Linux's
 * pipefs: the inodes have no name but one link (fstat says so, as on
 * Linux), and go with their last file whatever nlink says. */
#define PIPEFS_MAGIC 0x50495045
static struct super_block *anon_sb;

static const struct super_ops anon_sb_ops = {
	.drop_inode = inode_free,
};

struct inode *anon_inode_new(uint32_t mode)
{
	if (!anon_sb && !(anon_sb = sb_alloc(&anon_sb_ops, PIPEFS_MAGIC)))
		return NULL;
	return inode_alloc(anon_sb, mode);
}

/* ---- files ---- */

static const struct file_ops empty_fops;

/*
 * Open files come from their own cache, made at the first open: no
 * size-class lookup, and the cache keeps the last closed file's memory at
 * hand for the next open (kmem_cache_keep_hot), since opens and closes
 * come in alternation.
 */
static struct kmem_cache *file_cache;

static struct kmem_cache *file_cache_create(void)
{
	struct kmem_cache *c = kmem_cache_create("file", sizeof(struct file), 8);
	if (c)
		kmem_cache_keep_hot(c);
	return c;
}

static inline __attribute__((always_inline)) struct file *
new_file(struct inode *ino, const struct file_ops *ops, unsigned flags)
{
	if (unlikely(!file_cache) && !(file_cache = file_cache_create()))
		return NULL;
	struct file *f = kmem_cache_alloc(file_cache);
	if (!f)
		return NULL;
	*f = (struct file){             /* every other field zero */
		.refcount = 1,
		.inode = ino,
		.ops = ops ? ops : &empty_fops,
		.flags = flags,
	};
	return f;
}

struct file *file_alloc(struct inode *ino, const struct file_ops *ops, unsigned flags)
{
	return new_file(ino, ops, flags);
}

struct file *file_get(struct file *f)
{
	if (f)
		f->refcount++;
	return f;
}

void file_last_put(struct file *f)
{
	if (f->ops && f->ops->release)
		f->ops->release(f);
	iput(f->inode);
	kmem_cache_free(file_cache, f);
}

void file_put(struct file *f)
{
	if (f && --f->refcount == 0)
		file_last_put(f);
}

/* A file whose open failed: no release, just the memory and the inode. */
static void file_discard(struct file *f)
{
	iput(f->inode);
	kmem_cache_free(file_cache, f);
}

/* ---- character devices ---- */

struct chrdev {
	unsigned major, minor_base, count;
	const struct file_ops *ops;
};

#define MAX_CHRDEVS 64
static struct chrdev chrdevs[MAX_CHRDEVS];
static int nchrdevs;

int chrdev_register(unsigned major, unsigned minor_base, unsigned count,
		    const struct file_ops *ops)
{
	if (!ops || !count || major >= (1u << 12) || minor_base + count > (1u << 20) ||
	    minor_base + count < minor_base)
		return -EINVAL;
	for (int i = 0; i < nchrdevs; i++) {
		struct chrdev *c = &chrdevs[i];
		if (c->major == major && minor_base < c->minor_base + c->count &&
		    c->minor_base < minor_base + count)
			return -EBUSY;
	}
	if (nchrdevs == MAX_CHRDEVS)
		return -ENOSPC;
	chrdevs[nchrdevs++] = (struct chrdev){ major, minor_base, count, ops };
	return 0;
}

static const struct file_ops *chrdev_find(uint64_t rdev)
{
	unsigned ma = MAJOR(rdev), mi = MINOR(rdev);
	for (int i = 0; i < nchrdevs; i++) {
		struct chrdev *c = &chrdevs[i];
		if (c->major == ma && mi >= c->minor_base && mi - c->minor_base < c->count)
			return c->ops;
	}
	return NULL;
}

/* ---- opening ---- */

/* O_PATH descriptors can be fstat'ed, used as dirfd, dup'ed and closed. */
static const struct file_ops path_fops;

/* vfs_open_inode, consuming the caller's reference to ino either way: the
 * open file keeps it. open(2) hands over the walk's reference this way
 * instead of taking a second one and dropping the first. */
int vfs_open_inode_take(struct inode *ino, int flags, struct file **res)
{
	unsigned acc = flags & O_ACCMODE;
	struct file *f;
	int err = 0;

	if (flags & O_PATH) {
		f = file_alloc(ino, &path_fops, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW));
		if (!f) {
			inode_put(ino);
			return -ENOMEM;
		}
		*res = f;
		return 0;
	}
	if (S_ISLNK(ino->mode)) {
		err = -ELOOP;
		goto put;
	}
	if (S_ISDIR(ino->mode) && (acc != O_RDONLY || (flags & O_TRUNC))) {
		err = -EISDIR;
		goto put;
	}

	const struct file_ops *ops = ino->fops;
	switch (ino->mode & S_IFMT) {
	case S_IFCHR:
		ops = ino->cdev_ops;
		if (unlikely(!ops)) {
			ops = chrdev_find(ino->rdev);
			if (!ops) {
				err = -ENXIO;
				goto put;
			}
			ino->cdev_ops = ops;
		}
		break;
	case S_IFBLK:
	case S_IFSOCK:
		err = -ENXIO;
		goto put;
	case S_IFIFO:
		if (!fifo_open) {
			err = -ENXIO;
			goto put;
		}
		ops = NULL;
		break;
	}
	/* As Linux on 64-bit, every open file is O_LARGEFILE (F_GETFL shows it). */
	f = new_file(ino, ops,
		     (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE);
	if (!f) {
		err = -ENOMEM;
		goto put;
	}
	if (S_ISFIFO(ino->mode))
		err = fifo_open(ino, f);
	else if (f->ops->open)
		err = f->ops->open(ino, f);
	if (err) {
		file_discard(f);        /* drops the file's reference, ours */
		return err;
	}
	if ((flags & O_TRUNC) && S_ISREG(ino->mode)) {
		err = do_truncate_inode(ino, 0);
		if (err) {
			file_put(f);
			return err;
		}
	}
	*res = f;
	return 0;
put:
	iput(ino);
	return err;
}

int vfs_open_inode(struct inode *ino, int flags, struct file **res)
{
	return vfs_open_inode_take(iget(ino), flags, res);
}

struct file *vfs_open(const char *path, int flags, int mode, int *err)
{
	struct file *f = NULL;
	int r = do_openat(AT_FDCWD, path, flags, (uint32_t)mode & 07777, &f);
	if (err)
		*err = r;
	return r ? NULL : f;
}

struct file *console_open(int *err)
{
	struct walk w = { vfs_root, 0 };
	struct inode *ino;
	struct file *f = NULL;
	int r = -ENODEV;

	if (vfs_root) {
		r = walk_path(&w, vfs_root, "/dev/console", LOOKUP_FOLLOW, &ino);
		if (r == -ENOENT || r == -ENOTDIR)
			r = -ENODEV;
		if (!r) {
			r = vfs_open_inode(ino, O_RDWR, &f);
			inode_put(ino);
		}
	}
	if (err)
		*err = r;
	return r ? NULL : f;
}

/* ---- the kernel's own I/O ---- */

ssize_t kernel_read(struct file *f, void *buf, size_t n, uint64_t off)
{
	if (!file_readable(f))
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!f->ops->read)
		return -EINVAL;
	struct uio u = { .base = buf, .user = false };
	return f->ops->read(f, &u, n, &off);
}

ssize_t kernel_write(struct file *f, const void *buf, size_t n, uint64_t off)
{
	if (!file_writable(f))
		return -EBADF;
	if (!f->ops->write)
		return -EINVAL;
	struct uio u = { .base = (char *)buf, .user = false };
	return f->ops->write(f, &u, n, &off);
}

int vfs_read_page(struct file *f, uint64_t offset, void *page)
{
	size_t done = 0;
	while (done < PAGE_SIZE) {
		ssize_t r = kernel_read(f, (char *)page + done, PAGE_SIZE - done, offset + done);
		if (r < 0)
			return (int)r;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	memset((char *)page + done, 0, PAGE_SIZE - done);
	return 0;
}

uint64_t file_size(struct file *f)
{
	return f->inode->size;
}

int vfs_get_page(struct file *f, uint64_t offset, struct page **res)
{
	if (!f->ops->get_page)
		return -ENODEV;
	if (offset >= ALIGN_UP(f->inode->size, PAGE_SIZE))
		return -EIO;
	return f->ops->get_page(f, offset / PAGE_SIZE, res);
}

/* Root may execute a regular file if any of its x bits is set (Linux's
 * rule for CAP_DAC_OVERRIDE); directories and devices never. */
int vfs_may_exec(struct file *f)
{
	uint32_t m = f->inode->mode;
	if (!S_ISREG(m) || !(m & S_IXUGO))
		return -EACCES;
	return 0;
}

/* ---- seeking and directory helpers ---- */

int64_t generic_file_llseek(struct file *f, int64_t off, int whence)
{
	int64_t size = (int64_t)f->inode->size;
	bool dir = S_ISDIR(f->inode->mode);

	switch (whence) {
	case SEEK_SET:
	case SEEK_CUR:
		break;
	case SEEK_END:
		if (dir)
			return -EINVAL;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		/* The whole file is data, as Linux's default: a hole only at EOF. */
		if (dir)
			return -EINVAL;
		if (off < 0 || off >= size)
			return -ENXIO;
		f->pos = (uint64_t)(whence == SEEK_DATA ? off : size);
		return (int64_t)f->pos;
	default:
		return -EINVAL;
	}
	int64_t n = llseek_target((int64_t)f->pos, size, off, whence);
	if (n >= 0)
		f->pos = (uint64_t)n;
	return n;
}

int64_t noop_llseek(struct file *f, int64_t off, int whence)
{
	return (int64_t)f->pos;
}

int dir_emit_dots(struct file *f, dir_emit_t emit, void *ctx, uint64_t parent_ino)
{
	if (f->pos == 0) {
		if (emit(ctx, ".", 1, f->inode->ino, IFTODT(S_IFDIR), 1))
			return 1;
		f->pos = 1;
	}
	if (f->pos == 1) {
		if (emit(ctx, "..", 2, parent_ino, IFTODT(S_IFDIR), 2))
			return 1;
		f->pos = 2;
	}
	return 0;
}
