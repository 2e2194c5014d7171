/* seccomp.c - an OCI seccomp profile, as a libseccomp filter. See sec.h.
 *
 * The profile is JSON; jansson reads it, libseccomp compiles it to the
 * BPF program the kernel runs on every system call (seccomp(2)). The lab
 * never writes BPF by hand: libseccomp knows every architecture's system
 * call numbers, and checks the architecture first (a 32-bit call on a
 * 64-bit kernel has other numbers: a filter that forgets is bypassed).
 */
#include "sec.h"

#include "exercise.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sec_seccomp_error(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (why && size)
		vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int sec_seccomp_conditions(const json_t *args, struct scmp_arg_cmp *conds,
                           unsigned max, unsigned *ret_count, char *why,
                           size_t size)
{
	/* BEGIN EXERCISE 10.8: Argument conditions (challenge, 10 points)
	 *
	 * ARGS is NULL (no conditions) or an array of objects with
	 * "index" (0 to 5), "value", "valueTwo" (optional, 0) and "op",
	 * one of SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT, _MASKED_EQ (the
	 * names of libseccomp's enum scmp_compare). Each becomes one
	 * struct scmp_arg_cmp:
	 *	{ .arg = index, .op = op, .datum_a = value,
	 *	  .datum_b = valueTwo }
	 * (for SCMP_CMP_MASKED_EQ, value is the mask and valueTwo what the
	 * masked argument must equal). Anything else is an error naming
	 * it, through sec_seccomp_error(): "args[1]: unknown op \"X\"".
	 * The conditions of one rule must all hold for it to apply.
	 *
	 * stub: return exercise_todo("10.8", args, conds, max, ret_count, why, size);
	 */
	static const struct {
		const char *name;
		enum scmp_compare op;
	} compare_ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE },
		{ "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE },
		{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE },
		{ "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	size_t i, k, n = args ? json_array_size(args) : 0;

	if (args && !json_is_array(args))
		return sec_seccomp_error(why, size, "\"args\" is not an array");
	if (n > max)
		return sec_seccomp_error(why, size, "more than %u conditions",
		                         max);
	for (i = 0; i < n; i++) {
		const json_t *arg = json_array_get(args, i);
		json_int_t index =
		        json_integer_value(json_object_get(arg, "index"));
		const char *op = json_string_value(json_object_get(arg, "op"));

		for (k = 0;
		     op && k < sizeof(compare_ops) / sizeof(*compare_ops); k++)
			if (!strcmp(op, compare_ops[k].name))
				break;
		if (!op || k == sizeof(compare_ops) / sizeof(*compare_ops))
			return sec_seccomp_error(why, size,
			                         "args[%zu]: unknown op \"%s\"",
			                         i, op ? op : "(none)");
		if (index < 0 || index > 5)
			return sec_seccomp_error(
			        why, size,
			        "args[%zu]: index %lld is not 0 to 5", i,
			        (long long)index);
		conds[i] = (struct scmp_arg_cmp){
			.arg = (unsigned)index,
			.op = compare_ops[k].op,
			.datum_a = (scmp_datum_t)json_integer_value(
			        json_object_get(arg, "value")),
			.datum_b = (scmp_datum_t)json_integer_value(
			        json_object_get(arg, "valueTwo")),
		};
	}
	*ret_count = (unsigned)n;
	return 0;
	/* END EXERCISE 10.8 */
}

/* BEGIN EXERCISE 10.4 (helpers) */
/* The libseccomp action for NAME, errno ERRNO_RET for SCMP_ACT_ERRNO;
 * false for a name it does not know. */
static bool parse_action(const char *name, json_int_t errno_ret,
                         uint32_t *ret_action)
{
	if (!name)
		return false;
	if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*ret_action = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*ret_action = SCMP_ACT_ERRNO((uint16_t)errno_ret);
	else if (!strcmp(name, "SCMP_ACT_KILL") ||
	         !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*ret_action = SCMP_ACT_KILL;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*ret_action = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*ret_action = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*ret_action = SCMP_ACT_LOG;
	else
		return false;
	return true;
}

/* The action of OBJ (the profile, or one rule): its "action" (or
 * "defaultAction", KEY) with its "errnoRet" (or "defaultErrnoRet"). */
static bool object_action(const json_t *obj, const char *key,
                          const char *errno_key, uint32_t *ret_action)
{
	const json_t *errno_ret = json_object_get(obj, errno_key);

	return parse_action(json_string_value(json_object_get(obj, key)),
	                    errno_ret ? json_integer_value(errno_ret) : EPERM,
	                    ret_action);
}

/* The libseccomp token of NAME, "SCMP_ARCH_X86_64": libseccomp names
 * it "x86_64", in lower case and without the prefix. 0 if unknown. */
static uint32_t arch_token(const char *name)
{
	char lower[32];
	size_t k;

	if (!name || strncmp(name, "SCMP_ARCH_", 10))
		return 0;
	for (k = 0; name[10 + k] && k < sizeof(lower) - 1; k++)
		lower[k] = (char)tolower((unsigned char)name[10 + k]);
	lower[k] = '\0';
	return seccomp_arch_resolve_name(lower);
}

/* Add the architectures of PROFILE to CTX (the native one is in it). */
static int add_architectures(scmp_filter_ctx ctx, const json_t *profile,
                             char *why, size_t size)
{
	const json_t *arch;
	uint32_t token;
	size_t i;
	int ret;

	json_array_foreach(json_object_get(profile, "architectures"), i, arch)
	{
		token = arch_token(json_string_value(arch));
		if (token == 0)
			return sec_seccomp_error(
			        why, size,
			        "architectures[%zu]: unknown "
			        "architecture \"%s\"",
			        i, json_string_value(arch) ?: "?");
		ret = seccomp_arch_add(ctx, token);
		if (ret < 0 && ret != -EEXIST)
			return ret;
	}
	return 0;
}

/* Add rule number INDEX of the profile, RULE, to CTX. */
static int add_rule(scmp_filter_ctx ctx, const json_t *rule, size_t index,
                    char *why, size_t size)
{
	struct scmp_arg_cmp conds[6];
	unsigned count = 0;
	const json_t *name;
	uint32_t action;
	size_t i;
	int ret, nr;

	if (!object_action(rule, "action", "errnoRet", &action))
		return sec_seccomp_error(
		        why, size,
		        "syscalls[%zu]: unknown action "
		        "\"%s\"",
		        index,
		        json_string_value(json_object_get(rule, "action"))
		                ?: "(none)");
	/* Most rules have no conditions (no "args", or an empty array). */
	if (json_array_size(json_object_get(rule, "args")) > 0) {
		ret = sec_seccomp_conditions(json_object_get(rule, "args"),
		                             conds, 6, &count, why, size);
		if (ret < 0)
			return ret;
	}
	json_array_foreach(json_object_get(rule, "names"), i, name)
	{
		nr = seccomp_syscall_resolve_name(json_string_value(name)
		                                          ?: "");
		if (nr == __NR_SCMP_ERROR)
			return sec_seccomp_error(
			        why, size,
			        "syscalls[%zu]: unknown "
			        "system call \"%s\"",
			        index, json_string_value(name) ?: "(none)");
		ret = seccomp_rule_add_array(ctx, action, nr, count, conds);
		/* The default action already: libseccomp refuses a rule
		 * that changes nothing; so does the profile's reader. */
		if (ret < 0 && ret != -EACCES)
			return ret;
	}
	return 0;
}
/* END EXERCISE 10.4 */

int sec_seccomp_build(const char *text, scmp_filter_ctx *ret_ctx, char *why,
                      size_t size)
{
	/* BEGIN EXERCISE 10.4: Load an OCI seccomp profile (20 points)
	 *
	 * json_loads() the TEXT (a syntax error is sec_seccomp_error() with
	 * jansson's line and text); the "defaultAction" (with
	 * "defaultErrnoRet", EPERM if absent) goes to seccomp_init(); turn
	 * off SCMP_FLTATR_CTL_NNP with seccomp_attr_set(); add the
	 * "architectures" (seccomp_arch_resolve_name() without the
	 * SCMP_ARCH_ prefix, lower case; seccomp_arch_add()); then each of
	 * "syscalls": its action and errnoRet, its conditions
	 * (sec_seccomp_conditions()), and for each of its "names"
	 * seccomp_syscall_resolve_name() and seccomp_rule_add_array(). An
	 * unknown name or action is an error naming it, never skipped.
	 *
	 * stub: return exercise_todo("10.4", text, ret_ctx, why, size);
	 */
	scmp_filter_ctx ctx = NULL;
	json_error_t error;
	const json_t *rule;
	uint32_t action;
	json_t *profile;
	size_t i;
	int ret;

	profile = json_loads(text, 0, &error);
	if (!profile)
		return sec_seccomp_error(why, size, "line %d: %s", error.line,
		                         error.text);
	ret = sec_seccomp_error(
	        why, size, "unknown defaultAction \"%s\"",
	        json_string_value(json_object_get(profile, "defaultAction"))
	                ?: "(none)");
	if (!object_action(profile, "defaultAction", "defaultErrnoRet",
	                   &action))
		goto out;
	ret = -ENOMEM;
	ctx = seccomp_init(action);
	if (!ctx)
		goto out;
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (ret == 0)
		ret = add_architectures(ctx, profile, why, size);
	json_array_foreach(json_object_get(profile, "syscalls"), i, rule)
	{
		if (ret == 0)
			ret = add_rule(ctx, rule, i, why, size);
	}
out:
	if (ret < 0)
		seccomp_release(ctx);
	else
		*ret_ctx = ctx;
	json_decref(profile);
	return ret;
	/* END EXERCISE 10.4 */
}
