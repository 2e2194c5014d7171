/* rootless - run a command as root in a user namespace, as an ordinary user.
 *
 *	rootless [--map-root | --map INSIDE:OUTSIDE:COUNT ...] [--subids]
 *	         [--uts] [--hostname NAME] [--mount] [--pid] [-v] -- CMD [ARG...]
 *
 * What rootless Podman does first. The parent clones a child into a new
 * user namespace (and the other namespaces asked for, which that user
 * namespace then owns); the child waits on the handshake of chapter 03
 * while the parent, from outside, writes its UID and GID maps, either
 * itself (one ID: its own) or through newuidmap/newgidmap (--subids: a
 * range from /etc/subuid and /etc/subgid). Released, the child becomes
 * uid 0 of its namespace, sets up the rest and becomes CMD: root inside,
 * the ordinary user outside. Needs no privilege at all.
 */
#include "caps.h"
#include "cmd.h"
#include "die.h"
#include "init.h"
#include "ns.h"
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/sched.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct options {
	struct userns_map map; /* the --map lines, for UIDs and GIDs alike */
	bool map_root;         /* --map-root given */
	bool subids;           /* --subids: newuidmap/newgidmap and a range */
	uint64_t flags;        /* CLONE_NEW*, CLONE_NEWUSER included */
	const char *hostname;  /* --hostname, or NULL */
	bool verbose;          /* -v: narrate */
	char **command;        /* CMD and its arguments */
};

/* The maps the parent writes. */
struct maps {
	struct userns_map uids;
	struct userns_map gids;
};

static noreturn void usage(int status)
{
	printf("usage: rootless [--map-root | --map INSIDE:OUTSIDE:COUNT "
	       "...] [--subids]\n"
	       "                [--uts] [--hostname NAME] [--mount] [--pid] "
	       "[-v] -- CMD [ARG...]\n"
	       "Run CMD as root in a new user namespace, as an ordinary "
	       "user.\n"
	       "  --map-root       map root inside to you outside (the "
	       "default)\n"
	       "  --map I:O:C      map C IDs from I inside to O outside, "
	       "UIDs and GIDs\n"
	       "  --subids         map through newuidmap/newgidmap: 0 to "
	       "you, 1... to your\n"
	       "                   range in /etc/subuid and /etc/subgid\n"
	       "  --uts --mount --pid  more namespaces, owned by the new "
	       "one\n"
	       "  --hostname NAME  the host name inside (brings --uts)\n"
	       "  -v, --verbose    say what happens\n");
	exit(status);
}

/* Add the --map argument TEXT to OPTS, or stop with a usage error. */
static void add_map_option(struct options *opts, const char *text)
{
	struct userns_extent extent;
	int ret;

	if (userns_parse_extent(text, &extent) < 0)
		die_usage("--map %s: expected INSIDE:OUTSIDE:COUNT", text);
	ret = userns_map_add(&opts->map, &extent);
	if (ret == -EEXIST)
		die_usage("--map %s: overlaps an earlier --map", text);
	if (ret < 0)
		die_usage("--map %s: %s", text, strerror(-ret));
}

static struct options parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "map-root", no_argument, NULL, 'r' },
		{ "map", required_argument, NULL, 'M' },
		{ "subids", no_argument, NULL, 's' },
		{ "uts", no_argument, NULL, 'u' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "mount", no_argument, NULL, 'm' },
		{ "pid", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct options opts = { .flags = CLONE_NEWUSER };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': opts.map_root = true; break;
		case 'M': add_map_option(&opts, optarg); break;
		case 's': opts.subids = true; break;
		case 'u': opts.flags |= CLONE_NEWUTS; break;
		case 'H':
			opts.hostname = optarg;
			opts.flags |= CLONE_NEWUTS;
			break;
		case 'm': opts.flags |= CLONE_NEWNS; break;
		case 'p': opts.flags |= CLONE_NEWPID | CLONE_NEWNS; break;
		case 'v': opts.verbose = true; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (opts.map_root && opts.map.count > 0)
		die_usage("--map-root and --map: choose one");
	if (optind == argc)
		die_usage("no command to run");
	opts.command = argv + optind;
	return opts;
}

/* Add a line to MAP; the default maps never overlap or overflow. */
static void add_line(struct userns_map *map, uint32_t inside, uint32_t outside,
                     uint32_t count)
{
	struct userns_extent extent = { inside, outside, count };
	int ret = userns_map_add(map, &extent);

	if (ret < 0)
		die_errno(ret, "map %u %u %u", inside, outside, count);
}

/* The subordinate IDs of the user running us, from FILE, or stop. */
static struct userns_subids my_subids(const char *file, uid_t id)
{
	struct passwd *user = getpwuid(getuid());
	struct userns_subids subids;
	int ret;

	ret = userns_find_subids(AT_FDCWD, file, user ? user->pw_name : NULL,
	                         id, &subids);
	if (ret == -ENOENT)
		die("--subids: %s has no range for %s (uid %u)", file,
		    user ? user->pw_name : "this user", (unsigned)getuid());
	if (ret < 0)
		die_errno(ret, "--subids: read %s", file);
	return subids;
}

/* With --subids, each line of MAP must map onto OWN alone or inside
 * SUBIDS: newuidmap would refuse anything else, with a vaguer message. */
static void check_lines(const struct userns_map *map, const char *file,
                        uint32_t own, struct userns_subids subids)
{
	const struct userns_extent *line;
	size_t i;

	for (i = 0; i < map->count; i++) {
		line = &map->extents[i];
		if (line->outside == own && line->count == 1)
			continue;
		if (line->outside >= subids.start &&
		    line->outside - subids.start < subids.count &&
		    line->count <=
		            subids.count - (line->outside - subids.start))
			continue;
		die("--map %u:%u:%u: outside the range %s gives you "
		    "(%u:%u)",
		    line->inside, line->outside, line->count, file,
		    subids.start, subids.count);
	}
}

/* Is NAME a program in one of PATH's directories? */
static bool in_path(const char *name)
{
	const char *path = getenv("PATH"), *end;
	char file[PATH_MAX];

	for (path = path ? path : "/usr/bin:/bin"; *path; path = end) {
		end = strchrnul(path, ':');
		snprintf(file, sizeof(file), "%.*s/%s", (int)(end - path), path,
		         name);
		if (access(file, X_OK) == 0)
			return true;
		if (*end)
			end++;
	}
	return false;
}

/* The maps to write: --map as given, or root inside to us outside, plus
 * with --subids our subordinate ranges from ID 1 on. */
static void make_maps(const struct options *opts, struct maps *maps)
{
	struct userns_subids uid_range = { 0, 0 }, gid_range = { 0, 0 };

	if (opts->subids && (!in_path("newuidmap") || !in_path("newgidmap")))
		die("--subids: newuidmap or newgidmap is not installed "
		    "(Debian package uidmap)");
	if (opts->subids) {
		uid_range = my_subids("/etc/subuid", getuid());
		gid_range = my_subids("/etc/subgid", getuid());
	}
	if (opts->map.count > 0) {
		maps->uids = opts->map;
		maps->gids = opts->map;
	} else {
		maps->uids.count = maps->gids.count = 0;
		add_line(&maps->uids, 0, getuid(), 1);
		add_line(&maps->gids, 0, getgid(), 1);
		if (opts->subids) {
			add_line(&maps->uids, 1, uid_range.start,
			         uid_range.count);
			add_line(&maps->gids, 1, gid_range.start,
			         gid_range.count);
		}
	}
	if (opts->subids) {
		check_lines(&maps->uids, "/etc/subuid", getuid(), uid_range);
		check_lines(&maps->gids, "/etc/subgid", getgid(), gid_range);
	}
}

/* "0 1000 1, 1 100000 65536" for -v: the kernel's lines on one line. */
static const char *describe_map(const struct userns_map *map, char *buf,
                                size_t size)
{
	char *newline;
	int len = userns_format_map(map, buf, size);

	if (len < 0)
		return "(too long to show)";
	if (len > 0)
		buf[len - 1] = '\0';
	while ((newline = strchr(buf, '\n')))
		*newline = ',';
	return buf;
}

/* Write the child's maps, ourselves or through the setuid helpers. */
static void write_maps(const struct options *opts, const struct maps *maps,
                       pid_t child)
{
	char text[256];
	int ret;

	if (opts->subids)
		ret = userns_write_maps_with_helpers(child, &maps->uids,
		                                     &maps->gids);
	else
		ret = userns_write_maps(child, &maps->uids, &maps->gids);
	if (ret == -ENOENT && opts->subids)
		die("--subids: newuidmap or newgidmap is not installed "
		    "(Debian package uidmap)");
	if (ret == -EPERM && !opts->subids)
		die("write the maps of PID %d: %s (alone, a user may map "
		    "only its own ID; --subids maps more)",
		    (int)child, strerror(EPERM));
	if (ret < 0)
		die_errno(ret, "write the maps of PID %d%s", (int)child,
		          opts->subids ? " with newuidmap/newgidmap" : "");
	if (!opts->verbose)
		return;
	fprintf(stderr, "rootless: PID %d: uid_map \"%s\"", (int)child,
	        describe_map(&maps->uids, text, sizeof(text)));
	fprintf(stderr, ", gid_map \"%s\"%s\n",
	        describe_map(&maps->gids, text, sizeof(text)),
	        opts->subids ? " (by newuidmap/newgidmap)"
	                     : ", setgroups \"deny\"");
}

/* -v: the sets now, and what execve(2) will make of them. For a process
 * whose euid is 0, capabilities(7) treats the program file as if every
 * capability were in its permitted and inheritable sets, so the new
 * permitted set is the bounding set (plus inheritable and ambient) and
 * all of it is effective. */
static void narrate_caps(void)
{
	struct caps_sets sets;
	char text[1024];
	uint64_t after;

	if (caps_read(0, &sets) < 0)
		return;
	caps_describe(sets.permitted, text, sizeof(text));
	fprintf(stderr, "rootless: [child] before execve: permitted %s", text);
	caps_describe(sets.effective, text, sizeof(text));
	fprintf(stderr, ", effective %s", text);
	caps_describe(sets.bounding, text, sizeof(text));
	fprintf(stderr, ", bounding %s\n", text);
	after = geteuid() == 0 ? sets.bounding | sets.inheritable | sets.ambient
	                       : sets.ambient;
	caps_describe(after, text, sizeof(text));
	fprintf(stderr,
	        "rootless: [child] after execve as uid %u: permitted = "
	        "effective = %s\n",
	        (unsigned)geteuid(), text);
}

/* In the child: wait until the maps are written, become root of the new
 * namespace, finish the setup from inside, then become the command. Does
 * not return. (Not container_run() of chapter 03: in a user namespace
 * the child must become root before it can set a host name or mount.) */
static noreturn void run_container(const struct options *opts,
                                   struct ns_handshake *handshake)
{
	int ret;

	/* If rootless dies, so does the container: nothing outlives us. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno(errno, "PR_SET_PDEATHSIG");
	if (ns_handshake_wait(handshake) < 0)
		_exit(EXIT_FAILURE); /* the parent gave up, and says why */
	ret = userns_become_root();
	if (ret == -EINVAL)
		die("uid 0 or gid 0 is not mapped: nobody can be root inside");
	if (ret < 0)
		die_errno(ret, "become root in the new user namespace");
	if (opts->hostname) {
		ret = ns_set_hostname(opts->hostname);
		if (ret < 0)
			die_errno(ret, "set host name %s", opts->hostname);
	}
	if (opts->flags & CLONE_NEWPID) {
		ret = ns_remount_proc();
		if (ret < 0)
			die_errno(ret, "make mounts private and mount /proc");
	} else if ((opts->flags & CLONE_NEWNS) &&
	           mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		die_errno(errno, "make mounts private");
	}
	if (opts->verbose)
		narrate_caps();
	cmd_exec(opts->command);
}

int main(int argc, char **argv)
{
	struct options opts = parse_options(argc, argv);
	struct ns_handshake handshake;
	struct maps maps;
	pid_t child;
	int ret, status;

	/* 1. Work out the maps before anything exists: errors come early. */
	make_maps(&opts, &maps);

	/* 2. The child, in its new namespaces, waits for its maps. Until
	 * they are written it is uid 65534 in there, and may do nothing. */
	ret = ns_handshake_open(&handshake);
	if (ret < 0)
		die_errno(ret, "pipe");
	child = ns_clone(opts.flags, &handshake);
	if (child < 0)
		die_errno(child, "clone into a new user namespace");
	if (child == 0)
		run_container(&opts, &handshake);

	/* 3. From outside: the maps, then the release. */
	write_maps(&opts, &maps, child);
	cmd_forward_signals(&child);
	ret = ns_handshake_release(&handshake);
	if (ret < 0) {
		kill(child, SIGKILL);
		die_errno(ret, "release the child");
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die_errno(errno, "waitpid");
	ret = init_exit_code(status);
	return ret < 0 ? EXIT_FAILURE : ret;
}
