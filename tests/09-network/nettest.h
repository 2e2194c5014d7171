/* nettest.h - what chapter 09's tests share: a network of the test's own,
 * requests sent without the exercises' code, and small containers. */
#ifndef BOXLAB_NETTEST_H
#define BOXLAB_NETTEST_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

/* Move the test's process (a forked child of the runner, which ends with
 * the test) into a new network namespace and a mount namespace with
 * private mounts and a sysfs of its own on /sys, so /sys/class/net shows
 * this namespace. The host's links, routes, sysctls and nftables rules
 * are out of reach from then on, and everything made here vanishes with
 * the test, whether it passes or fails. Skips without root. */
void nettest_own_network(void);

/* Send the request in BUF (netlink, with NLM_F_ACK) and return the
 * kernel's answer, 0 or -errno: the tests' own copy of net_talk(). */
int nettest_talk(char *buf);

/* Make the veth pair A, B here, both up (test-side code). */
void nettest_veth(const char *a, const char *b);

/* The address TEXT. */
struct in_addr nettest_addr(const char *text);

/* The index of link NAME (0 if there is none). */
#define nettest_index(name) ((int)if_nametoindex(name))

/* How many links of this namespace have a name starting with PREFIX. */
int nettest_count_links(const char *prefix);

/* A container for the network tests: a forked child in a network
 * namespace of its own, which waits for nettest_box_go() before it runs
 * its function. */
struct nettest_box {
	pid_t pid;     /* the child */
	int go_fd;     /* write end: a byte lets it go */
	int report_fd; /* read end: what the child reports */
	int child_fd;  /* in the child: write end of the report pipe */
	int child_go;  /* in the child: read end of the go pipe */
};

/* Start BOX; it runs FN(BOX) once let go, and ends with
 * test_child_passed() if FN returns 0, or test_child_exit(FN's value). */
void nettest_box_start(struct nettest_box *box,
                       int (*fn)(struct nettest_box *));
void nettest_box_go(struct nettest_box *box);

/* In the child: tell the test C (a byte). In the test: wait for it. */
void nettest_box_report(struct nettest_box *box, char c);
void nettest_box_expect(struct nettest_box *box, char c);

/* Wait for BOX and check it passed (WHY[N] explains its exit codes). */
void nettest_box_wait(struct nettest_box *box, const char *const *why, int n);

/* Connect to ADDR:PORT (TCP), write SEND, read until end of file or a
 * newline into BUF. Returns 0 or an errno value. */
int nettest_exchange(const char *addr, int port, const char *send, char *buf,
                     size_t size);

/* Listen on ADDR:PORT (TCP); returns the socket, or -errno. */
int nettest_listen(const char *addr, int port);

/* Accept one connection on LISTEN_FD, read a line, check it is EXPECT,
 * answer REPLY. Returns 0 or an errno value (EPROTO: another line). */
int nettest_serve_one(int listen_fd, const char *expect, const char *reply);

#endif
