/* inroot - where a path inside a root file system really leads.
 *
 *	inroot ROOTFS PATH...
 *
 * For each PATH, what a runtime that just glues ROOTFS and PATH together
 * would open (realpath(3) of "ROOTFS/PATH", which follows every symbolic
 * link, out of ROOTFS too), and what rootfs_open_in_root() opens, which
 * takes ROOTFS as "/". Needs no privileges; opens nothing for writing.
 */
#include "die.h"
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <unistd.h>

static noreturn void usage(int status)
{
	printf("usage: inroot ROOTFS PATH...\n"
	       "Show where each PATH inside ROOTFS leads: glued to ROOTFS and "
	       "followed as the\n"
	       "host sees it (naive), and resolved with ROOTFS as its root "
	       "(in root).\n");
	exit(status);
}

/* The host's path of what FD is open on. */
static const char *path_of(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, buf, size - 1);
	if (len < 0)
		return strerror(errno);
	buf[len] = '\0';
	return buf;
}

/* One PATH; false if it could not be resolved inside. */
static bool show(const char *rootfs, int root_fd, const char *path)
{
	char glued[PATH_MAX * 2], naive[PATH_MAX], inside[PATH_MAX];
	int fd;

	snprintf(glued, sizeof(glued), "%s/%s", rootfs, path);
	printf("%s\n  naive:   %s\n", path,
	       realpath(glued, naive) ? naive : strerror(errno));
	fd = rootfs_open_in_root(root_fd, path, O_PATH);
	if (fd < 0) {
		printf("  in root: %s\n", strerror(-fd));
		return false;
	}
	printf("  in root: %s\n", path_of(fd, inside, sizeof(inside)));
	close(fd);
	return true;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rootfs;
	bool all = true;
	int root_fd, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c == 'h')
			usage(EXIT_SUCCESS);
		die_bad_option(c, argv);
	}
	if (argc - optind < 2)
		die_usage("expected ROOTFS and at least one PATH");
	rootfs = argv[optind++];
	root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		die_errno(-errno, "root file system %s", rootfs);
	for (; optind < argc; optind++)
		all &= show(rootfs, root_fd, argv[optind]);
	close(root_fd);
	return all ? EXIT_SUCCESS : EXIT_FAILURE;
}
