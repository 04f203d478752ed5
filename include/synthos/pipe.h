/*
 * pipe.h - pipes and FIFOs (kernel/dev/pipe.c).
 *
 * One struct pipe backs both pipe(2) and a named FIFO (kept in the
 * inode's fifo pointer while anybody has it open). The buffer is a byte
 * ring of `size` bytes (PIPE_SIZE unless F_SETPIPE_SZ changed it) over
 * npages pages, each allocated when data first reaches it. head and tail
 * are free-running byte counters: used = head - tail, and byte k lives in
 * page (k / PAGE_SIZE) % npages -- consistent across the 2^32 wrap because
 * npages is a power of two.
 *
 * Locking: `locked` is a sleeping mutex (the kernel is non-preemptive on
 * one CPU, so testing and setting it is atomic between sleeps); it covers
 * every field below it and is held across user copies, never across a
 * wait for data or space. readers/writers count open files of each kind;
 * the pipe is freed when both reach zero.
 */
#ifndef SYNTHOS_PIPE_H
#define SYNTHOS_PIPE_H

#include <synthos/types.h>
#include <synthos/uaccess.h>
#include <synthos/wait.h>

#define PIPE_BUF   4096                 /* writes up to this size are atomic */
#define PIPE_PAGES 16                   /* default capacity in pages */
#define PIPE_SIZE  (PIPE_PAGES * 4096)  /* 64 KiB, Linux's default capacity */
#define PIPE_MAX_SIZE (1u << 20)        /* F_SETPIPE_SZ limit (pipe-max-size) */

struct inode;

struct pipe {
	bool locked;
	struct waitq lock_wq;           /* waiting for `locked` */
	struct waitq rd_wq;             /* readers waiting for data / a writer */
	struct waitq wr_wq;             /* writers waiting for room / a reader */
	char **pages;                   /* npages slots, each NULL until used */
	unsigned npages;
	uint32_t size;                  /* capacity in bytes = npages * PAGE_SIZE */
	uint32_t head, tail;
	int readers, writers;           /* open files that read / write */
	unsigned r_counter, w_counter;  /* opens ever, for FIFO open and POLLHUP */
	struct inode *inode;            /* whose ->fifo points here, or NULL */
	int synth_regions;              /* synthesized code reading or writing it (synth/synth.c) */
};

/*
 * The step shared by the generic pipe code (pipe.c) and the synthesized
 * pipe read/write (synth/templates/fastc_pipe.c): where the next bytes go
 * or come from inside one page of the ring, and publishing them. Callers
 * hold the pipe (the lock, or a fast body's equivalent). The ring stays
 * a SP-SC queue at this level: a writer only advances head, a reader only
 * advances tail, and each publishes with a release store after its copy.
 */
#define PIPE_PAGE_SIZE 4096UL

/* Room for n bytes at head within one page, in a page that exists: the
 * destination, else NULL (full, crossing a page, or a page to allocate). */
static inline char *pipe_write_slot(struct pipe *p, size_t n)
{
	uint32_t head = p->head;
	uint32_t used = head - __atomic_load_n(&p->tail, __ATOMIC_ACQUIRE);
	size_t off = head % PIPE_PAGE_SIZE;
	if (p->size - used < n || off + n > PIPE_PAGE_SIZE)
		return NULL;
	char *pg = p->pages[(head / PIPE_PAGE_SIZE) & (p->npages - 1)];
	return pg ? pg + off : NULL;
}

static inline void pipe_write_publish(struct pipe *p, size_t n)
{
	__atomic_store_n(&p->head, p->head + (uint32_t)n, __ATOMIC_RELEASE);
}

/* Up to n bytes at tail within one page: the source (*k = how many), or
 * NULL if the pipe is empty. */
static inline const char *pipe_read_slot(struct pipe *p, size_t n, size_t *k)
{
	uint32_t tail = p->tail;
	uint32_t used = __atomic_load_n(&p->head, __ATOMIC_ACQUIRE) - tail;
	size_t off = tail % PIPE_PAGE_SIZE;
	if (!used)
		return NULL;
	size_t m = used < n ? used : n;
	*k = m < PIPE_PAGE_SIZE - off ? m : PIPE_PAGE_SIZE - off;
	return p->pages[(tail / PIPE_PAGE_SIZE) & (p->npages - 1)] + off;
}

static inline void pipe_read_publish(struct pipe *p, size_t k)
{
	__atomic_store_n(&p->tail, p->tail + (uint32_t)k, __ATOMIC_RELEASE);
}

/* Somebody sleeps on the queue (a blocked reader or writer, a poller):
 * only the generic path wakes, so fast paths give way to it. */
static inline bool pipe_waiters(const struct waitq *wq)
{
	return wq->waiters.next != &wq->waiters;
}

struct pipe *pipe_new(void);
void pipe_free(struct pipe *p);
size_t pipe_used(const struct pipe *p);
/* F_SETPIPE_SZ: the new capacity (rounded up to a power-of-two number of
 * pages), -EBUSY if the data would not fit, -EPERM above PIPE_MAX_SIZE. */
long pipe_set_size(struct pipe *p, uint64_t bytes);
/*
 * The buffer logic under read(2)/write(2), with Linux's semantics: a read
 * takes what is there (0 at end of file); a write of <= PIPE_BUF bytes is
 * all-or-nothing, a longer one may be split; -EAGAIN when nonblock and
 * nothing could be done; -EPIPE (*broken set, SIGPIPE is the caller's) when
 * there is no reader. They sleep only when !nonblock.
 */
ssize_t pipe_buf_read(struct pipe *p, struct uio *u, size_t n, bool nonblock);
ssize_t pipe_buf_write(struct pipe *p, struct uio *u, size_t n, bool nonblock, bool *broken);
/* poll(2) mask for an end that reads and/or writes; w_seen is the writer
 * count at open (a reader that never saw a writer gets no POLLHUP). */
unsigned pipe_poll_mask(struct pipe *p, bool rd, bool wr, unsigned w_seen);
/* The pipe behind an open pipe or FIFO end, else NULL. */
struct file;
struct pipe *pipe_of_file(struct file *f);

#endif
