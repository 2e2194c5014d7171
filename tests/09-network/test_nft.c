/* test_nft.c - the lab's nftables table (9.6): the text, checked as text
 * without root, then given to nftables in a network of the test's own. */
#include "harness.h"
#include "net.h"
#include "nettest.h"

#include <errno.h>
#include <string.h>

static const char expected[] =
        "table ip boxlab\n"
        "delete table ip boxlab\n"
        "table ip boxlab {\n"
        "\tchain postrouting {\n"
        "\t\ttype nat hook postrouting priority 100; policy accept;\n"
        "\t\tip saddr 10.89.0.0/24 oifname != \"bx0\" masquerade\n"
        "\t}\n"
        "\tchain prerouting {\n"
        "\t\ttype nat hook prerouting priority -100; policy accept;\n"
        "\t\ttcp dport 8080 dnat to 10.89.0.2:80\n"
        "\t\ttcp dport 2222 dnat to 10.89.0.3:22\n"
        "\t}\n"
        "}\n";

static void two_ports(struct net_publish ports[2])
{
	ports[0] = (struct net_publish){ 8080, nettest_addr("10.89.0.2"), 80 };
	ports[1] = (struct net_publish){ 2222, nettest_addr("10.89.0.3"), 22 };
}

START_TEST(ruleset_text)
{
	struct net_cidr subnet = { nettest_addr("10.89.0.7"), 24 };
	struct net_publish ports[2];
	char buf[1024];
	int len;

	two_ports(ports);
	len = net_nft_ruleset(buf, sizeof(buf), &subnet, "bx0", ports, 2);
	ck_assert_ok(len, "net_nft_ruleset");
	ck_assert_str_eq(buf, expected);
	ck_assert_int_eq(len, (int)strlen(expected));
	ck_assert_err(net_nft_ruleset(buf, 100, &subnet, "bx0", ports, 2),
	              -ENOSPC, "a buffer of 100 bytes");
	ports[1].host_port = 70000;
	ck_assert_err(
	        net_nft_ruleset(buf, sizeof(buf), &subnet, "bx0", ports, 2),
	        -EINVAL, "host port 70000");
	ports[1].host_port = 2222;
	ports[0].port = 0;
	ck_assert_err(
	        net_nft_ruleset(buf, sizeof(buf), &subnet, "bx0", ports, 2),
	        -EINVAL, "port 0");
}
END_TEST

START_TEST(ruleset_is_what_nftables_takes)
{
	struct net_cidr subnet = { nettest_addr("10.89.0.0"), 24 };
	struct net_publish ports[2];
	char buf[1024], err[512] = "";
	int len;

	nettest_own_network();
	two_ports(ports);
	len = net_nft_ruleset(buf, sizeof(buf), &subnet, "bx0", ports, 2);
	ck_assert_ok(len, "net_nft_ruleset");
	ck_assert_msg(net_nft_apply(buf, err, sizeof(err)) == 0,
	              "nftables refused the text: %s", err);
	/* Applied twice, it replaces itself. */
	ck_assert_msg(net_nft_apply(buf, err, sizeof(err)) == 0,
	              "nftables refused the text again: %s", err);
	ck_assert_ok(net_nft_delete(), "deleting the table");
	ck_assert_int_eq(net_nft_apply("list table ip boxlab", NULL, 0),
	                 -EINVAL);
}
END_TEST

const struct graded_test nft_tests[] = {
	GRADED("9.6", ruleset_text),
	GRADED("9.6", ruleset_is_what_nftables_takes),
	{ 0 },
};
