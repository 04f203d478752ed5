/*
 * pathname.h - copying a path in from user memory (getname/putname), with
 * the common case inline for the system calls that take a path on every
 * call (open, stat): there it is straight-line code with no call but the
 * copy itself. The storage and the rarer cases are in namei.c.
 *
 * Copying. strncpy_from_user copies up to the end of the page holding the
 * string (up to 4 KiB for a 10-byte path); here the copy goes in small
 * chunks, never past the page that holds the next byte (the string may end
 * just before an unmapped page), each chunk searched for the NUL a word at
 * a time. The result is strncpy_from_user's: the length, -EFAULT, or
 * -ENAMETOOLONG with no NUL within PATH_MAX bytes. The common case is a
 * short path not near the end of its page: one PATH_CHUNK copy; the rest
 * goes on in bigger chunks (copy_path_from).
 *
 * Path buffers: a few static ones, taken and given back with a bitmap
 * (one CPU, no preemption in the kernel, no VFS use from interrupts: no
 * lock), kmalloc when they are all out (callers that sleep holding one: a
 * FIFO open, rename's two paths...). Saves a 4 KiB kmalloc and kfree per
 * system call that takes a path. They are 64-byte aligned, so a path's
 * words are aligned too (the name cache compares whole words).
 */
#ifndef KERNEL_FS_PATHNAME_H
#define KERNEL_FS_PATHNAME_H

#include <synthos/compiler.h>
#include <synthos/errno.h>
#include <synthos/slab.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include <arch/page.h>

#define PATH_CHUNK 32
#define PATH_CHUNK_MAX 512
#define NAME_BUFS 4

extern char name_bufs[NAME_BUFS][PATH_MAX];    /* namei.c */
extern unsigned name_bufs_free;                /* bit i: name_bufs[i] is free */

/* The path from byte `done` on, in chunks that never cross a page. */
long copy_path_from(char *dst, const char *usrc, size_t done);

typedef uint64_t __attribute__((may_alias, aligned(1))) path_word_t;

/* The first NUL in p[0..n), or NULL: a word at a time, as memchr. */
static inline const char *find_nul(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;

	for (; n >= 8; p += 8, n -= 8) {
		uint64_t x = *(const path_word_t *)p;
		uint64_t z = (x - ones) & ~x & highs;
		if (z)
			return p + (__builtin_ctzll(z) >> 3);
	}
	for (; n; p++, n--)
		if (!*p)
			return p;
	return NULL;
}

static inline __attribute__((always_inline)) long copy_path(char *dst, const char *usrc)
{
	uint64_t a = (uint64_t)usrc;

	if (unlikely(PAGE_SIZE - (a & (PAGE_SIZE - 1)) < PATH_CHUNK))
		return copy_path_from(dst, usrc, 0);    /* its first chunk ends the page */
	if (copy_from_user(dst, usrc, PATH_CHUNK))
		return -EFAULT;
	const char *nul = find_nul(dst, PATH_CHUNK);
	if (nul)
		return nul - dst;
	return copy_path_from(dst, usrc, PATH_CHUNK);
}

static inline char *name_buf_get(void)
{
	unsigned m = name_bufs_free;
	if (likely(m)) {
		unsigned i = (unsigned)__builtin_ctz(m);
		name_bufs_free = m & (m - 1);
		return name_bufs[i];
	}
	return kmalloc(PATH_MAX);
}

static inline void name_buf_put(char *k)
{
	uintptr_t off = (uintptr_t)k - (uintptr_t)name_bufs;
	if (likely(off < sizeof(name_bufs)))
		name_bufs_free |= 1u << (off / PATH_MAX);
	else
		kfree(k);
}

/* A user path copied into a PATH_MAX buffer (putname gives it back), or
 * NULL with *err (-EFAULT, -ENAMETOOLONG, -ENOENT unless empty_ok,
 * -ENOMEM). getname (namei.c) is the same out of line. */
static inline __attribute__((always_inline)) char *
getname_inline(const char *upath, bool empty_ok, int *err)
{
	char *k = name_buf_get();
	if (unlikely(!k)) {
		*err = -ENOMEM;
		return NULL;
	}
	long n = copy_path(k, upath);
	if (unlikely(n <= 0) && (n < 0 || !empty_ok)) {
		name_buf_put(k);
		*err = n < 0 ? (int)n : -ENOENT;
		return NULL;
	}
	*err = 0;
	return k;
}

char *getname(const char *upath, bool empty_ok, int *err);

static inline void putname(char *kpath)
{
	if (kpath)
		name_buf_put(kpath);
}

#endif
