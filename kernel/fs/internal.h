/*
 * internal.h - what the files of kernel/fs/ share and nobody else needs:
 * the path walker's parent lookups, the current process's fs state, and
 * the do_* cores behind both the system calls and the kernel helpers.
 *
 * Conventions: kernel paths (already copied in), 0 or -errno, results as
 * references the caller puts.
 */
#ifndef KERNEL_FS_INTERNAL_H
#define KERNEL_FS_INTERNAL_H

#include <synthos/proc.h>
#include <synthos/vfs.h>
#include <arch/percpu.h>
#include "pathname.h"

/* What the last component of a path is. */
enum last_type {
	LAST_NORM,      /* a name */
	LAST_DOT,       /* "." */
	LAST_DOTDOT,    /* ".." */
	LAST_ROOT,      /* no last component: "/" */
};

/*
 * inode_get and inode_put (vfs.c) with the common case inline, for the
 * paths every open, stat and close take: a walk takes and drops a
 * reference per step, an open file holds one. iput leaves the last
 * reference to inode_put, which decides the inode's fate; otherwise both
 * do exactly what vfs.c's do. Neither takes NULL.
 */
static inline struct inode *iget(struct inode *ino)
{
	ino->refcount++;
	ino->sb->refs++;
	return ino;
}

static inline void iput(struct inode *ino)
{
	if (likely(ino->refcount > 1)) {
		ino->refcount--;
		ino->sb->refs--;
	} else {
		inode_put(ino);
	}
}

typedef uint64_t __attribute__((may_alias, aligned(1))) u64_un;
typedef uint32_t __attribute__((may_alias, aligned(1))) u32_un;
typedef uint16_t __attribute__((may_alias, aligned(1))) u16_un;

/* Are the len bytes at a and b equal? Inline, without a call (so lookups
 * stay leaf functions): whole words, then overlapping loads for the
 * tail, never a byte outside either name. */
static inline bool name_eq(const char *a, const char *b, size_t len)
{
	if (len >= 8) {
		size_t i = 0;
		for (; i + 8 <= len; i += 8)
			if (*(const u64_un *)(a + i) != *(const u64_un *)(b + i))
				return false;
		return i == len ||
		       *(const u64_un *)(a + len - 8) == *(const u64_un *)(b + len - 8);
	}
	if (len >= 4)
		return *(const u32_un *)a == *(const u32_un *)b &&
		       *(const u32_un *)(a + len - 4) == *(const u32_un *)(b + len - 4);
	if (len >= 2)
		return *(const u16_un *)a == *(const u16_un *)b &&
		       *(const u16_un *)(a + len - 2) == *(const u16_un *)(b + len - 2);
	return len == 0 || *a == *b;
}

/* The directory a path's last component lives in, and that component. */
struct nameparent {
	struct inode *dir;      /* a reference */
	const char *name;       /* points into the caller's path */
	size_t len;
	enum last_type type;
	bool trailing_slash;    /* "name/" */
};

/*
 * One walk's shared state: the root ".." stops at, and the symlink budget
 * (MAXSYMLINKS for the whole lookup, nested links included).
 */
struct walk {
	struct inode *root;     /* borrowed */
	int links;
};

/*
 * Current process's state; fall back to the global root before there is
 * one. Inline: every system call that takes a path or a descriptor asks
 * for one or two of these, and a call each was a tenth of an open's cost.
 */
static inline struct proc *cur_proc(void)
{
	/* current, without a call; and not volatile (as percpu_current's
	 * asm is), so one system call reads it once: a kernel stack always
	 * belongs to the same task, whatever sleeps in between. */
	struct task *t;
	__asm__("movq %%gs:%c1, %0" : "=r"(t) : "i"(PERCPU_CURRENT));
	return t ? t->proc : NULL;
}

static inline struct fs_info *cur_fs(void)
{
	struct proc *p = cur_proc();
	return p ? p->fs : NULL;
}

static inline struct fdtable *cur_files(void)
{
	struct proc *p = cur_proc();
	return p ? p->files : NULL;
}

static inline struct inode *cur_root(void)      /* borrowed */
{
	struct fs_info *fs = cur_fs();
	return fs && fs->root ? fs->root : vfs_root;
}

static inline struct inode *cur_cwd(void)       /* borrowed */
{
	struct fs_info *fs = cur_fs();
	return fs && fs->cwd ? fs->cwd : vfs_root;
}

static inline uint32_t cur_umask(void)
{
	struct fs_info *fs = cur_fs();
	return fs ? fs->umask : 022;
}

/* fd_limit(), inline: RLIMIT_NOFILE of the current process. A process
 * whose limits were never set (both 0) gets the default, so the VFS works
 * before the process code fills rlimits in. */
#define FD_DEFAULT_LIMIT 1024
#define FD_NR_OPEN 1048576              /* Linux's fs.nr_open: the hard cap */
#define RLIMIT_NOFILE_INDEX 7           /* Linux's RLIMIT_NOFILE */
static inline int cur_fd_limit(void)
{
	struct proc *p = cur_proc();
	if (!p)
		return FD_DEFAULT_LIMIT;
	uint64_t cur = p->rlimit_cur[RLIMIT_NOFILE_INDEX];
	if (cur == 0 && p->rlimit_max[RLIMIT_NOFILE_INDEX] == 0)
		return FD_DEFAULT_LIMIT;
	return cur > FD_NR_OPEN ? FD_NR_OPEN : (int)cur;
}

/* fget, but O_PATH descriptors count as bad (EBADF), as for Linux's
 * read, write, fchmod, fchown, fsync, getdents, ioctl... */
struct file *fget_io(int fd);

/* The start of a walk relative to dirfd: a reference; -EBADF/-ENOTDIR. */
int dirfd_inode(int dirfd, const char *path, struct inode **res);

/* namei.c; getname and putname: pathname.h */
static inline void walk_init(struct walk *w)
{
	w->root = cur_root();
	w->links = 0;
}
int walk_path(struct walk *w, struct inode *base, const char *path, unsigned flags,
	      struct inode **res);
int walk_parent(struct walk *w, struct inode *base, const char *path,
		struct nameparent *np);
/* lookup of one name in dir, crossing mounts and handling "." and "..". */
int walk_step(struct walk *w, struct inode *dir, const char *name, size_t len,
	      struct inode **res);
/* Resolve symlink link found in dir to its target (consumes link). */
int walk_follow(struct walk *w, struct inode *dir, struct inode *link, struct inode **res);
int path_parentat(int dirfd, const char *path, struct nameparent *np);
void nameparent_put(struct nameparent *np);

/*
 * The lowest free descriptor of t below the current limit, or -EMFILE
 * (open looks for it first, as Linux reserves it first). Slots at or past
 * t->size do not exist yet and count as free. The search starts at
 * t->next_fd (every slot below it is in use; fdtable.c) and moves it up
 * to what it found, so it usually ends at its first step.
 */
static inline int fd_first_free(struct fdtable *t)
{
	int limit = cur_fd_limit(), fd = t->next_fd;
	int n = limit < t->size ? limit : t->size;
	struct file **fds = t->fd;

	while (fd < n && fds[fd])
		fd++;
	t->next_fd = fd;
	return fd < limit ? fd : -EMFILE;
}

/* Set or clear fd's close-on-exec bit; 0 <= fd < t->size. */
static inline void cloexec_assign(struct fdtable *t, int fd, bool on)
{
	unsigned u = (unsigned)fd;
	uint64_t bit = 1ULL << (u % 64), *w = &t->cloexec[u / 64];
	*w = on ? *w | bit : *w & ~bit;
}

/* open's second half: install f at fd, which fd_first_free found free
 * (and so made next_fd). If the open slept and another thread sharing the
 * table took fd meanwhile, the lowest free slot, as fd_install. */
static inline int fd_install_found(struct fdtable *t, int fd, struct file *f, bool cloexec)
{
	if (likely(fd < t->size && !t->fd[fd])) {
		t->fd[fd] = f;
		cloexec_assign(t, fd, cloexec);
		if (fd == t->next_fd)
			t->next_fd = fd + 1;    /* every slot below fd was in use */
		return fd;
	}
	return fd_install(t, f, 0, cloexec);
}

/* namei.c's name cache: bumped by every change to a ramfs directory and
 * by mount and umount, which drops every cached path at once. */
extern uint64_t name_cache_gen;
static inline void name_cache_invalidate(void)
{
	name_cache_gen++;
}

/* vfs.c: file_put's second half, when the last reference has gone:
 * release, the inode reference, the memory. */
void file_last_put(struct file *f);

/* open.c */
int do_openat(int dirfd, const char *path, int flags, uint32_t mode, struct file **res);

/* dir_ops.c: namespace changes (mode already masked by the caller). */
int do_mknodat(int dirfd, const char *path, uint32_t mode, uint64_t rdev);
int do_mkdirat(int dirfd, const char *path, uint32_t mode);
int do_symlinkat(const char *target, int dirfd, const char *path);
int do_linkat(int odirfd, const char *oldpath, int ndirfd, const char *newpath, int flags);
int do_unlinkat(int dirfd, const char *path, bool rmdir);
int do_renameat2(int odirfd, const char *oldpath, int ndirfd, const char *newpath,
		 unsigned flags);

/* attr.c */
int do_truncate_inode(struct inode *ino, int64_t length);
void inode_touch(struct inode *ino, bool mtime, bool ctime);

/* vfs.c */
bool is_mount_root(struct inode *ino);
int sb_busy(struct super_block *sb, long extra_refs);

/* mount.c */
int vfs_mount_at(struct inode *dir, struct super_block *sb);
void initramfs_unpack(void);

/* ramfs */
extern const struct super_ops ramfs_super_ops;
#define RAMFS_MAGIC 0x858458f6
#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0

#endif
