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
};

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

#endif
