/*
 * ramfs.h - the in-memory filesystem's private inode data, shared by
 * ramfs.c (namespace: directories, symlinks, the super block) and
 * ramfs_file.c (regular files' pages).
 */
#ifndef KERNEL_FS_RAMFS_H
#define KERNEL_FS_RAMFS_H

#include <synthos/list.h>
#include <synthos/vfs.h>

/* A name in a directory. cookie orders the list and is the getdents
 * position, so a reader's offset stays valid while entries come and go. */
struct ramfs_dirent {
	struct list_head link;          /* ramfs_node.entries, ascending cookie */
	struct ramfs_dirent *hnext;     /* hash chain (when the dir has buckets) */
	struct inode *inode;            /* counted by inode->nlink, not refcount */
	uint64_t cookie;
	uint32_t hash;
	uint32_t len;
	char name[];
};

/* inode->priv of every ramfs inode; which part is used depends on the type. */
struct ramfs_node {
	/* directories */
	struct list_head entries;
	uint64_t next_cookie;           /* 0 and 1 are "." and ".." */
	size_t count;                   /* entries */
	struct inode *parent;           /* NULL for the root and once removed, unless: */
	bool parent_ref;                /* removed while in use: parent kept, referenced */
	/* Name lookup: the list alone while small; past that, a hash table
	 * of nbuckets (a power of two) chains, grown as entries come. */
	struct ramfs_dirent **buckets;
	size_t nbuckets;
	/* regular files: a radix tree of pages, RAMFS_FANOUT slots per node;
	 * height h covers RAMFS_FANOUT^h pages (height 0: root is page 0). */
	void *root;
	unsigned height;
	/* symlinks: the target, NUL-terminated (inode->size is its length) */
	char *target;
};

#define RAMFS_SHIFT 9
#define RAMFS_FANOUT (1u << RAMFS_SHIFT)
#define RAMFS_MAX_SIZE ((uint64_t)INT64_MAX)

/*
 * Page idx of a regular file's data, or NULL (a hole, or past the tree).
 * The one lookup shared by ramfs_file.c and the synthesized read
 * (synth/templates/fastc_ramfs.c): it never allocates and never sleeps.
 */
static inline char *ramfs_page_peek(const struct ramfs_node *rn, uint64_t idx)
{
	unsigned h = rn->height;
	if (idx >> (RAMFS_SHIFT * h))
		return NULL;
	void *node = rn->root;
	while (h > 0 && node) {
		h--;
		node = ((void **)node)[(idx >> (RAMFS_SHIFT * h)) & (RAMFS_FANOUT - 1)];
	}
	return node;
}

extern const struct file_ops ramfs_file_fops;
int ramfs_truncate(struct inode *ino, uint64_t size);
void ramfs_free_pages(struct inode *ino);

#endif
