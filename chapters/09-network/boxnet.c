/* boxnet - Docker's default bridge network, by hand.
 *
 *	boxnet [--state DIR] bridge up [--subnet CIDR]
 *	boxnet [--state DIR] bridge down
 *	boxnet [--state DIR] attach PID [--ip ADDR]
 *	boxnet [--state DIR] detach PID
 *	boxnet [--state DIR] publish HOSTPORT:PORT PID
 *	boxnet [--state DIR] ls
 *
 * "bridge up" makes the bridge bx0 (Docker's docker0) with the subnet's
 * gateway address, turns forwarding on and installs the nftables table
 * boxlab, which masquerades what the containers send out. "attach" gives
 * the network namespace of process PID a veth pair: eth0 inside, with an
 * address of the subnet and a default route through the gateway, and
 * bxvPID outside, plugged into the bridge. "publish" forwards a port of
 * this host to a container's port (DNAT), like docker run -p.
 *
 * boxnet works on the network namespace it runs in: on a real host, on
 * the host's. The tests and `make demo` run it in a namespace of their
 * own (unshare -n). What it has handed out is kept in DIR/net/state
 * (DIR: --state, else $BOXLAB_RUN, else /run/boxlab), and every command
 * holds an flock(2) on DIR/net/lock, so two at once never hand out the
 * same address. Needs root (CAP_NET_ADMIN).
 */
#include "die.h"
#include "file.h"
#include "net.h"
#include "parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define MAX_ENTRIES    256
#define DEFAULT_SUBNET "10.89.0.0/24"

/* A container on the bridge. */
struct attachment {
	pid_t pid;           /* the process whose namespace it is */
	struct in_addr addr; /* its eth0's address */
};

/* Everything boxnet remembers, DIR/net/state in memory. */
struct state {
	char dir[PATH_MAX]; /* DIR/net */
	int lock_fd;        /* DIR/net/lock, held (LOCK_EX) */
	bool bridge_up;     /* a "subnet" line was there */
	struct net_cidr subnet;
	struct attachment attached[MAX_ENTRIES];
	size_t n_attached;
	struct net_publish published[MAX_ENTRIES];
	pid_t published_pid[MAX_ENTRIES]; /* whose port each one is */
	size_t n_published;
};

static noreturn void usage(void)
{
	printf("usage: boxnet [--state DIR] bridge up [--subnet CIDR]\n"
	       "       boxnet [--state DIR] bridge down [--unused]\n"
	       "       boxnet [--state DIR] attach PID [--ip ADDR] [--up]\n"
	       "       boxnet [--state DIR] detach PID\n"
	       "       boxnet [--state DIR] publish HOSTPORT:PORT PID\n"
	       "       boxnet [--state DIR] ls\n");
	exit(0);
}

/* The host end of PID's veth pair. */
static void host_link(pid_t pid, char name[IFNAMSIZ])
{
	snprintf(name, IFNAMSIZ, "bxv%d", (int)pid);
}

static const char *addr_text(struct in_addr addr)
{
	static char text[4][INET_ADDRSTRLEN];
	static int next;

	next = (next + 1) % 4;
	inet_ntop(AF_INET, &addr, text[next], sizeof(text[next]));
	return text[next];
}

/* Parse one line of the state file into STATE. */
static void load_line(struct state *state, const char *line)
{
	char word[32], text[64];
	int a, b, c;

	if (sscanf(line, "subnet %63s", text) == 1 &&
	    net_cidr_parse(text, &state->subnet) == 0) {
		state->bridge_up = true;
	} else if (sscanf(line, "attach %d %63s", &a, text) == 2 &&
	           state->n_attached < MAX_ENTRIES) {
		struct attachment *at = &state->attached[state->n_attached];

		at->pid = a;
		if (inet_pton(AF_INET, text, &at->addr) == 1)
			state->n_attached++;
	} else if (sscanf(line, "publish %d %d %d", &a, &b, &c) == 3 &&
	           state->n_published < MAX_ENTRIES) {
		state->published[state->n_published].host_port = a;
		state->published[state->n_published].port = b;
		state->published_pid[state->n_published++] = c;
	} else if (sscanf(line, "%31s", word) == 1) {
		die("%s/state: cannot read \"%s\"", state->dir, line);
	}
}

/* Lock DIR/net and read its state; with CREATE, make DIR/net first.
 * Without it, a missing DIR/net is a bridge that is down. */
static void load(struct state *state, const char *dir, bool create)
{
	char *data = NULL, *line, *save;
	int ret;

	snprintf(state->dir, sizeof(state->dir), "%s/net", dir);
	ret = create ? file_mkdirs(AT_FDCWD, state->dir, 0755) : 0;
	if (ret < 0)
		die_errno(ret, "mkdir %s", state->dir);
	state->lock_fd = open(state->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (state->lock_fd < 0 && errno == ENOENT && !create)
		return;
	if (state->lock_fd < 0)
		die_errno(errno, "open %s", state->dir);
	/* The lock is on the directory itself: nothing to remove later. */
	if (flock(state->lock_fd, LOCK_EX) < 0)
		die_errno(errno, "lock %s", state->dir);
	ret = file_read_all(state->lock_fd, "state", &data, NULL);
	if (ret == -ENOENT)
		return;
	if (ret < 0)
		die_errno(ret, "read %s/state", state->dir);
	for (line = strtok_r(data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		load_line(state, line);
	free(data);
}

/* Write STATE back to DIR/net/state. */
static void save(const struct state *state)
{
	char text[MAX_ENTRIES * 2 * 64 + 64];
	size_t i, len = 0;
	int ret;

	len += snprintf(text + len, sizeof(text) - len, "subnet %s/%d\n",
	                addr_text(state->subnet.addr), state->subnet.prefix);
	for (i = 0; i < state->n_attached; i++)
		len += snprintf(text + len, sizeof(text) - len,
		                "attach %d %s\n", (int)state->attached[i].pid,
		                addr_text(state->attached[i].addr));
	for (i = 0; i < state->n_published; i++)
		len += snprintf(
		        text + len, sizeof(text) - len, "publish %d %d %d\n",
		        state->published[i].host_port, state->published[i].port,
		        (int)state->published_pid[i]);
	ret = file_replace(state->lock_fd, "state", text, len, 0644);
	if (ret < 0)
		die_errno(ret, "write %s/state", state->dir);
}

/* The attachment of PID, or NULL. */
static struct attachment *find(struct state *state, pid_t pid)
{
	size_t i;

	for (i = 0; i < state->n_attached; i++)
		if (state->attached[i].pid == pid)
			return &state->attached[i];
	return NULL;
}

/* Write the nftables table for STATE and apply it. */
static void apply_rules(struct state *state)
{
	struct net_publish ports[MAX_ENTRIES];
	char text[16384], err[512] = "";
	size_t i;
	int ret;

	for (i = 0; i < state->n_published; i++) {
		ports[i] = state->published[i];
		ports[i].addr = find(state, state->published_pid[i])->addr;
	}
	ret = net_nft_ruleset(text, sizeof(text), &state->subnet, NET_BRIDGE,
	                      ports, state->n_published);
	if (ret < 0)
		die_errno(ret, "nftables rules");
	ret = net_nft_apply(text, err, sizeof(err));
	if (ret < 0)
		die("nftables refused the table: %s", strtok(err, "\n"));
}

static void require_bridge(const struct state *state)
{
	if (!state->bridge_up)
		die("the bridge is down (boxnet bridge up)");
}

/* bridge up: the bridge with the gateway's address, forwarding on, the
 * table installed. */
static void bridge_up(struct state *state, const struct net_cidr *subnet,
                      bool say)
{
	struct in_addr gateway;
	int ret;

	if (state->bridge_up)
		die("bridge %s is up already", NET_BRIDGE);
	state->subnet = *subnet;
	gateway = net_gateway(&state->subnet);
	ret = net_bridge_create(NET_BRIDGE);
	if (ret < 0)
		die_errno(ret, "create bridge %s", NET_BRIDGE);
	ret = net_addr_add(NET_BRIDGE, gateway, state->subnet.prefix);
	if (ret == 0)
		ret = net_link_up(NET_BRIDGE);
	/* Routing between links is off until asked for; per namespace. */
	if (ret == 0)
		ret = file_write_string(AT_FDCWD,
		                        "/proc/sys/net/ipv4/ip_forward", "1\n");
	if (ret < 0) {
		net_link_delete(NET_BRIDGE);
		die_errno(ret, "set up bridge %s", NET_BRIDGE);
	}
	state->bridge_up = true;
	apply_rules(state);
	save(state);
	if (say)
		printf("%s %s/%d\n", NET_BRIDGE, addr_text(gateway),
		       state->subnet.prefix);
}

/* SUBNET from TEXT, a network with room for a gateway and a host. */
static struct net_cidr subnet_of(const char *text)
{
	struct net_cidr subnet;
	int ret;

	ret = net_cidr_parse(text, &subnet);
	if (ret == 0 && subnet.prefix > 30)
		ret = -EINVAL;
	if (ret < 0 && ret != -EINVAL)
		die_errno(ret, "parse %s", text);
	if (ret < 0)
		die("bad subnet %s: expected an IPv4 network such as %s (/0 to "
		    "/30)",
		    text, DEFAULT_SUBNET);
	return subnet;
}

/* bridge down: every container's link, the bridge, the table and the
 * state go. */
static void bridge_down(struct state *state, const char *dir)
{
	char name[IFNAMSIZ];
	size_t i;
	int ret;

	require_bridge(state);
	for (i = 0; i < state->n_attached; i++) {
		host_link(state->attached[i].pid, name);
		ret = net_link_delete(name);
		if (ret < 0 && ret != -ENODEV)
			warn_errno(ret, "delete %s", name);
	}
	ret = net_link_delete(NET_BRIDGE);
	if (ret < 0 && ret != -ENODEV)
		die_errno(ret, "delete %s", NET_BRIDGE);
	ret = net_nft_delete();
	if (ret < 0)
		die_errno(ret, "delete table %s", NET_TABLE);
	if (unlinkat(state->lock_fd, "state", 0) < 0 && errno != ENOENT)
		die_errno(errno, "remove %s/state", state->dir);
	if (rmdir(state->dir) < 0)
		die_errno(errno, "remove %s", state->dir);
	rmdir(dir); /* only if nothing else of the lab's is there */
}

/* What attach does inside the container's namespace. */
struct inside {
	struct in_addr addr, gateway;
	int prefix;
};

static int configure_inside(void *data)
{
	const struct inside *in = data;
	int ret;

	ret = net_link_up("lo");
	if (ret == 0)
		ret = net_link_up("eth0");
	if (ret == 0)
		ret = net_addr_add("eth0", in->addr, in->prefix);
	if (ret == 0)
		ret = net_route_add_default(in->gateway);
	return ret;
}

/* Choose PID's address: ASKED if given and free, else the next free. */
static struct in_addr choose_address(struct state *state, const char *asked)
{
	struct in_addr used[MAX_ENTRIES], addr;
	char text[64];
	size_t i;
	int ret;

	for (i = 0; i < state->n_attached; i++)
		used[i] = state->attached[i].addr;
	if (!asked) {
		ret = net_ipam_pick(&state->subnet, used, state->n_attached,
		                    &addr);
		if (ret < 0)
			die_errno(ret, "no address left in %s/%d",
			          addr_text(state->subnet.addr),
			          state->subnet.prefix);
		return addr;
	}
	snprintf(text, sizeof(text), "%s", asked);
	text[strcspn(text, "/")] =
	        '\0'; /* ADDR/N: the prefix is the bridge's */
	if (inet_pton(AF_INET, text, &addr) != 1)
		die("bad address %s", asked);
	if (!net_cidr_contains(&state->subnet, addr) ||
	    addr.s_addr == net_gateway(&state->subnet).s_addr)
		die("address %s is not a host address of %s/%d", text,
		    addr_text(state->subnet.addr), state->subnet.prefix);
	for (i = 0; i < state->n_attached; i++)
		if (used[i].s_addr == addr.s_addr)
			die("address %s is already taken by process %d", text,
			    (int)state->attached[i].pid);
	return addr;
}

/* attach PID: a veth pair, eth0 configured inside, bxvPID on the bridge. */
static void attach(struct state *state, pid_t pid, const char *asked)
{
	struct inside in = { .gateway = net_gateway(&state->subnet),
		             .prefix = state->subnet.prefix };
	char name[IFNAMSIZ];
	int ret;

	require_bridge(state);
	if (find(state, pid))
		die("process %d is attached already", (int)pid);
	if (state->n_attached == MAX_ENTRIES)
		die("too many containers");
	in.addr = choose_address(state, asked);
	host_link(pid, name);
	ret = net_veth_create(name, "eth0", pid);
	if (ret < 0)
		die_errno(ret, "create veth pair %s for process %d", name,
		          (int)pid);
	ret = net_link_set_master(name, NET_BRIDGE);
	if (ret == 0)
		ret = net_link_up(name);
	if (ret == 0)
		ret = net_in_namespace(pid, configure_inside, &in);
	if (ret < 0) {
		net_link_delete(name);
		die_errno(ret, "attach process %d", (int)pid);
	}
	state->attached[state->n_attached++] =
	        (struct attachment){ .pid = pid, .addr = in.addr };
	save(state);
	printf("%d %s %s\n", (int)pid, addr_text(in.addr), name);
}

/* detach PID: its link (and so its pair) and its published ports go. */
static void detach(struct state *state, pid_t pid)
{
	struct attachment *at = find(state, pid);
	char name[IFNAMSIZ];
	size_t i, kept = 0;
	int ret;

	if (!at)
		die("process %d is not attached", (int)pid);
	host_link(pid, name);
	ret = net_link_delete(name);
	/* A container that ended took its namespace and the pair along. */
	if (ret < 0 && ret != -ENODEV)
		die_errno(ret, "delete %s", name);
	*at = state->attached[--state->n_attached];
	for (i = 0; i < state->n_published; i++) {
		if (state->published_pid[i] == pid)
			continue;
		state->published[kept] = state->published[i];
		state->published_pid[kept++] = state->published_pid[i];
	}
	/* The table changes only if PID had published ports. */
	if (kept != state->n_published) {
		state->n_published = kept;
		apply_rules(state);
	}
	save(state);
}

/* A port, 1 to 65535, from TEXT; -1 if it is not one. */
static int port_of(const char *text)
{
	int port;

	return parse_int(text, &port) == 0 && port >= 1 && port <= 65535 ? port
	                                                                 : -1;
}

/* publish HOSTPORT:PORT PID: one more DNAT rule. */
static void publish(struct state *state, const char *mapping, pid_t pid)
{
	char text[32], *colon;
	int host_port, port;
	size_t i;

	snprintf(text, sizeof(text), "%s", mapping);
	colon = strchr(text, ':');
	if (colon)
		*colon = '\0';
	host_port = port_of(text);
	port = colon ? port_of(colon + 1) : -1;
	if (host_port < 0 || port < 0)
		die("bad port mapping %s: expected HOSTPORT:PORT, ports 1 to "
		    "65535",
		    mapping);
	require_bridge(state);
	if (!find(state, pid))
		die("process %d is not attached", (int)pid);
	for (i = 0; i < state->n_published; i++)
		if (state->published[i].host_port == host_port)
			die("port %d is already published", host_port);
	if (state->n_published == MAX_ENTRIES)
		die("too many published ports");
	state->published[state->n_published] =
	        (struct net_publish){ .host_port = host_port, .port = port };
	state->published_pid[state->n_published++] = pid;
	apply_rules(state);
	save(state);
}

/* Whether NAME is among the N of NAMES. */
static bool listed(char (*names)[16], int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* ls: the bridge, the containers and the published ports. */
static void list(struct state *state)
{
	char names[MAX_ENTRIES + 1][16], name[IFNAMSIZ];
	int n;
	size_t i;

	require_bridge(state);
	/* What the kernel has, not only what the state file says. */
	n = net_links_with_prefix("bx", names, MAX_ENTRIES + 1);
	if (n < 0)
		die_errno(n, "list links");
	printf("%-8s %-18s %s\n", "BRIDGE", "SUBNET", "GATEWAY");
	printf("%-8s %s/%-*d %s\n", NET_BRIDGE, addr_text(state->subnet.addr),
	       17 - (int)strlen(addr_text(state->subnet.addr)),
	       state->subnet.prefix, addr_text(net_gateway(&state->subnet)));
	printf("\n%-8s %-15s %s\n", "PID", "ADDRESS", "LINK");
	for (i = 0; i < state->n_attached; i++) {
		host_link(state->attached[i].pid, name);
		printf("%-8d %-15s %s%s\n", (int)state->attached[i].pid,
		       addr_text(state->attached[i].addr), name,
		       listed(names, n, name) ? "" : " (gone)");
	}
	printf("\n%-8s %s\n", "PORT", "TO");
	for (i = 0; i < state->n_published; i++)
		printf("%-8d %s:%d (process %d)\n",
		       state->published[i].host_port,
		       addr_text(find(state, state->published_pid[i])->addr),
		       state->published[i].port, (int)state->published_pid[i]);
}

/* PID from TEXT; it must be a running process. */
static pid_t process_of(const char *text)
{
	pid_t pid;

	if (parse_pid(text, &pid) < 0)
		die("bad process ID %s", text);
	if (kill(pid, 0) < 0 && errno == ESRCH)
		die("no process %d", (int)pid);
	return pid;
}

/* A process ID from TEXT, which need not be running (detach, publish). */
static pid_t pid_of(const char *text)
{
	pid_t pid;

	if (parse_pid(text, &pid) < 0)
		die("bad process ID %s", text);
	return pid;
}

/* Each command checks its arguments (ARGV[0] is the command's name),
 * then locks and reads the state in DIR, then works. */
static void cmd_bridge(struct state *state, const char *dir, int argc,
                       char **argv)
{
	struct net_cidr subnet;

	if (argc == 2 && !strcmp(argv[1], "down")) {
		load(state, dir, false);
		bridge_down(state, dir);
		return;
	}
	/* What a daemon does when its last container has gone: nothing
	 * while another is attached, or the bridge is down already. */
	if (argc == 3 && !strcmp(argv[1], "down") &&
	    !strcmp(argv[2], "--unused")) {
		load(state, dir, false);
		if (state->bridge_up && state->n_attached == 0)
			bridge_down(state, dir);
		return;
	}
	if (argc == 2 && !strcmp(argv[1], "up"))
		subnet = subnet_of(DEFAULT_SUBNET);
	else if (argc == 4 && !strcmp(argv[1], "up") &&
	         !strcmp(argv[2], "--subnet"))
		subnet = subnet_of(argv[3]);
	else
		die_usage(
		        "bridge up [--subnet CIDR] or bridge down [--unused]");
	load(state, dir, true);
	bridge_up(state, &subnet, true);
}

static void cmd_attach(struct state *state, const char *dir, int argc,
                       char **argv)
{
	bool up = argc > 2 && !strcmp(argv[argc - 1], "--up");
	struct net_cidr subnet;
	pid_t pid;

	argc -= up;
	if (argc != 2 && (argc != 4 || strcmp(argv[2], "--ip")))
		die_usage("attach PID [--ip ADDR] [--up]");
	pid = process_of(argv[1]);
	/* --up: bring the bridge up first if it is down, under the same
	 * lock (a daemon's first container). */
	load(state, dir, up);
	if (up && !state->bridge_up) {
		subnet = subnet_of(DEFAULT_SUBNET);
		bridge_up(state, &subnet, false);
	}
	attach(state, pid, argc == 4 ? argv[3] : NULL);
}

static void cmd_detach(struct state *state, const char *dir, int argc,
                       char **argv)
{
	if (argc != 2)
		die_usage("detach PID");
	load(state, dir, false);
	detach(state, pid_of(argv[1]));
}

static void cmd_publish(struct state *state, const char *dir, int argc,
                        char **argv)
{
	if (argc != 3)
		die_usage("publish HOSTPORT:PORT PID");
	load(state, dir, false);
	publish(state, argv[1], pid_of(argv[2]));
}

static void cmd_ls(struct state *state, const char *dir, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		die_usage("ls takes no arguments");
	load(state, dir, false);
	list(state);
}

static const struct command {
	const char *name;
	void (*run)(struct state *state, const char *dir, int argc,
	            char **argv);
} commands[] = {
	{ "bridge", cmd_bridge }, { "attach", cmd_attach },
	{ "detach", cmd_detach }, { "publish", cmd_publish },
	{ "ls", cmd_ls },         { NULL, NULL },
};

int main(int argc, char **argv)
{
	static struct state state;
	const char *dir = getenv("BOXLAB_RUN");
	const struct command *c;
	int first = 1;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		usage();
	if (argc > 2 && !strcmp(argv[1], "--state")) {
		dir = argv[2];
		first = 3;
	}
	if (!dir || !*dir)
		dir = "/run/boxlab";
	if (first >= argc)
		die_usage("a command is needed");
	for (c = commands; c->name; c++)
		if (!strcmp(c->name, argv[first]))
			break;
	if (!c->name)
		die_usage("unknown command %s", argv[first]);
	c->run(&state, dir, argc - first, argv + first);
	return 0;
}
