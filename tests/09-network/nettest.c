/* nettest.c - see nettest.h. */
#include "nettest.h"

#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

void nettest_own_network(void)
{
	test_needs_root();
	ck_assert_msg(unshare(CLONE_NEWNET | CLONE_NEWNS) == 0, "unshare: %s",
	              strerror(errno));
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_msg(mount("sysfs", "/sys", "sysfs",
	                    MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0,
	              "mount sysfs: %s", strerror(errno));
}

int nettest_talk(char *buf)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	char answer[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	ssize_t n;
	int ret = -EIO;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	ck_assert_ptr_nonnull(nl);
	ck_assert_int_eq(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
	nlh->nlmsg_seq = 4242;
	nlh->nlmsg_flags |= NLM_F_ACK;
	ck_assert_int_ge(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len), 0);
	n = mnl_socket_recvfrom(nl, answer, sizeof(answer));
	if (n > 0)
		ret = mnl_cb_run(answer, n, 4242, mnl_socket_get_portid(nl),
		                 NULL, NULL) < 0
		              ? -errno
		              : 0;
	mnl_socket_close(nl);
	return ret;
}

/* A request of TYPE for link NAME, ready for attributes. */
static struct nlmsghdr *link_request(char *buf, int type, int flags,
                                     const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, 4096);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static void link_up(const char *name)
{
	char buf[4096];
	struct nlmsghdr *nlh = link_request(buf, RTM_NEWLINK, 0, name);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = IFF_UP;
	ck_assert_int_eq(nettest_talk(buf), 0);
}

void nettest_veth(const char *a, const char *b)
{
	struct nlattr *info, *data, *peer;
	struct nlmsghdr *nlh;
	char buf[4096];

	nlh = link_request(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, a);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, b);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	ck_assert_int_eq(nettest_talk(buf), 0);
	link_up(a);
	link_up(b);
}

struct in_addr nettest_addr(const char *text)
{
	struct in_addr addr;

	ck_assert_int_eq(inet_pton(AF_INET, text, &addr), 1);
	return addr;
}

int nettest_count_links(const char *prefix)
{
	struct if_nameindex *names = if_nameindex(), *p;
	int n = 0;

	ck_assert_ptr_nonnull(names);
	for (p = names; p->if_index != 0; p++)
		if (!strncmp(p->if_name, prefix, strlen(prefix)))
			n++;
	if_freenameindex(names);
	return n;
}

/* The child of nettest_box_start(). */
static void box_child(struct nettest_box *box, int (*fn)(struct nettest_box *),
                      int ready_fd)
{
	char c;
	int ret;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNET) < 0)
		test_child_exit(97);
	if (write(ready_fd, "r", 1) != 1)
		test_child_exit(97);
	if (read(box->child_go, &c, 1) != 1)
		test_child_exit(96);
	ret = fn(box);
	if (ret == 0)
		test_child_passed();
	test_child_exit(ret);
}

void nettest_box_start(struct nettest_box *box, int (*fn)(struct nettest_box *))
{
	int go[2], report[2];

	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(report, O_CLOEXEC), 0);
	box->child_go = go[0];
	box->child_fd = report[1];
	fflush(NULL);
	box->pid = fork();
	ck_assert_int_ge(box->pid, 0);
	if (box->pid == 0) {
		close(go[1]);
		close(report[0]);
		box_child(box, fn, report[1]);
	}
	close(go[0]);
	close(report[1]);
	box->go_fd = go[1];
	box->report_fd = report[0];
	/* Ready: its namespace exists and can be given a link. */
	nettest_box_expect(box, 'r');
}

void nettest_box_go(struct nettest_box *box)
{
	ck_assert_int_eq(write(box->go_fd, "g", 1), 1);
}

void nettest_box_report(struct nettest_box *box, char c)
{
	if (write(box->child_fd, &c, 1) != 1)
		test_child_exit(95);
}

void nettest_box_expect(struct nettest_box *box, char c)
{
	char got = 0;

	ck_assert_msg(read(box->report_fd, &got, 1) == 1 && got == c,
	              "the container did not report '%c' (it ended?)", c);
}

void nettest_box_wait(struct nettest_box *box, const char *const *why, int n)
{
	int status;

	ck_assert_int_eq(waitpid(box->pid, &status, 0), box->pid);
	close(box->go_fd);
	close(box->report_fd);
	ck_assert_child_passed(status, why, n);
}

int nettest_listen(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
		                   .sin_port = htons(port) };
	int fd, one = 1;

	inet_pton(AF_INET, addr, &sin.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 4) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Read up to a newline or end of file into BUF. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size) {
		n = read(fd, buf + len, 1);
		if (n < 0)
			return errno;
		if (n == 0 || buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	return 0;
}

int nettest_exchange(const char *addr, int port, const char *send, char *buf,
                     size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
		                   .sin_port = htons(port) };
	struct timeval limit = { .tv_sec = 3 };
	int fd, ret = 0;

	inet_pton(AF_INET, addr, &sin.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	/* A packet lost in a wrong rule would hang: give up after 3 s. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    write(fd, send, strlen(send)) != (ssize_t)strlen(send))
		ret = errno;
	if (ret == 0)
		ret = read_line(fd, buf, size);
	close(fd);
	return ret;
}

int nettest_serve_one(int listen_fd, const char *expect, const char *reply)
{
	char line[128];
	int fd, ret;

	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return errno;
	ret = read_line(fd, line, sizeof(line));
	if (ret == 0 && strcmp(line, expect) != 0)
		ret = EPROTO;
	if (ret == 0 &&
	    write(fd, reply, strlen(reply)) != (ssize_t)strlen(reply))
		ret = errno;
	close(fd);
	return ret;
}
