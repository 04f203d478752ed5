/*
 * ramfs.c - the in-memory filesystem: "/" and every tmpfs mount.
 *
 * Everything lives in kernel memory: inodes (kmalloc), a ramfs_node per
 * inode (ramfs.h), directory entries as a list per directory, symlink
 * targets as strings, file data in pages (ramfs_file.c). Nothing is ever
 * written back; the filesystem is as durable as the machine's power.
 *
 * Invariants:
 *  - A directory's entries hold their inodes through nlink only. An
 *    inode with nlink 0 and refcount 0 is freed at once (inode_put's
 *    default rule, which ramfs keeps); with refcount > 0 it lives on,
 *    nameless, until its last user puts it.
 *  - Directory nlink = 2 + number of subdirectories; a removed directory
 *    has nlink 0 and no entries.
 *  - A directory's parent pointer is not a reference while it has a
 *    name: the parent cannot go while the child is in it (ENOTEMPTY).
 *    Removing a directory that is in use (a cwd, an open descriptor)
 *    turns the pointer into a reference (parent_ref), so ".." there still
 *    works as on Linux; removing an unused one clears it.
 *  - Entry cookies are unique per directory and increase along the list.
 *  - Once a directory has buckets, every entry is in exactly one chain
 *    (the one of its hash); buckets go only with the directory.
 *
 * Every change to a directory's entries (add_entry, remove_entry,
 * rename) drops namei.c's name cache (name_cache_invalidate).
 *
 * Locking: none (see <synthos/vfs.h>); no function here sleeps.
 */
#include <synthos/errno.h>
#include <synthos/page_alloc.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/vfs.h>
#include "internal.h"
#include "ramfs.h"

/* A directory's st_size, as tmpfs reports it: 20 bytes per entry, "." and
 * ".." included. Nothing reads it but ls -l, which should agree with Linux. */
#define BOGO_DIRENT_SIZE 20

static const struct inode_ops ramfs_iops;
static const struct file_ops ramfs_dir_fops;

static struct inode *ramfs_new_inode(struct super_block *sb, uint32_t mode, uint64_t rdev)
{
	struct inode *ino = inode_alloc(sb, mode);
	struct ramfs_node *rn = kzalloc(sizeof(*rn));
	if (!ino || !rn) {
		kfree(rn);
		if (ino) {
			ino->nlink = 0;
			inode_put(ino);
		}
		return NULL;
	}
	list_init(&rn->entries);
	rn->next_cookie = 2;
	ino->priv = rn;
	ino->iops = &ramfs_iops;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		ino->fops = &ramfs_dir_fops;
		ino->nlink = 2;
		ino->size = 2 * BOGO_DIRENT_SIZE;
		break;
	case S_IFREG:
		ino->fops = &ramfs_file_fops;
		break;
	case S_IFCHR:
	case S_IFBLK:
		ino->rdev = rdev;
		break;
	}
	return ino;
}

/* ---- directory entries: a list in cookie order, plus a hash table ---- */

#define HASH_MIN_BUCKETS 64
#define HASH_MAX_BUCKETS (1u << 19)      /* 4 MiB of chains: kmalloc's limit */

static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;                /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static inline __attribute__((always_inline)) struct ramfs_dirent *
find_entry(struct inode *dir, const char *name, size_t len)
{
	struct ramfs_node *rn = dir->priv;
	if (rn->buckets) {
		uint32_t h = name_hash(name, len);
		for (struct ramfs_dirent *d = rn->buckets[h & (rn->nbuckets - 1)]; d; d = d->hnext)
			if (d->hash == h && d->len == len && name_eq(d->name, name, len))
				return d;
		return NULL;
	}
	struct list_head *pos;
	list_for_each(pos, &rn->entries) {
		struct ramfs_dirent *d = list_entry(pos, struct ramfs_dirent, link);
		if (d->len == len && name_eq(d->name, name, len))
			return d;
	}
	return NULL;
}

/* Out of line for the namespace operations; lookup inlines find_entry. */
static struct ramfs_dirent *find(struct inode *dir, const char *name, size_t len)
{
	return find_entry(dir, name, len);
}

static void hash_insert(struct ramfs_node *rn, struct ramfs_dirent *d)
{
	struct ramfs_dirent **b = &rn->buckets[d->hash & (rn->nbuckets - 1)];
	d->hnext = *b;
	*b = d;
}

/* Two entries per bucket on average at most; a failed allocation only
 * leaves the chains longer. */
static void hash_grow(struct ramfs_node *rn)
{
	size_t n = rn->nbuckets ? rn->nbuckets * 2 : HASH_MIN_BUCKETS;
	if (rn->count < (rn->nbuckets ? rn->nbuckets * 2 : HASH_MIN_BUCKETS / 2) ||
	    n > HASH_MAX_BUCKETS)
		return;
	struct ramfs_dirent **b = kzalloc(n * sizeof(*b));
	if (!b)
		return;
	kfree(rn->buckets);
	rn->buckets = b;
	rn->nbuckets = n;
	struct list_head *pos;
	list_for_each(pos, &rn->entries)
		hash_insert(rn, list_entry(pos, struct ramfs_dirent, link));
}

static int add_entry(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
	struct ramfs_node *rn = dir->priv;
	name_cache_invalidate();
	struct ramfs_dirent *d = kmalloc(sizeof(*d) + len);
	if (!d)
		return -ENOSPC;
	d->inode = ino;
	d->len = (uint32_t)len;
	d->hash = name_hash(name, len);
	memcpy(d->name, name, len);
	d->cookie = rn->next_cookie++;
	list_add_tail(&d->link, &rn->entries);
	rn->count++;
	dir->size += BOGO_DIRENT_SIZE;
	if (rn->buckets)
		hash_insert(rn, d);
	hash_grow(rn);
	inode_touch(dir, true, true);
	return 0;
}

static void remove_entry(struct inode *dir, struct ramfs_dirent *d)
{
	struct ramfs_node *rn = dir->priv;
	name_cache_invalidate();
	if (rn->buckets) {
		struct ramfs_dirent **p = &rn->buckets[d->hash & (rn->nbuckets - 1)];
		while (*p != d)
			p = &(*p)->hnext;
		*p = d->hnext;
	}
	list_del(&d->link);
	rn->count--;
	dir->size -= BOGO_DIRENT_SIZE;
	kfree(d);
	inode_touch(dir, true, true);
}

/* dir_hint upkeep (see vfs.h): dir holds a name of ino now / no more. */
static void hint_set(struct inode *ino, struct inode *dir)
{
	if (!S_ISDIR(ino->mode))
		ino->dir_hint = dir;
}

static void hint_drop(struct inode *ino, struct inode *dir)
{
	if (ino->dir_hint == dir)
		ino->dir_hint = NULL;
}

static int ramfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **res)
{
	struct ramfs_node *rn = dir->priv;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if (rn->parent)
			*res = inode_get(rn->parent);
		else if (dir == dir->sb->root)
			*res = inode_get(dir);
		else
			return -ENOENT;
		return 0;
	}
	struct ramfs_dirent *d = find_entry(dir, name, len);
	if (!d)
		return -ENOENT;
	struct inode *ino = d->inode;         /* inode_get(d->inode), inline */
	ino->refcount++;
	ino->sb->refs++;
	*res = ino;
	return 0;
}

static int ramfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
			uint64_t rdev, const char *target, struct inode **res)
{
	struct ramfs_node *rn;
	struct inode *ino;
	int err;

	if (dir->nlink == 0)
		return -ENOENT;
	if (find(dir, name, len))
		return -EEXIST;
	ino = ramfs_new_inode(dir->sb, mode, rdev);
	if (!ino)
		return -ENOSPC;
	rn = ino->priv;
	if (S_ISLNK(mode)) {
		size_t tlen = strlen(target);
		rn->target = kmalloc(tlen + 1);
		if (!rn->target) {
			err = -ENOSPC;
			goto fail;
		}
		memcpy(rn->target, target, tlen + 1);
		ino->size = tlen;
	}
	err = add_entry(dir, name, len, ino);
	if (err)
		goto fail;
	if (S_ISDIR(mode)) {
		rn->parent = dir;
		dir->nlink++;
	}
	hint_set(ino, dir);
	*res = ino;
	return 0;
fail:
	ino->nlink = 0;
	inode_put(ino);
	return err;
}

static int ramfs_link(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
	if (dir->nlink == 0 || ino->nlink == 0)
		return -ENOENT;
	if (find(dir, name, len))
		return -EEXIST;
	if (ino->nlink >= 0xfffffff0u)
		return -EMLINK;
	int err = add_entry(dir, name, len, ino);
	if (err)
		return err;
	ino->nlink++;
	if (!ino->dir_hint)
		hint_set(ino, dir);
	inode_touch(ino, false, true);
	return 0;
}

/*
 * A removed directory's reference on its parent is dropped when it is
 * evicted; that put can evict the parent, whose eviction puts its own
 * parent... Doing it recursively would take stack in proportion to the
 * depth of a removed tree, so the puts run in a loop here: each eviction
 * leaves at most one parent in pending.
 */
static struct inode *pending_parent;
static bool draining_parents;

static void release_parent(struct inode *parent)
{
	if (draining_parents) {
		pending_parent = parent;
		return;
	}
	draining_parents = true;
	while (parent) {
		pending_parent = NULL;
		inode_put(parent);
		parent = pending_parent;
	}
	draining_parents = false;
}

/* Take a directory entry's inode off its name (entry already gone); the
 * caller holds a reference on ino. */
static void drop_name(struct inode *dir, struct inode *ino)
{
	if (S_ISDIR(ino->mode)) {
		struct ramfs_node *rn = ino->priv;
		if (ino->refcount > 1) {
			rn->parent = inode_get(dir);
			rn->parent_ref = true;
		} else {
			rn->parent = NULL;
		}
		ino->nlink = 0;
		dir->nlink--;
	} else {
		ino->nlink--;
		hint_drop(ino, dir);
	}
	inode_touch(ino, false, true);
}

static int ramfs_unlink(struct inode *dir, const char *name, size_t len, bool isdir)
{
	struct ramfs_dirent *d = find(dir, name, len);
	if (!d)
		return -ENOENT;
	struct inode *ino = d->inode;
	if (isdir && ((struct ramfs_node *)ino->priv)->count)
		return -ENOTEMPTY;
	inode_get(ino);                  /* freed by this put if that was the last name */
	remove_entry(dir, d);
	drop_name(dir, ino);
	inode_put(ino);
	return 0;
}

/* ino moves from odir to ndir: fix the ".." bookkeeping of a directory. */
static void reparent(struct inode *ino, struct inode *odir, struct inode *ndir)
{
	if (!S_ISDIR(ino->mode) || odir == ndir)
		return;
	((struct ramfs_node *)ino->priv)->parent = ndir;
	odir->nlink--;
	ndir->nlink++;
}

static int ramfs_rename(struct inode *odir, const char *oname, size_t olen,
			struct inode *ndir, const char *nname, size_t nlen, unsigned flags)
{
	struct ramfs_dirent *od = find(odir, oname, olen);
	struct ramfs_dirent *nd = find(ndir, nname, nlen);
	struct inode *src, *victim;

	name_cache_invalidate();        /* entries change inode in place below */
	if (!od)
		return -ENOENT;
	if (ndir->nlink == 0)
		return -ENOENT;
	src = od->inode;
	if (flags & RENAME_EXCHANGE) {
		if (!nd)
			return -ENOENT;
		victim = nd->inode;
		od->inode = victim;
		nd->inode = src;
		reparent(src, odir, ndir);
		reparent(victim, ndir, odir);
		hint_set(src, ndir);
		hint_set(victim, odir);
		inode_touch(src, false, true);
		inode_touch(victim, false, true);
		inode_touch(odir, true, true);
		inode_touch(ndir, true, true);
		return 0;
	}
	if (nd) {
		victim = nd->inode;
		if (S_ISDIR(victim->mode) && ((struct ramfs_node *)victim->priv)->count)
			return -ENOTEMPTY;
		/* The target's entry takes the source inode in place. */
		inode_get(victim);
		nd->inode = src;
		drop_name(ndir, victim);
		inode_put(victim);
		inode_touch(ndir, true, true);
	} else {
		int err = add_entry(ndir, nname, nlen, src);
		if (err)
			return err;
		/* add_entry may have moved od's list neighbours, never od itself. */
	}
	remove_entry(odir, od);
	reparent(src, odir, ndir);
	hint_set(src, ndir);
	inode_touch(src, false, true);
	return 0;
}

static int ramfs_readlink(struct inode *ino, char *buf, size_t size)
{
	struct ramfs_node *rn = ino->priv;
	size_t n = MIN(size, (size_t)ino->size);
	memcpy(buf, rn->target, n);
	return (int)n;
}

static const struct inode_ops ramfs_iops = {
	.lookup = ramfs_lookup,
	.create = ramfs_create,
	.link = ramfs_link,
	.unlink = ramfs_unlink,
	.rename = ramfs_rename,
	.readlink = ramfs_readlink,
	.truncate = ramfs_truncate,
};

static int ramfs_iterate(struct file *f, dir_emit_t emit, void *ctx)
{
	struct inode *dir = f->inode;
	struct ramfs_node *rn = dir->priv;
	struct list_head *pos;

	if (dir_emit_dots(f, emit, ctx, rn->parent ? rn->parent->ino : dir->ino))
		return 0;
	list_for_each(pos, &rn->entries) {
		struct ramfs_dirent *d = list_entry(pos, struct ramfs_dirent, link);
		if (d->cookie < f->pos)
			continue;
		if (emit(ctx, d->name, d->len, d->inode->ino, IFTODT(d->inode->mode), d->cookie + 1))
			return 0;
		f->pos = d->cookie + 1;
	}
	return 0;
}

static int ramfs_dir_fsync(struct file *f)
{
	return 0;
}

static const struct file_ops ramfs_dir_fops = {
	.llseek = generic_file_llseek,
	.iterate = ramfs_iterate,
	.fsync = ramfs_dir_fsync,
};

/* ---- the super block ---- */

static void ramfs_evict(struct inode *ino)
{
	struct ramfs_node *rn = ino->priv;
	if (!rn)
		return;
	if (S_ISREG(ino->mode))
		ramfs_free_pages(ino);
	if (rn->parent_ref)
		release_parent(rn->parent);
	kfree(rn->target);
	kfree(rn->buckets);
	kfree(rn);
	ino->priv = NULL;
}

static void ramfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	st->type = sb->magic;
	st->bsize = PAGE_SIZE;
	st->blocks = page_alloc_total_pages();
	st->bfree = page_alloc_free_pages();
	st->bavail = st->bfree;
	st->files = st->bfree * 4;     /* an inode is about a quarter page */
	st->ffree = st->files;
	st->namelen = NAME_MAX;
}

/*
 * Unmount: free the whole tree without recursion (directories can nest
 * deeper than the kernel stack allows), going down through the first
 * entry of each directory and back up by parent pointers. umount checked
 * that only the root is referenced.
 */
static void ramfs_kill_sb(struct super_block *sb)
{
	struct inode *dir = sb->root;
	for (;;) {
		struct ramfs_node *rn = dir->priv;
		if (!list_empty(&rn->entries)) {
			struct ramfs_dirent *d = list_first_entry(&rn->entries, struct ramfs_dirent, link);
			struct inode *ino = d->inode;
			if (S_ISDIR(ino->mode) && ((struct ramfs_node *)ino->priv)->count) {
				dir = ino;
				continue;
			}
			ramfs_unlink(dir, d->name, d->len, S_ISDIR(ino->mode));
			continue;
		}
		if (dir == sb->root)
			break;
		struct inode *parent = rn->parent;
		dir = parent;
	}
	dir->nlink = 0;
	sb->root = NULL;
	inode_put(dir);
}

const struct super_ops ramfs_super_ops = {
	.evict = ramfs_evict,
	.statfs = ramfs_statfs,
	.kill_sb = ramfs_kill_sb,
};

int ramfs_new(struct super_block **res)
{
	struct super_block *sb = sb_alloc(&ramfs_super_ops, TMPFS_MAGIC);
	if (!sb)
		return -ENOMEM;
	sb->root = ramfs_new_inode(sb, S_IFDIR | 0755, 0);
	if (!sb->root) {
		kfree(sb);
		return -ENOMEM;
	}
	*res = sb;
	return 0;
}
