/*
 * cmdline.c - parse the kernel command line into struct boot_params
 * (<synthos/cmdline.h>). Called once by the boot code, before anything
 * reads boot_params; it takes no locks and allocates nothing.
 *
 * Syntax, as Linux:
 *  - Words are separated by spaces, tabs and newlines.
 *  - Double quotes group: blanks inside them do not split, and the quote
 *    characters themselves are removed wherever they are, so
 *    init="/bin/my init" gives the value /bin/my init. An unterminated
 *    quote runs to the end of the line (with a warning).
 *  - A word is "name" or "name=value" (split at the first '='). In names,
 *    '-' and '_' are the same character, as in Linux.
 *  - "--" ends the kernel's options: every later word, whatever it looks
 *    like, is an argument for init.
 *  - Repeated options: the last one wins.
 *
 * Options understood (the table options[] below; adding one is one line):
 *   init=PATH, rdinit=PATH   program to run as PID 1 (both set the same)
 *   loglevel=0..7            console log level
 *   quiet                    loglevel 4 (warnings) unless loglevel= given
 *   debug                    loglevel 7 unless loglevel= given
 *   synth=on|off|1|0|yes|no
 *   console=NAME             recorded only
 *   ktest=all|NAME[,NAME...] run in-kernel self-tests, then power off
 *   BOOT_IMAGE=...           added by GRUB: passed to init's environment
 *                            (as Linux does) but without a warning
 * Accepted and ignored without a warning, because people pass them to
 * Linux out of habit and boot loaders add some of them:
 *   earlyprintk panic nokaslr kaslr root rootfstype rootflags rootwait
 *   rw ro initrd noapic nolapic nosmp maxcpus nr_cpus acpi nomodeset
 *   mitigations
 * Anything else is unknown: bare words go to init's argv, key=value to
 * init's environment, each with a warning (not an error).
 *
 * Storage: the line is copied into bp->buf and split there in place; the
 * quote removal only ever shrinks a word, so every word still fits where
 * it started. init_argv/init_envp point into bp->buf; the fixed-size
 * string fields are copies, truncated with a warning if too long.
 */
#include <synthos/cmdline.h>
#include <synthos/log.h>
#include <synthos/string.h>

struct parser {
	struct boot_params *bp;
	cmdline_warn_fn warn;
	void *ctx;
	const char *token;      /* the whole word being handled */
	bool loglevel_set;      /* an explicit loglevel= was accepted */
	int implied_level;      /* from quiet/debug; -1 if neither */
	bool argv_full_warned, envp_full_warned;
};

static void warn(struct parser *ps, const char *what, const char *token)
{
	ps->bp->nwarnings++;
	if (ps->warn)
		ps->warn(ps->ctx, what, token);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/*
 * The arrays keep a NULL after the last entry, so the last slot is never
 * filled. Only the first drop is reported: a hostile line could otherwise
 * produce thousands of identical warnings.
 */
static void push_arg(struct parser *ps, const char *word)
{
	struct boot_params *bp = ps->bp;

	if (bp->init_argc < CMDLINE_INIT_ARGS_MAX - 1) {
		bp->init_argv[bp->init_argc++] = word;
	} else if (!ps->argv_full_warned) {
		ps->argv_full_warned = true;
		warn(ps, "too many init arguments, dropped", word);
	}
}

static void push_env(struct parser *ps, const char *word)
{
	struct boot_params *bp = ps->bp;

	if (bp->init_envc < CMDLINE_INIT_ARGS_MAX - 1) {
		bp->init_envp[bp->init_envc++] = word;
	} else if (!ps->envp_full_warned) {
		ps->envp_full_warned = true;
		warn(ps, "too many init environment variables, dropped", word);
	}
}

/* Copies a string option's value; over-long values are cut, not refused. */
static void set_string(struct parser *ps, char *dst, size_t size, const char *val)
{
	if (strlcpy(dst, val, size) >= size)
		warn(ps, "value too long, truncated", ps->token);
}

static void opt_init(struct parser *ps, const char *val)
{
	set_string(ps, ps->bp->init, sizeof(ps->bp->init), val);
}

static void opt_console(struct parser *ps, const char *val)
{
	set_string(ps, ps->bp->console, sizeof(ps->bp->console), val);
}

static void opt_loglevel(struct parser *ps, const char *val)
{
	/* One digit only: anything longer is out of range or junk. */
	if (val[0] < '0' || val[0] > '7' || val[1] != '\0') {
		warn(ps, "bad loglevel (want 0..7), ignored", ps->token);
		return;
	}
	ps->bp->loglevel = val[0] - '0';
	ps->loglevel_set = true;
}

static void opt_synth(struct parser *ps, const char *val)
{
	static const char *const yes[] = { "on", "1", "yes" };
	static const char *const no[] = { "off", "0", "no" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(val, yes[i]) == 0) {
			ps->bp->synth = true;
			return;
		}
		if (strcmp(val, no[i]) == 0) {
			ps->bp->synth = false;
			return;
		}
	}
	warn(ps, "bad synth value (want on/off), ignored", ps->token);
}

static bool has_empty_name(const char *list)
{
	for (; *list; list++)
		if (list[0] == ',' && list[1] == ',')
			return true;
	return false;
}

static void opt_ktest(struct parser *ps, const char *val)
{
	size_t n = strlen(val);

	/* A comma list without empty names: "a,,b" or "a," is a typo, and
	 * running a different set of tests than asked would mislead. */
	if (val[0] == ',' || val[n - 1] == ',' || has_empty_name(val)) {
		warn(ps, "bad ktest list, ignored", ps->token);
		return;
	}
	set_string(ps, ps->bp->ktest, sizeof(ps->bp->ktest), val);
}

static void opt_quiet(struct parser *ps, const char *val)
{
	ps->bp->quiet = true;
	ps->implied_level = LOG_WARN;
}

static void opt_debug(struct parser *ps, const char *val)
{
	ps->implied_level = LOG_DEBUG;
}

static void opt_to_env(struct parser *ps, const char *val)
{
	push_env(ps, ps->token);
}

enum opt_kind {
	OPT_VALUE,              /* name=value, value not empty */
	OPT_FLAG,               /* bare name */
	OPT_ANY,                /* either; used for the ignored ones */
};

struct option {
	const char *name;
	enum opt_kind kind;
	void (*handle)(struct parser *ps, const char *val);  /* NULL: ignore */
};

static const struct option options[] = {
	{ "init",        OPT_VALUE, opt_init },
	{ "rdinit",      OPT_VALUE, opt_init },
	{ "loglevel",    OPT_VALUE, opt_loglevel },
	{ "quiet",       OPT_FLAG,  opt_quiet },
	{ "debug",       OPT_FLAG,  opt_debug },
	{ "synth",       OPT_VALUE, opt_synth },
	{ "console",     OPT_VALUE, opt_console },
	{ "ktest",       OPT_VALUE, opt_ktest },
	{ "BOOT_IMAGE",  OPT_VALUE, opt_to_env },
	{ "earlyprintk", OPT_ANY,   NULL },
	{ "panic",       OPT_ANY,   NULL },
	{ "nokaslr",     OPT_ANY,   NULL },
	{ "kaslr",       OPT_ANY,   NULL },
	{ "root",        OPT_ANY,   NULL },
	{ "rootfstype",  OPT_ANY,   NULL },
	{ "rootflags",   OPT_ANY,   NULL },
	{ "rootwait",    OPT_ANY,   NULL },
	{ "rw",          OPT_ANY,   NULL },
	{ "ro",          OPT_ANY,   NULL },
	{ "initrd",      OPT_ANY,   NULL },
	{ "noapic",      OPT_ANY,   NULL },
	{ "nolapic",     OPT_ANY,   NULL },
	{ "nosmp",       OPT_ANY,   NULL },
	{ "maxcpus",     OPT_ANY,   NULL },
	{ "nr_cpus",     OPT_ANY,   NULL },
	{ "acpi",        OPT_ANY,   NULL },
	{ "nomodeset",   OPT_ANY,   NULL },
	{ "mitigations", OPT_ANY,   NULL },
};

/* name (exactly len bytes) equals opt, with '-' and '_' the same. */
static bool name_is(const char *name, size_t len, const char *opt)
{
	size_t i;

	for (i = 0; i < len && opt[i]; i++) {
		char a = name[i] == '-' ? '_' : name[i];
		char b = opt[i] == '-' ? '_' : opt[i];
		if (a != b)
			return false;
	}
	return i == len && opt[i] == '\0';
}

static const struct option *find_option(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (name_is(name, len, options[i].name))
			return &options[i];
	return NULL;
}

/* One word before "--", quotes already removed. */
static void handle_word(struct parser *ps, const char *word)
{
	const char *eq = strchr(word, '=');
	size_t namelen = eq ? (size_t)(eq - word) : strlen(word);
	const char *val = eq ? eq + 1 : NULL;
	const struct option *opt = find_option(word, namelen);

	ps->token = word;
	if (!opt) {
		ps->bp->nunknown++;
		warn(ps, "unknown option, passed to init", word);
		if (val)
			push_env(ps, word);
		else
			push_arg(ps, word);
		return;
	}
	if (opt->kind == OPT_VALUE && (!val || !*val)) {
		warn(ps, "option needs a value, ignored", word);
		return;
	}
	if (opt->kind == OPT_FLAG && val) {
		warn(ps, "option takes no value, ignored", word);
		return;
	}
	if (opt->handle)
		opt->handle(ps, val);
}

static void set_defaults(struct boot_params *bp)
{
	memset(bp, 0, sizeof(*bp));
	strlcpy(bp->init, "/init", sizeof(bp->init));
	bp->loglevel = LOG_DEFAULT_LEVEL;
	bp->synth = true;
}

int cmdline_parse(const char *cmdline, struct boot_params *bp,
		  cmdline_warn_fn warn_fn, void *ctx)
{
	struct parser ps = { .bp = bp, .warn = warn_fn, .ctx = ctx,
			     .implied_level = -1 };
	bool after_dashes = false;
	size_t len;
	char *r;

	set_defaults(bp);
	if (!cmdline)
		cmdline = "";

	/* strnlen: never look further than the bytes we could keep. */
	len = strnlen(cmdline, CMDLINE_MAX);
	if (len == CMDLINE_MAX) {
		len = CMDLINE_MAX - 1;
		warn(&ps, "command line too long, truncated", "");
	}
	memcpy(bp->buf, cmdline, len);
	bp->buf[len] = '\0';

	r = bp->buf;
	for (;;) {
		while (is_blank(*r))
			r++;
		if (!*r)
			break;

		/* Copy the word down over its own quotes: w never passes r. */
		char *word = r, *w = r;
		bool in_quote = false, more;
		for (; *r; r++) {
			if (*r == '"') {
				in_quote = !in_quote;
				continue;
			}
			if (!in_quote && is_blank(*r))
				break;
			*w++ = *r;
		}
		more = *r != '\0';
		*w = '\0';
		if (more)
			r++;
		if (in_quote)
			warn(&ps, "unterminated quote", word);

		if (after_dashes)
			push_arg(&ps, word);
		else if (strcmp(word, "--") == 0)
			after_dashes = true;
		else if (*word)         /* a lone "" names no option */
			handle_word(&ps, word);
	}

	if (ps.implied_level >= 0 && !ps.loglevel_set)
		bp->loglevel = ps.implied_level;
	return 0;
}
