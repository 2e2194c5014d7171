/* runtime.c - create, start, kill, delete. See runtime.h.
 *
 * create's child does its setup in chapter 03's container_spawn() hook,
 * with chapter 06's pieces, then tells create it is ready (a byte on a
 * pipe) and blocks opening exec.fifo until start opens it too.
 */
#include "runtime.h"

#include "cg.h"
#include "cgpath.h"
#include "cmd.h"
#include "container.h"
#include "exercise.h"
#include "file.h"
#include "ns.h"
#include "proc.h"
#include "rootfs.h"
#include "sec.h"
#include "sys.h"
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <jansson.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int runtime_open(const char *root, struct runtime *ret)
{
	int err;

	err = file_mkdirs(AT_FDCWD, root, 0700);
	if (err < 0)
		return err;
	if (!realpath(root, ret->root))
		return -errno;
	ret->root_fd = open(ret->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return ret->root_fd < 0 ? -errno : 0;
}

void runtime_close(struct runtime *rt)
{
	if (rt->root_fd >= 0)
		close(rt->root_fd);
	rt->root_fd = -1;
}

/* What the child needs, worked out in the parent. */
struct child_ctx {
	const struct spec *spec;
	const char *id;
	const char *bundle;
	struct spec_error *err; /* the parent's: a hook's failure */
	char root[PATH_MAX];    /* the container's root, absolute */
	const char *cgroup;     /* its cgroup (cgpath.h) */
	int fifo_fd;            /* O_PATH on exec.fifo */
	int console_fd;         /* the console socket, or -1 */
	int *ns_fds;            /* per spec namespace: to join, or -1 */
	int ready_fd;           /* write end: one byte once set up */
	int pid_fd;             /* read end: our PID as the host sees it */
	int pid_write_fd;       /* its write end, the parent's */
	pid_t host_pid;         /* read from it, for the hooks' state */
};

/* Run the hooks KIND that belong in the container's namespaces
 * (createContainer, startContainer) from its own process, with the
 * state as the runtime's hooks get it. */
static int container_hooks(const struct child_ctx *ctx,
                           enum spec_hook_kind kind, const char *status,
                           const char **what)
{
	static struct spec_error err;
	struct container_state state = { .pid = ctx->host_pid };
	int ret;

	if (!ctx->spec->n_hooks[kind])
		return 0;
	snprintf(state.id, sizeof(state.id), "%s", ctx->id);
	snprintf(state.bundle, sizeof(state.bundle), "%s", ctx->bundle);
	ret = runtime_run_hooks(ctx->spec->hooks[kind],
	                        ctx->spec->n_hooks[kind], spec_hook_names[kind],
	                        &state, status, &err);
	if (ret < 0)
		*what = err.text;
	return ret;
}

/* A "cgroup" mount: on a pure cgroup2 host, a cgroup2 of the container's
 * cgroup namespace; elsewhere (v1, hybrid: one hierarchy per controller,
 * already mounted with their own options, so a new "cgroup" mount of
 * them all is refused) the host's tree, bound, as runc falls back to:
 * read-only if the mount says "ro" (a privileged container's is
 * writable: it can run containers of its own). */
static int mount_cgroup(const char *target, unsigned long flags)
{
	struct statfs host;

	/* A hybrid host has a cgroup2 too (/sys/fs/cgroup/unified), with
	 * hardly a controller: only a pure v2 host's is the container's. */
	if (statfs("/sys/fs/cgroup", &host) == 0 &&
	    host.f_type == CGROUP2_SUPER_MAGIC &&
	    mount("cgroup2", target, "cgroup2",
	          flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY),
	          NULL) == 0)
		return 0;
	if (mount("/sys/fs/cgroup", target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	if ((flags & MS_RDONLY) &&
	    mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) <
	            0)
		return -errno;
	return 0;
}

/* One mount of the spec, under ROOT. */
static int mount_one(const char *root, const struct spec_mount *m)
{
	char target[PATH_MAX * 2];
	unsigned long flags = m->flags;
	bool bind = (m->type && !strcmp(m->type, "bind")) || (flags & MS_BIND);
	struct stat st;
	int fd;

	snprintf(target, sizeof(target), "%s%s", root, m->destination);
	if (bind && m->source && stat(m->source, &st) == 0 &&
	    !S_ISDIR(st.st_mode)) {
		fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	} else if (file_mkdirs(AT_FDCWD, target, 0755) < 0) {
		return -errno;
	}
	if (m->type && !strcmp(m->type, "cgroup")) {
		int ret = mount_cgroup(target, flags);

		if (ret < 0)
			return ret;
	} else if (bind) {
		if (mount(m->source, target, NULL, MS_BIND | (flags & MS_REC),
		          NULL) < 0)
			return -errno;
		/* A bind takes its flags only from a second, remount call. */
		if ((flags & ~(MS_BIND | MS_REC)) &&
		    mount(NULL, target, NULL,
		          MS_REMOUNT | MS_BIND | (flags & ~MS_REC), NULL) < 0)
			return -errno;
	} else if (mount(m->source, target, m->type, flags, m->data) < 0) {
		return -errno;
	}
	if (m->propagation &&
	    mount(NULL, target, NULL, m->propagation, NULL) < 0)
		return -errno;
	return 0;
}

/* The node D under ROOT: mknod(2), or, where the kernel refuses (in a
 * user namespace nobody may make device nodes), the host's node bound
 * over an empty file, as runc does. Then its owner and mode. */
static int make_node(const char *root, const struct spec_device *d)
{
	char path[PATH_MAX * 2], *slash;
	int fd, ret;

	snprintf(path, sizeof(path), "%s%s", root, d->path);
	slash = strrchr(path, '/');
	*slash = '\0';
	ret = file_mkdirs(AT_FDCWD, path, 0755);
	if (ret < 0)
		return ret;
	*slash = '/';
	unlink(path); /* the spec's node replaces one of the defaults */
	if (mknod(path, d->type | (d->mode & 07777),
	          makedev(d->major, d->minor)) == 0)
		return chown(path, d->uid, d->gid) < 0 ||
		                       chmod(path, d->mode & 07777) < 0
		               ? -errno
		               : 0;
	if (errno != EPERM || d->type == S_IFIFO)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	if (mount(d->path, path, NULL, MS_BIND, NULL) == 0)
		return 0;
	/* Neither: say why the node could not be made, not the bind. */
	return errno == ENOENT ? -EPERM : -errno;
}

/* The devices every container has, in ROOT/dev, when the spec mounted
 * a tmpfs there (chapter 06's table), and their links. */
static int make_devices(const char *root)
{
	const struct rootfs_device *d;
	const struct rootfs_link *l;
	char path[PATH_MAX * 2];
	int ret;

	for (d = rootfs_devices; d->name; d++) {
		struct spec_device node = { .path = path + strlen(root),
			                    .type = S_IFCHR,
			                    .major = (uint32_t)d->major,
			                    .minor = (uint32_t)d->minor,
			                    .mode = 0666 };

		snprintf(path, sizeof(path), "%s/dev/%s", root, d->name);
		ret = make_node(root, &node);
		if (ret < 0)
			return ret;
	}
	for (l = rootfs_dev_links; l->name; l++) {
		snprintf(path, sizeof(path), "%s/dev/%s", root, l->name);
		if (symlink(l->target, path) < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

/* Join the namespaces the spec gives a path for, through the fds the
 * parent opened (NS_FDS, one per entry of spec->namespaces, -1 for a new
 * one): by now /proc is the container's own and the host's PIDs in
 * those paths mean nothing here. Not PID: the parent joined that one,
 * so that the child was born in it. */
static int join_namespaces(const struct spec *spec, const int *ns_fds,
                           const char **what)
{
	size_t i;

	for (i = 0; i < spec->n_namespaces; i++) {
		const struct spec_namespace *ns = &spec->namespaces[i];

		if (ns_fds[i] < 0 || ns->type == CLONE_NEWPID)
			continue;
		*what = ns->path;
		if (setns(ns_fds[i], (int)ns->type) < 0)
			return -errno;
	}
	return 0;
}

/* linux.sysctl, in the container's namespaces: "net.ipv4.ip_forward=1"
 * is /proc/sys/net/ipv4/ip_forward. Only namespaced ones make sense (a
 * host-wide one would change the host: the kernel refuses it there). */
static int set_sysctls(char *const *sysctl, const char **what)
{
	char path[PATH_MAX], *p;
	const char *value;

	for (; sysctl && *sysctl; sysctl++) {
		value = strchr(*sysctl, '=') + 1;
		snprintf(path, sizeof(path), "/proc/sys/%.*s",
		         (int)(value - 1 - *sysctl), *sysctl);
		for (p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		*what = *sysctl;
		if (file_write_string(AT_FDCWD, path, value) < 0)
			return -errno ? -errno : -EINVAL;
	}
	return 0;
}

/* The root: private, a mount point, the spec's mounts, pivot_root. */
static int enter_root(struct child_ctx *ctx, const char **what)
{
	static char mount_what[96];
	const struct spec *spec = ctx->spec;
	bool dev_tmpfs = false;
	size_t i;
	int ret;

	*what = "make the root a private mount point";
	ret = rootfs_prepare(ctx->root);
	for (i = 0; ret == 0 && i < spec->n_mounts; i++) {
		snprintf(mount_what, sizeof(mount_what), "mounts[%zu] (%s)", i,
		         spec->mounts[i].destination);
		*what = mount_what;
		ret = mount_one(ctx->root, &spec->mounts[i]);
		if (!strcmp(spec->mounts[i].destination, "/dev"))
			dev_tmpfs = true;
	}
	if (ret == 0 && dev_tmpfs) {
		*what = "make the devices in /dev";
		ret = make_devices(ctx->root);
	}
	for (i = 0; ret == 0 && i < spec->n_devices; i++) {
		snprintf(mount_what, sizeof(mount_what),
		         "linux.devices[%zu] (%s)", i, spec->devices[i].path);
		*what = mount_what;
		ret = make_node(ctx->root, &spec->devices[i]);
	}
	/* The mounts are made, the root is still the runtime's: paths
	 * resolve as the runtime sees them. */
	if (ret == 0)
		ret = container_hooks(ctx, SPEC_HOOK_CREATE_CONTAINER,
		                      "creating", what);
	if (ret == 0) {
		*what = "pivot_root";
		ret = rootfs_pivot(ctx->root);
	}
	/* The sysctls while /proc/sys can still be written; then the
	 * paths the spec masks and makes read-only (/proc/sys among
	 * them). */
	if (ret == 0)
		ret = set_sysctls(spec->sysctl, what);
	if (ret == 0 && spec->masked_paths) {
		*what = "linux.maskedPaths";
		ret = sec_mask_paths((const char *const *)spec->masked_paths);
	}
	if (ret == 0 && spec->readonly_paths) {
		*what = "linux.readonlyPaths";
		ret = sec_make_readonly(
		        (const char *const *)spec->readonly_paths);
	}
	if (ret == 0 && spec->rootfs_propagation) {
		*what = "linux.rootfsPropagation";
		if (mount(NULL, "/", NULL, spec->rootfs_propagation, NULL) < 0)
			ret = -errno;
	}
	if (ret == 0 && spec->root_readonly) {
		*what = "make the root read-only";
		if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY,
		          NULL) < 0)
			ret = -errno;
	}
	return ret;
}

/* The capabilities named in NAMES ("CAP_CHOWN"...) as a set, with
 * chapter 10's parser. */
static int caps_of(char *const *names, uint64_t *ret, const char **what)
{
	char list[4096] = "";
	size_t len = 0;
	const char *bad;

	for (; names && *names && len < sizeof(list); names++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
		                        len ? "," : "", *names);
	if (!len) {
		*ret = 0;
		return 0;
	}
	if (sec_caps_parse(list, ret, &bad) < 0) {
		*what = "process.capabilities: an unknown capability";
		return -EINVAL;
	}
	return 0;
}

/* Load FILTER (if any) and release it; -errno on failure. */
static int load_filter(scmp_filter_ctx *filter)
{
	int ret = 0;

	if (*filter) {
		ret = seccomp_load(*filter);
		seccomp_release(*filter);
		*filter = NULL;
	}
	return ret;
}

/* The process's own settings, last of all, in a runtime's order: its
 * oomScoreAdj, rlimits and directory; the seccomp filter (now, while
 * CAP_SYS_ADMIN is there to load it, if no_new_privs will not be set);
 * its user, keeping the capabilities through setuid(2); the
 * capabilities (chapter 10); no_new_privs; the filter (now, with
 * no_new_privs: the fewest of our own calls left to allow); its
 * environment. Then the caller execs. */
int runtime_become_process(const struct spec *spec, const char **what)
{
	static char why[256];
	const struct spec_process *p = &spec->process;
	scmp_filter_ctx filter = NULL;
	extern char **environ;
	uint64_t keep = 0, ambient = 0;
	bool caps = p->caps[SPEC_CAP_BOUNDING] || p->caps[SPEC_CAP_PERMITTED];
	struct rlimit limit;
	char score[16];
	size_t i;
	int ret;

	if (p->has_oom_score_adj) {
		*what = "set oomScoreAdj";
		snprintf(score, sizeof(score), "%d", p->oom_score_adj);
		if (file_write_string(AT_FDCWD, "/proc/self/oom_score_adj",
		                      score) < 0)
			return -errno;
	}
	*what = "set the rlimits";
	for (i = 0; i < p->n_rlimits; i++) {
		limit.rlim_cur = p->rlimits[i].soft;
		limit.rlim_max = p->rlimits[i].hard;
		if (setrlimit(p->rlimits[i].resource, &limit) < 0)
			return -errno;
	}
	*what = p->cwd;
	if (chdir(p->cwd) < 0)
		return -errno;
	if (spec->seccomp_json && sec_seccomp_build(spec->seccomp_json, &filter,
	                                            why, sizeof(why)) < 0) {
		*what = why;
		return -EINVAL;
	}
	*what = "load the seccomp filter";
	if (!p->no_new_privileges && (ret = load_filter(&filter)) < 0)
		return ret;
	ret = caps_of(p->caps[p->caps[SPEC_CAP_PERMITTED] ? SPEC_CAP_PERMITTED
	                                                  : SPEC_CAP_BOUNDING],
	              &keep, what);
	if (ret == 0)
		ret = caps_of(p->caps[SPEC_CAP_AMBIENT], &ambient, what);
	if (ret < 0)
		return ret;
	*what = "become the process's user";
	if ((caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) ||
	    setgroups(p->n_additional_gids, p->additional_gids) < 0 ||
	    setgid(p->gid) < 0 || setuid(p->uid) < 0)
		return -errno;
	*what = "limit the capabilities";
	if (caps && (ret = sec_caps_limit(keep)) < 0)
		return ret;
	if (ambient && (ret = sec_caps_ambient(ambient)) < 0)
		return ret;
	*what = "set no_new_privs";
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	*what = "load the seccomp filter";
	if ((ret = load_filter(&filter)) < 0)
		return ret;
	environ = p->env ? p->env : (char *[]){ NULL };
	return 0;
}

/* EXERCISE 11.9: your own helper functions can go here. */

int runtime_send_console(int socket_fd)
{
	/* EXERCISE 11.9: A terminal through the console socket (challenge, 10 points)
	 *
	 * posix_openpt(O_RDWR | O_NOCTTY), grantpt(), unlockpt(), ptsname()
	 * for the slave's name; setsid() so this process can take a
	 * controlling terminal; open the slave (O_RDWR), ioctl(TIOCSCTTY);
	 * dup2() it onto 0, 1 and 2; send the master over SOCKET_FD with
	 * sendmsg(2) and one SCM_RIGHTS control message holding the fd (the
	 * message: the slave's name); close the master here (the receiver
	 * has its own copy now) and the slave's extra fd.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("11.9", socket_fd);
}

int runtime_receive_console(int socket_fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	char name[256];
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	struct msghdr msg = { .msg_iov = &iov,
		              .msg_iovlen = 1,
		              .msg_control = control.buf,
		              .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC) < 0)
		return -errno;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET ||
	    cmsg->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

static uint64_t new_namespaces(const struct spec *spec);

/* Bind the terminal on our stdin over /dev/console, made as an empty
 * file first if the root has none. */
static int bind_console(const char **what)
{
	const char *tty = ttyname(STDIN_FILENO);
	int fd;

	*what = "bind the terminal to /dev/console";
	if (!tty)
		return -errno;
	fd = open("/dev/console", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	return mount(tty, "/dev/console", NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

/* A new network namespace has only lo, and down: up it goes, as every
 * runtime does (127.0.0.1 is expected to work in any container). */
static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		ret = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (ret == 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* In the child: everything, then "ready", then wait for start. */
static int setup_container(void *data, const char **what)
{
	struct child_ctx *ctx = data;
	char fifo[64];
	int ret, fd;

	/* Our PID as the host sees it, which create wrote before it let
	 * us go (inside a new PID namespace we are 1). */
	*what = "read the container's PID";
	if (read(ctx->pid_fd, &ctx->host_pid, sizeof(ctx->host_pid)) !=
	    sizeof(ctx->host_pid))
		return -EPIPE;
	close(ctx->pid_fd);
	/* In a new user namespace, with its maps written by now: become
	 * its root (when it has one), so what is made next is root's. */
	if ((new_namespaces(ctx->spec) & CLONE_NEWUSER) &&
	    ctx->spec->n_uid_mappings) {
		*what = "become root of the user namespace";
		ret = userns_become_root();
		if (ret < 0 && ret != -EINVAL)
			return ret;
		/* Changing our IDs made us "not dumpable": /proc/self/fd,
		 * which the fifo is opened through, would be the host
		 * root's. Nothing else is in the namespace yet. */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
			return -errno;
	}
	/* A new cgroup namespace now, not at clone: by now create has put
	 * us in our cgroup, which becomes the namespace's root, "/". */
	if (new_namespaces(ctx->spec) & CLONE_NEWCGROUP) {
		*what = "unshare the cgroup namespace";
		if (unshare(CLONE_NEWCGROUP) < 0)
			return -errno;
	}
	ret = join_namespaces(ctx->spec, ctx->ns_fds, what);
	if (ret == 0)
		ret = enter_root(ctx, what);
	if (ret == 0 && ctx->console_fd >= 0) {
		/* In the new root: the terminal comes from its devpts. */
		*what = "send the terminal to the console socket";
		ret = runtime_send_console(ctx->console_fd);
		close(ctx->console_fd);
		/* And it is the container's /dev/console, as runc does. */
		if (ret == 0)
			ret = bind_console(what);
	}
	if (ret == 0 && (new_namespaces(ctx->spec) & CLONE_NEWNET)) {
		*what = "bring up lo";
		ret = loopback_up();
	}
	/* The directory the program starts in must be there: found now,
	 * create fails, not the program after start. */
	if (ret == 0 && access(ctx->spec->process.cwd, F_OK) < 0) {
		ret = -errno;
		*what = "process.cwd";
	}
	if (ret < 0)
		return ret;
	*what = "tell create the container is ready";
	if (write(ctx->ready_fd, "r", 1) != 1)
		return -errno;
	close(ctx->ready_fd);
	/* Blocks until start opens the fifo for reading (through our
	 * /proc: the fifo is not in our new root). */
	*what = "wait for start on exec.fifo";
	snprintf(fifo, sizeof(fifo), "/proc/self/fd/%d", ctx->fifo_fd);
	fd = open(fifo, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, "0", 1) == 1 ? 0 : -errno;
	/* FD stays open, close-on-exec: start reads until it closes,
	 * when the program runs. */
	close(ctx->fifo_fd);
	if (ret == 0)
		ret = container_hooks(ctx, SPEC_HOOK_START_CONTAINER, "created",
		                      what);
	/* Last, the user: once it is not root, the process is no longer
	 * "dumpable" and its /proc/self/fd is root's, so the fifo had to
	 * be opened first. */
	return ret < 0 ? ret : runtime_become_process(ctx->spec, what);
}

/* The CLONE_NEW* flags of the namespaces the spec wants new. */
static uint64_t new_namespaces(const struct spec *spec)
{
	uint64_t flags = 0, joined = 0;
	size_t i;

	for (i = 0; i < spec->n_namespaces; i++)
		if (!spec->namespaces[i].path)
			flags |= spec->namespaces[i].type;
		else
			joined |= spec->namespaces[i].type;
	/* A mount namespace of its own, always, unless one is joined:
	 * the root's mounts must not be made in the runtime's. */
	return joined & CLONE_NEWNS ? flags : flags | CLONE_NEWNS;
}

/* Open the namespaces the spec names by path, in NS_FDS (-1 for a new
 * one), and join the PID one now. Returns 0 or -errno (ERR says which). */
static int open_namespaces(const struct spec *spec, int *ns_fds,
                           struct spec_error *err)
{
	size_t i;

	for (i = 0; i < spec->n_namespaces; i++) {
		const struct spec_namespace *ns = &spec->namespaces[i];

		ns_fds[i] = -1;
		if (!ns->path)
			continue;
		ns_fds[i] = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (ns_fds[i] < 0 || (ns->type == CLONE_NEWPID &&
		                      setns(ns_fds[i], CLONE_NEWPID) < 0)) {
			snprintf(err->text, sizeof(err->text),
			         "linux.namespaces[%zu].path %s: %s", i,
			         ns->path, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* The spec's linux.uidMappings and gidMappings as a map of chapter 04;
 * -EINVAL with ERR set for one the kernel would refuse. */
static int to_map(const struct spec_id_mapping *m, size_t n, const char *where,
                  struct userns_map *ret, struct spec_error *err)
{
	struct userns_extent extent;
	size_t i;
	int r;

	ret->count = 0;
	for (i = 0; i < n; i++) {
		extent = (struct userns_extent){ m[i].container_id,
			                         m[i].host_id, m[i].size };
		r = userns_map_add(ret, &extent);
		if (r < 0) {
			snprintf(err->text, sizeof(err->text), "%s[%zu]: %s",
			         where, i,
			         r == -EEXIST ? "overlaps another line"
			                      : "not a valid range");
			return -EINVAL;
		}
	}
	return 0;
}

/* Give a child in a new user namespace its maps, from outside (chapter
 * 04), before it does anything: it is privileged, so it writes gid_map
 * without denying setgroups(2), which the process may need. */
static int write_id_maps(const struct spec *spec, pid_t child,
                         struct spec_error *err)
{
	static struct userns_map uids, gids;
	char text[USERNS_MAP_MAX * 36], path[64];
	int ret;

	if (!(new_namespaces(spec) & CLONE_NEWUSER))
		return 0;
	ret = to_map(spec->uid_mappings, spec->n_uid_mappings,
	             "linux.uidMappings", &uids, err);
	if (ret == 0)
		ret = to_map(spec->gid_mappings, spec->n_gid_mappings,
		             "linux.gidMappings", &gids, err);
	if (ret < 0)
		return ret;
	if (uids.count && userns_format_map(&uids, text, sizeof(text)) > 0) {
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)child);
		ret = file_write_string(AT_FDCWD, path, text);
	}
	if (ret == 0 && gids.count &&
	    userns_format_map(&gids, text, sizeof(text)) > 0) {
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)child);
		ret = file_write_string(AT_FDCWD, path, text);
	}
	if (ret < 0) {
		ret = -errno;
		snprintf(err->text, sizeof(err->text), "write %s: %s", path,
		         strerror(errno));
	}
	return ret;
}

/* create's step (2), from outside, before the child goes on: the
 * cgroup, then the prestart and createRuntime hooks (runtime namespace,
 * the container's namespaces made, nothing run in them yet). */
static int place_child(pid_t child, void *data)
{
	struct child_ctx *ctx = data;
	struct container_state state = { .pid = child };
	int ret, kind;

	ret = write(ctx->pid_write_fd, &child, sizeof(child)) == sizeof(child)
	              ? 0
	              : -errno;
	if (ret == 0)
		ret = write_id_maps(ctx->spec, child, ctx->err);
	if (ret == 0)
		ret = cgpath_create(ctx->cgroup, ctx->spec, child, ctx->err);
	snprintf(state.id, sizeof(state.id), "%s", ctx->id);
	snprintf(state.bundle, sizeof(state.bundle), "%s", ctx->bundle);
	for (kind = SPEC_HOOK_PRESTART;
	     ret == 0 && kind <= SPEC_HOOK_CREATE_RUNTIME; kind++)
		ret = runtime_run_hooks(
		        ctx->spec->hooks[kind], ctx->spec->n_hooks[kind],
		        spec_hook_names[kind], &state, "creating", ctx->err);
	return ret;
}

/* The child is made; wait for its "ready" (or its end: it failed). */
static int wait_ready(int ready_fd, pid_t child)
{
	char byte;
	int status;

	if (read(ready_fd, &byte, 1) == 1)
		return 0;
	waitpid(child, &status, 0); /* it reported what failed */
	return -ECHILD;
}

static void close_all(int *fds, size_t n)
{
	while (n-- > 0)
		if (fds[n] >= 0)
			close(fds[n]);
}

/* The parent's part of create, once the state directory exists. */
static int spawn(const struct runtime *rt, const struct runtime_create *c,
                 int dir_fd, struct container_state *state,
                 struct spec_error *err)
{
	struct child_ctx ctx = { .spec = c->spec,
		                 .id = c->id,
		                 .bundle = c->bundle,
		                 .err = err,
		                 .cgroup = state->cgroup,
		                 .fifo_fd = -1,
		                 .console_fd = c->console_fd };
	struct container_spec cs = {
		.flags = new_namespaces(c->spec) & ~(uint64_t)CLONE_NEWCGROUP,
		.command = c->spec->process.args,
		.hostname = c->spec->hostname,
		.detach = !c->foreground,
		.data = &ctx,
		.setup_parent = place_child,
		.setup_child = setup_container,
	};
	int pipe_fds[2], pid_fds[2], ns_fds[16], ret;
	struct stat st;
	pid_t child;

	(void)rt;
	if (c->spec->n_namespaces > 16) {
		snprintf(err->text, sizeof(err->text),
		         "linux.namespaces: more than 16");
		return -EINVAL;
	}
	if (c->spec->root_path[0] == '/')
		snprintf(ctx.root, sizeof(ctx.root), "%s", c->spec->root_path);
	else
		snprintf(ctx.root, sizeof(ctx.root), "%s/%s", c->bundle,
		         c->spec->root_path);
	ret = stat(ctx.root, &st) < 0 ? -errno
	      : S_ISDIR(st.st_mode)   ? 0
	                              : -ENOTDIR;
	if (ret < 0) {
		snprintf(err->text, sizeof(err->text), "root.path %.200s: %s",
		         ctx.root, strerror(-ret));
		return ret;
	}
	/* 0622 whatever the umask: a process in a user namespace writes
	 * it as "other" (its directory, 0700, keeps everyone else out). */
	if (mkfifoat(dir_fd, "exec.fifo", 0622) < 0 ||
	    fchmodat(dir_fd, "exec.fifo", 0622, 0) < 0 ||
	    (ctx.fifo_fd = openat(dir_fd, "exec.fifo", O_PATH | O_CLOEXEC)) < 0)
		return -errno;
	ctx.ns_fds = ns_fds;
	ret = open_namespaces(c->spec, ns_fds, err);
	if (ret < 0 || pipe2(pipe_fds, O_CLOEXEC) < 0 ||
	    pipe2(pid_fds, O_CLOEXEC) < 0) {
		close_all(ns_fds, c->spec->n_namespaces);
		close(ctx.fifo_fd);
		return ret < 0 ? ret : -errno;
	}
	ctx.ready_fd = pipe_fds[1];
	ctx.pid_fd = pid_fds[0];
	ctx.pid_write_fd = pid_fds[1];
	child = container_spawn(&cs);
	close_all(ns_fds, c->spec->n_namespaces);
	close(pipe_fds[1]);
	close(pid_fds[0]);
	close(pid_fds[1]);
	close(ctx.fifo_fd);
	ret = child < 0 ? (int)child : wait_ready(pipe_fds[0], child);
	close(pipe_fds[0]);
	if (ret < 0) {
		if (!err->text[0])
			snprintf(err->text, sizeof(err->text), "%s",
			         ret == -ECHILD ? "the container's process "
			                          "failed while being set up"
			                        : strerror(-ret));
		return ret;
	}
	state->pid = child;
	state->start_time = state_start_time(child);
	return 0;
}

/* Every capability name of the process is one this kernel has: found
 * now, create fails, instead of the process at start. */
static int check_caps(const struct spec_process *p, struct spec_error *err)
{
	static const char *const sets[] = { "bounding", "effective",
		                            "inheritable", "permitted",
		                            "ambient" };
	const char *bad;
	uint64_t set;
	int i, j;

	for (i = 0; i < SPEC_CAP_SETS; i++)
		for (j = 0; p->caps[i] && p->caps[i][j]; j++)
			if (sec_caps_parse(p->caps[i][j], &set, &bad) < 0) {
				snprintf(err->text, sizeof(err->text),
				         "process.capabilities.%s[%d]: unknown "
				         "capability \"%.64s\"",
				         sets[i], j, p->caps[i][j]);
				return -EINVAL;
			}
	return 0;
}

int runtime_create(const struct runtime *rt, const struct runtime_create *c,
                   struct container_state *ret, struct spec_error *err)
{
	struct container_state state = { .status = STATE_CREATING };
	time_t now = time(NULL);
	int dir_fd, r;

	err->text[0] = '\0';
	if (state_check_id(c->id) < 0) {
		snprintf(err->text, sizeof(err->text),
		         "container ID \"%s\": letters, digits, _ . - + only",
		         c->id);
		return -EINVAL;
	}
	snprintf(state.id, sizeof(state.id), "%s", c->id);
	snprintf(state.bundle, sizeof(state.bundle), "%s", c->bundle);
	strftime(state.created, sizeof(state.created), "%Y-%m-%dT%H:%M:%SZ",
	         gmtime(&now));
	r = cgpath_resolve(c->spec->cgroups_path, c->id, state.cgroup,
	                   sizeof(state.cgroup), err);
	if (r == 0)
		r = check_caps(&c->spec->process, err);
	if (r < 0)
		return r;
	if (mkdirat(rt->root_fd, c->id, 0700) < 0) {
		r = -errno;
		snprintf(err->text, sizeof(err->text), "container %s: %s",
		         c->id, r == -EEXIST ? "exists" : strerror(-r));
		return r;
	}
	/* A state from the start ("creating", no process yet, the cgroup
	 * it will have): if this process is killed from here on, `delete
	 * --force` finds what to remove. */
	r = state_save(rt->root_fd, &state);
	dir_fd = r < 0 ? -1
	               : openat(rt->root_fd, c->id,
	                        O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r == 0 && dir_fd < 0)
		r = -errno;
	if (r == 0)
		r = spawn(rt, c, dir_fd, &state, err);
	state.status = STATE_CREATED;
	if (r == 0)
		r = state_save(rt->root_fd, &state);
	if (dir_fd >= 0)
		close(dir_fd);
	if (r < 0) {
		if (state.pid > 0)
			kill(state.pid, SIGKILL);
		cgpath_remove(state.cgroup);
		file_remove_tree(rt->root_fd, c->id);
		if (!err->text[0])
			snprintf(err->text, sizeof(err->text), "%s",
			         strerror(-r));
		return r;
	}
	*ret = state;
	return 0;
}

int runtime_start(const struct runtime *rt, const char *id)
{
	/* EXERCISE 11.5: start: open the fifo (15 points)
	 *
	 * Load the state (state_load(), state_refresh()); only a "created"
	 * container can be started (-ESRCH for a stopped one, -EINVAL for
	 * the others). Open ID/exec.fifo under rt->root_fd with O_RDONLY |
	 * O_NONBLOCK | O_CLOEXEC: with a reader there, the container's
	 * blocked open() for writing returns and it writes one byte. Read
	 * until end of file: poll(2), 100 ms at a time, reading what comes;
	 * end of file (read() returns 0 after the byte) means the container
	 * has closed its end, which it holds close-on-exec: its program is
	 * running now (or has even ended). Until the byte has come, check
	 * between two polls that the process is still there
	 * (state_process_alive(); -ESRCH if not: it died while created).
	 * Close the fifo and unlink it (unlinkat): from now on
	 * state_refresh() says "running" (the status is worked out, not
	 * stored: runc does the same).
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("11.5", rt, id);
}

/* EXERCISE 11.8: kill and delete (15 points)
 *
 * runtime_kill(): load the state (state_load()) and refresh it
 * (state_refresh()); a stopped container cannot be signalled (-ESRCH).
 * With ALL, signal every process of its cgroup (cgpath_signal_all() on
 * state.cgroup: what the container's init started, and what exec put
 * there). Else signal its process through a pidfd (sys_pidfd_open()):
 * check with state_process_alive() that the process the pidfd holds is
 * the container's (its start time), then sys_pidfd_send_signal(); a
 * PID read from a file may have been reused since, a pidfd cannot be.
 *
 * runtime_delete(): a state that cannot be read (-EINVAL: damaged) is
 * removed with FORCE (file_remove_tree() of ID under rt->root_fd), else
 * returned. Refresh the status; anything but stopped is -EBUSY without
 * FORCE; with it, SIGKILL the process through a pidfd and wait until
 * it has exited (poll(2) on the pidfd: readable when it has, at most 5
 * s). Then remove the cgroup (cgpath_remove(); it kills what is left)
 * and the state directory.
 *
 * stub:
 * Replace the stub below with your code.
 */
int runtime_kill(const struct runtime *rt, const char *id, int sig,
                 bool all)
{
	return exercise_todo("11.8", rt, id, sig, all);
}
int runtime_delete(const struct runtime *rt, const char *id, bool force)
{
	return exercise_todo("11.8", rt, id, force);
}

/* --- hooks -------------------------------------------------------------- */

/* EXERCISE 11.6: your own helper functions can go here. */

int runtime_run_hooks(const struct spec_hook *hooks, size_t n, const char *kind,
                      const struct container_state *state, const char *status,
                      struct spec_error *err)
{
	/* EXERCISE 11.6: Hooks, with the state on stdin (10 points)
	 *
	 * For each hook in order: make the state document (json_pack() the
	 * OCI state: ociVersion, id, status STATUS, pid, bundle), a pipe,
	 * and a child that takes the pipe's read end as its stdin and
	 * execve(2)s the hook (args, or the path alone; env, or none). In
	 * the parent write the whole document to the pipe and close it,
	 * then wait for the child, killing it after hook->timeout seconds
	 * (a pidfd and poll(2) say when it ends). Stop at the first failure
	 * and fill ERR: "hooks.KIND[I] (PATH): exited with N", "...: killed
	 * by signal N", "...: timed out after N s".
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("11.6", hooks, n, kind, state, status, err);
}

/* --- pause, resume, ps ------------------------------------------------- */

/* The cgroup of the container of STATE (chapter 05's struct cg). */
static int open_cgroup(const struct container_state *state, struct cg *ret)
{
	return cgpath_open(state->cgroup, ret);
}

/* Is CG frozen now: v2 cgroup.freeze "1", v1 freezer.state "FROZEN". */
static bool is_frozen(const struct cg *cg)
{
	char path[PATH_MAX + 32], text[16] = "";

	if (cg->dir[CG_FREEZER][0]) {
		snprintf(path, sizeof(path), "%s/freezer.state",
		         cg->dir[CG_FREEZER]);
		return file_read_buf(AT_FDCWD, path, text, sizeof(text)) > 0 &&
		       !strncmp(text, "FROZEN", 6);
	}
	for (int c = 0; c < CG_CONTROLLERS; c++)
		if (cg->v2[c] && cg->dir[c][0]) {
			snprintf(path, sizeof(path), "%s/cgroup.freeze",
			         cg->dir[c]);
			return file_read_buf(AT_FDCWD, path, text,
			                     sizeof(text)) > 0 &&
			       text[0] == '1';
		}
	return false;
}

void runtime_refresh(const struct runtime *rt, struct container_state *state)
{
	struct cg cg;

	state_refresh(rt->root_fd, state,
	              open_cgroup(state, &cg) == 0 && is_frozen(&cg));
}

int runtime_pause(const struct runtime *rt, const char *id, bool frozen)
{
	struct container_state state;
	struct cg cg;
	int ret;

	ret = state_load(rt->root_fd, id, &state);
	if (ret < 0)
		return ret;
	runtime_refresh(rt, &state);
	if (state.status != (frozen ? STATE_RUNNING : STATE_PAUSED))
		return -EINVAL;
	ret = open_cgroup(&state, &cg);
	return ret < 0 ? ret : cg_freeze(&cg, frozen);
}

int runtime_pids(const struct runtime *rt, const char *id, pid_t **ret,
                 size_t *ret_count)
{
	char path[PATH_MAX + 32], *text, *line, *save;
	struct container_state state;
	size_t n = 0, size = 16;
	pid_t *pids;
	struct cg cg;
	int err, c;

	err = state_load(rt->root_fd, id, &state);
	if (err == 0)
		err = open_cgroup(&state, &cg);
	if (err < 0)
		return err;
	for (c = 0; c < CG_CONTROLLERS && !cg.dir[c][0]; c++)
		;
	if (c == CG_CONTROLLERS)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg.dir[c]);
	err = file_read_all(AT_FDCWD, path, &text, NULL);
	if (err < 0)
		return err;
	pids = malloc(size * sizeof(*pids));
	for (line = strtok_r(text, "\n", &save); pids && line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (n == size) {
			pid_t *grown =
			        realloc(pids, (size *= 2) * sizeof(*pids));

			if (!grown)
				break;
			pids = grown;
		}
		pids[n++] = (pid_t)atoi(line);
	}
	free(text);
	if (!pids)
		return -ENOMEM;
	*ret = pids;
	*ret_count = n;
	return 0;
}

/* --- exec --------------------------------------------------------------- */

/* EXERCISE 11.7: your own helper functions can go here. */

int runtime_exec(const struct runtime *rt, const char *id,
                 struct runtime_exec *e)
{
	/* EXERCISE 11.7: exec into a running container (15 points)
	 *
	 * Load the state and refresh it (runtime_refresh()); only a
	 * running container takes an exec (-EINVAL). Put this process in
	 * the container's cgroup (open it, cg_attach() getpid()), so that
	 * what it starts is counted and killed with the rest. Work out the
	 * namespace types in which the container's process is elsewhere
	 * (ns_identity() of both, per type of ns_types[]) and ns_join()
	 * them: joining the mount namespace also makes the container's
	 * root ours. fork(): in the child, with E->terminal
	 * runtime_send_console() to E->console_fd (challenge 11.9); then
	 * with E->spec take its process settings (user, capabilities,
	 * no_new_privs, seccomp, directory, environment:
	 * runtime_become_process(), what create's child does), else chdir
	 * to E->cwd (or "/") and take E->env if given (exit 126 if any of
	 * it fails); execvp(); a child that cannot exec says so
	 * and ends with 127 (not found) or 126 (cmd_exit_exec_failure()). The parent returns 0 at once if
	 * E->detach, else the child's wait status.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("11.7", rt, id, e);
}
