/*
 * fs_ktests.c - self-tests of the VFS and ramfs through the kernel's own
 * entry points (vfs_open, kernel_read/write, the vfs_* namespace helpers,
 * path lookup, descriptor tables, mounts). The system calls on top of
 * these are exercised from user space by user/usertests.
 *
 * Every test works under /tmp/kt_* and removes what it made: the runner
 * fails a test that leaks kmalloc memory, and the page-holding tests
 * compare the free page count too. They run on the boot thread, which
 * has no process: paths resolve from the global root.
 */
#include <synthos/errno.h>
#include <synthos/format.h>
#include <synthos/initrd.h>
#include <synthos/ktest.h>
#include <synthos/page_alloc.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/vfs.h>
#include <arch/page.h>
#include "internal.h"

static struct inode *lookup(const char *path, unsigned flags, int *err)
{
	struct inode *ino = NULL;
	*err = path_lookup_from(NULL, path, flags, &ino);
	return *err ? NULL : ino;
}

static int lookup_err(const char *path, unsigned flags)
{
	int err;
	struct inode *ino = lookup(path, flags, &err);
	inode_put(ino);
	return err;
}

static int write_file(const char *path, const char *data, size_t n)
{
	int err;
	struct file *f = vfs_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &err);
	if (!f)
		return err;
	ssize_t w = kernel_write(f, data, n, 0);
	file_put(f);
	return w == (ssize_t)n ? 0 : -EIO;
}

/* Every initrd entry is in the VFS with its type, mode and size. */
struct check_ctx {
	int bad;
	char path[PATH_MAX];
};

static int check_entry(const struct cpio_entry *e, void *vctx)
{
	struct check_ctx *c = vctx;
	const char *n = e->name;
	while (n[0] == '/' || (n[0] == '.' && n[1] == '/'))
		n += n[0] == '/' ? 1 : 2;
	if (!*n || strcmp(n, ".") == 0 || strlen(n) + 2 > sizeof(c->path))
		return 0;
	c->path[0] = '/';
	strlcpy(c->path + 1, n, sizeof(c->path) - 1);
	int err;
	struct inode *ino = lookup(c->path, 0, &err);
	if (!ino) {
		c->bad++;
		return 0;
	}
	if ((ino->mode & S_IFMT) != (e->mode & S_IFMT) ||
	    (S_ISREG(ino->mode) && ino->size != e->size))
		c->bad++;
	inode_put(ino);
	return 0;
}

KTEST(fs_initrd_unpacked)
{
	struct check_ctx *c = kzalloc(sizeof(*c));
	KT_CHECK(c != NULL);
	KT_CHECK(vfs_root != NULL);
	initrd_for_each(check_entry, c);
	int bad = c->bad;
	kfree(c);
	KT_CHECK_EQ(bad, 0);
	KT_CHECK_EQ(lookup_err("/dev", LOOKUP_DIRECTORY), 0);
	KT_CHECK_EQ(lookup_err("/proc", LOOKUP_DIRECTORY), 0);
	int err;
	struct inode *tmp = lookup("/tmp", 0, &err);
	KT_CHECK(tmp != NULL);
	uint32_t mode = tmp->mode;
	inode_put(tmp);
	KT_CHECK_EQ(mode & 07777, 01777);

	/* The test initrd's known files, when it is the one booted. */
	struct cpio_entry e;
	if (initrd_find("hello.txt", &e) == 0) {
		char buf[64];
		struct file *f = vfs_open("/link", O_RDONLY, 0, &err);
		KT_CHECK(f != NULL);
		ssize_t n = kernel_read(f, buf, sizeof(buf), 0);
		file_put(f);
		KT_CHECK_EQ(n, e.size);
		KT_CHECK(memcmp(buf, e.data, e.size) == 0);
	}
}

KTEST(fs_file_io)
{
	static const char msg[] = "synthos ramfs";
	char buf[32];
	int err;

	kmem_shrink_all();
	size_t free0 = page_alloc_free_pages();
	struct file *f = vfs_open("/tmp/kt_io", O_RDWR | O_CREAT | O_EXCL, 0600, &err);
	KT_CHECK(f != NULL);
	KT_CHECK_EQ(kernel_write(f, msg, sizeof(msg), 0), sizeof(msg));
	KT_CHECK_EQ(kernel_write(f, "X", 1, 3 * PAGE_SIZE + 1), 1);   /* a hole between */
	KT_CHECK_EQ(file_size(f), 3 * PAGE_SIZE + 2);
	KT_CHECK_EQ(kernel_read(f, buf, sizeof(msg), 0), sizeof(msg));
	KT_CHECK(memcmp(buf, msg, sizeof(msg)) == 0);
	KT_CHECK_EQ(kernel_read(f, buf, 4, PAGE_SIZE), 4);
	KT_CHECK(buf[0] == 0 && buf[3] == 0);
	KT_CHECK_EQ(kernel_read(f, buf, 10, 3 * PAGE_SIZE + 1), 1);
	KT_CHECK_EQ(kernel_read(f, buf, 10, 3 * PAGE_SIZE + 2), 0);
	KT_CHECK_EQ(f->inode->blocks, 2 * PAGE_SIZE / 512);     /* holes hold nothing */

	void *page = alloc_page_va();
	KT_CHECK(page != NULL);
	KT_CHECK_EQ(vfs_read_page(f, 3 * PAGE_SIZE, page), 0);
	bool ok = ((char *)page)[1] == 'X' && ((char *)page)[2] == 0 &&
		  ((char *)page)[PAGE_SIZE - 1] == 0;
	free_page_va(page);
	KT_CHECK(ok);

	/* shrink then grow: the cut-off bytes read back as zeroes */
	KT_CHECK_EQ(do_truncate_inode(f->inode, 4), 0);
	KT_CHECK_EQ(do_truncate_inode(f->inode, 20), 0);
	KT_CHECK_EQ(kernel_read(f, buf, 20, 0), 20);
	KT_CHECK(memcmp(buf, "synt\0\0\0\0", 8) == 0);
	KT_CHECK_EQ(vfs_may_exec(f), -EACCES);
	f->inode->mode |= 0100;
	KT_CHECK_EQ(vfs_may_exec(f), 0);

	/* unlinked while open: still readable, freed at the last put */
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_io"), 0);
	KT_CHECK_EQ(lookup_err("/tmp/kt_io", 0), -ENOENT);
	KT_CHECK_EQ(kernel_read(f, buf, 4, 0), 4);
	KT_CHECK_EQ(f->inode->nlink, 0);
	file_put(f);
	kmem_shrink_all();
	KT_CHECK_EQ(page_alloc_free_pages(), free0);
}

KTEST(fs_open_flags)
{
	int err;
	struct file *f;

	KT_CHECK_EQ(write_file("/tmp/kt_of", "abc", 3), 0);
	f = vfs_open("/tmp/kt_of", O_RDWR | O_CREAT | O_EXCL, 0644, &err);
	KT_CHECK(!f && err == -EEXIST);
	f = vfs_open("/tmp/kt_of", O_RDONLY | O_DIRECTORY, 0, &err);
	KT_CHECK(!f && err == -ENOTDIR);
	f = vfs_open("/tmp", O_WRONLY, 0, &err);
	KT_CHECK(!f && err == -EISDIR);
	f = vfs_open("/tmp/kt_of/", O_RDONLY, 0, &err);
	KT_CHECK(!f && err == -ENOTDIR);
	f = vfs_open("/tmp/kt_none/x", O_RDWR | O_CREAT, 0644, &err);
	KT_CHECK(!f && err == -ENOENT);
	f = vfs_open("/tmp/kt_new/", O_RDWR | O_CREAT, 0644, &err);
	KT_CHECK(!f && err == -EISDIR);
	KT_CHECK_EQ(vfs_symlink("kt_of", "/tmp/kt_ol"), 0);
	f = vfs_open("/tmp/kt_ol", O_RDONLY | O_NOFOLLOW, 0, &err);
	KT_CHECK(!f && err == -ELOOP);
	f = vfs_open("/tmp/kt_ol", O_PATH | O_NOFOLLOW, 0, &err);
	KT_CHECK(f != NULL);
	KT_CHECK(S_ISLNK(f->inode->mode));
	KT_CHECK_EQ(kernel_read(f, &err, 1, 0), -EBADF);
	file_put(f);
	f = vfs_open("/tmp/kt_ol", O_RDONLY | O_TRUNC, 0, &err);   /* truncates even read-only */
	KT_CHECK(f != NULL);
	KT_CHECK_EQ(file_size(f), 0);
	KT_CHECK_EQ(f->flags, O_RDONLY | O_LARGEFILE);
	file_put(f);
	/* O_CREAT through a dangling symlink creates its target */
	KT_CHECK_EQ(vfs_symlink("/tmp/kt_target", "/tmp/kt_dl"), 0);
	f = vfs_open("/tmp/kt_dl", O_WRONLY | O_CREAT, 0644, &err);
	KT_CHECK(f != NULL);
	file_put(f);
	KT_CHECK_EQ(lookup_err("/tmp/kt_target", 0), 0);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_target"), 0);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_dl"), 0);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_ol"), 0);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_of"), 0);
}

KTEST(fs_path_walk)
{
	char *name = kmalloc(PATH_MAX + 16);
	KT_CHECK(name != NULL);

	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_w", 0755), 0);
	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_w/a", 0755), 0);
	KT_CHECK_EQ(write_file("/tmp/kt_w/a/f", "x", 1), 0);
	KT_CHECK_EQ(lookup_err("/tmp/kt_w/a/../a/./f", 0), 0);
	KT_CHECK_EQ(lookup_err("//tmp///kt_w/a//f", 0), 0);
	KT_CHECK_EQ(lookup_err("/../../tmp/kt_w/a/f", 0), 0);        /* ".." stops at "/" */
	KT_CHECK_EQ(lookup_err("/tmp/kt_w/a/f/", 0), -ENOTDIR);
	KT_CHECK_EQ(lookup_err("/tmp/kt_w/a/f/x", 0), -ENOTDIR);
	KT_CHECK_EQ(lookup_err("/tmp/kt_w/a/g", 0), -ENOENT);
	/* "/tmp/" and a component of NAME_MAX + 1 bytes (all of it written:
	 * kmalloc memory is not zeroed). */
	memset(name, 'n', NAME_MAX + 6);
	memcpy(name, "/tmp/", 5);
	name[NAME_MAX + 6] = '\0';
	KT_CHECK_EQ(lookup_err(name, 0), -ENAMETOOLONG);

	/* symlinks: relative, absolute, to directories, loops, the 40 limit */
	KT_CHECK_EQ(vfs_symlink("a/f", "/tmp/kt_w/rel"), 0);
	KT_CHECK_EQ(vfs_symlink("/tmp/kt_w/a", "/tmp/kt_w/abs"), 0);
	KT_CHECK_EQ(lookup_err("/tmp/kt_w/rel", LOOKUP_FOLLOW), 0);
	KT_CHECK_EQ(lookup_err("/tmp/kt_w/abs/f", 0), 0);
	KT_CHECK_EQ(lookup_err("/tmp/kt_w/rel/", 0), -ENOTDIR);
	KT_CHECK_EQ(vfs_symlink("loop", "/tmp/kt_w/loop"), 0);
	KT_CHECK_EQ(lookup_err("/tmp/kt_w/loop", LOOKUP_FOLLOW), -ELOOP);
	KT_CHECK_EQ(lookup_err("/tmp/kt_w/loop", 0), 0);
	KT_CHECK_EQ(vfs_symlink("a/f", "/tmp/kt_w/l0"), 0);
	for (int i = 1; i <= 40; i++) {
		char t[16], p[32];
		ksnprintf(t, sizeof(t), "l%d", i - 1);
		ksnprintf(p, sizeof(p), "/tmp/kt_w/l%d", i);
		KT_CHECK_EQ(vfs_symlink(t, p), 0);
	}
	KT_CHECK_EQ(lookup_err("/tmp/kt_w/l39", LOOKUP_FOLLOW), 0);    /* 40 links */
	KT_CHECK_EQ(lookup_err("/tmp/kt_w/l40", LOOKUP_FOLLOW), -ELOOP);

	/* inode_path: back from a directory to its name */
	int err;
	struct inode *a = lookup("/tmp/kt_w/abs", LOOKUP_FOLLOW, &err);
	KT_CHECK(a != NULL);
	int n = inode_path(a, name, PATH_MAX);
	inode_put(a);
	KT_CHECK_EQ(n, 11);
	KT_CHECK(strcmp(name, "/tmp/kt_w/a") == 0);
	a = lookup("/tmp/kt_w/rel", LOOKUP_FOLLOW, &err);             /* a file, via dir_hint */
	KT_CHECK(a != NULL);
	n = inode_path(a, name, PATH_MAX);
	inode_put(a);
	KT_CHECK_EQ(n, 13);
	KT_CHECK(strcmp(name, "/tmp/kt_w/a/f") == 0);

	for (int i = 0; i <= 40; i++) {
		ksnprintf(name, PATH_MAX, "/tmp/kt_w/l%d", i);
		KT_CHECK_EQ(vfs_unlink(name), 0);
	}
	kfree(name);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_w/a"), -ENOTEMPTY);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_w/a/f"), 0);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_w/a/"), 0);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_w/rel"), 0);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_w/abs"), 0);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_w/loop"), 0);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_w"), 0);
}

KTEST(fs_namespace_ops)
{
	int err;
	struct inode *ino;

	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_n", 0755), 0);
	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_n", 0755), -EEXIST);
	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_n/d1", 0755), 0);
	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_n/d1/d2", 0755), 0);
	ino = lookup("/tmp/kt_n", 0, &err);
	KT_CHECK(ino != NULL);
	KT_CHECK_EQ(ino->nlink, 3);
	KT_CHECK_EQ(write_file("/tmp/kt_n/f", "one", 3), 0);
	KT_CHECK_EQ(write_file("/tmp/kt_n/g", "two!", 4), 0);

	/* hard links */
	KT_CHECK_EQ(vfs_link("/tmp/kt_n/f", "/tmp/kt_n/f2"), 0);
	KT_CHECK_EQ(vfs_link("/tmp/kt_n/f", "/tmp/kt_n/g"), -EEXIST);
	KT_CHECK_EQ(vfs_link("/tmp/kt_n/d1", "/tmp/kt_n/d3"), -EPERM);
	struct inode *f = lookup("/tmp/kt_n/f2", 0, &err);
	KT_CHECK(f != NULL);
	KT_CHECK_EQ(f->nlink, 2);

	/* rename: replace, type clashes, into itself, exchange, no-replace */
	KT_CHECK_EQ(vfs_rename("/tmp/kt_n/d1", "/tmp/kt_n/d1/d2/x", 0), -EINVAL);
	KT_CHECK_EQ(vfs_rename("/tmp/kt_n/f", "/tmp/kt_n/d1", 0), -EISDIR);
	KT_CHECK_EQ(vfs_rename("/tmp/kt_n/d1", "/tmp/kt_n/f", 0), -ENOTDIR);
	KT_CHECK_EQ(vfs_rename("/tmp/kt_n/f", "/tmp/kt_n/g", RENAME_NOREPLACE), -EEXIST);
	KT_CHECK_EQ(vfs_rename("/tmp/kt_n/f", "/tmp/kt_n/f2", 0), 0);   /* same inode: no-op */
	KT_CHECK_EQ(f->nlink, 2);
	KT_CHECK_EQ(vfs_rename("/tmp/kt_n/f", "/tmp/kt_n/g", RENAME_EXCHANGE), 0);
	KT_CHECK_EQ(lookup_err("/tmp/kt_n/g", 0), 0);
	struct inode *g = lookup("/tmp/kt_n/g", 0, &err);
	KT_CHECK(g == f);
	inode_put(g);
	KT_CHECK_EQ(vfs_rename("/tmp/kt_n/f", "/tmp/kt_n/g", 0), 0);     /* g's old inode goes */
	KT_CHECK_EQ(lookup_err("/tmp/kt_n/f", 0), -ENOENT);
	KT_CHECK_EQ(f->nlink, 1);
	KT_CHECK_EQ(vfs_rename("/tmp/kt_n/d1/d2", "/tmp/kt_n/d2", 0), 0);
	KT_CHECK_EQ(ino->nlink, 4);
	KT_CHECK_EQ(vfs_rename("/tmp/kt_n/d2", "/tmp/kt_n/d1", 0), 0);   /* empty dir over empty dir */
	KT_CHECK_EQ(ino->nlink, 3);
	inode_put(f);

	/* unlink / rmdir errors */
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_n/d1"), -EISDIR);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_n/g"), -ENOTDIR);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_n/."), -EINVAL);
	KT_CHECK_EQ(vfs_rmdir("/"), -EBUSY);
	KT_CHECK_EQ(vfs_mknod("/tmp/kt_n/c", S_IFCHR | 0600, MKDEV(1, 3)), 0);
	struct inode *c = lookup("/tmp/kt_n/c", 0, &err);
	KT_CHECK(c != NULL);
	uint64_t rdev = c->rdev;
	inode_put(c);
	KT_CHECK_EQ(rdev, 0x103);

	KT_CHECK_EQ(vfs_unlink("/tmp/kt_n/c"), 0);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_n/g"), 0);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_n/f2"), 0);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_n/d1"), 0);
	KT_CHECK_EQ(ino->nlink, 2);
	inode_put(ino);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_n"), 0);
}

/* getdents positions survive entries vanishing between calls. */
struct names {
	char seen[8][8];
	int n;
	int limit;
};

static int collect(void *vctx, const char *name, size_t len, uint64_t ino,
		   unsigned dtype, uint64_t next_pos)
{
	struct names *c = vctx;
	if (c->n == c->limit || len >= 8)
		return 1;
	memcpy(c->seen[c->n], name, len);
	c->seen[c->n++][len] = '\0';
	return 0;
}

KTEST(fs_readdir)
{
	static const char *const files[] = { "/tmp/kt_r/a", "/tmp/kt_r/b", "/tmp/kt_r/c" };
	struct names c = { .limit = 3 };
	int err;

	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_r", 0755), 0);
	for (int i = 0; i < 3; i++)
		KT_CHECK_EQ(write_file(files[i], "", 0), 0);
	struct file *d = vfs_open("/tmp/kt_r", O_RDONLY | O_DIRECTORY, 0, &err);
	KT_CHECK(d != NULL);
	KT_CHECK_EQ(d->ops->iterate(d, collect, &c), 0);
	KT_CHECK_EQ(c.n, 3);
	KT_CHECK(strcmp(c.seen[0], ".") == 0 && strcmp(c.seen[1], "..") == 0 &&
		 strcmp(c.seen[2], "a") == 0);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_r/b"), 0);
	c.limit = 8;
	KT_CHECK_EQ(d->ops->iterate(d, collect, &c), 0);
	KT_CHECK_EQ(c.n, 4);
	KT_CHECK(strcmp(c.seen[3], "c") == 0);
	file_put(d);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_r/a"), 0);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_r/c"), 0);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_r"), 0);
}

KTEST(fs_big_file)
{
	enum { CHUNK = 1 << 20, MIB = 65 };
	int err;

	kmem_shrink_all();
	size_t free0 = page_alloc_free_pages();
	char *buf = kmalloc(CHUNK);
	KT_CHECK(buf != NULL);
	struct file *f = vfs_open("/tmp/kt_big", O_RDWR | O_CREAT | O_TRUNC, 0644, &err);
	if (!f)
		kfree(buf);
	KT_CHECK(f != NULL);
	bool ok = true;
	for (int i = 0; i < MIB && ok; i++) {
		memset(buf, i + 1, CHUNK);
		ok = kernel_write(f, buf, CHUNK, (uint64_t)i * CHUNK) == CHUNK;
	}
	for (int i = 0; i < MIB && ok; i += 7) {
		ok = kernel_read(f, buf, 3, (uint64_t)i * CHUNK + CHUNK - 2) == 3 &&
		     buf[0] == i + 1 && buf[1] == i + 1 && buf[2] == i + 2;
	}
	uint64_t size = file_size(f);
	/* far beyond: the tree grows, only a page or two more */
	if (ok)
		ok = kernel_write(f, "z", 1, 1ULL << 40) == 1;
	file_put(f);
	kfree(buf);
	KT_CHECK(ok);
	KT_CHECK_EQ(size, (uint64_t)MIB * CHUNK);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_big"), 0);
	kmem_shrink_all();
	KT_CHECK_EQ(page_alloc_free_pages(), free0);
}

KTEST(fs_fdtable)
{
	int err;
	struct fdtable *t = fdtable_new();
	KT_CHECK(t != NULL);
	struct file *f = vfs_open("/", O_RDONLY, 0, &err);
	if (!f)
		fdtable_put(t);
	KT_CHECK(f != NULL);
	KT_CHECK_EQ(fd_install(t, f, 0, false), 0);
	KT_CHECK_EQ(fd_install(t, file_get(f), 0, true), 1);
	KT_CHECK_EQ(fd_install(t, file_get(f), 5, false), 5);
	KT_CHECK_EQ(fd_install(t, file_get(f), 0, false), 2);
	KT_CHECK_EQ(f->refcount, 4);
	int last = 0;
	for (int i = 0; i < 2000; i++) {
		int fd = fd_install(t, file_get(f), 0, false);
		if (fd < 0) {
			file_put(f);
			KT_CHECK_EQ(fd, -EMFILE);
			break;
		}
		last = fd;
	}
	KT_CHECK_EQ(last, fd_limit() - 1);
	struct fdtable *t2 = fdtable_dup(t);
	KT_CHECK(t2 != NULL);
	KT_CHECK(fd_get_cloexec(t2, 1));
	KT_CHECK_EQ(f->refcount, 2 * fd_limit());
	fdtable_close_on_exec(t2);
	KT_CHECK(fdtable_file(t2, 1) == NULL);
	KT_CHECK_EQ(fd_close(t2, 1), -EBADF);
	KT_CHECK_EQ(fd_install_at(t2, 1, file_get(f), false), 1);
	fdtable_put(t2);
	KT_CHECK_EQ(f->refcount, fd_limit());
	fdtable_put(t);
}

KTEST(fs_mount_tmpfs)
{
	int err;
	size_t kmalloc0 = kmalloc_bytes_in_use();

	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_m", 0755), 0);
	KT_CHECK_EQ(vfs_mount("kt", "/tmp/kt_m", "tmpfs", 0, "mode=700"), 0);
	KT_CHECK_EQ(vfs_mount("kt", "/tmp/kt_m", "nosuchfs", 0, NULL), -ENODEV);
	struct inode *root = lookup("/tmp/kt_m", 0, &err);
	KT_CHECK(root != NULL);
	KT_CHECK(root->sb != vfs_root->sb);
	KT_CHECK_EQ(root->mode, S_IFDIR | 0700);
	inode_put(root);
	KT_CHECK_EQ(vfs_mkdir("/tmp/kt_m/sub", 0755), 0);
	KT_CHECK_EQ(write_file("/tmp/kt_m/sub/f", "data", 4), 0);
	KT_CHECK_EQ(lookup_err("/tmp/kt_m/sub/../../kt_m/sub/f", 0), 0);   /* ".." crosses back */
	KT_CHECK_EQ(vfs_link("/tmp/kt_m/sub/f", "/tmp/kt_x"), -EXDEV);
	KT_CHECK_EQ(vfs_rename("/tmp/kt_m/sub/f", "/tmp/kt_x", 0), -EXDEV);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_m"), -EBUSY);
	struct file *f = vfs_open("/tmp/kt_m/sub/f", O_RDONLY, 0, &err);
	KT_CHECK(f != NULL);
	KT_CHECK_EQ(vfs_umount("/tmp/kt_m", 0), -EBUSY);
	file_put(f);
	KT_CHECK_EQ(vfs_umount("/tmp/kt_m/sub", 0), -EINVAL);
	KT_CHECK_EQ(vfs_umount("/tmp/kt_m", 0), 0);                 /* frees the whole tree */
	KT_CHECK_EQ(lookup_err("/tmp/kt_m/sub", 0), -ENOENT);
	KT_CHECK_EQ(vfs_umount("/", 0), -EBUSY);
	KT_CHECK_EQ(vfs_rmdir("/tmp/kt_m"), 0);
	KT_CHECK_EQ(kmalloc_bytes_in_use(), kmalloc0);
}

KTEST(fs_console)
{
	int err;
	struct file *f = console_open(&err);
	if (lookup_err("/dev/console", 0) == -ENOENT) {
		KT_CHECK(f == NULL);
		KT_CHECK_EQ(err, -ENODEV);
		return;
	}
	KT_CHECK(f != NULL);
	KT_CHECK(S_ISCHR(f->inode->mode));
	KT_CHECK(f->ops->write != NULL);
	file_put(f);
}

/* MAP_SHARED support: the file's own page, counted, outliving a truncate. */
KTEST(fs_shared_page)
{
	int err;
	char buf[8];

	kmem_shrink_all();
	size_t free0 = page_alloc_free_pages();
	struct file *f = vfs_open("/tmp/kt_sp", O_RDWR | O_CREAT | O_EXCL, 0644, &err);
	KT_CHECK(f != NULL);
	KT_CHECK_EQ(kernel_write(f, "abcdef", 6, 0), 6);
	struct page *pg = NULL;
	KT_CHECK_EQ(vfs_get_page(f, PAGE_SIZE, &pg), -EIO);
	KT_CHECK_EQ(vfs_get_page(f, 5, &pg), 0);
	KT_CHECK_EQ(pg->refcount, 2);
	char *p = page_to_virt(pg);
	p[1] = 'B';
	p[100] = 'Q';                          /* stored past EOF through a mapping */
	KT_CHECK_EQ(kernel_read(f, buf, 6, 0), 6);
	KT_CHECK(buf[1] == 'B');
	KT_CHECK_EQ(do_truncate_inode(f->inode, 200), 0);
	KT_CHECK_EQ(kernel_read(f, buf, 1, 100), 1);
	KT_CHECK(buf[0] == 0);                 /* growing cleared it */
	KT_CHECK_EQ(do_truncate_inode(f->inode, 0), 0);
	KT_CHECK_EQ(pg->refcount, 1);          /* only the "mapping" holds it now */
	pg->refcount = 0;
	free_pages(pg, 0);
	file_put(f);
	KT_CHECK_EQ(vfs_unlink("/tmp/kt_sp"), 0);
	kmem_shrink_all();
	KT_CHECK_EQ(page_alloc_free_pages(), free0);
}
