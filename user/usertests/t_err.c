/*
 * t_err.c - error paths and hostile input. Bad pointers (NULL, low, kernel
 * half, non-canonical, straddling an unmapped page) must give EFAULT, not
 * a crash; bad descriptors EBADF; bad arguments EINVAL; and so on. The
 * hostile tests pass anything that does not hurt the kernel, as long as
 * the answer is one Linux could give. System calls are made raw where libc
 * would touch the pointer itself.
 */
#include "ut.h"
#include <limits.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/utsname.h>

#define PG 4096UL
#define NONCANON ((void *)0x8000000000000000UL)
#define TOP_PAGE ((void *)0xfffffffffffff000UL)

static void *const bad_ptrs[] = { (void *)1, (void *)0x1000, KERNEL_PTR, NONCANON, TOP_PAGE };
#define NBAD (sizeof bad_ptrs / sizeof bad_ptrs[0])

static int file_with(const char *data)
{
	int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		FAIL("open: %s", ut_errname(errno));
	if (write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		FAIL("write: %s", ut_errname(errno));
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* A page followed by an unmapped page. */
static char *page_before_hole(void)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		FAIL("mmap: %s", ut_errname(errno));
	if (munmap(p + PG, PG) < 0)
		FAIL("munmap: %s", ut_errname(errno));
	return p;
}

TEST(efault_read)
{
	int fd = file_with("some file data");
	CHECK_ERR(RAW(SYS_read, fd, NULL, 10), EFAULT);
	for (size_t i = 0; i < NBAD; i++)
		CHECK_ERR(RAW(SYS_read, fd, bad_ptrs[i], 10), EFAULT);
	int z = CHECK_OK(open("/dev/zero", O_RDONLY));
	CHECK_ERR(RAW(SYS_read, z, NULL, 16), EFAULT);
	CHECK_ERR(RAW(SYS_read, z, KERNEL_PTR, 16), EFAULT);
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "abc", 3), 3);
	CHECK_ERR(RAW(SYS_read, p[0], KERNEL_PTR, 3), EFAULT);
	/* Read into read-only memory. */
	char *ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	CHECK_ERR(RAW(SYS_read, fd, ro, 10), EFAULT);
	/* The file is unharmed. */
	char buf[4];
	CHECK_EQ(pread(fd, buf, 4, 0), 4);
	CHECK(memcmp(buf, "some", 4) == 0);
}

TEST(efault_write)
{
	int fd = file_with("");
	for (size_t i = 0; i < NBAD; i++)
		CHECK_ERR(RAW(SYS_write, fd, bad_ptrs[i], 10), EFAULT);
	CHECK_ERR(RAW(SYS_write, fd, NULL, 10), EFAULT);
	int p[2];
	CHECK_OK(pipe(p));
	CHECK_ERR(RAW(SYS_write, p[1], (void *)1, 10), EFAULT);
	CHECK_ERR(RAW(SYS_write, p[1], KERNEL_PTR, 10), EFAULT);
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 0);
}

TEST(efault_paths)
{
	struct stat st;
	for (size_t i = 0; i < NBAD; i++) {
		void *b = bad_ptrs[i];
		CHECK_ERR(RAW(SYS_open, b, O_RDONLY), EFAULT);
		CHECK_ERR(RAW(SYS_stat, b, &st), EFAULT);
		CHECK_ERR(RAW(SYS_lstat, b, &st), EFAULT);
		CHECK_ERR(RAW(SYS_access, b, F_OK), EFAULT);
		CHECK_ERR(RAW(SYS_mkdir, b, 0755), EFAULT);
		CHECK_ERR(RAW(SYS_unlink, b), EFAULT);
		CHECK_ERR(RAW(SYS_chdir, b), EFAULT);
		CHECK_ERR(RAW(SYS_rename, b, "x"), EFAULT);
		CHECK_ERR(RAW(SYS_symlink, b, "x"), EFAULT);
		CHECK_ERR(RAW(SYS_readlink, b, &st, 10), EFAULT);
	}
	CHECK_ERR(RAW(SYS_open, NULL, O_RDONLY), EFAULT);
	CHECK_ERR(RAW(SYS_stat, NULL, &st), EFAULT);
	CHECK_ERR(RAW(SYS_openat, AT_FDCWD, KERNEL_PTR, O_RDONLY), EFAULT);
	/* A name that runs into an unmapped page without a NUL. */
	char *p = page_before_hole();
	memset(p, 'a', PG);
	CHECK_ERR(RAW(SYS_open, p + PG - 100, O_RDONLY), EFAULT);
	CHECK_ERR(RAW(SYS_stat, p + PG - 1, &st), EFAULT);
	/* A name that ends just before the hole: copied without touching it
	 * (the copy never crosses into the page after the NUL's). */
	for (size_t back = 10; back <= 40; back += 15) {
		memcpy(p + PG - back, "/dev/null", 10);
		int fd = CHECK_OK(RAW(SYS_open, p + PG - back, O_RDONLY));
		CHECK_OK(close(fd));
		CHECK_OK(RAW(SYS_stat, p + PG - back, &st));
	}
}

TEST(efault_out_structs)
{
	int fd = file_with("x");
	int dfd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	for (size_t i = 0; i < NBAD; i++) {
		void *b = bad_ptrs[i];
		CHECK_ERR(RAW(SYS_fstat, fd, b), EFAULT);
		CHECK_ERR(RAW(SYS_stat, ".", b), EFAULT);
		CHECK_ERR(RAW(SYS_pipe, b), EFAULT);
		CHECK_ERR(RAW(SYS_pipe2, b, 0), EFAULT);
		CHECK_ERR(RAW(SYS_clock_gettime, CLOCK_MONOTONIC, b), EFAULT);
		CHECK_ERR(RAW(SYS_gettimeofday, b, NULL), EFAULT);
		CHECK_ERR(RAW(SYS_uname, b), EFAULT);
		CHECK_ERR(RAW(SYS_getcwd, b, 100), EFAULT);
		CHECK_ERR(RAW(SYS_getrlimit, RLIMIT_NOFILE, b), EFAULT);
		CHECK_ERR(RAW(SYS_rt_sigprocmask, SIG_BLOCK, NULL, b, 8), EFAULT);
		CHECK_ERR(RAW(SYS_getdents64, dfd, b, 4096), EFAULT);
	}
	CHECK_ERR(RAW(SYS_fstat, fd, NULL), EFAULT);
	/* A struct straddling into an unmapped page. */
	char *p = page_before_hole();
	CHECK_ERR(RAW(SYS_fstat, fd, p + PG - 16), EFAULT);
	/* The failed pipe calls left no descriptors behind. */
	CHECK_EQ(dup(0), dfd + 1);
}

TEST(efault_in_structs)
{
	for (size_t i = 0; i < NBAD; i++) {
		void *b = bad_ptrs[i];
		CHECK_ERR(RAW(SYS_rt_sigaction, SIGUSR1, b, NULL, 8), EFAULT);
		CHECK_ERR(RAW(SYS_rt_sigprocmask, SIG_BLOCK, b, NULL, 8), EFAULT);
		CHECK_ERR(RAW(SYS_nanosleep, b, NULL), EFAULT);
		CHECK_ERR(RAW(SYS_poll, b, 1, 0), EFAULT);
		CHECK_ERR(RAW(SYS_writev, 1, b, 1), EFAULT);
		CHECK_ERR(RAW(SYS_setrlimit, RLIMIT_NOFILE, b), EFAULT);
		CHECK_EXEC_ERR(ut_helper("hello"), b, NULL, EFAULT);
	}
	/* An iovec whose buffer is bad. */
	int fd = file_with("");
	struct iovec iov[2] = { { "ok", 2 }, { KERNEL_PTR, 10 } };
	CHECK_ERR(RAW(SYS_writev, fd, &iov[1], 1), EFAULT);
	long r = RAW(SYS_writev, fd, iov, 2);       /* partial or EFAULT */
	CHECK(r == 2 || (r == -1 && errno == EFAULT));
}

TEST(efault_straddle)
{
	/* A buffer that runs into an unmapped page: a short count (at most
	 * what fits; Linux may stop a little early) or EFAULT. */
	char *p = page_before_hole();
	int z = CHECK_OK(open("/dev/zero", O_RDONLY));
	long r = RAW(SYS_read, z, p + PG - 100, 200);
	CHECK((r > 0 && r <= 100) || (r == -1 && errno == EFAULT));
	char *buf = malloc(8192);
	memset(buf, 'q', 8192);
	int fd = file_with("");
	CHECK_EQ(write(fd, buf, 8192), 8192);
	lseek(fd, 0, SEEK_SET);
	r = RAW(SYS_read, fd, p + PG - 1000, 4000);
	CHECK((r > 0 && r <= 1000) || (r == -1 && errno == EFAULT));
	memcpy(p + PG - 10, "0123456789", 10);
	r = RAW(SYS_write, fd, p + PG - 10, 20);
	CHECK((r > 0 && r <= 10) || (r == -1 && errno == EFAULT));
	CHECK(p[PG - 10] == '0');
}

TEST(ebadf_everywhere)
{
	char buf[8];
	struct stat st;
	static const int bad[] = { -1, 12345, 199, INT_MAX, INT_MIN };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int fd = bad[i];
		CHECK_ERR(read(fd, buf, 1), EBADF);
		CHECK_ERR(write(fd, buf, 1), EBADF);
		CHECK_ERR(close(fd), EBADF);
		CHECK_ERR(fstat(fd, &st), EBADF);
		CHECK_ERR(lseek(fd, 0, SEEK_SET), EBADF);
		CHECK_ERR(dup(fd), EBADF);
		CHECK_ERR(fcntl(fd, F_GETFD), EBADF);
		CHECK_ERR(fchdir(fd), EBADF);
		CHECK_ERR(fsync(fd), EBADF);
		CHECK_ERR(ftruncate(fd, 0), EBADF);
		CHECK_ERR(RAW(SYS_getdents64, fd, buf, sizeof buf), EBADF);
		CHECK_ERR(RAW(SYS_pread64, fd, buf, 1, 0), EBADF);
	}
	CHECK_ERR(dup2(-1, 5), EBADF);
	CHECK_ERR(dup2(1, -1), EBADF);
	CHECK_ERR(dup2(1, INT_MAX), EBADF);
	CHECK_ERR(RAW(SYS_openat, 12345, "relative", O_RDONLY), EBADF);
	CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED, 12345, 0), EBADF);
}

TEST(enoent_everywhere)
{
	struct stat st;
	char buf[16];
	CHECK_ERR(open("missing", O_RDONLY), ENOENT);
	CHECK_ERR(stat("missing", &st), ENOENT);
	CHECK_ERR(lstat("missing", &st), ENOENT);
	CHECK_ERR(unlink("missing"), ENOENT);
	CHECK_ERR(rmdir("missing"), ENOENT);
	CHECK_ERR(chdir("missing"), ENOENT);
	CHECK_ERR(rename("missing", "x"), ENOENT);
	CHECK_ERR(link("missing", "x"), ENOENT);
	CHECK_ERR(readlink("missing", buf, sizeof buf), ENOENT);
	CHECK_ERR(access("missing", F_OK), ENOENT);
	CHECK_ERR(chmod("missing", 0644), ENOENT);
	CHECK_ERR(open("", O_RDONLY), ENOENT);
	CHECK_ERR(stat("", &st), ENOENT);
	CHECK_ERR(open("missing/deeper/file", O_RDONLY), ENOENT);
	CHECK_ERR(open("/missing-at-root", O_RDONLY), ENOENT);
}

TEST(einval_arguments)
{
	int fd = file_with("data");
	char buf[16];
	CHECK_ERR(lseek(fd, 0, 99), EINVAL);
	CHECK_ERR(dup3(fd, fd, 0), EINVAL);
	CHECK_ERR(fcntl(fd, 99999), EINVAL);
	CHECK_ERR(RAW(SYS_readlink, "f", buf, 0), EINVAL);
	CHECK_ERR(RAW(SYS_readlink, "f", buf, -1), EINVAL);
	CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
	CHECK_ERR(munmap((void *)1, PG), EINVAL);
	unsigned long set = 0;
	CHECK_ERR(RAW(SYS_rt_sigprocmask, 99, &set, NULL, 8), EINVAL);
	CHECK_ERR(kill(getpid(), 999), EINVAL);
	CHECK_ERR(RAW(SYS_clock_gettime, 999, buf), EINVAL);
	CHECK_ERR(RAW(SYS_pipe2, buf, 0x7777), EINVAL);
	CHECK_ERR(RAW(SYS_wait4, -1, NULL, 0x12340000, NULL), EINVAL);
	CHECK_ERR(RAW(SYS_waitid, 99, 0, NULL, WEXITED, NULL), EINVAL);
	CHECK_ERR(RAW(SYS_poll, NULL, 1UL << 30, 0), EINVAL);
	CHECK_ERR(RAW(SYS_select, -1, NULL, NULL, NULL, NULL), EINVAL);
	CHECK_ERR(RAW(SYS_getrandom, buf, 4, 0xff00), EINVAL);
	CHECK_ERR(RAW(SYS_mprotect, (void *)1, PG, PROT_READ), EINVAL);
	CHECK_ERR(RAW(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 16), EINVAL);
}

TEST(eexist_everywhere)
{
	CHECK_OK(mkdir("d", 0755));
	int fd = file_with("x");
	close(fd);
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	CHECK_ERR(mkdir("f", 0755), EEXIST);
	CHECK_ERR(open("f", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
	CHECK_ERR(open("d", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
	CHECK_ERR(link("f", "f"), EEXIST);
	CHECK_ERR(symlink("x", "f"), EEXIST);
	CHECK_ERR(symlink("x", "d"), EEXIST);
	CHECK_ERR(mkfifo("f", 0644), EEXIST);
}

TEST(hostile_lengths)
{
	int fd = file_with("0123456789");
	char buf[16];
	/* A length that wraps the address space: EFAULT. */
	CHECK_ERR(RAW(SYS_read, fd, buf, (size_t)-1), EFAULT);
	CHECK_ERR(RAW(SYS_write, fd, buf, (size_t)-1), EFAULT);
	/* Huge but inside user space: only the file's 10 bytes come back, or EFAULT. */
	long r = RAW(SYS_read, fd, buf, 1UL << 40);
	CHECK(r == 10 || (r == -1 && errno == EFAULT));
	/* iovecs: too many, negative lengths. */
	struct iovec iov[2] = { { buf, 4 }, { buf, (size_t)-1 } };
	CHECK_ERR(RAW(SYS_readv, fd, iov, 2), EINVAL);
	CHECK_ERR(RAW(SYS_writev, fd, iov, 1025), EINVAL);
	CHECK_ERR(RAW(SYS_writev, fd, iov, -1), EINVAL);
	CHECK_ERR(RAW(SYS_getcwd, buf, 0), ERANGE);
	CHECK_ERR(RAW(SYS_getcwd, buf, 1), ERANGE);
	CHECK_ERR(RAW(SYS_getdents64, CHECK_OK(open(".", O_RDONLY | O_DIRECTORY)), buf, 0), EINVAL);
	/* Paths: too long in total, too long in one component. */
	char *longp = malloc(PATH_MAX + 100);
	memset(longp, 'a', PATH_MAX + 99);
	longp[PATH_MAX + 99] = 0;
	CHECK_ERR(open(longp, O_RDONLY), ENAMETOOLONG);
	longp[300] = 0;
	CHECK_ERR(open(longp, O_RDONLY), ENAMETOOLONG);
	CHECK_EQ(pread(fd, buf, 10, 0), 10);        /* still fine */
}

TEST(hostile_memory_calls)
{
	CHECK_ERR(RAW(SYS_mmap, NULL, 1UL << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
	CHECK_ERR(RAW(SYS_mmap, NULL, (size_t)-PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
	CHECK_ERR(mmap(KERNEL_PTR, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOMEM);
	CHECK_ERR(mmap(TOP_PAGE, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOMEM);
	CHECK_ERR(munmap(KERNEL_PTR, PG), EINVAL);
	CHECK_ERR(munmap(NULL, (size_t)-PG), EINVAL);
	CHECK_ERR(mprotect(KERNEL_PTR, PG, PROT_READ | PROT_WRITE), ENOMEM);
	CHECK_ERR(mremap(KERNEL_PTR, PG, 2 * PG, MREMAP_MAYMOVE), EFAULT);
	CHECK_ERR(madvise(KERNEL_PTR, PG, MADV_DONTNEED), ENOMEM);
	char *cur = (char *)RAW(SYS_brk, 0);
	CHECK((char *)RAW(SYS_brk, KERNEL_PTR) == cur);
	CHECK((char *)RAW(SYS_brk, TOP_PAGE) == cur);
	/* A hint in the kernel half is only a hint. */
	char *p = mmap(KERNEL_PTR, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED && (uintptr_t)p < (uintptr_t)KERNEL_PTR);
	p[0] = 1;
}

TEST(misaligned_pointers)
{
	/* Misaligned but valid user pointers are fine everywhere. */
	static char area[4096] __attribute__((aligned(64)));
	int fd = file_with("misaligned!");
	CHECK_EQ(read(fd, area + 3, 11), 11);
	CHECK(memcmp(area + 3, "misaligned!", 11) == 0);
	CHECK_OK(RAW(SYS_fstat, fd, area + 1));
	struct stat st;
	memcpy(&st, area + 1, sizeof st);
	CHECK_EQ(st.st_size, 11);
	CHECK_OK(RAW(SYS_pipe, area + 5));
	int p[2];
	memcpy(p, area + 5, sizeof p);
	CHECK_EQ(write(p[1], "ab", 2), 2);
	CHECK_OK(RAW(SYS_clock_gettime, CLOCK_MONOTONIC, area + 7));
	CHECK_OK(RAW(SYS_uname, area + 9));
	CHECK_EQ(RAW(SYS_write, p[1], area + 3, 11), 11);
}

static void crash_with_bad_handler(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = (void (*)(int))0x10;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
}

static void crash_with_bad_altstack(void)
{
	stack_t ss = { .ss_sp = (void *)0x10000, .ss_size = 65536, .ss_flags = 0 };
	sigaltstack(&ss, NULL);         /* not mapped: the frame cannot be written */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = (void (*)(int))(void *)crash_with_bad_handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
}

static void crash_with_bad_stack_pointer(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = (void (*)(int))(void *)crash_with_bad_handler;
	sigaction(SIGUSR1, &sa, NULL);
	long pid = getpid();
	/* A signal arrives while %rsp points at nothing. */
	__asm__ volatile(
		"mov %%rsp, %%r12\n\t"
		"xor %%esp, %%esp\n\t"
		"mov $62, %%eax\n\t"        /* kill(pid, SIGUSR1) */
		"syscall\n\t"
		"mov %%r12, %%rsp\n\t"
		:: "D"(pid), "S"((long)SIGUSR1)
		: "rax", "rcx", "r11", "r12", "memory");
}

static void crash_with_garbage_sigreturn(void)
{
	/* rt_sigreturn with no signal frame: a zeroed "frame" restores
	 * %rip = 0, and the process dies of SIGSEGV. */
	static char frame[8192] __attribute__((aligned(16)));
	__asm__ volatile(
		"lea 4096(%0), %%rsp\n\t"
		"mov $15, %%eax\n\t"
		"syscall\n\t"
		"ud2\n\t"
		:: "r"(frame) : "rax", "rcx", "r11", "memory");
}

static void expect_segv_child(void (*fn)(void))
{
	pid_t pid = ut_fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	ut_expect_signal(pid, SIGSEGV);
}

TEST(hostile_signal_frames)
{
	expect_segv_child(crash_with_bad_handler);
	expect_segv_child(crash_with_bad_altstack);
	expect_segv_child(crash_with_bad_stack_pointer);
	expect_segv_child(crash_with_garbage_sigreturn);
}

TEST(hostile_exec_images)
{
	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };
	/* ELF headers that lie: every one fails cleanly or kills only the child. */
	unsigned char elf[128];
	for (int variant = 0; variant < 4; variant++) {
		memset(elf, 0, sizeof elf);
		memcpy(elf, "\x7f" "ELF\x02\x01\x01", 7);
		elf[16] = 2;                    /* ET_EXEC */
		elf[18] = 62;                   /* EM_X86_64 */
		elf[20] = 1;
		elf[24] = 0x00; elf[25] = 0x10; elf[26] = 0x40;     /* e_entry 0x401000 */
		elf[32] = 64;                   /* e_phoff */
		elf[52] = 64;                   /* e_ehsize */
		elf[54] = 56;                   /* e_phentsize */
		elf[56] = 1;                    /* e_phnum */
		unsigned char *ph = elf + 64;   /* one PT_LOAD, 56 bytes (truncated at 64) */
		ph[0] = 1;                      /* PT_LOAD */
		ph[4] = 5;                      /* R+X */
		switch (variant) {
		case 0: elf[56] = 0xff; elf[57] = 0xff; break;     /* 65535 phdrs */
		case 1: elf[32] = 0xf0; elf[33] = 0xff; break;     /* phdrs past EOF */
		case 2:                                            /* a segment in the kernel half */
			ph[16 + 7] = 0xff; ph[16 + 6] = 0xff; ph[16 + 5] = 0x80;
			ph[32] = 0x10; ph[40] = 0x10;
			break;
		case 3:                                            /* file size > memory size */
			ph[16 + 2] = 0x40;
			ph[32 + 2] = 0x10;
			ph[40] = 0x10;
			break;
		}
		char name[16];
		snprintf(name, sizeof name, "elf%d", variant);
		ut_write_file(name, elf, sizeof elf, 0755);
		char path[32];
		snprintf(path, sizeof path, "./%s", name);
		pid_t pid = ut_fork();
		if (pid == 0) {
			execve(path, argv, envp);
			_exit(100);             /* a clean failure */
		}
		int st = ut_wait(pid);
		if (!(WIFEXITED(st) && WEXITSTATUS(st) == 100) && !WIFSIGNALED(st))
			FAIL("%s: %s", name, ut_status_str(st));
	}
}

TEST(hostile_fd_numbers)
{
	CHECK_ERR(fcntl(1, F_DUPFD, INT_MAX), EINVAL);
	CHECK_ERR(fcntl(1, F_DUPFD, -5), EINVAL);
	CHECK_ERR(dup3(1, -3, 0), EBADF);
	struct pollfd pf = { INT_MAX, POLLIN, 0 };
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK_EQ(pf.revents, POLLNVAL);
	CHECK_ERR(close(-100), EBADF);
}

const struct utest ut_err_tests[] = {
	T(efault_read),
	T(efault_write),
	T(efault_paths),
	T(efault_out_structs),
	T(efault_in_structs),
	T(efault_straddle),
	T(ebadf_everywhere),
	T(enoent_everywhere),
	T(einval_arguments),
	T(eexist_everywhere),
	T(hostile_lengths),
	T(hostile_memory_calls),
	T(misaligned_pointers),
	T(hostile_signal_frames),
	T(hostile_exec_images),
	T(hostile_fd_numbers),
	{ 0 }
};
