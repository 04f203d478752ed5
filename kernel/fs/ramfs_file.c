/*
 * ramfs_file.c - the contents of ramfs regular files.
 *
 * A file's bytes live in whole pages from the page allocator, found
 * through a radix tree of page-sized nodes (512 slots each) that grows in
 * height as the file does: one level covers 2 MiB, two levels 1 GiB,
 * three 512 GiB, up to six (beyond the 2^63-byte maximum). Missing pages
 * are holes and read as zeroes, so sparse files and ftruncate to a large
 * size cost nothing until written.
 *
 * Invariant: every byte of a page at or past inode->size reads as zero.
 * Writes fill bytes below the new size and shrinking zeroes the tail of
 * the last page kept; growing (ftruncate, a write past EOF) zeroes the
 * old last page's tail once more, because a MAP_SHARED mapping may have
 * stored past EOF there (Linux's pagecache_isize_extended).
 *
 * inode->blocks counts data pages (in 512-byte units); tree nodes are
 * overhead, as Linux's tmpfs does not count its radix nodes either.
 *
 * Data pages carry a page->refcount: one for the file, one per MAP_SHARED
 * mapping that got the page through get_page (kernel/mm/vm.c). The file
 * drops its own on truncate and eviction; whoever drops the last frees.
 *
 * Locking: none (see <synthos/vfs.h>). read and write copy to and from
 * user memory page by page; a fault there is served without sleeping,
 * so no truncate can run in between.
 */
#include <synthos/errno.h>
#include <synthos/page_alloc.h>
#include <synthos/string.h>
#include <synthos/vfs.h>
#include <arch/page.h>
#include "internal.h"
#include "ramfs.h"

#define RAMFS_MAX_HEIGHT 6

/* Pages a tree of height h covers. */
static uint64_t span(unsigned h)
{
	return 1ULL << (RAMFS_SHIFT * h);
}

/* The slot for page idx, creating the path to it if create; NULL if it
 * does not exist (or no memory). */
static void **radix_slot(struct ramfs_node *rn, uint64_t idx, bool create)
{
	if (idx >= span(rn->height)) {
		if (!create)
			return NULL;
		while (idx >= span(rn->height)) {
			if (rn->height == RAMFS_MAX_HEIGHT)
				return NULL;
			if (rn->root) {
				void **node = alloc_zeroed_page_va();
				if (!node)
					return NULL;
				node[0] = rn->root;
				rn->root = node;
			}
			rn->height++;
		}
	}
	void **slot = &rn->root;
	for (unsigned h = rn->height; h > 0; h--) {
		void **node = *slot;
		if (!node) {
			if (!create)
				return NULL;
			node = alloc_zeroed_page_va();
			if (!node)
				return NULL;
			*slot = node;
		}
		slot = &node[(idx >> (RAMFS_SHIFT * (h - 1))) & (RAMFS_FANOUT - 1)];
	}
	return slot;
}

static char *page_lookup(struct inode *ino, uint64_t idx)
{
	return ramfs_page_peek(ino->priv, idx);
}

static char *page_get(struct inode *ino, uint64_t idx)
{
	void **slot = radix_slot(ino->priv, idx, true);
	if (!slot)
		return NULL;
	if (!*slot) {
		*slot = alloc_zeroed_page_va();
		if (*slot) {
			virt_to_page(*slot)->refcount = 1;
			ino->blocks += PAGE_SIZE / 512;
		}
	}
	return *slot;
}

/* The file's reference on a data page goes; a mapping may keep it. */
static void data_page_put(void *p)
{
	struct page *pg = virt_to_page(p);
	if (--pg->refcount == 0)
		free_page_va(p);
}

/*
 * Free every page of the subtree at *slot (height h, first page base)
 * whose index is >= from, and the nodes left covering nothing kept.
 */
static void radix_trunc(struct inode *ino, void **slot, unsigned h, uint64_t base, uint64_t from)
{
	void *p = *slot;
	if (!p)
		return;
	if (h == 0) {
		if (base >= from) {
			data_page_put(p);
			ino->blocks -= PAGE_SIZE / 512;
			*slot = NULL;
		}
		return;
	}
	void **node = p;
	uint64_t sub = span(h - 1);
	for (unsigned i = 0; i < RAMFS_FANOUT; i++) {
		uint64_t b = base + i * sub;
		if (b + sub <= from)
			continue;
		radix_trunc(ino, &node[i], h - 1, b, from);
	}
	if (base >= from) {
		free_page_va(node);
		*slot = NULL;
	}
}

void ramfs_free_pages(struct inode *ino)
{
	struct ramfs_node *rn = ino->priv;
	radix_trunc(ino, &rn->root, rn->height, 0, 0);
	rn->height = 0;
}

/* Zero the part of the page holding EOF that lies past EOF. */
static void zero_tail(struct inode *ino, uint64_t size)
{
	if (size % PAGE_SIZE == 0)
		return;
	char *page = page_lookup(ino, size / PAGE_SIZE);
	if (page)
		memset(page + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
}

int ramfs_truncate(struct inode *ino, uint64_t size)
{
	struct ramfs_node *rn = ino->priv;

	if (size > RAMFS_MAX_SIZE)
		return -EFBIG;
	if (size < ino->size) {
		uint64_t keep = size / PAGE_SIZE + (size % PAGE_SIZE != 0);
		radix_trunc(ino, &rn->root, rn->height, 0, keep);
		zero_tail(ino, size);
	} else {
		zero_tail(ino, ino->size);
	}
	ino->size = size;
	inode_touch(ino, true, true);
	return 0;
}

static ssize_t ramfs_read(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	struct inode *ino = f->inode;
	uint64_t off = *pos;
	size_t done = 0;

	if (off >= ino->size)
		return 0;
	if (n > ino->size - off)
		n = (size_t)(ino->size - off);
	while (done < n) {
		size_t in = off % PAGE_SIZE;
		size_t chunk = MIN(PAGE_SIZE - in, n - done);
		char *page = page_lookup(ino, off / PAGE_SIZE);
		size_t moved = page ? uio_copy_out_some(u, page + in, chunk) : uio_zero_some(u, chunk);
		done += moved;
		off += moved;
		if (moved < chunk) {            /* a fault: the bytes so far, as Linux */
			if (!done)
				return -EFAULT;
			break;
		}
	}
	*pos = off;
	return (ssize_t)done;
}

static ssize_t ramfs_write(struct file *f, struct uio *u, size_t n, uint64_t *pos)
{
	struct inode *ino = f->inode;
	uint64_t off = (f->flags & O_APPEND) ? ino->size : *pos;
	size_t done = 0;
	int err = 0;

	if (n == 0)
		return 0;
	if (off >= RAMFS_MAX_SIZE)
		return -EFBIG;
	if (n > RAMFS_MAX_SIZE - off)
		n = (size_t)(RAMFS_MAX_SIZE - off);
	if (off > ino->size)
		zero_tail(ino, ino->size);
	while (done < n) {
		size_t in = off % PAGE_SIZE;
		size_t chunk = MIN(PAGE_SIZE - in, n - done);
		/* Linux's generic_perform_write tries the source before it
		 * takes a page: a chunk with no readable byte is EFAULT and
		 * leaves no page behind (SEEK_DATA and st_blocks see that). */
		char *page = page_lookup(ino, off / PAGE_SIZE);
		if (!page && !uio_next_readable(u)) {
			err = -EFAULT;
			break;
		}
		if (!page && !(page = page_get(ino, off / PAGE_SIZE))) {
			err = -ENOSPC;
			break;
		}
		size_t moved = uio_copy_in_some(page + in, u, chunk);
		done += moved;
		off += moved;
		if (moved && off > ino->size)   /* nothing moved: a gap stays unwritten */
			ino->size = off;
		if (moved < chunk) {            /* a fault: the bytes so far, as Linux */
			err = -EFAULT;
			break;
		}
	}
	if (!done)
		return err;
	*pos = off;
	inode_touch(ino, true, true);
	return (ssize_t)done;
}

/*
 * The first page index in [idx, end) that is present (want) or missing
 * (!want) in the subtree at node (height h, first index base); NO_PAGE if
 * none. Empty subtrees are skipped whole, so finding data in a huge
 * sparse file is quick.
 */
#define NO_PAGE UINT64_MAX

static uint64_t scan(void *node, unsigned h, uint64_t base, uint64_t idx, uint64_t end, bool want)
{
	uint64_t first = MAX(base, idx);
	if (first >= end || first >= base + span(h))
		return NO_PAGE;
	if (!node)
		return want ? NO_PAGE : first;
	if (h == 0)
		return want ? first : NO_PAGE;
	uint64_t sub = span(h - 1);
	for (uint64_t i = (first - base) / sub; i < RAMFS_FANOUT; i++) {
		uint64_t b = base + i * sub;
		if (b >= end)
			break;
		uint64_t r = scan(((void **)node)[i], h - 1, b, idx, end, want);
		if (r != NO_PAGE)
			return r;
	}
	return NO_PAGE;
}

/* SEEK_DATA / SEEK_HOLE at page granularity, as tmpfs; the rest generic. */
static int64_t ramfs_llseek(struct file *f, int64_t off, int whence)
{
	struct inode *ino = f->inode;
	struct ramfs_node *rn = ino->priv;
	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return generic_file_llseek(f, off, whence);
	if (off < 0 || (uint64_t)off >= ino->size)
		return -ENXIO;
	uint64_t end = ino->size / PAGE_SIZE + (ino->size % PAGE_SIZE != 0);
	uint64_t idx = (uint64_t)off / PAGE_SIZE;
	uint64_t r = scan(rn->root, rn->height, 0, idx, end, whence == SEEK_DATA);
	if (r == NO_PAGE && whence == SEEK_HOLE && end > span(rn->height))
		r = MAX(idx, span(rn->height));   /* past the tree: all hole */
	uint64_t pos;
	if (r == NO_PAGE) {
		if (whence == SEEK_DATA)
			return -ENXIO;
		pos = ino->size;
	} else {
		pos = MAX((uint64_t)off, r * PAGE_SIZE);
		if (pos > ino->size)
			pos = ino->size;
	}
	f->pos = pos;
	return (int64_t)pos;
}

static int ramfs_fsync(struct file *f)
{
	return 0;
}

static int ramfs_get_page(struct file *f, uint64_t index, struct page **res)
{
	char *p = page_get(f->inode, index);
	if (!p)
		return -ENOMEM;
	struct page *pg = virt_to_page(p);
	pg->refcount++;
	*res = pg;
	return 0;
}

const struct file_ops ramfs_file_fops = {
	.read = ramfs_read,
	.write = ramfs_write,
	.llseek = ramfs_llseek,
	.fsync = ramfs_fsync,
	.get_page = ramfs_get_page,
};
