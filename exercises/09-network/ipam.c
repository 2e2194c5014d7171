/* ipam.c - addresses: CIDR notation and handing out addresses (9.5). */
#include "net.h"

#include "exercise.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The netmask of PREFIX bits, in host byte order. */
static uint32_t mask_of(int prefix)
{
	return prefix == 0 ? 0 : ~(uint32_t)0 << (32 - prefix);
}

bool net_cidr_contains(const struct net_cidr *subnet, struct in_addr addr)
{
	uint32_t mask = mask_of(subnet->prefix);

	return (ntohl(addr.s_addr) & mask) ==
	       (ntohl(subnet->addr.s_addr) & mask);
}

struct in_addr net_gateway(const struct net_cidr *subnet)
{
	uint32_t net = ntohl(subnet->addr.s_addr) & mask_of(subnet->prefix);

	return (struct in_addr){ .s_addr = htonl(net + 1) };
}

/* EXERCISE 9.5: Allocate addresses from a CIDR (15 points)
 *
 * net_cidr_parse(): split TEXT at its '/', read the address with
 * inet_pton(AF_INET) and the prefix with strtol() (digits only, 0 to 32:
 * "10.0.0.0/33" is -EINVAL, and so are "10.0.0.0", "10.0.0.0/" and
 * "10.0.0.0/8x").
 *
 * net_ipam_pick(): walk the host addresses of SUBNET upwards, in host
 * byte order (ntohl()), from the gateway's successor to the one before
 * the broadcast address, and return the first one not in USED. -EINVAL
 * for a prefix above 30, -ENOSPC if every one is taken.
 *
 * Replace the stub below with your code.
 */
int net_cidr_parse(const char *text, struct net_cidr *ret)
{
	return exercise_todo("9.5", text, ret);
}
int net_ipam_pick(const struct net_cidr *subnet, const struct in_addr *used,
                  size_t n, struct in_addr *ret)
{
	return exercise_todo("9.5", subnet, used, n, ret);
}
