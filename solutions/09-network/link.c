/* link.c - links: a veth pair (9.2), a bridge and its ports (9.3), and
 * the worked examples: a link set up, a link deleted. */
#include "net.h"

#include "exercise.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>

/* Whether NAME can name a link: not empty, shorter than IFNAMSIZ. */
static bool good_name(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len < IFNAMSIZ;
}

/* A worked example: RTM_NEWLINK on an existing link (no NLM_F_CREATE)
 * changes it; ifi_change says which flags to change, ifi_flags to what. */
int net_up_build(char *buf, const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (!good_name(name))
		return -EINVAL;
	nlh = net_request(buf, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return 0;
}

/* Deleting one end of a veth pair deletes both; deleting a bridge frees
 * its ports. */
int net_delete_build(char *buf, const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (!good_name(name))
		return -EINVAL;
	nlh = net_request(buf, RTM_DELLINK, 0, sizeof(*ifi));
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return 0;
}

int net_veth_build(char *buf, const char *name, const char *peer,
                   pid_t peer_pid)
{
	/* BEGIN EXERCISE 9.2: Create a veth pair across namespaces (20 points)
	 *
	 * Start an RTM_NEWLINK request with NLM_F_CREATE | NLM_F_EXCL
	 * (net_request(), a struct ifinfomsg of family AF_UNSPEC) and nest
	 * the attributes the way ip(8) does for "ip link add NAME type veth
	 * peer name PEER netns PEER_PID":
	 *   IFLA_IFNAME NAME
	 *   IFLA_LINKINFO { IFLA_INFO_KIND "veth",
	 *                   IFLA_INFO_DATA { VETH_INFO_PEER: a struct
	 *                       ifinfomsg, then IFLA_IFNAME PEER and, when
	 *                       PEER_PID is not 0, IFLA_NET_NS_PID (u32) } }
	 * mnl_attr_nest_start()/mnl_attr_nest_end() make the nests; the
	 * peer's ifinfomsg goes in with mnl_nlmsg_put_extra_header(). Both
	 * names must be good (see net_up_build()): -EINVAL otherwise.
	 *
	 * stub: return exercise_todo("9.2", buf, name, peer, peer_pid);
	 */
	struct nlattr *linkinfo, *data, *peer_nest;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (!good_name(name) || !good_name(peer))
		return -EINVAL;
	nlh = net_request(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
	                  sizeof(*ifi));
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* The peer is described as a link of its own: its ifinfomsg, then
	 * its attributes. */
	peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_pid != 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)peer_pid);
	mnl_attr_nest_end(nlh, peer_nest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return 0;
	/* END EXERCISE 9.2 */
}

/* BEGIN EXERCISE 9.3: Create a bridge and plug a link into it (15 points)
 *
 * Two requests, like the ones above:
 *   - the bridge, "ip link add NAME type bridge": RTM_NEWLINK with
 *     NLM_F_CREATE | NLM_F_EXCL, IFLA_IFNAME NAME and IFLA_LINKINFO {
 *     IFLA_INFO_KIND "bridge" }; -EINVAL for a bad name;
 *   - a port, "ip link set LINK master MASTER": RTM_NEWLINK on the link's
 *     index (ifi_index = LINK, no NLM_F_CREATE) with the attribute
 *     IFLA_MASTER MASTER (u32); an index that is not positive is -EINVAL.
 *
 * stub: int net_bridge_build(char *buf, const char *name)
 * stub: {
 * stub: 	return exercise_todo("9.3", buf, name);
 * stub: }
 * stub: int net_master_build(char *buf, int link, int master)
 * stub: {
 * stub: 	return exercise_todo("9.3", buf, link, master);
 * stub: }
 */
int net_bridge_build(char *buf, const char *name)
{
	struct nlattr *linkinfo;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (!good_name(name))
		return -EINVAL;
	nlh = net_request(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
	                  sizeof(*ifi));
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, linkinfo);
	return 0;
}

int net_master_build(char *buf, int link, int master)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;

	if (link <= 0 || master <= 0)
		return -EINVAL;
	nlh = net_request(buf, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = link;
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return 0;
}
/* END EXERCISE 9.3 */
