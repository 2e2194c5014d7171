/* initsearch - which program would the kernel start as PID 1?
 *
 *	initsearch [--init PATH] ROOTFS
 *
 * The kernel, once it has mounted the root filesystem, runs init=PATH if
 * given, and panics at once if that fails ("Requested init PATH failed");
 * without init= it tries CONFIG_DEFAULT_INIT if built with one, then
 * /sbin/init, /etc/init, /bin/init and /bin/sh, and runs the first that
 * works; if none does it panics, "No working init found" (init/main.c,
 * kernel_init()). This program applies the same order to a
 * directory that will be a container's root filesystem.
 */
#include "die.h"
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Try PATH; print how it went, and where it leads if it is a symbolic
 * link. Returns true if the kernel would run it. */
static bool try_candidate(int root_fd, const char *path)
{
	int ret = init_probe(root_fd, path);
	char target[256];
	ssize_t len;

	printf("  %-12s %s", path,
	       ret == 0 ? "runs: this is init" : strerror(-ret));
	len = readlinkat(root_fd, path + 1, target, sizeof(target) - 1);
	if (len > 0)
		printf(" (a link to %.*s)", (int)len, target);
	putchar('\n');
	return ret == 0;
}

int main(int argc, char **argv)
{
	const char *override = NULL, *rootfs;
	const char *const *candidate;
	int root_fd;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: initsearch [--init PATH] ROOTFS\n");
		return EXIT_SUCCESS;
	}
	if (argc == 4 && !strcmp(argv[1], "--init"))
		override = argv[2];
	else if (argc != 2 || argv[1][0] == '-')
		die_usage("expected [--init PATH] ROOTFS");
	rootfs = argv[argc - 1];

	root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		die_errno(errno, "open %s", rootfs);
	printf("%s:\n", rootfs);
	if (override) {
		if (try_candidate(root_fd, override))
			return EXIT_SUCCESS;
		printf("requested init %s failed: the kernel would panic\n",
		       override);
		return EXIT_FAILURE;
	}
	for (candidate = init_candidates; *candidate; candidate++)
		if (try_candidate(root_fd, *candidate))
			return EXIT_SUCCESS;
	printf("no working init found: the kernel would panic\n");
	return EXIT_FAILURE;
}
