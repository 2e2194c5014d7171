/* file.c - whole-file helpers for /proc, sysfs and cgroup files. */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
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

int file_write_all(int dirfd, const char *path, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;
	int fd, ret = 0;

	fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		p += n;
		len -= n;
	}
	if (close(fd) < 0 && ret == 0 && errno != EINTR)
		ret = -errno;
	return ret;
}

int file_write_string(int dirfd, const char *path, const char *text)
{
	return file_write_all(dirfd, path, text, strlen(text));
}
