/* test_names.c - a container by its ID, a prefix or its name (12.8). */
#include "harness.h"
#include "names.h"

#include <errno.h>

static const char *const ids[] = {
	"3f2a9c0e1b7d4a6f8e5c2b1a0d9f8e7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e",
	"3f2b00112233445566778899aabbccddeeff00112233445566778899aabbccdd",
	"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90",
	"b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0",
};
static const char *const names[] = { "/web", "/db", NULL, "/3f2a" };

static int resolve(const char *ref)
{
	return name_resolve(ref, ids, names, 4);
}

START_TEST(names_that_docker_takes)
{
	static const char *const good[] = { "web", "/web", "a1", "Web_2.x-y",
		                            "9lives" };
	static const char *const bad[] = { "",           "/",   "w",     "/w",
		                           "0",          "_x",  "-x",    ".x",
		                           "we b",       "a/b", "//web", "web!",
		                           "caf\xc3\xa9" };
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(name_valid(good[i]) == 0,
		              "\"%s\" is a valid name", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(name_valid(bad[i]) == -EINVAL,
		              "\"%s\" is not a valid name: expected -EINVAL",
		              bad[i]);
}
END_TEST

START_TEST(resolve_in_dockers_order)
{
	ck_assert_int_eq(resolve(ids[1]), 1); /* a full ID */
	ck_assert_int_eq(resolve("web"), 0);  /* a name */
	ck_assert_int_eq(resolve("/db"), 1);  /* with its slash */
	ck_assert_int_eq(resolve("a"), 2);    /* a unique prefix */
	ck_assert_int_eq(resolve("a1b2c3d4e5f6"), 2);
	ck_assert_int_eq(resolve("b0b"), 3);
	/* "3f2a" starts container 0's ID, but it is container 3's name,
	 * and a name comes first. */
	ck_assert_int_eq(resolve("3f2a"), 3);
	ck_assert_int_eq(resolve("3f2a9"), 0);
}
END_TEST

START_TEST(resolve_refuses_to_guess)
{
	ck_assert_err(resolve("3f2"), -EEXIST, "a prefix of two IDs");
	ck_assert_err(resolve("3"), -EEXIST, "a prefix of two IDs");
	ck_assert_err(resolve("c"), -ENOENT, "no such container");
	ck_assert_err(resolve("webs"), -ENOENT, "a name that only starts so");
	ck_assert_err(resolve("we"), -ENOENT, "a prefix of a name");
	ck_assert_err(resolve(""), -EINVAL, "an empty reference");
	ck_assert_err(name_resolve("web", ids, names, 0), -ENOENT,
	              "no containers at all");
	/* A container without a name is still found by its ID. */
	ck_assert_int_eq(name_resolve("a1", ids + 2, names + 2, 1), 0);
}
END_TEST

const struct graded_test names_tests[] = {
	GRADED("12.8", names_that_docker_takes),
	GRADED("12.8", resolve_in_dockers_order),
	GRADED("12.8", resolve_refuses_to_guess),
	{ 0 },
};
