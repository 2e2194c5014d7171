/* ops.c - each request built, then sent: the calls boxnet makes. */
#include "net.h"

#include <errno.h>
#include <net/if.h>

/* The index of link NAME, or -ENODEV. */
static int index_of(const char *name)
{
	unsigned index = if_nametoindex(name);

	return index == 0 ? -ENODEV : (int)index;
}

int net_veth_create(const char *name, const char *peer, pid_t peer_pid)
{
	char buf[NET_BUFFER_SIZE];
	int ret = net_veth_build(buf, name, peer, peer_pid);

	return ret < 0 ? ret : net_talk((struct nlmsghdr *)buf);
}

int net_bridge_create(const char *name)
{
	char buf[NET_BUFFER_SIZE];
	int ret = net_bridge_build(buf, name);

	return ret < 0 ? ret : net_talk((struct nlmsghdr *)buf);
}

int net_link_set_master(const char *name, const char *master)
{
	char buf[NET_BUFFER_SIZE];
	int link = index_of(name), bridge = index_of(master), ret;

	if (link < 0 || bridge < 0)
		return -ENODEV;
	ret = net_master_build(buf, link, bridge);
	return ret < 0 ? ret : net_talk((struct nlmsghdr *)buf);
}

int net_addr_add(const char *name, struct in_addr addr, int prefix)
{
	char buf[NET_BUFFER_SIZE];
	int link = index_of(name), ret;

	if (link < 0)
		return link;
	ret = net_addr_build(buf, link, addr, prefix);
	return ret < 0 ? ret : net_talk((struct nlmsghdr *)buf);
}

int net_route_add_default(struct in_addr gateway)
{
	char buf[NET_BUFFER_SIZE];
	int ret = net_route_build(buf, gateway);

	return ret < 0 ? ret : net_talk((struct nlmsghdr *)buf);
}

int net_link_up(const char *name)
{
	char buf[NET_BUFFER_SIZE];
	int ret = net_up_build(buf, name);

	return ret < 0 ? ret : net_talk((struct nlmsghdr *)buf);
}

int net_link_delete(const char *name)
{
	char buf[NET_BUFFER_SIZE];
	int ret = net_delete_build(buf, name);

	return ret < 0 ? ret : net_talk((struct nlmsghdr *)buf);
}
