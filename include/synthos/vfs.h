/*
 * vfs.h - the virtual file system: inodes, open files, descriptor tables,
 * mounts, and the entry points the rest of the kernel uses (kernel/fs/).
 *
 * Files are reached through struct file_ops, whose read/write take a
 * struct uio (<synthos/uaccess.h>) so the same code serves read(2) into
 * user memory and the kernel's own reads (exec). Everything here is
 * reference-counted; the counts say who may free what:
 *
 *  - struct inode: refcount counts in-memory users (open files, cwd and
 *    root, a mount's covered directory and root, walks in progress). A
 *    name in a directory is counted by nlink, not refcount. When refcount
 *    drops to 0 the filesystem's drop_inode decides (default: free it if
 *    nlink is 0). So an unlinked file lives until its last close.
 *  - struct file: refcount counts descriptors (dup, fork) and kernel users.
 *  - struct fdtable, struct fs_info: refcount counts processes sharing
 *    them (CLONE_FILES, CLONE_FS).
 *
 * Locking: synthos runs on one CPU and the scheduler preempts only on the
 * way back to user mode, so kernel code runs without preemption unless it
 * sleeps. No VFS structure is touched from interrupt handlers, and the
 * VFS and ramfs never sleep in the middle of changing a structure; hence
 * there is no vfs_lock. Anyone adding a sleeping step (a disk, a blocking
 * allocation) inside a directory operation must add locking first.
 *
 * This header is the contract between the VFS and the process code
 * (fork/exec/exit/mmap in kernel/proc*.c, kernel/exec.c, kernel/mm/vm.c)
 * and the drivers and filesystems built on it (devices, pipes, procfs).
 * The functions listed under "used by the process code" keep their meaning.
 */
#ifndef SYNTHOS_VFS_H
#define SYNTHOS_VFS_H

#include <synthos/list.h>
#include <synthos/types.h>
#include <synthos/uaccess.h>
#include <synthos/wait.h>

struct inode;
struct file;
struct super_block;
struct poll_table;
struct page;

/* open(2) flags, Linux x86-64 values. */
#define O_ACCMODE   00000003
#define O_RDONLY    00000000
#define O_WRONLY    00000001
#define O_RDWR      00000002
#define O_CREAT     00000100
#define O_EXCL      00000200
#define O_NOCTTY    00000400
#define O_TRUNC     00001000
#define O_APPEND    00002000
#define O_NONBLOCK  00004000
#define O_DSYNC     00010000
#define O_ASYNC     00020000
#define O_DIRECT    00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW  00400000
#define O_NOATIME   01000000
#define O_CLOEXEC   02000000
#define O_SYNC      04010000
#define O_PATH      010000000
#define O_TMPFILE_BIT 020000000

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISUID  0004000
#define S_ISGID  0002000
#define S_ISVTX  0001000
#define S_IXUGO  0000111
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

/* getdents64 d_type: the S_IFMT bits shifted down (DT_DIR 4, DT_REG 8...). */
#define DT_UNKNOWN 0
#define IFTODT(mode) (((mode) & S_IFMT) >> 12)

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS          0x200
#define AT_REMOVEDIR        0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_NO_AUTOMOUNT     0x800
#define AT_EMPTY_PATH       0x1000
#define AT_STATX_SYNC_TYPE  0x6000

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE  2
#define RENAME_WHITEOUT  4

#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#define SEEK_MAX  SEEK_HOLE

#define PATH_MAX 4096
#define NAME_MAX 255
#define MAXSYMLINKS 40          /* symlinks one path walk may follow: ELOOP */
#define MAX_RW_COUNT 0x7ffff000L /* one read/write moves at most this (Linux) */

/*
 * Device numbers, in the encoding user space sees in st_rdev and passes to
 * mknod(2) (glibc's makedev; Linux's new_encode_dev): for major < 4096 and
 * minor < 2^20 it is major<<8 | minor, with minor's high bits above.
 */
#define MKDEV(ma, mi) ((((uint64_t)(ma) & 0xfff) << 8) | (((uint64_t)(ma) & ~0xfffULL) << 32) | \
		       ((uint64_t)(mi) & 0xff) | (((uint64_t)(mi) & ~0xffULL) << 12))
#define MAJOR(dev) ((unsigned)((((dev) >> 8) & 0xfff) | (((dev) >> 32) & ~0xfffULL)))
#define MINOR(dev) ((unsigned)(((dev) & 0xff) | (((dev) >> 12) & ~0xffULL)))

/* poll(2) events */
#define POLLIN   0x001
#define POLLPRI  0x002
#define POLLOUT  0x004
#define POLLERR  0x008
#define POLLHUP  0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100

/* A timestamp: seconds since the Unix epoch and nanoseconds (0..1e9-1). */
struct vfs_time {
	int64_t sec;
	int64_t nsec;
};

/*
 * Directory reading: iterate calls emit for each entry at or after f->pos,
 * in order, "." and ".." included (dir_emit_dots helps). next_pos is the
 * position just after the entry (getdents64's d_off). When emit returns 0
 * the entry was taken and iterate sets f->pos = next_pos; when it returns
 * non-zero (buffer full, or -EFAULT) iterate stops and returns 0. Errors
 * of the directory itself are returned as -errno.
 */
typedef int (*dir_emit_t)(void *ctx, const char *name, size_t len, uint64_t ino,
			  unsigned dtype, uint64_t next_pos);

struct file_ops {
	/* Called once by open(); may replace f->ops or set f->priv. */
	int (*open)(struct inode *ino, struct file *f);
	ssize_t (*read)(struct file *f, struct uio *u, size_t n, uint64_t *pos);
	ssize_t (*write)(struct file *f, struct uio *u, size_t n, uint64_t *pos);
	/* NULL means the file is not seekable: lseek gives -ESPIPE, and so
	 * do pread/pwrite. generic_file_llseek/noop_llseek are ready-made. */
	int64_t (*llseek)(struct file *f, int64_t off, int whence);
	/* Unknown ioctls (the VFS answers FIONBIO, FIOCLEX, FIONCLEX,
	 * FIOASYNC itself, and FIONREAD for regular files); also gets fcntl's
	 * F_SETPIPE_SZ/F_GETPIPE_SZ (1031/1032). NULL: -ENOTTY. */
	long (*ioctl)(struct file *f, unsigned cmd, uint64_t arg);
	/* Returns the ready mask; registers on pt's wait queues if pt != NULL.
	 * NULL: always POLLIN|POLLOUT|POLLRDNORM|POLLWRNORM. */
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	/* The last reference to f went away (f->inode is put afterwards). */
	void (*release)(struct file *f);
	int (*iterate)(struct file *f, dir_emit_t emit, void *ctx);
	/* fsync/fdatasync; NULL: -EINVAL, as Linux for pipes and ttys. */
	int (*fsync)(struct file *f);
	/* MAP_SHARED: the file's own page number index; see vfs_get_page. */
	int (*get_page)(struct file *f, uint64_t index, struct page **res);
};

struct file {
	int refcount;                   /* descriptors + kernel users */
	struct inode *inode;            /* holds a reference; never NULL */
	const struct file_ops *ops;
	uint64_t pos;
	unsigned flags;                 /* O_* status flags incl. access mode (not O_CLOEXEC) */
	void *priv;                     /* the file type's own state (pipe end, tty...) */
	uint8_t synth_untemplated;      /* calls no template serves for it (synth/synth.c) */
	uint16_t synth_gauge;           /* generic calls served, 2 bits per call (synth.c) */
};

static inline bool file_readable(const struct file *f)
{
	return !(f->flags & O_PATH) && ((f->flags & O_ACCMODE) == O_RDONLY ||
					(f->flags & O_ACCMODE) == O_RDWR);
}
static inline bool file_writable(const struct file *f)
{
	return !(f->flags & O_PATH) && ((f->flags & O_ACCMODE) == O_WRONLY ||
					(f->flags & O_ACCMODE) == O_RDWR);
}

/*
 * Operations on inodes. Names are not NUL-terminated, 1..NAME_MAX bytes,
 * never "." (the VFS handles it). A missing operation means the
 * filesystem does not support it: the VFS answers -EPERM (as Linux).
 * The VFS has already checked what it can (the name's existence where it
 * matters, file types, mount points); the filesystem does the rest.
 */
struct inode_ops {
	/* Directories. *res gets a reference. Must resolve ".." (the root
	 * of a filesystem answers itself; the VFS crosses mounts first). */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **res);
	/* A new entry of type mode & S_IFMT (regular, dir, symlink with
	 * target, device with rdev, fifo, socket). *res gets a reference.
	 * -EEXIST if name exists; -ENOENT if dir was removed. */
	int (*create)(struct inode *dir, const char *name, size_t len, uint32_t mode,
		      uint64_t rdev, const char *target, struct inode **res);
	int (*link)(struct inode *dir, const char *name, size_t len, struct inode *ino);
	/* Remove name; rmdir when isdir (-ENOTEMPTY if not empty). */
	int (*unlink)(struct inode *dir, const char *name, size_t len, bool isdir);
	/* Both dirs in this filesystem; flags RENAME_EXCHANGE or 0 (the VFS
	 * handles NOREPLACE, type checks and "same inode"). */
	int (*rename)(struct inode *odir, const char *oname, size_t olen,
		      struct inode *ndir, const char *nname, size_t nlen, unsigned flags);
	/* Symlinks: copies up to size bytes of the target, returns the count. */
	int (*readlink)(struct inode *ino, char *buf, size_t size);
	/* Optional "magic" links (/proc/self/fd/N): the walk jumps straight to
	 * *res (a reference) instead of walking readlink's text. */
	int (*get_link)(struct inode *ino, struct inode **res);
	/* Regular files: set the size (zero-filling when growing). */
	int (*truncate)(struct inode *ino, uint64_t size);
};

struct inode {
	int refcount;                   /* in-memory references; see the top */
	uint32_t mode;                  /* S_IFMT type | permission bits */
	uint32_t nlink;                 /* names (+ "." and subdirs' ".." for directories) */
	uint32_t uid, gid;
	uint64_t ino;
	uint64_t rdev;                  /* device nodes: MKDEV(major, minor) */
	uint64_t size;                  /* bytes (symlinks: target length) */
	uint64_t blocks;                /* 512-byte units of storage held */
	struct vfs_time atime, mtime, ctime, btime;
	struct super_block *sb;
	const struct inode_ops *iops;
	const struct file_ops *fops;    /* how open() reads it (not for devices/FIFOs) */
	struct super_block *mounted;    /* a filesystem mounted on this directory */
	/* Non-directories: a directory holding one of its names, or NULL (not a
	 * reference: the filesystem clears it when that name goes), so that
	 * inode_path can name open files (/proc/N/fd). */
	struct inode *dir_hint;
	void *priv;                     /* the filesystem's */
	void *fifo;                     /* FIFOs: the pipe, owned by fifo_open's code */
	/* Character devices: the driver's ops for rdev, once an open has
	 * looked them up (vfs.c). Never stale: rdev does not change, and a
	 * registration is never undone or overlapped. */
	const struct file_ops *cdev_ops;
};

struct kstatfs {
	uint64_t type, bsize, blocks, bfree, bavail, files, ffree, namelen;
};

struct super_ops {
	/* Last in-memory reference gone. NULL: free the inode if nlink == 0. */
	void (*drop_inode)(struct inode *ino);
	/* Free the filesystem's data of an inode about to be freed. */
	void (*evict)(struct inode *ino);
	void (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* Unmount: free everything (no inode but the root is referenced). */
	void (*kill_sb)(struct super_block *sb);
};

struct super_block {
	const struct super_ops *ops;
	struct fs_type *type;
	struct inode *root;             /* holds a reference */
	struct inode *covered;          /* the directory it is mounted on (a reference); NULL for "/" */
	uint64_t dev;                   /* st_dev */
	uint64_t magic;                 /* statfs f_type */
	long refs;                      /* sum of its inodes' refcounts (umount: EBUSY) */
	uint64_t next_ino;
	unsigned long flags;            /* mount flags */
	int mnt_id;
	char source[32];                /* mount(2)'s source, for /proc/mounts */
	struct list_head link;          /* the mount list */
	void *priv;
};

/* A filesystem type that mount(2) (and vfs_init) can instantiate. */
struct fs_type {
	const char *name;               /* mount(2)'s fstype: "proc", "devtmpfs" */
	const char *auto_mount;         /* vfs_init mounts it here ("/proc"); NULL: only mount(2) */
	/* Build an instance: *sb from sb_alloc() with sb->root set. 0 or -errno. */
	int (*mount)(struct fs_type *t, const char *source, unsigned long flags,
		     const void *data, struct super_block **sb);
	struct fs_type *next;           /* the VFS's list */
};

/* Descriptor table (shared by CLONE_FILES); see kernel/fs/fdtable.c. */
struct fdtable {
	int refcount;
	int size;                       /* slots in fd[] (grows up to the limit) */
	struct file **fd;
	uint64_t *cloexec;              /* bit per slot */
	int synth_regions;              /* synthesized code assuming one of our fds (synth/synth.c) */
	struct list_head synth_list;    /* those regions */
	int next_fd;                    /* every slot below it is in use (fdtable.c) */
};

/* cwd, root, umask (shared by CLONE_FS). */
struct fs_info {
	int refcount;
	struct inode *root;             /* reference; ".." stops here */
	struct inode *cwd;              /* reference */
	uint32_t umask;
};

/* ---- used by the process code (fork, exec, exit, mmap) ---- */

void vfs_init(void);            /* root ramfs from the initrd, /dev, /proc, /tmp */

struct file *file_get(struct file *f);
void file_put(struct file *f);

/* Opens a kernel-space path relative to the current cwd: file or ERR_PTR-style NULL + *err. */
struct file *vfs_open(const char *path, int flags, int mode, int *err);
/* Reads up to n bytes at off into kernel memory; bytes read or -errno. */
ssize_t kernel_read(struct file *f, void *buf, size_t n, uint64_t off);
/* read/write/pread64/pwrite64 on a file already looked up (pos NULL: the
 * file position); kernel/fs/read_write.c. */
ssize_t rw_file(struct file *f, char *ubuf, size_t count, const int64_t *pos, bool write);
/* Is f a regular file the current process may execute? 0 or -EACCES. */
int vfs_may_exec(struct file *f);
/* For MAP_PRIVATE file mappings: fill one page (zeroes past EOF). 0 or -errno. */
int vfs_read_page(struct file *f, uint64_t offset, void *page);
uint64_t file_size(struct file *f);
/*
 * For MAP_SHARED file mappings: the file's own page at offset (rounded
 * down to a page), allocated if it was a hole, with one page->refcount
 * for the caller (put it as vm.c puts its pages). Stores through the
 * mapping are the file's data. The file holds its own reference: when it
 * drops the page (truncate, last unlink and close) the mapping keeps the
 * memory, no longer connected to the file. -ENODEV if the file has no
 * pages to share (devices, procfs), -EIO past EOF, -ENOMEM.
 */
int vfs_get_page(struct file *f, uint64_t offset, struct page **res);

struct fdtable *fdtable_new(void);
struct fdtable *fdtable_dup(struct fdtable *t);      /* fork without CLONE_FILES */
struct fdtable *fdtable_get(struct fdtable *t);      /* share (CLONE_FILES) */
void fdtable_put(struct fdtable *t);                 /* last put closes everything */
void fdtable_close_on_exec(struct fdtable *t);
/* Install f at the lowest free descriptor >= min (takes the reference): fd or -EMFILE. */
int fd_install(struct fdtable *t, struct file *f, int min, bool cloexec);

struct fs_info *fs_info_new(void);                   /* cwd = root = "/", umask 022 */
struct fs_info *fs_info_dup(struct fs_info *fs);
struct fs_info *fs_info_get(struct fs_info *fs);
void fs_info_put(struct fs_info *fs);

/* The console as a file, for init's stdin/stdout/stderr ("/dev/console";
 * -ENODEV if nobody created it). */
struct file *console_open(int *err);

/* poll support: a file's poll op calls poll_wait for each queue it may wake. */
void poll_wait(struct file *f, struct waitq *wq, struct poll_table *pt);

/* ---- descriptors of the current process (kernel/fs/fdtable.c) ---- */

/* The file at fd with a new reference, or NULL (EBADF). */
struct file *fget(int fd);
/* Borrowed pointer to t's file at fd or NULL; for /proc/N/fd. */
struct file *fdtable_file(struct fdtable *t, int fd);
/* Close fd in t: 0 or -EBADF. */
int fd_close(struct fdtable *t, int fd);
/* Put f at exactly fd (dup2), closing what was there: fd, -EBADF (fd
 * beyond the limit) or -ENOMEM. Takes the reference. */
int fd_install_at(struct fdtable *t, int fd, struct file *f, bool cloexec);
bool fd_get_cloexec(struct fdtable *t, int fd);
void fd_set_cloexec(struct fdtable *t, int fd, bool on);
/* RLIMIT_NOFILE of the current process (1024 if it has none yet). */
int fd_limit(void);

/* ---- inodes, files and filesystems (kernel/fs/vfs.c) ---- */

struct inode *inode_get(struct inode *ino);
void inode_put(struct inode *ino);
/* A new inode in sb: refcount 1, nlink 1, fresh ino, times now, no ops. */
struct inode *inode_alloc(struct super_block *sb, uint32_t mode);
/* Frees now (evict, then memory); for filesystems' drop_inode. */
void inode_free(struct inode *ino);
/* An inode for a file with no name (pipes, sockets, eventfd): one link,
 * as Linux's, and freed with its last file. */
struct inode *anon_inode_new(uint32_t mode);
/* A file on ino (takes the inode reference), refcount 1. NULL: no memory. */
struct file *file_alloc(struct inode *ino, const struct file_ops *ops, unsigned flags);
/* Open ino as open(2) would (devices, FIFOs, O_TRUNC, O_PATH, EISDIR). */
int vfs_open_inode(struct inode *ino, int flags, struct file **res);
/* The same, consuming the caller's reference to ino (kept by the file). */
int vfs_open_inode_take(struct inode *ino, int flags, struct file **res);

/* A new super_block (refs 0, a fresh anonymous st_dev); the caller sets root. */
struct super_block *sb_alloc(const struct super_ops *ops, uint64_t magic);
/* A fresh read-write in-memory filesystem (ramfs/tmpfs), root mode 0755. */
int ramfs_new(struct super_block **sb);

/* Now, for timestamps: CLOCK_REALTIME (realtime_ns() in <synthos/time.h>). */
struct vfs_time vfs_now(void);

/* A CLOCK_REALTIME nanosecond count as a timestamp (floor division, so
 * times before 1970 keep 0 <= nsec < 1e9). vfs_now() is
 * vfs_time_of_ns(realtime_ns()); the synthesized file write stamps its
 * mtime and ctime the same way (synth/templates/fastc_ramfs.c). */
static inline struct vfs_time vfs_time_of_ns(int64_t ns)
{
	int64_t sec = ns / 1000000000LL, nsec = ns % 1000000000LL;
	if (nsec < 0) {
		sec--;
		nsec += 1000000000LL;
	}
	return (struct vfs_time){ sec, nsec };
}

int64_t generic_file_llseek(struct file *f, int64_t off, int whence);
/* lseek's SEEK_SET, SEEK_CUR or SEEK_END from position pos in a file of
 * size bytes: the new position, or -EINVAL (negative, or past INT64_MAX).
 * Shared by generic_file_llseek and the synthesized lseek
 * (synth/templates/fastc_ramfs.c). */
static inline int64_t llseek_target(int64_t pos, int64_t size, int64_t off, int whence)
{
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? pos : size, n;
	if (__builtin_add_overflow(base, off, &n) || n < 0)
		return -EINVAL;
	return n;
}
int64_t noop_llseek(struct file *f, int64_t off, int whence);   /* keeps pos, returns it */
/* For iterate: emits "." and ".." at positions 0 and 1; returns non-zero
 * if emit stopped. Afterwards f->pos >= 2. */
int dir_emit_dots(struct file *f, dir_emit_t emit, void *ctx, uint64_t parent_ino);

/* ---- devices, FIFOs, filesystem types ---- */

/*
 * A character device driver claims minors [minor_base, minor_base+count)
 * of major. Opening an S_IFCHR inode with a matching rdev sets f->ops =
 * ops and calls ops->open; no driver gives -ENXIO. 0, -EBUSY (overlap),
 * -ENOSPC (table full) or -EINVAL.
 */
int chrdev_register(unsigned major, unsigned minor_base, unsigned count,
		    const struct file_ops *ops);

/*
 * Opening an S_IFIFO inode calls fifo_open(ino, f) (the pipe code defines
 * it; it may block as Linux's FIFOs do and keeps its state in ino->fifo).
 * Undefined: -ENXIO.
 */
int fifo_open(struct inode *ino, struct file *f) __attribute__((weak));

/* Make t known to mount(2); auto-mounts it now if vfs_init already ran. */
int vfs_register_fs(struct fs_type *t);
/* Mount an instance of the named type on the directory at path. */
int vfs_mount(const char *source, const char *path, const char *type,
	      unsigned long flags, const void *data);
/* Unmount the filesystem mounted at path (umount2's flags). */
int vfs_umount(const char *path, int flags);
/* Calls fn for each mount, "/" first, with its mount point's path. */
int vfs_for_each_mount(int (*fn)(struct super_block *sb, const char *path, void *ctx), void *ctx);
extern struct inode *vfs_root;   /* the root of "/" */

/* ---- paths (kernel/fs/namei.c) ---- */

/* Copy a user path into kbuf (PATH_MAX bytes): its length, -EFAULT,
 * -ENAMETOOLONG, or -ENOENT if empty. */
int user_path(const char *upath, char *kbuf);
/* As user_path, but an empty path is allowed (for AT_EMPTY_PATH). */
int user_path_empty_ok(const char *upath, char *kbuf);

#define LOOKUP_FOLLOW    1      /* follow a final symlink */
#define LOOKUP_DIRECTORY 2      /* the result must be a directory */
#define LOOKUP_EMPTY     4      /* "" means dirfd itself */
/* Resolve a kernel path relative to dirfd (AT_FDCWD: cwd): *res a reference. */
int path_lookupat(int dirfd, const char *path, unsigned flags, struct inode **res);
/* Same relative to an inode (NULL: the current cwd). */
int path_lookup_from(struct inode *base, const char *path, unsigned flags, struct inode **res);
/* The absolute path of an inode (directories via "..", across mounts;
 * others via dir_hint) into buf. Length or -ENAMETOOLONG/-ENOENT (unlinked,
 * or a name the filesystem does not know). */
int inode_path(struct inode *ino, char *buf, size_t size);

/* Kernel-side namespace changes, relative to cwd, mode taken as given
 * (no umask), for drivers populating /dev and for tests. 0 or -errno. */
int vfs_mkdir(const char *path, uint32_t mode);
int vfs_mknod(const char *path, uint32_t mode, uint64_t rdev);
int vfs_symlink(const char *target, const char *path);
int vfs_link(const char *oldpath, const char *newpath);
int vfs_unlink(const char *path);
int vfs_rmdir(const char *path);
int vfs_rename(const char *oldpath, const char *newpath, unsigned flags);
/* Write bytes to a file at off (kernel memory); bytes written or -errno. */
ssize_t kernel_write(struct file *f, const void *buf, size_t n, uint64_t off);

#endif
