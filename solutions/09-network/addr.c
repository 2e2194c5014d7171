/* addr.c - an address on a link and the default route (9.4). */
#include "net.h"

#include "exercise.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

/* BEGIN EXERCISE 9.4: Add an address and a default route (15 points)
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
 * stub: int net_addr_build(char *buf, int link, struct in_addr addr, int prefix)
 * stub: {
 * stub: 	return exercise_todo("9.4", buf, link, addr, prefix);
 * stub: }
 * stub: int net_route_build(char *buf, struct in_addr gateway)
 * stub: {
 * stub: 	return exercise_todo("9.4", buf, gateway);
 * stub: }
 */
int net_addr_build(char *buf, int link, struct in_addr addr, int prefix)
{
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;

	if (prefix < 0 || prefix > 32 || link <= 0)
		return -EINVAL;
	nlh = net_request(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
	                  sizeof(*ifa));
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)link;
	/* On a broadcast link IFA_LOCAL is the address itself; IFA_ADDRESS
	 * is the peer's on a point-to-point link, and the same here. */
	mnl_attr_put_u32(nlh, IFA_LOCAL, addr.s_addr);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, addr.s_addr);
	return 0;
}

int net_route_build(char *buf, struct in_addr gateway)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	nlh = net_request(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL,
	                  sizeof(*rtm));
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 0; /* 0.0.0.0/0: every destination */
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, gateway.s_addr);
	return 0;
}
/* END EXERCISE 9.4 */
