/*
 * monitor.c - the kernel monitor.
 *
 * A line editor (echo, backspace, Ctrl-U, Ctrl-C) over the interrupt-driven
 * console input, and a table of commands to look at the running kernel.
 * The kernel runs it when no init program can be started (kernel/init.c),
 * so a machine booted with a broken initrd can still be looked at.
 */
#include <synthos/console.h>
#include <synthos/format.h>
#include <synthos/cmdline.h>
#include <synthos/initrd.h>
#include <synthos/ktest.h>
#include <synthos/log.h>
#include <synthos/monitor.h>
#include <synthos/page_alloc.h>
#include <synthos/power.h>
#include <synthos/slab.h>
#include <synthos/string.h>
#include <synthos/time.h>
#include <arch/cpu.h>
#include <arch/interrupts.h>
#include <arch/mm.h>

#define LINE_MAX 256
#define MAX_ARGS 8

extern struct boot_params boot_params;

struct command {
	const char *name;
	const char *help;
	void (*fn)(int argc, char **argv);
};

static void out(const char *s)
{
	console_write(s, strlen(s));
}

/* Monitor output is a conversation, not kernel log: no timestamps. */
static __printf(1, 2) void mprintf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
}

static size_t read_line(char *buf, size_t size)
{
	size_t n = 0;
	for (;;) {
		int c = console_getc();
		if (c == '\r' || c == '\n') {
			out("\n");
			buf[n] = 0;
			return n;
		}
		if (c == 0x7f || c == 0x08) {           /* backspace / delete */
			if (n) {
				n--;
				out("\b \b");
			}
		} else if (c == 0x15) {                 /* Ctrl-U: kill line */
			while (n) {
				n--;
				out("\b \b");
			}
		} else if (c == 0x03) {                 /* Ctrl-C: abandon line */
			out("^C\n");
			buf[0] = 0;
			return 0;
		} else if (c >= 0x20 && c < 0x7f && n + 1 < size) {
			char ch = (char)c;
			buf[n++] = ch;
			console_write(&ch, 1);
		}
	}
}

static int split(char *line, char **argv)
{
	int argc = 0;
	char *p = line;
	while (*p && argc < MAX_ARGS) {
		while (*p == ' ' || *p == '\t')
			*p++ = 0;
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

static void cmd_help(int argc, char **argv);

static void cmd_mem(int argc, char **argv)
{
	mprintf("pages: %zu free of %zu (%zu KiB free); kmalloc: %zu bytes in use; "
		"kernel stacks: %zu\n", page_alloc_free_pages(), page_alloc_total_pages(),
		page_alloc_free_pages() * 4, kmalloc_bytes_in_use(), kstack_count());
}

static void print_cache(const struct kmem_cache_stats *s, void *ctx)
{
	(void)ctx;
	mprintf("  %-16s %6zu B  %6zu/%-6zu objects  %4zu pages\n", s->name, s->obj_size,
		s->objs_in_use, s->objs_total, s->pages);
}

static void cmd_slab(int argc, char **argv)
{
	kmem_for_each_cache(print_cache, NULL);
}

static void cmd_uptime(int argc, char **argv)
{
	uint64_t ns = time_ns();
	mprintf("up %llu.%03llu s, %llu ticks, %llu timer interrupts\n",
		(unsigned long long)(ns / NSEC_PER_SEC),
		(unsigned long long)(ns / 1000000 % 1000), (unsigned long long)jiffies,
		(unsigned long long)irq_counts[VEC_LAPIC_TIMER]);
}

static int print_initrd_entry(const struct cpio_entry *e, void *ctx)
{
	const char *prefix = ctx;
	if (prefix && strncmp(e->name, prefix, strlen(prefix)) != 0)
		return 0;
	mprintf("%06o %8zu %s\n", e->mode, e->size, e->name);
	return 0;
}

static void cmd_ls(int argc, char **argv)
{
	if (!initrd_stats.present) {
		out("no initrd\n");
		return;
	}
	initrd_for_each(print_initrd_entry, argc > 1 ? argv[1] : NULL);
}

static void cmd_cat(int argc, char **argv)
{
	struct cpio_entry e;
	if (argc < 2) {
		out("usage: cat FILE\n");
		return;
	}
	if (initrd_find(argv[1], &e)) {
		mprintf("cat: %s: not in the initrd\n", argv[1]);
		return;
	}
	console_write(e.data, e.size);
}

static void cmd_dmesg(int argc, char **argv)
{
	static char buf[16384];
	size_t n = log_read_ring(buf, sizeof(buf));
	console_write(buf, n);
}

static void cmd_cpu(int argc, char **argv)
{
	const struct cpu_features *f = &cpu_features;
	mprintf("%s %s, family %u model %u; nx=%d smep=%d smap=%d pcid=%d fsgsbase=%d "
		"invariant_tsc=%d; TSC %llu kHz\n", f->vendor, f->brand, f->family, f->model,
		f->nx, f->smep, f->smap, f->pcid, f->fsgsbase, f->invariant_tsc,
		(unsigned long long)(time_tsc_hz() / 1000));
}

static void cmd_cmdline(int argc, char **argv)
{
	mprintf("init=%s synth=%s loglevel=%d console=%s\n", boot_params.init,
		boot_params.synth ? "on" : "off", boot_params.loglevel, boot_params.console);
}

static void cmd_ktest(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "list") == 0) {
		out("usage: ktest all|NAME[,NAME...]|list\n");
		ktest_list();
		return;
	}
	ktest_run(argv[1]);
}

static void cmd_poweroff(int argc, char **argv)
{
	out("powering off\n");
	power_off(POWER_OK);
}

static const struct command commands[] = {
	{ "help",     "this list",                               cmd_help },
	{ "mem",      "page and kmalloc usage",                  cmd_mem },
	{ "slab",     "kmalloc caches",                          cmd_slab },
	{ "uptime",   "time since boot and timer ticks",         cmd_uptime },
	{ "ls",       "list the initrd [prefix]",                cmd_ls },
	{ "cat",      "print a file from the initrd",            cmd_cat },
	{ "dmesg",    "the kernel log",                          cmd_dmesg },
	{ "cpu",      "CPU model and features",                  cmd_cpu },
	{ "cmdline",  "boot options in force",                   cmd_cmdline },
	{ "ktest",    "run in-kernel self-tests (all|NAME|list)", cmd_ktest },
	{ "poweroff", "power the machine off",                   cmd_poweroff },
};

static void cmd_help(int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		mprintf("  %-9s %s\n", commands[i].name, commands[i].help);
}

void monitor_run(void)
{
	char line[LINE_MAX];
	char *argv[MAX_ARGS];

	console_claimed_by_kernel = true;
	out("\nsynthos kernel monitor. Type 'help'; 'poweroff' to quit.\n");
	for (;;) {
		out("synthos> ");
		read_line(line, sizeof(line));
		int argc = split(line, argv);
		if (argc == 0)
			continue;
		size_t i;
		for (i = 0; i < ARRAY_SIZE(commands); i++)
			if (strcmp(argv[0], commands[i].name) == 0) {
				commands[i].fn(argc, argv);
				break;
			}
		if (i == ARRAY_SIZE(commands))
			mprintf("%s: unknown command (try 'help')\n", argv[0]);
	}
}
