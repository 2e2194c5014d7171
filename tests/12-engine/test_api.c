/* test_api.c - versioned paths (12.1), routes (12.2), frames (12.3, 12.4)
 * and -p (12.9). */
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

/* SPEC parses to HOST_IP, HOST_PORT, PORT and PROTO. */
static void publish_is(const char *spec, const char *host_ip, int host_port,
                       int port, const char *proto)
{
	struct api_publish p;

	memset(&p, 0x55, sizeof(p));
	ck_assert_ok(api_publish_parse(spec, &p), spec);
	ck_assert_msg(!strcmp(p.host_ip, host_ip) && p.host_port == host_port &&
	                      p.port == port && !strcmp(p.proto, proto),
	              "-p %s: host ip \"%.16s\", host port %d, port %d, "
	              "proto \"%.5s\"; expected \"%s\", %d, %d, \"%s\"",
	              spec, p.host_ip, p.host_port, p.port, p.proto, host_ip,
	              host_port, port, proto);
}

START_TEST(publish_specs_as_docker_run_takes_them)
{
	publish_is("80", "", 0, 80, "tcp");
	publish_is("53/udp", "", 0, 53, "udp");
	publish_is("8080:80", "", 8080, 80, "tcp");
	publish_is("65535:1/sctp", "", 65535, 1, "sctp");
	publish_is("127.0.0.1:8080:80", "127.0.0.1", 8080, 80, "tcp");
	publish_is("10.0.0.1::80/udp", "10.0.0.1", 0, 80, "udp");
	publish_is("255.255.255.255:1:2/tcp", "255.255.255.255", 1, 2, "tcp");
}
END_TEST

START_TEST(publish_specs_that_are_not)
{
	static const char *const bad[] = {
		"",
		"/tcp",
		"80/",
		"80/icmp",
		"0",
		"65536",
		"8080:0",
		":80",
		"80:",
		"8000-8010:80",
		"1:2:3:4",
		"x:80",
		"80x",
		"+80",
		"127.0.0.1:80",
		"::1:80:80",
		"300.1.1.1:8080:80",
		"localhost:8080:80",
		"1.2.3.4:8080:",
		"123456:80",
		"8080:80/tcp/udp",
	};
	struct api_publish p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(api_publish_parse(bad[i], &p) == -EINVAL,
		              "-p \"%s\" is not a published port: expected "
		              "-EINVAL",
		              bad[i]);
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
	GRADED("12.9", publish_specs_as_docker_run_takes_them),
	GRADED("12.9", publish_specs_that_are_not),
	{ 0 },
};
