/*
 * devfs.c - /dev, and the one call that brings up all of kernel/dev.
 *
 * /dev is the filesystem type "devtmpfs": each mount is a fresh ramfs
 * instance filled with the device nodes the kernel has drivers for, so
 * vfs_init() auto-mounts it on /dev and `mount -t devtmpfs none /dev`
 * from an init script gets the same tree. What is in it:
 *
 *   null (1,3)  zero (1,5)  full (1,7)  random (1,8)  urandom (1,9)
 *   tty (5,0)  console (5,1)  ttyS0 (4,64)
 *   fd -> /proc/self/fd, stdin/stdout/stderr -> /proc/self/fd/0..2
 *   shm/ (sticky, world-writable: POSIX shared memory)  pts/
 *
 * Being a ramfs, the tree is writable: mknod, mkfifo and symlinks work as
 * on Linux's devtmpfs.
 *
 * No state of its own beyond the registered type.
 */
#include <synthos/devices.h>
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/vfs.h>

struct devnode {
	const char *name;
	uint32_t mode;
	unsigned major, minor;
	const char *target;     /* symlinks */
};

static const struct devnode dev_nodes[] = {
	{ "null",    S_IFCHR | 0666, MEM_MAJOR, 3, NULL },
	{ "zero",    S_IFCHR | 0666, MEM_MAJOR, 5, NULL },
	{ "full",    S_IFCHR | 0666, MEM_MAJOR, 7, NULL },
	{ "random",  S_IFCHR | 0666, MEM_MAJOR, 8, NULL },
	{ "urandom", S_IFCHR | 0666, MEM_MAJOR, 9, NULL },
	{ "tty",     S_IFCHR | 0666, TTYAUX_MAJOR, 0, NULL },
	{ "console", S_IFCHR | 0600, TTYAUX_MAJOR, 1, NULL },
	{ "ttyS0",   S_IFCHR | 0660, TTY_MAJOR, 64, NULL },
	{ "fd",      S_IFLNK | 0777, 0, 0, "/proc/self/fd" },
	{ "stdin",   S_IFLNK | 0777, 0, 0, "/proc/self/fd/0" },
	{ "stdout",  S_IFLNK | 0777, 0, 0, "/proc/self/fd/1" },
	{ "stderr",  S_IFLNK | 0777, 0, 0, "/proc/self/fd/2" },
	{ "shm",     S_IFDIR | 01777, 0, 0, NULL },
	{ "pts",     S_IFDIR | 0755, 0, 0, NULL },
};

static int devfs_fill(struct inode *root)
{
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		const struct devnode *d = &dev_nodes[i];
		struct inode *ino;
		int r = root->iops->create(root, d->name, strlen(d->name), d->mode,
					   S_ISCHR(d->mode) ? MKDEV(d->major, d->minor) : 0,
					   d->target, &ino);
		if (r)
			return r;
		inode_put(ino);
	}
	return 0;
}

static int devfs_mount(struct fs_type *t, const char *source, unsigned long flags,
		       const void *data, struct super_block **res)
{
	struct super_block *sb;
	int r = ramfs_new(&sb);
	if (r)
		return r;
	sb->type = t;
	r = devfs_fill(sb->root);
	if (r) {
		if (sb->ops && sb->ops->kill_sb)
			sb->ops->kill_sb(sb);
		kfree(sb);
		return r;
	}
	*res = sb;
	return 0;
}

static struct fs_type devtmpfs_type = {
	.name = "devtmpfs", .auto_mount = "/dev", .mount = devfs_mount,
};

static bool devices_ready;

bool devices_initialized(void)
{
	return devices_ready;
}

/*
 * Registers the character devices and the "devtmpfs" and "proc" types,
 * and seeds the random generator. Before or after vfs_init(): a type
 * registered after it is mounted at once.
 */
void devices_init(void)
{
	if (devices_ready)
		return;
	devices_ready = true;
	mem_devices_init();
	tty_devices_init();
	int r = vfs_register_fs(&devtmpfs_type);
	if (r)
		pr_warn("devfs: cannot register devtmpfs: %d\n", r);
	procfs_init();
}
