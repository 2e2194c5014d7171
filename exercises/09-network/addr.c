/* addr.c - an address on a link and the default route (9.4). */
#include "net.h"

#include "exercise.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

/* EXERCISE 9.4: Add an address and a default route (15 points)
 *
 * Two requests, "ip address add ADDR/PREFIX dev LINK" and "ip route add
 * default via GATEWAY":
 *   - RTM_NEWADDR with NLM_F_CREATE | NLM_F_EXCL and a struct ifaddrmsg
 *     (family AF_INET, prefix length PREFIX, scope RT_SCOPE_UNIVERSE,
 *     index LINK), then IFA_LOCAL and IFA_ADDRESS, both ADDR (a u32 in
 *     network byte order, as struct in_addr holds it). A PREFIX above 32
 *     or an index that is not positive is -EINVAL;
 *   - RTM_NEWROUTE with NLM_F_CREATE | NLM_F_EXCL and a struct rtmsg:
 *     family AF_INET, destination length 0 (the default route), table
 *     RT_TABLE_MAIN, protocol RTPROT_BOOT, scope RT_SCOPE_UNIVERSE, type
 *     RTN_UNICAST; then RTA_GATEWAY GATEWAY.
 *
 * Replace the stub below with your code.
 */
int net_addr_build(char *buf, int link, struct in_addr addr, int prefix)
{
	return exercise_todo("9.4", buf, link, addr, prefix);
}
int net_route_build(char *buf, struct in_addr gateway)
{
	return exercise_todo("9.4", buf, gateway);
}
