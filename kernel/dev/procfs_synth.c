/*
 * procfs_synth.c - /proc/synth: the synthesized code, inspectable as files.
 *
 *   /proc/synth/regions           every live region, one line each, with
 *                                 its code bytes (synth_format)
 *   /proc/synth/<id>/info         one region's record, "key: value" lines
 *                                 (synth_region_info)
 *   /proc/synth/<id>/code         its machine code, raw; st_size is the
 *                                 code size, so `objdump -D -b binary
 *                                 -mi386:x86-64` on a copy disassembles it
 *
 * The directory lists "regions" and the id of every live region. An id is
 * looked up in the synthesizer each time (lookup, readdir, open), so a
 * retired region's directory is gone (ENOENT) as soon as it is retired;
 * an inode already held for it answers ENOENT from then on. Like the rest
 * of /proc, a file's contents are a snapshot taken at open. With
 * synth=off, regions says that synthesis is off and there are no ids.
 *
 * Inode numbers (procfs.h): pid 0, sub SUB_SYNTH for the directory,
 * SUB_SYNTH_LIST for regions, SUB_REGION + (id << 2) + REGION_* for a
 * region's directory and files.
 *
 * Locking: none, as for the rest of /proc: the region list changes only in
 * process context on the one CPU, and nothing here sleeps while it walks
 * the synthesizer's records (synth/synth.c copies out what it reports).
 */
#include <synthos/errno.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/synth.h>
#include "procfs.h"

static const struct {
	const char *name;
	uint32_t kind;
} region_files[] = {
	{ "code", REGION_CODE },
	{ "info", REGION_INFO },
};

/* Region files are after SUB_REGION: the id and which file. */
static int region_id(const struct inode *ino) { return (int)((ino_sub(ino) - SUB_REGION) >> 2); }
static uint32_t region_kind(const struct inode *ino) { return (ino_sub(ino) - SUB_REGION) & 3; }
static uint32_t region_sub(int id, uint32_t kind) { return SUB_REGION + ((uint32_t)id << 2) + kind; }

bool procfs_synth_ino(const struct inode *ino)
{
	uint32_t sub = ino_sub(ino);
	return ino_pid(ino) == 0 && (sub == SUB_SYNTH || sub == SUB_SYNTH_LIST || sub >= SUB_REGION);
}

/* Region id's code size, or -ENOENT if it is not live. */
static long region_size(int id)
{
	char none;
	return id > 0 ? synth_region_code(id, &none, 0) : -ENOENT;
}

static bool region_live(int id)
{
	return region_size(id) >= 0;
}

int procfs_synth_lookup(struct inode *dir, const char *name, size_t len, struct inode **res)
{
	struct super_block *sb = dir->sb;
	struct inode *ino = NULL;
	bool top = ino_sub(dir) == SUB_SYNTH;
	int id = top ? 0 : region_id(dir);

	if (name_is(name, len, "..")) {
		ino = top ? inode_get(sb->root) : proc_inode(sb, 0, SUB_SYNTH, S_IFDIR | 0555);
		goto out;
	}
	if (!top && !region_live(id))
		return -ENOENT;
	if (top && name_is(name, len, "regions")) {
		ino = proc_inode(sb, 0, SUB_SYNTH_LIST, S_IFREG | 0444);
		goto out;
	}
	if (top) {
		long n = parse_num(name, len);
		if (n <= 0 || n > REGION_ID_MAX || !region_live((int)n))
			return -ENOENT;
		ino = proc_inode(sb, 0, region_sub((int)n, REGION_DIR), S_IFDIR | 0555);
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(region_files); i++)
		if (name_is(name, len, region_files[i].name)) {
			ino = proc_inode(sb, 0, region_sub(id, region_files[i].kind), S_IFREG | 0444);
			if (ino && region_files[i].kind == REGION_CODE)
				ino->size = (uint64_t)region_size(id);
			goto out;
		}
	return -ENOENT;
out:
	if (!ino)
		return -ENOMEM;
	*res = ino;
	return 0;
}

/*
 * Positions in /proc/synth: 0 and 1 the dots, 2 "regions", then region id
 * N at ID_POS + N, so a reader's offset stays meaningful while regions come
 * and go. A region's directory: the dots, then region_files.
 */
#define ID_POS 1000

static int synth_iterate_top(struct file *f, dir_emit_t emit, void *ctx)
{
	if (f->pos == 2) {
		if (emit(ctx, "regions", 7, mkino(0, SUB_SYNTH_LIST), IFTODT(S_IFREG), 3))
			return 0;
		f->pos = 3;
	}
	if (f->pos < ID_POS)
		f->pos = ID_POS;
	/* A snapshot of the live ids (ascending), taken before anything is
	 * copied out to the reader. */
	int n = synth_region_ids(NULL, 0);
	if (n <= 0)
		return 0;
	int *ids = kmalloc((size_t)n * sizeof(int));
	if (!ids)
		return -ENOMEM;
	n = MIN(n, synth_region_ids(ids, n));
	char name[16];
	for (int i = 0; i < n; i++) {
		if ((uint64_t)ids[i] + ID_POS < f->pos)
			continue;
		int len = ksnprintf(name, sizeof(name), "%d", ids[i]);
		uint64_t next = ID_POS + (uint64_t)ids[i] + 1;
		if (emit(ctx, name, (size_t)len, mkino(0, region_sub(ids[i], REGION_DIR)),
			 IFTODT(S_IFDIR), next))
			break;
		f->pos = next;
	}
	kfree(ids);
	return 0;
}

int procfs_synth_iterate(struct file *f, dir_emit_t emit, void *ctx)
{
	struct inode *dir = f->inode;
	bool top = ino_sub(dir) == SUB_SYNTH;
	int id = top ? 0 : region_id(dir);
	uint64_t parent = top ? dir->sb->root->ino : mkino(0, SUB_SYNTH);

	if (!top && !region_live(id))
		return -ENOENT;
	if (dir_emit_dots(f, emit, ctx, parent))
		return 0;
	if (top)
		return synth_iterate_top(f, emit, ctx);
	for (; f->pos < 2 + ARRAY_SIZE(region_files); f->pos++) {
		size_t i = f->pos - 2;
		const char *name = region_files[i].name;
		if (emit(ctx, name, strlen(name), mkino(0, region_sub(id, region_files[i].kind)),
			 IFTODT(S_IFREG), f->pos + 1))
			return 0;
	}
	return 0;
}

/* The contents of a file under /proc/synth, into b; -ENOENT if its region
 * is gone. */
int procfs_synth_gen(struct inode *ino, struct pbuf *b)
{
	if (ino_sub(ino) == SUB_SYNTH_LIST) {
		size_t n = synth_format(NULL, 0);
		char *tmp = kmalloc(n + 1);
		if (!tmp)
			return -ENOMEM;
		synth_format(tmp, n + 1);
		pb_write(b, tmp, n);
		kfree(tmp);
		return 0;
	}
	int id = region_id(ino);
	long n;
	switch (region_kind(ino)) {
	case REGION_CODE:
		n = region_size(id);
		break;
	case REGION_INFO:
		n = synth_region_info(id, NULL, 0);
		break;
	default:
		return -EISDIR;
	}
	if (n < 0)
		return (int)n;
	char *tmp = kmalloc((size_t)n + 1);
	if (!tmp)
		return -ENOMEM;
	if (region_kind(ino) == REGION_CODE)
		n = synth_region_code(id, tmp, (size_t)n);
	else
		n = synth_region_info(id, tmp, (size_t)n + 1);
	if (n >= 0)
		pb_write(b, tmp, (size_t)n);
	kfree(tmp);
	return n < 0 ? (int)n : 0;
}
