/*
 * vfs.h - the virtual file system: inodes, open files, descriptor tables,
 * and the entry points the rest of the kernel uses (kernel/fs/).
 *
 * Files are reached through struct file_ops, whose read/write take a
 * struct uio (<synthos/uaccess.h>) so the same code serves read(2) into
 * user memory and the kernel's own reads (exec). Everything here is
 * reference-counted; the counts say who may free what.
 *
 * This header is the contract between the VFS and the process code
 * (fork/exec/exit/mmap in kernel/proc*.c, kernel/exec.c, kernel/mm/vm.c).
 * The VFS owner may add to it; the functions listed under "used by the
 * process code" keep their meaning.
 */
#ifndef SYNTHOS_VFS_H
#define SYNTHOS_VFS_H

#include <synthos/types.h>
#include <synthos/uaccess.h>
#include <synthos/wait.h>

struct inode;
struct file;
struct poll_table;

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
#define O_DIRECT    00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW  00400000
#define O_NOATIME   01000000
#define O_CLOEXEC   02000000
#define O_PATH      010000000

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_EMPTY_PATH       0x1000

#define PATH_MAX 4096
#define NAME_MAX 255

/* poll(2) events */
#define POLLIN   0x001
#define POLLPRI  0x002
#define POLLOUT  0x004
#define POLLERR  0x008
#define POLLHUP  0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100

struct file_ops {
	int (*open)(struct inode *ino, struct file *f);
	ssize_t (*read)(struct file *f, struct uio *u, size_t n, uint64_t *pos);
	ssize_t (*write)(struct file *f, struct uio *u, size_t n, uint64_t *pos);
	int64_t (*llseek)(struct file *f, int64_t off, int whence);
	long (*ioctl)(struct file *f, unsigned cmd, uint64_t arg);
	/* Returns the ready mask; registers on pt's wait queues if pt != NULL. */
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	void (*release)(struct file *f);
	/* Directory reading, for getdents64: emit entries from *pos on. */
	int (*iterate)(struct file *f, int (*emit)(void *ctx, const char *name, size_t len,
						   uint64_t ino, unsigned type), void *ctx);
};

struct file {
	int refcount;                   /* descriptors + kernel users */
	struct inode *inode;            /* holds a reference */
	const struct file_ops *ops;
	uint64_t pos;
	unsigned flags;                 /* O_* status flags (not O_CLOEXEC) */
	void *priv;                     /* the file type's own state (pipe end, tty...) */
};

/* Descriptor table (shared by CLONE_FILES). */
struct fdtable;
/* cwd, root, umask (shared by CLONE_FS). */
struct fs_info;

/* ---- used by the process code (fork, exec, exit, mmap) ---- */

void vfs_init(void);            /* root ramfs from the initrd, /dev, /proc, /tmp */

struct file *file_get(struct file *f);
void file_put(struct file *f);

/* Opens a kernel-space path relative to the current cwd: file or ERR_PTR-style NULL + *err. */
struct file *vfs_open(const char *path, int flags, int mode, int *err);
/* Reads up to n bytes at off into kernel memory; bytes read or -errno. */
ssize_t kernel_read(struct file *f, void *buf, size_t n, uint64_t off);
/* Is f a regular file the current process may execute? 0 or -EACCES/-EISDIR... */
int vfs_may_exec(struct file *f);
/* For MAP_PRIVATE file mappings: fill one page (zeroes past EOF). 0 or -errno. */
int vfs_read_page(struct file *f, uint64_t offset, void *page);
uint64_t file_size(struct file *f);

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

/* The console as a file, for init's stdin/stdout/stderr. */
struct file *console_open(int *err);

/* poll support: a file's poll op calls poll_wait for each queue it may wake. */
void poll_wait(struct file *f, struct waitq *wq, struct poll_table *pt);

#endif
