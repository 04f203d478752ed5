/*
 * meminit.c - bring up memory management from the boot memory map.
 *
 * Order matters: the boot page tables direct-map the first 4 GiB, so the
 * page allocator starts with RAM below 4 GiB (its struct page array is
 * placed there); paging_init() then builds the real tables (with pages
 * from that allocator) covering all RAM; only then is RAM above 4 GiB
 * handed to the allocator. The slab allocator comes last.
 *
 * Never handed out: the first MiB (BIOS data, EBDA, option ROMs; later
 * the SMP trampoline), the kernel image including .bss, and the initrd.
 */
#include <synthos/bootinfo.h>
#include <synthos/log.h>
#include <synthos/mm.h>
#include <synthos/page_alloc.h>
#include <synthos/panic.h>
#include <synthos/slab.h>
#include <arch/mm.h>
#include <arch/page.h>

#define BOOT_MAPPED_LIMIT (4ULL << 30)

extern char __bss_end_phys[];

void mm_init(void)
{
	struct phys_range usable[BOOT_MAX_REGIONS];
	struct phys_range reserved[3];
	int nusable = 0, nreserved = 0;

	for (int i = 0; i < boot_info.nregions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		if (r->type != MEM_USABLE)
			continue;
		phys_addr_t s = ALIGN_UP(r->base, PAGE_SIZE);
		phys_addr_t e = ALIGN_DOWN(r->base + r->len, PAGE_SIZE);
		if (e > s)
			usable[nusable++] = (struct phys_range){ s, e };
	}
	reserved[nreserved++] = (struct phys_range){ 0, 0x100000 };
	reserved[nreserved++] = (struct phys_range){ 0x100000,
		ALIGN_UP((phys_addr_t)__bss_end_phys, PAGE_SIZE) };
	if (boot_info.initrd_end > boot_info.initrd_start)
		reserved[nreserved++] = (struct phys_range){
			ALIGN_DOWN(boot_info.initrd_start, PAGE_SIZE),
			ALIGN_UP(boot_info.initrd_end, PAGE_SIZE) };

	if (page_alloc_init(usable, nusable, reserved, nreserved, BOOT_MAPPED_LIMIT))
		panic("mm: the page allocator could not start (no usable memory below 4 GiB?)");
	paging_init(&boot_info);
	for (int i = 0; i < nusable; i++)
		if (usable[i].end > BOOT_MAPPED_LIMIT)
			page_alloc_add_range(MAX(usable[i].start, (phys_addr_t)BOOT_MAPPED_LIMIT),
					     usable[i].end);
	slab_init();
	pr_info("mm: %zu MiB usable, %zu MiB free after boot\n",
		page_alloc_total_pages() >> (20 - PAGE_SHIFT),
		page_alloc_free_pages() >> (20 - PAGE_SHIFT));
}
