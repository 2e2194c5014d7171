/* sec.h - fewer privileges for the container's process.
 *
 * Namespaces give a container its own view, cgroups its own share; neither
 * takes power away. Root inside a container of chapter 06 may still load
 * a kernel module, read /proc/kcore, remount things, reboot the host.
 * This chapter closes those doors the way Docker and the OCI runtimes do,
 * one layer each:
 *	capabilities   root's power cut into pieces, most of them dropped
 *	               (capabilities(7), through libcap)
 *	no_new_privs   no setuid program can give them back (prctl(2))
 *	seccomp        a filter on the system calls themselves (seccomp(2),
 *	               through libseccomp, from an OCI profile in JSON)
 *	masked paths   /proc files that leak the host, covered up
 *	read-only      /proc/sys and friends, readable but not writable
 * and re-executes the runtime from a sealed memfd, so a container cannot
 * overwrite the runtime's binary through /proc/self/exe (CVE-2019-5736).
 *
 * Every function returns 0 (or what it says) or -errno, and never prints.
 */
#ifndef BOXLAB_SEC_H
#define BOXLAB_SEC_H

#include <jansson.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- capabilities (caps.c) --------------------------------------------- */

/* Bit N for capability N, as in chapter 04's struct caps_sets. */
#define SEC_CAP(c) (UINT64_C(1) << (c))

/* Docker's default set: the 14 capabilities a container keeps. */
extern const char sec_caps_docker[];
/* Podman's default set: Docker's without NET_RAW, MKNOD, AUDIT_WRITE. */
extern const char sec_caps_default[];

/* Turn LIST into a set of capabilities in *RET_SET: "default" (Podman's
 * 11), "docker" (Docker's 14), "none", "all" (every one the kernel
 * knows), or names separated by commas, each as cap_from_name(3) knows
 * it ("cap_chown"; upper case and a missing "cap_" prefix are accepted:
 * "CHOWN,net_raw"). Returns 0, or -EINVAL for an unknown name or an
 * empty item; then *RET_BAD (when not NULL) points into LIST at the
 * offending item. */
int sec_caps_parse(const char *list, uint64_t *ret_set, const char **ret_bad);

/* Keep the capabilities of KEEP and lose every other one for good: drop
 * them from the bounding set (cap_iab(3), CAP_IAB_BOUND), then from the
 * permitted, effective and inheritable sets (cap_set_proc(3)). Needs
 * CAP_SETPCAP to shrink the bounding set, so the bounding set goes
 * first. Returns 0 or -errno (-EPERM without CAP_SETPCAP). */
int sec_caps_limit(uint64_t keep);

/* Raise the capabilities of SET in the inheritable and ambient sets, so
 * that they survive execve(2) of a program that has no file capabilities
 * and runs as a user other than root (the OCI process.capabilities
 * "ambient" list). Each must be in the permitted set already (-EPERM
 * otherwise). Returns 0 or -errno. */
int sec_caps_ambient(uint64_t set);

/* --- seccomp (seccomp.c) ------------------------------------------------ */

/* Build a libseccomp filter from TEXT, a seccomp profile in the OCI
 * format (config.json's linux.seccomp, Docker's seccomp profiles):
 *	{ "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
 *	  "architectures": [ "SCMP_ARCH_X86_64" ],
 *	  "syscalls": [ { "names": [ "read", "write" ],
 *	                  "action": "SCMP_ACT_ALLOW",
 *	                  "errnoRet": 1,
 *	                  "args": [ { "index": 0, "value": 1,
 *	                              "valueTwo": 0, "op": "SCMP_CMP_EQ" } ]
 *	                } ] }
 * Actions: SCMP_ACT_ALLOW, SCMP_ACT_ERRNO (errnoRet, default EPERM),
 * SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_LOG. A
 * name libseccomp does not know is an error, not a rule skipped. The
 * filter does not set no_new_privs by itself (SCMP_FLTATR_CTL_NNP off):
 * the caller decides. On success *RET_CTX is the filter (release it
 * with seccomp_release(3)); on -EINVAL, WHY (SIZE bytes) says what and
 * where ("syscalls[2]: unknown system call \"mkdirr\""). Returns 0,
 * -EINVAL or -errno. */
int sec_seccomp_build(const char *text, scmp_filter_ctx *ret_ctx, char *why,
                      size_t size);

/* The conditions of one rule (its "args" array, ARGS) as libseccomp comparisons, in CONDS (room for MAX); their
 * number in *RET_COUNT. Ops: SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT,
 * _MASKED_EQ (value is the mask, valueTwo the datum). Returns 0, or
 * -EINVAL with WHY filled in. */
int sec_seccomp_conditions(const json_t *args, struct scmp_arg_cmp *conds,
                           unsigned max, unsigned *ret_count, char *why,
                           size_t size);

/* Fill WHY (SIZE bytes) from FMT, like snprintf(3), and return -EINVAL:
 * the one form of every error in a profile. */
int sec_seccomp_error(char *why, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* --- masked and read-only paths (paths.c) ------------------------------- */

/* What runc and Docker mask and make read-only in every container. */
extern const char *const sec_masked_paths[];
extern const char *const sec_readonly_paths[];

/* Cover each of PATHS (NULL-terminated, absolute) in this mount
 * namespace: a file gets /dev/null bind-mounted over it, so it reads as
 * empty; a directory gets an empty read-only tmpfs. A path that does not
 * exist is skipped (not every kernel has /proc/timer_list). The mount
 * namespace should be private. Returns 0 or -errno. See mount(2). */
int sec_mask_paths(const char *const *paths);

/* Make each of PATHS (NULL-terminated, absolute) read-only: bind it onto
 * itself (MS_BIND | MS_REC), then remount that bind read-only
 * (MS_REMOUNT | MS_BIND | MS_RDONLY) keeping the flags the mount has
 * (nosuid, nodev, noexec, ...; statvfs(3)), which the kernel may have
 * locked. A path that does not exist is skipped. Returns 0 or -errno. */
int sec_make_readonly(const char *const *paths);

/* --- the runtime's own binary (memfd.c) --------------------------------- */

/* Copy the program open at FD into a new memfd (memfd_create(2), with
 * sealing allowed), seal it against every change (F_SEAL_SHRINK,
 * F_SEAL_GROW, F_SEAL_WRITE, then F_SEAL_SEAL) and execute it with ARGV
 * and ENVP (execveat(2) with AT_EMPTY_PATH). From then on the process's
 * /proc/self/exe is that memfd, not the file on disk, and nothing can
 * write it. Does not return on success; returns -errno. */
int sec_exec_sealed(int fd, char *const argv[], char *const envp[]);

/* True if this process runs from a sealed memfd already. */
bool sec_running_sealed(void);

/* --- all of them, in a runtime's order (apply.c) ------------------------ */

struct sec_spec {
	bool set_caps;           /* limit the capabilities to CAPS */
	uint64_t caps;           /* what the process keeps */
	scmp_filter_ctx seccomp; /* a filter to load, or NULL */
	bool no_new_privs;       /* PR_SET_NO_NEW_PRIVS */
	bool mask;               /* sec_mask_paths(sec_masked_paths) */
	bool readonly_paths;     /* sec_make_readonly(sec_readonly_paths) */
	bool verbose;            /* narrate each step on stderr */
};

/* In the container's child, after its root was switched (chapter 06),
 * just before the exec: masked and read-only paths (mounts need
 * CAP_SYS_ADMIN, so first); without no_new_privs the seccomp filter
 * (loading one needs CAP_SYS_ADMIN then, so before the capabilities go);
 * the capabilities; no_new_privs; with it, the filter, as late as
 * possible, so that it has the fewest of the runtime's own calls to
 * allow. Returns 0 or -errno, the step that failed in *RET_STEP. */
int sec_apply(const struct sec_spec *spec, const char **ret_step);

#endif
