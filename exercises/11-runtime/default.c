/* default.c - the config.json of `boxrun spec`. See spec.h.
 *
 * What `runc spec` writes, less what the lab does not need: "sh" on a
 * terminal as root in /, the root file system in "rootfs" (read-only),
 * the usual mounts, new namespaces of every kind but user and network's
 * host sharing, the masked and read-only paths every runtime applies,
 * and Docker's default capabilities minus what Podman also drops.
 */
#include "spec.h"

#include <stdlib.h>
#include <string.h>

static const char default_config[] =
        "{\n"
        "\t\"ociVersion\": \"1.0.2\",\n"
        "\t\"process\": {\n"
        "\t\t\"terminal\": true,\n"
        "\t\t\"user\": { \"uid\": 0, \"gid\": 0 },\n"
        "\t\t\"args\": [ \"sh\" ],\n"
        "\t\t\"env\": [\n"
        "\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/"
        "bin\",\n"
        "\t\t\t\"TERM=xterm\"\n"
        "\t\t],\n"
        "\t\t\"cwd\": \"/\",\n"
        "\t\t\"capabilities\": {\n"
        "\t\t\t\"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
        "\"CAP_NET_BIND_SERVICE\" ],\n"
        "\t\t\t\"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
        "\"CAP_NET_BIND_SERVICE\" ],\n"
        "\t\t\t\"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
        "\"CAP_NET_BIND_SERVICE\" ]\n"
        "\t\t},\n"
        "\t\t\"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, "
        "\"soft\": 1024 } ],\n"
        "\t\t\"noNewPrivileges\": true\n"
        "\t},\n"
        "\t\"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
        "\t\"hostname\": \"boxrun\",\n"
        "\t\"mounts\": [\n"
        "\t\t{ \"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
        "\"proc\" },\n"
        "\t\t{ \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": "
        "\"tmpfs\",\n"
        "\t\t  \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", "
        "\"size=65536k\" ] },\n"
        "\t\t{ \"destination\": \"/dev/pts\", \"type\": \"devpts\", "
        "\"source\": \"devpts\",\n"
        "\t\t  \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", "
        "\"ptmxmode=0666\", \"mode=0620\" ] },\n"
        "\t\t{ \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": "
        "\"shm\",\n"
        "\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\", "
        "\"mode=1777\", \"size=65536k\" ] },\n"
        "\t\t{ \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", "
        "\"source\": \"mqueue\",\n"
        "\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
        "\t\t{ \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": "
        "\"sysfs\",\n"
        "\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] }\n"
        "\t],\n"
        "\t\"linux\": {\n"
        "\t\t\"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"network\" "
        "}, { \"type\": \"ipc\" },\n"
        "\t\t\t{ \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": "
        "\"cgroup\" } ],\n"
        "\t\t\"maskedPaths\": [ \"/proc/acpi\", \"/proc/asound\", "
        "\"/proc/kcore\", \"/proc/keys\",\n"
        "\t\t\t\"/proc/latency_stats\", \"/proc/timer_list\", "
        "\"/proc/timer_stats\",\n"
        "\t\t\t\"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\" ],\n"
        "\t\t\"readonlyPaths\": [ \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", "
        "\"/proc/sys\",\n"
        "\t\t\t\"/proc/sysrq-trigger\" ]\n"
        "\t}\n"
        "}\n";

char *spec_default(void)
{
	return strdup(default_config);
}
