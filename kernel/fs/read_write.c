/*
 * read_write.c - moving bytes: read, write, readv, writev, pread64,
 * pwrite64, preadv, pwritev, preadv2, pwritev2, lseek, sendfile.
 *
 * Checks in Linux's order: a bad descriptor (or O_PATH) is EBADF, so is
 * one not open for the direction; a file type with no read/write is
 * EINVAL, a directory EISDIR; the user buffer must lie in user space
 * (EFAULT) before anything moves; one call moves at most MAX_RW_COUNT
 * bytes; pread/pwrite on an unseekable file is ESPIPE, a negative offset
 * EINVAL. A fault after some bytes moved returns the count so far.
 *
 * Vectors: the driver gets the whole vector in one call, through a uio
 * that steps from segment to segment (do_rwv).
 */
#include <synthos/compiler.h>
#include <synthos/errno.h>
#include <synthos/proc.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/syscall.h>
#include <synthos/synth.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include "internal.h"

#define UIO_MAXIOV 1024
#define BOUNCE_MAX (64 * 1024)          /* sendfile's buffer */

struct iovec {
	void *base;
	size_t len;
};

/* The checks before any transfer: 0 or -errno. */
static int rw_check(struct file *f, bool write)
{
	if (write ? !file_writable(f) : !file_readable(f))
		return -EBADF;
	if (!write && S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (write ? !f->ops->write : !f->ops->read)
		return -EINVAL;
	return 0;
}

static ssize_t rw_op(struct file *f, struct uio *u, size_t n, uint64_t *pos, bool write)
{
	return write ? f->ops->write(f, u, n, pos) : f->ops->read(f, u, n, pos);
}

/*
 * relatime, Linux's default: reading updates atime only if it is not
 * newer than mtime/ctime or is a day old, so "was it read since it was
 * written?" works without an update per read.
 */
static bool not_after(struct vfs_time a, struct vfs_time b)
{
	return a.sec < b.sec || (a.sec == b.sec && a.nsec <= b.nsec);
}

static void touch_atime(struct inode *ino)
{
	struct vfs_time now = vfs_now();
	if (not_after(ino->atime, ino->mtime) || not_after(ino->atime, ino->ctime) ||
	    now.sec - ino->atime.sec >= 24 * 3600)
		ino->atime = now;
}

/*
 * Everything read/write/pread64/pwrite64 do once they hold the file; pos
 * NULL: the file position. Shared by do_rw and the synthesized direct
 * calls (synth/synth.c, fast_direct.S), which fold the descriptor lookup
 * away but must do the rest exactly as here.
 */
ssize_t rw_file(struct file *f, char *ubuf, size_t count, const int64_t *pos, bool write)
{
	ssize_t r = 0;
	if (pos && !f->ops->llseek)
		r = -ESPIPE;
	if (!r)
		r = rw_check(f, write);
	if (!r && !access_ok(ubuf, count))
		r = -EFAULT;
	if (!r && count) {
		/* One buffer: next NULL is all a uio needs to say so (an
		 * initializer would store the vector fields too, every call). */
		struct uio u;
		u.base = ubuf;
		u.user = true;
		u.next = NULL;
		uint64_t p = pos ? (uint64_t)*pos : f->pos;
		if (count > MAX_RW_COUNT)
			count = MAX_RW_COUNT;
		r = rw_op(f, &u, count, &p, write);
		if (!pos)
			f->pos = p;
		if (r > 0 && !write && S_ISREG(f->inode->mode))
			touch_atime(f->inode);
	}
	return r;
}

/* Linux's order for pread/pwrite: a negative offset (EINVAL) before the
 * descriptor, an unseekable file (ESPIPE) before the access mode. */
static ssize_t do_rw(int fd, char *ubuf, size_t count, const int64_t *pos, bool write)
{
	if (pos && *pos < 0)
		return -EINVAL;
	struct file *f = fget_io(fd);
	if (!f)
		return -EBADF;
	ssize_t r = rw_file(f, ubuf, count, pos, write);
	/* Lazy synthesis, unless no template serves this file and call. */
	unsigned call = (pos ? 2 : 0) + write;   /* read 0, write 1, pread64 2, pwrite64 3 (synth.c) */
	if (r >= 0 && synth_enabled && !(f->synth_untemplated & (1u << call)) &&
	    synth_gauge_tick(f, call) && !synth_fd_linked(current->synth_fdvec, fd, call))
		synth_note_rw(fd, f, pos ? (write ? 18 : 17) : (write ? 1 : 0));
	file_put(f);
	return r;
}

SYSCALL_DEFINE3(read, int, fd, char *, buf, size_t, count)
{
	return do_rw(fd, buf, count, NULL, false);
}

SYSCALL_DEFINE3(write, int, fd, const char *, buf, size_t, count)
{
	return do_rw(fd, (char *)buf, count, NULL, true);
}

SYSCALL_DEFINE4(pread64, int, fd, char *, buf, size_t, count, int64_t, pos)
{
	return do_rw(fd, buf, count, &pos, false);
}

SYSCALL_DEFINE4(pwrite64, int, fd, const char *, buf, size_t, count, int64_t, pos)
{
	return do_rw(fd, (char *)buf, count, &pos, true);
}

/* Copy in and check an iovec array; the total is capped at MAX_RW_COUNT
 * by shortening segments, as Linux. Returns the kmalloc'd copy or NULL. */
static struct iovec *import_iov(const struct iovec *uiov, unsigned long cnt, size_t *total,
				ssize_t *err)
{
	struct iovec *iov = kmalloc(sizeof(*iov) * (cnt ? cnt : 1));
	*total = 0;
	if (!iov) {
		*err = -ENOMEM;
		return NULL;
	}
	if (copy_from_user(iov, uiov, sizeof(*iov) * cnt)) {
		kfree(iov);
		*err = -EFAULT;
		return NULL;
	}
	/* Linux checks every length while it copies the vector in, then
	 * every range: a negative length anywhere is EINVAL before a bad
	 * range is EFAULT. */
	for (unsigned long i = 0; i < cnt; i++) {
		if ((ssize_t)iov[i].len < 0) {
			*err = -EINVAL;
			goto fail;
		}
	}
	for (unsigned long i = 0; i < cnt; i++) {
		if (!access_ok(iov[i].base, iov[i].len)) {
			*err = -EFAULT;
			goto fail;
		}
		if (iov[i].len > (size_t)MAX_RW_COUNT - *total)
			iov[i].len = (size_t)MAX_RW_COUNT - *total;
		*total += iov[i].len;
	}
	return iov;
fail:
	kfree(iov);
	return NULL;
}

/*
 * readv and the rest, in Linux's order: a bad descriptor, then (positional
 * calls) an unseekable file, then the vector itself (more than UIO_MAXIOV
 * segments or a negative length EINVAL, a segment outside user space or an
 * unreadable vector EFAULT), then the access mode -- so a readv of a
 * bad vector on a write-only descriptor is EFAULT, not EBADF. The whole
 * vector goes to the driver in one call through a vector uio, as Linux's
 * iov_iter: each driver's own rules (atomic pipe writes, /dev/null never
 * touching the bytes, a file read stopping at the first bad byte) hold
 * for vectors as for read and write. pos NULL or -1 (preadv2): the file
 * position.
 */
static ssize_t do_rwv(int fd, const struct iovec *uiov, unsigned long cnt, const int64_t *pos,
		      bool write)
{
	struct file *f = fget_io(fd);
	struct iovec *iov = NULL;
	size_t total = 0;
	ssize_t r = 0;

	if (!f)
		return -EBADF;
	if (pos && *pos == -1)
		pos = NULL;
	if (pos && !f->ops->llseek)
		r = -ESPIPE;
	else if (cnt > UIO_MAXIOV)
		r = -EINVAL;
	else if (cnt)
		iov = import_iov(uiov, cnt, &total, &r);
	if (!r) {
		r = rw_check(f, write);
		if (r == -EISDIR && total == 0)
			r = 0;                  /* Linux reads nothing before it asks the directory */
	}
	if (!r && total) {
		STATIC_ASSERT(sizeof(struct iovec) == sizeof(struct uio_seg), "a segment is an iovec");
		const struct uio_seg *seg = (const struct uio_seg *)iov;
		struct uio u = { .base = seg[0].base, .user = true, .seg_left = seg[0].len,
				  .next = seg + 1, .nnext = cnt - 1 };
		uint64_t p = pos ? (uint64_t)*pos : f->pos;
		r = rw_op(f, &u, total, &p, write);
		if (!pos)
			f->pos = p;
		if (r > 0 && !write && S_ISREG(f->inode->mode))
			touch_atime(f->inode);
	}
	kfree(iov);
	file_put(f);
	return r;
}

SYSCALL_DEFINE3(readv, int, fd, const struct iovec *, iov, unsigned long, cnt)
{
	return do_rwv(fd, iov, cnt, NULL, false);
}

SYSCALL_DEFINE3(writev, int, fd, const struct iovec *, iov, unsigned long, cnt)
{
	return do_rwv(fd, iov, cnt, NULL, true);
}

/* On 64-bit the offset is all in pos_l (Linux's pos_from_hilo). */
SYSCALL_DEFINE4(preadv, int, fd, const struct iovec *, iov, unsigned long, cnt, int64_t, pos)
{
	if (pos < 0)
		return -EINVAL;
	return do_rwv(fd, iov, cnt, &pos, false);
}

SYSCALL_DEFINE4(pwritev, int, fd, const struct iovec *, iov, unsigned long, cnt, int64_t, pos)
{
	if (pos < 0)
		return -EINVAL;
	return do_rwv(fd, iov, cnt, &pos, true);
}

#define RWF_SUPPORTED 0x1f   /* HIPRI DSYNC SYNC NOWAIT APPEND: accepted, no effect */

SYSCALL_DEFINE6(preadv2, int, fd, const struct iovec *, iov, unsigned long, cnt,
		int64_t, pos, unsigned long, pos_h, int, flags)
{
	if (flags & ~RWF_SUPPORTED)
		return -EOPNOTSUPP;
	if (pos < -1)
		return -EINVAL;
	return do_rwv(fd, iov, cnt, &pos, false);
}

SYSCALL_DEFINE6(pwritev2, int, fd, const struct iovec *, iov, unsigned long, cnt,
		int64_t, pos, unsigned long, pos_h, int, flags)
{
	if (flags & ~RWF_SUPPORTED)
		return -EOPNOTSUPP;
	if (pos < -1)
		return -EINVAL;
	return do_rwv(fd, iov, cnt, &pos, true);
}

SYSCALL_DEFINE3(lseek, int, fd, int64_t, offset, unsigned, whence)
{
	struct file *f = fget_io(fd);
	if (!f)
		return -EBADF;
	/* Linux's order: a bad whence is EINVAL before an unseekable file is ESPIPE */
	int64_t r = whence > SEEK_MAX ? -EINVAL :
		    f->ops->llseek ? f->ops->llseek(f, offset, (int)whence) : -ESPIPE;
	if (r >= 0 && synth_enabled && !(f->synth_untemplated & (1u << 4)) &&
	    synth_gauge_tick(f, 4) && !synth_fd_linked(current->synth_fdvec, fd, 4))
		synth_note_rw(fd, f, 8);        /* lazy synthesis (lseek is call 4) */
	file_put(f);
	return r;
}

/*
 * sendfile: from a regular file (at *offset, or its position) to any
 * writable file, through a kernel buffer. Stops at EOF or a short write.
 */
SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, int64_t *, uoffset, size_t, count)
{
	struct file *in = fget_io(in_fd), *out = fget_io(out_fd);
	int64_t off = 0;
	ssize_t r = 0, done = 0;
	char *buf = NULL;

	if (!in || !out || !file_readable(in) || !file_writable(out))
		r = -EBADF;
	else if (!S_ISREG(in->inode->mode) || !in->ops->read || !out->ops->write ||
		 (out->flags & O_APPEND))
		r = -EINVAL;
	else if (uoffset && copy_from_user(&off, uoffset, sizeof(off)))
		r = -EFAULT;
	else if (uoffset && off < 0)
		r = -EINVAL;
	else if (!(buf = kmalloc(BOUNCE_MAX)))
		r = -ENOMEM;
	if (r)
		goto out;
	uint64_t ipos = uoffset ? (uint64_t)off : in->pos;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	while ((size_t)done < count) {
		struct uio ui = { .base = buf, .user = false }, uo = { .base = buf, .user = false };
		size_t n = MIN(count - (size_t)done, (size_t)BOUNCE_MAX);
		uint64_t p = ipos;
		r = in->ops->read(in, &ui, n, &p);
		if (r <= 0)
			break;
		ssize_t w = out->ops->write(out, &uo, (size_t)r, &out->pos);
		if (w <= 0) {
			r = w;
			break;
		}
		ipos += (uint64_t)w;
		done += w;
		if (w < r || (size_t)r < n)
			break;
	}
	if (uoffset) {
		off = (int64_t)ipos;
		if (copy_to_user(uoffset, &off, sizeof(off)) && !done)
			r = -EFAULT;
	} else {
		in->pos = ipos;
	}
	if (done)
		r = done;
out:
	kfree(buf);
	file_put(in);
	file_put(out);
	return r;
}
