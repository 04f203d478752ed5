/*
 * fdtable.c - descriptor tables (struct fdtable) and per-process
 * filesystem context (struct fs_info: root, cwd, umask).
 *
 * A descriptor table maps small integers to struct file references, with
 * one close-on-exec bit per slot. It starts with 64 slots and doubles as
 * needed, up to the process's RLIMIT_NOFILE (default 1024; hard cap
 * NR_OPEN as Linux's fs.nr_open). Both structures are shared by
 * reference count between the threads (and CLONE_FILES / CLONE_FS
 * processes) that use them; the last put releases what they hold.
 *
 * Invariants: slots >= size do not exist (are free); a set cloexec bit
 * implies the slot is in use; fd_install always picks the lowest free
 * slot >= min, as POSIX requires of open and dup.
 *
 * Locking: none (see <synthos/vfs.h>). A slot is cleared before its file
 * is put, so a release that sleeps never sees a half-closed table.
 */
#include <synthos/errno.h>
#include <synthos/proc.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/synth.h>
#include <synthos/vfs.h>
#include "internal.h"

#define FD_INITIAL 64
#define NR_OPEN 1048576
#define RLIMIT_NOFILE_INDEX 7          /* Linux's RLIMIT_NOFILE */
#define FD_DEFAULT_LIMIT 1024

/* ---- the current process ---- */

struct fs_info *cur_fs(void)
{
	struct task *t = current;
	return t && t->proc ? t->proc->fs : NULL;
}

struct fdtable *cur_files(void)
{
	struct task *t = current;
	return t && t->proc ? t->proc->files : NULL;
}

struct inode *cur_root(void)
{
	struct fs_info *fs = cur_fs();
	return fs && fs->root ? fs->root : vfs_root;
}

struct inode *cur_cwd(void)
{
	struct fs_info *fs = cur_fs();
	return fs && fs->cwd ? fs->cwd : vfs_root;
}

uint32_t cur_umask(void)
{
	struct fs_info *fs = cur_fs();
	return fs ? fs->umask : 022;
}

/* A process whose limits were never set (both 0) gets the default, so the
 * VFS works before the process code fills rlimits in. */
int fd_limit(void)
{
	struct task *t = current;
	if (!t || !t->proc)
		return FD_DEFAULT_LIMIT;
	uint64_t cur = t->proc->rlimit_cur[RLIMIT_NOFILE_INDEX];
	uint64_t max = t->proc->rlimit_max[RLIMIT_NOFILE_INDEX];
	if (cur == 0 && max == 0)
		return FD_DEFAULT_LIMIT;
	return cur > NR_OPEN ? NR_OPEN : (int)cur;
}

/* ---- descriptor tables ---- */

static int fdtable_grow(struct fdtable *t, int want)
{
	int size = t->size ? t->size : FD_INITIAL;
	while (size < want)
		size *= 2;
	if (size > NR_OPEN)
		size = NR_OPEN;
	if (size <= t->size)
		return want <= t->size ? 0 : -EMFILE;
	struct file **fd = kzalloc(sizeof(*fd) * (size_t)size);
	uint64_t *bits = kzalloc(sizeof(*bits) * (size_t)(size / 64));
	if (!fd || !bits) {
		kfree(fd);
		kfree(bits);
		return -ENOMEM;
	}
	if (t->size) {
		memcpy(fd, t->fd, sizeof(*fd) * (size_t)t->size);
		memcpy(bits, t->cloexec, sizeof(*bits) * (size_t)(t->size / 64));
	}
	kfree(t->fd);
	kfree(t->cloexec);
	t->fd = fd;
	t->cloexec = bits;
	t->size = size;
	return 0;
}

struct fdtable *fdtable_new(void)
{
	struct fdtable *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->refcount = 1;
	list_init(&t->synth_list);
	if (fdtable_grow(t, FD_INITIAL)) {
		kfree(t);
		return NULL;
	}
	return t;
}

struct fdtable *fdtable_dup(struct fdtable *old)
{
	struct fdtable *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->refcount = 1;
	list_init(&t->synth_list);
	if (fdtable_grow(t, old->size)) {
		kfree(t);
		return NULL;
	}
	for (int i = 0; i < old->size; i++)
		t->fd[i] = file_get(old->fd[i]);
	memcpy(t->cloexec, old->cloexec, sizeof(uint64_t) * (size_t)(old->size / 64));
	return t;
}

struct fdtable *fdtable_get(struct fdtable *t)
{
	if (t)
		t->refcount++;
	return t;
}

void fdtable_put(struct fdtable *t)
{
	if (!t || --t->refcount > 0)
		return;
	for (int i = 0; i < t->size; i++)
		if (t->fd[i])
			fd_close(t, i);
	kfree(t->fd);
	kfree(t->cloexec);
	kfree(t);
}

void fd_set_cloexec(struct fdtable *t, int fd, bool on)
{
	if (fd < 0 || fd >= t->size)
		return;
	if (on)
		t->cloexec[fd / 64] |= 1ULL << (fd % 64);
	else
		t->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

bool fd_get_cloexec(struct fdtable *t, int fd)
{
	if (fd < 0 || fd >= t->size)
		return false;
	return t->cloexec[fd / 64] >> (fd % 64) & 1;
}

void fdtable_close_on_exec(struct fdtable *t)
{
	for (int w = 0; w < t->size / 64; w++) {
		while (t->cloexec[w]) {
			int fd = w * 64 + __builtin_ctzll(t->cloexec[w]);
			fd_close(t, fd);
		}
	}
}

/* Set or clear fd's close-on-exec bit; fd < t->size. */
static inline void cloexec_assign(struct fdtable *t, int fd, bool on)
{
	uint64_t bit = 1ULL << (fd % 64), *w = &t->cloexec[fd / 64];
	*w = on ? *w | bit : *w & ~bit;
}

int fd_install(struct fdtable *t, struct file *f, int min, bool cloexec)
{
	int limit = fd_limit();
	if (min < 0)
		min = 0;
	/* The slots that exist first, without the growth check per slot. */
	int n = limit < t->size ? limit : t->size;
	struct file **fds = t->fd;
	for (int fd = min; fd < n; fd++) {
		if (!fds[fd]) {
			fds[fd] = f;
			cloexec_assign(t, fd, cloexec);
			return fd;
		}
	}
	for (int fd = min > n ? min : n; fd < limit; fd++) {
		if (fd >= t->size) {
			int err = fdtable_grow(t, fd + 1);
			if (err)
				return err;
		}
		if (!t->fd[fd]) {
			t->fd[fd] = f;
			fd_set_cloexec(t, fd, cloexec);
			return fd;
		}
	}
	return -EMFILE;
}

int fd_install_at(struct fdtable *t, int fd, struct file *f, bool cloexec)
{
	if (fd < 0 || fd >= fd_limit())
		return -EBADF;
	if (fd >= t->size) {
		int err = fdtable_grow(t, fd + 1);
		if (err)
			return err;
	}
	struct file *old = t->fd[fd];
	t->fd[fd] = f;
	fd_set_cloexec(t, fd, cloexec);
	if (unlikely(t->synth_regions))
		synth_event_fd(t, fd);          /* code that assumed the old file */
	file_put(old);
	return fd;
}

int fd_close(struct fdtable *t, int fd)
{
	if (!t || fd < 0 || fd >= t->size || !t->fd[fd])
		return -EBADF;
	struct file *f = t->fd[fd];
	t->fd[fd] = NULL;
	cloexec_assign(t, fd, false);
	if (unlikely(t->synth_regions))
		synth_event_fd(t, fd);          /* code that assumed this file */
	file_put(f);
	return 0;
}

struct file *fdtable_file(struct fdtable *t, int fd)
{
	if (!t || fd < 0 || fd >= t->size)
		return NULL;
	return t->fd[fd];
}

struct file *fget(int fd)
{
	return file_get(fdtable_file(cur_files(), fd));
}

struct file *fget_io(int fd)
{
	struct file *f = fdtable_file(cur_files(), fd);
	return f && !(f->flags & O_PATH) ? file_get(f) : NULL;
}

/* ---- fs_info ---- */

struct fs_info *fs_info_new(void)
{
	struct fs_info *fs = kzalloc(sizeof(*fs));
	if (!fs)
		return NULL;
	fs->refcount = 1;
	fs->root = inode_get(vfs_root);
	fs->cwd = inode_get(vfs_root);
	fs->umask = 022;
	return fs;
}

struct fs_info *fs_info_dup(struct fs_info *old)
{
	struct fs_info *fs = kzalloc(sizeof(*fs));
	if (!fs)
		return NULL;
	fs->refcount = 1;
	fs->root = inode_get(old->root);
	fs->cwd = inode_get(old->cwd);
	fs->umask = old->umask;
	return fs;
}

struct fs_info *fs_info_get(struct fs_info *fs)
{
	if (fs)
		fs->refcount++;
	return fs;
}

void fs_info_put(struct fs_info *fs)
{
	if (!fs || --fs->refcount > 0)
		return;
	inode_put(fs->root);
	inode_put(fs->cwd);
	kfree(fs);
}
