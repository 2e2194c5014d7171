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

/* BEGIN EXERCISE 9.6 (helpers) */
/* Append to BUF (SIZE bytes, *LEN used) what FMT says. Returns 0, or
 * -ENOSPC once it does not fit. */
static int append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *len)
		return -ENOSPC;
	*len += (size_t)n;
	return 0;
}

static bool good_port(int port)
{
	return port >= 1 && port <= 65535;
}
/* END EXERCISE 9.6 */

int net_nft_ruleset(char *buf, size_t size, const struct net_cidr *subnet,
                    const char *bridge, const struct net_publish *ports,
                    size_t n)
{
	/* BEGIN EXERCISE 9.6: Write the NAT rules (20 points)
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
	 * stub: return exercise_todo("9.6", buf, size, subnet, bridge, ports, n);
	 */
	char net[INET_ADDRSTRLEN], to[INET_ADDRSTRLEN];
	struct in_addr network;
	size_t i, len = 0;
	int ret;

	if (subnet->prefix < 0 || subnet->prefix > 32)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!good_port(ports[i].host_port) || !good_port(ports[i].port))
			return -EINVAL;
	/* The gateway is the network address + 1. */
	network.s_addr = htonl(ntohl(net_gateway(subnet).s_addr) - 1);
	inet_ntop(AF_INET, &network, net, sizeof(net));
	ret = append(
	        buf, size, &len,
	        "table ip boxlab\ndelete table ip boxlab\n"
	        "table ip boxlab {\n\tchain postrouting {\n"
	        "\t\ttype nat hook postrouting priority 100; policy accept;\n"
	        "\t\tip saddr %s/%d oifname != \"%s\" masquerade\n\t}\n"
	        "\tchain prerouting {\n"
	        "\t\ttype nat hook prerouting priority -100; policy accept;\n",
	        net, subnet->prefix, bridge);
	for (i = 0; ret == 0 && i < n; i++) {
		inet_ntop(AF_INET, &ports[i].addr, to, sizeof(to));
		ret = append(buf, size, &len,
		             "\t\ttcp dport %d dnat to %s:%d\n",
		             ports[i].host_port, to, ports[i].port);
	}
	if (ret == 0)
		ret = append(buf, size, &len, "\t}\n}\n");
	return ret < 0 ? ret : (int)len;
	/* END EXERCISE 9.6 */
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
