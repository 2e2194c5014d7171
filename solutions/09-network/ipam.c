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

/* BEGIN EXERCISE 9.5: Allocate addresses from a CIDR (15 points)
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
 * stub: int net_cidr_parse(const char *text, struct net_cidr *ret)
 * stub: {
 * stub: 	return exercise_todo("9.5", text, ret);
 * stub: }
 * stub: int net_ipam_pick(const struct net_cidr *subnet, const struct in_addr *used,
 * stub:                   size_t n, struct in_addr *ret)
 * stub: {
 * stub: 	return exercise_todo("9.5", subnet, used, n, ret);
 * stub: }
 */
int net_cidr_parse(const char *text, struct net_cidr *ret)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	char *end;
	long prefix;

	if (!slash || (size_t)(slash - text) >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, text, slash - text);
	addr[slash - text] = '\0';
	if (inet_pton(AF_INET, addr, &ret->addr) != 1)
		return -EINVAL;
	if (slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	prefix = strtol(slash + 1, &end, 10);
	if (*end != '\0' || prefix > 32)
		return -EINVAL;
	ret->prefix = (int)prefix;
	return 0;
}

/* Whether ADDR (host byte order) is one of the N of USED. */
static bool in_use(uint32_t addr, const struct in_addr *used, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ntohl(used[i].s_addr) == addr)
			return true;
	return false;
}

int net_ipam_pick(const struct net_cidr *subnet, const struct in_addr *used,
                  size_t n, struct in_addr *ret)
{
	uint32_t mask, first, broadcast, addr;

	if (subnet->prefix < 0 || subnet->prefix > 30)
		return -EINVAL;
	mask = mask_of(subnet->prefix);
	first = ntohl(subnet->addr.s_addr) & mask;
	broadcast = first | ~mask;
	/* first is the network, first + 1 the gateway. */
	for (addr = first + 2; addr < broadcast; addr++) {
		if (!in_use(addr, used, n)) {
			ret->s_addr = htonl(addr);
			return 0;
		}
	}
	return -ENOSPC;
}
/* END EXERCISE 9.5 */
