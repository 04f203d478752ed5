/*
 * uaccess.h - reading and writing user memory from the kernel
 * (arch/x86_64/usercopy.S; fault recovery through the exception table).
 *
 * Every user pointer is hostile until one of these functions has copied
 * through it. They check the range is below USER_TOP, then copy with the
 * page-fault handler armed to stop the copy at a fault (a page that can be
 * faulted in -- demand zero, copy-on-write -- is faulted in and the copy
 * goes on). With SMAP, user pages are reachable only inside these functions.
 *
 * Two kinds of caller: most want all or nothing (copy_from_user and the
 * rest: 0 or -EFAULT); the reads and writes whose Linux counterparts return
 * a short count after a fault use the uio_*_some forms, which say how many
 * bytes moved before the first inaccessible one.
 */
#ifndef SYNTHOS_UACCESS_H
#define SYNTHOS_UACCESS_H

#include <synthos/types.h>

/* First address above user space (Linux's TASK_SIZE on x86-64, 4-level paging). */
#define USER_TOP 0x00007ffffffff000UL

static inline bool access_ok(const void *uptr, size_t len)
{
	uint64_t a = (uint64_t)uptr;
	return a <= USER_TOP && len <= USER_TOP - a;
}

/* The copies themselves (arch/x86_64/usercopy.S): the number of bytes
 * NOT copied -- 0, or, after a fault, the count from the first byte that
 * could not be reached. */
size_t raw_copy_user(void *dst, const void *src, size_t n);
size_t raw_clear_user(void *dst, size_t n);

/* 0, or -EFAULT if any byte is inaccessible (some bytes may have been
 * copied). Inline: the range check is three instructions, and every
 * read, write and path argument of every system call comes through here. */
static inline int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!access_ok(usrc, n))
		return -14;                     /* -EFAULT */
	return raw_copy_user(dst, usrc, n) ? -14 : 0;
}

static inline int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!access_ok(udst, n))
		return -14;                     /* -EFAULT */
	return raw_copy_user(udst, src, n) ? -14 : 0;
}

static inline int clear_user(void *udst, size_t n)
{
	if (!access_ok(udst, n))
		return -14;                     /* -EFAULT */
	return raw_clear_user(udst, n) ? -14 : 0;
}
/* Copies a NUL-terminated string of at most max-1 chars; returns its length,
 * -EFAULT, or -ENAMETOOLONG when there is no NUL within max bytes. */
long strncpy_from_user(char *dst, const char *usrc, size_t max);

#define get_user(kval, uptr) copy_from_user(&(kval), (uptr), sizeof(*(uptr)))
#define put_user(kval, uptr) ({ __typeof__(*(uptr)) put_user_v_ = (kval); \
	copy_to_user((uptr), &put_user_v_, sizeof(put_user_v_)); })

/*
 * A buffer that is either user or kernel memory, for file operations that
 * serve both read(2) and the kernel's own reads (exec, the ELF loader), or
 * a vector of user segments (readv, writev: one driver call for the whole
 * vector, as Linux's iov_iter, so each driver keeps its own semantics --
 * /dev/null never touches the segments, a pipe write of PIPE_BUF bytes
 * stays atomic, a file read stops at the first byte it cannot store).
 * base advances as bytes are copied; a vector steps to its next segment
 * when the current one (seg_left bytes left) is used up. A single buffer
 * has next == NULL, so `{ .base = buf, .user = true }` is one; its length
 * is the count the driver is given.
 */
struct uio_seg {
	char *base;
	size_t len;
};

struct uio {
	char *base;
	bool user;
	size_t seg_left;                /* vector: bytes left in the current segment */
	const struct uio_seg *next;     /* vector: the segments after it, or NULL */
	unsigned long nnext;
};

/* A vector's move (arch/x86_64/uaccess.c): up to n bytes between kbuf and
 * the segments (their ranges checked already), stopping at the first byte
 * that faults; returns how many moved. */
enum uio_dir { UIO_OUT, UIO_IN, UIO_ZERO };
size_t uio_vec_move(struct uio *u, void *kbuf, size_t n, enum uio_dir dir);

static inline int uio_copy_out(struct uio *u, const void *src, size_t n)
{
	extern void *memcpy(void *, const void *, size_t);
	int r = 0;
	if (u->next) {                  /* all or nothing: undo a short move */
		struct uio save = *u;
		if (uio_vec_move(u, (void *)src, n, UIO_OUT) == n)
			return 0;
		*u = save;
		return -14;
	}
	if (u->user)
		r = copy_to_user(u->base, src, n);
	else
		memcpy(u->base, src, n);
	if (!r)
		u->base += n;
	return r;
}

static inline int uio_copy_in(void *dst, struct uio *u, size_t n)
{
	extern void *memcpy(void *, const void *, size_t);
	int r = 0;
	if (u->next) {
		struct uio save = *u;
		if (uio_vec_move(u, dst, n, UIO_IN) == n)
			return 0;
		*u = save;
		return -14;
	}
	if (u->user)
		r = copy_from_user(dst, u->base, n);
	else
		memcpy(dst, u->base, n);
	if (!r)
		u->base += n;
	return r;
}

/*
 * The partial forms: copy, store or zero up to n bytes through u and say
 * how many moved (n: all; fewer: the next byte is inaccessible); base
 * advances by that many. A range that is not all user space moves nothing,
 * as access_ok refuses it before any byte.
 */
static inline size_t uio_copy_out_some(struct uio *u, const void *src, size_t n)
{
	extern void *memcpy(void *, const void *, size_t);
	size_t done = n;
	if (u->next)
		return uio_vec_move(u, (void *)src, n, UIO_OUT);
	if (!u->user)
		memcpy(u->base, src, n);
	else
		done = access_ok(u->base, n) ? n - raw_copy_user(u->base, src, n) : 0;
	u->base += done;
	return done;
}

static inline size_t uio_copy_in_some(void *dst, struct uio *u, size_t n)
{
	extern void *memcpy(void *, const void *, size_t);
	size_t done = n;
	if (u->next)
		return uio_vec_move(u, dst, n, UIO_IN);
	if (!u->user)
		memcpy(dst, u->base, n);
	else
		done = access_ok(u->base, n) ? n - raw_copy_user(dst, u->base, n) : 0;
	u->base += done;
	return done;
}

static inline size_t uio_zero_some(struct uio *u, size_t n)
{
	extern void *memset(void *, int, size_t);
	size_t done = n;
	if (u->next)
		return uio_vec_move(u, NULL, n, UIO_ZERO);
	if (!u->user)
		memset(u->base, 0, n);
	else
		done = access_ok(u->base, n) ? n - raw_clear_user(u->base, n) : 0;
	u->base += done;
	return done;
}

/* Whether the next byte a write would take from u can be read: Linux's
 * generic_perform_write asks before it takes a page. */
static inline bool uio_next_readable(struct uio *u)
{
	char c;
	if (u->next) {
		struct uio probe = *u;          /* a look only: u stays where it is */
		return uio_vec_move(&probe, &c, 1, UIO_IN) == 1;
	}
	return !u->user || !copy_from_user(&c, u->base, 1);
}

#endif
