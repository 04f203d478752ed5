/*
 * t_file.c - files and directories: open flags (the read/write family
 * and lseek are in t_rw.c), stat family (stat, lstat, newfstatat, statx), getdents64, directory and
 * name operations, links, permissions checks, truncate, cwd, descriptor
 * duplication and fcntl, devices, /tmp and /proc/self.
 * Every test runs in its own empty scratch directory (the cwd).
 */
#include "ut.h"
#include <dirent.h>
#include <pthread.h>
#include <limits.h>
#include <sys/sysmacros.h>

/* The kernel's struct statx (musl 1.2.3 has no wrapper). */
struct k_statx_ts { int64_t tv_sec; uint32_t tv_nsec; int32_t pad; };
struct k_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct k_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
#define K_STATX_BASIC_STATS 0x7ffU
#define K_STATX_SIZE  0x200U
#define K_STATX_MODE  0x2U
#define K_STATX_NLINK 0x4U

struct k_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void touch(const char *path)
{
	ut_write_file(path, "", 0, 0644);
}

TEST(open_creat)
{
	CHECK_ERR(open("f", O_RDONLY), ENOENT);
	int fd = CHECK_OK(open("f", O_WRONLY | O_CREAT, 0640));
	CHECK_EQ(fd, 3);                /* the lowest free descriptor */
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_uid, geteuid());
	/* O_CREAT on an existing file just opens it. */
	int fd2 = CHECK_OK(open("f", O_RDWR | O_CREAT, 0600));
	CHECK_OK(fstat(fd2, &st));
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_ERR(open("nodir/f", O_WRONLY | O_CREAT, 0644), ENOENT);
}

TEST(open_lowest_fd)
{
	int a = CHECK_OK(open("/dev/null", O_RDONLY));
	int b = CHECK_OK(open("/dev/null", O_RDONLY));
	int c = CHECK_OK(open("/dev/null", O_RDONLY));
	CHECK(a == 3 && b == 4 && c == 5);
	CHECK_OK(close(b));
	CHECK_EQ(open("/dev/null", O_RDONLY), 4);
	CHECK_OK(close(a));
	CHECK_EQ(dup(c), 3);
}

TEST(open_excl)
{
	touch("f");
	CHECK_ERR(open("f", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_OK(symlink("nowhere", "dangling"));
	CHECK_ERR(open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_OK(open("g", O_WRONLY | O_CREAT | O_EXCL, 0644));
	CHECK_OK(access("g", F_OK));
}

TEST(open_trunc)
{
	ut_write_file("f", "0123456789", 10, 0644);
	int fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_OK(close(fd));
	CHECK_EQ(ut_file_size("f"), 10);
	fd = CHECK_OK(open("f", O_WRONLY | O_TRUNC));
	CHECK_EQ(ut_file_size("f"), 0);
	CHECK_EQ(write(fd, "ab", 2), 2);
	CHECK_EQ(ut_file_size("f"), 2);
}

TEST(open_append)
{
	ut_write_file("f", "start", 5, 0644);
	int fd = CHECK_OK(open("f", O_WRONLY | O_APPEND));
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "+1", 2), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 7);
	CHECK_EQ(lseek(fd, 1, SEEK_SET), 1);
	CHECK_EQ(pwrite(fd, "+2", 2, 0), 2);     /* Linux: O_APPEND wins over pwrite */
	char buf[16] = { 0 };
	CHECK_EQ(ut_read_file("f", buf, sizeof buf), 9);
	CHECK(memcmp(buf, "start+1+2", 9) == 0);
}

TEST(open_directory_flag)
{
	touch("f");
	CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_OK(mkdir("d", 0755));
	int fd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_ERR(open("d", O_WRONLY), EISDIR);
	CHECK_ERR(open("d", O_RDWR), EISDIR);
	CHECK_ERR(open("f/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("f/", O_RDONLY), ENOTDIR);
}

TEST(open_nofollow)
{
	touch("target");
	CHECK_OK(symlink("target", "link"));
	CHECK_ERR(open("link", O_RDONLY | O_NOFOLLOW), ELOOP);
	CHECK_OK(open("target", O_RDONLY | O_NOFOLLOW));
	CHECK_OK(open("link", O_RDONLY));
}

TEST(open_cloexec_flag)
{
	int fd = CHECK_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	int fd2 = CHECK_OK(open("/dev/null", O_RDONLY));
	CHECK_EQ(fcntl(fd2, F_GETFD), 0);
}

TEST(open_umask)
{
	umask(027);
	int fd = CHECK_OK(open("f", O_WRONLY | O_CREAT, 0777));
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_mode & 0777, 0750);
	CHECK_OK(mkdir("d", 0777));
	CHECK_OK(stat("d", &st));
	CHECK_EQ(st.st_mode & 0777, 0750);
	CHECK_EQ(umask(022), 027);
}

TEST(open_access_mode)
{
	ut_write_file("f", "data", 4, 0644);
	char c;
	int r = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(write(r, "x", 1), EBADF);
	int w = CHECK_OK(open("f", O_WRONLY));
	CHECK_ERR(read(w, &c, 1), EBADF);
	int rw = CHECK_OK(open("f", O_RDWR));
	CHECK_EQ(read(rw, &c, 1), 1);
	CHECK_EQ(write(rw, "X", 1), 1);
}

TEST(open_name_too_long)
{
	char name[400];
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = 0;
	CHECK_ERR(open(name, O_RDONLY | O_CREAT, 0644), ENAMETOOLONG);
	name[255] = 0;          /* NAME_MAX is fine */
	CHECK_OK(open(name, O_RDONLY | O_CREAT, 0644));
}

TEST(openat_dirfd)
{
	CHECK_OK(mkdir("d", 0755));
	int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	int fd = CHECK_OK(openat(dfd, "x", O_WRONLY | O_CREAT, 0644));
	CHECK_EQ(write(fd, "hi", 2), 2);
	CHECK_EQ(ut_file_size("d/x"), 2);
	CHECK_OK(openat(AT_FDCWD, "d/x", O_RDONLY));
	touch("plain");
	int ffd = CHECK_OK(open("plain", O_RDONLY));
	CHECK_ERR(openat(ffd, "x", O_RDONLY), ENOTDIR);
	CHECK_ERR(openat(-5, "x", O_RDONLY), EBADF);
	/* An absolute path ignores the dirfd. */
	CHECK_OK(openat(ffd, "/dev/null", O_RDONLY));
}

TEST(fstat_fields)
{
	ut_write_file("f", "12345", 5, 0640);
	int fd = CHECK_OK(open("f", O_RDONLY));
	struct stat a, b;
	CHECK_OK(fstat(fd, &a));
	CHECK_OK(stat("f", &b));
	CHECK(S_ISREG(a.st_mode));
	CHECK_EQ(a.st_mode & 07777, 0640);
	CHECK_EQ(a.st_size, 5);
	CHECK_EQ(a.st_nlink, 1);
	CHECK(a.st_blksize > 0);
	CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	CHECK(a.st_uid == geteuid() && a.st_gid == getegid());
	CHECK(a.st_mtim.tv_sec > 1500000000);
	CHECK(a.st_mtim.tv_nsec >= 0 && a.st_mtim.tv_nsec < 1000000000);
	struct stat dir;
	CHECK_OK(stat(".", &dir));
	CHECK(a.st_dev == dir.st_dev && a.st_ino != dir.st_ino);
}

TEST(stat_dir_nlink)
{
	CHECK_OK(mkdir("d", 0755));
	struct stat st;
	CHECK_OK(stat("d", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_nlink, 2);                   /* "d" and "d/." */
	CHECK_OK(mkdir("d/sub", 0755));
	CHECK_OK(stat("d", &st));
	CHECK_EQ(st.st_nlink, 3);                   /* plus "d/sub/.." */
	CHECK_OK(rmdir("d/sub"));
	CHECK_OK(stat("d", &st));
	CHECK_EQ(st.st_nlink, 2);
}

TEST(lstat_symlink)
{
	ut_write_file("target", "abc", 3, 0644);
	CHECK_OK(symlink("target", "link"));
	struct stat l, s, t;
	CHECK_OK(lstat("link", &l));
	CHECK(S_ISLNK(l.st_mode));
	CHECK_EQ(l.st_size, 6);                     /* strlen("target") */
	CHECK_OK(stat("link", &s));
	CHECK_OK(stat("target", &t));
	CHECK(S_ISREG(s.st_mode) && s.st_ino == t.st_ino && s.st_size == 3);
	CHECK(l.st_ino != t.st_ino);
	CHECK_OK(lstat("target", &l));
	CHECK(S_ISREG(l.st_mode));
}

TEST(newfstatat_flags)
{
	ut_write_file("f", "xyz", 3, 0644);
	CHECK_OK(symlink("f", "l"));
	struct stat st;
	CHECK_OK(RAW(SYS_newfstatat, AT_FDCWD, "l", &st, AT_SYMLINK_NOFOLLOW));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_OK(RAW(SYS_newfstatat, AT_FDCWD, "l", &st, 0));
	CHECK(S_ISREG(st.st_mode) && st.st_size == 3);
	int fd = CHECK_OK(open("f", O_RDONLY));
	memset(&st, 0, sizeof st);
	CHECK_OK(RAW(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH));
	CHECK(S_ISREG(st.st_mode) && st.st_size == 3);
	int dfd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_OK(RAW(SYS_newfstatat, dfd, "f", &st, 0));
	CHECK_EQ(st.st_size, 3);
	CHECK_ERR(RAW(SYS_newfstatat, AT_FDCWD, "", &st, 0), ENOENT);
	CHECK_ERR(RAW(SYS_newfstatat, AT_FDCWD, "f", &st, 0x12345678), EINVAL);
}

TEST(statx_fields)
{
	ut_write_file("f", "0123456789", 10, 0604);
	struct k_statx sx;
	memset(&sx, 0xee, sizeof sx);
	CHECK_OK(RAW(SYS_statx, AT_FDCWD, "f", 0, K_STATX_BASIC_STATS, &sx));
	CHECK((sx.stx_mask & (K_STATX_SIZE | K_STATX_MODE | K_STATX_NLINK)) ==
	      (K_STATX_SIZE | K_STATX_MODE | K_STATX_NLINK));
	CHECK_EQ(sx.stx_size, 10);
	CHECK(S_ISREG(sx.stx_mode));
	CHECK_EQ(sx.stx_mode & 07777, 0604);
	CHECK_EQ(sx.stx_nlink, 1);
	struct stat st;
	CHECK_OK(stat("f", &st));
	CHECK(sx.stx_ino == st.st_ino);
	CHECK(sx.stx_uid == st.st_uid && sx.stx_gid == st.st_gid);
	CHECK(sx.stx_mtime.tv_sec == st.st_mtim.tv_sec);
	CHECK(makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev);
	CHECK_OK(symlink("f", "l"));
	CHECK_OK(RAW(SYS_statx, AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW, K_STATX_BASIC_STATS, &sx));
	CHECK(S_ISLNK(sx.stx_mode));
	CHECK_ERR(RAW(SYS_statx, AT_FDCWD, "missing", 0, K_STATX_BASIC_STATS, &sx), ENOENT);
}

static int list_dir(const char *path, char **names, unsigned char *types, int max)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		FAIL("open %s: %s", path, ut_errname(errno));
	char buf[256] __attribute__((aligned(8)));      /* small: several calls */
	int n = 0;
	for (;;) {
		long got = RAW(SYS_getdents64, fd, buf, sizeof buf);
		if (got < 0)
			FAIL("getdents64: %s", ut_errname(errno));
		if (got == 0)
			break;
		for (long off = 0; off < got;) {
			struct k_dirent64 *d = (struct k_dirent64 *)(buf + off);
			CHECK(d->d_reclen > 0 && d->d_reclen % 8 == 0 && off + d->d_reclen <= got);
			CHECK(n < max);
			names[n] = strdup(d->d_name);
			types[n] = d->d_type;
			n++;
			off += d->d_reclen;
		}
	}
	CHECK_EQ(RAW(SYS_getdents64, fd, buf, sizeof buf), 0);     /* stays at the end */
	close(fd);
	return n;
}

TEST(getdents64_list)
{
	CHECK_OK(mkdir("d", 0755));
	touch("d/bravo");
	touch("d/alpha");
	touch("d/charlie");
	CHECK_OK(mkdir("d/sub", 0755));
	CHECK_OK(symlink("alpha", "d/link"));
	char *names[16];
	unsigned char types[16];
	int n = list_dir("d", names, types, 16);
	CHECK_EQ(n, 7);
	for (int i = 0; i < n; i++) {
		const char *nm = names[i];
		int want = !strcmp(nm, "sub") || !strcmp(nm, ".") || !strcmp(nm, "..") ? DT_DIR :
			   !strcmp(nm, "link") ? DT_LNK : DT_REG;
		if (types[i] != want)
			FAIL("d_type of %s: %d, want %d", nm, types[i], want);
	}
	qsort(names, n, sizeof names[0], ut_strcmp_p);
	static const char *want[] = { ".", "..", "alpha", "bravo", "charlie", "link", "sub" };
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], want[i]))
			FAIL("entry %d: %s, want %s", i, names[i], want[i]);
}

TEST(getdents64_many)
{
	CHECK_OK(mkdir("d", 0755));
	char path[64];
	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof path, "d/file-with-a-longer-name-%03d", i);
		touch(path);
	}
	static char *names[400];
	static unsigned char types[400];
	int n = list_dir("d", names, types, 400);
	CHECK_EQ(n, 302);
	qsort(names, n, sizeof names[0], ut_strcmp_p);
	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof path, "file-with-a-longer-name-%03d", i);
		CHECK(strcmp(names[i + 2], path) == 0);
	}
	/* readdir (libc over getdents64) agrees. */
	DIR *d = opendir("d");
	CHECK(d);
	int count = 0;
	while (readdir(d))
		count++;
	closedir(d);
	CHECK_EQ(count, 302);
}

TEST(getdents64_errors)
{
	touch("f");
	int fd = CHECK_OK(open("f", O_RDONLY));
	char buf[512];
	CHECK_ERR(RAW(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
	int dfd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_ERR(RAW(SYS_getdents64, dfd, buf, 1), EINVAL);       /* too small for one entry */
	CHECK_ERR(RAW(SYS_getdents64, 999, buf, sizeof buf), EBADF);
}

TEST(mkdir_rmdir)
{
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	touch("f");
	CHECK_ERR(mkdir("f", 0755), EEXIST);
	CHECK_ERR(mkdir("missing/d", 0755), ENOENT);
	CHECK_ERR(mkdir("f/d", 0755), ENOTDIR);
	CHECK_OK(mkdir("d/e", 0700));
	CHECK_ERR(rmdir("d"), ENOTEMPTY);
	CHECK_OK(rmdir("d/e"));
	CHECK_OK(rmdir("d"));
	struct stat st;
	CHECK_ERR(stat("d", &st), ENOENT);
	CHECK_ERR(rmdir("d"), ENOENT);
	CHECK_ERR(rmdir("f"), ENOTDIR);
	CHECK_OK(mkdir("d2", 0755));
	CHECK_ERR(rmdir("d2/."), EINVAL);
}

TEST(unlink_basic)
{
	touch("f");
	CHECK_OK(unlink("f"));
	CHECK_ERR(access("f", F_OK), ENOENT);
	CHECK_ERR(unlink("f"), ENOENT);
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(unlink("d"), EISDIR);
	CHECK_OK(symlink("d", "l"));
	CHECK_OK(unlink("l"));                      /* removes the link, not the dir */
	CHECK_OK(access("d", F_OK));
	CHECK_OK(unlinkat(AT_FDCWD, "d", AT_REMOVEDIR));
	CHECK_ERR(access("d", F_OK), ENOENT);
}

TEST(unlink_open_file)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_EQ(write(fd, "still here", 10), 10);
	CHECK_OK(unlink("f"));
	CHECK_ERR(open("f", O_RDONLY), ENOENT);
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(st.st_size, 10);
	char buf[16] = { 0 };
	CHECK_EQ(pread(fd, buf, sizeof buf, 0), 10);
	CHECK(memcmp(buf, "still here", 10) == 0);
	CHECK_EQ(write(fd, "!", 1), 1);
}

TEST(rename_file)
{
	ut_write_file("a", "A", 1, 0644);
	ut_write_file("b", "BB", 2, 0644);
	struct stat sa;
	CHECK_OK(stat("a", &sa));
	CHECK_OK(rename("a", "c"));
	CHECK_ERR(access("a", F_OK), ENOENT);
	struct stat sc;
	CHECK_OK(stat("c", &sc));
	CHECK(sc.st_ino == sa.st_ino);
	CHECK_OK(rename("c", "b"));                 /* replaces b */
	CHECK_EQ(ut_file_size("b"), 1);
	CHECK_ERR(access("c", F_OK), ENOENT);
	CHECK_OK(rename("b", "b"));                 /* same name: nothing happens */
	CHECK_EQ(ut_file_size("b"), 1);
	CHECK_ERR(rename("missing", "x"), ENOENT);
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(rename("b", "d/b"));
	CHECK_EQ(ut_file_size("d/b"), 1);
}

TEST(rename_dir)
{
	CHECK_OK(mkdir("d", 0755));
	touch("d/f");
	CHECK_OK(rename("d", "e"));
	CHECK_OK(access("e/f", F_OK));
	CHECK_OK(mkdir("full", 0755));
	touch("full/x");
	CHECK_ERR(rename("e", "full"), ENOTEMPTY);
	CHECK_OK(mkdir("empty", 0755));
	CHECK_OK(rename("e", "empty"));             /* onto an empty dir */
	CHECK_OK(access("empty/f", F_OK));
	touch("file");
	CHECK_ERR(rename("file", "empty"), EISDIR);
	CHECK_ERR(rename("empty", "file"), ENOTDIR);
	CHECK_OK(mkdir("empty/sub", 0755));
	CHECK_ERR(rename("empty", "empty/sub/x"), EINVAL);  /* into itself */
}

TEST(renameat2_noreplace)
{
	ut_write_file("a", "A", 1, 0644);
	ut_write_file("b", "BB", 2, 0644);
	CHECK_ERR(RAW(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "b", 1 /* RENAME_NOREPLACE */), EEXIST);
	CHECK_EQ(ut_file_size("b"), 2);
	CHECK_OK(RAW(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "c", 1));
	CHECK_EQ(ut_file_size("c"), 1);
	CHECK_ERR(access("a", F_OK), ENOENT);
	CHECK_OK(RAW(SYS_renameat2, AT_FDCWD, "c", AT_FDCWD, "b", 0));
	CHECK_EQ(ut_file_size("b"), 1);
	CHECK_ERR(RAW(SYS_renameat2, AT_FDCWD, "b", AT_FDCWD, "x", 0x80000000U), EINVAL);
}

TEST(link_count)
{
	ut_write_file("a", "data", 4, 0644);
	CHECK_OK(link("a", "b"));
	struct stat sa, sb;
	CHECK_OK(stat("a", &sa));
	CHECK_OK(stat("b", &sb));
	CHECK(sa.st_ino == sb.st_ino);
	CHECK_EQ(sa.st_nlink, 2);
	CHECK_ERR(link("a", "b"), EEXIST);
	CHECK_ERR(link("missing", "c"), ENOENT);
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(link("d", "d2"), EPERM);          /* no hard links to directories */
	CHECK_OK(unlink("a"));
	CHECK_OK(stat("b", &sb));
	CHECK_EQ(sb.st_nlink, 1);
	char buf[8] = { 0 };
	CHECK_EQ(ut_read_file("b", buf, sizeof buf), 4);
	CHECK(memcmp(buf, "data", 4) == 0);
}

TEST(symlink_readlink)
{
	CHECK_OK(symlink("some/target", "l"));
	char buf[64];
	memset(buf, 'X', sizeof buf);
	CHECK_EQ(readlink("l", buf, sizeof buf), 11);
	CHECK(memcmp(buf, "some/target", 11) == 0);
	CHECK(buf[11] == 'X');                      /* no NUL added */
	CHECK_EQ(readlink("l", buf, 4), 4);         /* truncated silently */
	CHECK(memcmp(buf, "some", 4) == 0);
	CHECK_ERR(symlink("x", "l"), EEXIST);
	touch("f");
	CHECK_ERR(readlink("f", buf, sizeof buf), EINVAL);
	CHECK_ERR(readlink("missing", buf, sizeof buf), ENOENT);
	CHECK_ERR(open("l", O_RDONLY), ENOENT);     /* dangling */
	CHECK_OK(readlinkat(AT_FDCWD, "l", buf, sizeof buf));
}

TEST(symlink_resolution)
{
	CHECK_OK(mkdir("d", 0755));
	ut_write_file("d/f", "via", 3, 0644);
	CHECK_OK(symlink("d", "ld"));
	CHECK_OK(symlink("ld/f", "lf"));            /* a chain through a dir link */
	char buf[8] = { 0 };
	CHECK_EQ(ut_read_file("ld/f", buf, sizeof buf), 3);
	CHECK_EQ(ut_read_file("lf", buf, sizeof buf), 3);
	CHECK(memcmp(buf, "via", 3) == 0);
	char abs[PATH_MAX];
	CHECK(getcwd(abs, sizeof abs - 8));
	strcat(abs, "/d/f");
	CHECK_OK(symlink(abs, "labs"));
	CHECK_EQ(ut_read_file("labs", buf, sizeof buf), 3);
	CHECK_OK(symlink("loop2", "loop1"));
	CHECK_OK(symlink("loop1", "loop2"));
	CHECK_ERR(open("loop1", O_RDONLY), ELOOP);
	struct stat st;
	CHECK_ERR(stat("loop1", &st), ELOOP);
	CHECK_OK(lstat("loop1", &st));
}

TEST(access_faccessat)
{
	ut_write_file("f", "x", 1, 0644);
	CHECK_OK(access("f", F_OK));
	CHECK_OK(access("f", R_OK | W_OK));
	CHECK_ERR(access("f", X_OK), EACCES);       /* no x bit at all: even root */
	CHECK_ERR(access("missing", F_OK), ENOENT);
	CHECK_ERR(access("f", 0x100), EINVAL);
	ut_write_file("x", "x", 1, 0755);
	CHECK_OK(access("x", X_OK));
	CHECK_OK(faccessat(AT_FDCWD, "x", R_OK | X_OK, 0));
	ut_write_file("ro", "x", 1, 0444);
	if (geteuid() == 0)
		CHECK_OK(access("ro", W_OK));           /* root may write anyway */
	else
		CHECK_ERR(access("ro", W_OK), EACCES);
	int dfd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_OK(faccessat(dfd, "f", R_OK, 0));
	CHECK_OK(access(".", X_OK));
}

TEST(chmod_fchmod)
{
	ut_write_file("f", "x", 1, 0644);
	struct stat st;
	CHECK_OK(chmod("f", 0600));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode, S_IFREG | 0600);
	int fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_OK(fchmod(fd, 04751));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_mode, S_IFREG | 04751);
	CHECK_OK(symlink("f", "l"));
	CHECK_OK(chmod("l", 0640));                 /* follows the link */
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_OK(fchmodat(AT_FDCWD, "f", 0604, 0));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode & 07777, 0604);
	CHECK_ERR(chmod("missing", 0644), ENOENT);
}

TEST(ftruncate_grow_shrink)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	char buf[8192];
	memset(buf, 'a', 100);
	CHECK_EQ(write(fd, buf, 100), 100);
	CHECK_OK(ftruncate(fd, 8192));
	CHECK_EQ(ut_file_size("f"), 8192);
	CHECK_EQ(pread(fd, buf, sizeof buf, 0), 8192);
	CHECK(buf[99] == 'a');
	for (int i = 100; i < 8192; i++)
		if (buf[i])
			FAIL("grown area not zero at %d", i);
	CHECK_OK(ftruncate(fd, 10));
	CHECK_EQ(ut_file_size("f"), 10);
	CHECK_EQ(pread(fd, buf, sizeof buf, 0), 10);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 100);      /* the offset is not clamped */
	CHECK_OK(ftruncate(fd, 4000));              /* shrink then grow: zeros again */
	CHECK_EQ(pread(fd, buf, sizeof buf, 0), 4000);
	CHECK(buf[9] == 'a' && buf[10] == 0 && buf[99] == 0);
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	int ro = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(ftruncate(ro, 0), EINVAL);
	CHECK_OK(truncate("f", 3));
	CHECK_EQ(ut_file_size("f"), 3);
	CHECK_ERR(truncate("missing", 0), ENOENT);
}

TEST(chdir_getcwd)
{
	char start[PATH_MAX], buf[PATH_MAX];
	CHECK(getcwd(start, sizeof start) == start);
	CHECK(start[0] == '/');
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(chdir("d"));
	CHECK(getcwd(buf, sizeof buf) == buf);
	CHECK(strlen(buf) == strlen(start) + 2 && strncmp(buf, start, strlen(start)) == 0);
	CHECK(strcmp(buf + strlen(start), "/d") == 0);
	CHECK_OK(chdir(".."));
	CHECK(getcwd(buf, sizeof buf) && strcmp(buf, start) == 0);
	int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	CHECK_OK(fchdir(dfd));
	CHECK(getcwd(buf, sizeof buf) && strcmp(buf + strlen(start), "/d") == 0);
	touch("f");
	CHECK_ERR(chdir("f"), ENOTDIR);
	CHECK_ERR(chdir("missing"), ENOENT);
	int ffd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(fchdir(ffd), ENOTDIR);
	CHECK(getcwd(buf, 2) == NULL && errno == ERANGE);
	/* The raw syscall returns the length including the NUL. */
	CHECK_EQ(RAW(SYS_getcwd, buf, sizeof buf), (long)strlen(start) + 3);
	CHECK_OK(chdir("/"));
	CHECK(getcwd(buf, sizeof buf) && strcmp(buf, "/") == 0);
}

TEST(dup_shares_offset)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	int d = CHECK_OK(dup(fd));
	CHECK_EQ(d, fd + 1);
	CHECK_EQ(write(fd, "abc", 3), 3);
	CHECK_EQ(lseek(d, 0, SEEK_CUR), 3);
	CHECK_EQ(write(d, "def", 3), 3);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
	int other = CHECK_OK(open("f", O_RDONLY));
	CHECK_EQ(lseek(other, 0, SEEK_CUR), 0);     /* a separate open has its own */
	CHECK_OK(close(fd));
	CHECK_EQ(write(d, "g", 1), 1);              /* the dup keeps the file open */
	CHECK_EQ(ut_file_size("f"), 7);
}

/*
 * A descriptor that has been /dev/null and then is pointed elsewhere must
 * write to the new file. (On synthos, writes to /dev/null are synthesized
 * per thread after the first one; dup2, dup3 and close are the events that
 * must unlink that code. On Linux this is plain semantics.)
 */
TEST(devnull_write_then_redirect)
{
	int fd = CHECK_OK(open("/dev/null", O_WRONLY));
	for (int i = 0; i < 5; i++)
		CHECK_EQ(write(fd, "zz", 2), 2);
	CHECK_ERR(RAW(SYS_write, fd, (void *)0xffff800000000000UL, 1), EFAULT);
	CHECK_EQ(RAW(SYS_write, fd, NULL, 0), 0);
	int file = CHECK_OK(open("redir", O_RDWR | O_CREAT | O_TRUNC, 0644));
	CHECK_EQ(dup2(file, fd), fd);                  /* fd now names the file */
	CHECK_EQ(write(fd, "abc", 3), 3);
	CHECK_EQ(dup3(file, fd, O_CLOEXEC), fd);
	CHECK_EQ(write(fd, "de", 2), 2);
	char buf[8] = { 0 };
	CHECK_EQ(pread(file, buf, sizeof(buf), 0), 5);
	CHECK(memcmp(buf, "abcde", 5) == 0);
	CHECK_OK(close(fd));
	CHECK_ERR(write(fd, "x", 1), EBADF);           /* closed: not swallowed */
	int again = CHECK_OK(open("/dev/null", O_WRONLY));
	CHECK_EQ(write(again, "y", 1), 1);
	close(again);
	close(file);
	unlink("redir");
}

/*
 * Threads share the descriptor table: a descriptor another thread closes
 * or re-points is gone for this one too. (On synthos the writing thread's
 * synthesized /dev/null write must be unlinked by the other thread's
 * close and dup2.)
 */
static int shared_fd;
static int shared_file;

static void *close_shared(void *arg)
{
	(void)arg;
	close(shared_fd);
	return NULL;
}

static void *redirect_shared(void *arg)
{
	(void)arg;
	dup2(shared_file, shared_fd);
	return NULL;
}

TEST(devnull_changed_by_other_thread)
{
	pthread_t t;
	shared_fd = CHECK_OK(open("/dev/null", O_WRONLY));
	for (int i = 0; i < 3; i++)
		CHECK_EQ(write(shared_fd, "a", 1), 1);
	CHECK_EQ(pthread_create(&t, NULL, close_shared, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_ERR(write(shared_fd, "b", 1), EBADF);

	shared_fd = CHECK_OK(open("/dev/null", O_WRONLY));
	for (int i = 0; i < 3; i++)
		CHECK_EQ(write(shared_fd, "c", 1), 1);
	shared_file = CHECK_OK(open("shared", O_RDWR | O_CREAT | O_TRUNC, 0644));
	CHECK_EQ(pthread_create(&t, NULL, redirect_shared, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(write(shared_fd, "xyz", 3), 3);        /* to the file now */
	char buf[8] = { 0 };
	CHECK_EQ(pread(shared_file, buf, sizeof(buf), 0), 3);
	CHECK(memcmp(buf, "xyz", 3) == 0);
	close(shared_fd);
	close(shared_file);
	unlink("shared");
}

/* Count of live synthesized regions, or -1 without /proc/synth (Linux). */
static long synth_regions(void)
{
	FILE *f = fopen("/proc/synth/regions", "r");
	if (!f)
		return -1;
	char line[512];
	long n = 0;
	while (fgets(line, sizeof(line), f))
		if (line[0] >= '0' && line[0] <= '9')
			n++;
	fclose(f);
	return n;
}

/* Open, write, close /dev/null n times: every round synthesizes a write
 * for the new descriptor on synthos (at its third write: the kernel counts
 * two first, synth/synth.c SYNTH_FD_WAIT), runs it once, and close retires
 * it; the live regions must come back to where they started (no code-cache
 * leak), and n regions must have been made. */
void devnull_churn(int n)
{
	/* A warm-up round: the thread's first synthesized write also links
	 * the per-descriptor switch for write(2), which stays. */
	int fd0 = open("/dev/null", O_WRONLY);
	CHECK(fd0 >= 0);
	for (int k = 0; k < 4; k++)
		CHECK_EQ(write(fd0, "x", 1), 1);
	CHECK_OK(close(fd0));
	long before = synth_regions(), made0 = ut_synth_regions_made();
	for (int i = 0; i < n; i++) {
		int fd = open("/dev/null", O_WRONLY);
		CHECK(fd >= 0);
		for (int k = 0; k < 4; k++)
			CHECK_EQ(write(fd, "xyz", 1 + k % 3), 1 + k % 3);
		CHECK_OK(close(fd));
	}
	long after = synth_regions(), made = ut_synth_regions_made();
	CHECK_EQ(after, before);
	if (made >= 0 && made - made0 < n)
		FAIL("%ld regions made in %d rounds (want one a round)", made - made0, n);
}

TEST(devnull_churn_2k) { devnull_churn(2000); }

TEST(dup2_dup3)
{
	int fd = CHECK_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
	CHECK_EQ(dup2(fd, 20), 20);
	CHECK_EQ(fcntl(20, F_GETFD), 0);            /* dup2 clears close-on-exec */
	CHECK_EQ(dup2(fd, fd), fd);                 /* same fd: a no-op */
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	int z = CHECK_OK(open("/dev/zero", O_RDONLY));
	CHECK_EQ(dup2(z, 20), 20);                  /* closes the old 20 silently */
	char c = 1;
	CHECK_EQ(read(20, &c, 1), 1);
	CHECK(c == 0);
	CHECK_ERR(dup2(99, 21), EBADF);
	/* Raw dup3: musl checks some of this itself. */
	CHECK_ERR(RAW(SYS_dup3, fd, fd, 0), EINVAL);
	CHECK_ERR(RAW(SYS_dup3, fd, fd, O_CLOEXEC), EINVAL);
	CHECK_EQ(RAW(SYS_dup3, fd, 22, O_CLOEXEC), 22);
	CHECK_EQ(fcntl(22, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(RAW(SYS_dup3, fd, 22, 0), 22);     /* replaces, without the flag */
	CHECK_EQ(fcntl(22, F_GETFD), 0);
	CHECK_ERR(RAW(SYS_dup3, fd, 23, 0x1234), EINVAL);
	CHECK_ERR(dup(99), EBADF);
}

TEST(fcntl_dupfd)
{
	int fd = CHECK_OK(open("/dev/null", O_RDONLY));
	CHECK_EQ(fcntl(fd, F_DUPFD, 30), 30);
	CHECK_EQ(fcntl(fd, F_DUPFD, 30), 31);       /* lowest free >= arg */
	CHECK_EQ(fcntl(30, F_GETFD), 0);
	CHECK_EQ(fcntl(fd, F_DUPFD_CLOEXEC, 30), 32);
	CHECK_EQ(fcntl(32, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(fd, F_DUPFD, 0), fd + 1);
	CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
}

TEST(fcntl_fd_flags)
{
	int fd = CHECK_OK(open("/dev/null", O_RDONLY));
	CHECK_EQ(fcntl(fd, F_GETFD), 0);
	CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_OK(fcntl(fd, F_SETFD, 0));
	CHECK_EQ(fcntl(fd, F_GETFD), 0);
	CHECK_ERR(fcntl(99, F_GETFD), EBADF);
	CHECK_ERR(fcntl(fd, 9999), EINVAL);
}

TEST(fcntl_fl_flags)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT | O_APPEND, 0644));
	int fl = CHECK_OK(fcntl(fd, F_GETFL));
	CHECK_EQ(fl & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR | O_APPEND);
	CHECK_OK(fcntl(fd, F_SETFL, O_NONBLOCK));   /* clears O_APPEND */
	fl = CHECK_OK(fcntl(fd, F_GETFL));
	CHECK_EQ(fl & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR | O_NONBLOCK);
	CHECK_OK(fcntl(fd, F_SETFL, O_WRONLY | O_APPEND));  /* access mode cannot change */
	fl = CHECK_OK(fcntl(fd, F_GETFL));
	CHECK_EQ(fl & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR | O_APPEND);
	int ro = CHECK_OK(open("f", O_RDONLY));
	CHECK_EQ(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY);
	int d = CHECK_OK(dup(fd));                  /* status flags live in the open file */
	CHECK(fcntl(d, F_GETFL) & O_APPEND);
}

TEST(dev_null)
{
	int fd = CHECK_OK(open("/dev/null", O_RDWR));
	char buf[16];
	CHECK_EQ(read(fd, buf, sizeof buf), 0);
	CHECK_EQ(write(fd, "discard", 7), 7);
	CHECK_EQ(write(fd, buf, 0), 0);
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISCHR(st.st_mode));
	CHECK(major(st.st_rdev) == 1 && minor(st.st_rdev) == 3);
}

TEST(dev_zero)
{
	int fd = CHECK_OK(open("/dev/zero", O_RDWR));
	char buf[10000];
	memset(buf, 'x', sizeof buf);
	CHECK_EQ(read(fd, buf, sizeof buf), (long)sizeof buf);
	for (size_t i = 0; i < sizeof buf; i++)
		if (buf[i])
			FAIL("/dev/zero gave a non-zero byte");
	CHECK_EQ(write(fd, "x", 1), 1);
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISCHR(st.st_mode));
	CHECK(major(st.st_rdev) == 1 && minor(st.st_rdev) == 5);
}

TEST(dev_full)
{
	int fd = CHECK_OK(open("/dev/full", O_RDWR));
	CHECK_ERR(write(fd, "x", 1), ENOSPC);
	char buf[64];
	memset(buf, 'x', sizeof buf);
	CHECK_EQ(read(fd, buf, sizeof buf), 64);
	CHECK(buf[0] == 0 && buf[63] == 0);
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK(major(st.st_rdev) == 1 && minor(st.st_rdev) == 7);
}

TEST(dev_urandom)
{
	int fd = CHECK_OK(open("/dev/urandom", O_RDONLY));
	unsigned char a[64], b[64];
	CHECK_EQ(read(fd, a, sizeof a), 64);
	CHECK_EQ(read(fd, b, sizeof b), 64);
	int nz = 0;
	for (int i = 0; i < 64; i++)
		nz |= a[i];
	CHECK(nz != 0);
	CHECK(memcmp(a, b, 64) != 0);
	struct stat st;
	CHECK_OK(fstat(fd, &st));
	CHECK(major(st.st_rdev) == 1 && minor(st.st_rdev) == 9);
}

TEST(tmp_writable)
{
	struct stat st;
	CHECK_OK(stat("/tmp", &st));
	CHECK(S_ISDIR(st.st_mode));
	char path[64];
	snprintf(path, sizeof path, "/tmp/ut-probe-%d", (int)getpid());
	int fd = CHECK_OK(open(path, O_RDWR | O_CREAT | O_EXCL, 0600));
	CHECK_EQ(write(fd, "tmp", 3), 3);
	close(fd);
	CHECK_OK(unlink(path));
	/* The test directory itself is under /tmp. */
	CHECK(strncmp(ut_scratch(), "/tmp/", 5) == 0);
}

TEST(proc_self)
{
	struct stat st;
	CHECK_OK(stat("/proc/self", &st));
	CHECK(S_ISDIR(st.st_mode));
	char buf[32] = { 0 }, want[32];
	CHECK(readlink("/proc/self", buf, sizeof buf - 1) > 0);
	snprintf(want, sizeof want, "%d", (int)getpid());
	CHECK(strcmp(buf, want) == 0);
	pid_t pid = ut_fork();
	if (pid == 0) {
		char b[32] = { 0 }, w[32];
		readlink("/proc/self", b, sizeof b - 1);
		snprintf(w, sizeof w, "%d", (int)getpid());
		_exit(strcmp(b, w) ? 1 : 0);
	}
	ut_expect_exit(pid, 0);
}

TEST(close_twice)
{
	int fd = CHECK_OK(open("/dev/null", O_RDONLY));
	CHECK_OK(close(fd));
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(read(fd, &fd, 1), EBADF);
}

TEST(read_directory_eisdir)
{
	int fd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	char buf[16];
	CHECK_ERR(read(fd, buf, sizeof buf), EISDIR);
}

TEST(fsync_file)
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_EQ(write(fd, "x", 1), 1);
	CHECK_OK(fsync(fd));
	CHECK_OK(fdatasync(fd));
	CHECK_ERR(fsync(99), EBADF);
}

TEST(utimensat_times)
{
	touch("f");
	struct timespec ts[2] = { { 1000000000, 123 }, { 1200000000, 456000 } };
	CHECK_OK(utimensat(AT_FDCWD, "f", ts, 0));
	struct stat st;
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	CHECK_EQ(st.st_mtim.tv_sec, 1200000000);
	CHECK_EQ(st.st_mtim.tv_nsec, 456000);
	struct timespec now[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
	CHECK_OK(utimensat(AT_FDCWD, "f", now, 0));
	CHECK_OK(stat("f", &st));
	CHECK(st.st_atim.tv_sec > 1500000000);
	CHECK_EQ(st.st_mtim.tv_sec, 1200000000);
	/* Writing updates mtime. */
	int fd = CHECK_OK(open("f", O_WRONLY));
	CHECK_EQ(write(fd, "x", 1), 1);
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_mtim.tv_sec > 1500000000);
}

TEST(fifo_basic)
{
	CHECK_OK(mkfifo("p", 0644));
	struct stat st;
	CHECK_OK(stat("p", &st));
	CHECK(S_ISFIFO(st.st_mode));
	pid_t pid = ut_fork();
	if (pid == 0) {
		int w = open("p", O_WRONLY);        /* blocks until a reader opens */
		CHECK(w >= 0);
		CHECK_EQ(write(w, "through a fifo", 14), 14);
		_exit(0);
	}
	int r = CHECK_OK(open("p", O_RDONLY));
	char buf[32] = { 0 };
	CHECK_EQ(ut_read_full(r, buf, sizeof buf), 14);
	CHECK(strcmp(buf, "through a fifo") == 0);
	ut_expect_exit(pid, 0);
	close(r);
	CHECK_ERR(open("p", O_WRONLY | O_NONBLOCK), ENXIO);    /* no reader */
	int nb = CHECK_OK(open("p", O_RDONLY | O_NONBLOCK));   /* never blocks */
	CHECK_EQ(read(nb, buf, 1), 0);                         /* no writer: EOF */
	CHECK_OK(open("p", O_WRONLY | O_NONBLOCK));            /* now there is a reader */
}

const struct utest ut_file_tests[] = {
	T(open_creat),
	T(open_lowest_fd),
	T(open_excl),
	T(open_trunc),
	T(open_append),
	T(open_directory_flag),
	T(open_nofollow),
	T(open_cloexec_flag),
	T(open_umask),
	T(open_access_mode),
	T(open_name_too_long),
	T(openat_dirfd),
	T(fstat_fields),
	T(stat_dir_nlink),
	T(lstat_symlink),
	T(newfstatat_flags),
	T(statx_fields),
	T(getdents64_list),
	T(getdents64_many),
	T(getdents64_errors),
	T(mkdir_rmdir),
	T(unlink_basic),
	T(unlink_open_file),
	T(rename_file),
	T(rename_dir),
	T(renameat2_noreplace),
	T(link_count),
	T(symlink_readlink),
	T(symlink_resolution),
	T(access_faccessat),
	T(chmod_fchmod),
	T(ftruncate_grow_shrink),
	T(chdir_getcwd),
	T(dup_shares_offset),
	T(devnull_write_then_redirect),
	T(devnull_churn_2k),
	T(devnull_changed_by_other_thread),
	T(dup2_dup3),
	T(fcntl_dupfd),
	T(fcntl_fd_flags),
	T(fcntl_fl_flags),
	T(dev_null),
	T(dev_zero),
	T(dev_full),
	T(dev_urandom),
	T(tmp_writable),
	T(proc_self),
	T(close_twice),
	T(read_directory_eisdir),
	T(fsync_file),
	T(utimensat_times),
	T(fifo_basic),
	{ 0 }
};
