/* test_store.c - the overlay2 lower chain (8.5), on store directories the
 * test lays out itself: overlay2/CACHE/link and lower files, as Docker
 * writes them.
 */
#include "harness.h"
#include "store.h"

#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A store under a new test directory, with layer directories NAME, each
 * with link LINK and (if not NULL) lower LOWER. */
struct fake_layer {
	const char *name, *link, *lower;
};

static void open_fake_store(struct store *store, const struct fake_layer *l)
{
	char path[256];

	ck_assert_int_eq(store_open(test_tmpdir(), store), 0);
	for (; l->name; l++) {
		ck_assert_int_eq(mkdirat(store->overlay_fd, l->name, 0700), 0);
		snprintf(path, sizeof(path), "%s/link", l->name);
		ck_assert_int_eq(file_replace(store->overlay_fd, path, l->link,
		                              strlen(l->link), 0644),
		                 0);
		if (!l->lower)
			continue;
		snprintf(path, sizeof(path), "%s/lower", l->name);
		ck_assert_int_eq(file_replace(store->overlay_fd, path, l->lower,
		                              strlen(l->lower), 0644),
		                 0);
	}
}

static const struct fake_layer three[] = {
	{ "base", "AAAAAAAAAAAAAAAAAAAAAAAAAA", NULL },
	{ "mid", "BBBBBBBBBBBBBBBBBBBBBBBBBB", "l/AAAAAAAAAAAAAAAAAAAAAAAAAA" },
	{ "top", "CCCCCCCCCCCCCCCCCCCCCCCCCC",
	  "l/BBBBBBBBBBBBBBBBBBBBBBBBBB:l/AAAAAAAAAAAAAAAAAAAAAAAAAA" },
	{ NULL, NULL, NULL },
};

START_TEST(lower_chain_of_a_bottom_layer)
{
	struct store store;
	char buf[256];
	int len;

	open_fake_store(&store, three);
	len = store_lower_chain(&store, "base", buf, sizeof(buf));
	ck_assert_ok(len, "store_lower_chain(base)");
	ck_assert_str_eq(buf, "l/AAAAAAAAAAAAAAAAAAAAAAAAAA");
	ck_assert_int_eq(len, (int)strlen(buf));
	store_close(&store);
}
END_TEST

START_TEST(lower_chain_grows_on_top)
{
	struct store store;
	char buf[256];

	open_fake_store(&store, three);
	ck_assert_ok(store_lower_chain(&store, "mid", buf, sizeof(buf)),
	             "store_lower_chain(mid)");
	ck_assert_str_eq(buf, "l/BBBBBBBBBBBBBBBBBBBBBBBBBB:"
	                      "l/AAAAAAAAAAAAAAAAAAAAAAAAAA");
	ck_assert_ok(store_lower_chain(&store, "top", buf, sizeof(buf)),
	             "store_lower_chain(top)");
	ck_assert_str_eq(buf, "l/CCCCCCCCCCCCCCCCCCCCCCCCCC:"
	                      "l/BBBBBBBBBBBBBBBBBBBBBBBBBB:"
	                      "l/AAAAAAAAAAAAAAAAAAAAAAAAAA");
	store_close(&store);
}
END_TEST

/* A chain that does not fit is an error, never a cut string (overlayfs
 * would lose the layers cut off without a word); a missing parent is
 * -ENOENT. */
START_TEST(lower_chain_errors)
{
	struct store store;
	char buf[64];

	open_fake_store(&store, three);
	ck_assert_err(store_lower_chain(&store, "top", buf, sizeof(buf)),
	              -ENAMETOOLONG, "store_lower_chain(top) in 64 bytes");
	ck_assert_err(store_lower_chain(&store, "missing", buf, sizeof(buf)),
	              -ENOENT, "store_lower_chain(missing)");
	store_close(&store);
}
END_TEST

/* Files written by hand or by other tools often end in a newline: the
 * chain must not carry it into the middle of the string. */
START_TEST(lower_chain_with_trailing_newlines)
{
	static const struct fake_layer written[] = {
		{ "base", "AAAAAAAAAAAAAAAAAAAAAAAAAA\n", NULL },
		{ "mid", "BBBBBBBBBBBBBBBBBBBBBBBBBB\n",
		  "l/AAAAAAAAAAAAAAAAAAAAAAAAAA\n" },
		{ NULL, NULL, NULL },
	};
	struct store store;
	char buf[256];

	open_fake_store(&store, written);
	ck_assert_ok(store_lower_chain(&store, "mid", buf, sizeof(buf)),
	             "store_lower_chain(mid)");
	ck_assert_str_eq(buf, "l/BBBBBBBBBBBBBBBBBBBBBBBBBB:"
	                      "l/AAAAAAAAAAAAAAAAAAAAAAAAAA");
	store_close(&store);
}
END_TEST

const struct graded_test store_tests[] = {
	GRADED("8.5", lower_chain_of_a_bottom_layer),
	GRADED("8.5", lower_chain_grows_on_top),
	GRADED("8.5", lower_chain_errors),
	GRADED("8.5", lower_chain_with_trailing_newlines),
	{ 0 },
};
