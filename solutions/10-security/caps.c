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

/* BEGIN EXERCISE 10.1 (helpers) */
/* The capability named by ITEM (LEN bytes, "CHOWN", "cap_chown"), or -1. */
static int cap_by_name(const char *item, size_t len)
{
	char name[64] = "cap_";
	size_t start = strncasecmp(item, "cap_", 4) ? 4 : 0;
	cap_value_t value;
	size_t i;

	if (len == 0 || start + len >= sizeof(name))
		return -1;
	for (i = 0; i < len; i++)
		name[start + i] = (char)tolower((unsigned char)item[i]);
	name[start + len] = '\0';
	if (cap_from_name(name, &value) < 0)
		return -1;
	return value;
}
/* END EXERCISE 10.1 */

int sec_caps_parse(const char *list, uint64_t *ret_set, const char **ret_bad)
{
	/* BEGIN EXERCISE 10.1: Parse a list of capabilities (15 points)
	 *
	 * The four words first: "default" and "docker" are the lists
	 * sec_caps_default and sec_caps_docker (parse those the same way),
	 * "none" is 0, "all" is caps_all() (chapter 04). Otherwise cut LIST
	 * at the commas; let libcap's cap_from_name(3) name each item, after
	 * lowering its case and adding "cap_" if it is missing. An unknown
	 * or empty item is -EINVAL, with *RET_BAD pointing at it.
	 *
	 * stub: return exercise_todo("10.1", list, ret_set, ret_bad);
	 */
	const char *item = list;
	uint64_t set = 0;
	int value;

	if (!strcmp(list, "default"))
		return sec_caps_parse(sec_caps_default, ret_set, NULL);
	if (!strcmp(list, "docker"))
		return sec_caps_parse(sec_caps_docker, ret_set, NULL);
	if (!strcmp(list, "none") || !strcmp(list, "all")) {
		*ret_set = list[0] == 'a' ? caps_all() : 0;
		return 0;
	}
	for (;;) {
		size_t len = strcspn(item, ",");

		value = cap_by_name(item, len);
		if (value < 0) {
			if (ret_bad)
				*ret_bad = item;
			return -EINVAL;
		}
		set |= SEC_CAP(value);
		if (item[len] == '\0')
			break;
		item += len + 1;
	}
	*ret_set = set;
	return 0;
	/* END EXERCISE 10.1 */
}

/* BEGIN EXERCISE 10.2 (helpers) */
/* Shrink the bounding set to KEEP: an IAB names what is *dropped* from
 * it, so every capability outside KEEP gets CAP_IAB_BOUND. */
static int limit_bounding(uint64_t keep)
{
	cap_iab_t iab = cap_iab_get_proc();
	int c, ret = 0;

	if (!iab)
		return -errno;
	for (c = 0; c < cap_max_bits() && ret == 0; c++)
		if (!(keep & SEC_CAP(c)))
			ret = cap_iab_set_vector(iab, CAP_IAB_BOUND, c,
			                         CAP_SET);
	if (ret == 0)
		ret = cap_iab_set_proc(iab);
	if (ret < 0)
		ret = -errno;
	cap_free(iab);
	return ret;
}
/* END EXERCISE 10.2 */

int sec_caps_limit(uint64_t keep)
{
	/* BEGIN EXERCISE 10.2: Drop the rest from the bounding set (15 points)
	 *
	 * First the bounding set (limit_bounding(), a helper of yours:
	 * cap_iab_get_proc(), cap_iab_set_vector(..., CAP_IAB_BOUND, c,
	 * CAP_SET) for each capability to drop, cap_iab_set_proc()), while
	 * CAP_SETPCAP is still effective. Then the other three sets:
	 * cap_get_proc(), cap_set_flag() with CAP_CLEAR for each dropped one
	 * in CAP_PERMITTED, CAP_EFFECTIVE and CAP_INHERITABLE, cap_set_proc().
	 *
	 * stub: return exercise_todo("10.2", keep);
	 */
	static const cap_flag_t flags[] = { CAP_PERMITTED, CAP_EFFECTIVE,
		                            CAP_INHERITABLE };
	cap_value_t c;
	cap_t caps;
	int ret;
	size_t f;

	ret = limit_bounding(keep);
	if (ret < 0)
		return ret;
	caps = cap_get_proc();
	if (!caps)
		return -errno;
	for (c = 0; c < cap_max_bits() && ret == 0; c++)
		for (f = 0; f < 3 && !(keep & SEC_CAP(c)) && ret == 0; f++)
			ret = cap_set_flag(caps, flags[f], 1, &c, CAP_CLEAR);
	if (ret == 0)
		ret = cap_set_proc(caps);
	if (ret < 0)
		ret = -errno;
	cap_free(caps);
	return ret;
	/* END EXERCISE 10.2 */
}

int sec_caps_ambient(uint64_t set)
{
	/* BEGIN EXERCISE 10.3: Ambient capabilities for a non-root command (10 points)
	 *
	 * A program without file capabilities, run by a user other than
	 * root, starts with no capabilities at all, whatever its parent
	 * had, unless they are ambient. A capability can be ambient only if
	 * it is permitted and inheritable. With libcap: cap_iab_get_proc(),
	 * then for each capability of SET cap_iab_set_vector() with
	 * CAP_IAB_INH and with CAP_IAB_AMB, then cap_iab_set_proc(), which
	 * sets both (prctl(2) PR_CAP_AMBIENT_RAISE underneath).
	 *
	 * stub: return exercise_todo("10.3", set);
	 */
	cap_iab_t iab = cap_iab_get_proc();
	int c, ret = 0;

	if (!iab)
		return -errno;
	for (c = 0; c < cap_max_bits() && ret == 0; c++) {
		if (!(set & SEC_CAP(c)))
			continue;
		ret = cap_iab_set_vector(iab, CAP_IAB_INH, c, CAP_SET);
		if (ret == 0)
			ret = cap_iab_set_vector(iab, CAP_IAB_AMB, c, CAP_SET);
	}
	if (ret == 0)
		ret = cap_iab_set_proc(iab);
	if (ret < 0)
		ret = -errno;
	cap_free(iab);
	return ret;
	/* END EXERCISE 10.3 */
}
