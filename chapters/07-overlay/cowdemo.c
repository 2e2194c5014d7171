/* cowdemo - copy-on-write in overlayfs, step by step.
 *
 *	cowdemo [-v] [--dir DIR] [--step NAME]
 *
 * The overview: 当用户对容器文件产生修改时，采用的 COW(copy-on-write) 特性，
 * 会只在读写层进行修改，而不去修改rootfs中的内容. cowdemo builds an image
 * layer (lower), a container layer (upper) and mounts them together
 * (merged), then does what a container does to its files: write, chmod,
 * delete, replace a directory; and the overview's two cases of a file A
 * changed in the image under a running container. After each step it
 * shows the file in the three views, with inode and device, so a copy-up
 * can be seen. Last, what `docker diff` would say of it all.
 *
 * Everything happens in a child in a mount namespace of its own, with /
 * private and a tmpfs on the scratch directory DIR/boxlab-cowdemo-XXXXXX:
 * the host's mount table never changes, and when the child is gone (done,
 * failed or killed) so are its mounts and files. The parent then removes
 * the empty scratch directory. Needs root.
 */
#include "cmd.h"
#include "die.h"
#include "ovl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

struct options {
	const char *dir;  /* --dir: where the scratch directory goes */
	const char *step; /* --step: only this one, or NULL for all */
	bool verbose;     /* -v: also list the whole upper layer */
};

/* One scenario: what it does, why, and which paths to show after it. */
struct step {
	const char *name;     /* for --step */
	const char *command;  /* what a shell in the container would type */
	const char *story;    /* what to look for */
	void (*run)(void);    /* does it, through merged (or in lower) */
	const char *paths[3]; /* shown in lower, upper and merged after */
};

/* --- the steps: what a container does ----------------------------------- */

static void write_file(const char *path, const char *text, int flags)
{
	size_t len = strlen(text);
	ssize_t done;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
	if (fd < 0)
		die_errno(errno, "open %s", path);
	done = write(fd, text, len);
	if (done < 0)
		die_errno(errno, "write %s", path);
	if ((size_t)done != len)
		die("write %s: short write", path);
	if (close(fd) < 0)
		die_errno(errno, "close %s", path);
}

static void must(int ret, const char *what, const char *path)
{
	if (ret < 0)
		die_errno(errno, "%s %s", what, path);
}

static void step_write(void)
{
	write_file("merged/a.txt", "changed by the container\n", O_APPEND);
}

static void step_chmod(void)
{
	must(chmod("merged/run.sh", 0755), "chmod", "merged/run.sh");
}

static void step_delete(void)
{
	must(unlink("merged/gone.txt"), "unlink", "merged/gone.txt");
}

static void step_rmdir(void)
{
	must(unlink("merged/dir/one"), "unlink", "merged/dir/one");
	must(unlink("merged/dir/two"), "unlink", "merged/dir/two");
	must(rmdir("merged/dir"), "rmdir", "merged/dir");
	must(mkdir("merged/dir", 0755), "mkdir", "merged/dir");
	write_file("merged/dir/new", "made by the container\n", O_TRUNC);
}

/* The seed's first case: 容器层未对A文件进行修改. */
static void step_case1(void)
{
	write_file("lower/A", "version 2 of A\n", O_TRUNC);
}

/* The seed's second case: 容器层对A文件进行过修改, so it was copied up. */
static void step_case2(void)
{
	write_file("merged/B", "changed by the container\n", O_APPEND);
	write_file("lower/B", "version 2 of B\n", O_TRUNC);
}

static const struct step steps[] = {
	{ "write",
	  "echo 'changed by the container' >> a.txt",
	  "The first write to a file of the image copies the whole file up "
	  "into the\nupper layer, then writes there. The image's copy stays "
	  "as it was.",
	  step_write,
	  { "a.txt" } },
	{ "chmod",
	  "chmod 755 run.sh",
	  "Even a change of mode alone copies the whole file up: a lower "
	  "layer is never\nwritten, not even its inode.",
	  step_chmod,
	  { "run.sh" } },
	{ "delete",
	  "rm gone.txt",
	  "The image's file cannot be removed. A whiteout in the upper layer "
	  "(a character\ndevice 0/0) hides it from merged.",
	  step_delete,
	  { "gone.txt" } },
	{ "rmdir",
	  "rm -r dir && mkdir dir && echo ... > dir/new",
	  "A directory made where one was deleted is opaque: its xattr\n"
	  "trusted.overlay.opaque = y stops the lookup, so the old "
	  "directory's files\ndo not show through.",
	  step_rmdir,
	  { "dir", "dir/one", "dir/new" } },
	{ "case1",
	  "(on the host) echo 'version 2 of A' > lower/A",
	  "The seed's first case: the image's A changes under the running "
	  "container,\nwhich never touched A. Merged reads the lower file "
	  "itself: the container sees\nthe change.",
	  step_case1,
	  { "A" } },
	{ "case2",
	  "echo 'changed by the container' >> B; (on the host) echo "
	  "'version 2 of B' > lower/B",
	  "The seed's second case: the container wrote B, so B was copied "
	  "up. The change\nto the image's B does not reach the container: "
	  "its copy is in the upper layer.",
	  step_case2,
	  { "B" } },
};

#define STEP_COUNT (sizeof(steps) / sizeof(steps[0]))

/* --- showing the three views --------------------------------------------- */

/* Up to 36 bytes of a small file, with "\n" for newlines. */
static void print_content(const char *path)
{
	char data[40], text[96];
	size_t i, out = 0;
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	len = read(fd, data, 36);
	close(fd);
	for (i = 0; len > 0 && i < (size_t)len && out < sizeof(text) - 3; i++) {
		if (data[i] == '\n')
			text[out++] = '\\';
		text[out++] = data[i] == '\n' ? 'n' : data[i];
	}
	text[out] = '\0';
	printf("  \"%s%s\"", text, len == 36 ? "..." : "");
}

/* One row: VIEW/PATH as `ls -li` would show it, and what it means. */
static void show_row(const char *view, const char *path)
{
	char full[PATH_MAX], mode[11], dev[24];
	enum ovl_kind kind;
	struct stat st;
	int ret;

	snprintf(full, sizeof(full), "%s/%s", view, path);
	if (lstat(full, &st) < 0) {
		printf("  %-7s %-9s %s\n", view, path,
		       errno == ENOENT ? "(none)" : strerror(errno));
		return;
	}
	snprintf(mode, sizeof(mode), "%c%c%c%c%c%c%c%c%c%c",
	         S_ISDIR(st.st_mode)   ? 'd'
	         : S_ISCHR(st.st_mode) ? 'c'
	         : S_ISLNK(st.st_mode) ? 'l'
	                               : '-',
	         st.st_mode & 0400 ? 'r' : '-', st.st_mode & 0200 ? 'w' : '-',
	         st.st_mode & 0100 ? 'x' : '-', st.st_mode & 040 ? 'r' : '-',
	         st.st_mode & 020 ? 'w' : '-', st.st_mode & 010 ? 'x' : '-',
	         st.st_mode & 04 ? 'r' : '-', st.st_mode & 02 ? 'w' : '-',
	         st.st_mode & 01 ? 'x' : '-');
	snprintf(dev, sizeof(dev), "%u:%u", major(st.st_dev), minor(st.st_dev));
	printf("  %-7s %-9s %6lu %-7s %s %4lld", view, path,
	       (unsigned long)st.st_ino, dev, mode, (long long)st.st_size);
	ret = ovl_entry_kind(AT_FDCWD, full, &kind);
	if (ret == 0 && kind == OVL_WHITEOUT && strcmp(view, "merged"))
		printf("  whiteout");
	else if (ret == 0 && kind == OVL_OPAQUE && strcmp(view, "merged"))
		printf("  opaque");
	else if (S_ISREG(st.st_mode))
		print_content(full);
	printf("\n");
}

static void show_paths(const struct step *step)
{
	static const char *const views[] = { "lower", "upper", "merged" };
	size_t p, v;

	printf("  %-7s %-9s %6s %-7s %-10s %4s  %s\n", "view", "path", "inode",
	       "dev", "mode", "size", "content");
	for (p = 0; p < 3 && step->paths[p]; p++)
		for (v = 0; v < 3; v++)
			show_row(views[v], step->paths[p]);
}

/* -v: the upper layer as it is, with the overlay xattrs on each entry,
 * DIR first ("" for the top), then what is in it. */
static void show_upper(const char *dir)
{
	char path[PATH_MAX + 8], names[1024];
	struct dirent **entries;
	int count, n;
	ssize_t len, i;

	snprintf(path, sizeof(path), "upper%s%s", dir[0] ? "/" : "", dir);
	printf("  %s", path);
	len = llistxattr(path, names, sizeof(names));
	for (i = 0; i < len; i += strlen(names + i) + 1)
		printf("  %s", names + i);
	printf("\n");
	count = scandir(path, &entries, NULL, alphasort);
	for (n = 0; n < count; n++) {
		char child[PATH_MAX];

		if (strcmp(entries[n]->d_name, ".") &&
		    strcmp(entries[n]->d_name, "..") &&
		    snprintf(child, sizeof(child), "%s%s%s", dir,
		             dir[0] ? "/" : "",
		             entries[n]->d_name) < (int)sizeof(child))
			show_upper(child);
		free(entries[n]);
	}
	if (count >= 0)
		free(entries);
}

static int print_change(enum ovl_change change, const char *path, void *data)
{
	(void)data;
	printf("  %c /%s\n", change, path);
	return 0;
}

/* --- setting up, in the child -------------------------------------------- */

/* A mount namespace of our own, / private so that nothing propagates
 * back to the host, and a tmpfs on SCRATCH for the layers: it supports
 * everything an upper layer needs (xattrs, whiteouts), even where /tmp
 * is itself on overlayfs, as in a container. */
static void enter_scratch(const char *scratch)
{
	if (unshare(CLONE_NEWNS) < 0)
		die_errno(errno, "unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die_errno(errno, "make / private");
	if (mount("boxlab-cowdemo", scratch, "tmpfs", MS_NOSUID | MS_NODEV,
	          "mode=0700") < 0)
		die_errno(errno, "mount a tmpfs on %s", scratch);
	if (chdir(scratch) < 0)
		die_errno(errno, "cd %s", scratch);
}

/* The image layer: a few files, a directory, and the seed's A. */
static void make_image(void)
{
	static const char *const dirs[] = { "lower", "merged", "lower/dir" };
	static const char *const files[][2] = {
		{ "lower/a.txt", "version 1\n" },
		{ "lower/run.sh", "echo hello\n" },
		{ "lower/gone.txt", "soon deleted\n" },
		{ "lower/dir/one", "1\n" },
		{ "lower/dir/two", "2\n" },
		{ "lower/A", "version 1 of A\n" },
		{ "lower/B", "version 1 of B\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		must(mkdir(dirs[i], 0755), "mkdir", dirs[i]);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		write_file(files[i][0], files[i][1], O_TRUNC);
}

static void mount_layers(void)
{
	static const char *const lower[] = { "lower" };
	const struct ovl_layers layers = { .lower = lower,
		                           .lower_count = 1,
		                           .upper = "upper",
		                           .work = "work" };
	char options[OVL_OPTIONS_MAX];
	int ret;

	ret = ovl_mount_options(&layers, options, sizeof(options));
	if (ret < 0)
		die_errno(ret, "build the mount options");
	ret = ovl_prepare(&layers);
	if (ret < 0)
		die_errno(ret, "prepare upper and work");
	printf("$ mount -t overlay overlay -o %s merged\n", options);
	ret = ovl_mount(options, "merged");
	if (ret < 0)
		die_errno(ret, "mount the overlay on merged");
}

static void run_step(const struct step *step, bool verbose)
{
	printf("\n== %s: %s\n%s\n", step->name, step->command, step->story);
	step->run();
	show_paths(step);
	if (verbose) {
		printf("  the upper layer, with its xattrs:\n");
		show_upper("");
	}
}

static void run_diff(void)
{
	int ret;

	printf("\n== diff: what `docker diff` would say, read off the upper "
	       "layer\n");
	ret = ovl_diff("upper", "lower", print_change, NULL);
	if (ret < 0)
		die_errno(ret, "diff upper against lower");
}

/* The child: all of the demo, in its own mount namespace. Does not
 * return. */
static noreturn void demo(const struct options *opts, const char *scratch)
{
	size_t i;
	int ret;

	enter_scratch(scratch);
	make_image();
	mount_layers();
	for (i = 0; i < STEP_COUNT; i++)
		if (!opts->step || strcmp(opts->step, steps[i].name) == 0)
			run_step(&steps[i], opts->verbose);
	run_diff();
	ret = ovl_umount("merged");
	if (ret < 0)
		die_errno(ret, "unmount merged");
	fflush(stdout);
	_exit(EXIT_SUCCESS);
}

/* --- the parent ---------------------------------------------------------- */

static noreturn void usage(int status)
{
	size_t i;

	printf("usage: cowdemo [-v] [--dir DIR] [--step NAME]\n"
	       "Show copy-on-write in overlayfs, step by step (needs root).\n"
	       "  --dir DIR     make the scratch directory in DIR (default "
	       "/tmp)\n"
	       "  --step NAME   run only this step:");
	for (i = 0; i < STEP_COUNT; i++)
		printf(" %s", steps[i].name);
	printf("\n"
	       "                (and then the diff, always)\n"
	       "  -v            also list the upper layer and its xattrs\n");
	exit(status);
}

static bool known_step(const char *name)
{
	size_t i;

	for (i = 0; i < STEP_COUNT; i++)
		if (strcmp(name, steps[i].name) == 0)
			return true;
	return false;
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "step", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opts = { .dir = "/tmp" };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		if (c == 'd')
			opts.dir = optarg;
		else if (c == 's')
			opts.step = optarg;
		else if (c == 'v')
			opts.verbose = true;
		else if (c == 'h')
			usage(EXIT_SUCCESS);
		else
			die_bad_option(c, argv);
	}
	if (optind < argc)
		die_usage("unexpected argument %s", argv[optind]);
	if (opts.step && !known_step(opts.step))
		die_usage("--step %s: no such step", opts.step);
	return opts;
}

/* The child's PID, where signals are forwarded. */
static pid_t child;

/* The signals a user stops a program with; held back while the scratch
 * directory exists and nobody is there yet to remove it. */
static void hold_signals(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	if (sigprocmask(how, &set, NULL) < 0)
		die_errno(errno, "sigprocmask");
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	char scratch[PATH_MAX];
	int status = 0, fork_errno;

	/* 1. The scratch directory: its name carries the lab's prefix. */
	if (geteuid() != 0)
		die("needs root (mount namespaces and overlay mounts)");
	if ((size_t)snprintf(scratch, sizeof(scratch),
	                     "%s/boxlab-cowdemo-XXXXXX",
	                     opts.dir) >= sizeof(scratch))
		die("--dir %s: path too long", opts.dir);
	hold_signals(SIG_BLOCK);
	if (!mkdtemp(scratch))
		die_errno(errno, "--dir %s", opts.dir);
	printf("cowdemo: layers in %s (a tmpfs in a mount namespace of its "
	       "own)\n",
	       scratch);
	fflush(stdout);

	/* 2. The demo, in a child: its mounts and files end with it,
	 * whatever happens. Ctrl-C reaches it; we stay to clean up. */
	child = fork();
	fork_errno = errno;
	if (child == 0) {
		hold_signals(SIG_UNBLOCK);
		demo(&opts, scratch);
	}
	if (child > 0) {
		cmd_forward_signals(&child);
		hold_signals(SIG_UNBLOCK);
	}
	while (child > 0 && waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die_errno(errno, "waitpid");

	/* 3. Remove the scratch directory, empty on the host. */
	if (rmdir(scratch) < 0)
		warn_errno(errno, "remove %s", scratch);
	if (child < 0)
		die_errno(fork_errno, "fork");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
