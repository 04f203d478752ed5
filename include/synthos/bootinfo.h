/*
 * bootinfo.h - what the boot loader told us, in a loader-neutral form.
 *
 * arch/x86_64/multiboot.c fills it from multiboot v1 (QEMU -kernel) or
 * multiboot2 (GRUB), copying everything it needs out of the loader's
 * structures, so that memory can be reused once the page allocator runs.
 * Only the initrd stays where the loader put it (and is reserved).
 */
#ifndef SYNTHOS_BOOTINFO_H
#define SYNTHOS_BOOTINFO_H

#include <synthos/types.h>

enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIMABLE = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_region {
	phys_addr_t base;
	uint64_t len;
	uint32_t type;
};

#define BOOT_MAX_REGIONS 128
#define BOOT_CMDLINE_MAX 4096

struct boot_info {
	int protocol;                    /* 1 = multiboot, 2 = multiboot2 */
	char loader[64];
	char cmdline[BOOT_CMDLINE_MAX];
	int nregions;
	struct mem_region regions[BOOT_MAX_REGIONS];
	phys_addr_t initrd_start, initrd_end;   /* both 0: no initrd */
	uint8_t rsdp[36];                 /* copy of the ACPI RSDP, if the loader gave it */
	bool has_rsdp;
	phys_addr_t loader_info_start, loader_info_end;  /* the loader's own structure */
};

extern struct boot_info boot_info;

/* Returns 0, or -EINVAL if magic is not a multiboot magic we know. */
int bootinfo_parse(uint32_t magic, phys_addr_t info);
const char *mem_type_name(uint32_t type);

#endif
