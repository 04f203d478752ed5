/*
 * t_mem.c - memory: brk, mmap (anonymous, shared, fixed, file-backed),
 * munmap, mprotect, mremap, madvise, demand paging, copy-on-write, faults
 * (SIGSEGV/SIGBUS with siginfo), stack growth, non-executable data.
 */
#include "ut.h"
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define PG 4096UL

static char *map_anon(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		FAIL("mmap anonymous %zu: %s", len, ut_errname(errno));
	return p;
}

/* Run fn(arg) in a child; it must be killed by sig. */
static void expect_fault(void (*fn)(volatile char *), volatile char *arg, int sig)
{
	pid_t pid = ut_fork();
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	ut_expect_signal(pid, sig);
}

__attribute__((noipa)) static void touch_write(volatile char *p) { *p = 1; }
__attribute__((noipa)) static void touch_read(volatile char *p) { (void)*p; }

TEST(brk_grow_shrink)
{
	char *cur = (char *)RAW(SYS_brk, 0);
	CHECK(cur != NULL && cur != (char *)-1);
	char *base = (char *)(((uintptr_t)cur + PG - 1) & ~(PG - 1));
	size_t len = 1 << 20;
	CHECK((char *)RAW(SYS_brk, base + len) == base + len);
	CHECK((char *)RAW(SYS_brk, 0) == base + len);
	memset(base, 0x5a, len);
	CHECK(base[len - 1] == 0x5a);
	/* Shrink: the pages are gone. */
	CHECK((char *)RAW(SYS_brk, base) == base);
	expect_fault(touch_read, base + 16 * PG, SIGSEGV);
	/* Grow again: fresh zero pages. */
	CHECK((char *)RAW(SYS_brk, base + len) == base + len);
	for (size_t i = 0; i < len; i += 512)
		CHECK(base[i] == 0);
	CHECK((char *)RAW(SYS_brk, cur) == cur);
}

TEST(brk_invalid)
{
	char *cur = (char *)RAW(SYS_brk, 0);
	/* A break the kernel refuses leaves it where it was. */
	CHECK((char *)RAW(SYS_brk, KERNEL_PTR) == cur);
	CHECK((char *)RAW(SYS_brk, (void *)PG) == cur);
	CHECK((char *)RAW(SYS_brk, (void *)-PG) == cur);
	CHECK((char *)RAW(SYS_brk, 0) == cur);
}

TEST(sbrk_malloc)
{
	/* malloc small and large (musl uses brk and mmap). */
	for (int round = 0; round < 3; round++) {
		char *small[64];
		for (int i = 0; i < 64; i++) {
			small[i] = malloc(100 + i * 37);
			CHECK(small[i]);
			memset(small[i], i, 100 + i * 37);
		}
		char *big = malloc(16 << 20);
		CHECK(big);
		memset(big, 7, 16 << 20);
		for (int i = 0; i < 64; i++) {
			CHECK(small[i][99] == i);
			free(small[i]);
		}
		CHECK(big[(16 << 20) - 1] == 7);
		free(big);
	}
}

TEST(mmap_anon_zero)
{
	size_t len = 64 * PG;
	char *p = map_anon(len, PROT_READ | PROT_WRITE);
	CHECK(((uintptr_t)p & (PG - 1)) == 0);
	for (size_t i = 0; i < len; i++)
		if (p[i])
			FAIL("anonymous memory not zero");
	for (size_t i = 0; i < len; i++)
		p[i] = (char)(i * 7);
	for (size_t i = 0; i < len; i++)
		if (p[i] != (char)(i * 7))
			FAIL("anonymous memory lost a write");
	CHECK_OK(munmap(p, len));
}

TEST(mmap_shared_fork)
{
	volatile int *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	p[0] = 1;
	int go[2];
	CHECK_OK(pipe(go));
	pid_t pid = ut_fork();
	if (pid == 0) {
		char c;
		p[1] = 42;                      /* the parent sees this */
		read(go[0], &c, 1);
		CHECK(p[2] == 43);              /* and we see the parent's */
		_exit(0);
	}
	while (p[1] != 42)
		sched_yield();
	p[2] = 43;
	write(go[1], "x", 1);
	ut_expect_exit(pid, 0);
	CHECK(p[0] == 1);
}

TEST(mmap_private_fork)
{
	volatile int *p = (volatile int *)map_anon(PG, PROT_READ | PROT_WRITE);
	p[0] = 5;
	pid_t pid = ut_fork();
	if (pid == 0) {
		CHECK(p[0] == 5);
		p[0] = 6;
		_exit(0);
	}
	ut_expect_exit(pid, 0);
	CHECK(p[0] == 5);
}

TEST(mmap_fixed)
{
	char *p = map_anon(4 * PG, PROT_READ | PROT_WRITE);
	memset(p, 'a', 4 * PG);
	char *q = mmap(p + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p + PG);
	CHECK(q[0] == 0 && q[PG - 1] == 0);     /* replaced by a fresh page */
	CHECK(p[0] == 'a' && p[2 * PG] == 'a' && p[4 * PG - 1] == 'a');
	CHECK_ERR(mmap(p + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL);
	CHECK_OK(munmap(p, 4 * PG));
}

TEST(mmap_fixed_noreplace)
{
	char *p = map_anon(2 * PG, PROT_READ | PROT_WRITE);
	CHECK_ERR(mmap(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
	CHECK_OK(munmap(p + PG, PG));
	char *q = mmap(p + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == p + PG);
	q[0] = 1;
}

TEST(mmap_errors)
{
	CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
	CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);      /* neither private nor shared */
	CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0), EBADF);
	CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 12345, 0), EBADF);
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_OK(ftruncate(fd, 2 * PG));
	CHECK_ERR(RAW(SYS_mmap, NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL);   /* unaligned offset */
	close(fd);
	fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	close(fd);
	fd = CHECK_OK(open("f", O_WRONLY));
	CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0), EACCES);
	close(fd);
	fd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0), ENODEV);
	close(fd);
}

TEST(munmap_partial)
{
	char *p = map_anon(3 * PG, PROT_READ | PROT_WRITE);
	memset(p, 'x', 3 * PG);
	CHECK_OK(munmap(p + PG, PG));
	expect_fault(touch_read, p + PG, SIGSEGV);
	expect_fault(touch_write, p + PG + 100, SIGSEGV);
	CHECK(p[0] == 'x' && p[PG - 1] == 'x');
	CHECK(p[2 * PG] == 'x' && p[3 * PG - 1] == 'x');
	/* Unmapping what is not mapped is fine; bad arguments are not. */
	CHECK_OK(munmap(p + PG, PG));
	CHECK_ERR(munmap(p + 1, PG), EINVAL);
	CHECK_ERR(munmap(p, 0), EINVAL);
	CHECK_OK(munmap(p, 3 * PG));
	expect_fault(touch_read, p, SIGSEGV);
}

TEST(mprotect_readonly_segv)
{
	char *p = map_anon(PG, PROT_READ | PROT_WRITE);
	p[0] = 'a';
	CHECK_OK(mprotect(p, PG, PROT_READ));
	CHECK(p[0] == 'a');
	expect_fault(touch_write, p, SIGSEGV);
	CHECK_OK(mprotect(p, PG, PROT_READ | PROT_WRITE));
	p[0] = 'b';
	CHECK(p[0] == 'b');
}

TEST(mprotect_none_segv)
{
	char *p = map_anon(PG, PROT_READ | PROT_WRITE);
	CHECK_OK(mprotect(p, PG, PROT_NONE));
	expect_fault(touch_read, p, SIGSEGV);
	char *q = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED);
	expect_fault(touch_read, q, SIGSEGV);
}

TEST(mprotect_partial)
{
	char *p = map_anon(3 * PG, PROT_READ | PROT_WRITE);
	CHECK_OK(mprotect(p + PG, PG, PROT_READ));
	p[0] = 1;
	p[2 * PG] = 1;
	expect_fault(touch_write, p + PG, SIGSEGV);
	CHECK_ERR(RAW(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL);  /* musl would round */
	CHECK_OK(munmap(p, 3 * PG));
	CHECK_ERR(mprotect(p, PG, PROT_READ), ENOMEM);      /* nothing mapped */
}

TEST(mprotect_exec_code)
{
	/* mov $42, %eax; ret */
	static const unsigned char code[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };
	char *p = map_anon(PG, PROT_READ | PROT_WRITE);
	memcpy(p, code, sizeof code);
	CHECK_OK(mprotect(p, PG, PROT_READ | PROT_EXEC));
	int (*fn)(void) = (int (*)(void))(void *)p;
	CHECK_EQ(fn(), 42);
}

__attribute__((noipa)) static void call_ptr(volatile char *p)
{
	((void (*)(void))(void *)p)();
}

TEST(nx_data_segv)
{
	char *p = map_anon(PG, PROT_READ | PROT_WRITE);
	p[0] = (char)0xc3;      /* ret */
	expect_fault(call_ptr, p, SIGSEGV);
}

__attribute__((noipa)) static void write_text(volatile char *p) { (void)p; *(volatile char *)(void *)write_text = 0; }

TEST(text_readonly_segv)
{
	expect_fault(write_text, NULL, SIGSEGV);
}

TEST(mremap_grow)
{
	char *p = map_anon(2 * PG, PROT_READ | PROT_WRITE);
	memset(p, 'g', 2 * PG);
	char *q = mremap(p, 2 * PG, 64 * PG, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED);
	CHECK(q[0] == 'g' && q[2 * PG - 1] == 'g');
	for (size_t i = 2 * PG; i < 64 * PG; i += PG)
		CHECK(q[i] == 0);
	memset(q, 'h', 64 * PG);
	CHECK_OK(munmap(q, 64 * PG));
}

TEST(mremap_move_fixed)
{
	char *p = map_anon(2 * PG, PROT_READ | PROT_WRITE);
	memset(p, 'm', 2 * PG);
	char *target = map_anon(8 * PG, PROT_NONE);
	char *q = mremap(p, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, target + 4 * PG);
	CHECK(q == target + 4 * PG);
	CHECK(q[0] == 'm' && q[2 * PG - 1] == 'm');
	expect_fault(touch_read, p, SIGSEGV);               /* the old place is gone */
	expect_fault(touch_read, target, SIGSEGV);          /* PROT_NONE left alone */
	CHECK_ERR(mremap(q, 2 * PG, 2 * PG, MREMAP_FIXED, target), EINVAL);   /* FIXED needs MAYMOVE */
}

TEST(mremap_shrink)
{
	char *p = map_anon(4 * PG, PROT_READ | PROT_WRITE);
	memset(p, 's', 4 * PG);
	char *q = mremap(p, 4 * PG, PG, 0);
	CHECK(q == p);
	CHECK(q[PG - 1] == 's');
	expect_fault(touch_read, p + 2 * PG, SIGSEGV);
}

TEST(mremap_nomove_enomem)
{
	char *p = map_anon(2 * PG, PROT_READ | PROT_WRITE);
	/* p+PG stays mapped, so p's first page cannot grow in place. */
	CHECK_ERR(mremap(p, PG, 2 * PG, 0), ENOMEM);
	CHECK_ERR(mremap(p + 1, PG, PG, 0), EINVAL);
	CHECK(p[0] == 0);
}

static void make_pattern_file(const char *name, size_t len)
{
	char *buf = malloc(len);
	CHECK(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(i % 251);
	ut_write_file(name, buf, len, 0644);
	free(buf);
}

TEST(mmap_file_private)
{
	size_t len = 3 * PG + 100;
	make_pattern_file("f", len);
	int fd = CHECK_OK(open("f", O_RDWR));
	char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	for (size_t i = 0; i < len; i++)
		if (p[i] != (char)(i % 251))
			FAIL("file contents differ at %zu", i);
	for (size_t i = len; i < 4 * PG; i++)
		if (p[i] != 0)
			FAIL("bytes past EOF in the last page are not zero");
	p[0] = 'X';                     /* private: the file does not change */
	char c;
	CHECK_EQ(pread(fd, &c, 1, 0), 1);
	CHECK_EQ(c, 0);
	close(fd);
	CHECK(p[1] == 1);               /* the mapping outlives the fd */
	CHECK_OK(munmap(p, 4 * PG));
}

TEST(mmap_file_shared)
{
	make_pattern_file("f", 2 * PG);
	int fd = CHECK_OK(open("f", O_RDWR));
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	p[10] = 'S';
	CHECK_OK(msync(p, 2 * PG, MS_SYNC));
	char c = 0;
	CHECK_EQ(pread(fd, &c, 1, 10), 1);
	CHECK(c == 'S');
	CHECK_EQ(pwrite(fd, "W", 1, PG + 5), 1);
	CHECK(p[PG + 5] == 'W');
	/* A shared file mapping is shared with a child too. */
	pid_t pid = ut_fork();
	if (pid == 0) {
		p[20] = 'C';
		_exit(0);
	}
	ut_expect_exit(pid, 0);
	CHECK(p[20] == 'C');
	CHECK_OK(munmap(p, 2 * PG));
	CHECK_EQ(pread(fd, &c, 1, 20), 1);
	CHECK(c == 'C');
	close(fd);
}

TEST(mmap_file_offset)
{
	make_pattern_file("f", 4 * PG);
	int fd = CHECK_OK(open("f", O_RDONLY));
	char *p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
	CHECK(p != MAP_FAILED);
	for (size_t i = 0; i < 2 * PG; i++)
		if (p[i] != (char)((i + 2 * PG) % 251))
			FAIL("offset mapping differs at %zu", i);
	expect_fault(touch_write, p, SIGSEGV);      /* PROT_READ only */
	close(fd);
}

TEST(mmap_file_sigbus)
{
	make_pattern_file("f", 100);
	int fd = CHECK_OK(open("f", O_RDONLY));
	char *p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(p[99] == 99 % 251 && p[PG - 1] == 0);
	expect_fault(touch_read, p + PG, SIGBUS);   /* a whole page past EOF */
	close(fd);
}

TEST(madvise_dontneed)
{
	char *p = map_anon(4 * PG, PROT_READ | PROT_WRITE);
	memset(p, 'd', 4 * PG);
	CHECK_OK(madvise(p, 4 * PG, MADV_DONTNEED));
	CHECK(p[0] == 0 && p[3 * PG + 7] == 0);     /* private anonymous: zero again */
}

TEST(demand_paging_sparse)
{
	/* 1 GiB reserved, one byte touched per MiB: only touched pages count. */
	size_t len = 1UL << 30;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(p != MAP_FAILED);
	for (size_t off = 0; off < len; off += 1 << 20)
		p[off + (off >> 20) % PG] = (char)(off >> 20);
	for (size_t off = 0; off < len; off += 1 << 20)
		CHECK(p[off + (off >> 20) % PG] == (char)(off >> 20));
	CHECK(p[len - 1] == 0);
	CHECK_OK(munmap(p, len));
}

TEST(demand_paging_dense)
{
	size_t len = 16 << 20;
	unsigned *p = (unsigned *)map_anon(len, PROT_READ | PROT_WRITE);
	for (size_t i = 0; i < len / sizeof *p; i++)
		p[i] = (unsigned)(i * 2654435761u);
	for (size_t i = 0; i < len / sizeof *p; i++)
		if (p[i] != (unsigned)(i * 2654435761u))
			FAIL("word %zu lost", i);
	CHECK_OK(munmap(p, len));
}

TEST(cow_many_pages)
{
	size_t len = 8 << 20;
	char *p = map_anon(len, PROT_READ | PROT_WRITE);
	for (size_t i = 0; i < len; i += PG)
		p[i] = 'p';
	pid_t pid = ut_fork();
	if (pid == 0) {
		for (size_t i = 0; i < len; i += PG)
			p[i] = 'c';
		for (size_t i = 0; i < len; i += PG)
			CHECK(p[i] == 'c');
		_exit(0);
	}
	ut_expect_exit(pid, 0);
	for (size_t i = 0; i < len; i += PG)
		if (p[i] != 'p')
			FAIL("child write leaked into parent page %zu", i / PG);
}

TEST(segv_wild_pointer)
{
	expect_fault(touch_read, (volatile char *)0, SIGSEGV);
	expect_fault(touch_write, (volatile char *)0x10, SIGSEGV);
	expect_fault(touch_read, (volatile char *)0x100000000000UL, SIGSEGV);
	expect_fault(touch_read, KERNEL_PTR, SIGSEGV);
	expect_fault(touch_write, KERNEL_PTR, SIGSEGV);
	expect_fault(touch_read, (volatile char *)0x8000000000000000UL, SIGSEGV);  /* non-canonical */
}

static sigjmp_buf fault_jmp;
static volatile int fault_sig, fault_code;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(fault_jmp, 1);
}

TEST(segv_siginfo)
{
	ut_sigaction_info(SIGSEGV, on_fault, 0);
	char *p = map_anon(2 * PG, PROT_READ | PROT_WRITE);
	CHECK_OK(munmap(p + PG, PG));
	if (sigsetjmp(fault_jmp, 1) == 0) {
		*(volatile char *)(p + PG + 12) = 1;
		FAIL("no fault writing unmapped memory");
	}
	CHECK_EQ(fault_sig, SIGSEGV);
	CHECK_EQ(fault_code, SEGV_MAPERR);
	CHECK(fault_addr == p + PG + 12);

	CHECK_OK(mprotect(p, PG, PROT_READ));
	if (sigsetjmp(fault_jmp, 1) == 0) {
		*(volatile char *)(p + 5) = 1;
		FAIL("no fault writing read-only memory");
	}
	CHECK_EQ(fault_code, SEGV_ACCERR);
	CHECK(fault_addr == p + 5);
	/* The handler ran with SIGSEGV blocked; siglongjmp restored the mask. */
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	CHECK(!sigismember(&cur, SIGSEGV));
}

TEST(sigbus_siginfo)
{
	ut_sigaction_info(SIGBUS, on_fault, 0);
	make_pattern_file("f", 10);
	int fd = CHECK_OK(open("f", O_RDONLY));
	char *p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		(void)*(volatile char *)(p + PG + 3);
		FAIL("no SIGBUS past EOF");
	}
	CHECK_EQ(fault_sig, SIGBUS);
	CHECK_EQ(fault_code, BUS_ADRERR);
	CHECK(fault_addr == p + PG + 3);
}

static int recurse(int depth, int max)
{
	volatile char frame[16384];
	frame[0] = (char)depth;
	frame[sizeof frame - 1] = (char)depth;
	if (depth >= max)
		return frame[0];
	return recurse(depth + 1, max) + frame[sizeof frame - 1] - (char)depth;
}

TEST(stack_growth)
{
	struct rlimit rl;
	CHECK_OK(getrlimit(RLIMIT_STACK, &rl));
	/* 4 MiB of stack, below the usual 8 MiB limit. */
	CHECK(rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (6UL << 20));
	CHECK_EQ(recurse(0, 256), 0);
}

static void overflow(volatile char *p)
{
	(void)p;
	struct rlimit rl = { 8 << 20, 8 << 20 };
	getrlimit(RLIMIT_STACK, &rl);
	rl.rlim_cur = 8 << 20;
	setrlimit(RLIMIT_STACK, &rl);
	recurse(0, 1 << 30);
}

TEST(stack_overflow_segv)
{
	expect_fault(overflow, NULL, SIGSEGV);
}

TEST(mmap_many_regions)
{
	char *r[200];
	for (int i = 0; i < 200; i++) {
		r[i] = map_anon(PG, (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE);
		if (!(i & 1))
			r[i][0] = (char)i;
	}
	for (int i = 0; i < 200; i++) {
		CHECK(r[i][0] == ((i & 1) ? 0 : (char)i));
		CHECK_OK(munmap(r[i], PG));
	}
}

const struct utest ut_mem_tests[] = {
	T(brk_grow_shrink),
	T(brk_invalid),
	T(sbrk_malloc),
	T(mmap_anon_zero),
	T(mmap_shared_fork),
	T(mmap_private_fork),
	T(mmap_fixed),
	T(mmap_fixed_noreplace),
	T(mmap_errors),
	T(munmap_partial),
	T(mprotect_readonly_segv),
	T(mprotect_none_segv),
	T(mprotect_partial),
	T(mprotect_exec_code),
	T(nx_data_segv),
	T(text_readonly_segv),
	T(mremap_grow),
	T(mremap_move_fixed),
	T(mremap_shrink),
	T(mremap_nomove_enomem),
	T(mmap_file_private),
	T(mmap_file_shared),
	T(mmap_file_offset),
	T(mmap_file_sigbus),
	T(madvise_dontneed),
	T(demand_paging_sparse),
	T(demand_paging_dense),
	T(cow_many_pages),
	T(segv_wild_pointer),
	T(segv_siginfo),
	T(sigbus_siginfo),
	T(stack_growth),
	T(stack_overflow_segv),
	T(mmap_many_regions),
	{ 0 }
};
