/* test_netlink.c - requests to the kernel (9.1 to 9.4) and the dump of
 * links (9.7), as root. Each test first moves to a network of its own
 * (nettest_own_network()); the requests an exercise builds are sent by
 * the test's own code, so each test depends on its exercise alone. */
#include "harness.h"
#include "net.h"
#include "nettest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A request for "ip link add NAME type bridge", built here. */
static struct nlmsghdr *bridge_request(char *buf, const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *info;

	memset(buf, 0, NET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags =
	        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

/* A request for "ip link delete NAME". */
static struct nlmsghdr *delete_request(char *buf, const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, NET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

START_TEST(talk_creates_and_reports_errors)
{
	char buf[NET_BUFFER_SIZE];

	nettest_own_network();
	ck_assert_ok(net_talk(bridge_request(buf, "bxt0")), "net_talk");
	ck_assert_msg(nettest_index("bxt0") > 0, "no link bxt0 after the ack");
	/* The same again, with NLM_F_EXCL: the kernel's error comes back. */
	ck_assert_err(net_talk(bridge_request(buf, "bxt0")), -EEXIST,
	              "a second bxt0");
	ck_assert_err(net_talk(delete_request(buf, "bxnothere")), -ENODEV,
	              "deleting a missing link");
	ck_assert_ok(net_talk(delete_request(buf, "bxt0")), "deleting bxt0");
	ck_assert_int_eq(nettest_index("bxt0"), 0);
}
END_TEST

/* The container's side of the veth test: its eth0 is here. */
static int eth0_is_here(struct nettest_box *box)
{
	(void)box;
	return nettest_index("eth0") > 0 ? 0 : 1;
}

START_TEST(veth_peer_lands_in_the_container)
{
	static const char *const why[] = { [1] = "no eth0 in the container" };
	char buf[NET_BUFFER_SIZE];
	struct nettest_box box;

	nettest_own_network();
	ck_assert_err(net_veth_build(buf, "", "eth0", 0), -EINVAL,
	              "empty name");
	ck_assert_err(net_veth_build(buf, "bx0123456789abcd", "eth0", 0),
	              -EINVAL, "a 16-character name");
	nettest_box_start(&box, eth0_is_here);
	ck_assert_ok(net_veth_build(buf, "bxh0", "eth0", box.pid),
	             "net_veth_build");
	ck_assert_int_eq(nettest_talk(buf), 0);
	ck_assert_msg(nettest_index("bxh0") > 0, "no bxh0 on the host side");
	ck_assert_msg(nettest_index("eth0") == 0, "eth0 stayed on the host");
	nettest_box_go(&box);
	nettest_box_wait(&box, why, 2);
	/* Without a PID, both ends stay here. */
	ck_assert_ok(net_veth_build(buf, "bxa", "bxb", 0), "net_veth_build");
	ck_assert_int_eq(nettest_talk(buf), 0);
	ck_assert_msg(nettest_index("bxa") > 0 && nettest_index("bxb") > 0,
	              "no bxa and bxb here");
}
END_TEST

START_TEST(bridge_takes_a_port)
{
	char buf[NET_BUFFER_SIZE], target[PATH_MAX];
	ssize_t n;

	nettest_own_network();
	nettest_veth("bxa", "bxb");
	ck_assert_ok(net_bridge_build(buf, "bxbr"), "net_bridge_build");
	ck_assert_int_eq(nettest_talk(buf), 0);
	ck_assert_msg(access("/sys/class/net/bxbr/bridge", F_OK) == 0,
	              "bxbr is not a bridge");
	ck_assert_err(net_bridge_build(buf, ""), -EINVAL, "an empty name");
	ck_assert_ok(net_master_build(buf, nettest_index("bxa"),
	                              nettest_index("bxbr")),
	             "net_master_build");
	ck_assert_int_eq(nettest_talk(buf), 0);
	n = readlink("/sys/class/net/bxa/master", target, sizeof(target) - 1);
	ck_assert_msg(n > 0, "bxa has no master");
	target[n] = '\0';
	ck_assert_str_eq(strrchr(target, '/') + 1, "bxbr");
	ck_assert_err(net_master_build(buf, 0, 1), -EINVAL, "index 0");
}
END_TEST

/* Whether link NAME has the IPv4 address TEXT. */
static bool has_address(const char *name, const char *text)
{
	struct ifaddrs *list, *p;
	char addr[INET_ADDRSTRLEN];
	bool found = false;

	ck_assert_int_eq(getifaddrs(&list), 0);
	for (p = list; p; p = p->ifa_next) {
		if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET ||
		    strcmp(p->ifa_name, name))
			continue;
		inet_ntop(AF_INET,
		          &((struct sockaddr_in *)p->ifa_addr)->sin_addr, addr,
		          sizeof(addr));
		found |= !strcmp(addr, text);
	}
	freeifaddrs(list);
	return found;
}

/* Whether /proc/net/route has a default route through 10.89.0.1. */
static bool has_default_route(void)
{
	char line[256], dest[16], gateway[16];
	bool found = false;
	FILE *f = fopen("/proc/net/route", "re");

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %15s %15s", dest, gateway) == 2 &&
		    !strcmp(dest, "00000000"))
			found |= !strcmp(gateway, "0100590A");
	fclose(f);
	return found;
}

START_TEST(address_and_default_route)
{
	char buf[NET_BUFFER_SIZE];

	nettest_own_network();
	nettest_veth("bxa", "bxb");
	ck_assert_ok(net_addr_build(buf, nettest_index("bxa"),
	                            nettest_addr("10.89.0.2"), 24),
	             "net_addr_build");
	ck_assert_int_eq(nettest_talk(buf), 0);
	ck_assert_msg(has_address("bxa", "10.89.0.2"), "no 10.89.0.2 on bxa");
	ck_assert_err(net_addr_build(buf, nettest_index("bxa"),
	                             nettest_addr("10.89.0.2"), 33),
	              -EINVAL, "a /33");
	ck_assert_ok(net_route_build(buf, nettest_addr("10.89.0.1")),
	             "net_route_build");
	ck_assert_int_eq(nettest_talk(buf), 0);
	ck_assert_msg(has_default_route(), "no default route via 10.89.0.1");
}
END_TEST

START_TEST(dump_lists_links_by_prefix)
{
	char names[4][16];
	int n, i, seen = 0;

	nettest_own_network();
	nettest_veth("bxa", "bxb");
	nettest_veth("bxc", "other");
	n = net_links_with_prefix("bx", names, 4);
	ck_assert_ok(n, "net_links_with_prefix");
	ck_assert_int_eq(n, 3);
	for (i = 0; i < n; i++)
		seen |= (!strcmp(names[i], "bxa") ? 1 : 0) |
		        (!strcmp(names[i], "bxb") ? 2 : 0) |
		        (!strcmp(names[i], "bxc") ? 4 : 0);
	ck_assert_int_eq(seen, 7);
	/* Room for one: all three are counted, one is stored. */
	ck_assert_int_eq(net_links_with_prefix("bx", names, 1), 3);
	ck_assert_int_eq(net_links_with_prefix("lo", names, 4), 1);
	ck_assert_str_eq(names[0], "lo");
}
END_TEST

const struct graded_test netlink_tests[] = {
	GRADED("9.1", talk_creates_and_reports_errors),
	GRADED("9.2", veth_peer_lands_in_the_container),
	GRADED("9.3", bridge_takes_a_port),
	GRADED("9.4", address_and_default_route),
	GRADED("9.7", dump_lists_links_by_prefix),
	{ 0 },
};
