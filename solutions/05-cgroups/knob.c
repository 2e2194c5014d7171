/* knob.c - reading and writing cgroup files. See knob.h. */
#include "knob.h"

#include "file.h"
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int knob_write(const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return file_write_string(AT_FDCWD, path, value);
}

int knob_write_number(const char *dir, const char *file, uint64_t value)
{
	char text[32];

	snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
	return knob_write(dir, file, text);
}

bool knob_exists(const char *dir, const char *file)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

int knob_read_number(const char *dir, const char *file, uint64_t *ret)
{
	char path[PATH_MAX + 64], text[64];
	ssize_t len;

	*ret = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	len = file_read_buf(AT_FDCWD, path, text, sizeof(text));
	if (len == -ENOENT)
		return 0;
	if (len < 0)
		return len;
	if (strcmp(text, "max\n") == 0) {
		*ret = UINT64_MAX;
		return 0;
	}
	return parse_uint64(text, ret);
}

int knob_read_keyed(const char *dir, const char *file, const char *key,
                    uint64_t *ret)
{
	char path[PATH_MAX + 64], *text, *line, *save = NULL;
	size_t key_len = strlen(key);
	int err;

	*ret = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	err = file_read_all(AT_FDCWD, path, &text, NULL);
	if (err == -ENOENT)
		return 0;
	if (err < 0)
		return err;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, key, key_len) == 0 && line[key_len] == ' ') {
			err = parse_uint64(line + key_len + 1, ret);
			break;
		}
	free(text);
	return err;
}
