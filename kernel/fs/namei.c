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
 * only while the walk stands on them.
 */
#include <synthos/errno.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/vfs.h>
#include "internal.h"

int user_path_empty_ok(const char *upath, char *kbuf)
{
	long n = strncpy_from_user(kbuf, upath, PATH_MAX);
	return (int)n;
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
	char *k = kmalloc(PATH_MAX);
	if (!k) {
		*err = -ENOMEM;
		return NULL;
	}
	int n = empty_ok ? user_path_empty_ok(upath, k) : user_path(upath, k);
	if (n < 0) {
		kfree(k);
		*err = n;
		return NULL;
	}
	*err = 0;
	return k;
}

void putname(char *kpath)
{
	kfree(kpath);
}

void walk_init(struct walk *w)
{
	w->root = cur_root();
	w->links = 0;
}

int walk_step(struct walk *w, struct inode *dir, const char *name, size_t len,
	      struct inode **res)
{
	struct inode *child;
	int err;

	if (len == 1 && name[0] == '.') {
		*res = inode_get(dir);
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		struct inode *d = dir;
		while (d != w->root && d->sb->root == d && d->sb->covered)
			d = d->sb->covered;
		if (d == w->root) {
			*res = inode_get(d);
			return 0;
		}
		if (!d->iops || !d->iops->lookup)
			return -ENOTDIR;
		return d->iops->lookup(d, name, len, res);
	}
	if (!dir->iops || !dir->iops->lookup)
		return -ENOTDIR;
	err = dir->iops->lookup(dir, name, len, &child);
	if (err)
		return err;
	while (child->mounted) {
		struct inode *top = inode_get(child->mounted->root);
		inode_put(child);
		child = top;
	}
	*res = child;
	return 0;
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
static struct inode *walk_start(struct walk *w, struct inode *base, const char **path)
{
	if (**path != '/')
		return inode_get(base ? base : cur_cwd());
	while (**path == '/')
		(*path)++;
	return inode_get(w->root);
}

int walk_path(struct walk *w, struct inode *base, const char *path, unsigned flags,
	      struct inode **res)
{
	struct inode *cur = walk_start(w, base, &path), *child;
	int err = 0;

	if (!*path) {                    /* "/" (or "" from a kernel caller) */
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
		err = walk_step(w, cur, name, len, &child);
		if (err)
			break;
		if (S_ISLNK(child->mode) && (!last || slash || (flags & LOOKUP_FOLLOW))) {
			err = walk_follow(w, cur, child, &child);
			if (err)
				break;
		}
		inode_put(cur);
		cur = child;
		if (last) {
			if ((slash || (flags & LOOKUP_DIRECTORY)) && !S_ISDIR(cur->mode)) {
				err = -ENOTDIR;
				break;
			}
			*res = cur;
			return 0;
		}
	}
	inode_put(cur);
	return err;
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
		err = walk_step(w, cur, name, len, &child);
		if (err)
			break;
		if (S_ISLNK(child->mode)) {
			err = walk_follow(w, cur, child, &child);
			if (err)
				break;
		}
		inode_put(cur);
		cur = child;
	}
	inode_put(cur);
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
