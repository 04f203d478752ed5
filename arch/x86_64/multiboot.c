/*
 * multiboot.c - read the multiboot v1 or multiboot2 information into
 * struct boot_info (include/synthos/bootinfo.h).
 *
 * Runs first thing in kmain(), under the boot page tables, which direct-map
 * the low 4 GiB where loaders put their structures. The loader is trusted
 * to be a loader, but not to be tidy: every count is capped and every
 * string copied with a bound.
 *
 * The first module is the initrd (QEMU passes -initrd as module 0; GRUB's
 * `module2` likewise); further modules are reported and ignored.
 */
#include <synthos/bootinfo.h>
#include <synthos/errno.h>
#include <synthos/log.h>
#include <synthos/string.h>
#include <arch/boot.h>
#include <arch/page.h>

struct boot_info boot_info;

const char *mem_type_name(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:           return "usable";
	case MEM_RESERVED:         return "reserved";
	case MEM_ACPI_RECLAIMABLE: return "ACPI data";
	case MEM_ACPI_NVS:         return "ACPI NVS";
	case MEM_BAD:              return "unusable";
	default:                   return "unknown";
	}
}

static void add_region(uint64_t base, uint64_t len, uint32_t type)
{
	if (len == 0 || boot_info.nregions >= BOOT_MAX_REGIONS)
		return;
	if (type < MEM_USABLE || type > MEM_BAD)
		type = MEM_RESERVED;
	boot_info.regions[boot_info.nregions++] = (struct mem_region){ base, len, type };
}

static void copy_str(char *dst, size_t size, uint64_t phys)
{
	if (phys)
		strlcpy(dst, phys_to_virt(phys), size);
}

static unsigned extra_modules;

static void set_initrd(uint64_t start, uint64_t end)
{
	if (boot_info.initrd_end || end < start) {
		extra_modules++;
		return;
	}
	boot_info.initrd_start = start;
	boot_info.initrd_end = end;
}

/* ---- multiboot v1 ---- */
struct __attribute__((packed)) mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct __attribute__((packed)) mb1_module {
	uint32_t start, end, string, reserved;
};

struct __attribute__((packed)) mb1_mmap {
	uint32_t size;
	uint64_t base, len;
	uint32_t type;
};

static void parse_mb1(phys_addr_t info)
{
	const struct mb1_info *mbi = phys_to_virt(info);

	boot_info.protocol = 1;
	boot_info.loader_info_start = info;
	boot_info.loader_info_end = info + sizeof(*mbi);
	if (mbi->flags & (1 << 2)) {
		/* Multiboot v1 loaders (QEMU, GRUB legacy) put the image's path
		 * first, as argv[0]; Linux's boot protocol does not. Drop it so
		 * the same -append gives the same command line on both. */
		char line[BOOT_CMDLINE_MAX];
		copy_str(line, sizeof(line), mbi->cmdline);
		const char *p = line;
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
		strlcpy(boot_info.cmdline, p, sizeof(boot_info.cmdline));
	}
	if (mbi->flags & (1 << 9))
		copy_str(boot_info.loader, sizeof(boot_info.loader), mbi->boot_loader_name);
	if (mbi->flags & (1 << 3)) {
		const struct mb1_module *m = phys_to_virt(mbi->mods_addr);
		for (uint32_t i = 0; i < mbi->mods_count && i < 64; i++)
			set_initrd(m[i].start, m[i].end);
	}
	if (mbi->flags & (1 << 6)) {
		uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
		while (p + sizeof(struct mb1_mmap) <= end) {
			const struct mb1_mmap *e = phys_to_virt(p);
			add_region(e->base, e->len, e->type);
			if (e->size < 20)
				break;                  /* malformed: stop rather than loop */
			p += e->size + 4;
		}
	} else if (mbi->flags & 1) {
		add_region(0, (uint64_t)mbi->mem_lower * 1024, MEM_USABLE);
		add_region(0x100000, (uint64_t)mbi->mem_upper * 1024, MEM_USABLE);
	}
}

/* ---- multiboot2 ---- */
struct mb2_tag {
	uint32_t type, size;
};

static void parse_mb2(phys_addr_t info)
{
	const uint8_t *base = phys_to_virt(info);
	uint32_t total = *(const uint32_t *)base;

	boot_info.protocol = 2;
	boot_info.loader_info_start = info;
	boot_info.loader_info_end = info + total;
	for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
		const struct mb2_tag *t = (const void *)(base + off);
		const uint8_t *body = (const uint8_t *)(t + 1);
		if (t->type == 0 || t->size < 8)
			break;
		switch (t->type) {
		case 1:
			strlcpy(boot_info.cmdline, (const char *)body, sizeof(boot_info.cmdline));
			break;
		case 2:
			strlcpy(boot_info.loader, (const char *)body, sizeof(boot_info.loader));
			break;
		case 3:
			set_initrd(((const uint32_t *)body)[0], ((const uint32_t *)body)[1]);
			break;
		case 6: {
			uint32_t esize = ((const uint32_t *)body)[0];
			if (esize < 20)
				break;
			for (uint32_t e = 16; e + esize <= t->size; e += esize) {
				const uint8_t *ent = (const uint8_t *)t + e;
				add_region(*(const uint64_t *)ent, *(const uint64_t *)(ent + 8),
					   *(const uint32_t *)(ent + 16));
			}
			break;
		}
		case 14:
		case 15: {
			size_t n = MIN((size_t)t->size - 8, sizeof(boot_info.rsdp));
			if (!boot_info.has_rsdp || t->type == 15) {
				memcpy(boot_info.rsdp, body, n);
				boot_info.has_rsdp = true;
			}
			break;
		}
		}
		off += ALIGN_UP(t->size, 8);
	}
}

int bootinfo_parse(uint32_t magic, phys_addr_t info)
{
	if (magic == MB1_BOOT_MAGIC)
		parse_mb1(info);
	else if (magic == MB2_BOOT_MAGIC)
		parse_mb2(info);
	else
		return -EINVAL;
	if (extra_modules)
		pr_warn("boot: %u extra boot module(s) ignored; only the first is the initrd\n",
			extra_modules);
	return 0;
}
