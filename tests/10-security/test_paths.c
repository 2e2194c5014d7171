/* test_paths.c - masked and read-only paths (10.5, 10.6), in a forked
 * child with a private mount namespace of its own, on files of a test
 * directory: never on the host's /proc. */
#include "child.h"
#include "file.h"
#include "harness.h"
#include "sec.h"
#include "testroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The number of entries of directory PATH, "." and ".." aside; -1 if it
 * cannot be read. */
static int count_entries(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *d;
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		n += strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
	closedir(dir);
	return n;
}

/* Write TEXT to a new file PATH; 0 or -1. */
static int write_new(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int ret = fd < 0 ? -1 : 0;

	if (fd >= 0 && write(fd, text, strlen(text)) < 0)
		ret = -1;
	if (fd >= 0)
		close(fd);
	return ret;
}

/* --- 10.5 --------------------------------------------------------------- */

static const char *const why_mask[] = {
	[1] = "sec_mask_paths() failed (a missing path must be skipped)",
	[2] = "the masked file does not read as empty",
	[3] = "the masked file is not /dev/null (char 1:3)",
	[4] = "the masked directory still shows its files",
	[5] = "a file could be created in the masked directory",
	[6] = "could not set up the test",
};

static int mask_child(const char *dir)
{
	char file[PATH_MAX], sub[PATH_MAX], missing[PATH_MAX];
	char secret[PATH_MAX + 16], buf[64];
	const char *paths[] = { file, sub, missing, NULL };
	struct stat st;

	snprintf(file, sizeof(file), "%s/kcore", dir);
	snprintf(sub, sizeof(sub), "%s/firmware", dir);
	snprintf(missing, sizeof(missing), "%s/timer_list", dir);
	snprintf(secret, sizeof(secret), "%s/secret", sub);
	if (testroot_private_namespace() ||
	    write_new(file, "the host's memory\n") < 0 ||
	    mkdir(sub, 0755) < 0 || write_new(secret, "efi vars\n") < 0)
		return 6;
	if (sec_mask_paths(paths) < 0)
		return 1;
	if (file_read_buf(AT_FDCWD, file, buf, sizeof(buf)) != 0)
		return 2;
	if (stat(file, &st) < 0 || !S_ISCHR(st.st_mode) ||
	    st.st_rdev != makedev(1, 3))
		return 3;
	if (count_entries(sub) != 0)
		return 4;
	return mkdir(secret, 0755) == 0 || errno != EROFS ? 5 : 0;
}

START_TEST(mask_covers_files_and_directories)
{
	test_needs_root();
	sec_in_child(mask_child, test_tmpdir(), why_mask, 7);
}
END_TEST

/* --- 10.6 --------------------------------------------------------------- */

static const char *const why_readonly[] = {
	[1] = "sec_make_readonly() failed (a missing path must be skipped)",
	[2] = "a file could be written under the read-only path",
	[3] = "the rest of the mount is read-only too",
	[4] = "the read-only path lost its mount's nosuid or noexec",
	[5] = "could not set up the test",
};

static int readonly_child(const char *dir)
{
	char sys[PATH_MAX], file[PATH_MAX + 16], missing[PATH_MAX + 16];
	const char *paths[] = { sys, missing, NULL };
	struct statvfs sv;

	snprintf(sys, sizeof(sys), "%s/sys", dir);
	snprintf(missing, sizeof(missing), "%s/irq", dir);
	if (testroot_private_namespace() ||
	    mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NOEXEC, NULL) < 0 ||
	    mkdir(sys, 0755) < 0)
		return 5;
	if (sec_make_readonly(paths) < 0)
		return 1;
	snprintf(file, sizeof(file), "%s/kernel", sys);
	if (mkdir(file, 0755) == 0 || errno != EROFS)
		return 2;
	snprintf(file, sizeof(file), "%s/other", dir);
	if (mkdir(file, 0755) < 0)
		return 3;
	if (statvfs(sys, &sv) < 0 || !(sv.f_flag & ST_RDONLY) ||
	    !(sv.f_flag & ST_NOSUID) || !(sv.f_flag & ST_NOEXEC))
		return 4;
	return 0;
}

START_TEST(readonly_paths_refuse_writes_keep_flags)
{
	test_needs_root();
	sec_in_child(readonly_child, test_tmpdir(), why_readonly, 6);
}
END_TEST

const struct graded_test paths_tests[] = {
	GRADED("10.5", mask_covers_files_and_directories),
	GRADED("10.6", readonly_paths_refuse_writes_keep_flags),
	{ 0 }
};
