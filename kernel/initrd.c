/*
 * initrd.c - locate and list the initrd; look files up in it.
 *
 * The archive is reserved in physical memory (kernel/meminit.c) and read
 * through the direct map. A malformed archive is reported with the offset
 * where reading stopped; the entries before it stay usable, as Linux's
 * initramfs unpacker keeps what it unpacked before an error.
 */
#include <synthos/bootinfo.h>
#include <synthos/errno.h>
#include <synthos/initrd.h>
#include <synthos/log.h>
#include <synthos/string.h>
#include <arch/page.h>

#define S_IFMT   0170000
#define S_IFDIR  0040000
#define S_IFREG  0100000
#define S_IFLNK  0120000

struct initrd_stats initrd_stats;
static const uint8_t *initrd_base;

static int count_entry(const struct cpio_entry *e, void *ctx)
{
	(void)ctx;
	initrd_stats.entries++;
	switch (e->mode & S_IFMT) {
	case S_IFREG: initrd_stats.files++; break;
	case S_IFDIR: initrd_stats.dirs++; break;
	case S_IFLNK: initrd_stats.symlinks++; break;
	default:      initrd_stats.others++; break;
	}
	pr_debug("initrd: %06o %8zu %s\n", e->mode, e->size, e->name);
	return 0;
}

int initrd_for_each(int (*fn)(const struct cpio_entry *e, void *ctx), void *ctx)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	if (!initrd_stats.present)
		return 0;
	cpio_iter_init(&it, initrd_base, initrd_stats.bytes);
	while ((r = cpio_next(&it, &e)) == 1) {
		int stop = fn(&e, ctx);
		if (stop)
			return stop;
	}
	if (r < 0) {
		initrd_stats.malformed = true;
		return r;
	}
	return 0;
}

static const char *skip_prefix(const char *p)
{
	for (;;) {
		if (p[0] == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else
			return p;
	}
}

struct find_ctx {
	const char *path;
	struct cpio_entry *out;
	bool found;
};

static int match_entry(const struct cpio_entry *e, void *ctx)
{
	struct find_ctx *f = ctx;
	if (strcmp(skip_prefix(e->name), f->path) != 0)
		return 0;
	/* Keep looking: as in Linux's initramfs, a later entry for the same
	 * path (say, in a second concatenated archive) replaces the earlier. */
	*f->out = *e;
	f->found = true;
	return 0;
}

int initrd_find(const char *path, struct cpio_entry *out)
{
	struct find_ctx f = { skip_prefix(path), out, false };
	initrd_for_each(match_entry, &f);
	return f.found ? 0 : -ENOENT;
}

void initrd_init(void)
{
	if (boot_info.initrd_end <= boot_info.initrd_start) {
		pr_warn("initrd: none given (boot with -initrd root.cpio)\n");
		return;
	}
	initrd_base = phys_to_virt(boot_info.initrd_start);
	initrd_stats.bytes = boot_info.initrd_end - boot_info.initrd_start;
	initrd_stats.present = true;
	if (initrd_stats.bytes >= 2 && initrd_base[0] == 0x1f && initrd_base[1] == 0x8b) {
		pr_err("initrd: gzip-compressed archives are not supported yet; "
		       "pass an uncompressed cpio (newc)\n");
		initrd_stats.present = false;
		return;
	}
	int r = initrd_for_each(count_entry, NULL);
	if (r < 0)
		pr_err("initrd: malformed cpio archive after %zu entries; using those\n",
		       initrd_stats.entries);
	pr_info("initrd: %zu files (%zu regular, %zu directories, %zu symlinks, %zu other), "
		"%zu KiB at %#llx\n", initrd_stats.entries, initrd_stats.files,
		initrd_stats.dirs, initrd_stats.symlinks, initrd_stats.others,
		initrd_stats.bytes / 1024, (unsigned long long)boot_info.initrd_start);
}
