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
 * implies the slot is in use; every slot below next_fd is in use (a hint
 * where the search for a free slot starts); fd_install always picks the
 * lowest free slot >= min, as POSIX requires of open and dup.
 *
 * Locking: none (see <synthos/vfs.h>). A slot is cleared before its file
 * is put, so a release that sleeps never sees a half-closed table.
 */
#include <synthos/errno.h>
#include <synthos/proc.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/synth.h>
#include <synthos/syscall.h>
#include <synthos/vfs.h>
#include "internal.h"

#define FD_INITIAL 64
#define NR_OPEN FD_NR_OPEN

/* ---- the current process ---- */

/* cur_files, cur_root, cur_cwd, cur_umask and cur_fd_limit are inline in
 * internal.h; this is fd_limit for the rest of the kernel. */
int fd_limit(void)
{
	return cur_fd_limit();
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
	t->next_fd = old->next_fd;      /* the same slots are in use */
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
	cloexec_assign(t, fd, on);
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

/*
 * The lowest free descriptor >= min, below limit, or -EMFILE; slots at or
 * past t->size do not exist yet and count as free. The search starts at
 * t->next_fd when min is below it: every slot under next_fd is in use
 * (only this file fills or empties slots: filling keeps that true, and
 * fd_close lowers next_fd), so after the first open of a process the
 * lowest free slot is found at once instead of by a walk from 0. A search
 * from min <= next_fd moves next_fd up to what it found.
 */
static int fd_find_free(struct fdtable *t, int min, int limit)
{
	bool from_hint = min <= t->next_fd;
	int fd = from_hint ? t->next_fd : min;
	int n = limit < t->size ? limit : t->size;
	struct file **fds = t->fd;

	while (fd < n && fds[fd])
		fd++;
	if (from_hint)
		t->next_fd = fd;
	return fd < limit ? fd : -EMFILE;
}

int fd_install(struct fdtable *t, struct file *f, int min, bool cloexec)
{
	if (min < 0)
		min = 0;
	int fd = fd_find_free(t, min, cur_fd_limit());
	if (fd < 0)
		return fd;
	if (unlikely(fd >= t->size)) {
		int err = fdtable_grow(t, fd + 1);
		if (err)
			return err;
	}
	t->fd[fd] = f;
	cloexec_assign(t, fd, cloexec);
	return fd;
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

static inline __attribute__((always_inline)) int fd_close_inline(struct fdtable *t, int fd)
{
	if (!t || (unsigned)fd >= (unsigned)t->size || !t->fd[fd])
		return -EBADF;
	struct file *f = t->fd[fd];
	t->fd[fd] = NULL;
	cloexec_assign(t, fd, false);
	if (fd < t->next_fd)
		t->next_fd = fd;                /* the lowest free slot may be lower now */
	if (unlikely(t->synth_regions))
		synth_event_fd(t, fd);          /* code that assumed this file */
	if (--f->refcount == 0)                 /* file_put, inline */
		file_last_put(f);
	return 0;
}

int fd_close(struct fdtable *t, int fd)
{
	return fd_close_inline(t, fd);
}

/* close(2) lives here rather than with the other descriptor calls
 * (fd_syscalls.c) so that the close is inline in it: one call less on
 * the way of every close. */
SYSCALL_DEFINE1(close, int, fd)
{
	return fd_close_inline(cur_files(), fd);
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
