/* spec.h - an OCI bundle's config.json, read into C.
 *
 * An OCI runtime (runc, crun, the lab's boxrun) is given a *bundle*: a
 * directory holding config.json and, usually, the root file system it
 * names. config.json says everything about the container: the process
 * (args, env, cwd, user, capabilities, rlimits, terminal), the root, the
 * host name, the mounts, and under "linux" the namespaces, ID mappings,
 * cgroup and resources, sysctls, masked and read-only paths, seccomp.
 * See the OCI runtime spec: config.md and config-linux.md.
 *
 * The parser reads it with jansson into the structs below, checking each
 * field's type, and says which field is wrong, the way a user needs it:
 * "process.args: expected an array of strings". Functions return 0 or
 * -errno and never print.
 */
#ifndef BOXLAB_SPEC_H
#define BOXLAB_SPEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Where a config.json is wrong: "process.args[0]: expected a string". */
struct spec_error {
	char text[256];
};

/* One entry of process.rlimits: {"type": "RLIMIT_NOFILE", ...}. */
struct spec_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

/* The capability sets of process.capabilities, as names ("CAP_CHOWN"),
 * each NULL-terminated; a set that is absent is NULL. */
enum spec_cap_set {
	SPEC_CAP_BOUNDING,
	SPEC_CAP_EFFECTIVE,
	SPEC_CAP_INHERITABLE,
	SPEC_CAP_PERMITTED,
	SPEC_CAP_AMBIENT,
	SPEC_CAP_SETS
};

/* "process": what runs in the container. */
struct spec_process {
	bool terminal;          /* a pty, through --console-socket */
	uid_t uid;              /* user.uid */
	gid_t gid;              /* user.gid */
	gid_t *additional_gids; /* user.additionalGids */
	size_t n_additional_gids;
	char **args; /* NULL-terminated, at least one */
	char **env;  /* "KEY=VALUE", NULL-terminated */
	char *cwd;   /* absolute */
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	char **caps[SPEC_CAP_SETS];
};

/* One entry of "mounts". */
struct spec_mount {
	char *destination;         /* absolute, in the container */
	char *type;                /* "proc", "tmpfs", "bind"... or NULL */
	char *source;              /* or NULL */
	unsigned long flags;       /* MS_* from the options */
	unsigned long propagation; /* MS_PRIVATE... (| MS_REC), or 0 */
	char *data; /* the other options, "mode=755,size=65536k" */
};

/* One entry of linux.namespaces. */
struct spec_namespace {
	uint64_t type; /* CLONE_NEW* */
	char *path;    /* join the namespace at this path, or NULL: a new one */
};

/* One entry of linux.uidMappings or linux.gidMappings. */
struct spec_id_mapping {
	uint32_t container_id, host_id, size;
};

/* One entry of linux.devices: a node the container's /dev gets. */
struct spec_device {
	char *path;  /* absolute, in the container: "/dev/fuse" */
	mode_t type; /* S_IFCHR ("c", "u"), S_IFBLK ("b"), S_IFIFO ("p") */
	uint32_t major, minor;
	mode_t mode; /* fileMode's permission bits; 0666 if absent */
	uid_t uid;   /* owner, 0 if absent */
	gid_t gid;
};

/* The hooks, in the order the lifecycle runs them. */
enum spec_hook_kind {
	SPEC_HOOK_PRESTART,
	SPEC_HOOK_CREATE_RUNTIME,
	SPEC_HOOK_CREATE_CONTAINER,
	SPEC_HOOK_START_CONTAINER,
	SPEC_HOOK_POSTSTART,
	SPEC_HOOK_POSTSTOP,
	SPEC_HOOK_KINDS
};
extern const char *const spec_hook_names[]; /* "prestart", ... */

struct spec_hook {
	char *path;  /* absolute */
	char **args; /* NULL-terminated, or NULL */
	char **env;  /* NULL-terminated, or NULL */
	int timeout; /* seconds, 0 for none */
};

/* The whole config. */
struct spec {
	char *oci_version;
	struct spec_process process;
	char *root_path; /* as written: relative to the bundle, or absolute */
	bool root_readonly;
	char *hostname; /* or NULL */
	struct spec_mount *mounts;
	size_t n_mounts;
	struct spec_namespace *namespaces;
	size_t n_namespaces;
	struct spec_id_mapping *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	char *cgroups_path; /* or NULL */
	struct {
		int64_t memory_limit;       /* bytes, or -1 */
		int64_t pids_limit;         /* or -1 */
		int64_t cpu_quota;          /* microseconds per period, or -1 */
		uint64_t cpu_period;        /* microseconds, or 0 */
		uint64_t cpu_shares;        /* or 0 */
		char *cpuset_cpus;          /* "0-1", or NULL */
		char *cpuset_mems;          /* "0", or NULL */
		int64_t memory_swap;        /* memory + swap, bytes, or -1 */
		int64_t memory_reservation; /* a soft limit, bytes, or -1 */
		uint64_t blkio_weight;      /* 10 to 1000, or 0 */
	} resources;
	struct spec_device *devices; /* linux.devices */
	size_t n_devices;
	char **sysctl; /* "net.ipv4.ip_forward=1", NULL-terminated, or NULL */
	char **masked_paths;              /* NULL-terminated, or NULL */
	char **readonly_paths;            /* NULL-terminated, or NULL */
	unsigned long rootfs_propagation; /* MS_* | MS_REC, or 0 */
	char *seccomp_json; /* linux.seccomp as JSON text (chapter 10), or NULL */
	struct spec_hook *hooks[SPEC_HOOK_KINDS];
	size_t n_hooks[SPEC_HOOK_KINDS];
	/* What the parser read and the runtime will not do, one message
	 * each ("linux.intelRdt: not supported, ignored"), NULL-terminated,
	 * or NULL: the caller warns. */
	char **warnings;
};

/* Read the "process" object PROCESS into RET: terminal, user (uid, gid,
 * additionalGids), args (an array of at least one string), env (an
 * array of "KEY=VALUE" strings), cwd (an absolute path), rlimits (each
 * with a known "type", RLIMIT_NOFILE..., and "soft" and "hard"),
 * noNewPrivileges, oomScoreAdj (-1000 to 1000), capabilities (each set
 * an array of names). Fields that are absent keep their zero value but
 * args and cwd, which are required. Returns 0, or -EINVAL with ERR
 * naming the field ("process.args: expected an array of strings");
 * -ENOMEM. On failure RET holds what was read so far: free it with
 * spec_process_free(). See the runtime spec, config.md "Process". */
int spec_parse_process(json_t *process, struct spec_process *ret,
                       struct spec_error *err);

/* The mount options OPTIONS (an array of strings, as in config.json:
 * "nosuid", "ro", "rbind", "rprivate", "mode=755") into M: the flag
 * options set or clear bits of M->flags (mount(8)'s names: "ro", "rw",
 * "nosuid", "suid", "nodev", "dev", "noexec", "exec", "sync", "async",
 * "dirsync", "remount", "mand", "nomand", "atime", "noatime",
 * "diratime", "nodiratime", "relatime", "norelatime", "strictatime",
 * "nostrictatime", "bind", "rbind"), the propagation options set
 * M->propagation ("private", "rprivate", "shared", "rshared", "slave",
 * "rslave", "unbindable", "runbindable"), and every other option is kept,
 * in order, comma-separated, in M->data (malloc'd; NULL if none), which
 * mount(2) hands to the file system. WHERE names the array for messages
 * ("mounts[3].options"). Returns 0, -EINVAL with ERR set (an option that
 * is not a string), or -ENOMEM. See mount(8), "FILESYSTEM-INDEPENDENT
 * MOUNT OPTIONS". */
int spec_parse_mount_options(json_t *options, const char *where,
                             struct spec_mount *m, struct spec_error *err);

/* linux.namespaces, NAMESPACES (an array of {"type": ..., "path": ...}),
 * into RET (malloc'd) and RET_COUNT: the types "pid", "network", "mount",
 * "ipc", "uts", "user", "cgroup", "time" as CLONE_NEW* flags, each at
 * most once; "path", when there, absolute (the namespace to join). ERR
 * names the field ("linux.namespaces[2].type: unknown namespace type
 * \"pids\""). Returns 0, -EINVAL, or -ENOMEM. */
int spec_parse_namespaces(json_t *namespaces, struct spec_namespace **ret,
                          size_t *ret_count, struct spec_error *err);

/* Read the whole config.json TEXT into RET, with the three functions
 * above for their parts. ociVersion, process and root.path are required;
 * everything else is optional. Returns 0, or -EINVAL with ERR naming the
 * field ("config.json: not JSON: line 3: ..." for a broken file), or
 * -ENOMEM. On failure RET holds nothing to free. */
int spec_parse(const char *text, struct spec *ret, struct spec_error *err);

/* Free what the parsers allocated. Accept zeroed structs. */
void spec_process_free(struct spec_process *process);
void spec_free(struct spec *spec);

/* The config.json `boxrun spec` writes (and `runc spec`): a busybox-able
 * container running "sh" on a terminal, root "rootfs", the usual mounts,
 * masked and read-only paths and namespaces. A JSON text to free. */
char *spec_default(void);

#endif
