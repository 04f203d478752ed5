/*
 * namei.c - path resolution: from a string to an inode, with Linux's rules.
 *
 *  - Absolute paths start at the process's root, relative ones at the cwd
 *    or at a directory descriptor (the *at calls); an absolute path
 *    ignores dirfd entirely, even a bad one.
 *  - "." stays, ".." goes up but never above the process root, and from
 *    the root of a mounted filesystem first steps down to the directory it
 *    covers. Going down into a directory something is mounted on lands on
 *    the mounted root (the top of the stack).
 *  - Symlinks in the middle of a path are always followed; the last one
 *    only with LOOKUP_FOLLOW or a trailing slash. One lookup follows at
 *    most MAXSYMLINKS (40) links in all, nested ones included: ELOOP.
 *    An empty link target is ENOENT.
 *  - Every component before the last must be a directory (ENOTDIR); a
 *    trailing slash makes the last one so too. A component longer than
 *    NAME_MAX is ENAMETOOLONG (after the ENOTDIR check, as Linux).
 *
 * There is no dentry cache: each step asks the filesystem, which for
 * ramfs is a short list walk. Intermediate inodes are held by reference
 * only while the walk stands on them. What there is, is a small cache of
 * whole paths that resolved through ramfs alone (the name cache below),
 * dropped as a whole by any change to a ramfs directory or to the mounts;
 * a path walked again, as open/close and stat loops do, costs one probe.
 */
#include <synthos/errno.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/vfs.h>
#include <arch/page.h>
#include "internal.h"

/*
 * The name cache: whole paths that resolved, through ramfs directories
 * only, to an inode -- so that the next walk of the same string from the
 * same place is one hash probe instead of a lookup per component.
 *
 * An entry is keyed by the path string, the inode the walk started from
 * and the walk's root (".." depends on it), and is valid only while
 * name_cache_gen has the value it was made under. Every change that could
 * change what a cached walk finds bumps the generation and so drops every
 * entry at once: ramfs adding, removing or renaming an entry (which also
 * covers ".." of a moved or removed directory), mount and umount. Nothing
 * else can change the outcome of such a walk: ramfs directories have no
 * other names than their entries, inode types never change, and there
 * are no permission checks on the way.
 *
 * What is not cached: walks that touched a filesystem other than ramfs
 * (procfs names come and go without a ramfs event), that followed a
 * symlink or ended on one (the result depends on LOOKUP_FOLLOW), that
 * ended on an inode with no name left, failed, or whose path is longer
 * than an entry holds. An entry holds no reference: its inode cannot be
 * freed without losing its last name first (a bump), and the start and
 * root inodes are compared by address only while the caller holds them,
 * so a reused address belongs to an inode whose creation bumped too.
 */
#define NC_ENTRIES 64
#define NC_NAME 48

struct nc_entry {
	uint64_t gen;                   /* valid while == name_cache_gen */
	struct inode *start, *root;
	struct inode *res;              /* no reference; see above */
	size_t len;
	char name[NC_NAME];
};

static struct nc_entry name_cache[NC_ENTRIES];
uint64_t name_cache_gen = 1;            /* 0 marks never-filled entries */

static inline bool nc_stable(const struct inode *ino)
{
	return ino->sb->ops == &ramfs_super_ops;
}

/*
 * The length of path and a hash of its bytes, a word at a time: the loads
 * are of aligned words, which never cross a page and so never fault past
 * the string's end, and the bytes past the NUL are masked off. (The hash
 * depends on the string's alignment as well, harmlessly: the paths from
 * getname are always 8-aligned.) Returns 0 for a path an entry cannot
 * hold with its NUL (NC_NAME bytes or more), which is not cached, and for
 * "". (It once let lengths up to NC_NAME + 7 through: the fill then wrote
 * past the entry. KTEST name_cache_hash_lengths.)
 */
#define NC_ONES  0x0101010101010101ULL
#define NC_HIGHS 0x8080808080808080ULL

static inline size_t nc_hash(const char *path, uint64_t *hash)
{
	uintptr_t a = (uintptr_t)path;
	unsigned off = (unsigned)(a & 7);
	const uint64_t *wp = (const uint64_t *)(a - off);
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	size_t n = 0;
	uint64_t x = *wp;

	if (likely(!off)) {
		/* Aligned, as getname's buffers are: whole words up to the
		 * one that holds the NUL. */
		for (;;) {
			uint64_t z = (x - NC_ONES) & ~x & NC_HIGHS;
			if (z) {
				unsigned k = (unsigned)__builtin_ctzll(z) >> 3;
				uint64_t m = k ? ~0ULL >> (64 - 8 * k) : 0;
				h = (h ^ (x & m)) * 0xff51afd7ed558ccdULL;
				n += k;
				break;
			}
			h = (h ^ x) * 0xff51afd7ed558ccdULL;
			n += 8;
			if (n >= NC_NAME)
				return 0;
			x = *++wp;
		}
		if (n >= NC_NAME)
			return 0;
		*hash = h ^ (h >> 29);
		return n;
	}

	uint64_t keep = ~0ULL >> (off * 8);     /* the string's bytes of this word */
	x = (x >> (off * 8)) | ~keep;           /* the rest: 0xff, never a NUL */
	for (;;) {
		uint64_t z = (x - NC_ONES) & ~x & NC_HIGHS;
		if (z) {
			unsigned k = (unsigned)__builtin_ctzll(z) >> 3;   /* the NUL's byte */
			uint64_t m = k ? ~0ULL >> (64 - 8 * k) : 0;
			h = (h ^ (x & m)) * 0xff51afd7ed558ccdULL;
			n += k;
			break;
		}
		h = (h ^ (x & keep)) * 0xff51afd7ed558ccdULL;
		n += 8 - off;
		if (n >= NC_NAME)
			return 0;
		off = 0;
		keep = ~0ULL;
		x = *++wp;
	}
	if (n >= NC_NAME)
		return 0;
	*hash = h ^ (h >> 29);
	return n;
}

/* The entry path (from start, under root) maps to; its length in *len.
 * NULL when it is too long to cache. */
static inline struct nc_entry *nc_slot(const char *path, const struct inode *start,
				       const struct inode *root, size_t *len)
{
	uint64_t h;
	*len = nc_hash(path, &h);
	if (!*len)
		return NULL;
	h ^= ((uintptr_t)start >> 4) ^ ((uintptr_t)root >> 6);
	return &name_cache[(h ^ (h >> 17)) % NC_ENTRIES];
}

/* Copying a path in and the name buffers: pathname.h has the design and
 * the common case; here are the storage and the rest. */
char name_bufs[NAME_BUFS][PATH_MAX] __attribute__((aligned(64)));
unsigned name_bufs_free = (1u << NAME_BUFS) - 1;

long copy_path_from(char *dst, const char *usrc, size_t done)
{
	size_t want = PATH_CHUNK_MAX;

	for (;;) {
		uint64_t a = (uint64_t)usrc + done;
		size_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
		if (chunk > want)
			chunk = want;
		if (chunk > PATH_MAX - done)
			chunk = PATH_MAX - done;
		if (copy_from_user(dst + done, (const void *)a, chunk))
			return -EFAULT;
		const char *nul = find_nul(dst + done, chunk);
		if (nul)
			return nul - dst;
		done += chunk;
		if (done >= PATH_MAX)
			return -ENAMETOOLONG;
	}
}

int user_path_empty_ok(const char *upath, char *kbuf)
{
	return (int)copy_path(kbuf, upath);
}

int user_path(const char *upath, char *kbuf)
{
	int n = user_path_empty_ok(upath, kbuf);
	if (n == 0)
		return -ENOENT;
	return n;
}

char *getname(const char *upath, bool empty_ok, int *err)
{
	return getname_inline(upath, empty_ok, err);
}

static inline __attribute__((always_inline)) int
step(struct walk *w, struct inode *dir, const char *name, size_t len, struct inode **res)
{
	struct inode *child;
	int err;

	if (unlikely(name[0] == '.') && (len == 1 || (len == 2 && name[1] == '.'))) {
		if (len == 1) {
			*res = iget(dir);
			return 0;
		}
		struct inode *d = dir;
		while (d != w->root && d->sb->root == d && d->sb->covered)
			d = d->sb->covered;
		if (d == w->root) {
			*res = iget(d);
			return 0;
		}
		if (!d->iops || !d->iops->lookup)
			return -ENOTDIR;
		return d->iops->lookup(d, name, len, res);
	}
	if (unlikely(!dir->iops || !dir->iops->lookup))
		return -ENOTDIR;
	err = dir->iops->lookup(dir, name, len, &child);
	if (err)
		return err;
	while (unlikely(child->mounted)) {
		struct inode *top = iget(child->mounted->root);
		iput(child);
		child = top;
	}
	*res = child;
	return 0;
}

int walk_step(struct walk *w, struct inode *dir, const char *name, size_t len,
	      struct inode **res)
{
	return step(w, dir, name, len, res);
}

int walk_follow(struct walk *w, struct inode *dir, struct inode *link, struct inode **res)
{
	int err;

	if (++w->links > MAXSYMLINKS) {
		inode_put(link);
		return -ELOOP;
	}
	if (link->iops && link->iops->get_link) {
		err = link->iops->get_link(link, res);
		inode_put(link);
		return err;
	}
	if (!link->iops || !link->iops->readlink) {
		inode_put(link);
		return -ENOENT;
	}
	char *buf = kmalloc(PATH_MAX);
	if (!buf) {
		inode_put(link);
		return -ENOMEM;
	}
	int n = link->iops->readlink(link, buf, PATH_MAX - 1);
	inode_put(link);
	if (n <= 0) {
		kfree(buf);
		return n < 0 ? n : -ENOENT;
	}
	buf[n] = '\0';
	err = walk_path(w, dir, buf, LOOKUP_FOLLOW, res);
	kfree(buf);
	return err;
}

/* The next component at *p: sets name/len, advances *p past it and any
 * slashes, and says whether it was followed by a slash. */
static void next_component(const char **p, const char **name, size_t *len, bool *slash)
{
	const char *s = *p;
	size_t n = 0;
	while (s[n] && s[n] != '/')
		n++;
	*name = s;
	*len = n;
	s += n;
	*slash = false;
	while (*s == '/') {
		s++;
		*slash = true;
	}
	*p = s;
}

/* Where a walk starts: a reference to the root (absolute path, slashes
 * skipped) or to base. */
static inline __attribute__((always_inline)) struct inode *
walk_start(struct walk *w, struct inode *base, const char **path)
{
	if (**path != '/')
		return iget(base ? base : cur_cwd());
	while (**path == '/')
		(*path)++;
	return iget(w->root);
}

/* The walk proper: a reference to what path names, or -errno. *cacheable
 * says whether the result may go into the name cache. */
static int walk_uncached(struct walk *w, struct inode *base, const char *path, unsigned flags,
			 struct inode **res, bool *cacheable)
{
	int links = w->links;
	struct inode *cur = walk_start(w, base, &path), *child;
	bool stable = nc_stable(cur);
	int err = 0;

	if (!*path) {                    /* "/" (or "" from a kernel caller) */
		*cacheable = stable;
		*res = cur;
		return 0;
	}
	for (;;) {
		const char *name;
		size_t len;
		bool slash;
		next_component(&path, &name, &len, &slash);
		bool last = !*path;

		if (!S_ISDIR(cur->mode)) {
			err = -ENOTDIR;
			break;
		}
		if (len > NAME_MAX) {
			err = -ENAMETOOLONG;
			break;
		}
		err = step(w, cur, name, len, &child);
		if (err)
			break;
		if (S_ISLNK(child->mode) && (!last || slash || (flags & LOOKUP_FOLLOW))) {
			err = walk_follow(w, cur, child, &child);
			if (err)
				break;
		}
		stable &= nc_stable(child);
		iput(cur);
		cur = child;
		if (last) {
			if ((slash || (flags & LOOKUP_DIRECTORY)) && !S_ISDIR(cur->mode)) {
				err = -ENOTDIR;
				break;
			}
			*cacheable = stable && w->links == links && !S_ISLNK(cur->mode) &&
				     cur->nlink > 0;
			*res = cur;
			return 0;
		}
	}
	iput(cur);
	return err;
}

/*
 * The last entry the cache answered with or filled, tried before any
 * hashing: a program that opens or stats one path over and over pays a
 * compare of a few words. The entry's name is kept zero past its NUL, so
 * whole words compare up to the one holding the NUL, and there the path's
 * bytes past its NUL are masked off. Aligned paths only (getname's always
 * are); aligned loads never cross a page, as in nc_hash, and none goes
 * past the path's own NUL: the word holding it differs from the entry's,
 * whose name has no NUL before its end, and the compare stops. A memo is only a
 * pointer into the table: whatever the entry holds now is checked as a
 * hashed hit is (generation, start, root, name).
 */
static struct nc_entry *nc_memo;

static inline bool nc_memo_name_eq(const struct nc_entry *e, const char *path)
{
	if ((uintptr_t)path & 7)
		return false;
	const uint64_t *a = (const uint64_t *)path, *b = (const uint64_t *)e->name;
	size_t last = e->len / 8;               /* the word holding the NUL */
	for (size_t i = 0; i < last; i++)
		if (a[i] != b[i])
			return false;
	uint64_t upto_nul = ~0ULL >> (56 - 8 * (e->len % 8));
	return (a[last] & upto_nul) == b[last];
}

/* A miss: the walk, then the result into the cache if it may go there. */
static __attribute__((noinline)) int
walk_and_fill(struct walk *w, struct inode *base, const char *path, unsigned flags,
	      struct inode **res, struct inode *start, struct nc_entry *e, size_t len)
{
	/* The generation before the walk: a lookup that slept while the
	 * namespace changed leaves an entry that is born invalid. */
	uint64_t gen = name_cache_gen;
	bool cacheable = false;
	int err = walk_uncached(w, base, path, flags, res, &cacheable);

	if (!err && cacheable && e) {
		e->gen = gen;
		e->start = start;
		e->root = w->root;
		e->res = *res;
		e->len = len;
		memcpy(e->name, path, len);
		memset(e->name + len, 0, NC_NAME - len);    /* for nc_memo_name_eq */
		nc_memo = e;
	}
	return err;
}

/* A walk the memo could not answer: one probe of the table, else the
 * walk proper. */
static __attribute__((noinline)) int
walk_path_probe(struct walk *w, struct inode *base, const char *path, unsigned flags,
		struct inode **res, struct inode *start)
{
	struct nc_entry *e = NULL;
	size_t len = 0;

	if (nc_stable(start)) {
		e = nc_slot(path, start, w->root, &len);
		if (e && e->gen == name_cache_gen && e->start == start && e->root == w->root &&
		    e->len == len && name_eq(e->name, path, len) &&
		    (!(flags & LOOKUP_DIRECTORY) || S_ISDIR(e->res->mode))) {
			nc_memo = e;
			*res = iget(e->res);
			return 0;
		}
	}
	return walk_and_fill(w, base, path, flags, res, start, e, len);
}

/* The memo first, with nothing to save or restore; the rest out of line. */
int walk_path(struct walk *w, struct inode *base, const char *path, unsigned flags,
	      struct inode **res)
{
	struct inode *start = *path == '/' ? w->root : base ? base : cur_cwd();
	struct nc_entry *e = nc_memo;

	if (e && e->gen == name_cache_gen && e->start == start && e->root == w->root &&
	    nc_stable(start) && nc_memo_name_eq(e, path) &&
	    (!(flags & LOOKUP_DIRECTORY) || S_ISDIR(e->res->mode))) {
		*res = iget(e->res);
		return 0;
	}
	return walk_path_probe(w, base, path, flags, res, start);
}

int walk_parent(struct walk *w, struct inode *base, const char *path, struct nameparent *np)
{
	struct inode *cur = walk_start(w, base, &path), *child;
	int err = 0;

	np->dir = NULL;
	if (!*path) {
		np->dir = cur;
		np->name = path;
		np->len = 0;
		np->type = LAST_ROOT;
		np->trailing_slash = false;
		return 0;
	}
	for (;;) {
		const char *name;
		size_t len;
		bool slash;
		next_component(&path, &name, &len, &slash);

		if (!S_ISDIR(cur->mode)) {
			err = -ENOTDIR;
			break;
		}
		if (len > NAME_MAX) {
			err = -ENAMETOOLONG;
			break;
		}
		if (!*path) {
			np->dir = cur;
			np->name = name;
			np->len = len;
			np->trailing_slash = slash;
			if (len == 1 && name[0] == '.')
				np->type = LAST_DOT;
			else if (len == 2 && name[0] == '.' && name[1] == '.')
				np->type = LAST_DOTDOT;
			else
				np->type = LAST_NORM;
			return 0;
		}
		err = step(w, cur, name, len, &child);
		if (err)
			break;
		if (S_ISLNK(child->mode)) {
			err = walk_follow(w, cur, child, &child);
			if (err)
				break;
		}
		iput(cur);
		cur = child;
	}
	iput(cur);
	return err;
}

void nameparent_put(struct nameparent *np)
{
	inode_put(np->dir);
	np->dir = NULL;
}

int dirfd_inode(int dirfd, const char *path, struct inode **res)
{
	if (path[0] == '/') {
		*res = inode_get(cur_root());
		return 0;
	}
	if (dirfd == AT_FDCWD) {
		*res = inode_get(cur_cwd());
		return 0;
	}
	struct file *f = fget(dirfd);
	if (!f)
		return -EBADF;
	if (path[0] && !S_ISDIR(f->inode->mode)) {
		file_put(f);
		return -ENOTDIR;
	}
	*res = inode_get(f->inode);
	file_put(f);
	return 0;
}

int path_lookupat(int dirfd, const char *path, unsigned flags, struct inode **res)
{
	struct inode *base;
	struct walk w;
	int err;

	if (!*path && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	if (*path == '/' || (dirfd == AT_FDCWD && *path)) {
		/* The walk starts at the root or the cwd by itself (as
		 * dirfd_inode would): no reference to take and drop here. */
		walk_init(&w);
		return walk_path(&w, NULL, path, flags, res);
	}
	err = dirfd_inode(dirfd, path, &base);
	if (err)
		return err;
	if (!*path) {
		if ((flags & LOOKUP_DIRECTORY) && !S_ISDIR(base->mode)) {
			inode_put(base);
			return -ENOTDIR;
		}
		*res = base;
		return 0;
	}
	walk_init(&w);
	err = walk_path(&w, base, path, flags, res);
	inode_put(base);
	return err;
}

int path_lookup_from(struct inode *base, const char *path, unsigned flags, struct inode **res)
{
	struct walk w;
	if (!*path)
		return -ENOENT;
	walk_init(&w);
	return walk_path(&w, base, path, flags, res);
}

int path_parentat(int dirfd, const char *path, struct nameparent *np)
{
	struct inode *base;
	struct walk w;
	int err;

	np->dir = NULL;
	if (!*path)
		return -ENOENT;
	err = dirfd_inode(dirfd, path, &base);
	if (err)
		return err;
	walk_init(&w);
	err = walk_parent(&w, base, path, np);
	inode_put(base);
	return err;
}

/* ---- from an inode back to its path ---- */

struct find_name {
	uint64_t ino;
	char *name;             /* NAME_MAX + 1 bytes */
	size_t len;
	bool found;
};

static int match_ino(void *ctx, const char *name, size_t len, uint64_t ino,
		     unsigned dtype, uint64_t next_pos)
{
	struct find_name *fn = ctx;
	if (ino != fn->ino || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	memcpy(fn->name, name, len);
	fn->len = len;
	fn->found = true;
	return 1;
}

/* The name under which dir lists child: 0 or -ENOENT. */
static int name_in_dir(struct inode *dir, struct inode *child, struct find_name *fn)
{
	if (!dir->fops || !dir->fops->iterate)
		return -ENOENT;
	struct file tf = { .refcount = 1, .inode = dir, .ops = dir->fops, .flags = O_RDONLY };
	fn->ino = child->ino;
	fn->found = false;
	int err = dir->fops->iterate(&tf, match_ino, fn);
	if (err)
		return err;
	return fn->found ? 0 : -ENOENT;
}

/*
 * A directory has one name, found by going up ".." and searching the
 * parent for our inode number (the classic Unix getcwd). Other inodes are
 * named through dir_hint: the path of that directory plus the entry there
 * with our inode number.
 */
static int dir_path(struct inode *ino, char *buf, size_t size);

int inode_path(struct inode *ino, char *buf, size_t size)
{
	if (S_ISDIR(ino->mode))
		return dir_path(ino, buf, size);
	if (ino->nlink == 0 || !ino->dir_hint)
		return -ENOENT;
	char name[NAME_MAX + 1];
	struct find_name fn = { .name = name };
	int err = name_in_dir(ino->dir_hint, ino, &fn);
	if (err)
		return err;
	int len = dir_path(ino->dir_hint, buf, size);
	if (len < 0)
		return len;
	if (len > 1)
		buf[len++] = '/';
	if ((size_t)len + fn.len + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf + len, name, fn.len);
	buf[len + fn.len] = '\0';
	return len + (int)fn.len;
}

static int dir_path(struct inode *ino, char *buf, size_t size)
{
	struct inode *root = cur_root(), *cur, *parent;
	char namebuf[NAME_MAX + 1];
	struct find_name fn = { .name = namebuf };
	char *tmp;
	size_t pos;
	int err = 0;

	if (ino->nlink == 0)
		return -ENOENT;
	tmp = kmalloc(PATH_MAX);
	if (!tmp)
		return -ENOMEM;
	pos = PATH_MAX - 1;
	tmp[pos] = '\0';
	cur = inode_get(ino);
	while (cur != root && cur != vfs_root) {
		if (cur->sb->root == cur && cur->sb->covered) {
			parent = inode_get(cur->sb->covered);
			inode_put(cur);
			cur = parent;
			continue;
		}
		if (!cur->iops || !cur->iops->lookup ||
		    cur->iops->lookup(cur, "..", 2, &parent)) {
			err = -ENOENT;
			break;
		}
		if (parent == cur) {
			inode_put(parent);
			break;
		}
		err = name_in_dir(parent, cur, &fn);
		inode_put(cur);
		cur = parent;
		if (err)
			break;
		if (fn.len + 1 > pos) {
			err = -ENAMETOOLONG;
			break;
		}
		pos -= fn.len;
		memcpy(tmp + pos, fn.name, fn.len);
		tmp[--pos] = '/';
	}
	inode_put(cur);
	if (!err && pos == PATH_MAX - 1)
		tmp[--pos] = '/';
	size_t len = PATH_MAX - 1 - pos;
	if (!err && len + 1 > size)
		err = -ENAMETOOLONG;
	if (!err)
		memcpy(buf, tmp + pos, len + 1);
	kfree(tmp);
	return err ? err : (int)len;
}

/* ---- self-tests --------------------------------------------------------- */
#include <synthos/ktest.h>

/* nc_hash takes a path into the cache only if an entry can hold it with
 * its NUL, at every alignment: it once returned lengths up to
 * NC_NAME + 7, and the fill wrote past the entry (into the next one, or
 * past the table into name_cache_gen). */
KTEST(name_cache_hash_lengths)
{
	char *buf = kmalloc(256);
	KT_CHECK(buf != NULL);
	for (unsigned off = 0; off < 8; off++) {
		for (size_t len = 0; len < 100; len++) {
			memset(buf, 0x5a, 256);
			memset(buf + off, 'p', len);
			buf[off + len] = '\0';
			uint64_t h;
			size_t n = nc_hash(buf + off, &h);
			KT_CHECK(n == 0 || (n == len && n < NC_NAME));
			KT_CHECK(len == 0 || len >= NC_NAME || n == len);
		}
	}
	kfree(buf);
}

/* The memo answers only for the very string it holds: prefixes, longer
 * strings, a byte changed in the last word, garbage past the NUL, and a
 * namespace change in between. */
static void strlcpy_kt(char *dst, const char *src)
{
	memcpy(dst, src, strlen(src) + 1);      /* the bytes after it stay 'x' */
}

static int nc_lookup(const char *path, struct inode **res)
{
	struct walk w;
	walk_init(&w);
	return walk_path(&w, NULL, path, 0, res);
}

KTEST(name_cache_memo)
{
	char *p = kmalloc(PATH_MAX);             /* 8-aligned, like getname's */
	struct inode *a, *b;
	KT_CHECK(p != NULL);
	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_memo", 0755), 0);
	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_memo/dir1", 0755), 0);
	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_memo/dir2", 0755), 0);

	memset(p, 'x', PATH_MAX);
	strlcpy_kt(p, "/tmp/kt_memo/dir1");
	KT_CHECK_EQ(nc_lookup(p, &a), 0);
	KT_CHECK_EQ(nc_lookup(p, &b), 0);        /* the memo's answer */
	KT_CHECK(a == b);
	iput(b);
	strlcpy_kt(p, "/tmp/kt_memo/dir2");          /* differs in the last word */
	KT_CHECK_EQ(nc_lookup(p, &b), 0);
	KT_CHECK(a != b);
	iput(b);
	strlcpy_kt(p, "/tmp/kt_memo/dir1");
	KT_CHECK_EQ(nc_lookup(p, &b), 0);
	KT_CHECK(a == b);
	iput(b);
	strlcpy_kt(p, "/tmp/kt_memo/dir");           /* a prefix */
	KT_CHECK_EQ(nc_lookup(p, &b), -ENOENT);
	strlcpy_kt(p, "/tmp/kt_memo/dir1");
	KT_CHECK_EQ(nc_lookup(p, &b), 0);
	iput(b);
	strlcpy_kt(p, "/tmp/kt_memo/dir1/");         /* longer: a trailing slash */
	KT_CHECK_EQ(nc_lookup(p, &b), 0);
	KT_CHECK(a == b);
	iput(b);
	strlcpy_kt(p, "/tmp/kt_memo/dir1");
	KT_CHECK_EQ(nc_lookup(p, &b), 0);
	iput(b);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_memo/dir1"), 0);   /* a bump */
	KT_CHECK_EQ(nc_lookup(p, &b), -ENOENT);
	iput(a);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_memo/dir2"), 0);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_memo"), 0);
	kfree(p);
}
