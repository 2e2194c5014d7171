/* test_ipam.c - CIDR notation and the address allocator (9.5). No root
 * needed: pure functions. */
#include "harness.h"
#include "net.h"
#include "nettest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

START_TEST(cidr_parse_accepts_and_refuses)
{
	static const char *const bad[] = { "10.0.0.0/33", "10.0.0.0",
		                           "10.0.0.0/",   "10.0.0.0/8x",
		                           "10.0.0/8",    "10.0.0.0/-1",
		                           "x/8",         "" };
	struct net_cidr cidr;
	size_t i;

	ck_assert_ok(net_cidr_parse("10.89.0.7/24", &cidr), "10.89.0.7/24");
	ck_assert_int_eq(cidr.prefix, 24);
	ck_assert_int_eq(cidr.addr.s_addr, nettest_addr("10.89.0.7").s_addr);
	ck_assert_ok(net_cidr_parse("0.0.0.0/0", &cidr), "0.0.0.0/0");
	ck_assert_int_eq(cidr.prefix, 0);
	ck_assert_ok(net_cidr_parse("192.168.1.1/32", &cidr), "a /32");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_err(net_cidr_parse(bad[i], &cidr), -EINVAL, bad[i]);
}
END_TEST

START_TEST(ipam_skips_what_is_taken)
{
	struct net_cidr subnet = { nettest_addr("10.89.0.5"), 24 };
	struct in_addr used[3], addr;

	ck_assert_ok(net_ipam_pick(&subnet, used, 0, &addr), "an empty subnet");
	ck_assert_str_eq(inet_ntoa(addr), "10.89.0.2");
	used[0] = nettest_addr("10.89.0.2");
	used[1] = nettest_addr("10.89.0.4");
	ck_assert_ok(net_ipam_pick(&subnet, used, 2, &addr),
	             "with .2 and .4 taken");
	ck_assert_str_eq(inet_ntoa(addr), "10.89.0.3");
	used[2] = nettest_addr("10.89.0.3");
	ck_assert_ok(net_ipam_pick(&subnet, used, 3, &addr),
	             "with .2 to .4 taken");
	ck_assert_str_eq(inet_ntoa(addr), "10.89.0.5");
}
END_TEST

START_TEST(ipam_never_hands_out_network_gateway_or_broadcast)
{
	struct net_cidr subnet = { nettest_addr("10.1.2.0"), 30 };
	struct in_addr used[1], addr;

	/* A /30 has .0 (network), .1 (gateway), .2 and .3 (broadcast). */
	ck_assert_ok(net_ipam_pick(&subnet, used, 0, &addr), "a /30");
	ck_assert_str_eq(inet_ntoa(addr), "10.1.2.2");
	used[0] = addr;
	ck_assert_err(net_ipam_pick(&subnet, used, 1, &addr), -ENOSPC,
	              "a full /30");
	subnet.prefix = 31;
	ck_assert_err(net_ipam_pick(&subnet, used, 0, &addr), -EINVAL, "a /31");
	subnet.prefix = 33;
	ck_assert_err(net_ipam_pick(&subnet, used, 0, &addr), -EINVAL, "a /33");
}
END_TEST

const struct graded_test ipam_tests[] = {
	GRADED("9.5", cidr_parse_accepts_and_refuses),
	GRADED("9.5", ipam_skips_what_is_taken),
	GRADED("9.5", ipam_never_hands_out_network_gateway_or_broadcast),
	{ 0 },
};
