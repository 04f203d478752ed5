/*
 * mount.c - filesystem types, the mount table, mount(2)/umount2(2), and
 * vfs_init(), which builds "/" at boot.
 *
 * A mount is a super block attached to a directory: sb->covered is the
 * directory (held by reference), covered->mounted the super block. The
 * path walk steps from a covered directory onto the mounted root and back
 * down on "..". Mounting on a directory that already has something
 * mounted mounts on top of it (the walk lands on the top root).
 *
 * Types: "tmpfs" and "ramfs" are built in (a fresh ramfs each time);
 * other code registers more with vfs_register_fs() -- procfs, devtmpfs --
 * and a type with auto_mount is mounted there by vfs_init(), or at once
 * if it registers later. mount(2) supports new mounts, MS_REMOUNT (flags
 * only) and propagation changes (accepted, no effect); not MS_BIND or
 * MS_MOVE (EINVAL).
 *
 * The mount list (mounts) is in mount order, "/" first; /proc/mounts
 * reads it through vfs_for_each_mount().
 *
 * Locking: none (see <synthos/vfs.h>).
 */
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/panic.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/syscall.h>
#include <synthos/uaccess.h>
#include <synthos/vfs.h>
#include "internal.h"

#define MS_RDONLY      1
#define MS_REMOUNT     32
#define MS_BIND        4096
#define MS_MOVE        8192
#define MS_PROPAGATION ((1ul << 17) | (1ul << 18) | (1ul << 19) | (1ul << 20))
#define MS_MGC_MSK     0xffff0000ul
#define MS_MGC_VAL     0xC0ED0000ul

#define MNT_FORCE       1
#define MNT_DETACH      2
#define MNT_EXPIRE      4
#define UMOUNT_NOFOLLOW 8
#define MOUNT_DATA_MAX  4096            /* option string, as Linux copies one page */

static LIST_HEAD(mounts);
static struct fs_type *fs_types;
static bool vfs_ready;

/* ---- built-in types ---- */

/* "mode=1777" in tmpfs's option string sets the root's mode. */
static void tmpfs_options(struct super_block *sb, const char *data)
{
	for (const char *p = data; p && *p;) {
		if (strncmp(p, "mode=", 5) == 0) {
			uint32_t m = 0;
			for (p += 5; *p >= '0' && *p <= '7'; p++)
				m = m * 8 + (uint32_t)(*p - '0');
			sb->root->mode = S_IFDIR | (m & 07777);
		}
		const char *comma = strchr(p, ',');
		p = comma ? comma + 1 : NULL;
	}
}

static int ramfs_type_mount(struct fs_type *t, const char *source, unsigned long flags,
			    const void *data, struct super_block **res)
{
	int err = ramfs_new(res);
	if (err)
		return err;
	tmpfs_options(*res, data);
	return 0;
}

static struct fs_type rootfs_type = { .name = "rootfs" };
static struct fs_type ramfs_type = { .name = "ramfs", .mount = ramfs_type_mount };
static struct fs_type tmpfs_type = { .name = "tmpfs", .mount = ramfs_type_mount,
				     .next = &ramfs_type };

static struct fs_type *find_type(const char *name)
{
	for (struct fs_type *t = fs_types; t; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	for (struct fs_type *t = &tmpfs_type; t; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* ---- attaching and detaching ---- */

int vfs_mount_at(struct inode *dir, struct super_block *sb)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (dir->mounted)
		return -EBUSY;
	sb->covered = inode_get(dir);
	dir->mounted = sb;
	name_cache_invalidate();        /* paths through dir now lead elsewhere */
	list_add_tail(&sb->link, &mounts);
	return 0;
}

static int mount_type(struct fs_type *t, const char *source, struct inode *dir,
		      unsigned long flags, const void *data)
{
	struct super_block *sb;
	int err = t->mount(t, source, flags, data, &sb);
	if (err)
		return err;
	sb->type = t;
	sb->flags = flags & MS_RDONLY;
	strlcpy(sb->source, source && *source ? source : t->name, sizeof(sb->source));
	return vfs_mount_at(dir, sb);
}

int vfs_mount(const char *source, const char *path, const char *type,
	      unsigned long flags, const void *data)
{
	struct fs_type *t = find_type(type);
	struct inode *dir;
	if (!t || !t->mount)
		return -ENODEV;
	int err = path_lookup_from(NULL, path, LOOKUP_FOLLOW, &dir);
	if (err)
		return err;
	err = S_ISDIR(dir->mode) ? mount_type(t, source, dir, flags, data) : -ENOTDIR;
	inode_put(dir);
	return err;
}

/* Detach the filesystem whose root is ino (the caller's reference). */
static int do_umount(struct inode *ino, int flags)
{
	struct super_block *sb = ino->sb;
	if (ino == vfs_root || ino == cur_root())
		return -EBUSY;
	if (sb->root != ino || !sb->covered)
		return -EINVAL;
	bool busy = sb_busy(sb, 1);
	if (busy && !(flags & MNT_DETACH))
		return -EBUSY;
	sb->covered->mounted = NULL;
	name_cache_invalidate();        /* as at mount */
	inode_put(sb->covered);
	sb->covered = NULL;
	list_del(&sb->link);
	inode_put(ino);
	if (busy)
		return 0;    /* lazy: the super block stays until reboot (no refcount on it) */
	if (sb->ops && sb->ops->kill_sb) {
		sb->ops->kill_sb(sb);
	} else {
		struct inode *root = sb->root;
		sb->root = NULL;
		root->nlink = 0;
		inode_put(root);
	}
	kfree(sb);
	return 0;
}

int vfs_register_fs(struct fs_type *t)
{
	if (!t || !t->name || !t->mount)
		return -EINVAL;
	if (find_type(t->name))
		return -EBUSY;
	t->next = fs_types;
	fs_types = t;
	if (vfs_ready && t->auto_mount) {
		vfs_mkdir(t->auto_mount, 0755);
		int err = vfs_mount(t->name, t->auto_mount, t->name, 0, NULL);
		if (err)
			pr_warn("vfs: mounting %s on %s: error %d\n", t->name, t->auto_mount, err);
	}
	return 0;
}

int vfs_for_each_mount(int (*fn)(struct super_block *sb, const char *path, void *ctx), void *ctx)
{
	char *buf = kmalloc(PATH_MAX);
	struct list_head *pos;
	int r = 0;
	if (!buf)
		return -ENOMEM;
	list_for_each(pos, &mounts) {
		struct super_block *sb = list_entry(pos, struct super_block, link);
		if (!sb->covered)
			strlcpy(buf, "/", PATH_MAX);
		else if (inode_path(sb->covered, buf, PATH_MAX) < 0)
			continue;
		r = fn(sb, buf, ctx);
		if (r)
			break;
	}
	kfree(buf);
	return r;
}

/* ---- mount(2), umount2(2) ---- */

/* A user string into buf (size bytes), or NULL for a NULL pointer. */
static int user_string(const char *u, char *buf, size_t size, bool truncate_ok)
{
	if (!u) {
		buf[0] = '\0';
		return 0;
	}
	long n = strncpy_from_user(buf, u, size);
	if (n == -ENAMETOOLONG && truncate_ok) {
		buf[size - 1] = '\0';
		return 0;
	}
	return n < 0 ? (int)n : 0;
}

SYSCALL_DEFINE5(mount, const char *, usource, const char *, utarget, const char *, utype,
		unsigned long, flags, const void *, udata)
{
	char source[64], type[64], *data = NULL, *target;
	struct inode *dir;
	int err;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	target = getname(utarget, false, &err);
	if (!target)
		return err;
	err = path_lookupat(AT_FDCWD, target, LOOKUP_FOLLOW, &dir);
	putname(target);
	if (err)
		return err;
	if (flags & MS_REMOUNT) {
		if (dir->sb->root != dir)
			err = -EINVAL;
		else
			dir->sb->flags = (dir->sb->flags & ~MS_RDONLY) | (flags & MS_RDONLY);
		goto out;
	}
	if (flags & (MS_BIND | MS_MOVE)) {
		err = -EINVAL;
		goto out;
	}
	if (flags & MS_PROPAGATION)
		goto out;            /* no propagation between namespaces: nothing to change */
	if ((err = user_string(utype, type, sizeof(type), false)) ||
	    (err = user_string(usource, source, sizeof(source), true)))
		goto out;
	if (udata) {
		data = kmalloc(MOUNT_DATA_MAX);
		if (!data) {
			err = -ENOMEM;
			goto out;
		}
		if ((err = user_string(udata, data, MOUNT_DATA_MAX, true)))
			goto out;
	}
	struct fs_type *t = find_type(type);
	if (!t || !t->mount)
		err = -ENODEV;
	else if (!S_ISDIR(dir->mode))
		err = -ENOTDIR;
	else
		err = mount_type(t, source, dir, flags, data);
out:
	kfree(data);
	inode_put(dir);
	return err;
}

int vfs_umount(const char *path, int flags)
{
	struct inode *ino;
	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	int err = path_lookupat(AT_FDCWD, path, (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &ino);
	if (err)
		return err;
	err = do_umount(ino, flags);
	if (err)
		inode_put(ino);
	return err;
}

SYSCALL_DEFINE2(umount2, const char *, utarget, int, flags)
{
	int err;
	char *target = getname(utarget, false, &err);
	if (!target)
		return err;
	err = vfs_umount(target, flags);
	putname(target);
	return err;
}

/* ---- boot ---- */

void vfs_init(void)
{
	struct super_block *sb;

	if (vfs_root)
		return;
	if (ramfs_new(&sb))
		panic("vfs: no memory for the root filesystem");
	sb->type = &rootfs_type;
	strlcpy(sb->source, "rootfs", sizeof(sb->source));
	list_add_tail(&sb->link, &mounts);
	vfs_root = sb->root;

	initramfs_unpack();
	vfs_mkdir("/dev", 0755);
	vfs_mkdir("/proc", 0555);
	vfs_mkdir("/tmp", 01777);
	vfs_ready = true;

	/* Registered before us: mount them now, oldest registration first. */
	struct fs_type *order[16];
	int n = 0;
	for (struct fs_type *t = fs_types; t && n < 16; t = t->next)
		order[n++] = t;
	while (n--) {
		struct fs_type *t = order[n];
		if (!t->auto_mount)
			continue;
		vfs_mkdir(t->auto_mount, 0755);
		int err = vfs_mount(t->name, t->auto_mount, t->name, 0, NULL);
		if (err)
			pr_warn("vfs: mounting %s on %s: error %d\n", t->name, t->auto_mount, err);
	}
}
