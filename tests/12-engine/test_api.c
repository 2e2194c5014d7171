/* test_api.c - versioned paths (12.1) and routes (12.2). */
#include "api.h"
#include "harness.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

START_TEST(version_is_split_off)
{
	struct api_version v;
	const char *rest;

	ck_assert_ok(api_split_version("/v1.50/containers/json", &v, &rest),
	             "api_split_version");
	ck_assert_uint_eq(v.major, 1);
	ck_assert_uint_eq(v.minor, 50);
	ck_assert_str_eq(rest, "/containers/json");
	ck_assert_ok(api_split_version("/v1.24/_ping", &v, &rest),
	             "api_split_version");
	ck_assert_uint_eq(v.minor, 24);
	ck_assert_str_eq(rest, "/_ping");
	ck_assert_ok(api_split_version("/v2.1", &v, &rest), "/v2.1");
	ck_assert_uint_eq(v.major, 2);
	ck_assert_uint_eq(v.minor, 1);
	ck_assert_str_eq(rest, "/");
	/* None: the newest, and the whole path. */
	ck_assert_ok(api_split_version("/_ping", &v, &rest), "/_ping");
	ck_assert_uint_eq(v.major, 1);
	ck_assert_uint_eq(v.minor, 50);
	ck_assert_str_eq(rest, "/_ping");
	ck_assert_ok(api_split_version("/volumes", &v, &rest), "/volumes");
	ck_assert_str_eq(rest, "/volumes");
}
END_TEST

START_TEST(bad_versions_are_refused)
{
	static const char *const bad[] = { "/v1",        "/v1.",
		                           "/v1.x/info", "/v1.50x/info",
		                           "v1.50/info", "",
		                           "/v1.5o" };
	struct api_version v = { 7, 7 };
	const char *rest = "untouched";
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(api_split_version(bad[i], &v, &rest) == -EINVAL,
		              "api_split_version(\"%s\") is not -EINVAL",
		              bad[i]);
	ck_assert_int_lt(api_version_cmp((struct api_version){ 1, 24 },
	                                 (struct api_version){ 1, 50 }),
	                 0);
}
END_TEST

START_TEST(routes_match_with_their_placeholders)
{
	char args[API_MAX_ARGS][API_ARG_MAX];

	ck_assert_int_eq(api_match("/containers/{id}/json",
	                           "/containers/web/json", args),
	                 1);
	ck_assert_str_eq(args[0], "web");
	ck_assert_int_eq(
	        api_match("/exec/{id}/start", "/exec/ab12/start", args), 1);
	ck_assert_str_eq(args[0], "ab12");
	ck_assert_int_eq(api_match("/images/{name}/tag/{x}",
	                           "/images/busybox/tag/t", args),
	                 2);
	ck_assert_str_eq(args[0], "busybox");
	ck_assert_str_eq(args[1], "t");
	ck_assert_int_eq(api_match("/version", "/version", args), 0);
	ck_assert_int_eq(api_match("/_ping", "/_ping", args), 0);
}
END_TEST

START_TEST(routes_that_do_not_match)
{
	char args[API_MAX_ARGS][API_ARG_MAX], longname[400];

	ck_assert_int_eq(
	        api_match("/containers/{id}/json", "/containers/web", args),
	        -1);
	ck_assert_int_eq(api_match("/containers/{id}/json",
	                           "/containers/web/json/x", args),
	                 -1);
	ck_assert_int_eq(
	        api_match("/containers/{id}/json", "/containers//json", args),
	        -1);
	ck_assert_int_eq(api_match("/containers/json", "/containers/jso", args),
	                 -1);
	ck_assert_int_eq(
	        api_match("/containers/json", "/containers/jsonx", args), -1);
	ck_assert_int_eq(api_match("/version", "/", args), -1);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(api_match("/{id}", longname, args), -1);
}
END_TEST

/* A frame's header: stream, three zero bytes, big-endian length. */
START_TEST(frame_header_is_eight_bytes)
{
	unsigned char h[8];
	static const unsigned char out[8] = {
		1, 0, 0, 0, 0x01, 0x02, 0x03, 0x04
	};
	static const unsigned char err[8] = { 2, 0, 0, 0, 0, 0, 0, 5 };

	api_frame_header(API_STDOUT, 0x01020304, h);
	ck_assert_mem_eq(h, out, 8);
	api_frame_header(API_STDERR, 5, h);
	ck_assert_mem_eq(h, err, 8);
}
END_TEST

struct collected {
	char text[256];
	size_t len;
	int calls;
};

/* Each payload as "STREAM:bytes|". */
static void collect(int stream, const char *bytes, size_t n, void *cls)
{
	struct collected *c = cls;

	c->len += (size_t)snprintf(c->text + c->len, sizeof(c->text) - c->len,
	                           "%d:%.*s|", stream, (int)n, bytes);
	c->calls++;
}

/* Three frames (stdout "hello\n", an empty one, stderr "oops"), fed
 * whole and one byte at a time: the same bytes to the same streams. */
START_TEST(demux_reads_frames_cut_anywhere)
{
	static const char stream[] = "\1\0\0\0\0\0\0\6hello\n"
	                             "\1\0\0\0\0\0\0\0"
	                             "\2\0\0\0\0\0\0\4oops";
	struct collected whole = { 0 }, bytes = { 0 };
	struct api_demux d = { 0 }, e = { 0 };
	size_t i, len = sizeof(stream) - 1;

	ck_assert_ok(api_demux_feed(&d, stream, len, collect, &whole),
	             "api_demux_feed");
	ck_assert_str_eq(whole.text, "1:hello\n|2:oops|");
	ck_assert_int_eq(whole.calls, 2);
	for (i = 0; i < len; i++)
		ck_assert_ok(api_demux_feed(&e, stream + i, 1, collect, &bytes),
		             "api_demux_feed of one byte");
	ck_assert_str_eq(bytes.text,
	                 "1:h|1:e|1:l|1:l|1:o|1:\n|2:o|2:o|2:p|2:s|");
}
END_TEST

START_TEST(demux_refuses_what_is_not_a_header)
{
	struct collected c = { 0 };
	struct api_demux d = { 0 }, e = { 0 };

	ck_assert_err(api_demux_feed(&d, "\3\0\0\0\0\0\0\1x", 9, collect, &c),
	              -EPROTO, "a frame of stream 3");
	ck_assert_err(api_demux_feed(&e, "\1\0\1\0\0\0\0\1x", 9, collect, &c),
	              -EPROTO, "padding that is not zero");
	ck_assert_int_eq(c.calls, 0);
}
END_TEST

const struct graded_test api_tests[] = {
	GRADED("12.1", version_is_split_off),
	GRADED("12.1", bad_versions_are_refused),
	GRADED("12.2", routes_match_with_their_placeholders),
	GRADED("12.2", routes_that_do_not_match),
	GRADED("12.3", frame_header_is_eight_bytes),
	GRADED("12.4", demux_reads_frames_cut_anywhere),
	GRADED("12.4", demux_refuses_what_is_not_a_header),
	{ 0 },
};
