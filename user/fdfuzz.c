/*
 * fdfuzz.c - a differential fuzzer for the descriptor calls synthos
 * synthesizes: the same seeded sequence of read, write, pread64,
 * pwrite64, readv, writev, preadv, pwritev, lseek, dup2/dup3, close,
 * open, fcntl, ftruncate, FIONREAD, fstat, getpid/getppid/gettid/getuid,
 * stores through a shared mapping of the file, fork and thread creation on /dev/null, /dev/zero, pipes and a file of
 * the in-memory filesystem, with good and hostile buffers, counts,
 * offsets and descriptors. Every result (the return value or -errno, and
 * the bytes a read brought in) goes into a digest; a checkpoint line every
 * 1024 calls (-c) gives the digest, a hash of the whole buffer arena and
 * of the file's content. Nothing else reaches stdout, so the output is the
 * same on every kernel that answers every call the same way: tests/guest/
 * diff.sh compares it between Debian's Linux, synthos and synthos with
 * synth=off. With synth=on each descriptor soon has synthesized code (the
 * third generic call of a kind makes it, synth/synth.c) and the events
 * here (dup2 onto it, close, fork, a second thread, F_SETFL, a second
 * opener) invalidate it, so a synthesized path that differs from the
 * generic one shows as a digest that differs from synth=off's.
 *
 *   fdfuzz [-v] [-s] [-c EVERY] [-n CALLS] SEED...
 *     -v  print every call and its result (to find the first difference)
 *     -c  a checkpoint line every EVERY calls (1: after each call)
 *     -s  print, to stderr, the synthesizer's region and invalidation
 *         counts before and after (synthos only; not part of the digest)
 *
 * The sequence stays inside what Linux defines the same way whatever the
 * implementation: a pipe never holds more than PIPE_LEVEL_MAX bytes (so
 * no write depends on the capacity model: Linux counts pages, synthos
 * bytes), a buffer given to a pipe or to a /dev/zero read is wholly valid
 * or invalid from its first byte (Linux consumes a partially copied pipe
 * page by page, and its clear_user goes by words without ERMS), a
 * blocking pipe is read only when it holds data or has no writer left,
 * the arena sits at a fixed address (access_ok must decide the same on
 * every kernel), and write offsets stay below FILE_POS_MAX. SIGPIPE is
 * ignored, so a write with no reader gives EPIPE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define PIPE_LEVEL_MAX  32768           /* bytes a pipe may hold before a write */
#define PIPE_COUNT_MAX  8192            /* largest count given with a valid buffer */
#define FILE_POS_MAX    (256 * 1024)    /* offsets chosen for writes and seeks */
#define FILE_SIZE_MAX   (512 * 1024)    /* past it the file is truncated */
#define ARENA_PAGES     20
#define ARENA_ADDR      ((void *)0x200000000000ul)
#define PG              4096UL

enum kind { K_NONE, K_NULL, K_ZERO, K_PIPE_R, K_PIPE_W, K_FILE };
static const char *const kind_name[] = { "none", "null", "zero", "pipe_r", "pipe_w", "file" };

/* The descriptors under test: fixed numbers, so the output never depends
 * on which numbers a kernel hands out. 63 is the last one the synthesizer
 * handles; 64 and 100 always take the generic path. */
#define NSLOT 9
static const int slot_fd[NSLOT] = { 20, 21, 22, 23, 24, 25, 63, 64, 100 };
static struct slot {
	enum kind kind;
	int pipe;                       /* which pipe, for the pipe ends */
} slots[NSLOT];

static int pipe_next;                  /* pipes made so far: the next pipe's id */

static const char *file_path;          /* the memory file */
static char *arena;                    /* ARENA_PAGES read-write pages */
static char *ro_page;                  /* a read-only page after a hole */
static int verbose;
static unsigned long check_every = 1024; /* calls between checkpoint lines */

/* ---- the digest and the generator -------------------------------------------------- */

static uint64_t digest = 1469598103934665603ull;

static void mix(uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		digest ^= (v >> (8 * i)) & 0xff;
		digest *= 1099511628211ull;
	}
}

static uint64_t hash_bytes(const void *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t rng;

static uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? next() % n : 0;
}

static long ret_of(long r)
{
	return r < 0 ? -errno : r;
}

/* One call's record: its number, name and result into the digest (and
 * onto stdout with -v). */
static unsigned long calls;

static void record(const char *what, long r, uint64_t data)
{
	mix(calls);
	mix((uint64_t)r);
	mix(data);
	for (const char *s = what; *s; s++)
		mix((unsigned char)*s);
	if (verbose)
		printf("%lu %s = %ld (%llx)\n", calls, what, r, (unsigned long long)data);
	calls++;
}

/* ---- arguments -------------------------------------------------------------------- */

static size_t pick_count(void)
{
	static const size_t counts[] = {
		0, 1, 1, 1, 2, 3, 7, 8, 15, 16, 17, 31, 63, 64, 65, 100, 511,
		4095, 4096, 4097, 8191, 8192, 8193, 65536, 0x7ffff000, 0x7ffff001,
		(size_t)1 << 31, (size_t)-4096, (size_t)-1,
	};
	if (below(3) == 0)
		return 1 + below(200);
	return counts[below(sizeof counts / sizeof counts[0])];
}

enum { BUF_VALID, BUF_STRADDLE, BUF_BAD_FIRST };

/* A buffer for n bytes that the call reads from (writable = 0) or stores
 * into (writable = 1). *cls says whether all of it is valid, it runs off
 * the end of what is mapped, or its first byte is already bad; with
 * whole, never the middle case. */
static char *pick_buf(size_t n, int whole, int writable, int *cls)
{
	static const uintptr_t bad[] = {
		0, 1, 0x500000000000ul, 0x00007ffffffff000ul, 0x00007fffffffffff,
		0x0000800000000000ul, 0xffff800000000000ul, 0xffffffff80000000ul,
		(uintptr_t)-1,
	};
	size_t span = ARENA_PAGES * PG;
	unsigned r = below(100);
	if (r >= 70 && r < 82 && !whole) {          /* runs off the arena's end */
		size_t k = 1 + below(n < PG ? n : PG);
		*cls = k < n ? BUF_STRADDLE : BUF_VALID;
		return arena + span - k;
	}
	if (r >= 82 && r < 88) {                    /* starts in the hole before it */
		*cls = BUF_BAD_FIRST;
		return arena - 1 - below(64);
	}
	if (r >= 88 && r < 94) {                    /* the read-only page */
		if (writable) {
			*cls = BUF_BAD_FIRST;
			return ro_page + below(PG);
		}
		if (n <= PG) {
			*cls = BUF_VALID;
			return ro_page + below(PG - n + 1);
		}
		if (!whole) {
			*cls = BUF_STRADDLE;
			return ro_page;
		}
	}
	if (r >= 94) {                              /* not user memory, or not mapped */
		uintptr_t a = bad[below(sizeof bad / sizeof bad[0])];
		if (a == 0x00007ffffffff000ul)
			a -= below(64);
		*cls = BUF_BAD_FIRST;
		return (char *)a;
	}
	if (n > span) {
		*cls = whole ? BUF_BAD_FIRST : BUF_STRADDLE;
		return whole ? (char *)0xffff800000000000ul : arena;
	}
	*cls = BUF_VALID;
	return arena + below(span - n + 1);
}

static long pick_offset(int for_write)
{
	switch (below(8)) {
	case 0: return 0;
	case 1: return -1 - (long)below(4096);
	case 2: return for_write ? (long)below(FILE_POS_MAX) : (long)1 << 40;
	case 3: return (long)(PG - 1 + below(3));
	default: return (long)below(FILE_POS_MAX / 4);
	}
}

/* The bytes a read brought into the arena (other buffers are not ours to
 * hash; the arena's whole hash at each checkpoint catches stray stores). */
static uint64_t read_data(const char *buf, long r)
{
	if (r <= 0 || buf < arena || buf >= arena + ARENA_PAGES * PG)
		return 0;
	return hash_bytes(buf, (size_t)r);
}

/* ---- the objects ------------------------------------------------------------------- */

static void close_slot(int s)
{
	close(slot_fd[s]);
	slots[s].kind = K_NONE;
}

static int pipe_level(int pipe_id, int *fd_out)
{
	for (int s = 0; s < NSLOT; s++) {
		if ((slots[s].kind == K_PIPE_R || slots[s].kind == K_PIPE_W) &&
		    slots[s].pipe == pipe_id) {
			int n = -1;
			if (ioctl(slot_fd[s], FIONREAD, &n) < 0)
				n = -errno;
			if (fd_out)
				*fd_out = s;
			return n;
		}
	}
	return -1;
}

static int read_end_of(int pipe_id)
{
	for (int s = 0; s < NSLOT; s++)
		if (slots[s].kind == K_PIPE_R && slots[s].pipe == pipe_id)
			return s;
	return -1;
}

static void open_into(int s)
{
	static const char *const names[] = { "/dev/null", "/dev/zero" };
	char what[96];
	int k = (int)below(4), fd, flags = below(4) == 0 ? O_NONBLOCK : 0;
	close_slot(s);
	if (k <= 1) {
		static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR, O_RDWR };
		flags |= modes[below(4)];
		fd = open(names[k], flags);
		snprintf(what, sizeof what, "open %s %#x", names[k], flags);
		record(what, fd < 0 ? -errno : 0, 0);
		if (fd >= 0) {
			dup2(fd, slot_fd[s]);
			close(fd);
			slots[s].kind = k == 0 ? K_NULL : K_ZERO;
		}
	} else if (k == 2) {
		flags |= below(4) == 0 ? O_APPEND : 0;
		fd = open(file_path, O_RDWR | O_CREAT | flags, 0644);
		snprintf(what, sizeof what, "open file %#x", flags);
		record(what, fd < 0 ? -errno : 0, 0);
		if (fd >= 0) {
			dup2(fd, slot_fd[s]);
			close(fd);
			slots[s].kind = K_FILE;
		}
	} else {
		/* a pipe: its read end here, its write end in another slot */
		int t = (int)below(NSLOT), p[2];
		if (t == s)
			t = (s + 1) % NSLOT;
		close_slot(t);
		int r = pipe2(p, flags);
		snprintf(what, sizeof what, "pipe2 %#x", flags);
		record(what, r < 0 ? -errno : 0, 0);
		if (r == 0) {
			int id = pipe_next++;
			dup2(p[0], slot_fd[s]);
			dup2(p[1], slot_fd[t]);
			close(p[0]);
			close(p[1]);
			slots[s] = (struct slot){ K_PIPE_R, id };
			slots[t] = (struct slot){ K_PIPE_W, id };
		}
	}
}

/* ---- one call ---------------------------------------------------------------------- */

static void run_ops(unsigned long n);

static void *thread_body(void *arg)
{
	run_ops((unsigned long)(uintptr_t)arg);
	return NULL;
}

static int in_child;

/* Whether a pipe call may go on: a write (of at most n bytes from memory
 * that can be read) must leave the pipe at most PIPE_LEVEL_MAX full (else a read end drains it first: that call is made
 * instead), and a blocking read needs data or no writer left (else the
 * call is skipped). Records what it did instead and returns 0 then. */
static int pipe_may_go(int s, int wr, size_t n)
{
	char what[96];
	struct slot *sl = &slots[s];
	int fd = slot_fd[s];
	int lvl = pipe_level(sl->pipe, NULL);
	int fl = fcntl(fd, F_GETFL);
	if (wr && sl->kind == K_PIPE_W &&
	    (lvl < 0 || lvl + (long)n > PIPE_LEVEL_MAX)) {
		int rs = read_end_of(sl->pipe);
		if (rs < 0) {
			record("skip full pipe", lvl, 0);
			return 0;
		}
		int rfl = fcntl(slot_fd[rs], F_GETFL);
		struct pollfd pf = { slot_fd[rs], POLLIN, 0 };
		if (!(rfl & O_NONBLOCK) && poll(&pf, 1, 0) != 1) {
			record("skip drain", lvl, 0);
			return 0;
		}
		long r = ret_of(read(slot_fd[rs], arena, PIPE_COUNT_MAX));
		snprintf(what, sizeof what, "drain %d pipe %d level %d", s, sl->pipe, lvl);
		record(what, r, read_data(arena, r));
		return 0;
	}
	if (!wr && sl->kind == K_PIPE_R && !(fl & O_NONBLOCK) && lvl <= 0) {
		/* empty: the read waits unless no writer is left (Linux's
		 * poll may say POLLIN for an empty pipe that holds a buffer a
		 * faulting write left) */
		struct pollfd pf = { fd, POLLIN, 0 };
		int pr = poll(&pf, 1, 0);
		if (pr != 1 || !(pf.revents & POLLHUP)) {
			snprintf(what, sizeof what, "poll %d: would block", s);
			record(what, lvl, 0);
			return 0;
		}
	}
	return 1;
}

/* readv, writev, preadv or pwritev with one to three segments (or a bad
 * vector, a count of 0 or past IOV_MAX). On a pipe or a /dev/zero read
 * only the first segment may be bad, and only from its first byte: past
 * that Linux's count depends on its page slots and clear_user. */
static void vector_op(int s)
{
	static struct iovec iov[4];
	int seg_cls[4] = { 0 };
	char what[160];
	struct slot *sl = &slots[s];
	int fd = slot_fd[s], wr = below(2), positional = below(3) == 0, cls;
	int is_pipe = sl->kind == K_PIPE_R || sl->kind == K_PIPE_W;
	int whole = is_pipe || (sl->kind == K_ZERO && !wr);
	unsigned long cnt = 1 + below(3);
	memset(iov, 0, sizeof iov);
	size_t valid = 0;                       /* bytes that can move */
	for (unsigned long i = 0; i < cnt; i++) {
		size_t n = pick_count();
		if (n > PIPE_COUNT_MAX && (is_pipe || (sl->kind == K_FILE && below(4))))
			n = 1 + below(PIPE_COUNT_MAX);
		char *b = pick_buf(n, whole, !wr, &cls);
		if (whole && i > 0 && cls != BUF_VALID) {
			n = 1 + below(2000);
			b = arena + below(ARENA_PAGES * PG - n);
			cls = BUF_VALID;
		}
		iov[i] = (struct iovec){ b, n };
		seg_cls[i] = cls;
		valid += cls == BUF_VALID ? n : 0;
	}
	const struct iovec *v = iov;
	unsigned op = below(20);
	if (op == 0)
		cnt = 0;
	else if (op == 1)
		cnt = below(2) ? 1025 : (unsigned long)-1;
	else if (op == 2)
		v = (const struct iovec *)(below(2) ? (uintptr_t)arena - 8 : 0xffff800000000000ul);
	if (is_pipe && !positional && !pipe_may_go(s, wr, valid))
		return;
	long off = positional ? pick_offset(wr) : 0;
	long r;
	if (positional)
		r = syscall(wr ? SYS_pwritev : SYS_preadv, fd, v, cnt, off, 0);
	else
		r = syscall(wr ? SYS_writev : SYS_readv, fd, v, cnt);
	r = ret_of(r);
	uint64_t data = 0;
	if (!wr && r > 0 && v == iov) {
		long left = r;
		for (unsigned long i = 0; i < cnt && left > 0; i++) {
			size_t k = (size_t)left < iov[i].iov_len ? (size_t)left : iov[i].iov_len;
			data = data * 31 + read_data(iov[i].iov_base, (long)k);
			left -= (long)k;
		}
	}
	int w = snprintf(what, sizeof what, "%s %d(%s) cnt %lu @%ld:", positional ? (wr ? "pwritev" : "preadv") : (wr ? "writev" : "readv"),
			 s, kind_name[sl->kind], cnt, off);
	for (int i = 0; i < 3 && iov[i].iov_len && w < (int)sizeof what - 24; i++)
		w += snprintf(what + w, sizeof what - w, " %d/%#zx", seg_cls[i], iov[i].iov_len);
	record(what, r, data);
}
static long my_pid, my_ppid, my_uid;  /* this process's, before the calls */

static void one_op(void)
{
	char what[160];
	int s = (int)below(NSLOT), fd = slot_fd[s];
	struct slot *sl = &slots[s];
	unsigned op = below(102);
	long r;
	int cls;

	if (op < 8) {
		vector_op(s);
		return;
	}
	if (op < 50) {
		/* read or write, through the plain call or pread64/pwrite64 */
		int wr = below(2), positional = below(4) == 0;
		size_t n = pick_count();
		int is_pipe = sl->kind == K_PIPE_R || sl->kind == K_PIPE_W;
		if (is_pipe && n > PIPE_COUNT_MAX && below(2))
			n = 1 + below(PIPE_COUNT_MAX);
		/* /dev/zero: Linux's count after a fault depends on which
		 * clear_user the CPU gets (word by word without ERMS) */
		char *buf = pick_buf(n, is_pipe || (sl->kind == K_ZERO && !wr), !wr, &cls);
		if (is_pipe && cls == BUF_VALID && n > PIPE_COUNT_MAX)
			buf = (char *)0xffff800000000000ul, cls = BUF_BAD_FIRST;
		if (is_pipe && !positional && !pipe_may_go(s, wr, cls == BUF_VALID ? n : 0))
			return;
		if (sl->kind == K_FILE && wr && !positional && below(2)) {
			/* keep the file position where writes stay small */
			off_t pos = lseek(fd, 0, SEEK_CUR);
			if (pos > FILE_POS_MAX)
				lseek(fd, (off_t)below(FILE_POS_MAX), SEEK_SET);
		}
		if (sl->kind == K_FILE && wr && n > PIPE_COUNT_MAX && cls == BUF_VALID)
			n = 1 + below(PIPE_COUNT_MAX);
		long off = positional ? pick_offset(wr) : 0;
		if (positional)
			r = wr ? syscall(SYS_pwrite64, fd, buf, n, off) : syscall(SYS_pread64, fd, buf, n, off);
		else
			r = wr ? syscall(SYS_write, fd, buf, n) : syscall(SYS_read, fd, buf, n);
		r = ret_of(r);
		snprintf(what, sizeof what, "%s %d(%s) buf%d %#zx @%ld", positional ? (wr ? "pwrite" : "pread") : (wr ? "write" : "read"),
			 s, kind_name[sl->kind], cls, n, off);
		record(what, r, wr ? 0 : read_data(buf, r));
		return;
	}
	if (op < 56) {
		static const int whences[] = { SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE, 7 };
		int w = whences[below(6)];
		long off = w == SEEK_SET ? pick_offset(1) : (long)below(72 * 1024) - 8192;
		r = ret_of(lseek(fd, off, w));
		snprintf(what, sizeof what, "lseek %d(%s) %ld %d", s, kind_name[sl->kind], off, w);
		record(what, r, 0);
		return;
	}
	if (op < 62) {
		/* dup2 or dup3 onto another slot: re-points a descriptor */
		int t = (int)below(NSLOT), three = below(4) == 0;
		r = three ? ret_of(dup3(fd, slot_fd[t], below(2) ? O_CLOEXEC : 0))
			  : ret_of(dup2(fd, slot_fd[t]));
		snprintf(what, sizeof what, "%s %d(%s) %d(%s)", three ? "dup3" : "dup2", s, kind_name[sl->kind], t,
			 kind_name[slots[t].kind]);
		record(what, r >= 0 ? r == slot_fd[t] : r, 0);
		if (r >= 0)
			slots[t] = *sl;
		return;
	}
	if (op < 66) {
		r = ret_of(close(fd));
		snprintf(what, sizeof what, "close %d(%s)", s, kind_name[sl->kind]);
		record(what, r, 0);
		sl->kind = K_NONE;
		return;
	}
	if (op < 74) {
		open_into(s);
		return;
	}
	if (op < 80) {
		int fl = fcntl(fd, F_GETFL);
		record("getfl", fl < 0 ? -errno : fl, 0);
		if (fl >= 0) {
			int nfl = fl ^ (below(2) ? O_NONBLOCK : O_APPEND);
			snprintf(what, sizeof what, "setfl %d(%s) %#x", s, kind_name[sl->kind], nfl);
			record(what, ret_of(fcntl(fd, F_SETFL, nfl)), 0);
		}
		return;
	}
	if (op < 84) {
		long len = below(4) == 0 ? -1 : (long)below(128 * 1024);
		r = ret_of(ftruncate(fd, len));
		snprintf(what, sizeof what, "ftruncate %d(%s) %ld", s, kind_name[sl->kind], len);
		record(what, r, 0);
		return;
	}
	if (op < 87) {
		int v = -1;
		r = ret_of(ioctl(fd, FIONREAD, &v));
		snprintf(what, sizeof what, "fionread %d(%s)", s, kind_name[sl->kind]);
		record(what, r, r == 0 ? 0x100000000ull | (unsigned)v : 0);
		return;
	}
	if (op < 90) {
		/* what fstat says of it: no times (their clocks differ) */
		struct stat st;
		r = ret_of(fstat(fd, &st));
		snprintf(what, sizeof what, "fstat %d(%s)", s, kind_name[sl->kind]);
		record(what, r, r ? 0 : (uint64_t)st.st_size ^ ((uint64_t)st.st_blocks << 40) ^
					((uint64_t)st.st_mode << 20) ^ ((uint64_t)st.st_nlink << 56));
		return;
	}
	if (op < 92) {
		/* a descriptor that is not open, or out of range */
		static const int badfds[] = { -1, 30, 62, 65, 99, 1 << 20, 0x7fffffff };
		int b = badfds[below(7)];
		size_t n = 1 + below(16);
		r = below(2) ? syscall(SYS_write, b, arena, n) : syscall(SYS_read, b, arena, n);
		snprintf(what, sizeof what, "badfd %d", b);
		record(what, ret_of(r), 0);
		return;
	}
	if (op < 94) {
		/* the process constants, synthesized per thread: compared with
		 * what this process knows of itself (the numbers differ between
		 * kernels, the relations must not) */
		long pid = syscall(SYS_getpid), tid = syscall(SYS_gettid), ppid = syscall(SYS_getppid);
		record("ids", (pid == my_pid) | (ppid == my_ppid) << 1 | (tid == pid) << 2 |
			      (syscall(SYS_getuid) == my_uid) << 3, 0);
		return;
	}
	if (op < 96) {
		/* stores through a shared mapping of the file: the next reads
		 * (synthesized or not) must see them */
		int mfd = open(file_path, O_RDWR);
		struct stat st;
		if (mfd < 0 || fstat(mfd, &st) < 0 || st.st_size == 0) {
			record("map: no file or empty", mfd < 0 ? -errno : 0, 0);
			if (mfd >= 0)
				close(mfd);
			return;
		}
		size_t len = st.st_size < 65536 ? (size_t)st.st_size : 65536;
		char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		close(mfd);
		if (m == MAP_FAILED) {
			record("map", -errno, 0);
			return;
		}
		size_t at = below(len), k = 1 + below(len - at < 64 ? len - at : 64);
		for (size_t i = 0; i < k; i++)
			m[at + i] = (char)next();
		snprintf(what, sizeof what, "map store %zu at %zu of %zu", k, at, len);
		record(what, 0, hash_bytes(m, len));
		munmap(m, len);
		return;
	}
	if (in_child)
		return;
	if (op < 98) {
		/* fork: the child makes a few calls on the shared descriptors
		 * (the pipes have two writers, the files a shared offset) and
		 * exits with its digest; the parent waits, then goes on. */
		uint64_t child_seed = next();
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			in_child = 1;
			my_ppid = my_pid;
			my_pid = syscall(SYS_getpid);
			rng = child_seed;
			digest = 0;
			run_ops(16);
			fflush(stdout);         /* -v: the child's calls, before the parent's next */
			_exit((int)(digest % 127));
		}
		int st = 0;
		r = pid < 0 ? -errno : ret_of(waitpid(pid, &st, 0));
		record("fork", r < 0 ? r : 0, (uint64_t)st);
		return;
	}
	/* a second thread: the process is multithreaded while it runs */
	pthread_t th;
	unsigned long k = 1 + below(16);
	fflush(stdout);
	in_child = 1;
	r = pthread_create(&th, NULL, thread_body, (void *)(uintptr_t)k);
	if (r == 0)
		pthread_join(th, NULL);
	in_child = 0;
	record("thread", -r, 0);
}

static void run_ops(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		one_op();
}

/* The file's content, read through a descriptor of its own. */
static uint64_t file_hash(void)
{
	static char chunk[16384];
	int fd = open(file_path, O_RDONLY);
	if (fd < 0)
		return (uint64_t)-errno;
	uint64_t h = 0;
	long r, total = 0;
	while ((r = read(fd, chunk, sizeof chunk)) > 0) {
		h = h * 31 + hash_bytes(chunk, (size_t)r);
		total += r;
	}
	/* and the same bytes through a shared mapping */
	uint64_t hm = 0;
	if (total > 0) {
		char *m = mmap(NULL, (size_t)total, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			hm = (uint64_t)-errno;
		} else {
			for (long k = 0; k < total; k += sizeof chunk)
				hm = hm * 31 + hash_bytes(m + k, (size_t)(total - k < (long)sizeof chunk ? total - k : (long)sizeof chunk));
			munmap(m, (size_t)total);
		}
		if (hm != h)
			printf("seed ? calls %lu: the file read and mapped differ\n", calls);
	}
	close(fd);
	if (total > FILE_SIZE_MAX)
		truncate(file_path, FILE_SIZE_MAX / 2);
	return h ^ (uint64_t)total;
}

static long synth_count(const char *what)
{
	FILE *f = fopen("/proc/synth/regions", "r");
	char line[512];
	long v = -1;
	if (f && fgets(line, sizeof line, f)) {
		char *p = strstr(line, what);
		if (p) {
			while (p > line && p[-1] == ' ')
				p--;
			while (p > line && p[-1] >= '0' && p[-1] <= '9')
				p--;
			v = strtol(p, NULL, 10);
		}
	}
	if (f)
		fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	unsigned long n = 20000;
	int stats = 0, opt;
	while ((opt = getopt(argc, argv, "vsc:n:")) != -1) {
		switch (opt) {
		case 'v': verbose = 1; break;
		case 's': stats = 1; break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 'c': check_every = strtoul(optarg, NULL, 0) ?: 1; break;
		default:
			fprintf(stderr, "usage: fdfuzz [-v] [-s] [-c EVERY] [-n CALLS] SEED...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: fdfuzz [-v] [-s] [-c EVERY] [-n CALLS] SEED...\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	my_pid = getpid();
	my_ppid = getppid();
	my_uid = getuid();
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* At a fixed address: whether a long count from the arena stays in
	 * user space (access_ok) must not depend on where a kernel maps. */
	char *m = mmap(ARENA_ADDR, (ARENA_PAGES + 4) * PG, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (m == MAP_FAILED) {
		perror("fdfuzz: mmap");
		return 1;
	}
	arena = m + PG;
	ro_page = arena + (ARENA_PAGES + 1) * PG;
	if (mprotect(arena, ARENA_PAGES * PG, PROT_READ | PROT_WRITE) ||
	    mprotect(ro_page, PG, PROT_READ | PROT_WRITE)) {
		perror("fdfuzz: mprotect");
		return 1;
	}
	for (size_t i = 0; i < PG; i++)
		ro_page[i] = (char)(i * 7 + 1);
	mprotect(ro_page, PG, PROT_READ);
	static char path[64];
	snprintf(path, sizeof path, "/tmp/fdfuzz.%d", (int)getpid());
	file_path = path;
	long regions0 = stats ? synth_count(" regions synthesized") : 0;
	long inval0 = stats ? synth_count(" invalidations") : 0;

	for (int a = optind; a < argc; a++) {
		unsigned long seed = strtoul(argv[a], NULL, 0);
		rng = seed;
		digest = 1469598103934665603ull;
		calls = 0;
		for (int s = 0; s < NSLOT; s++)
			close_slot(s);
		unlink(file_path);
		for (size_t i = 0; i < ARENA_PAGES * PG; i++)
			arena[i] = (char)(i * 13 + seed);
		for (int s = 0; s < NSLOT; s++)
			open_into(s);
		while (calls < n) {
			unsigned long end = calls + check_every;
			while (calls < end)
				one_op();
			printf("seed %lu calls %lu digest %016llx arena %016llx file %016llx\n", seed, calls,
			       (unsigned long long)digest,
			       (unsigned long long)hash_bytes(arena, ARENA_PAGES * PG),
			       (unsigned long long)file_hash());
		}
		for (int s = 0; s < NSLOT; s++)
			close_slot(s);
		unlink(file_path);
	}
	if (stats)
		fprintf(stderr, "fdfuzz: %ld regions synthesized, %ld invalidations\n",
			synth_count(" regions synthesized") - regions0, synth_count(" invalidations") - inval0);
	return 0;
}
