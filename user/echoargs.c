/*
 * echoargs - the program usertests execs to see what execve handed over.
 * Every mode prints deterministic lines (no addresses, no pids):
 *
 *   echoargs [ARG...]        "argc=N", "argv[i]=S" for each, "env=S" for each
 *   echoargs --argc ...      "argc=N" only
 *   echoargs --auxv          the auxiliary vector and initial stack, checked
 *                            against the program's own ELF headers:
 *                            one "NAME ok" or "NAME bad" line per check
 *   echoargs --fds FD...     "fd N open" or "fd N closed" (close-on-exec)
 *   echoargs --sig           dispositions, mask and pending set inherited
 *                            across exec (SIGUSR1, SIGUSR2, SIGTERM, SIGHUP)
 *   echoargs --ids PID PPID  "pid same|differs", "ppid same|differs"
 *   echoargs --chain N       re-exec argv[0] N times, then "chain done"
 *   echoargs --exit N        exit with status N
 *   echoargs --main-exits    the main thread calls pthread_exit while a
 *                            second thread runs on; that thread prints
 *                            "thread outlived main" and the process exits 0
 *
 * Exit status 0 unless a check failed. It also serves as the interpreter of
 * the #! scripts (then argv[1] is the script's optional argument or path).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/auxv.h>
#include <unistd.h>

extern const Elf64_Ehdr __ehdr_start;   /* the linker's symbol for our ELF header */
extern char _start[];                   /* the entry point (crt1) */

static int bad;

static void check(const char *what, int ok)
{
	printf("%s %s\n", what, ok ? "ok" : "bad");
	if (!ok)
		bad = 1;
}

static int do_auxv(int argc, char **argv, char **envp)
{
	unsigned long pagesz = getauxval(AT_PAGESZ);
	check("AT_PAGESZ", pagesz == 4096);

	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	int nonzero = 0;
	if (rnd) {
		unsigned char copy[16];
		memcpy(copy, rnd, 16);          /* faults if not readable */
		for (int i = 0; i < 16; i++)
			nonzero |= copy[i];
	}
	check("AT_RANDOM", rnd != NULL && nonzero);

	unsigned long phdr = (unsigned long)&__ehdr_start + __ehdr_start.e_phoff;
	check("AT_PHDR", getauxval(AT_PHDR) == phdr);
	check("AT_PHENT", getauxval(AT_PHENT) == sizeof(Elf64_Phdr));
	check("AT_PHNUM", getauxval(AT_PHNUM) == __ehdr_start.e_phnum);
	check("AT_ENTRY", getauxval(AT_ENTRY) == (unsigned long)_start);
	check("AT_UID", getauxval(AT_UID) == (unsigned long)getuid() &&
			getauxval(AT_EUID) == (unsigned long)geteuid());
	check("AT_GID", getauxval(AT_GID) == (unsigned long)getgid() &&
			getauxval(AT_EGID) == (unsigned long)getegid());
	errno = 0;
	unsigned long secure = getauxval(AT_SECURE);
	check("AT_SECURE", secure == 0);

	/* The initial stack: argc, argv[], NULL, envp[], NULL, auxv[], AT_NULL. */
	check("argv_null", argv[argc] == NULL);
	check("envp_after_argv", envp == argv + argc + 1);
	char **e = envp;
	while (*e)
		e++;
	const unsigned long *av = (const unsigned long *)(e + 1);
	int found_pagesz = 0, n = 0;
	for (; av[0] != AT_NULL && n < 256; av += 2, n++)
		if (av[0] == AT_PAGESZ && av[1] == 4096)
			found_pagesz = 1;
	check("auxv_after_envp", found_pagesz && av[0] == AT_NULL);
	/* At entry %rsp is 16-byte aligned and points at argc; argv follows. */
	check("stack_alignment", ((uintptr_t)argv & 15) == 8);

	/* The phdrs AT_PHDR points at are ours: a PT_LOAD covers _start. */
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	int covers = 0;
	for (unsigned i = 0; ph && i < getauxval(AT_PHNUM); i++)
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X))
			covers = 1;
	check("phdr_contents", covers);
	return bad;
}

static int do_fds(int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		int fd = atoi(argv[i]);
		printf("fd %d %s\n", fd, fcntl(fd, F_GETFD) >= 0 ? "open" : "closed");
	}
	return 0;
}

static int do_sig(void)
{
	static const struct { int sig; const char *name; } sigs[] = {
		{ SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" },
		{ SIGTERM, "SIGTERM" }, { SIGHUP, "SIGHUP" },
	};
	sigset_t mask, pend;
	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigpending(&pend);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction sa;
		sigaction(sigs[i].sig, NULL, &sa);
		printf("%s %s %s %s\n", sigs[i].name,
		       sa.sa_handler == SIG_DFL ? "default" :
		       sa.sa_handler == SIG_IGN ? "ignored" : "handled",
		       sigismember(&mask, sigs[i].sig) ? "blocked" : "unblocked",
		       sigismember(&pend, sigs[i].sig) ? "pending" : "not-pending");
	}
	return 0;
}

static void *outlive_main(void *arg)
{
	(void)arg;
	struct timespec ts = { 0, 30 * 1000000L };
	nanosleep(&ts, NULL);
	printf("thread outlived main\n");
	fflush(stdout);
	return NULL;
}

int main(int argc, char **argv, char **envp)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "--argc")) {
		printf("argc=%d\n", argc);
		return 0;
	}
	if (!strcmp(mode, "--auxv"))
		return do_auxv(argc, argv, envp);
	if (!strcmp(mode, "--fds"))
		return do_fds(argc, argv);
	if (!strcmp(mode, "--sig"))
		return do_sig();
	if (!strcmp(mode, "--ids") && argc == 4) {
		printf("pid %s\n", getpid() == atoi(argv[2]) ? "same" : "differs");
		printf("ppid %s\n", getppid() == atoi(argv[3]) ? "same" : "differs");
		return 0;
	}
	if (!strcmp(mode, "--chain") && argc == 3) {
		int n = atoi(argv[2]);
		if (n <= 0) {
			printf("chain done\n");
			return 0;
		}
		char num[16];
		snprintf(num, sizeof num, "%d", n - 1);
		char *nargv[] = { argv[0], "--chain", num, NULL };
		execve(argv[0], nargv, envp);
		printf("chain: execve failed at %d: errno %d\n", n, errno);
		return 1;
	}
	if (!strcmp(mode, "--exit") && argc == 3)
		return atoi(argv[2]);
	if (!strcmp(mode, "--main-exits")) {
		/* Only in a freshly exec'd process: musl 1.2.3's fork() does not
		 * re-register the main thread's clear-tid address. */
		pthread_t t;
		if (pthread_create(&t, NULL, outlive_main, NULL))
			return 1;
		pthread_exit(NULL);
	}

	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (char **e = envp; *e; e++)
		printf("env=%s\n", *e);
	return 0;
}
