/* net.h - Docker's default bridge network, from the system calls up.
 *
 * The overview: the daemon builds each container's isolated environment
 * inside its namespaces, among them an isolated network stack. A new
 * network namespace has only "lo", and it is down. Docker connects it the
 * way this chapter does: a veth pair (two ends of one cable), one end in
 * the container as eth0, the other plugged into a bridge (docker0, a
 * virtual switch) that has the gateway's address; a default route in the
 * container through that gateway; and, on the host, nftables rules that
 * masquerade outgoing traffic and forward published ports (DNAT).
 *
 * Every change goes through rtnetlink(7): a message to the kernel on a
 * NETLINK_ROUTE socket, answered by an acknowledgement carrying an error
 * code, the interface behind ip(8). Messages are built with libmnl
 * (libmnl(3)); rules are handed to libnftables (libnftables(3)).
 *
 * Everything acts on the network namespace of the calling process: run
 * in a namespace of its own, as the tests do, nothing of the host's is
 * touched. None of these functions prints; each returns 0 (or a count)
 * or -errno.
 */
#ifndef BOXLAB_NET_H
#define BOXLAB_NET_H

#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A buffer big enough for any request of this chapter. */
#define NET_BUFFER_SIZE 4096

/* The lab's names: links bx..., the nftables table boxlab. */
#define NET_BRIDGE "bx0"
#define NET_TABLE  "boxlab"

/* Start a request in BUF (NET_BUFFER_SIZE bytes): a netlink header of
 * TYPE (RTM_NEWLINK, ...) with NLM_F_REQUEST | NLM_F_ACK | FLAGS and a
 * zeroed family header of FAMILY_SIZE bytes after it (struct ifinfomsg,
 * struct ifaddrmsg, struct rtmsg), which the caller fills in. */
struct nlmsghdr *net_request(char *buf, uint16_t type, uint16_t flags,
                             size_t family_size);

/* Send the request NLH (one message, with NLM_F_ACK) on a new
 * NETLINK_ROUTE socket, read the kernel's answer and return the error
 * code it carries: 0 for success or -errno (-EEXIST, -ENODEV, ...), or
 * -errno if the socket could not be used. The socket is closed on every
 * path. See netlink(7) (the "error" message), mnl_cb_run(3). */
int net_talk(struct nlmsghdr *nlh);

/* Fill BUF with the request that creates a veth pair: NAME here, its
 * PEER created directly in the network namespace of process PEER_PID
 * (IFLA_NET_NS_PID), or here when PEER_PID is 0. Returns 0, or -EINVAL
 * for a name that is empty or longer than IFNAMSIZ - 1. See veth(4). */
int net_veth_build(char *buf, const char *name, const char *peer,
                   pid_t peer_pid);

/* Fill BUF with the request that creates the bridge NAME (link kind
 * "bridge"). Returns 0 or -EINVAL for a bad name. */
int net_bridge_build(char *buf, const char *name);

/* Fill BUF with the request that plugs the link of index LINK into the
 * bridge of index MASTER (IFLA_MASTER). Returns 0 or -EINVAL for an index
 * that is not positive. */
int net_master_build(char *buf, int link, int master);

/* Fill BUF with the request that gives the link of index LINK the IPv4
 * address ADDR/PREFIX (RTM_NEWADDR, IFA_LOCAL and IFA_ADDRESS). Returns 0
 * or -EINVAL (a PREFIX above 32, an index that is not positive). */
int net_addr_build(char *buf, int link, struct in_addr addr, int prefix);

/* Fill BUF with the request that adds the default route through
 * GATEWAY (RTM_NEWROUTE, destination 0.0.0.0/0, table main, RTA_GATEWAY).
 * Returns 0. */
int net_route_build(char *buf, struct in_addr gateway);

/* The request that sets link NAME up (IFF_UP), or deletes it: built here
 * as worked examples of the requests above. Return 0 or -EINVAL. */
int net_up_build(char *buf, const char *name);
int net_delete_build(char *buf, const char *name);

/* Each builder above, sent with net_talk(). Link names are looked up with
 * if_nametoindex(3): -ENODEV when there is no such link. */
int net_veth_create(const char *name, const char *peer, pid_t peer_pid);
int net_bridge_create(const char *name);
int net_link_set_master(const char *name, const char *master);
int net_addr_add(const char *name, struct in_addr addr, int prefix);
int net_route_add_default(struct in_addr gateway);
int net_link_up(const char *name);
int net_link_delete(const char *name);

/* An IPv4 network: ADDR/PREFIX as written ("10.89.0.0/24"). */
struct net_cidr {
	struct in_addr addr; /* the address as given, network byte order */
	int prefix;          /* 0 to 32 */
};

/* Parse TEXT, "A.B.C.D/N" with N from 0 to 32, into *RET. Returns 0 or
 * -EINVAL (no slash, a bad address, N missing, above 32 or not a
 * number). See inet_pton(3). */
int net_cidr_parse(const char *text, struct net_cidr *ret);

/* Whether ADDR lies in SUBNET. */
bool net_cidr_contains(const struct net_cidr *subnet, struct in_addr addr);

/* Hand out an address of SUBNET for a container, as Docker's IPAM does:
 * the lowest one that is not the network address (host part all
 * zeros), not the broadcast address (all ones), not the gateway (the
 * first host address, the bridge's) and not one of the N addresses of
 * USED. Returns 0 with it in *RET, -ENOSPC when none is left, or -EINVAL
 * for a SUBNET smaller than /30 (no room for a gateway and a host). */
int net_ipam_pick(const struct net_cidr *subnet, const struct in_addr *used,
                  size_t n, struct in_addr *ret);

/* The gateway of SUBNET: its first host address (10.89.0.1). */
struct in_addr net_gateway(const struct net_cidr *subnet);

/* A published port: HOST_PORT on the host goes to ADDR:PORT. */
struct net_publish {
	int host_port;       /* 1 to 65535 */
	struct in_addr addr; /* the container's address */
	int port;            /* 1 to 65535 */
};

/* Write into BUF (SIZE bytes, NUL-terminated) the nftables ruleset of
 * the lab's table: "table ip boxlab" with a nat chain on postrouting
 * (priority 100) that masquerades what SUBNET sends out of any link but
 * BRIDGE, and a nat chain on prerouting (priority -100) with one DNAT rule
 * per entry of PORTS (N of them): "tcp dport HOST_PORT dnat to ADDR:PORT".
 * The text starts by emptying the table ("table ip boxlab" then "delete
 * table ip boxlab"), so applying it replaces the table whole, in one
 * transaction. Returns its length, -EINVAL for a port out of 1..65535 or
 * a bad prefix, or -ENOSPC if it does not fit. See nft(8). */
int net_nft_ruleset(char *buf, size_t size, const struct net_cidr *subnet,
                    const char *bridge, const struct net_publish *ports,
                    size_t n);

/* Apply TEXT (nft(8) syntax) with libnftables, in one transaction.
 * Returns 0, or -EINVAL if nftables refused it (its message, at most
 * ERR_SIZE bytes, in ERR when ERR is not NULL). */
int net_nft_apply(const char *text, char *err, size_t err_size);

/* Delete the lab's table, if there is one. Returns 0 or -EINVAL. */
int net_nft_delete(void);

/* Put into NAMES (at most MAX of them, IFNAMSIZ bytes each) the names of
 * the links whose name starts with PREFIX, by asking the kernel for all
 * its links in one dump request (RTM_GETLINK with NLM_F_DUMP) and reading
 * the answer until NLMSG_DONE. Returns how many there are (possibly more
 * than MAX: only MAX are stored), or -errno. See rtnetlink(7). */
int net_links_with_prefix(const char *prefix, char (*names)[16], size_t max);

/* Run FN(ARG) in a child process that has joined the network namespace
 * of process PID (setns(2) on /proc/PID/ns/net), and wait for it.
 * Returns what FN returned (0 or -errno; FN must not return a value below
 * -255), -ESRCH if there is no process PID, or -errno. */
int net_in_namespace(pid_t pid, int (*fn)(void *), void *arg);

#endif
