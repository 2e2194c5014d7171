/* file.h - read and write whole files, relative to a directory fd.
 *
 * Every function takes a directory file descriptor first, like openat(2):
 * pass AT_FDCWD for ordinary paths, or an fd on /proc (or on a fixture tree
 * that looks like /proc) so the same code reads the real kernel in programs
 * and a fake one in tests. All descriptors are opened O_CLOEXEC.
 */
#ifndef BOXLAB_FILE_H
#define BOXLAB_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Read the whole of DIRFD/PATH into a new NUL-terminated buffer.
 * On success stores it in *ret_data (free() it) and its length, without
 * the NUL, in *ret_len (may be NULL). Works on /proc and sysfs files, whose
 * size stat(2) reports as 0. Returns 0 or -errno (-ENOENT, -EACCES, ...). */
int file_read_all(int dirfd, const char *path, char **ret_data,
                  size_t *ret_len);

/* Like file_read_all(), from FD's current offset to end of file, growing
 * the buffer as needed. FD stays open. */
int file_read_fd_all(int fd, char **ret_data, size_t *ret_len);

/* Read DIRFD/PATH into BUF of SIZE bytes and NUL-terminate it.
 * Returns the number of bytes read (without the NUL), -EFBIG if the file
 * does not fit in SIZE - 1 bytes, or -errno. One read(2) of a /proc file
 * is one consistent snapshot, which is why this reads in one call when it
 * can. See proc(5). */
ssize_t file_read_buf(int dirfd, const char *path, char *buf, size_t size);

/* Write LEN bytes of DATA to DIRFD/PATH, which must exist (O_WRONLY, no
 * O_CREAT, no O_TRUNC: the way cgroup and /proc control files are
 * written). Retries short writes. Returns 0 or -errno. */
int file_write_all(int dirfd, const char *path, const void *data, size_t len);

/* Like file_write_all() with a NUL-terminated string. */
int file_write_string(int dirfd, const char *path, const char *text);

/* Copy everything IN_FD has, from its current offset to its end, to
 * OUT_FD, retrying short writes. Returns 0 or -errno. */
int file_copy_fd(int in_fd, int out_fd);

/* Call FN(DIR_FD, NAME, DATA) for each entry NAME of the directory
 * DIRFD/PATH but "." and "..", DIR_FD an fd on that directory, in the
 * order readdir(3) gives them. A nonzero return of FN stops the walk and
 * is returned. Returns 0, FN's return, or -errno (opening PATH). */
int file_each_entry(int dirfd, const char *path,
                    int (*fn)(int dir_fd, const char *name, void *data),
                    void *data);

/* mkdir -p: make DIRFD/PATH and every missing directory above it (MODE).
 * Returns 0 (also when it exists), or -errno. */
int file_mkdirs(int dirfd, const char *path, mode_t mode);

/* rm -rf: remove NAME in DIRFD and, if it is a directory, everything in
 * it, never following a symbolic link (a link is removed, not its
 * target). A missing NAME is no error. Returns 0 or the first -errno;
 * what could be removed is removed. */
int file_remove_tree(int dirfd, const char *name);

/* Replace DIRFD/PATH with LEN bytes of DATA, or create it (MODE), so that
 * a crash at any moment leaves either the old file or the new one, never
 * a part: write PATH.tmp-PID, fsync(2) it, rename(2) it over PATH. For
 * state the lab keeps (image stores, container records). Returns 0 or
 * -errno; on failure the temporary file is gone and PATH untouched. */
int file_replace(int dirfd, const char *path, const void *data, size_t len,
                 mode_t mode);

/* file_replace() without the fsync(2): still never a part of the file
 * for a reader, and after a crash of the writer, but a crash of the
 * machine may leave an empty or older file. For state that describes
 * running processes and is worthless after a reboot anyway (a
 * container's state while its monitor runs), where a flush to the disk
 * on each change would cost more than the change. */
int file_replace_volatile(int dirfd, const char *path, const void *data,
                          size_t len, mode_t mode);

/* The path of program NAME in the directory of this process's own
 * program (/proc/self/exe): how the lab's programs find each other
 * (miniinit beside isolate, boxmon and boxrun beside boxd), wherever the
 * build put them. Into BUF (SIZE bytes). Returns 0, -ENAMETOOLONG, or
 * -errno. */
int file_beside_self(const char *name, char *buf, size_t size);

#endif
