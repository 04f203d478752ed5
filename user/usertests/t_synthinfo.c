/*
 * t_synthinfo.c - the synthesizer's decisions, read back from
 * /proc/synth/regions: which descriptor got a region, which variant, and
 * that an event re-synthesized or removed it before the system call that
 * raised it returned. On a kernel without /proc/synth (Linux) or with
 * synth=off each test passes without checking, so the output is the same
 * everywhere; the behaviour itself is checked by t_synth.c.
 */
#include "ut.h"
#include <pthread.h>

/* This thread's live region for (call, fd): its variant and invalidation
 * count. 1 found, 0 none, -1 no /proc/synth or synthesis off. */
static int region_of(const char *call, int fd, char *variant, size_t vsize, long *inval)
{
	FILE *f = fopen("/proc/synth/regions", "r");
	if (!f)
		return -1;
	char line[1024], want_fd[16];
	int found = 0, tid = (int)syscall(SYS_gettid);
	snprintf(want_fd, sizeof want_fd, "%d", fd);
	if (!fgets(line, sizeof line, f) || strncmp(line, "synthesis on", 12) != 0) {
		fclose(f);
		return -1;                       /* synth=off: nothing to read */
	}
	while (fgets(line, sizeof line, f)) {
		int id, t;
		char nr[32], fds[16], tpl[64], var[16], code[32];
		unsigned size;
		unsigned long long calls, cost;
		long inv;
		if (sscanf(line, "%d %d %31s %15s %63s %15s %31s %u %llu %llu %ld", &id, &t, nr, fds,
			   tpl, var, code, &size, &calls, &cost, &inv) != 11)
			continue;
		if (t == tid && strcmp(nr, call) == 0 && strcmp(fds, want_fd) == 0) {
			snprintf(variant, vsize, "%s", var);
			*inval = inv;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static void *idle_thread(void *arg)
{
	return arg;
}

/* A pipe written and read by one thread gets the dedicated (spsc)
 * variant on both ends; a fork and then a new thread each leave the side
 * with company, and the regions are the mp variant before fork() and
 * pthread_create() return. */
TEST(pipe_variant_follows_sharing)
{
	int p[2];
	char c, var[16];
	long inv;
	CHECK_OK(pipe(p));
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(write(p[1], "x", 1), 1);
		CHECK_EQ(read(p[0], &c, 1), 1);
	}
	int r = region_of("write", p[1], var, sizeof var, &inv);
	if (r < 0)
		return;                          /* not synthos */
	CHECK_EQ(r, 1);
	if (strcmp(var, "spsc") != 0)
		FAIL("write region of a private pipe: variant %s, not spsc", var);
	CHECK_EQ(region_of("read", p[0], var, sizeof var, &inv), 1);
	if (strcmp(var, "spsc") != 0)
		FAIL("read region of a private pipe: variant %s, not spsc", var);

	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(0);
	CHECK_EQ(region_of("write", p[1], var, sizeof var, &inv), 1);
	if (strcmp(var, "mp") != 0 || inv < 1)
		FAIL("after fork: write variant %s, %ld invalidations (want mp, >= 1)", var, inv);
	CHECK_EQ(region_of("read", p[0], var, sizeof var, &inv), 1);
	if (strcmp(var, "mp") != 0)
		FAIL("after fork: read variant %s (want mp)", var);
	ut_expect_exit(pid, 0);

	/* A second pipe, then a thread. */
	int q[2];
	CHECK_OK(pipe(q));
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(write(q[1], "y", 1), 1);
		CHECK_EQ(read(q[0], &c, 1), 1);
	}
	CHECK_EQ(region_of("write", q[1], var, sizeof var, &inv), 1);
	if (strcmp(var, "spsc") != 0)
		FAIL("second pipe: variant %s, not spsc", var);
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, idle_thread, NULL), 0);
	CHECK_EQ(region_of("write", q[1], var, sizeof var, &inv), 1);
	if (strcmp(var, "mp") != 0)
		FAIL("after pthread_create: write variant %s (want mp)", var);
	CHECK_EQ(pthread_join(t, NULL), 0);
	/* Still correct after all that. */
	CHECK_EQ(write(q[1], "z", 1), 1);
	CHECK_EQ(read(q[0], &c, 1), 1);
	CHECK(c == 'z');
}

/* A second opener of a FIFO takes the dedicated variant away too. */
TEST(fifo_variant_follows_second_open)
{
	CHECK_OK(mkfifo("ff", 0600));
	int rd = CHECK_OK(open("ff", O_RDONLY | O_NONBLOCK));
	int wr = CHECK_OK(open("ff", O_WRONLY));
	char c, var[16];
	long inv;
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(write(wr, "f", 1), 1);
		CHECK_EQ(read(rd, &c, 1), 1);
	}
	int r = region_of("write", wr, var, sizeof var, &inv);
	if (r < 0)
		return;
	CHECK_EQ(r, 1);
	if (strcmp(var, "spsc") != 0)
		FAIL("FIFO writer: variant %s, not spsc", var);
	int wr2 = CHECK_OK(open("ff", O_WRONLY));
	CHECK_EQ(region_of("write", wr, var, sizeof var, &inv), 1);
	if (strcmp(var, "mp") != 0)
		FAIL("after a second writer opened the FIFO: variant %s (want mp)", var);
	CHECK_OK(close(wr2));
}

/* close and dup2 remove the region before they return; a descriptor
 * whose file no template serves for a call gets none. */
TEST(fd_region_follows_descriptor)
{
	int fd = CHECK_OK(open("/dev/null", O_WRONLY));
	char var[16];
	long inv;
	/* Two calls are only counted (synth.c SYNTH_FD_WAIT), the third
	 * makes the region. */
	CHECK_EQ(write(fd, "a", 1), 1);
	CHECK_EQ(write(fd, "b", 1), 1);
	if (region_of("write", fd, var, sizeof var, &inv) > 0)
		FAIL("a region after two writes (the kernel waits for a third)");
	CHECK_EQ(write(fd, "c", 1), 1);
	int r = region_of("write", fd, var, sizeof var, &inv);
	if (r < 0)
		return;
	CHECK_EQ(r, 1);
	CHECK_OK(close(fd));
	CHECK_EQ(region_of("write", fd, var, sizeof var, &inv), 0);

	int z = CHECK_OK(open("/dev/zero", O_RDONLY));
	char b[4];
	for (int i = 0; i < 3; i++)
		CHECK_EQ(read(z, b, 4), 4);
	CHECK_EQ(region_of("read", z, var, sizeof var, &inv), 1);
	int f = CHECK_OK(open("data", O_RDWR | O_CREAT | O_TRUNC, 0644));
	CHECK_EQ(dup2(f, z), z);
	CHECK_EQ(region_of("read", z, var, sizeof var, &inv), 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pwrite(z, "p", 1, 0), 1);
	CHECK_EQ(region_of("pwrite64", z, var, sizeof var, &inv), 1);   /* a memory file */
	int n = CHECK_OK(open("/dev/null", O_WRONLY));
	CHECK_EQ(dup2(n, z), z);
	CHECK_EQ(region_of("pwrite64", z, var, sizeof var, &inv), 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pwrite(z, "p", 1, 0), 1);
	CHECK_EQ(region_of("pwrite64", z, var, sizeof var, &inv), 0);   /* no template */
	CHECK_OK(close(n));
	CHECK_OK(close(z));
	CHECK_OK(close(f));
}

const struct utest ut_synthinfo_tests[] = {
	T(pipe_variant_follows_sharing),
	T(fifo_variant_follows_second_open),
	T(fd_region_follows_descriptor),
	{ 0 }
};
