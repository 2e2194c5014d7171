/* ovlrun - a container on a fresh writable layer over read-only ones.
 *
 *	ovlrun [--keep DIR] [-v] LOWER... -- CMD [ARG...]
 *
 * What `docker run` does with an image's layers: the LOWER directories
 * (the first one on top) stay read-only, a new empty upper layer takes
 * every change, and the container (chapter 06's enterfs) has the overlay
 * of them all as its root. When CMD ends, ovlrun prints what changed, as
 * `docker diff` does (A added, C changed, D deleted), and drops the
 * layer, or keeps it in DIR/upper with --keep. Needs root.
 *
 * ovlrun first moves to a mount namespace of its own whose mounts are
 * private: the overlay and the container's mounts are never seen on the
 * host, and go away with ovlrun, however it ends.
 */
#include "cmd.h"
#include "container.h"
#include "die.h"
#include "file.h"
#include "init.h"
#include "ovl.h"
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

struct options {
	const char *keep;    /* --keep DIR, or NULL */
	bool verbose;        /* -v */
	const char **lowers; /* absolute paths, top first */
	size_t n_lowers;
	char **command;
};

/* Where the layer and the mount points are. */
struct paths {
	char scratch[64]; /* our temporary directory, /tmp/boxlab-ovlrun-... */
	char upper[PATH_MAX];
	char work[PATH_MAX];
	char merged[PATH_MAX];
	char view[PATH_MAX]; /* the lower layers as one tree, for the diff */
};

static pid_t container;

/* The scratch directory, removed at exit however ovlrun exits (die()
 * exits too): mounts in it vanish with ovlrun's mount namespace. */
static char scratch_dir[64];
static void remove_scratch(void);

static noreturn void usage(int status)
{
	printf("usage: ovlrun [--keep DIR] [-v] LOWER... -- CMD [ARG...]\n"
	       "Run CMD in a container whose root is a new writable layer "
	       "over the LOWER\n"
	       "directories (the first on top), then print what changed, as "
	       "docker diff does\n"
	       "(needs root).\n"
	       "  --keep DIR     keep the writable layer in DIR/upper (DIR "
	       "new or empty)\n"
	       "  -v, --verbose  say what happens\n");
	exit(status);
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keep", required_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { 0 };
	char path[PATH_MAX];
	struct stat st;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': opts.keep = optarg; break;
		case 'v': opts.verbose = true; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	/* getopt took a "--" right after the options: no LOWER before it. */
	if (!strcmp(argv[optind - 1], "--"))
		die_usage("no lower layer given");
	opts.lowers = calloc((size_t)argc, sizeof(*opts.lowers));
	if (!opts.lowers)
		die_errno(ENOMEM, "options");
	for (; optind < argc && strcmp(argv[optind], "--"); optind++) {
		if (stat(argv[optind], &st) < 0)
			die_errno(errno, "lower layer %s", argv[optind]);
		if (!S_ISDIR(st.st_mode))
			die("lower layer %s: not a directory", argv[optind]);
		if (!realpath(argv[optind], path))
			die_errno(errno, "lower layer %s", argv[optind]);
		opts.lowers[opts.n_lowers++] = strdup(path);
	}
	if (opts.n_lowers == 0)
		die_usage("no lower layer given");
	if (optind + 1 >= argc)
		die_usage("no command to run (LOWER... -- CMD)");
	opts.command = argv + optind + 1;
	return opts;
}

/* The directories: in DIR for --keep, else in a new /tmp scratch. */
static void make_paths(const struct options *opts, struct paths *p)
{
	const char *base;

	snprintf(p->scratch, sizeof(p->scratch), "/tmp/boxlab-ovlrun-XXXXXX");
	if (!mkdtemp(p->scratch))
		die_errno(errno, "mkdtemp %s", p->scratch);
	snprintf(scratch_dir, sizeof(scratch_dir), "%s", p->scratch);
	atexit(remove_scratch);
	base = opts->keep ? opts->keep : p->scratch;
	if (opts->keep && mkdir(opts->keep, 0755) < 0 && errno != EEXIST)
		die_errno(errno, "--keep %s", opts->keep);
	if (strlen(base) > PATH_MAX - 16)
		die("--keep %s: path too long", base);
	snprintf(p->upper, sizeof(p->upper), "%.*s/upper", PATH_MAX - 16, base);
	snprintf(p->work, sizeof(p->work), "%.*s/work", PATH_MAX - 16, base);
	snprintf(p->merged, sizeof(p->merged), "%s/merged", p->scratch);
	snprintf(p->view, sizeof(p->view), "%s/lowers", p->scratch);
	if (mkdir(p->upper, 0755) < 0)
		die_errno(errno, "make %s (is --keep's directory empty?)",
		          p->upper);
	if (mkdir(p->merged, 0755) < 0 || mkdir(p->view, 0755) < 0)
		die_errno(errno, "make %s", p->merged);
}

/* Mount the overlay of OPTS's lowers, with UPPER and WORK, on TARGET. */
static void mount_overlay(const struct options *opts, const char *upper,
                          const char *work, const char *target)
{
	struct ovl_layers layers = { .lower = opts->lowers,
		                     .lower_count = opts->n_lowers,
		                     .upper = upper,
		                     .work = work };
	char options[OVL_OPTIONS_MAX];
	int ret;

	ret = ovl_prepare(&layers);
	if (ret < 0)
		die_errno(ret, "prepare the layers");
	ret = ovl_mount_options(&layers, options, sizeof(options));
	if (ret >= 0)
		ret = ovl_mount(options, target);
	if (ret < 0)
		die_errno(ret, "mount the overlay on %s", target);
	if (opts->verbose)
		fprintf(stderr, "ovlrun: mounted overlay %s on %s\n", options,
		        target);
}

static int enter_merged(void *data, const char **what)
{
	return rootfs_enter(data, what);
}

static int prepare_parent(pid_t child, void *data)
{
	(void)data;
	container = child;
	cmd_forward_signals(&container);
	return 0;
}

static int print_change(enum ovl_change change, const char *path, void *data)
{
	(void)data;
	printf("%c /%s\n", (char)change, path);
	return 0;
}

static void remove_scratch(void)
{
	if (scratch_dir[0])
		file_remove_tree(AT_FDCWD, scratch_dir);
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	struct container_spec spec = {
		.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
		         CLONE_NEWIPC,
		.command = opts.command,
		.verbose = opts.verbose,
		.setup_parent = prepare_parent,
		.setup_child = enter_merged,
	};
	struct rootfs_spec root = { .verbose = opts.verbose };
	struct paths p;
	int ret, status;

	if (unshare(CLONE_NEWNS) < 0)
		die_errno(errno, "unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die_errno(errno, "make mounts private");
	make_paths(&opts, &p);
	mount_overlay(&opts, p.upper, p.work, p.merged);
	root.root = p.merged;
	spec.data = &root;
	status = container_run(&spec);
	if (status < 0)
		die_errno(status, "run a container on %s", p.merged);
	ovl_umount(p.merged);
	/* The diff compares the upper layer with the lowers as one tree. */
	if (opts.n_lowers > 1) {
		mount_overlay(&opts, NULL, NULL, p.view);
		snprintf(p.view, sizeof(p.view), "%s/lowers", p.scratch);
	}
	fflush(stdout);
	ret = ovl_diff(p.upper, opts.n_lowers > 1 ? p.view : opts.lowers[0],
	               print_change, NULL);
	if (ret < 0)
		warn_errno(ret, "diff %s", p.upper);
	if (opts.n_lowers > 1)
		ovl_umount(p.view);
	if (opts.keep)
		fprintf(stderr, "ovlrun: the layer is kept in %s\n", p.upper);
	while (opts.n_lowers > 0)
		free((char *)opts.lowers[--opts.n_lowers]);
	free(opts.lowers);
	ret = init_exit_code(status);
	return ret < 0 ? EXIT_FAILURE : ret;
}
