/*
 * t_rw.c - moving bytes, as kernel/fs/read_write.c does: read and write
 * (small and large), readv/writev/preadv/pwritev and the order of their
 * checks, pread/pwrite, lseek, sparse files.
 * Every test runs in its own empty scratch directory (the cwd).
 */
#include "ut.h"
#include <sys/mman.h>
#include <sys/uio.h>

TEST(read_write_basic)
{
	char buf[1000], back[1000];
	for (int i = 0; i < 1000; i++)
		buf[i] = (char)(i * 13);
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_EQ(write(fd, buf, 1000), 1000);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd, back, 1000), 1000);
	CHECK(memcmp(buf, back, 1000) == 0);
	CHECK_EQ(read(fd, back, 1000), 0);          /* EOF */
	CHECK_EQ(lseek(fd, 990, SEEK_SET), 990);
	CHECK_EQ(read(fd, back, 1000), 10);         /* short read at EOF */
	CHECK_EQ(write(fd, buf, 0), 0);
}

TEST(read_write_large)
{
	size_t len = 3 << 20;
	char *buf = malloc(len), *back = malloc(len);
	CHECK(buf && back);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(i % 253);
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_EQ(ut_write_full(fd, buf, len), len);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(ut_read_full(fd, back, len), len);
	CHECK(memcmp(buf, back, len) == 0);
}

TEST(readv_writev)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	struct iovec w[3] = { { "hello", 5 }, { ", ", 2 }, { "world", 5 } };
	CHECK_EQ(writev(fd, w, 3), 12);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	char a[3], b[4], c[10] = { 0 };
	struct iovec r[3] = { { a, 3 }, { b, 4 }, { c, 10 } };
	CHECK_EQ(readv(fd, r, 3), 12);
	CHECK(memcmp(a, "hel", 3) == 0 && memcmp(b, "lo, ", 4) == 0 && memcmp(c, "world", 5) == 0);
	struct iovec z[2] = { { NULL, 0 }, { "!", 1 } };
	CHECK_EQ(writev(fd, z, 2), 1);
	CHECK_EQ(writev(fd, w, 0), 0);
	CHECK_ERR(writev(fd, w, -1), EINVAL);
	CHECK_ERR(readv(fd, r, 1025), EINVAL);      /* more than UIO_MAXIOV */
}

/*
 * Vectors go to the driver whole, in Linux's order of checks (fdfuzz
 * found each of these different): /dev/null never reads the segments, so
 * a bad one in user space costs nothing; nothing caps a vector at 64 KiB;
 * a bad vector is EFAULT or EINVAL before a descriptor open the wrong way
 * is EBADF; a negative length anywhere is EINVAL before a bad range.
 */
TEST(vectors_as_linux)
{
	static char big[200000];
	char small[256];
	int null = CHECK_OK(open("/dev/null", O_WRONLY));
	int rdonly = CHECK_OK(open("/dev/null", O_RDONLY));
	struct iovec v[3] = { { small, 16 }, { NULL, 144 }, { small, 91 } };
	CHECK_EQ(writev(null, v, 3), 251);
	struct iovec b = { big, sizeof big };
	CHECK_EQ(writev(null, &b, 1), (ssize_t)sizeof big);
	CHECK_EQ(pwritev(null, &b, 1, 4095), (ssize_t)sizeof big);
	struct iovec kern = { (void *)0xffff800000000000ul, 8 };
	CHECK_ERR(writev(rdonly, &kern, 1), EFAULT);
	CHECK_ERR(readv(null, &kern, 1), EFAULT);
	CHECK_ERR(writev(rdonly, v, 1025), EINVAL);
	CHECK_ERR(readv(null, (struct iovec *)0xffff800000000000ul, 1), EFAULT);
	CHECK_ERR(writev(rdonly, v, 1), EBADF);
	CHECK_ERR(writev(rdonly, v, 0), EBADF);
	struct iovec neg[2] = { { (void *)0xffff800000000000ul, 8 }, { small, (size_t)-1 } };
	CHECK_ERR(writev(null, neg, 2), EINVAL);

	/* 200,000 bytes through a pipe in one writev: all of them, in order */
	int p[2];
	CHECK_OK(pipe(p));
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 7 + i / 4096);
	pid_t pid = CHECK_OK(fork());
	if (pid == 0) {
		close(p[1]);
		static char in[sizeof big];
		size_t got = 0;
		ssize_t r;
		while ((r = read(p[0], in + got, sizeof in - got)) > 0)
			got += (size_t)r;
		_exit(got == sizeof big && memcmp(in, big, sizeof big) == 0 ? 0 : 1);
	}
	close(p[0]);
	struct iovec halves[2] = { { big, 70000 }, { big + 70000, sizeof big - 70000 } };
	CHECK_EQ(writev(p[1], halves, 2), (ssize_t)sizeof big);
	close(p[1]);
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* a file: readv stops at the first byte it cannot store */
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK_OK(mprotect(m + 4096, 4096, PROT_NONE));
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT | O_TRUNC, 0644));
	CHECK_EQ(write(fd, big, 1000), 1000);
	struct iovec r2[2] = { { small, 10 }, { m + 4096 - 30, 100 } };
	CHECK_EQ(preadv(fd, r2, 2, 0), 40);
	CHECK(memcmp(m + 4096 - 30, big + 10, 30) == 0);
	CHECK_EQ(pwritev(fd, r2, 2, 2000), 40);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 2040);
	CHECK_OK(munmap(m, 8192));
}

TEST(pread_pwrite)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_EQ(write(fd, "0123456789", 10), 10);
	CHECK_EQ(pwrite(fd, "AB", 2, 3), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);       /* the offset does not move */
	char buf[8] = { 0 };
	CHECK_EQ(pread(fd, buf, 5, 1), 5);
	CHECK(memcmp(buf, "12AB5", 5) == 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
	CHECK_EQ(pread(fd, buf, 5, 100), 0);
	CHECK_ERR(pread(fd, buf, 5, -1), EINVAL);
	CHECK_EQ(pwrite(fd, "Z", 1, 20), 1);        /* extends, with a hole */
	CHECK_EQ(ut_file_size("f"), 21);
	char iv[4];
	struct iovec v = { iv, 4 };
	CHECK_EQ(preadv(fd, &v, 1, 2), 4);
	CHECK(memcmp(iv, "2AB5", 4) == 0);
	CHECK_EQ(pwritev(fd, &v, 1, 0), 4);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
}

TEST(lseek_whence)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_EQ(write(fd, "0123456789", 10), 10);
	CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
	CHECK_EQ(lseek(fd, 3, SEEK_CUR), 5);
	CHECK_EQ(lseek(fd, -1, SEEK_CUR), 4);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 10);
	CHECK_EQ(lseek(fd, -4, SEEK_END), 6);
	char c;
	CHECK_EQ(read(fd, &c, 1), 1);
	CHECK(c == '6');
	CHECK_EQ(lseek(fd, 100, SEEK_END), 110);    /* past EOF is allowed */
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, -200, SEEK_END), EINVAL);
	CHECK_ERR(lseek(fd, 0, 99), EINVAL);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 110);      /* failed seeks change nothing */
}

TEST(sparse_file)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_EQ(lseek(fd, 1 << 20, SEEK_SET), 1 << 20);
	CHECK_EQ(write(fd, "x", 1), 1);
	CHECK_EQ(ut_file_size("f"), (1 << 20) + 1);
	char buf[4096];
	CHECK_EQ(pread(fd, buf, sizeof buf, 4096), 4096);
	for (int i = 0; i < 4096; i++)
		CHECK(buf[i] == 0);
	CHECK_EQ(pread(fd, buf, 2, 1 << 20), 1);
	CHECK(buf[0] == 'x');
}

const struct utest ut_rw_tests[] = {
	T(read_write_basic),
	T(read_write_large),
	T(readv_writev),
	T(vectors_as_linux),
	T(pread_pwrite),
	T(lseek_whence),
	T(sparse_file),
	{ 0 }
};
