/*
 * fastc_ramfs.c - read(2), pread64(2), write(2), pwrite64(2) and lseek(2)
 * on a regular file of the in-memory file system, synthesized per
 * descriptor.
 *
 * Equivalent to do_rw -> ramfs_read (kernel/fs/ramfs_file.c) with the
 * relatime update of touch_atime, for reads that stay inside one page
 * that exists: they share the page lookup (ramfs_page_peek). The file's
 * size, its pages and its times are variables, read on every call, so
 * truncation, writes and unlink need no event. The file behind the
 * descriptor is the quasi-invariant (close, dup2, dup3, close_range and
 * exec unlink the region). Falls back, before any change, on: a negative
 * offset (EINVAL), a bad range (EFAULT), a read crossing a page or
 * landing in a hole (zero-filled by the generic path), or an access time
 * the generic path would update (relatime: not after mtime or ctime, or
 * about a day old -- judged conservatively from the tick-updated clock).
 *
 * Writes: equivalent to do_rw -> ramfs_write for writes of 1..4096 bytes
 * that stay inside one page that exists and start at or before the end
 * of the file (O_APPEND: at the end): the same page lookup, the size
 * grown if the write passes it, mtime and ctime stamped with the clock
 * read as vfs_now() reads it (the inlines of <synthos/time.h> and
 * vfs_time_of_ns). Falls back on a negative offset, a bad range, a write
 * that needs a page or zero-filling (a hole, past the end), or a clock
 * not yet started. A user buffer that faults midway has written part of
 * the page, as the generic copy would have: the generic path then redoes
 * the write, so the outcome is the generic one.
 */
#include "template.h"
#include <synthos/time.h>
#include <synthos/vfs.h>
#include "../../kernel/fs/ramfs.h"

DECLARED(counter);
QUASI(file);                    /* the open file behind this descriptor */

ASSUMES(fastc_ramfs_pread, "fd-is-file", "close,dup2,dup3,close_range,exec");
ASSUMES(fastc_ramfs_read, "fd-is-file", "close,dup2,dup3,close_range,exec");
ASSUMES(fastc_ramfs_lseek, "fd-is-file", "close,dup2,dup3,close_range,exec");
ASSUMES(fastc_ramfs_pwrite, "fd-is-file", "close,dup2,dup3,close_range,exec");
ASSUMES(fastc_ramfs_write, "fd-is-file", "close,dup2,dup3,close_range,exec");

extern volatile int64_t realtime_coarse_sec;   /* a kernel variable */

#define DAY 86400
#define RAMFS_PAGE 4096UL

static inline int after(struct vfs_time a, struct vfs_time b)
{
	return a.sec > b.sec || (a.sec == b.sec && a.nsec > b.nsec);
}

static inline long ramfs_read_body(struct file *f, char *ubuf, size_t n, int64_t pos)
{
	struct inode *ino = f->inode;
	GAUGE(HOLE_counter);
	if (pos < 0 || n > RAMFS_PAGE || !USER_RANGE_OK(ubuf, n))
		return SYNTH_FALLBACK;
	uint64_t size = ino->size;
	if ((uint64_t)pos >= size || !n)
		return 0;
	size_t k = size - (uint64_t)pos < n ? (size_t)(size - (uint64_t)pos) : n;
	size_t off = (uint64_t)pos % RAMFS_PAGE;
	if (off + k > RAMFS_PAGE)
		return SYNTH_FALLBACK;
	if (!after(ino->atime, ino->mtime) || !after(ino->atime, ino->ctime) ||
	    realtime_coarse_sec + 2 >= ino->atime.sec + DAY)
		return SYNTH_FALLBACK;  /* touch_atime would update it */
	const char *page = ramfs_page_peek(ino->priv, (uint64_t)pos / RAMFS_PAGE);
	if (!page)
		return SYNTH_FALLBACK;
	USER_BEGIN();
	fast_copy(ubuf, page + off, k);
	USER_END();
	return (long)k;
}

long fastc_ramfs_pread(int fd, char *ubuf, size_t n, int64_t pos)
{
	return ramfs_read_body((struct file *)HOLE_file, ubuf, n, pos);
}

long fastc_ramfs_read(int fd, char *ubuf, size_t n)
{
	struct file *f = (struct file *)HOLE_file;
	long r = ramfs_read_body(f, ubuf, n, (int64_t)f->pos);
	if (r > 0)
		f->pos += (uint64_t)r;
	return r;
}

static inline long ramfs_write_body(struct file *f, const char *ubuf, size_t n, int64_t pos,
				    uint64_t *end)
{
	struct inode *ino = f->inode;
	GAUGE(HOLE_counter);
	if (pos < 0 || n - 1 >= RAMFS_PAGE || !USER_RANGE_OK(ubuf, n) || !realtime_ready)
		return SYNTH_FALLBACK;
	uint64_t size = ino->size;
	uint64_t off = (f->flags & O_APPEND) ? size : (uint64_t)pos;
	size_t in = off % RAMFS_PAGE;
	if (off > size || in + n > RAMFS_PAGE)
		return SYNTH_FALLBACK;          /* zero-fill, or a second page */
	char *page = ramfs_page_peek(ino->priv, off / RAMFS_PAGE);
	if (!page)
		return SYNTH_FALLBACK;          /* a page to allocate */
	USER_BEGIN();
	fast_copy(page + in, ubuf, n);
	USER_END();
	if (off + n > size)
		ino->size = off + n;
	struct vfs_time now = vfs_time_of_ns(realtime_ns_ready());
	ino->mtime = now;
	ino->ctime = now;
	*end = off + n;
	return (long)n;
}

long fastc_ramfs_pwrite(int fd, const char *ubuf, size_t n, int64_t pos)
{
	uint64_t end;
	return ramfs_write_body((struct file *)HOLE_file, ubuf, n, pos, &end);
}

long fastc_ramfs_write(int fd, const char *ubuf, size_t n)
{
	struct file *f = (struct file *)HOLE_file;
	uint64_t end;
	long r = ramfs_write_body(f, ubuf, n, (int64_t)f->pos, &end);
	if (r > 0)
		f->pos = end;
	return r;
}

/* lseek: equal to ramfs_llseek -> generic_file_llseek for SEEK_SET,
 * SEEK_CUR and SEEK_END (they share llseek_target); SEEK_DATA, SEEK_HOLE,
 * an unknown whence and EINVAL results fall back. */
long fastc_ramfs_lseek(int fd, int64_t off, unsigned whence)
{
	struct file *f = (struct file *)HOLE_file;
	GAUGE(HOLE_counter);
	if (whence > SEEK_END)
		return SYNTH_FALLBACK;
	int64_t n = llseek_target((int64_t)f->pos, (int64_t)f->inode->size, off, (int)whence);
	if (n < 0)
		return SYNTH_FALLBACK;
	f->pos = (uint64_t)n;
	return n;
}
