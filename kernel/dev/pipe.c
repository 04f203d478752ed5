/*
 * pipe.c - pipe(2), pipe2(2) and FIFOs, with Linux's semantics.
 *
 *  - 64 KiB of buffer; writes of at most PIPE_BUF bytes are atomic (they
 *    wait until all of it fits), longer ones are split as room appears.
 *  - A read returns what is there, up to its size; 0 once the pipe is
 *    empty and no writer is left. A write with no reader left gets EPIPE
 *    and SIGPIPE (with whatever was written so far returned, if any).
 *  - O_NONBLOCK, read from f->flags on every call so that F_SETFL takes
 *    effect at once: EAGAIN instead of sleeping; a partial write returns
 *    its count.
 *  - Opening a FIFO (fifo_open, called by the VFS) blocks a reader until
 *    a writer comes and a writer until a reader comes; O_NONBLOCK makes
 *    the reader succeed at once and the writer fail with ENXIO; O_RDWR
 *    never blocks.
 *  - poll: POLLIN with data; POLLHUP on a read end once every writer has
 *    gone (but not for a FIFO reader that never had a writer); POLLOUT
 *    with PIPE_BUF bytes of room; POLLERR on a write end with no reader.
 *
 * Each open file has a struct pipe_end in f->priv: the pipe and the writer
 * count it saw at open. Pipes of pipe(2) also sit in their anonymous
 * inode's fifo pointer, so reopening one through /proc/self/fd works as it
 * does for FIFOs. See <synthos/pipe.h> for the buffer and its locking.
 */
#include <synthos/devices.h>
#include <synthos/errno.h>
#include <synthos/page_alloc.h>
#include <synthos/pipe.h>
#include <synthos/proc.h>
#include <synthos/signal.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/syscall.h>
#include <synthos/synth.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <arch/page.h>

STATIC_ASSERT(PIPE_SIZE == PIPE_PAGES * PAGE_SIZE, "pipe pages are pages");

#define F_SETPIPE_SZ 1031       /* fcntl numbers the VFS hands to ioctl */
#define F_GETPIPE_SZ 1032

struct pipe_end {
	struct pipe *pipe;
	unsigned w_seen;                /* pipe->w_counter when this file opened */
};

/* ---- the buffer ---- */

static void pipe_lock(struct pipe *p)
{
	wait_event(p->lock_wq, !p->locked);
	p->locked = true;
}

static void pipe_unlock(struct pipe *p)
{
	p->locked = false;
	wake_up_one(&p->lock_wq);
}

struct pipe *pipe_new(void)
{
	struct pipe *p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->pages = kzalloc(PIPE_PAGES * sizeof(char *));
	if (!p->pages) {
		kfree(p);
		return NULL;
	}
	p->npages = PIPE_PAGES;
	p->size = PIPE_SIZE;
	waitq_init(&p->lock_wq);
	waitq_init(&p->rd_wq);
	waitq_init(&p->wr_wq);
	return p;
}

void pipe_free(struct pipe *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->npages; i++)
		free_page_va(p->pages[i]);
	kfree(p->pages);
	kfree(p);
}

size_t pipe_used(const struct pipe *p)
{
	return p->head - p->tail;
}

/* An empty ring restarts at 0 and gives back all pages but the first, so a
 * pipe that once held 64 KiB does not keep it. */
static void pipe_shrink(struct pipe *p)
{
	p->head = p->tail = 0;
	for (unsigned i = 1; i < p->npages; i++) {
		free_page_va(p->pages[i]);
		p->pages[i] = NULL;
	}
}

/* Move up to n bytes out of the ring into u, a page's worth at a time,
 * publishing each as it goes (the step synthesized reads share, see
 * <synthos/pipe.h>). Bytes moved, or -EFAULT if none could be. */
static ssize_t ring_read(struct pipe *p, struct uio *u, size_t n)
{
	size_t done = 0, k;
	const char *src;
	while (done < n && (src = pipe_read_slot(p, n - done, &k))) {
		if (uio_copy_out(u, src, k))
			return done ? (ssize_t)done : -EFAULT;
		pipe_read_publish(p, k);
		done += k;
	}
	return (ssize_t)done;
}

/* Move n bytes, for which there is room, from u into the ring, giving
 * pages to the ring as the data reaches them. Bytes moved, or -EFAULT /
 * -ENOMEM if none could be. */
static ssize_t ring_write(struct pipe *p, struct uio *u, size_t n)
{
	size_t done = 0;
	while (done < n) {
		uint32_t head = p->head;
		size_t chunk = MIN(n - done, PAGE_SIZE - head % PAGE_SIZE);
		char **pg = &p->pages[(head / PAGE_SIZE) & (p->npages - 1)];
		if (!*pg && !(*pg = alloc_page_va()))
			return done ? (ssize_t)done : -ENOMEM;
		char *dst = pipe_write_slot(p, chunk);
		if (!dst || uio_copy_in(dst, u, chunk))
			return done ? (ssize_t)done : -EFAULT;
		pipe_write_publish(p, chunk);
		done += chunk;
	}
	return (ssize_t)done;
}

static bool pipe_readable_now(struct pipe *p)
{
	return pipe_used(p) || !READ_ONCE(p->writers);
}

static bool pipe_writable_now(struct pipe *p, size_t need)
{
	return !READ_ONCE(p->readers) || p->size - pipe_used(p) >= need;
}

ssize_t pipe_buf_read(struct pipe *p, struct uio *u, size_t n, bool nonblock)
{
	ssize_t ret = 0;
	size_t done = 0;
	if (!n)
		return 0;
	pipe_lock(p);
	for (;;) {
		size_t used = pipe_used(p);
		if (used) {
			ssize_t k = ring_read(p, u, n - done);
			if (k < 0) {
				ret = k;
				break;
			}
			done += (size_t)k;
			if (!pipe_used(p))
				pipe_shrink(p);
			wake_up(&p->wr_wq);
			break;          /* a read takes what is there and returns */
		}
		if (!p->writers)
			break;          /* end of file */
		if (nonblock) {
			ret = -EAGAIN;
			break;
		}
		pipe_unlock(p);
		int r = wait_event_interruptible(p->rd_wq, pipe_readable_now(p));
		pipe_lock(p);
		if (r) {
			ret = r;
			break;
		}
	}
	pipe_unlock(p);
	return done ? (ssize_t)done : ret;
}

ssize_t pipe_buf_write(struct pipe *p, struct uio *u, size_t n, bool nonblock, bool *broken)
{
	ssize_t ret = 0;
	size_t done = 0;
	bool atomic = n <= PIPE_BUF;
	*broken = false;
	if (!n)
		return 0;       /* Linux: a null write succeeds, reader or not */
	pipe_lock(p);
	for (;;) {
		if (!p->readers) {
			*broken = true;
			ret = -EPIPE;
			break;
		}
		size_t room = p->size - pipe_used(p), left = n - done;
		if (room && (!atomic || room >= left)) {
			size_t k = MIN(room, left);
			ssize_t r = ring_write(p, u, k);
			if (r < 0) {
				ret = r;
				break;
			}
			done += (size_t)r;
			wake_up(&p->rd_wq);
			if (done == n || (size_t)r < k)
				break;          /* all written, or a fault after some */
			continue;
		}
		if (nonblock) {
			ret = -EAGAIN;
			break;
		}
		pipe_unlock(p);
		int r = wait_event_interruptible(p->wr_wq,
						 pipe_writable_now(p, atomic ? left : 1));
		pipe_lock(p);
		if (r) {
			ret = r;
			break;
		}
	}
	pipe_unlock(p);
	return done ? (ssize_t)done : ret;
}

unsigned pipe_poll_mask(struct pipe *p, bool rd, bool wr, unsigned w_seen)
{
	unsigned mask = 0;
	size_t used = pipe_used(p);
	if (rd) {
		if (used)
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers && w_seen != p->w_counter)
			mask |= POLLHUP;
	}
	if (wr) {
		if (p->size - used >= MIN((uint32_t)PIPE_BUF, p->size))
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	return mask;
}

long pipe_set_size(struct pipe *p, uint64_t bytes)
{
	unsigned npages = 1;
	if (bytes > PIPE_MAX_SIZE)
		return -EPERM;
	while ((uint64_t)npages * PAGE_SIZE < bytes)
		npages *= 2;
	pipe_lock(p);
	size_t used = pipe_used(p);
	long r = (long)npages * PAGE_SIZE;
	if (used > (size_t)r) {
		r = -EBUSY;
		goto out;
	}
	if (npages == p->npages)
		goto out;
	char **pages = kzalloc(npages * sizeof(char *));
	if (!pages) {
		r = -ENOMEM;
		goto out;
	}
	/* Move the data to the start of the new ring, page by page. */
	uint32_t pos = p->tail, at = 0;
	while (at < used) {
		size_t off = pos % PAGE_SIZE, chunk = MIN(used - at, PAGE_SIZE - off);
		chunk = MIN(chunk, PAGE_SIZE - at % PAGE_SIZE);
		char **dst = &pages[at / PAGE_SIZE];
		if (!*dst && !(*dst = alloc_page_va())) {
			for (unsigned i = 0; i < npages; i++)
				free_page_va(pages[i]);
			kfree(pages);
			r = -ENOMEM;
			goto out;
		}
		memcpy(*dst + at % PAGE_SIZE, p->pages[(pos / PAGE_SIZE) % p->npages] + off, chunk);
		pos += (uint32_t)chunk;
		at += (uint32_t)chunk;
	}
	for (unsigned i = 0; i < p->npages; i++)
		free_page_va(p->pages[i]);
	kfree(p->pages);
	p->pages = pages;
	p->npages = npages;
	p->size = npages * PAGE_SIZE;
	p->tail = 0;
	p->head = (uint32_t)used;
out:
	pipe_unlock(p);
	wake_up(&p->wr_wq);
	return r;
}

/* ---- file operations ---- */

static struct pipe *end_pipe(struct file *f)
{
	return ((struct pipe_end *)f->priv)->pipe;
}

static ssize_t pipe_read(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	return pipe_buf_read(end_pipe(f), u, n, f->flags & O_NONBLOCK);
}

static ssize_t pipe_write(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	bool broken;
	ssize_t r = pipe_buf_write(end_pipe(f), u, n, f->flags & O_NONBLOCK, &broken);
	if (broken) {
		struct ksiginfo info = { .signo = SIGPIPE, .code = SI_USER,
					 .pid = current->proc->pid };
		force_signal(SIGPIPE, &info);
	}
	return r;
}

static long pipe_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
	struct pipe *p = end_pipe(f);
	int v;
	switch (cmd) {
	case FIONREAD:
		pipe_lock(p);
		v = (int)pipe_used(p);
		pipe_unlock(p);
		return put_user(v, (int *)arg) ? -EFAULT : 0;
	case F_GETPIPE_SZ:
		return p->size;
	case F_SETPIPE_SZ:
		return pipe_set_size(p, arg);
	case FIONBIO:
		if (get_user(v, (int *)arg))
			return -EFAULT;
		if (v)
			f->flags |= O_NONBLOCK;
		else
			f->flags &= ~O_NONBLOCK;
		return 0;
	default:
		return -ENOTTY;
	}
}

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe_end *e = f->priv;
	bool rd = file_readable(f), wr = file_writable(f);
	if (rd)
		poll_wait(f, &e->pipe->rd_wq, pt);
	if (wr)
		poll_wait(f, &e->pipe->wr_wq, pt);
	return pipe_poll_mask(e->pipe, rd, wr, e->w_seen);
}

/* Drop one end; the last one frees the pipe (and unhooks it from its inode). */
static void pipe_end_drop(struct pipe *p, bool rd, bool wr)
{
	pipe_lock(p);
	if (rd)
		p->readers--;
	if (wr)
		p->writers--;
	bool last = !p->readers && !p->writers;
	if (last && p->inode) {
		p->inode->fifo = NULL;
		p->inode = NULL;
	}
	pipe_unlock(p);
	wake_up(&p->rd_wq);
	wake_up(&p->wr_wq);
	if (last)
		pipe_free(p);
}

static void pipe_release(struct file *f)
{
	struct pipe_end *e = f->priv;
	if (!e)
		return;
	pipe_end_drop(e->pipe, file_readable(f), file_writable(f));
	kfree(e);
	f->priv = NULL;
}

static const struct file_ops pipe_fops = {
	.read = pipe_read, .write = pipe_write, .ioctl = pipe_ioctl,
	.poll = pipe_poll, .release = pipe_release,
	/* no llseek: ESPIPE for lseek, pread, pwrite; no fsync: EINVAL */
};

struct pipe *pipe_of_file(struct file *f)
{
	return f->ops == &pipe_fops && f->priv ? ((struct pipe_end *)f->priv)->pipe : NULL;
}

/* ---- FIFOs ---- */

/* Sleep until *counter moves past seen (a partner opened). */
static int wait_for_partner(struct pipe *p, struct waitq *wq, unsigned *counter, unsigned seen)
{
	pipe_unlock(p);
	int r = wait_event_interruptible(*wq, READ_ONCE(*counter) != seen);
	pipe_lock(p);
	return r;
}

int fifo_open(struct inode *ino, struct file *f)
{
	struct pipe *p = ino->fifo;
	if (!p) {
		if (!(p = pipe_new()))
			return -ENOMEM;
		p->inode = ino;
		ino->fifo = p;
	}
	struct pipe_end *e = kmalloc(sizeof(*e));
	if (!e) {
		if (!p->readers && !p->writers) {
			ino->fifo = NULL;
			pipe_free(p);
		}
		return -ENOMEM;
	}
	e->pipe = p;
	bool nonblock = f->flags & O_NONBLOCK;
	int r = 0;
	bool rd = false, wr = false;

	pipe_lock(p);
	switch (f->flags & O_ACCMODE) {
	case O_RDONLY:
		rd = true;
		p->readers++;
		p->r_counter++;
		e->w_seen = p->w_counter;
		wake_up(&p->wr_wq);
		if (!p->writers && !nonblock)
			r = wait_for_partner(p, &p->rd_wq, &p->w_counter, e->w_seen);
		break;
	case O_WRONLY:
		if (nonblock && !p->readers) {
			r = -ENXIO;
			break;
		}
		wr = true;
		p->writers++;
		p->w_counter++;
		e->w_seen = p->w_counter;
		wake_up(&p->rd_wq);
		if (!p->readers) {
			unsigned seen = p->r_counter;
			r = wait_for_partner(p, &p->wr_wq, &p->r_counter, seen);
		}
		break;
	case O_RDWR:
		rd = wr = true;
		p->readers++;
		p->writers++;
		p->r_counter++;
		p->w_counter++;
		e->w_seen = p->w_counter;
		wake_up(&p->rd_wq);
		wake_up(&p->wr_wq);
		break;
	default:
		r = -EINVAL;
	}
	pipe_unlock(p);
	if (unlikely(p->synth_regions) && (rd || wr))
		synth_event_pipe_open(p);       /* a dedicated (spsc) side may have company */

	if (r) {
		kfree(e);
		if (rd || wr) {
			pipe_end_drop(p, rd, wr);
		} else if (!p->readers && !p->writers) {
			if (p->inode)
				p->inode->fifo = NULL;
			pipe_free(p);
		}
		return r;
	}
	f->ops = &pipe_fops;
	f->priv = e;
	return 0;
}

/* ---- pipe(2), pipe2(2) ---- */

static struct file *pipe_file(struct inode *ino, struct pipe *p, unsigned flags)
{
	struct pipe_end *e = kmalloc(sizeof(*e));
	if (!e)
		return NULL;
	struct file *f = file_alloc(ino, &pipe_fops, flags);
	if (!f) {
		kfree(e);
		return NULL;
	}
	e->pipe = p;
	e->w_seen = 0;
	f->priv = e;
	return f;
}

static long do_pipe2(int *ufds, int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	/* O_DIRECT (packet mode) is accepted and gives an ordinary byte pipe. */
	struct pipe *p = pipe_new();
	if (!p)
		return -ENOMEM;
	struct inode *ino = anon_inode_new(S_IFIFO | 0600);
	if (!ino) {
		pipe_free(p);
		return -ENOMEM;
	}
	unsigned st = flags & O_NONBLOCK;
	/* Both files count from the start, so a half-built pipe frees itself
	 * through the ordinary release path. */
	p->readers = p->writers = 1;
	p->r_counter = p->w_counter = 1;
	p->inode = ino;
	ino->fifo = p;
	struct file *fr = pipe_file(ino, p, O_RDONLY | st);
	if (!fr) {
		ino->fifo = NULL;
		inode_put(ino);
		pipe_free(p);
		return -ENOMEM;
	}
	struct file *fw = pipe_file(inode_get(ino), p, O_WRONLY | st);
	if (!fw) {
		inode_put(ino);
		p->writers = 0;
		file_put(fr);
		return -ENOMEM;
	}
	struct fdtable *t = current->proc->files;
	bool cloexec = flags & O_CLOEXEC;
	int fd0 = fd_install(t, fr, 0, cloexec);
	if (fd0 < 0) {
		file_put(fr);
		file_put(fw);
		return fd0;
	}
	int fd1 = fd_install(t, fw, 0, cloexec);
	if (fd1 < 0) {
		fd_close(t, fd0);
		file_put(fw);
		return fd1;
	}
	int fds[2] = { fd0, fd1 };
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(t, fd0);
		fd_close(t, fd1);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(pipe, int *, fds)
{
	return do_pipe2(fds, 0);
}

SYSCALL_DEFINE2(pipe2, int *, fds, int, flags)
{
	return do_pipe2(fds, flags);
}
