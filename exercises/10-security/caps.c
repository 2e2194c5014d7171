/* caps.c - keep a few capabilities, lose the rest for good. See sec.h. */
#include "sec.h"

#include "caps.h"
#include "exercise.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

/* Docker's default capabilities (moby's oci/caps/defaults.go). */
const char sec_caps_docker[] =
        "cap_chown,cap_dac_override,cap_fsetid,cap_fowner,cap_mknod,"
        "cap_net_raw,cap_setgid,cap_setuid,cap_setfcap,cap_setpcap,"
        "cap_net_bind_service,cap_sys_chroot,cap_kill,cap_audit_write";

/* Podman's (containers.conf default_capabilities): NET_RAW (ping needs
 * none on current kernels, ARP spoofing needs it), MKNOD (device nodes)
 * and AUDIT_WRITE (the host's audit log) are gone. */
const char sec_caps_default[] =
        "cap_chown,cap_dac_override,cap_fsetid,cap_fowner,cap_setgid,"
        "cap_setuid,cap_setfcap,cap_setpcap,cap_net_bind_service,"
        "cap_sys_chroot,cap_kill";

/* EXERCISE 10.1: your own helper functions can go here. */

int sec_caps_parse(const char *list, uint64_t *ret_set, const char **ret_bad)
{
	/* EXERCISE 10.1: Parse a list of capabilities (15 points)
	 *
	 * The four words first: "default" and "docker" are the lists
	 * sec_caps_default and sec_caps_docker (parse those the same way),
	 * "none" is 0, "all" is caps_all() (chapter 04). Otherwise cut LIST
	 * at the commas; let libcap's cap_from_name(3) name each item, after
	 * lowering its case and adding "cap_" if it is missing. An unknown
	 * or empty item is -EINVAL, with *RET_BAD pointing at it.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("10.1", list, ret_set, ret_bad);
}

/* EXERCISE 10.2: your own helper functions can go here. */

int sec_caps_limit(uint64_t keep)
{
	/* EXERCISE 10.2: Drop the rest from the bounding set (15 points)
	 *
	 * First the bounding set (limit_bounding(), a helper of yours:
	 * cap_iab_get_proc(), cap_iab_set_vector(..., CAP_IAB_BOUND, c,
	 * CAP_SET) for each capability to drop, cap_iab_set_proc()), while
	 * CAP_SETPCAP is still effective. Then the other three sets:
	 * cap_get_proc(), cap_set_flag() with CAP_CLEAR for each dropped one
	 * in CAP_PERMITTED, CAP_EFFECTIVE and CAP_INHERITABLE, cap_set_proc().
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("10.2", keep);
}

int sec_caps_ambient(uint64_t set)
{
	/* EXERCISE 10.3: Ambient capabilities for a non-root command (10 points)
	 *
	 * A program without file capabilities, run by a user other than
	 * root, starts with no capabilities at all, whatever its parent
	 * had, unless they are ambient. A capability can be ambient only if
	 * it is permitted and inheritable. With libcap: cap_iab_get_proc(),
	 * then for each capability of SET cap_iab_set_vector() with
	 * CAP_IAB_INH and with CAP_IAB_AMB, then cap_iab_set_proc(), which
	 * sets both (prctl(2) PR_CAP_AMBIENT_RAISE underneath).
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("10.3", set);
}
