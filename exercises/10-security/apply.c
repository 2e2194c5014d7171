/* apply.c - the layers, in a runtime's order. See sec.h.
 *
 * The order is runc's (libcontainer/standard_init_linux.go), and every
 * step is where it is for a reason:
 *   1. masked and read-only paths: mount(2) needs CAP_SYS_ADMIN, which
 *      is about to go; and the root must have been switched already, so
 *      that these are the container's /proc and /sys;
 *   2. without no_new_privs, the seccomp filter: loading one needs
 *      CAP_SYS_ADMIN then; the filter must allow what the runtime still
 *      calls (capset, prctl, execve);
 *   3. the capabilities: bounding set first (needs CAP_SETPCAP), then
 *      the other sets;
 *   4. no_new_privs: from here on no execve grants anything;
 *   5. with no_new_privs, the filter, last: it then needs no privilege,
 *      and has the fewest of the runtime's own calls to let through.
 */
#include "sec.h"

#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>

static void narrate(const struct sec_spec *spec, const char *text)
{
	if (spec->verbose)
		fprintf(stderr, "%s: [child] %s\n",
		        program_invocation_short_name, text);
}

static int apply_paths(const struct sec_spec *spec, const char **step)
{
	int ret;

	if (spec->mask) {
		*step = "mask paths";
		ret = sec_mask_paths(sec_masked_paths);
		if (ret < 0)
			return ret;
		narrate(spec, "masked /proc/kcore, /proc/keys, ... "
		              "(/dev/null or an empty tmpfs over them)");
	}
	if (spec->readonly_paths) {
		*step = "make paths read-only";
		ret = sec_make_readonly(sec_readonly_paths);
		if (ret < 0)
			return ret;
		narrate(spec, "made /proc/sys, /proc/sysrq-trigger, ... "
		              "read-only");
	}
	return 0;
}

static int load_filter(const struct sec_spec *spec, const char **step)
{
	int ret;

	*step = "load the seccomp filter";
	ret = seccomp_load(spec->seccomp);
	if (ret == 0)
		narrate(spec, "seccomp filter loaded");
	return ret;
}

int sec_apply(const struct sec_spec *spec, const char **ret_step)
{
	const char *step = "";
	int ret;

	ret = apply_paths(spec, &step);
	if (ret == 0 && spec->seccomp && !spec->no_new_privs)
		ret = load_filter(spec, &step);
	if (ret == 0 && spec->set_caps) {
		step = "limit the capabilities";
		ret = sec_caps_limit(spec->caps);
		if (ret == 0)
			narrate(spec, "capabilities limited (bounding, "
			              "permitted, effective, inheritable)");
	}
	if (ret == 0 && spec->no_new_privs) {
		step = "set no_new_privs";
		ret = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
		if (ret == 0)
			narrate(spec, "no_new_privs set");
	}
	if (ret == 0 && spec->seccomp && spec->no_new_privs)
		ret = load_filter(spec, &step);
	if (ret < 0 && ret_step)
		*ret_step = step;
	return ret;
}
