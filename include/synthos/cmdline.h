/*
 * cmdline.h - the kernel command line (kernel/lib/cmdline.c).
 *
 * cmdline_parse() turns the boot loader's string into struct boot_params
 * once, early in boot; everything else reads the struct. The syntax is
 * Linux's: words separated by blanks, double quotes group (and are
 * removed), "--" ends the kernel's options. Options the kernel does not
 * know are passed on to init as Linux does: bare words as arguments,
 * key=value as environment. See kernel/lib/cmdline.c for the option list.
 */
#ifndef SYNTHOS_CMDLINE_H
#define SYNTHOS_CMDLINE_H

#include <synthos/types.h>

#define CMDLINE_MAX 4096
#define CMDLINE_INIT_ARGS_MAX 32

struct boot_params {
	char init[256];         /* init= (also rdinit=); default "/init" */
	int  loglevel;          /* loglevel=0..7; default LOG_DEFAULT_LEVEL */
	bool synth;             /* synth=on|off (1/0, yes/no); default true */
	char console[64];       /* console=, recorded (the last one wins) */
	char ktest[128];        /* ktest=all|NAME[,NAME...]; "" = no self-tests */
	bool quiet;             /* quiet: loglevel LOG_WARN unless loglevel= */
	/*
	 * What init gets: words after "--" and unknown bare words as
	 * arguments (argv[0], the init path, is not included); unknown
	 * key=value words as environment. Both arrays stay NULL-terminated
	 * (init_argv[init_argc] == NULL), so each holds at most
	 * CMDLINE_INIT_ARGS_MAX - 1 entries; extras are dropped with a warning.
	 */
	int  init_argc;
	const char *init_argv[CMDLINE_INIT_ARGS_MAX];
	int  init_envc;
	const char *init_envp[CMDLINE_INIT_ARGS_MAX];
	int  nunknown;          /* how many unknown options were seen */
	int  nwarnings;         /* how many warnings were raised */
	char buf[CMDLINE_MAX];  /* storage that the pointers above point into */
};

/*
 * Called once per problem: what is a fixed English phrase, token the word
 * of the command line it is about (quotes removed; "" when there is none).
 * Both point into storage that outlives the call (token into bp->buf).
 */
typedef void (*cmdline_warn_fn)(void *ctx, const char *what, const char *token);

/*
 * Parses cmdline (may be NULL = empty) into *bp, which is first fully
 * initialized with the defaults. Unknown options are not errors: each one
 * calls warn(ctx, "unknown option, passed to init", token). Malformed
 * known options call warn too and leave the setting as it was. A command
 * line of CMDLINE_MAX bytes or more is truncated to CMDLINE_MAX - 1 with a
 * warning. warn may be NULL (warnings are then only counted). Returns 0.
 */
int cmdline_parse(const char *cmdline, struct boot_params *bp,
		  cmdline_warn_fn warn, void *ctx);

#endif
