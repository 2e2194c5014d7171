/* test_caps.c - exercise 4.7: a process's capability sets through libcap.
 *
 * What caps_read() says is compared with the kernel's own summary, the
 * Cap* lines of /proc/PID/status, for processes whose sets the tests
 * shaped themselves.
 */
#include "harness.h"

#include "caps.h"
#include "testuser.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The hex mask of the "KEY:" line of /proc/PID/status. */
static uint64_t status_mask(pid_t pid, const char *key)
{
	char path[64], line[256];
	uint64_t mask = 0;
	bool found = false;
	FILE *file;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	file = fopen(path, "re");
	ck_assert_ptr_nonnull(file);
	while (fgets(line, sizeof(line), file))
		if (!strncmp(line, key, strlen(key)) &&
		    line[strlen(key)] == ':')
			found = sscanf(line + strlen(key) + 1, "%" SCNx64,
			               &mask) == 1;
	fclose(file);
	ck_assert_msg(found, "no %s line in %s", key, path);
	return mask;
}

static void assert_sets_match(pid_t pid, const struct caps_sets *sets)
{
	ck_assert_msg(sets->permitted == status_mask(pid, "CapPrm"),
	              "permitted %#" PRIx64 ", the kernel says %#" PRIx64,
	              sets->permitted, status_mask(pid, "CapPrm"));
	ck_assert_msg(sets->effective == status_mask(pid, "CapEff"),
	              "effective %#" PRIx64, sets->effective);
	ck_assert_msg(sets->inheritable == status_mask(pid, "CapInh"),
	              "inheritable %#" PRIx64, sets->inheritable);
	ck_assert_msg(sets->bounding == status_mask(pid, "CapBnd"),
	              "bounding %#" PRIx64 ", the kernel says %#" PRIx64,
	              sets->bounding, status_mask(pid, "CapBnd"));
	ck_assert_msg(sets->ambient == status_mask(pid, "CapAmb"),
	              "ambient %#" PRIx64, sets->ambient);
}

START_TEST(caps_of_this_process)
{
	struct caps_sets sets;

	ck_assert_ok(caps_read(getpid(), &sets), "caps_read(me)");
	assert_sets_match(getpid(), &sets);
	ck_assert_ok(caps_read(0, &sets), "caps_read(0)");
	assert_sets_match(getpid(), &sets);
}
END_TEST

/* A child with one capability dropped from its bounding set, one made
 * inheritable and ambient, and the effective set emptied. */
static void shape_caps(void)
{
	cap_value_t bind = CAP_NET_BIND_SERVICE;
	cap_t caps;

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_MODULE, 0, 0, 0) < 0)
		_exit(2);
	caps = cap_get_proc();
	if (!caps || cap_set_flag(caps, CAP_INHERITABLE, 1, &bind, CAP_SET) ||
	    cap_set_proc(caps) < 0)
		_exit(2);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, bind, 0, 0) < 0)
		_exit(2);
	cap_clear_flag(caps, CAP_EFFECTIVE);
	if (cap_set_proc(caps) < 0)
		_exit(2);
	cap_free(caps);
}

START_TEST(caps_of_a_shaped_process)
{
	int ready[2];
	struct caps_sets sets;
	char byte;
	pid_t child;

	test_needs_root();
	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		shape_caps();
		close(ready[1]);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &byte, 1), 0);
	ck_assert_ok(caps_read(child, &sets), "caps_read(child)");
	assert_sets_match(child, &sets);
	ck_assert_uint_eq(sets.effective, 0);
	ck_assert_uint_eq(sets.ambient, UINT64_C(1) << CAP_NET_BIND_SERVICE);
	ck_assert(!(sets.bounding & (UINT64_C(1) << CAP_SYS_MODULE)));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}
END_TEST

/* An ordinary user has nothing; the same user, having made a user
 * namespace, has everything, in there. */
static int hold(void)
{
	pause();
	return 0;
}

START_TEST(caps_of_an_ordinary_user_and_its_namespace)
{
	struct testuser_child child;
	struct caps_sets sets;

	testuser_become();
	ck_assert_ok(caps_read(0, &sets), "caps_read(0)");
	ck_assert_uint_eq(sets.effective, 0);
	testuser_start(&child, 0, hold);
	ck_assert_ok(caps_read(child.pid, &sets), "caps_read(child)");
	assert_sets_match(child.pid, &sets);
	ck_assert_msg(sets.effective == caps_all() &&
	                      sets.permitted == caps_all(),
	              "a new user namespace's creator has every capability "
	              "in it");
	kill(child.pid, SIGKILL);
	waitpid(child.pid, NULL, 0);
}
END_TEST

START_TEST(caps_of_no_process)
{
	struct caps_sets sets;
	pid_t child = fork();

	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	ck_assert_err(caps_read(child, &sets), -ESRCH, "a reaped child");
}
END_TEST

const struct graded_test caps_tests[] = {
	GRADED("4.7", caps_of_this_process),
	GRADED("4.7", caps_of_a_shaped_process),
	GRADED("4.7", caps_of_an_ordinary_user_and_its_namespace),
	GRADED("4.7", caps_of_no_process),
	{ 0 },
};
