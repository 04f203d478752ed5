/*
 * test_cmdline.c - hosted tests for kernel/lib/cmdline.c.
 *
 * Every test parses into a heap boot_params (so ASan watches its edges)
 * and records the warnings, so "accepted silently" is checked as strictly
 * as "accepted".
 */
#include "ut.h"

#include <stdlib.h>

#include <synthos/cmdline.h>
#include <synthos/log.h>

/*
 * cmdline.c calls strlcpy, which glibc 2.36 lacks: give it the kernel's
 * own, compiled here under k_ names (host/rename.h) and exported under the
 * real name. Everything else it uses comes from libc.
 */
#include "host/rename.h"
#include "../../kernel/lib/string.c"
#include "host/rename.h"

size_t strlcpy(char *dst, const char *src, size_t size)
{
	return k_strlcpy(dst, src, size);
}

#define MAXW 64

struct warnings {
	int n;
	char what[MAXW][80];
	char token[MAXW][512];     /* long tokens are cut; tests use short ones */
};

static void record_warning(void *ctx, const char *what, const char *token)
{
	struct warnings *w = ctx;

	if (w->n < MAXW) {
		snprintf(w->what[w->n], sizeof(w->what[0]), "%s", what);
		snprintf(w->token[w->n], sizeof(w->token[0]), "%s", token);
	}
	w->n++;
}

static struct boot_params *bp;
static struct warnings *warns;

static void parse(const char *line)
{
	free(bp);
	free(warns);
	bp = malloc(sizeof(*bp));
	warns = calloc(1, sizeof(*warns));
	memset(bp, 0xa5, sizeof(*bp));     /* parse must initialize all */
	int r = cmdline_parse(line, bp, record_warning, warns);
	if (r != 0)
		abort();
}

static bool points_into_buf(const char *p)
{
	return p >= bp->buf && p < bp->buf + sizeof(bp->buf);
}

#define CHECK_DEFAULT_SETTINGS() do {                                    \
	UT_CHECK_STR(bp->init, "/init");                                 \
	UT_CHECK_EQ(bp->loglevel, LOG_DEFAULT_LEVEL);                    \
	UT_CHECK(bp->synth);                                             \
	UT_CHECK_STR(bp->console, "");                                   \
	UT_CHECK_STR(bp->ktest, "");                                     \
	UT_CHECK(!bp->quiet);                                            \
} while (0)

UT_TEST(null_cmdline_gives_defaults)
{
	parse(NULL);
	CHECK_DEFAULT_SETTINGS();
	UT_CHECK_EQ(bp->init_argc, 0);
	UT_CHECK_EQ(bp->init_envc, 0);
	UT_CHECK(bp->init_argv[0] == NULL);
	UT_CHECK(bp->init_envp[0] == NULL);
	UT_CHECK_EQ(bp->nunknown, 0);
	UT_CHECK_EQ(bp->nwarnings, 0);
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(blank_only_cmdline_gives_defaults)
{
	parse(" \t\n  \r ");
	CHECK_DEFAULT_SETTINGS();
	UT_CHECK_EQ(bp->init_argc, 0);
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(init_and_rdinit_set_init_last_wins)
{
	parse("init=/sbin/init");
	UT_CHECK_STR(bp->init, "/sbin/init");
	parse("rdinit=/bin/sh");
	UT_CHECK_STR(bp->init, "/bin/sh");
	parse("init=/a rdinit=/b init=/c");
	UT_CHECK_STR(bp->init, "/c");
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(quoted_value_keeps_spaces_and_loses_quotes)
{
	parse("quiet init=\"/bin/my init\" loglevel=3");
	UT_CHECK_STR(bp->init, "/bin/my init");
	UT_CHECK(bp->quiet);
	UT_CHECK_EQ(bp->loglevel, 3);
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(quotes_are_removed_wherever_they_are)
{
	parse("\"init=/a b\"");
	UT_CHECK_STR(bp->init, "/a b");
	parse("init=/a\" \"b");
	UT_CHECK_STR(bp->init, "/a b");
	parse("init=\"\"/x\"\"");
	UT_CHECK_STR(bp->init, "/x");
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(tabs_and_newlines_separate_words)
{
	parse("init=/x\tloglevel=2\nquiet\r\n");
	UT_CHECK_STR(bp->init, "/x");
	UT_CHECK_EQ(bp->loglevel, 2);
	UT_CHECK(bp->quiet);
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(loglevel_accepts_0_to_7)
{
	char line[32];

	for (int i = 0; i <= 7; i++) {
		snprintf(line, sizeof(line), "loglevel=%d", i);
		parse(line);
		UT_CHECK_EQ(bp->loglevel, i);
		UT_CHECK_EQ(warns->n, 0);
	}
}

UT_TEST(loglevel_bad_values_warn_and_keep_default)
{
	const char *bad[] = { "loglevel=8", "loglevel=-1", "loglevel=x", "loglevel=",
			      "loglevel", "loglevel=12", "loglevel=3x", "loglevel=99999999999999999999" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse(bad[i]);
		UT_CHECK_EQ(bp->loglevel, LOG_DEFAULT_LEVEL);
		UT_CHECK_EQ(warns->n, 1);
		UT_CHECK_STR(warns->token[0], bad[i]);
		UT_CHECK_EQ(bp->nunknown, 0);
		UT_CHECK_EQ(bp->init_argc + bp->init_envc, 0);
	}
}

UT_TEST(quiet_means_warn_level_unless_loglevel_given)
{
	parse("quiet");
	UT_CHECK(bp->quiet);
	UT_CHECK_EQ(bp->loglevel, LOG_WARN);
	parse("quiet loglevel=7");
	UT_CHECK(bp->quiet);
	UT_CHECK_EQ(bp->loglevel, 7);
	parse("loglevel=1 quiet");      /* order does not matter */
	UT_CHECK_EQ(bp->loglevel, 1);
	parse("loglevel=bad quiet");    /* a rejected loglevel= does not count */
	UT_CHECK_EQ(bp->loglevel, LOG_WARN);
}

UT_TEST(debug_means_debug_level_and_last_of_quiet_debug_wins)
{
	parse("debug");
	UT_CHECK_EQ(bp->loglevel, LOG_DEBUG);
	UT_CHECK(!bp->quiet);
	parse("debug quiet");
	UT_CHECK_EQ(bp->loglevel, LOG_WARN);
	parse("quiet debug");
	UT_CHECK_EQ(bp->loglevel, LOG_DEBUG);
	parse("debug loglevel=2");
	UT_CHECK_EQ(bp->loglevel, 2);
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(flag_given_a_value_is_ignored_with_warning)
{
	parse("quiet=1");
	UT_CHECK(!bp->quiet);
	UT_CHECK_EQ(bp->loglevel, LOG_DEFAULT_LEVEL);
	UT_CHECK_EQ(warns->n, 1);
	UT_CHECK_STR(warns->token[0], "quiet=1");
	UT_CHECK_EQ(bp->nunknown, 0);
}

UT_TEST(value_options_without_value_warn)
{
	const char *bad[] = { "init", "init=", "rdinit", "console=", "ktest", "synth", "synth=" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse(bad[i]);
		CHECK_DEFAULT_SETTINGS();
		UT_CHECK_EQ(warns->n, 1);
		UT_CHECK_STR(warns->token[0], bad[i]);
	}
}

UT_TEST(synth_accepts_on_off_1_0_yes_no)
{
	const char *on[] = { "synth=on", "synth=1", "synth=yes" };
	const char *off[] = { "synth=off", "synth=0", "synth=no" };

	for (int i = 0; i < 3; i++) {
		parse(off[i]);
		UT_CHECK(!bp->synth);
		UT_CHECK_EQ(warns->n, 0);
		parse(on[i]);
		UT_CHECK(bp->synth);
		UT_CHECK_EQ(warns->n, 0);
	}
	parse("synth=off synth=on");
	UT_CHECK(bp->synth);
}

UT_TEST(synth_bad_value_warns_and_keeps_setting)
{
	parse("synth=off synth=maybe");
	UT_CHECK(!bp->synth);
	UT_CHECK_EQ(warns->n, 1);
	UT_CHECK_STR(warns->token[0], "synth=maybe");
	parse("synth=ON");
	UT_CHECK(bp->synth);
	UT_CHECK_EQ(warns->n, 1);
}

UT_TEST(console_is_recorded_last_wins)
{
	parse("console=tty0 console=ttyS0,115200n8");
	UT_CHECK_STR(bp->console, "ttyS0,115200n8");
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(ktest_records_list)
{
	parse("ktest=all");
	UT_CHECK_STR(bp->ktest, "all");
	parse("ktest=pmm,vmm,sched");
	UT_CHECK_STR(bp->ktest, "pmm,vmm,sched");
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(ktest_list_with_empty_name_is_rejected)
{
	const char *bad[] = { "ktest=a,,b", "ktest=,a", "ktest=a,", "ktest=," };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse(bad[i]);
		UT_CHECK_STR(bp->ktest, "");
		UT_CHECK_EQ(warns->n, 1);
	}
}

UT_TEST(double_dash_sends_everything_after_to_init)
{
	parse("quiet -- -s \"a b\" init=/x -- loglevel=1");
	UT_CHECK(bp->quiet);
	UT_CHECK_STR(bp->init, "/init");
	UT_CHECK_EQ(bp->loglevel, LOG_WARN);
	UT_CHECK_EQ(bp->init_argc, 5);
	UT_CHECK_STR(bp->init_argv[0], "-s");
	UT_CHECK_STR(bp->init_argv[1], "a b");
	UT_CHECK_STR(bp->init_argv[2], "init=/x");
	UT_CHECK_STR(bp->init_argv[3], "--");
	UT_CHECK_STR(bp->init_argv[4], "loglevel=1");
	UT_CHECK(bp->init_argv[5] == NULL);
	UT_CHECK_EQ(bp->init_envc, 0);
	UT_CHECK_EQ(bp->nunknown, 0);
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(double_dash_at_end_or_alone_is_harmless)
{
	parse("--");
	UT_CHECK_EQ(bp->init_argc, 0);
	parse("init=/x --");
	UT_CHECK_STR(bp->init, "/x");
	UT_CHECK_EQ(bp->init_argc, 0);
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(empty_quoted_word_ignored_before_dashes_kept_after)
{
	parse("\"\" -- \"\" x");
	UT_CHECK_EQ(bp->init_argc, 2);
	UT_CHECK_STR(bp->init_argv[0], "");
	UT_CHECK_STR(bp->init_argv[1], "x");
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(unknown_bare_word_goes_to_argv_with_warning)
{
	parse("single foo -- bar");
	UT_CHECK_EQ(bp->nunknown, 2);
	UT_CHECK_EQ(bp->init_argc, 3);
	UT_CHECK_STR(bp->init_argv[0], "single");
	UT_CHECK_STR(bp->init_argv[1], "foo");
	UT_CHECK_STR(bp->init_argv[2], "bar");
	UT_CHECK_EQ(warns->n, 2);
	UT_CHECK_STR(warns->what[0], "unknown option, passed to init");
	UT_CHECK_STR(warns->token[0], "single");
	UT_CHECK_STR(warns->token[1], "foo");
}

UT_TEST(unknown_key_value_goes_to_envp_whole)
{
	parse("TERM=linux HOME=\"/root dir\" a=b=c");
	UT_CHECK_EQ(bp->nunknown, 3);
	UT_CHECK_EQ(bp->init_envc, 3);
	UT_CHECK_STR(bp->init_envp[0], "TERM=linux");
	UT_CHECK_STR(bp->init_envp[1], "HOME=/root dir");
	UT_CHECK_STR(bp->init_envp[2], "a=b=c");
	UT_CHECK(bp->init_envp[3] == NULL);
	UT_CHECK_EQ(bp->init_argc, 0);
	UT_CHECK_EQ(warns->n, 3);
}

UT_TEST(common_linux_options_are_accepted_silently)
{
	parse("root=/dev/sda1 rw ro rootfstype=ext4 rootflags=data=ordered rootwait "
	      "earlyprintk=serial,ttyS0 earlyprintk panic=-1 nokaslr kaslr initrd=/boot/x "
	      "noapic nolapic nosmp maxcpus=1 nr_cpus=1 acpi=off nomodeset mitigations=off "
	      "console=ttyS0");
	UT_CHECK_EQ(warns->n, 0);
	UT_CHECK_EQ(bp->nunknown, 0);
	UT_CHECK_EQ(bp->init_argc, 0);
	UT_CHECK_EQ(bp->init_envc, 0);
	UT_CHECK_STR(bp->console, "ttyS0");
	UT_CHECK_STR(bp->init, "/init");
}

UT_TEST(boot_image_goes_to_env_without_warning)
{
	parse("BOOT_IMAGE=/boot/synthos.elf quiet");
	UT_CHECK_EQ(warns->n, 0);
	UT_CHECK_EQ(bp->nunknown, 0);
	UT_CHECK_EQ(bp->init_envc, 1);
	UT_CHECK_STR(bp->init_envp[0], "BOOT_IMAGE=/boot/synthos.elf");
}

UT_TEST(dash_and_underscore_are_the_same_in_names)
{
	parse("nr-cpus=2 BOOT-IMAGE=/k");
	UT_CHECK_EQ(warns->n, 0);
	UT_CHECK_EQ(bp->init_envc, 1);
	UT_CHECK_STR(bp->init_envp[0], "BOOT-IMAGE=/k");
	/* ...but only there: values are untouched. */
	parse("init=/bin/a-b_c");
	UT_CHECK_STR(bp->init, "/bin/a-b_c");
}

UT_TEST(names_match_exactly_not_by_prefix)
{
	parse("initx=/a ini=/b quietly");
	UT_CHECK_STR(bp->init, "/init");
	UT_CHECK(!bp->quiet);
	UT_CHECK_EQ(bp->nunknown, 3);
}

UT_TEST(too_many_init_args_keeps_31_and_warns_once)
{
	char line[1024] = "--";

	for (int i = 0; i < 40; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " a%d", i);
	parse(line);
	UT_CHECK_EQ(bp->init_argc, CMDLINE_INIT_ARGS_MAX - 1);
	UT_CHECK_STR(bp->init_argv[0], "a0");
	UT_CHECK_STR(bp->init_argv[30], "a30");
	UT_CHECK(bp->init_argv[CMDLINE_INIT_ARGS_MAX - 1] == NULL);
	UT_CHECK_EQ(warns->n, 1);
	UT_CHECK_STR(warns->token[0], "a31");
}

UT_TEST(too_many_env_vars_keeps_31_and_warns_once_more)
{
	char line[1024] = "";

	for (int i = 0; i < 40; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " v%d=x", i);
	parse(line);
	UT_CHECK_EQ(bp->init_envc, CMDLINE_INIT_ARGS_MAX - 1);
	UT_CHECK(bp->init_envp[CMDLINE_INIT_ARGS_MAX - 1] == NULL);
	UT_CHECK_EQ(bp->nunknown, 40);
	/* 40 unknown-option warnings plus one "too many". */
	UT_CHECK_EQ(warns->n, 41);
	UT_CHECK_EQ(bp->nwarnings, 41);
}

UT_TEST(overlong_cmdline_is_truncated_with_warning)
{
	/* An unterminated buffer of exactly CMDLINE_MAX bytes on the heap:
	 * the parser must not look at byte CMDLINE_MAX to see it is long. */
	char *line = malloc(CMDLINE_MAX);
	memset(line, 'x', CMDLINE_MAX);
	memcpy(line, "quiet ", 6);
	line[CMDLINE_MAX - 3] = ' ';
	line[CMDLINE_MAX - 2] = 'A';
	line[CMDLINE_MAX - 1] = 'B';     /* beyond the kept 4095 bytes */
	parse(line);
	free(line);
	UT_CHECK(bp->quiet);
	UT_CHECK_STR(warns->what[0], "command line too long, truncated");
	UT_CHECK_EQ(bp->init_argc, 2);
	UT_CHECK_EQ(strlen(bp->init_argv[0]), CMDLINE_MAX - 3 - 6);
	UT_CHECK_STR(bp->init_argv[1], "A");
}

UT_TEST(cmdline_of_exactly_max_minus_one_is_not_truncated)
{
	char *line = malloc(CMDLINE_MAX);
	memset(line, 'y', CMDLINE_MAX - 1);
	line[CMDLINE_MAX - 1] = 0;
	parse(line);
	free(line);
	UT_CHECK_EQ(bp->init_argc, 1);
	UT_CHECK_EQ(strlen(bp->init_argv[0]), CMDLINE_MAX - 1);
	UT_CHECK_EQ(warns->n, 1);       /* unknown option only */
}

UT_TEST(overlong_values_are_truncated_with_warning)
{
	char line[1200];

	snprintf(line, sizeof(line), "init=/%0300d", 0);
	parse(line);
	UT_CHECK_EQ(strlen(bp->init), sizeof(bp->init) - 1);
	UT_CHECK(strncmp(bp->init, "/000", 4) == 0);
	UT_CHECK_EQ(warns->n, 1);
	UT_CHECK_STR(warns->what[0], "value too long, truncated");

	snprintf(line, sizeof(line), "console=%0100d ktest=%0500d", 0, 0);
	parse(line);
	UT_CHECK_EQ(strlen(bp->console), sizeof(bp->console) - 1);
	UT_CHECK_EQ(strlen(bp->ktest), sizeof(bp->ktest) - 1);
	UT_CHECK_EQ(warns->n, 2);
}

UT_TEST(value_exactly_filling_field_is_not_truncated)
{
	char line[400];

	snprintf(line, sizeof(line), "init=/%0254d", 0);
	parse(line);
	UT_CHECK_EQ(strlen(bp->init), 255);
	UT_CHECK_EQ(warns->n, 0);
}

UT_TEST(unterminated_quote_runs_to_end_with_warning)
{
	parse("quiet init=\"/bin/x y");
	UT_CHECK(bp->quiet);
	UT_CHECK_STR(bp->init, "/bin/x y");
	UT_CHECK_EQ(warns->n, 1);
	UT_CHECK_STR(warns->what[0], "unterminated quote");
}

UT_TEST(argv_and_envp_point_into_params_buf)
{
	parse("a b=c -- d");
	UT_CHECK_EQ(bp->init_argc, 2);
	UT_CHECK(points_into_buf(bp->init_argv[0]));
	UT_CHECK(points_into_buf(bp->init_argv[1]));
	UT_CHECK(points_into_buf(bp->init_envp[0]));
}

UT_TEST(null_warn_callback_is_allowed_and_counted)
{
	struct boot_params *p = malloc(sizeof(*p));

	UT_CHECK_EQ(cmdline_parse("bogus loglevel=9", p, NULL, NULL), 0);
	UT_CHECK_EQ(p->nwarnings, 2);
	UT_CHECK_EQ(p->nunknown, 1);
	free(p);
}

UT_TEST(reparsing_starts_from_defaults)
{
	struct boot_params *p = malloc(sizeof(*p));

	cmdline_parse("quiet init=/x a b -- c", p, NULL, NULL);
	cmdline_parse("", p, NULL, NULL);
	UT_CHECK_STR(p->init, "/init");
	UT_CHECK(!p->quiet);
	UT_CHECK_EQ(p->init_argc, 0);
	UT_CHECK(p->init_argv[0] == NULL);
	UT_CHECK_EQ(p->nunknown, 0);
	free(p);
}

UT_TEST(input_string_is_not_modified)
{
	char line[] = "init=\"/a b\" x -- y";
	char copy[sizeof(line)];

	memcpy(copy, line, sizeof(line));
	parse(line);
	UT_CHECK(memcmp(line, copy, sizeof(line)) == 0);
}

/* Random lines over a small alphabet that hits every parser path. */
UT_TEST(random_hostile_lines_keep_invariants)
{
	static const char alphabet[] = "ab=\"\" \t\n-_,0189qinitloglevelsynthquietktestconsole";
	unsigned seed = 424242;

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = (size_t)(rand_r(&seed) % 200);
		if (iter % 500 == 0)
			len = CMDLINE_MAX + 50;
		char *line = malloc(len + 1);
		for (size_t i = 0; i < len; i++)
			line[i] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		line[len] = 0;
		if (iter % 7 == 0 && len > 8)
			memcpy(line, "-- ", 3);
		parse(line);
		free(line);

		UT_CHECK(bp->init_argc >= 0 && bp->init_argc < CMDLINE_INIT_ARGS_MAX);
		UT_CHECK(bp->init_envc >= 0 && bp->init_envc < CMDLINE_INIT_ARGS_MAX);
		UT_CHECK(bp->init_argv[bp->init_argc] == NULL);
		UT_CHECK(bp->init_envp[bp->init_envc] == NULL);
		for (int i = 0; i < bp->init_argc; i++) {
			UT_CHECK(points_into_buf(bp->init_argv[i]));
			UT_CHECK(memchr(bp->init_argv[i], 0,
				bp->buf + sizeof(bp->buf) - bp->init_argv[i]) != NULL);
			UT_CHECK(strchr(bp->init_argv[i], '"') == NULL);
		}
		for (int i = 0; i < bp->init_envc; i++) {
			UT_CHECK(points_into_buf(bp->init_envp[i]));
			UT_CHECK(strchr(bp->init_envp[i], '=') != NULL);
		}
		UT_CHECK(memchr(bp->init, 0, sizeof(bp->init)) != NULL);
		UT_CHECK(memchr(bp->console, 0, sizeof(bp->console)) != NULL);
		UT_CHECK(memchr(bp->ktest, 0, sizeof(bp->ktest)) != NULL);
		UT_CHECK(bp->loglevel >= 0 && bp->loglevel <= 7);
		UT_CHECK_EQ(bp->nwarnings, warns->n);
	}
}
