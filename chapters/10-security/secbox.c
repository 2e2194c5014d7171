/* secbox - run a command in a container with fewer privileges.
 *
 *	secbox [--caps default|docker|none|all|LIST]
 *	       [--seccomp default|none|PROFILE.json] [--no-new-privs]
 *	       [--mask] [--readonly-paths] [--no-memfd] [-v]
 *	       ROOTFS -- CMD [ARG...]
 *
 * Chapter 06's container (new mount, PID, UTS and IPC namespaces,
 * pivot_root to ROOTFS), whose child, after the switch and before it
 * becomes CMD, applies the layers asked for, in the order runc does
 * (sec_apply() says why). Without options, no layer: root inside keeps
 * every capability. First of all, secbox re-executes itself from a
 * sealed memfd, so no container can write its binary (CVE-2019-5736);
 * --no-memfd skips that, to show what it prevents. Needs root.
 */
#include "cmd.h"
#include "container.h"
#include "die.h"
#include "file.h"
#include "init.h"
#include "rootfs.h"
#include "sec.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where the default profile is, passed on through the re-execution
 * (a memfd has no directory to look next to). */
#define PROFILE_ENV  "BOXLAB_SECCOMP_DEFAULT"
#define PROFILE_PATH "chapters/10-security/seccomp-default.json"

struct options {
	struct rootfs_spec rootfs; /* what the child does with ROOTFS */
	struct sec_spec sec;       /* the layers */
	const char *caps;          /* --caps, or NULL */
	const char *seccomp;       /* --seccomp, or NULL */
	bool no_memfd;             /* --no-memfd */
	char **command;            /* CMD and its arguments */
};

/* The container's PID, where signals are forwarded. */
static pid_t container;

static noreturn void usage(int status)
{
	printf("usage: secbox [--caps default|docker|none|all|LIST] "
	       "[--seccomp default|none|FILE]\n"
	       "              [--no-new-privs] [--mask] [--readonly-paths] "
	       "[--no-memfd] [-v]\n"
	       "              ROOTFS -- CMD [ARG...]\n"
	       "Run CMD in a container with ROOTFS as its root (chapter 06), "
	       "with fewer\nprivileges (needs root).\n"
	       "  --caps SET        keep only SET: default (Podman's 11), "
	       "docker (Docker's 14),\n"
	       "                    none, all, or names: "
	       "chown,net_bind_service\n"
	       "  --seccomp PROF    filter system calls: default (the lab's "
	       "profile, close\n"
	       "                    to Docker's), none, or an OCI profile "
	       "in JSON\n"
	       "  --no-new-privs    no setuid program gains anything\n"
	       "  --mask            cover /proc/kcore, /proc/keys, ... "
	       "(/dev/null, empty tmpfs)\n"
	       "  --readonly-paths  make /proc/sys, /proc/sysrq-trigger, ... "
	       "read-only\n"
	       "  --no-memfd        do not re-execute from a sealed memfd "
	       "(CVE-2019-5736 open)\n"
	       "  -v, --verbose     say what happens\n");
	exit(status);
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "caps", required_argument, NULL, 'c' },
		{ "seccomp", required_argument, NULL, 's' },
		{ "no-new-privs", no_argument, NULL, 'n' },
		{ "mask", no_argument, NULL, 'm' },
		{ "readonly-paths", no_argument, NULL, 'r' },
		{ "no-memfd", no_argument, NULL, 'M' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { 0 };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opts.caps = optarg; break;
		case 's': opts.seccomp = optarg; break;
		case 'n': opts.sec.no_new_privs = true; break;
		case 'm': opts.sec.mask = true; break;
		case 'r': opts.sec.readonly_paths = true; break;
		case 'M': opts.no_memfd = true; break;
		case 'v': opts.sec.verbose = opts.rootfs.verbose = true; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (optind == argc)
		die_usage("no root file system given");
	opts.rootfs.root = cmd_rootfs_path(argv[optind++]);
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind == argc)
		die_usage("no command to run in %s", opts.rootfs.root);
	opts.command = argv + optind;
	return opts;
}

/* The lab's default profile: PROFILE_PATH in the lab's tree, found
 * upwards from this program's directory (build/solutions/bin/). */
static void find_default_profile(void)
{
	char exe[PATH_MAX], path[PATH_MAX * 2];
	int up;

	if (getenv(PROFILE_ENV) || !realpath("/proc/self/exe", exe))
		return;
	for (up = 0; up < 5 && strcmp(exe, "/"); up++) {
		snprintf(path, sizeof(path), "%s/%s", dirname(exe),
		         PROFILE_PATH);
		if (access(path, R_OK) == 0) {
			setenv(PROFILE_ENV, path, 1);
			return;
		}
	}
}

/* CVE-2019-5736's fix: run from a sealed copy of this program. */
static void reexec_sealed(char **argv)
{
	extern char **environ;
	int fd, ret;

	if (sec_running_sealed())
		return;
	find_default_profile();
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno(-errno, "open /proc/self/exe");
	ret = sec_exec_sealed(fd, argv, environ);
	die_errno(ret, "re-execute from a sealed memfd");
}

/* --caps and --seccomp, read now, while errors can still be reported
 * clearly, before any container exists. */
static void read_layers(struct options *opts)
{
	const char *bad = NULL, *path = opts->seccomp;
	char why[256] = "", *text;
	int ret;

	if (opts->caps) {
		ret = sec_caps_parse(opts->caps, &opts->sec.caps, &bad);
		if (ret < 0 && bad)
			die("--caps %s: unknown capability \"%.*s\" (see "
			    "capabilities(7))",
			    opts->caps, (int)strcspn(bad, ","), bad);
		if (ret < 0)
			die_errno(ret, "--caps %s", opts->caps);
		opts->sec.set_caps = true;
	}
	if (!path || !strcmp(path, "none"))
		return;
	if (!strcmp(path, "default"))
		path = getenv(PROFILE_ENV) ?: PROFILE_PATH;
	ret = file_read_all(AT_FDCWD, path, &text, NULL);
	if (ret < 0)
		die_errno(ret, "seccomp profile %s", path);
	ret = sec_seccomp_build(text, &opts->sec.seccomp, why, sizeof(why));
	free(text);
	if (ret < 0 && why[0])
		die("seccomp profile %s: %s", path, why);
	if (ret < 0)
		die_errno(ret, "seccomp profile %s", path);
}

static int setup_child(void *data, const char **what)
{
	const struct options *opts = data;
	int ret;

	ret = rootfs_enter(&opts->rootfs, what);
	if (ret == 0)
		ret = sec_apply(&opts->sec, what);
	return ret;
}

static int prepare_parent(pid_t child, void *data)
{
	const struct options *opts = data;

	container = child;
	if (opts->sec.verbose)
		fprintf(stderr, "secbox: PID %d will have %s as its root\n",
		        (int)child, opts->rootfs.root);
	cmd_forward_signals(&container);
	return 0;
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	struct container_spec spec = {
		.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
		         CLONE_NEWIPC,
		.command = opts.command,
		.verbose = opts.sec.verbose,
		.data = &opts,
		.setup_parent = prepare_parent,
		.setup_child = setup_child,
	};
	int ret;

	if (!opts.no_memfd)
		reexec_sealed(argv);
	read_layers(&opts);
	unsetenv(PROFILE_ENV);
	if (opts.sec.verbose)
		fprintf(stderr, "secbox: running from %s\n",
		        sec_running_sealed() ? "a sealed memfd"
		                             : "its file (--no-memfd)");
	ret = container_run(&spec);
	seccomp_release(opts.sec.seccomp);
	if (ret < 0)
		die_errno(ret, "run a container in %s", opts.rootfs.root);
	ret = init_exit_code(ret);
	return ret < 0 ? EXIT_FAILURE : ret;
}
