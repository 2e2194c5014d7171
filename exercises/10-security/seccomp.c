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
	/* EXERCISE 10.8: Argument conditions (challenge, 10 points)
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
	 * Replace the stub below with your code.
	 */
	return exercise_todo("10.8", args, conds, max, ret_count, why, size);
}

/* EXERCISE 10.4: your own helper functions can go here. */

int sec_seccomp_build(const char *text, scmp_filter_ctx *ret_ctx, char *why,
                      size_t size)
{
	/* EXERCISE 10.4: Load an OCI seccomp profile (20 points)
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
	 * Replace the stub below with your code.
	 */
	return exercise_todo("10.4", text, ret_ctx, why, size);
}
