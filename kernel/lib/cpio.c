/*
 * cpio.c - iterate over a cpio "newc" archive in memory (<synthos/cpio.h>).
 * Used by kernel/initrd.c on the boot loader's initrd; the input is
 * untrusted, so every length is checked against what is left before use.
 *
 * Format: each entry is a 110-byte ASCII header, the name, the data.
 *
 *   "070701" or "070702", then 13 fields of 8 hex digits: ino mode uid gid
 *   nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize
 *   check. namesize counts the name's NUL. The name is padded with NULs
 *   so that header + name ends on a 4-byte boundary (from the start of
 *   the archive), and the data is padded to 4 the same way.
 *
 * The entry named "TRAILER!!!" ends an archive. As with Linux's initramfs,
 * several archives may follow one another: after a trailer, zero bytes are
 * skipped, and either the input ends (clean end) or a new header starts on
 * a 4-byte boundary. Input that ends inside an archive, before its
 * trailer, is malformed: it usually means the boot loader loaded a
 * truncated file. Padding bytes are not checked, and padding cut off by the
 * end of the input is tolerated (it carries nothing).
 *
 * Arithmetic: offsets are size_t and every field is at most 0xffffffff,
 * but lengths are only ever compared with "len - off" (which cannot wrap,
 * because off <= len is kept invariant), never added first and compared
 * after.
 */
#include <synthos/cpio.h>
#include <synthos/errno.h>
#include <synthos/string.h>

#define HDR_SIZE   110
#define S_IFMT     0170000      /* file type bits of mode */
#define S_IFREG    0100000
#define FIELD_LEN  8

enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
	NFIELDS
};

static const char trailer[] = "TRAILER!!!";

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len)
{
	it->base = archive;
	it->len = archive ? len : 0;
	it->off = 0;
	it->in_archive = false;
}

/* 8 hex digits, either case; anything else (even a space) is an error. */
static int parse_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < FIELD_LEN; i++) {
		uint8_t c = p[i];
		uint32_t d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* x rounded up to 4, or len if the padding would run past the input. */
static size_t pad4(size_t x, size_t len)
{
	size_t pad = (4 - (x & 3)) & 3;

	return pad > len - x ? len : x + pad;
}

/*
 * Parses the header at it->off into *e; *next is where the following
 * header would start. Changes nothing in *it.
 */
static int parse_entry(const struct cpio_iter *it, struct cpio_entry *e,
		       size_t *next)
{
	const uint8_t *h = it->base + it->off;
	size_t left = it->len - it->off;
	uint32_t f[NFIELDS];

	if (left < HDR_SIZE)
		return -EINVAL;
	if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2'))
		return -EINVAL;
	for (int i = 0; i < NFIELDS; i++)
		if (parse_hex8(h + 6 + i * FIELD_LEN, &f[i]) < 0)
			return -EINVAL;

	size_t name_off = it->off + HDR_SIZE;
	size_t namesize = f[F_NAMESIZE];
	if (namesize == 0 || namesize > it->len - name_off)
		return -EINVAL;
	const char *name = (const char *)it->base + name_off;
	/* Exactly one NUL, at the end: callers may use name as a C string
	 * and trust namelen to agree with strlen. */
	if (name[namesize - 1] != '\0' || memchr(name, '\0', namesize - 1))
		return -EINVAL;

	size_t data_off = pad4(name_off + namesize, it->len);
	size_t size = f[F_FILESIZE];
	if (size > it->len - data_off)
		return -EINVAL;
	const uint8_t *data = it->base + data_off;

	/* The 070702 checksum covers regular files only: GNU cpio writes 0
	 * for a symlink's target, and Linux checks only what it writes to
	 * files. */
	if (h[5] == '2' && (f[F_MODE] & S_IFMT) == S_IFREG) {
		uint32_t sum = 0;
		for (size_t i = 0; i < size; i++)
			sum += data[i];
		if (sum != f[F_CHECK])
			return -EINVAL;
	}

	e->name = name;
	e->namelen = namesize - 1;
	e->ino = f[F_INO];
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->devmajor = f[F_DEVMAJOR];
	e->devminor = f[F_DEVMINOR];
	e->rdevmajor = f[F_RDEVMAJOR];
	e->rdevminor = f[F_RDEVMINOR];
	e->check = f[F_CHECK];
	e->data = data;
	e->size = size;
	*next = pad4(data_off + size, it->len);
	return 0;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
	for (;;) {
		struct cpio_entry tmp;
		size_t next;

		if (!it->in_archive) {
			/* Between archives: zero padding, then the end or a
			 * header on a 4-byte boundary. */
			while (it->off < it->len && it->base[it->off] == 0)
				it->off++;
			if (it->off == it->len)
				return 0;
			if (it->off & 3)
				return -EINVAL;
		} else if (it->off == it->len) {
			return -EINVAL;         /* ended before the trailer */
		}

		if (parse_entry(it, &tmp, &next) < 0)
			return -EINVAL;
		it->off = next;
		if (tmp.namelen == sizeof(trailer) - 1 &&
		    memcmp(tmp.name, trailer, sizeof(trailer) - 1) == 0) {
			it->in_archive = false;
			continue;
		}
		it->in_archive = true;
		*e = tmp;
		return 1;
	}
}
