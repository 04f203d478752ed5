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

#include <synthos/vfs.h>

/* What the last component of a path is. */
enum last_type {
	LAST_NORM,      /* a name */
	LAST_DOT,       /* "." */
	LAST_DOTDOT,    /* ".." */
	LAST_ROOT,      /* no last component: "/" */
};

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

/* Current process's state; fall back to the global root before there is one. */
struct fs_info *cur_fs(void);
struct fdtable *cur_files(void);
struct inode *cur_root(void);            /* borrowed */
struct inode *cur_cwd(void);             /* borrowed */
uint32_t cur_umask(void);

/* fget, but O_PATH descriptors count as bad (EBADF), as for Linux's
 * read, write, fchmod, fchown, fsync, getdents, ioctl... */
struct file *fget_io(int fd);

/* The start of a walk relative to dirfd: a reference; -EBADF/-ENOTDIR. */
int dirfd_inode(int dirfd, const char *path, struct inode **res);

/* namei.c */
/* A user path copied into a new PATH_MAX buffer (putname frees it), or
 * NULL with *err (-EFAULT, -ENAMETOOLONG, -ENOENT unless empty_ok, -ENOMEM). */
char *getname(const char *upath, bool empty_ok, int *err);
void putname(char *kpath);
void walk_init(struct walk *w);
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
