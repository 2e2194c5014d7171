/* boxmon - one container's monitor, what conmon is to podman and
 * containerd-shim to containerd.
 *
 *	boxmon --root ROOT --exec-root EXEC [--attachers N] ID
 *
 * boxd starts one per container, detached (a session of its own), so
 * that the container outlives the daemon: kill -9 boxd and the container
 * runs on, its output still logged, its exit status still recorded.
 * boxmon:
 *   1. mounts the container's layers (chapter 08's store) on its merged
 *      directory, the bundle's root;
 *   2. listens on EXEC/attach/ID12.sock, and waits (5 s at
 *      most) for the N clients that asked to attach before start;
 *   3. creates the container with chapter 11's runtime, its stdout and
 *      stderr on pipes (or a pseudo-terminal, with Tty); with a bridge
 *      network, has chapter 09's boxnet plug it into bx0 and publish its
 *      ports (as podman has netavark do it), and relays connections to
 *      each published port from this host itself (a userland proxy, as
 *      Docker's docker-proxy: DNAT does not see the host's own
 *      traffic); then starts it;
 *   4. copies what it writes into ROOT/containers/ID/ID-json.log, a JSON
 *      line per chunk as Docker's json-file driver does, and to every
 *      attached client, with the 8-byte frame header of a multiplexed
 *      stream when there is no terminal; what a client sends goes to the
 *      container's stdin;
 *   5. when it exits, unplugs it (and takes the bridge down if it was
 *      the last), deletes it from the runtime, unmounts, then records
 *      the status in ROOT/containers/ID/state.json (replaced whole),
 *      and ends.
 */
#include "api.h"
#include "die.h"
#include "file.h"
#include "ovl.h"
#include "runtime.h"
#include "spec.h"
#include "status.h"
#include "store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 16

static char dir[PATH_MAX]; /* ROOT/containers/ID */
static json_t *network;    /* NetworkSettings, for state.json */
static const char *container_id;

/* RFC 3339 with nanoseconds, as Docker writes its times. */
static void now_rfc3339(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
}

/* state.json, replaced whole: what boxd reads for ps, inspect, wait. */
static void save_state(const char *status, int pid, int exit_code,
                       const char *started, const char *finished,
                       const char *error)
{
	char path[PATH_MAX + 16], *text;
	json_t *doc;

	doc = json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:i, s:O?}", "Id",
	                container_id, "Status", status, "Pid", pid, "ExitCode",
	                exit_code, "StartedAt", started, "FinishedAt", finished,
	                "Error", error, "Monitor", (int)getpid(),
	                "NetworkSettings", network);
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	snprintf(path, sizeof(path), "%s/state.json", dir);
	if (!text ||
	    file_replace_volatile(AT_FDCWD, path, text, strlen(text), 0600) < 0)
		warn_errno(errno, "write %s", path);
	free(text);
}

/* The attached clients, and the log. */
static int clients[MAX_CLIENTS], n_clients, log_fd = -1;
static bool client_done[MAX_CLIENTS]; /* has sent its end of input */
static bool multiplexed = true;

/* Write all of BUF to FD; false if the other end is gone. */
static bool send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* What the container wrote on STREAM (1 stdout, 2 stderr): a log line,
 * and a frame (or the raw bytes, with a terminal) to each client. */
static void output(int stream, const char *buf, size_t len)
{
	unsigned char header[8];
	char when[48], *line;
	int i;

	api_frame_header((enum api_stream)stream, len, header);
	now_rfc3339(when, sizeof(when));
	line = log_line(stream, buf, len, when);
	if (line && log_fd >= 0)
		send_all(log_fd, line, strlen(line));
	free(line);
	for (i = 0; i < n_clients; i++) {
		if (clients[i] < 0)
			continue;
		if ((multiplexed && !send_all(clients[i], header, 8)) ||
		    !send_all(clients[i], buf, len)) {
			close(clients[i]);
			clients[i] = -1;
		}
	}
}

/* --- the network: chapter 09's boxnet, and a proxy per published port - */

static char boxnet_path[PATH_MAX + 64], boxnet_state[PATH_MAX];
static int boxnet_err = STDERR_FILENO; /* where boxnet's errors go */
static pid_t proxies[32];
static int n_proxies;
static bool plugged; /* boxnet attach succeeded */

/* Run boxnet ARGS... (NULL-terminated); its first line of output into
 * LINE (SIZE bytes, may be NULL). Returns its exit status, or -1. */
static int boxnet(char *line, size_t size, ...)
{
	char *argv[12] = { "boxnet", "--state", boxnet_state };
	int n = 3, pipe_fds[2], status;
	ssize_t len = 0, got;
	va_list ap;
	pid_t pid;

	va_start(ap, size);
	while (n < 11 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pipe_fds[1], STDOUT_FILENO);
		dup2(boxnet_err, STDERR_FILENO);
		execv(boxnet_path, argv);
		_exit(127);
	}
	close(pipe_fds[1]);
	while (line && (size_t)len < size - 1 &&
	       (got = read(pipe_fds[0], line + len, size - 1 - (size_t)len)) >
	               0)
		len += got;
	if (line) {
		line[len] = '\0';
		line[strcspn(line, "\n")] = '\0';
	}
	close(pipe_fds[0]);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A TCP port of this host that nothing listens on, or -1. */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, len) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Copy between A and B until either ends. */
static void relay(int a, int b)
{
	char buf[16384];

	for (;;) {
		struct pollfd p[2] = { { .fd = a, .events = POLLIN },
			               { .fd = b, .events = POLLIN } };
		int i;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return;
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0 || !send_all(i ? a : b, buf, (size_t)n))
				return;
		}
	}
}

/* The userland proxy of one published port: a child that accepts on
 * HOST_IP:HOST_PORT and relays each connection, in a child of its own,
 * to ADDR:PORT. Returns its PID, or -1 if the port is taken. */
static pid_t proxy(const char *host_ip, int host_port, struct in_addr addr,
                   int port)
{
	struct sockaddr_in listen_at = { .sin_family = AF_INET,
		                         .sin_port = htons(host_port) },
	                   to = { .sin_family = AF_INET,
		                  .sin_port = htons(port),
		                  .sin_addr = addr };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	pid_t pid;

	if (*host_ip)
		inet_pton(AF_INET, host_ip, &listen_at.sin_addr);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&listen_at, sizeof(listen_at)) < 0 ||
	    listen(fd, 64) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	pid = fork();
	if (pid != 0) {
		close(fd);
		return pid;
	}
	/* Nothing of the monitor's: above all not the container's pipes,
	 * whose ends must close when the monitor closes them. */
	int null = open("/dev/null", O_RDWR);

	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	if (fd != 3) {
		dup2(fd, 3);
		fd = 3;
	}
	close_range(4, ~0U, 0);
	signal(SIGCHLD, SIG_IGN); /* the relays reap themselves */
	for (;;) {
		int client = accept4(fd, NULL, NULL, SOCK_CLOEXEC), server;

		if (client < 0)
			continue;
		if (fork() == 0) {
			server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (server >= 0 &&
			    connect(server, (struct sockaddr *)&to,
			            sizeof(to)) == 0)
				relay(client, server);
			_exit(0);
		}
		close(client);
	}
}

/* Plug the container (its first process PID) into the bridge, publish
 * its ports, start their proxies: NetworkSettings in *network. HOST is
 * its HostConfig. Returns 0, or -1 having said why on stderr. */
static int network_up(json_t *host, pid_t pid)
{
	char pid_text[16], line[256], mapping[32], addr_text[32],
	        prefix_text[8], gateway[INET_ADDRSTRLEN];
	const char *mode =
	        json_string_value(json_object_get(host, "NetworkMode"));
	json_t *ports = json_object(), *bindings, *b;
	struct in_addr addr, gw;
	const char *key;
	size_t i;
	int prefix = 24;

	if (mode && (!strcmp(mode, "none") || !strcmp(mode, "host")))
		return 0;
	snprintf(pid_text, sizeof(pid_text), "%d", (int)pid);
	if (boxnet(line, sizeof(line), "attach", pid_text, "--up", NULL) != 0 ||
	    sscanf(line, "%*d %31[0-9.]", addr_text) != 1 ||
	    inet_pton(AF_INET, addr_text, &addr) != 1) {
		warn("boxnet attach %s failed", pid_text);
		json_decref(ports);
		return -1;
	}
	plugged = true;
	/* The gateway is the subnet's first address (boxnet's default,
	 * 10.89.0.0/24). */
	gw.s_addr = htonl((ntohl(addr.s_addr) & 0xffffff00u) | 1);
	inet_ntop(AF_INET, &gw, gateway, sizeof(gateway));
	snprintf(prefix_text, sizeof(prefix_text), "%d", prefix);
	json_object_foreach(json_object_get(host, "PortBindings"), key,
	                    bindings)
	{
		int port = atoi(key);
		json_t *out = json_array();

		json_array_foreach(bindings, i, b)
		{
			const char *hp = json_string_value(
			        json_object_get(b, "HostPort"));
			const char *hip =
			        json_string_value(json_object_get(b, "HostIp"));
			int host_port = hp && *hp ? atoi(hp) : free_port();
			char host_port_text[8];
			pid_t p;

			snprintf(mapping, sizeof(mapping), "%d:%d", host_port,
			         port);
			if (boxnet(NULL, 0, "publish", mapping, pid_text,
			           NULL) != 0) {
				json_decref(out);
				json_decref(ports);
				return -1;
			}
			p = proxy(hip ? hip : "", host_port, addr, port);
			if (p < 0) {
				warn_errno(errno, "port %d of this host",
				           host_port);
				json_decref(out);
				json_decref(ports);
				return -1;
			}
			if (n_proxies <
			    (int)(sizeof(proxies) / sizeof(*proxies)))
				proxies[n_proxies++] = p;
			snprintf(host_port_text, sizeof(host_port_text), "%d",
			         host_port);
			json_array_append_new(
			        out, json_pack("{s:s, s:s}", "HostIp",
			                       hip && *hip ? hip : "0.0.0.0",
			                       "HostPort", host_port_text));
		}
		json_object_set_new(ports, key, out);
	}
	network = json_pack("{s:s, s:s, s:i, s:o, s:{s:{s:s, s:s, s:i}}}",
	                    "IPAddress", addr_text, "Gateway", gateway,
	                    "IPPrefixLen", prefix, "Ports", ports, "Networks",
	                    "bridge", "IPAddress", addr_text, "Gateway",
	                    gateway, "IPPrefixLen", prefix);
	return 0;
}

/* Undo network_up(): the proxies, the link, and the bridge if no other
 * container is on it. */
static void network_down(pid_t pid)
{
	char pid_text[16];
	int i;

	for (i = 0; i < n_proxies; i++) {
		kill(proxies[i], SIGKILL);
		waitpid(proxies[i], NULL, 0);
	}
	n_proxies = 0;
	if (!plugged)
		return;
	plugged = false;
	snprintf(pid_text, sizeof(pid_text), "%d", (int)pid);
	boxnet(NULL, 0, "detach", pid_text, NULL);
	boxnet(NULL, 0, "bridge", "down", "--unused", NULL);
}

/* Where clients attach: EXEC/attach/ID12.sock (a unix socket's path is
 * short, 107 bytes: the container's directory may be longer). */
static char attach_path[108];

/* Give up before the container ran: say why in state.json, where start
 * and wait look, then end. */
static void give_up(const char *what, int err)
{
	char message[256], when[48];

	snprintf(message, sizeof(message), "boxmon: %s: %s", what,
	         strerror(err < 0 ? -err : err));
	now_rfc3339(when, sizeof(when));
	save_state("exited", 0, 127, when, when, message);
	die("%s", message);
}

static int listen_attach(const char *exec_root, const char *id)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char parent[PATH_MAX];
	int fd;

	snprintf(parent, sizeof(parent), "%s/attach", exec_root);
	file_mkdirs(AT_FDCWD, parent, 0700);
	if ((size_t)snprintf(attach_path, sizeof(attach_path), "%s/%.12s.sock",
	                     parent, id) >= sizeof(attach_path))
		give_up("the attach socket's path is too long", ENAMETOOLONG);
	/* Bound under a name of its own, and renamed into place once it
	 * listens: boxd, woken by the name's appearance, never finds a
	 * socket that refuses it. */
	if ((size_t)snprintf(addr.sun_path, sizeof(addr.sun_path),
	                     "%s/.%.12s.sock", parent,
	                     id) >= sizeof(addr.sun_path))
		give_up("the attach socket's path is too long", ENAMETOOLONG);
	unlink(addr.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, MAX_CLIENTS) < 0 || chmod(addr.sun_path, 0600) < 0 ||
	    rename(addr.sun_path, attach_path) < 0)
		give_up(attach_path, errno);
	return fd;
}

static void accept_client(int listen_fd)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (n_clients == MAX_CLIENTS) {
		close(fd);
		return;
	}
	clients[n_clients++] = fd;
}

/* Mount the container's layers on MERGED (chapter 08's options, which
 * name the layers relative to the store's overlay2/). */
static void mount_layers(const struct store *store, const char *id,
                         char *merged, size_t size)
{
	char options[OVL_OPTIONS_MAX];
	struct store_container c;
	int err;

	err = store_container_get(store, id, &c);
	if (err == 0)
		err = store_layer_path(store, c.mount_id, "merged", merged,
		                       size);
	if (err == 0 && mkdir(merged, 0755) < 0 && errno != EEXIST)
		err = -errno;
	if (err == 0)
		err = store_layer_options(store, c.mount_id, options,
		                          sizeof(options));
	if (err == 0 && fchdir(store->overlay_fd) < 0)
		err = -errno;
	if (err == 0)
		err = ovl_mount(options, merged);
	if (err < 0)
		give_up("mount the container's layers", err);
	if (chdir("/") < 0)
		die_errno(errno, "chdir /");
}

/* The exit code kept in EXEC/exits/ID for a `wait` that outlives the
 * container; with HostConfig.AutoRemove (docker run --rm), the
 * container's layers and record go. */
static void finish(const struct store *store, const char *exec_root,
                   const char *id, int code, bool auto_remove)
{
	char path[PATH_MAX * 2], text[16];
	json_t *record;

	snprintf(path, sizeof(path), "%s/exits", exec_root);
	file_mkdirs(AT_FDCWD, path, 0700);
	snprintf(path, sizeof(path), "%s/exits/%s", exec_root, id);
	snprintf(text, sizeof(text), "%d", code);
	file_replace_volatile(AT_FDCWD, path, text, strlen(text), 0600);
	snprintf(path, sizeof(path), "%s/config.v2.json", dir);
	record = json_load_file(path, 0, NULL);
	if (auto_remove &&
	    json_is_true(json_object_get(json_object_get(record, "HostConfig"),
	                                 "AutoRemove"))) {
		store_container_remove(store, id);
		file_remove_tree(AT_FDCWD, dir);
	}
	json_decref(record);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "exec-root", required_argument, NULL, 'e' },
		{ "attachers", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = "/var/lib/boxlab", *exec_root = "/run/boxlab", *id;
	char merged[PATH_MAX], path[PATH_MAX * 2], started[48], finished[48];
	char buf[16384], rtroot[PATH_MAX], *text;
	int c, attachers = 0, out[2], err_pipe[2], in[2], listen_fd, status;
	int saved_err, console[2] = { -1, -1 }, master = -1;
	struct runtime_create create = { .foreground = true, .console_fd = -1 };
	struct container_state state;
	struct spec_error error;
	struct runtime rt;
	struct store store;
	struct spec spec;
	json_t *record, *host;
	bool open_stdin;
	int ret, i;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'e': exec_root = optarg; break;
		case 'a': attachers = atoi(optarg); break;
		default: die_bad_option(c, argv);
		}
	}
	if (optind != argc - 1)
		die_usage("one container ID");
	id = argv[optind];
	container_id = id;
	snprintf(dir, sizeof(dir), "%s/containers/%s", root, id);
	snprintf(path, sizeof(path), "%s/%s-json.log", dir, id);
	log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log_fd < 0)
		die_errno(errno, "open %s", path);
	ret = store_open(root, &store);
	if (ret < 0)
		give_up("open the store", ret);
	snprintf(path, sizeof(path), "%s/config.v2.json", dir);
	record = json_load_file(path, 0, NULL);
	host = json_object_get(record, "HostConfig");
	/* boxnet sits beside this program, and keeps its state where boxd
	 * keeps the runtime's. */
	ret = file_beside_self("boxnet", boxnet_path, sizeof(boxnet_path));
	if (ret < 0)
		give_up("find boxnet beside boxmon", ret);
	snprintf(boxnet_state, sizeof(boxnet_state), "%s", exec_root);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	if (file_read_all(AT_FDCWD, path, &text, NULL) < 0)
		die_errno(errno, "read %s", path);
	if (spec_parse(text, &spec, &error) < 0)
		die("%s: %s", path, error.text);
	free(text);
	open_stdin = access(strcat(strcpy(buf, dir), "/stdin"), F_OK) == 0;
	mount_layers(&store, id, merged, sizeof(merged));
	listen_fd = listen_attach(exec_root, id);
	/* The clients that asked to attach before start: their output must
	 * not be missed. */
	for (i = 0; i < 50 && n_clients < attachers; i++) {
		struct pollfd p = { .fd = listen_fd, .events = POLLIN };

		if (poll(&p, 1, 100) > 0)
			accept_client(listen_fd);
	}
	/* The container's stdio: pipes, which it inherits as 0, 1, 2. */
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0 ||
	    pipe2(in, O_CLOEXEC) < 0)
		give_up("pipe", errno);
	multiplexed = !spec.process.terminal;
	/* Our own stderr (monitor.log) is kept, for after. */
	saved_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved_err < 0 || dup2(out[1], STDOUT_FILENO) < 0 ||
	    dup2(err_pipe[1], STDERR_FILENO) < 0 ||
	    dup2(open_stdin ? in[0] : open("/dev/null", O_RDONLY),
	         STDIN_FILENO) < 0)
		give_up("set up the container's stdio", errno);
	snprintf(rtroot, sizeof(rtroot), "%s/boxrun", exec_root);
	ret = runtime_open(rtroot, &rt);
	if (ret < 0)
		give_up(rtroot, ret);
	create.id = id;
	create.bundle = dir;
	create.spec = &spec;
	/* With a terminal, the container sends us its master end (chapter
	 * 11's console socket), the way runc sends it to conmon. */
	if (spec.process.terminal &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)
		give_up("socketpair", errno);
	create.console_fd = spec.process.terminal ? console[0] : -1;
	now_rfc3339(started, sizeof(started));
	ret = runtime_create(&rt, &create, &state, &error);
	if (ret == 0 && spec.process.terminal) {
		close(console[0]);
		master = runtime_receive_console(console[1]);
		close(console[1]);
		if (master < 0)
			ret = master;
	}
	if (ret == 0) {
		boxnet_err = saved_err;
		if (network_up(host, state.pid) < 0) {
			ret = -ENETUNREACH;
			snprintf(error.text, sizeof(error.text),
			         "the container's network could not be set up "
			         "(its monitor.log says why)");
		}
	}
	if (ret == 0)
		ret = runtime_start(&rt, id);
	/* From here the container has its own copies of the pipes' ends. */
	dup2(open("/dev/null", O_RDWR), STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(out[1]);
	close(err_pipe[1]);
	close(in[0]);
	if (ret < 0) {
		network_down(state.pid);
		runtime_delete(&rt, id, true);
		umount2(merged, MNT_DETACH);
		unlink(attach_path);
		now_rfc3339(finished, sizeof(finished));
		save_state("exited", 0, 127, started, finished,
		           error.text[0] ? error.text : strerror(-ret));
		/* The exit code for a wait; with --rm, boxd removes the
		 * container once it has told start's caller why. */
		finish(&store, exec_root, id, 127, false);
		return EXIT_FAILURE;
	}
	save_state("running", state.pid, 0, started, "0001-01-01T00:00:00Z",
	           "");
	if (master >= 0) {
		/* One stream, the terminal's: read like stdout, written to
		 * with what clients send. */
		close(out[0]);
		close(err_pipe[0]);
		out[0] = master;
		err_pipe[0] = -1;
		close(in[1]);
		in[1] = master;
		open_stdin = true;
	}
	/* Copy until both output pipes are at their end. */
	for (int open_pipes = master >= 0 ? 1 : 2; open_pipes > 0;) {
		struct pollfd p[3 + MAX_CLIENTS] = {
			{ .fd = out[0], .events = POLLIN },
			{ .fd = err_pipe[0], .events = POLLIN },
			{ .fd = listen_fd, .events = POLLIN },
		};
		int n = 3, which[MAX_CLIENTS];

		for (i = 0; i < n_clients; i++)
			if (clients[i] >= 0 && !client_done[i]) {
				which[n - 3] = i;
				p[n++] = (struct pollfd){ .fd = clients[i],
					                  .events = POLLIN };
			}
		if (poll(p, (nfds_t)n, -1) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 2; i++) {
			ssize_t len;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			len = read(p[i].fd, buf, sizeof(buf));
			if (len > 0) {
				output(i + 1, buf, (size_t)len);
			} else {
				close(i == 0 ? out[0] : err_pipe[0]);
				if (i == 0)
					out[0] = -1;
				else
					err_pipe[0] = -1;
				open_pipes--;
			}
		}
		if (p[2].revents & POLLIN)
			accept_client(listen_fd);
		for (i = 3; i < n; i++) {
			ssize_t len;

			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			len = read(p[i].fd, buf, sizeof(buf));
			if (len > 0 && open_stdin && in[1] >= 0) {
				send_all(in[1], buf, (size_t)len);
			} else if (len <= 0) {
				/* Its input ends (it may still read output):
				 * the container's stdin ends with it. */
				client_done[which[i - 3]] = true;
				if (open_stdin && in[1] >= 0 && master < 0) {
					close(in[1]);
					in[1] = -1;
				}
			}
		}
	}
	while (waitpid(state.pid, &status, 0) < 0 && errno == EINTR)
		;
	now_rfc3339(finished, sizeof(finished));
	for (i = 0; i < n_clients; i++)
		if (clients[i] >= 0)
			close(clients[i]);
	unlink(attach_path);
	/* Everything undone before the state says "exited": whoever waits
	 * for that (stop, wait, rm) finds nothing of it left. */
	network_down(state.pid);
	runtime_delete(&rt, id, true);
	umount2(merged, MNT_DETACH);
	save_state("exited", 0,
	           WIFEXITED(status) ? WEXITSTATUS(status)
	                             : 128 + WTERMSIG(status),
	           started, finished, "");
	finish(&store, exec_root, id,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       true);
	return EXIT_SUCCESS;
}
