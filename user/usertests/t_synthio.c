/*
 * t_synthio.c - synthesized paths against bad buffers, registers and
 * exact counts: the non-pipe half of the synthesis tests (t_synth.c
 * has the pipe events). Ordinary ABI tests: they pass on Linux, with
 * synthesis on and with synth=off.
 */
#include "ut.h"
#include "t_synth.h"
#include <limits.h>
#include <stdint.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/* ---- 7. bad buffers, after the paths are warm -------------------------------------- */

/* Two pages; the second PROT_NONE: returns the first page. */
static char *page_before_hole(void)
{
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		FAIL("mmap: %s", ut_errname(errno));
	CHECK_OK(mprotect(m + 4096, 4096, PROT_NONE));
	memset(m, 'm', 4096);
	return m;
}

TEST(efault_after_warmup)
{
	const int n = 500 * synth_scale;
	char *page = page_before_hole();
	char *hole = page + 4096;
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	char *fresh = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(fresh != MAP_FAILED);
	/* An address with no mapping at all (the last mmap of this test). */
	char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(gone != MAP_FAILED);
	CHECK_OK(munmap(gone, 4096));
	int p[2];
	CHECK_OK(pipe(p));
	echo_rounds(p[1], p[0], n, "warm-up");
	int avail;

	/* write(pipe) from a bad buffer: EFAULT, nothing enters the pipe. */
	for (int i = 0; i < 100; i++) {
		CHECK_ERR(write(p[1], KERNEL_PTR, 1), EFAULT);
		CHECK_ERR(write(p[1], hole, 1), EFAULT);
		CHECK_ERR(write(p[1], hole, 100), EFAULT);
		CHECK_ERR(write(p[1], gone, 1), EFAULT);
		CHECK_ERR(write(p[1], page + 4096 - 4, 8), EFAULT);   /* runs into the hole */
	}
	CHECK_OK(ioctl(p[0], FIONREAD, &avail));
	CHECK_EQ(avail, 0);
	echo_rounds(p[1], p[0], 100, "after write EFAULTs");
	/* With data already there, and a buffer that runs into the hole. */
	CHECK_EQ(write(p[1], "q", 1), 1);
	for (int i = 0; i < 100; i++) {
		CHECK_ERR(write(p[1], KERNEL_PTR, 1), EFAULT);
		CHECK_ERR(write(p[1], hole, 1), EFAULT);
		CHECK_ERR(write(p[1], page + 4096 - 4, 8), EFAULT);
	}
	CHECK_OK(ioctl(p[0], FIONREAD, &avail));
	CHECK_EQ(avail, 1);

	/* read(pipe) into a bad buffer: EFAULT, the byte is still there. */
	for (int i = 0; i < 100; i++) {
		CHECK_ERR(read(p[0], KERNEL_PTR, 1), EFAULT);
		CHECK_ERR(read(p[0], hole, 1), EFAULT);
		CHECK_ERR(read(p[0], ro, 1), EFAULT);
		CHECK_ERR(read(p[0], gone, 1), EFAULT);
	}
	CHECK_OK(ioctl(p[0], FIONREAD, &avail));
	CHECK_EQ(avail, 1);
	char c = 0;
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK(c == 'q');
	echo_rounds(p[1], p[0], 100, "after read EFAULTs");
	/* A read that runs into the hole: EFAULT, all of it still there. */
	CHECK_EQ(write(p[1], "12345678", 8), 8);
	for (int i = 0; i < 100; i++)
		CHECK_ERR(read(p[0], page + 4096 - 4, 8), EFAULT);
	CHECK_OK(ioctl(p[0], FIONREAD, &avail));
	CHECK_EQ(avail, 8);
	char eight[8];
	CHECK_EQ(read(p[0], eight, 8), 8);
	CHECK(memcmp(eight, "12345678", 8) == 0);
	echo_rounds(p[1], p[0], 100, "after straddling read EFAULTs");

	/* A fresh mapping (not yet faulted in) works both ways. */
	CHECK_EQ(write(p[1], "fresh", 5), 5);
	CHECK_EQ(read(p[0], fresh + 4096 - 2, 5), 5);   /* across a page boundary */
	CHECK(memcmp(fresh + 4096 - 2, "fresh", 5) == 0);
	CHECK_EQ(write(p[1], fresh + 2 * 4096 + 100, 10), 10);  /* unread zero page */
	char z[10];
	memset(z, 1, sizeof z);
	CHECK_EQ(read(p[0], z, sizeof z), 10);
	for (int i = 0; i < 10; i++)
		CHECK(z[i] == 0);

	/* /dev/zero: bad buffers fault. */
	int zfd = CHECK_OK(open("/dev/zero", O_RDONLY));
	char zb[8];
	for (int i = 0; i < n; i++)
		CHECK_EQ(read(zfd, zb, sizeof zb), 8);
	for (int i = 0; i < 100; i++) {
		CHECK_ERR(read(zfd, KERNEL_PTR, 8), EFAULT);
		CHECK_ERR(read(zfd, hole, 8), EFAULT);
		CHECK_ERR(read(zfd, ro, 8), EFAULT);
		CHECK_ERR(read(zfd, gone, 8), EFAULT);
	}
	/* Into the hole part-way: Linux 6.1 clears in 8-byte stores and says
	 * EFAULT; returning the 4 bytes cleared would be right too. */
	for (int i = 0; i < 100; i++) {
		memset(page + 4092, 'm', 4);
		errno = 0;
		ssize_t r = read(zfd, page + 4096 - 4, 8);
		if (r == 4)
			CHECK(memcmp(page + 4092, "\0\0\0\0", 4) == 0);
		else if (r != -1 || errno != EFAULT)
			FAIL("read of /dev/zero into a buffer running into a hole: %s",
			     r < 0 ? ut_errname(errno) : "a wrong count");
	}
	CHECK_EQ(read(zfd, fresh + 3 * 4096 - 8, 8), 8);

	/* /dev/null: a kernel address fails the access check; an unmapped
	 * user buffer is never read, so Linux accepts it. */
	int nfd = CHECK_OK(open("/dev/null", O_WRONLY));
	for (int i = 0; i < n; i++)
		CHECK_EQ(write(nfd, zb, sizeof zb), 8);
	for (int i = 0; i < 100; i++) {
		CHECK_ERR(write(nfd, KERNEL_PTR, 8), EFAULT);
		CHECK_EQ(write(nfd, hole, 8), 8);
		CHECK_EQ(write(nfd, gone, 8), 8);
	}
	/* Reading /dev/null: end of file after the same check; writing
	 * /dev/zero: swallowed like /dev/null's. */
	int rnfd = CHECK_OK(open("/dev/null", O_RDONLY));
	int wzfd = CHECK_OK(open("/dev/zero", O_WRONLY));
	for (int i = 0; i < n; i++) {
		CHECK_EQ(read(rnfd, zb, sizeof zb), 0);
		CHECK_EQ(write(wzfd, zb, sizeof zb), 8);
	}
	for (int i = 0; i < 100; i++) {
		CHECK_ERR(read(rnfd, KERNEL_PTR, 8), EFAULT);
		CHECK_EQ(read(rnfd, hole, 8), 0);
		CHECK_EQ(read(rnfd, gone, 8), 0);
		CHECK_EQ(read(rnfd, zb, 0), 0);
		CHECK_ERR(write(wzfd, KERNEL_PTR, 8), EFAULT);
		CHECK_EQ(write(wzfd, hole, 8), 8);
		CHECK_ERR(write(rnfd, zb, 1), EBADF);           /* opened for reading */
		CHECK_ERR(read(wzfd, zb, 1), EBADF);
	}
	CHECK_OK(close(rnfd));
	CHECK_OK(close(wzfd));

	/* pread of a regular file into bad buffers. */
	int f = CHECK_OK(open("data", O_RDWR | O_CREAT | O_TRUNC, 0644));
	char pat[64];
	for (int i = 0; i < 64; i++)
		pat[i] = (char)('A' + i % 26);
	CHECK_EQ(write(f, pat, sizeof pat), 64);
	char pb[16];
	for (int i = 0; i < n; i++)
		CHECK_EQ(pread(f, pb, 16, i % 48), 16);
	for (int i = 0; i < 100; i++) {
		CHECK_ERR(pread(f, KERNEL_PTR, 16, 0), EFAULT);
		CHECK_ERR(pread(f, hole, 16, 0), EFAULT);
		CHECK_ERR(pread(f, ro, 16, 0), EFAULT);
		CHECK_ERR(pread(f, gone, 16, 0), EFAULT);
	}
	CHECK_EQ(pread(f, fresh + 4096 - 8, 16, 3), 16);
	CHECK(memcmp(fresh + 4096 - 8, pat + 3, 16) == 0);
	CHECK_EQ(pread(f, pb, 16, 10), 16);
	CHECK(memcmp(pb, pat + 10, 16) == 0);
}

/*
 * The x86-64 system-call ABI keeps every register but RAX, RCX and R11,
 * on success and on failure alike. A fast path that bails out on a fault
 * (EFAULT) must not return with its own values in the caller's registers.
 * The call is made from assembly with a known value in each register.
 */
struct sysregs {
	unsigned long rbx, rbp, r12, r13, r14, r15, rdi, rsi, rdx, r10, r8, r9;
	long nr;                    /* in: the call number; out: the result */
};

static const char *const sysreg_names[] = {
	"rbx", "rbp", "r12", "r13", "r14", "r15", "rdi", "rsi", "rdx", "r10", "r8", "r9",
};

__attribute__((noinline)) static void sys_regs(struct sysregs *in, struct sysregs *out)
{
	long dummy;
	__asm__ volatile(
		"sub $128, %%rsp\n\t"           /* keep clear of the red zone */
		"push %%rbx\n\tpush %%rbp\n\tpush %%r12\n\tpush %%r13\n\tpush %%r14\n\tpush %%r15\n\t"
		"push %[out]\n\t"
		"mov %[in], %%rax\n\t"
		"mov 0(%%rax), %%rbx\n\tmov 8(%%rax), %%rbp\n\tmov 16(%%rax), %%r12\n\t"
		"mov 24(%%rax), %%r13\n\tmov 32(%%rax), %%r14\n\tmov 40(%%rax), %%r15\n\t"
		"mov 48(%%rax), %%rdi\n\tmov 56(%%rax), %%rsi\n\tmov 64(%%rax), %%rdx\n\t"
		"mov 72(%%rax), %%r10\n\tmov 80(%%rax), %%r8\n\tmov 88(%%rax), %%r9\n\t"
		"mov 96(%%rax), %%rax\n\t"
		"syscall\n\t"
		"push %%rax\n\t"
		"mov 8(%%rsp), %%rax\n\t"
		"mov %%rbx, 0(%%rax)\n\tmov %%rbp, 8(%%rax)\n\tmov %%r12, 16(%%rax)\n\t"
		"mov %%r13, 24(%%rax)\n\tmov %%r14, 32(%%rax)\n\tmov %%r15, 40(%%rax)\n\t"
		"mov %%rdi, 48(%%rax)\n\tmov %%rsi, 56(%%rax)\n\tmov %%rdx, 64(%%rax)\n\t"
		"mov %%r10, 72(%%rax)\n\tmov %%r8, 80(%%rax)\n\tmov %%r9, 88(%%rax)\n\t"
		"pop %%rcx\n\t"
		"mov %%rcx, 96(%%rax)\n\t"
		"add $8, %%rsp\n\t"
		"pop %%r15\n\tpop %%r14\n\tpop %%r13\n\tpop %%r12\n\tpop %%rbp\n\tpop %%rbx\n\t"
		"add $128, %%rsp\n\t"
		: "=a"(dummy)
		: [in] "r"(in), [out] "r"(out)
		: "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
	(void)dummy;
}

/* Call nr(a0, a1, a2, a3) with marker values in the other registers;
 * FAIL if any register but RAX/RCX/R11 changed; return the result. */
static long call_keeps_regs(const char *what, long nr, long a0, long a1, long a2, long a3)
{
	struct sysregs in = {
		0x1111111111111111, 0x2222222222222222, 0x3333333333333333,
		0x4444444444444444, 0x5555555555555555, 0x6666666666666666,
		(unsigned long)a0, (unsigned long)a1, (unsigned long)a2, (unsigned long)a3,
		0x8888888888888888, 0x9999999999999999, nr,
	};
	struct sysregs out;
	memset(&out, 0, sizeof out);
	sys_regs(&in, &out);
	const unsigned long *i = &in.rbx, *o = &out.rbx;
	for (int k = 0; k < 12; k++)
		if (i[k] != o[k])
			FAIL("%s (result %s): %s changed across the system call", what,
			     out.nr < 0 ? ut_errname((int)-out.nr) : "success", sysreg_names[k]);
	return out.nr;
}

#define KEEPS(what, want, nr, a0, a1, a2, a3) do { \
	long _r = call_keeps_regs(what, nr, (long)(a0), (long)(a1), (long)(a2), (long)(a3)); \
	if (_r != (long)(want)) \
		FAIL("%s: result %ld, want %ld", what, _r, (long)(want)); \
} while (0)

TEST(syscall_regs_kept_on_fast_paths)
{
	char *page = page_before_hole();
	char *hole = page + 4096;
	char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(gone != MAP_FAILED);
	CHECK_OK(munmap(gone, 4096));
	char buf[64];
	int z = CHECK_OK(open("/dev/zero", O_RDONLY));
	int null = CHECK_OK(open("/dev/null", O_WRONLY));
	int f = CHECK_OK(open("data", O_RDWR | O_CREAT | O_TRUNC, 0644));
	CHECK_EQ(write(f, "0123456789abcdefghijklmnopqrstuvwxyz", 36), 36);
	int p[2];
	CHECK_OK(pipe(p));
	for (int round = 0; round < 200; round++) {
		KEEPS("getpid", getpid(), SYS_getpid, 0, 0, 0, 0);
		KEEPS("read /dev/zero", 8, SYS_read, z, buf, 8, 0);
		KEEPS("write /dev/null", 8, SYS_write, null, buf, 8, 0);
		KEEPS("pread64 file", 16, SYS_pread64, f, buf, 16, 4);
		KEEPS("write pipe", 8, SYS_write, p[1], "abcdefgh", 8, 0);
		KEEPS("read pipe", 8, SYS_read, p[0], buf, 8, 0);
		if (round < 100)
			continue;                   /* the first half warms up */
		KEEPS("read /dev/zero into a kernel address", -EFAULT, SYS_read, z, KERNEL_PTR, 8, 0);
		KEEPS("read /dev/zero into PROT_NONE", -EFAULT, SYS_read, z, hole, 8, 0);
		KEEPS("read /dev/zero into an unmapped page", -EFAULT, SYS_read, z, gone, 8, 0);
		KEEPS("write /dev/null from a kernel address", -EFAULT, SYS_write, null, KERNEL_PTR, 8, 0);
		KEEPS("write /dev/null from PROT_NONE", 8, SYS_write, null, hole, 8, 0);
		KEEPS("pread64 into a kernel address", -EFAULT, SYS_pread64, f, KERNEL_PTR, 16, 4);
		KEEPS("pread64 into PROT_NONE", -EFAULT, SYS_pread64, f, hole, 16, 4);
		KEEPS("pread64 into an unmapped page", -EFAULT, SYS_pread64, f, gone, 16, 4);
		KEEPS("write pipe from a kernel address", -EFAULT, SYS_write, p[1], KERNEL_PTR, 8, 0);
		KEEPS("write pipe from PROT_NONE", -EFAULT, SYS_write, p[1], hole, 8, 0);
		KEEPS("write pipe from an unmapped page", -EFAULT, SYS_write, p[1], gone, 8, 0);
		KEEPS("write pipe", 8, SYS_write, p[1], "abcdefgh", 8, 0);
		KEEPS("read pipe into a kernel address", -EFAULT, SYS_read, p[0], KERNEL_PTR, 8, 0);
		KEEPS("read pipe into PROT_NONE", -EFAULT, SYS_read, p[0], hole, 8, 0);
		KEEPS("read pipe into an unmapped page", -EFAULT, SYS_read, p[0], gone, 8, 0);
		KEEPS("read pipe after the faults", 8, SYS_read, p[0], buf, 8, 0);
		CHECK(memcmp(buf, "abcdefgh", 8) == 0);
	}
}

/* ---- 8. /dev/zero: exactly n bytes -------------------------------------------- */

TEST(dev_zero_small_reads)
{
	int z = CHECK_OK(open("/dev/zero", O_RDONLY));
	unsigned char buf[256];
	for (int round = 0; round < 5 * synth_scale; round++)
		for (size_t n = 1; n <= 200; n++) {
			memset(buf, 0xff, sizeof buf);
			size_t off = (n * 3 + round) % 40;
			ssize_t r = read(z, buf + off, n);
			if (r != (ssize_t)n)
				FAIL("read of %zu: got %s", n, r < 0 ? ut_errname(errno) : "a short count");
			for (size_t i = 0; i < off; i++)
				if (buf[i] != 0xff)
					FAIL("read of %zu: byte before the buffer written", n);
			for (size_t i = off; i < off + n; i++)
				if (buf[i] != 0)
					FAIL("read of %zu: byte %zu not zero", n, i - off);
			for (size_t i = off + n; i < sizeof buf; i++)
				if (buf[i] != 0xff)
					FAIL("read of %zu: byte after the buffer written", n);
		}
	CHECK_EQ(read(z, buf, 0), 0);

	/* The descriptor re-pointed: a file's data, then /dev/null's EOF. */
	ut_write_file("notzero", "abcdefgh", 8, 0644);
	int f = CHECK_OK(open("notzero", O_RDONLY));
	CHECK_EQ(dup2(f, z), z);
	memset(buf, 0, sizeof buf);
	CHECK_EQ(read(z, buf, 8), 8);
	CHECK(memcmp(buf, "abcdefgh", 8) == 0);
	int null = CHECK_OK(open("/dev/null", O_RDONLY));
	CHECK_EQ(dup2(null, z), z);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(read(z, buf, 8), 0);
	CHECK_OK(close(z));
	CHECK_ERR(read(z, buf, 8), EBADF);
	/* A new /dev/zero on the same number, read-only and write-only. */
	CHECK_EQ(open("/dev/zero", O_WRONLY), z);
	CHECK_ERR(read(z, buf, 8), EBADF);
	CHECK_EQ(write(z, buf, 8), 8);
	CHECK_OK(close(z));
	CHECK_EQ(open("/dev/zero", O_RDONLY), z);
	memset(buf, 7, sizeof buf);
	CHECK_EQ(read(z, buf, 8), 8);
	CHECK(buf[0] == 0 && buf[7] == 0 && buf[8] == 7);
}

/*
 * A buffer that starts on a page it cannot store to and runs into a good
 * one. Linux zeroes upwards and stops at the first byte it cannot reach:
 * EFAULT, and the good page untouched. The synthesized leaf zeroed from
 * the top down and wrote the good page before it faulted (user/fdfuzz.c
 * found it). The other way round (good page, then a hole) Linux's count
 * depends on its clear_user (word by word without ERMS), so that half
 * checks only that exactly the bytes counted were zeroed.
 */
TEST(dev_zero_read_into_a_hole)
{
	int z = CHECK_OK(open("/dev/zero", O_RDONLY));
	char *m = mmap(NULL, 3 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	char *good = m + 4096, c;
	CHECK_OK(mprotect(good, 4096, PROT_READ | PROT_WRITE));
	for (int i = 0; i < 10; i++)
		CHECK_EQ(read(z, &c, 1), 1);     /* warm: synthesized from the third call */
	static const size_t counts[] = { 2, 8, 40, 64, 65, 1000, 5000 };
	for (int round = 0; round < 3 * synth_scale; round++)
		for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
			size_t n = counts[k];
			for (size_t before = 1; before < n && before <= 9; before += 4) {
				memset(good, 0x55, 4096);
				CHECK_ERR(read(z, good - before, n), EFAULT);
				for (int i = 0; i < 4096; i++)
					if (good[i] != 0x55)
						FAIL("read of %zu from %zu bytes before the page: EFAULT, "
						     "but byte %d of the page was written", n, before, i);
				memset(good, 0x55, 4096);
				ssize_t r = read(z, good + 4096 - before, n);
				size_t zeroed = 0;
				for (int i = 0; i < 4096; i++)
					zeroed += good[i] == 0;
				if (r < 0 ? errno != EFAULT || zeroed : (size_t)r > before || zeroed != (size_t)r)
					FAIL("read of %zu into the last %zu bytes of the page: %s, %zu bytes zeroed",
					     n, before, r < 0 ? ut_errname(errno) : "a count", zeroed);
			}
		}
	CHECK_OK(munmap(m, 3 * 4096));
	CHECK_OK(close(z));
}

/* A file read or write whose buffer runs into a hole moves the bytes up
 * to the hole and says so, to the byte, as Linux's (generic_perform_write,
 * filemap reads); one whose first byte is bad is EFAULT and leaves no
 * page behind. */
TEST(file_io_into_a_hole)
{
	char *m = mmap(NULL, 2 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK_OK(mprotect(m, 4096, PROT_READ | PROT_WRITE));
	char *end = m + 4096;
	int fd = CHECK_OK(open("holey", O_RDWR | O_CREAT | O_TRUNC, 0644));
	for (int round = 0; round < 3; round++) {
		memset(m, 'a' + round, 4096);
		CHECK_EQ(pwrite(fd, end - 100, 300, 0), 100);
		CHECK_EQ(lseek(fd, 0, SEEK_END), 100);
		CHECK_EQ(write(fd, end - 7, 50), 7);
		CHECK_EQ(lseek(fd, 0, SEEK_CUR), 107);
		memset(m, 0, 4096);
		CHECK_EQ(pread(fd, end - 30, 107, 0), 30);
		CHECK(end[-30] == 'a' + round && end[-1] == 'a' + round);
		CHECK_EQ(lseek(fd, 5, SEEK_SET), 5);
		CHECK_EQ(read(fd, end - 11, 4000), 11);
		CHECK_EQ(lseek(fd, 0, SEEK_CUR), 16);
		CHECK_OK(ftruncate(fd, 0));
	}
	/* Nothing readable: EFAULT, the file stays empty, and no page was taken. */
	CHECK_ERR(pwrite(fd, end, 10, 8192), EFAULT);
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_blocks, 0);
	/* Past the end, into a page the file has: the gap is not filled and
	 * the size does not move (fdfuzz found it growing). */
	CHECK_EQ(pwrite(fd, m, 100, 0), 100);
	CHECK_ERR(pwrite(fd, end, 1, 3000), EFAULT);
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 100);
	CHECK_OK(ftruncate(fd, 0));
	CHECK_OK(close(fd));
	CHECK_OK(unlink("holey"));
	CHECK_OK(munmap(m, 2 * 4096));
}

/* ---- 9. pread on an in-memory file ---------------------------------------------- */

#define PFILE (64 * 1024)

static unsigned char pat_byte(long k, int gen) { return (unsigned char)(k * 31 + k / 4096 + gen * 101); }

static void check_pread(int fd, long off, size_t len, long size, int gen, const char *what)
{
	static unsigned char buf[PFILE + 8192];
	long want = off >= size ? 0 : (long)len < size - off ? (long)len : size - off;
	ssize_t n = pread(fd, buf, len, off);
	if (n != want)
		FAIL("%s: pread(%zu at %ld) gave %s", what, len, off,
		     n < 0 ? ut_errname(errno) : "the wrong count");
	for (long i = 0; i < n; i++)
		if (buf[i] != pat_byte(off + i, gen))
			FAIL("%s: pread(%zu at %ld): byte %ld wrong", what, len, off, i);
}

TEST(pread_memory_file)
{
	static unsigned char data[PFILE];
	for (long k = 0; k < PFILE; k++)
		data[k] = pat_byte(k, 0);
	int fd = CHECK_OK(open("pf", O_RDWR | O_CREAT | O_TRUNC, 0644));
	CHECK_EQ(ut_write_full(fd, data, PFILE), PFILE);
	long size = PFILE;

	/* Many offsets and sizes, some across EOF. */
	for (int i = 0; i < 1000 * synth_scale; i++) {
		long off = ((long)i * 4099 + i / 7) % (PFILE + 100);
		size_t len = 1 + (i * 37) % 700;
		check_pread(fd, off, len, size, 0, "first pass");
	}
	check_pread(fd, PFILE - 10, 100, size, 0, "across EOF");
	check_pread(fd, PFILE, 100, size, 0, "at EOF");
	check_pread(fd, PFILE + 5000, 1, size, 0, "past EOF");
	check_pread(fd, 0, PFILE, size, 0, "whole file");
	CHECK_EQ(pread(fd, data, 0, 0), 0);
	CHECK_ERR(pread(fd, data, 1, -1), EINVAL);
	CHECK_ERR(pread(fd, data, 1, LONG_MIN), EINVAL);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), PFILE);   /* pread leaves the offset */

	/* ftruncate shrinks it: the new size at once. */
	CHECK_OK(ftruncate(fd, 10000));
	size = 10000;
	for (int i = 0; i < 200 * synth_scale; i++)
		check_pread(fd, (i * 997L) % 12000, 1 + i % 300, size, 0, "after shrinking");
	/* Grows it again: zeros past the old end. */
	CHECK_OK(ftruncate(fd, 20000));
	unsigned char z[64];
	CHECK_EQ(pread(fd, z, sizeof z, 10000), 64);
	for (int i = 0; i < 64; i++)
		CHECK(z[i] == 0);
	CHECK_OK(ftruncate(fd, 10000));

	/* Written through a second descriptor: new data and size. */
	for (long k = 0; k < PFILE; k++)
		data[k] = pat_byte(k, 1);
	int fd2 = CHECK_OK(open("pf", O_WRONLY));
	CHECK_EQ(ut_write_full(fd2, data, PFILE), PFILE);
	size = PFILE;
	for (int i = 0; i < 500 * synth_scale; i++)
		check_pread(fd, ((long)i * 4099) % (PFILE + 100), 1 + (i * 37) % 700, size, 1,
			    "after a write through another descriptor");
	/* pwrite through the second, pread through the first at once. */
	for (long k = 0; k < PFILE; k += 4096) {
		unsigned char b = pat_byte(k, 2);
		CHECK_EQ(pwrite(fd2, &b, 1, k), 1);
		unsigned char got = 0;
		CHECK_EQ(pread(fd, &got, 1, k), 1);
		CHECK(got == b);
	}
	for (long k = 0; k < PFILE; k += 4096) {
		unsigned char b = pat_byte(k, 1);
		CHECK_EQ(pwrite(fd2, &b, 1, k), 1);
	}

	/* Unlinked while open: still readable, through both. */
	CHECK_OK(unlink("pf"));
	for (int i = 0; i < 300 * synth_scale; i++)
		check_pread(fd, ((long)i * 4099) % (PFILE + 100), 1 + (i * 37) % 700, size, 1,
			    "after unlink");
	CHECK_OK(close(fd2));
	check_pread(fd, 100, 1000, size, 1, "after unlink and closing the other descriptor");

	/* The number re-pointed at another file: that file's bytes. */
	ut_write_file("other", "0123456789", 10, 0644);
	int o = CHECK_OK(open("other", O_RDONLY));
	CHECK_EQ(dup2(o, fd), fd);
	char buf[16] = { 0 };
	for (int i = 0; i < 100; i++) {
		CHECK_EQ(pread(fd, buf, sizeof buf, 2), 8);
		CHECK(memcmp(buf, "23456789", 8) == 0);
	}
	CHECK_OK(close(fd));
	CHECK_ERR(pread(fd, buf, 1, 0), EBADF);
	/* A pipe on that number: ESPIPE. */
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_EQ(p[0], fd);
	CHECK_ERR(pread(fd, buf, 1, 0), ESPIPE);
}

/*
 * write and pwrite on a memory file against a model of its bytes: small
 * writes inside a page (the synthesized path), across pages, past the end
 * (a zero-filled gap), O_APPEND set and cleared with fcntl, through two
 * descriptors and a shared mapping, and bad buffers. mtime and ctime move
 * with every write.
 */
#define WFILE (3 * 4096)
static unsigned char wmodel[WFILE + 3 * 8192];

static void check_model(int fd, long size, const char *what)
{
	static unsigned char buf[sizeof wmodel];
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	if (st.st_size != size)
		FAIL("%s: size %lld, want %ld", what, (long long)st.st_size, size);
	CHECK_EQ(pread(fd, buf, sizeof buf, 0), size);
	for (long i = 0; i < size; i++)
		if (buf[i] != wmodel[i])
			FAIL("%s: byte %ld is %d, want %d", what, i, buf[i], wmodel[i]);
}

static void model_write(long *size, long off, const unsigned char *b, size_t n)
{
	if (off > *size)
		memset(wmodel + *size, 0, (size_t)(off - *size));
	memcpy(wmodel + off, b, n);
	if (off + (long)n > *size)
		*size = off + (long)n;
}

static long long ts_ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

TEST(write_memory_file)
{
	int fd = CHECK_OK(open("wf", O_RDWR | O_CREAT | O_TRUNC, 0644));
	int fd2 = CHECK_OK(open("wf", O_RDWR));
	long size = 0;
	unsigned char b[4096];
	for (long k = 0; k < WFILE; k++)
		wmodel[k] = (unsigned char)(k * 7);
	CHECK_EQ(ut_write_full(fd, wmodel, WFILE), WFILE);
	size = WFILE;
	char *map = mmap(NULL, WFILE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(map != MAP_FAILED);

	struct stat st;
	CHECK_OK(fstat(fd, &st));
	long long last = ts_ns(st.st_mtim);
	for (int i = 0; i < 1500 * synth_scale; i++) {
		size_t n = 1 + (size_t)((i * 37) % 600);
		if (i % 97 == 0)
			n = 4096;
		for (size_t j = 0; j < n; j++)
			b[j] = (unsigned char)(i + j * 3);
		long off;
		int how = i % 5;
		if (how <= 1) {                         /* pwrite inside the file */
			off = ((long)i * 4099) % (WFILE - (long)n);
			CHECK_EQ(pwrite(how ? fd2 : fd, b, n, off), n);
		} else if (how == 2) {                  /* write at the position */
			off = ((long)i * 577) % (WFILE - (long)n);
			CHECK_EQ(lseek(fd, off, SEEK_SET), off);
			CHECK_EQ(write(fd, b, n), n);
			CHECK_EQ(lseek(fd, 0, SEEK_CUR), off + (long)n);
		} else if (how == 3) {                  /* append, through fcntl */
			if (size + (long)n > (long)sizeof wmodel) {
				CHECK_OK(ftruncate(fd, WFILE));
				size = WFILE;
			}
			off = size;
			CHECK_OK(fcntl(fd2, F_SETFL, O_APPEND));
			CHECK_EQ(pwrite(fd2, b, n, 0), n);      /* Linux: appends anyway */
			CHECK_OK(fcntl(fd2, F_SETFL, 0));
		} else {                                /* pwrite at or past the end */
			if (size + 100 + (long)n > (long)sizeof wmodel) {
				CHECK_OK(ftruncate(fd, WFILE));
				size = WFILE;
			}
			off = size + (i % 3 == 0 ? 0 : (i % 100));
			CHECK_EQ(pwrite(fd, b, n, off), n);
		}
		model_write(&size, off, b, n);
		unsigned char got[4096];
		CHECK_EQ(pread(fd2, got, n, off), n);
		if (memcmp(got, b, n))
			FAIL("write %d (%zu bytes at %ld) did not read back", i, n, off);
		if (off < WFILE && map[off] != (char)b[0])
			FAIL("write %d: the shared mapping does not see it", i);
		CHECK_OK(fstat(fd, &st));
		if (ts_ns(st.st_mtim) < last || ts_ns(st.st_mtim) != ts_ns(st.st_ctim))
			FAIL("write %d: mtime went back or differs from ctime", i);
		last = ts_ns(st.st_mtim);
		if (i % 100 == 0)
			check_model(fd, size, "after a run of writes");
	}
	check_model(fd, size, "at the end");

	/* A write 20 ms later has a later mtime. */
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	nanosleep(&tick, NULL);
	CHECK_EQ(pwrite(fd, "x", 1, 5), 1);
	model_write(&size, 5, (const unsigned char *)"x", 1);
	CHECK_OK(fstat(fd, &st));
	CHECK(ts_ns(st.st_mtim) > last);

	/* Bad buffers: EFAULT, the file unchanged. */
	char *page = page_before_hole();
	char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(gone != MAP_FAILED);
	CHECK_OK(munmap(gone, 4096));
	for (int i = 0; i < 100; i++) {
		CHECK_ERR(pwrite(fd, KERNEL_PTR, 8, 100), EFAULT);
		CHECK_ERR(pwrite(fd, page + 4096, 8, 100), EFAULT);
		CHECK_ERR(write(fd, gone, 8), EFAULT);
		CHECK_ERR(pwrite(fd, b, 8, -1), EINVAL);
	}
	CHECK_EQ(pwrite(fd, b, 0, 7), 0);
	check_model(fd, size, "after the bad buffers");
	/* Running into the hole part-way: a short write of what could be
	 * read, or EFAULT; either way the file says what was written. */
	ssize_t r = pwrite(fd, page + 4096 - 4, 8, 200);
	if (r == 4)
		model_write(&size, 200, (const unsigned char *)page + 4092, 4);
	else if (r != -1 || errno != EFAULT)
		FAIL("pwrite from a buffer running into a hole: %s", r < 0 ? ut_errname(errno) : "a wrong count");
	else
		memcpy(wmodel + 200, map + 200, 4);     /* whatever the copy left */
	check_model(fd, size, "after a buffer running into a hole");
	CHECK_OK(munmap(map, WFILE));
	CHECK_OK(close(fd2));
	CHECK_OK(close(fd));
	CHECK_OK(unlink("wf"));
}

/*
 * A synthesized pipe read or write that must block falls back into the
 * generic work for its file (fast_resume.S): a signal there behaves as on
 * the generic path -- EINTR without SA_RESTART, the call restarted (and
 * through the fast path again) with it.
 */
static volatile int usr1_seen;
static void on_usr1(int sig) { (void)sig; usr1_seen++; }

static void usr1_later(pid_t to, long ms, int wfd, int rfd)
{
	if (fork() == 0) {
		ut_sleep_ms(ms);
		kill(to, SIGUSR1);
		ut_sleep_ms(ms);
		if (wfd >= 0)
			write(wfd, "z", 1);
		if (rfd >= 0) {             /* drain the pipe the parent filled */
			static char sink[65536];
			int fl = fcntl(rfd, F_GETFL);
			fcntl(rfd, F_SETFL, fl | O_NONBLOCK);
			while (read(rfd, sink, sizeof sink) > 0)
				;
		}
		_exit(0);
	}
}

TEST(fallback_blocked_call_and_signals)
{
	int p[2];
	CHECK_OK(pipe(p));
	char c;
	for (int i = 0; i < 10; i++) {             /* both ends get their regions */
		CHECK_EQ(write(p[1], "w", 1), 1);
		CHECK_EQ(read(p[0], &c, 1), 1);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	usr1_seen = 0;
	usr1_later(getpid(), 100, -1, -1);
	CHECK_ERR(read(p[0], &c, 1), EINTR);        /* blocked, interrupted */
	CHECK_EQ(usr1_seen, 1);
	CHECK_OK(wait(NULL));

	sa.sa_flags = SA_RESTART;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	usr1_later(getpid(), 100, p[1], -1);
	CHECK_EQ(read(p[0], &c, 1), 1);              /* restarted, then the byte */
	CHECK(c == 'z');
	CHECK_EQ(usr1_seen, 2);
	CHECK_OK(wait(NULL));

	/* A full pipe: the write blocks, is interrupted, restarts, completes. */
	static char big[65536];
	CHECK_EQ(ut_write_full(p[1], big, sizeof big), (ssize_t)sizeof big);
	usr1_later(getpid(), 100, -1, p[0]);
	CHECK_EQ(write(p[1], "y", 1), 1);
	CHECK_EQ(usr1_seen, 3);
	CHECK_OK(wait(NULL));
	sa.sa_handler = SIG_DFL;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	CHECK_OK(close(p[0]));
	/* No reader left: EPIPE and SIGPIPE, from the resumed path too. */
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	CHECK_OK(close(p[1]));
}

/* ---- the slow set ------------------------------------------------------------ */

/* Live synthesized regions, or -1 without /proc/synth (Linux). */
static long synth_live_regions(void)
{
	FILE *f = fopen("/proc/synth/regions", "r");
	if (!f) {
		struct stat st;
		if (stat("/proc/synth", &st) < 0 || !S_ISREG(st.st_mode))
			return -1;
		f = fopen("/proc/synth", "r");
	}
	if (!f)
		return -1;
	char line[512];
	long n = 0;
	while (fgets(line, sizeof line, f))
		if (line[0] >= '0' && line[0] <= '9')
			n++;
	fclose(f);
	return n;
}

/* Calls of each kind per descriptor: past the kernel's wait before it
 * synthesizes (synth/synth.c SYNTH_FD_WAIT, 2), so every round makes its
 * regions. */
#define CHURN_CALLS 3

TEST(code_cache_churn)
{
	enum { N = 100000 };
	long made0 = ut_synth_regions_made();
	ut_write_file("cf", "0123456789abcdef", 16, 0644);
	/* Round -1 is a warm-up: a thread's first synthesized call may link
	 * per-system-call code (a descriptor switch) that stays; the count
	 * is taken after it. */
	long before = 0;
	for (int i = -1; i < N; i++) {
		if (i == 0)
			before = synth_live_regions();
		int p[2];
		char c;
		if (pipe(p) < 0)
			FAIL("iteration %d: pipe: %s", i, ut_errname(errno));
		for (int k = 0; k < CHURN_CALLS; k++)
			if (write(p[1], "x", 1) != 1 || read(p[0], &c, 1) != 1 || c != 'x')
				FAIL("iteration %d: pipe write/read", i);
		CHECK_OK(close(p[0]));
		CHECK_OK(close(p[1]));

		int f = open("cf", O_RDWR);
		if (f < 0)
			FAIL("iteration %d: open: %s", i, ut_errname(errno));
		char b[4];
		char v = (char)('a' + (i + 26) % 26);
		for (int k = 0; k < CHURN_CALLS; k++)
			if (pwrite(f, &v, 1, (i + 12) % 12) != 1 ||
			    pread(f, b, 4, (i + 12) % 12) != 4 || b[0] != v)
				FAIL("iteration %d: file pwrite/pread", i);
		CHECK_OK(close(f));

		int z = open("/dev/zero", O_RDONLY);
		if (z < 0)
			FAIL("iteration %d: open /dev/zero: %s", i, ut_errname(errno));
		for (int k = 0; k < CHURN_CALLS; k++) {
			b[0] = 1;
			if (read(z, b, 4) != 4 || b[0] != 0)
				FAIL("iteration %d: /dev/zero read", i);
		}
		CHECK_OK(close(z));
	}
	long after = synth_live_regions();
	if (before >= 0 && after != before)
		FAIL("live synthesized regions: %ld before, %ld after", before, after);
	/* And regions were made: five descriptor calls per round. */
	long made = ut_synth_regions_made();
	if (made >= 0 && made - made0 < 5L * N)
		FAIL("%ld regions made in %d rounds (want at least %ld)", made - made0, N, 5L * N);
}

/* ---- lseek on an in-memory file, after warm-up ----------------------------- */

TEST(lseek_memory_file)
{
	int fd = CHECK_OK(open("lf", O_RDWR | O_CREAT | O_TRUNC, 0644));
	CHECK_EQ(write(fd, "0123456789", 10), 10);
	for (int i = 0; i < 200 * synth_scale; i++) {
		CHECK_EQ(lseek(fd, i % 7, SEEK_SET), i % 7);
		CHECK_EQ(lseek(fd, 2, SEEK_CUR), i % 7 + 2);
		CHECK_EQ(lseek(fd, -1, SEEK_END), 9);
	}
	char c;
	CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
	CHECK_EQ(read(fd, &c, 1), 1);
	CHECK(c == '3');                                 /* the position is the file's */
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
	CHECK_ERR(lseek(fd, -5, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, -11, SEEK_END), EINVAL);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);             /* a failed seek moves nothing */
	CHECK_EQ(lseek(fd, INT64_MAX, SEEK_SET), INT64_MAX);
	CHECK_ERR(lseek(fd, 1, SEEK_CUR), EINVAL);       /* overflow */
	CHECK_ERR(lseek(fd, 0, 99), EINVAL);             /* unknown whence */
	CHECK_EQ(lseek(fd, 0, SEEK_DATA), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_HOLE), 10);
	CHECK_ERR(lseek(fd, 10, SEEK_DATA), ENXIO);
	CHECK_OK(ftruncate(fd, 100));
	CHECK_EQ(lseek(fd, 0, SEEK_END), 100);           /* the size is read each call */
	/* A forked child shares the open file and its position. */
	pid_t pid = ut_fork();
	if (pid == 0) {
		if (lseek(fd, 42, SEEK_SET) != 42)
			_exit(1);
		_exit(0);
	}
	ut_expect_exit(pid, 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 42);
	/* The descriptor re-pointed: a pipe cannot seek. */
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_EQ(dup2(p[0], fd), fd);
	CHECK_ERR(lseek(fd, 0, SEEK_SET), ESPIPE);
}

/*
 * RSP is the user's to set, and the kernel must not use it: a fault taken
 * in kernel mode on the user's stack would have the CPU write its frame
 * wherever RSP points. Synthesized code that touches user memory moves to
 * the kernel stack first (fast_frame.S, fast_read_zero.S). Each call here
 * is made with RSP at a kernel address, a non-canonical one, a read-only
 * page, or 0, on the fast paths and on their fault paths.
 */
__attribute__((noinline)) static long syscall_on_stack(long nr, long a0, long a1, long a2,
							 unsigned long stack)
{
	long ret;
	__asm__ volatile(
		"mov %%rsp, %%r12\n\t"
		"mov %[stack], %%rsp\n\t"
		"syscall\n\t"
		"mov %%r12, %%rsp\n\t"
		: "=a"(ret)
		: "a"(nr), "D"(a0), "S"(a1), "d"(a2), [stack] "r"(stack)
		: "rcx", "r11", "r12", "memory");
	return ret;
}

TEST(syscall_with_hostile_stack_pointer)
{
	char *page = page_before_hole();
	char *hole = page + 4096;
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	const unsigned long stacks[] = {
		(unsigned long)KERNEL_PTR + 4096, 0xffffffff80200000UL,   /* kernel */
		0x8000000000000000UL,                                     /* non-canonical */
		(unsigned long)ro + 4096, 0,
	};
	char buf[16];
	int z = CHECK_OK(open("/dev/zero", O_RDONLY));
	int p[2];
	CHECK_OK(pipe(p));
	for (int i = 0; i < 3; i++) {           /* warm up: the fast paths are made */
		CHECK_EQ(read(z, buf, 8), 8);
		CHECK_EQ(write(p[1], "w", 1), 1);
		CHECK_EQ(read(p[0], buf, 1), 1);
	}
	for (unsigned k = 0; k < sizeof stacks / sizeof stacks[0]; k++) {
		for (int i = 0; i < 20; i++) {
			memset(buf, 1, sizeof buf);
			CHECK_EQ(syscall_on_stack(SYS_read, z, (long)buf, 8, stacks[k]), 8);
			CHECK(buf[0] == 0 && buf[7] == 0 && buf[8] == 1);
			CHECK_EQ(syscall_on_stack(SYS_read, z, (long)hole, 8, stacks[k]), -EFAULT);
			CHECK_EQ(syscall_on_stack(SYS_read, z, (long)ro, 8, stacks[k]), -EFAULT);
			/* 4 bytes, then the hole: synthos zeroes the 4 and says
			 * so, as Linux does on a CPU with ERMS; without it
			 * Linux's clear_user goes by words and says EFAULT. */
			memset(page + 4092, 1, 4);
			long r = syscall_on_stack(SYS_read, z, (long)page + 4092, 8, stacks[k]);
			CHECK(r == -EFAULT || (r == 4 && page[4092] == 0 && page[4095] == 0));
			CHECK_EQ(syscall_on_stack(SYS_write, p[1], (long)hole, 1, stacks[k]), -EFAULT);
			CHECK_EQ(syscall_on_stack(SYS_write, p[1], (long)"h", 1, stacks[k]), 1);
			CHECK_EQ(syscall_on_stack(SYS_read, p[0], (long)hole, 1, stacks[k]), -EFAULT);
			CHECK_EQ(syscall_on_stack(SYS_read, p[0], (long)buf, 1, stacks[k]), 1);
			CHECK(buf[0] == 'h');
			CHECK_EQ(syscall_on_stack(SYS_getppid, 0, 0, 0, stacks[k]), getppid());
		}
	}
	CHECK_OK(close(z));
	CHECK_OK(close(p[0]));
	CHECK_OK(close(p[1]));
	CHECK_OK(munmap(ro, 4096));
}

const struct utest ut_synthio_tests[] = {
	T(efault_after_warmup),
	T(syscall_regs_kept_on_fast_paths),
	T(syscall_with_hostile_stack_pointer),
	T(dev_zero_small_reads),
	T(dev_zero_read_into_a_hole),
	T(file_io_into_a_hole),
	T(pread_memory_file),
	T(lseek_memory_file),
	T(write_memory_file),
	T(fallback_blocked_call_and_signals),
	T_SLOW(code_cache_churn),
	{ 0 }
};
