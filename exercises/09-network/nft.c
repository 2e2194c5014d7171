/* nft.c - the lab's nftables table: masquerade and published ports (9.6),
 * applied with libnftables. */
#include "net.h"

#include "exercise.h"

#include <arpa/inet.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* EXERCISE 9.6: your own helper functions can go here. */

int net_nft_ruleset(char *buf, size_t size, const struct net_cidr *subnet,
                    const char *bridge, const struct net_publish *ports,
                    size_t n)
{
	/* EXERCISE 9.6: Write the NAT rules (20 points)
	 *
	 * Write, with snprintf(), exactly this (tabs for indentation), with
	 * one "tcp dport" line per published port, in the order given:
	 *
	 *	table ip boxlab
	 *	delete table ip boxlab
	 *	table ip boxlab {
	 *		chain postrouting {
	 *			type nat hook postrouting priority 100; policy accept;
	 *			ip saddr 10.89.0.0/24 oifname != "bx0" masquerade
	 *		}
	 *		chain prerouting {
	 *			type nat hook prerouting priority -100; policy accept;
	 *			tcp dport 8080 dnat to 10.89.0.2:80
	 *		}
	 *	}
	 *
	 * The subnet is written as its network address (host bits cleared:
	 * 10.89.0.7/24 is 10.89.0.0/24), inet_ntop() writes addresses. Check
	 * every port first (-EINVAL unless 1 to 65535; a prefix above 32 is
	 * -EINVAL too), and give -ENOSPC if the text does not fit in SIZE
	 * bytes. Return the text's length.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("9.6", buf, size, subnet, bridge, ports, n);
}

int net_nft_apply(const char *text, char *err, size_t err_size)
{
	struct nft_ctx *nft;
	int ret;

	nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nft)
		return -ENOMEM;
	/* libnftables prints its errors on stderr unless told to keep
	 * them: library code does not print. */
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	ret = nft_run_cmd_from_buffer(nft, text) == 0 ? 0 : -EINVAL;
	if (ret < 0 && err && err_size > 0)
		snprintf(err, err_size, "%s", nft_ctx_get_error_buffer(nft));
	nft_ctx_free(nft);
	return ret;
}

int net_nft_delete(void)
{
	/* Declaring the table first makes the delete work whether it was
	 * there or not. */
	return net_nft_apply("table ip " NET_TABLE "\n"
	                     "delete table ip " NET_TABLE "\n",
	                     NULL, 0);
}
