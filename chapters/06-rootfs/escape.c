/* escape - try to leave the root file system this process was put in.
 *
 *	escape [--dir DIR] HOSTFILE
 *
 * Run inside a container (copied into its root: it is linked statically,
 * so it needs nothing there), as root. HOSTFILE is the absolute path of a
 * file that exists on the host and not in the container's root; the
 * program tries two ways out, each in a child of its own, and after each
 * tries to read HOSTFILE:
 *   1. a directory file descriptor inherited from outside: fchdir(2) to
 *      it, which puts the working directory outside the root, then climb;
 *   2. chroot(2) again, into DIR (default /tmp), then climb "..".
 * It prints what each reached, and exits 0 if it read HOSTFILE (the host
 * is reachable: the root was a chroot), 1 if neither way reached it.
 */
#include "die.h"
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A child's exit status: it read HOSTFILE, or it did not. */
#define REACHED 10
#define INSIDE  11

static noreturn void usage(int status)
{
	printf("usage: escape [--dir DIR] HOSTFILE\n"
	       "Try to leave this root file system (as root in a container) "
	       "and read HOSTFILE,\n"
	       "a file only the host has: through an inherited directory fd, "
	       "then by chroot\n"
	       "into DIR (default /tmp) and climbing \"..\". Exit 0 if "
	       "HOSTFILE was read.\n");
	exit(status);
}

/* In a child, after a way out was tried: can HOSTFILE be read now? */
static noreturn void report_and_exit(const char *how, const char *hostfile)
{
	char text[256];
	ssize_t len;
	int fd;

	fd = open(hostfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("escape: %s: %s: %s: still inside\n", how, hostfile,
		       strerror(errno));
		fflush(stdout);
		_exit(INSIDE);
	}
	len = read(fd, text, sizeof(text) - 1);
	text[len > 0 ? len : 0] = '\0';
	text[strcspn(text, "\n")] = '\0';
	printf("escape: %s: read %s: \"%s\": on the host's root\n", how,
	       hostfile, text);
	fflush(stdout);
	_exit(REACHED);
}

/* In a child: way 1 through FD, or way 2 through DIR (FD < 0). */
static noreturn void try_way(int fd, const char *dir, const char *hostfile)
{
	char how[128];
	int ret;

	if (fd >= 0) {
		snprintf(how, sizeof(how), "fd %d", fd);
		ret = fchdir(fd) < 0 ? -errno : rootfs_chroot_escape(NULL);
	} else {
		snprintf(how, sizeof(how), "chroot %s, climb ..", dir);
		ret = rootfs_chroot_escape(dir);
	}
	if (ret < 0) {
		printf("escape: %s: %s\n", how, strerror(-ret));
		fflush(stdout);
		_exit(INSIDE);
	}
	report_and_exit(how, hostfile);
}

/* Run one way out in a child; true if it reached HOSTFILE. */
static bool run_way(int fd, const char *dir, const char *hostfile)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die_errno(-errno, "fork");
	if (pid == 0)
		try_way(fd, dir, hostfile);
	if (waitpid(pid, &status, 0) < 0)
		die_errno(-errno, "wait for %d", (int)pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == REACHED;
}

/* Way 1, for every directory fd this process was given. */
static bool try_inherited_fds(const char *hostfile)
{
	bool reached = false, any = false;
	struct stat st;
	int fd;

	for (fd = 3; fd < 1024; fd++) {
		if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		any = true;
		reached |= run_way(fd, NULL, hostfile);
	}
	if (!any)
		printf("escape: inherited directory fds: none\n");
	return reached;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = "/tmp", *hostfile;
	bool reached;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (optind != argc - 1)
		die_usage("expected one HOSTFILE, a file only the host has");
	hostfile = argv[optind];
	if (hostfile[0] != '/')
		die_usage("HOSTFILE must be an absolute path, not %s",
		          hostfile);
	if (access(hostfile, F_OK) == 0)
		die("%s is visible already: give a file the container's root "
		    "does not have",
		    hostfile);
	reached = try_inherited_fds(hostfile);
	reached |= run_way(-1, dir, hostfile);
	printf("escape: %s\n", reached ? "out: the host's root is reachable"
	                               : "contained: no way out");
	return reached ? EXIT_SUCCESS : EXIT_FAILURE;
}
