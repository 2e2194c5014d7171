/* file.c - whole-file helpers for /proc, sysfs and cgroup files. */
#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int file_read_fd_all(int fd, char **ret_data, size_t *ret_len)
{
	size_t size = 4096, len = 0;
	char *data = malloc(size), *bigger;
	ssize_t n;

	if (!data)
		return -ENOMEM;
	for (;;) {
		n = read(fd, data + len, size - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(data);
			return -errno;
		}
		if (n == 0)
			break;
		len += n;
		if (size - len - 1 > 0)
			continue;
		bigger = realloc(data, size * 2);
		if (!bigger) {
			free(data);
			return -ENOMEM;
		}
		data = bigger;
		size *= 2;
	}
	data[len] = '\0';
	*ret_data = data;
	if (ret_len)
		*ret_len = len;
	return 0;
}

int file_read_all(int dirfd, const char *path, char **ret_data, size_t *ret_len)
{
	int fd, ret;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	ret = file_read_fd_all(fd, ret_data, ret_len);
	close(fd);
	return ret;
}

ssize_t file_read_buf(int dirfd, const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n = 0;
	int fd;

	if (size < 2)
		return -EINVAL;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	if (n < 0)
		n = -errno;
	else if (len == size - 1 && read(fd, &buf[len], 1) > 0)
		n = -EFBIG;
	close(fd);
	if (n < 0)
		return n;
	buf[len] = '\0';
	return len;
}

/* Write all LEN bytes of DATA to FD, retrying short writes. */
static int write_fully(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_copy_fd(int in_fd, int out_fd)
{
	char buf[65536];
	ssize_t n;
	int ret = 0;

	while (ret == 0 && (n = read(in_fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		ret = n < 0 ? -errno : write_fully(out_fd, buf, (size_t)n);
	}
	return ret;
}

int file_each_entry(int dirfd, const char *path,
                    int (*fn)(int dir_fd, const char *name, void *data),
                    void *data)
{
	struct dirent *entry;
	int fd, ret = 0;
	DIR *dir;

	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while (ret == 0 && (entry = readdir(dir)))
		if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
			ret = fn(fd, entry->d_name, data);
	closedir(dir);
	return ret;
}

int file_mkdirs(int dirfd, const char *path, mode_t mode)
{
	char buf[PATH_MAX], *slash;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (slash = buf + strspn(buf, "/");; slash++) {
		slash = strchr(slash, '/');
		if (slash)
			*slash = '\0';
		if (mkdirat(dirfd, buf, mode) < 0 && errno != EEXIST)
			return -errno;
		if (!slash)
			return 0;
		*slash = '/';
	}
}

int file_remove_tree(int dirfd, const char *name)
{
	struct dirent *entry;
	int fd, ret = 0, err;
	DIR *dir;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	fd = openat(dirfd, name,
	            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((entry = readdir(dir)))
		if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..")) {
			err = file_remove_tree(fd, entry->d_name);
			if (err < 0 && ret == 0)
				ret = err;
		}
	closedir(dir);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT &&
	    ret == 0)
		ret = -errno;
	return ret;
}

/* file_replace() and file_replace_volatile(): with SYNC, fsync(2). The
 * temporary file is named for the thread (gettid(2)), so that two
 * threads of a process can replace one file at once: the last rename
 * wins, whole. */
static int replace(int dirfd, const char *path, const void *data, size_t len,
                   mode_t mode, bool sync)
{
	char tmp[PATH_MAX];
	int fd, ret;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)gettid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	ret = write_fully(fd, data, len);
	if (ret == 0 && sync && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && ret == 0 && errno != EINTR)
		ret = -errno;
	if (ret == 0 && renameat(dirfd, tmp, dirfd, path) < 0)
		ret = -errno;
	if (ret < 0)
		unlinkat(dirfd, tmp, 0);
	return ret;
}

int file_replace(int dirfd, const char *path, const void *data, size_t len,
                 mode_t mode)
{
	return replace(dirfd, path, data, len, mode, true);
}

int file_replace_volatile(int dirfd, const char *path, const void *data,
                          size_t len, mode_t mode)
{
	return replace(dirfd, path, data, len, mode, false);
}

int file_write_all(int dirfd, const char *path, const void *data, size_t len)
{
	int fd, ret;

	fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	ret = write_fully(fd, data, len);
	if (close(fd) < 0 && ret == 0 && errno != EINTR)
		ret = -errno;
	return ret;
}

int file_write_string(int dirfd, const char *path, const char *text)
{
	return file_write_all(dirfd, path, text, strlen(text));
}

int file_beside_self(const char *name, char *buf, size_t size)
{
	ssize_t len = readlink("/proc/self/exe", buf, size);
	char *slash;

	if (len < 0)
		return -errno;
	/* readlink(2) truncates silently: a result that fills the buffer
	 * may have been cut short. */
	if ((size_t)len == size)
		return -ENAMETOOLONG;
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -EINVAL;
	if ((size_t)(slash + 1 - buf) + strlen(name) + 1 > size)
		return -ENAMETOOLONG;
	strcpy(slash + 1, name);
	return 0;
}
