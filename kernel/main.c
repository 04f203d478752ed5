/*
 * main.c - kmain(), where boot.S hands over in 64-bit mode on the boot
 * stack, and the order in which synthos comes up.
 *
 *   console -> traps/CPU -> boot info -> command line -> banner -> memory
 *   -> ACPI/APIC/timer/console input -> a guarded kernel stack -> initrd
 *   -> the root filesystem -> self-tests (ktest=...) or init (init=, default /init).
 *
 * If no init can be run, the kernel monitor (kernel/monitor.c) takes the
 * console instead (kernel/init.c).
 */
#include <synthos/bootinfo.h>
#include <synthos/cmdline.h>
#include <synthos/console.h>
#include <synthos/devices.h>
#include <synthos/initrd.h>
#include <synthos/ktest.h>
#include <synthos/log.h>
#include <synthos/mm.h>
#include <synthos/monitor.h>
#include <synthos/panic.h>
#include <synthos/power.h>
#include <synthos/proc.h>
#include <synthos/synth.h>
#include <synthos/vfs.h>
#include <synthos/version.h>
#include <arch/mm.h>
#include <arch/setup.h>

struct boot_params boot_params;

static void cmdline_warning(void *ctx, const char *what, const char *token)
{
	(void)ctx;
	pr_warn("cmdline: %s: '%s'\n", what, token);
}

static void print_memory_map(void)
{
	uint64_t usable = 0;
	pr_info("memory map (%s):\n", boot_info.protocol == 2 ? "multiboot2" : "multiboot");
	for (int i = 0; i < boot_info.nregions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		pr_info("  [mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)r->base,
			(unsigned long long)(r->base + r->len - 1), mem_type_name(r->type));
		if (r->type == MEM_USABLE)
			usable += r->len;
	}
	pr_info("  %llu MiB usable in %d regions\n", (unsigned long long)(usable >> 20),
		boot_info.nregions);
}

static void kmain_late(void *arg)
{
	(void)arg;
	pr_info("boot: running on a guarded kernel stack\n");
	initrd_init();

	devices_init();         /* registers /dev and /proc before the root is built */
	vfs_init();

	if (boot_params.ktest[0]) {
		int failed = ktest_run(boot_params.ktest);
		power_off(failed ? POWER_FAIL : POWER_OK);
	}
	synth_init(boot_params.synth);
	pr_info("init: starting %s\n", boot_params.init);
	start_init(boot_params.init);
}

void kmain(uint32_t magic, uint32_t info_phys)
{
	console_early_init();
	kprintf("synthos %s (x86-64) -- a Synthesis kernel: code synthesized at run time\n",
		SYNTHOS_VERSION);
	pr_info("boot: banner reached after %llu guest instructions/cycles since reset\n",
		(unsigned long long)arch_cycles_since_reset());
	arch_early_init();
	if (bootinfo_parse(magic, info_phys))
		panic("not started by a multiboot loader (magic %#x): boot synthos with "
		      "qemu -kernel or GRUB", magic);
	cmdline_parse(boot_info.cmdline, &boot_params, cmdline_warning, NULL);
	console_loglevel = boot_params.loglevel;

	pr_info("boot: loader '%s', command line: '%s'\n",
		boot_info.loader[0] ? boot_info.loader : "?", boot_info.cmdline);
	pr_info("boot: init=%s synth=%s loglevel=%d%s%s\n", boot_params.init,
		boot_params.synth ? "on" : "off", boot_params.loglevel,
		boot_params.ktest[0] ? " ktest=" : "", boot_params.ktest);
	print_memory_map();

	mm_init();
	sched_init();
	arch_late_init();

	uint64_t stack = kstack_alloc();
	if (!stack)
		panic("boot: no memory for the first kernel stack");
	switch_to_stack(stack, kmain_late, NULL);
}
