/* boximg - images: import, build, list, inspect, save, and mount one as a
 * container's root, in a store laid out like Docker's overlay2.
 *
 *	boximg [--root DIR] COMMAND [ARG...]
 *
 * The store is /var/lib/boxlab (BOXLAB_ROOT or --root change it). The
 * commands are those of `docker image` (import, build, ls, inspect,
 * history, tag, rm, save), plus mount and umount, which do what `docker
 * create` does to the storage: an init layer and a writable layer on top
 * of the image, mounted, with the paths `docker inspect` shows.
 */
#include "boxfile.h"
#include "build.h"
#include "die.h"
#include "file.h"
#include "ovl.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/magic.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

static noreturn void usage(int status)
{
	printf("usage: boximg [--root DIR] COMMAND [ARG...]\n"
	       "Images in a store laid out like Docker's overlay2 (default "
	       "%s).\n"
	       "  import SOURCE NAME[:TAG] [--ref REF]  a directory, a tar or "
	       "an OCI layout\n"
	       "  build -t NAME[:TAG] [-f FILE] [--no-cache] [-v] CONTEXT\n"
	       "  ls                           the images and their tags\n"
	       "  inspect IMAGE...             as docker image inspect, with "
	       "GraphDriver\n"
	       "  history IMAGE                the steps that made it\n"
	       "  tag IMAGE NAME[:TAG]         another name for it\n"
	       "  rm IMAGE...                  untag; delete when no name is "
	       "left\n"
	       "  save IMAGE DIR               write an OCI image layout\n"
	       "  mount IMAGE CONTAINER        a container's layers, mounted; "
	       "prints GraphDriver\n"
	       "  umount CONTAINER [--rm]      unmount it (--rm: and delete "
	       "its layers)\n",
	       STORE_DEFAULT_ROOT);
	exit(status);
}

/* --- small helpers ------------------------------------------------------ */

static void open_store(const char *root, struct store *store)
{
	int err = store_open(root, store);

	if (err < 0)
		die_errno(err, "open the image store %s", root);
}

static struct digest resolve(const struct store *store, const char *name)
{
	struct digest id;
	int err = store_resolve(store, name, &id);

	if (err == -EINVAL)
		die("%s: ambiguous: more than one image ID starts so", name);
	if (err < 0)
		die("%s: no such image (boximg ls lists them)", name);
	return id;
}

/* "3 minutes ago" for an RFC 3339 time, in docker's words (its
 * go-units HumanDuration). */
static const char *ago(const char *when, char *buf, size_t size)
{
	struct tm tm = { 0 };
	long s;

	if (!when || !strptime(when, "%Y-%m-%dT%H:%M:%S", &tm))
		return "N/A";
	s = (long)(time(NULL) - timegm(&tm));
	if (s < 1)
		return "Less than a second ago";
	if (s == 1)
		return "1 second ago";
	if (s < 60)
		snprintf(buf, size, "%ld seconds ago", s);
	else if (s < 120)
		return "About a minute ago";
	else if (s < 3600)
		snprintf(buf, size, "%ld minutes ago", s / 60);
	else if (s < 7200)
		return "About an hour ago";
	else if (s < 48 * 3600)
		snprintf(buf, size, "%ld hours ago", s / 3600);
	else if (s < 14 * 86400)
		snprintf(buf, size, "%ld days ago", s / 86400);
	else if (s < 90 * 86400)
		snprintf(buf, size, "%ld weeks ago", s / (7 * 86400));
	else if (s < 730 * 86400)
		snprintf(buf, size, "%ld months ago", s / (30 * 86400));
	else
		snprintf(buf, size, "%ld years ago", s / (365 * 86400));
	return buf;
}

/* "1.25MB", as docker prints sizes (powers of 1000). */
static const char *human_size(int64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
	double value = (double)bytes;
	int i = 0;

	while (value >= 1000 && i < 4) {
		value /= 1000;
		i++;
	}
	snprintf(buf, size, i ? "%.3g%s" : "%.0f%s", value, units[i]);
	return buf;
}

/* --- the commands ------------------------------------------------------- */

/* Each command gets the store and its own arguments (ARGV[0] is its
 * name), and returns the exit status. */
struct command {
	const char *name;
	int (*run)(const struct store *store, int argc, char **argv);
};

/* Options of a command: getopt_long again, from ARGV[1]. */
static int next_option(int argc, char **argv, const char *shortopts,
                       const struct option *longopts)
{
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);

	if (c == '?' || c == ':')
		die_bad_option(c, argv);
	return c;
}

static int cmd_import(const struct store *store, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ref", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ref = NULL;
	char error[1024];
	struct digest id;
	int c;

	while ((c = next_option(argc, argv, "+:", longopts)) != -1)
		if (c == 'r')
			ref = optarg;
	if (argc - optind != 2)
		die_usage("import needs SOURCE and NAME[:TAG]");
	if (build_import(store, argv[optind], ref, argv[optind + 1], &id, error,
	                 sizeof(error)) < 0)
		die("import: %s", error);
	printf("%s\n", id.text);
	return EXIT_SUCCESS;
}

/* The Boxfile at PATH, parsed; dies with PATH:LINE: on an error. */
static void read_boxfile(const char *path, struct boxfile *ret)
{
	struct boxfile_error err;
	char *text;
	int ret_code;

	ret_code = file_read_all(AT_FDCWD, path, &text, NULL);
	if (ret_code < 0)
		die_errno(ret_code, "read %s", path);
	if (boxfile_parse(text, ret, &err) < 0)
		die("%s:%d: %s", path, err.line, err.what);
	free(text);
}

static int cmd_build(const struct store *store, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tag", required_argument, NULL, 't' },
		{ "file", required_argument, NULL, 'f' },
		{ "no-cache", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct build_options opts = { .out = stdout };
	const char *file = NULL;
	char path[PATH_MAX], error[2048];
	struct boxfile boxfile;
	struct digest id;
	int c, ret;

	while ((c = next_option(argc, argv, "+:t:f:v", longopts)) != -1) {
		switch (c) {
		case 't': opts.tag = optarg; break;
		case 'f': file = optarg; break;
		case 'n': opts.no_cache = true; break;
		case 'v': opts.verbose = true; break;
		}
	}
	if (argc - optind != 1)
		die_usage("build needs one CONTEXT directory");
	opts.context = argv[optind];
	if (opts.tag && store_normalize_ref(opts.tag, path, sizeof(path)) < 0)
		die_usage("-t %s: not a NAME[:TAG] (lower case, digits, . _ - "
		          "/)",
		          opts.tag);
	if (!file) {
		snprintf(path, sizeof(path), "%s/Boxfile", opts.context);
		if (access(path, F_OK) < 0)
			snprintf(path, sizeof(path), "%s/Dockerfile",
			         opts.context);
		file = path;
	}
	read_boxfile(file, &boxfile);
	ret = build_image(store, &boxfile, &opts, &id, error, sizeof(error));
	boxfile_free(&boxfile);
	if (ret < 0)
		die("build: %s", error);
	return EXIT_SUCCESS;
}

struct ls_row {
	const struct store *store;
};

static int print_ls_row(const char *ref, const struct digest *id, void *data)
{
	const struct ls_row *row = data;
	struct store_layer *layers = NULL;
	char repo[256], when[64], size[32], *json;
	const char *colon = strrchr(ref, ':');
	int64_t bytes = 0;
	json_t *config;
	size_t n = 0, i;

	snprintf(repo, sizeof(repo), "%.*s", (int)(colon - ref), ref);
	if (store_image_get(row->store, id, &json, NULL) < 0)
		return 0;
	config = json_loads(json, 0, NULL);
	if (store_image_layers(row->store, json, &layers, &n) == 0)
		for (i = 0; i < n; i++)
			bytes += layers[i].size;
	printf("%-20s %-10s %-14.12s %-24s %s\n", repo, colon + 1,
	       digest_hex(id->text),
	       ago(json_string_value(json_object_get(config, "created")), when,
	           sizeof(when)),
	       human_size(bytes, size, sizeof(size)));
	json_decref(config);
	free(layers);
	free(json);
	return 0;
}

static int cmd_ls(const struct store *store, int argc, char **argv)
{
	struct ls_row row = { store };

	(void)argv;
	if (argc != 1)
		die_usage("ls takes no argument");
	printf("%-20s %-10s %-14s %-24s %s\n", "REPOSITORY", "TAG", "IMAGE ID",
	       "CREATED", "SIZE");
	store_each_tag(store, print_ls_row, &row);
	return EXIT_SUCCESS;
}

static int cmd_inspect(const struct store *store, int argc, char **argv)
{
	struct digest id;
	char *text;
	int i;

	if (argc < 2)
		die_usage("inspect needs an IMAGE");
	for (i = 1; i < argc; i++) {
		id = resolve(store, argv[i]);
		text = build_inspect_image(store, &id);
		if (!text)
			die_errno(errno, "inspect %s", argv[i]);
		printf("%s\n", text);
		free(text);
	}
	return EXIT_SUCCESS;
}

static int cmd_history(const struct store *store, int argc, char **argv)
{
	struct store_layer *layers = NULL;
	struct digest id, parent;
	json_t *config, *history, *entry;
	char when[64], size[32], *json;
	size_t n = 0, i, layer;
	const char *by;

	if (argc != 2)
		die_usage("history needs one IMAGE");
	id = resolve(store, argv[1]);
	if (store_image_get(store, &id, &json, NULL) < 0)
		die("history %s: cannot read its config", argv[1]);
	config = json_loads(json, 0, NULL);
	store_image_layers(store, json, &layers, &n);
	free(json);
	history = json_object_get(config, "history");
	printf("%-14s %-24s %-45s %s\n", "IMAGE", "CREATED", "CREATED BY",
	       "SIZE");
	layer = n;
	/* Newest first. Each step of a build is an image whose parent is
	 * the step before; steps imported from elsewhere have no image of
	 * their own here: "<missing>", as docker says. */
	for (i = json_array_size(history); i-- > 0;) {
		entry = json_array_get(history, i);
		by = json_string_value(json_object_get(entry, "created_by"));
		if (!json_is_true(json_object_get(entry, "empty_layer")) &&
		    layer > 0)
			layer--;
		printf("%-14.12s %-24s %-45.45s %s\n",
		       id.text[0] ? digest_hex(id.text) : "<missing>",
		       ago(json_string_value(json_object_get(entry, "created")),
		           when, sizeof(when)),
		       by ? by : "",
		       json_is_true(json_object_get(entry, "empty_layer")) ||
		                       layer >= n
		               ? "0B"
		               : human_size(layers[layer].size, size,
		                            sizeof(size)));
		if (id.text[0] &&
		    store_image_get(store, &id, &json, &parent) == 0) {
			free(json);
			id = parent;
		} else {
			id.text[0] = '\0';
		}
	}
	json_decref(config);
	free(layers);
	return EXIT_SUCCESS;
}

static int cmd_tag(const struct store *store, int argc, char **argv)
{
	struct digest id;
	int err;

	if (argc != 3)
		die_usage("tag needs IMAGE and NAME[:TAG]");
	id = resolve(store, argv[1]);
	err = store_tag(store, argv[2], &id);
	if (err == -EINVAL)
		die_usage("%s: not a NAME[:TAG] (lower case, digits, . _ - /)",
		          argv[2]);
	if (err < 0)
		die_errno(err, "tag %s", argv[2]);
	return EXIT_SUCCESS;
}

/* Is there a tag left on ID? */
static int has_tag(const char *ref, const struct digest *id, void *data)
{
	(void)ref;
	return !strcmp(id->text, ((const struct digest *)data)->text);
}

/* docker rmi: a name is untagged; the image goes when no name, no
 * container and no image built on it is left, and so do the untagged
 * images it was built on, the steps of its build. */
static int cmd_rm(const struct store *store, int argc, char **argv)
{
	int i, err, status = EXIT_SUCCESS;
	struct digest id, parent;
	char ref[512], *json;

	if (argc < 2)
		die_usage("rm needs an IMAGE");
	for (i = 1; i < argc; i++) {
		id = resolve(store, argv[i]);
		if (!digest_hex(argv[i]) && store_untag(store, argv[i]) == 0 &&
		    store_normalize_ref(argv[i], ref, sizeof(ref)) == 0)
			printf("Untagged: %s\n", ref);
		while (!store_each_tag(store, has_tag, &id)) {
			parent.text[0] = '\0';
			if (store_image_get(store, &id, &json, &parent) == 0)
				free(json);
			err = store_image_remove(store, &id);
			if (err == -EBUSY)
				break; /* a child image or a container */
			if (err < 0) {
				warn_errno(err, "remove %s", argv[i]);
				status = EXIT_FAILURE;
				break;
			}
			printf("Deleted: %s\n", id.text);
			if (!parent.text[0])
				break;
			id = parent;
		}
	}
	return status;
}

static int cmd_save(const struct store *store, int argc, char **argv)
{
	char error[1024], ref[512];
	const char *colon;
	struct digest id;

	if (argc != 3)
		die_usage("save needs IMAGE and DIR");
	id = resolve(store, argv[1]);
	/* The layout's name for it: the tag, or "latest". */
	colon = strrchr(argv[1], ':');
	snprintf(ref, sizeof(ref), "%s",
	         colon && !digest_hex(argv[1]) ? colon + 1 : "latest");
	if (build_save(store, &id, ref, argv[2], error, sizeof(error)) < 0)
		die("save: %s", error);
	return EXIT_SUCCESS;
}

/* Is PATH an overlay mount already? */
static bool is_overlay(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == OVERLAYFS_SUPER_MAGIC;
}

/* docker create's storage: CONTAINER's init and writable layers on
 * IMAGE, mounted on its merged directory, here (boximg's own mount
 * namespace: the host's, from a shell). */
static int cmd_mount(const struct store *store, int argc, char **argv)
{
	char options[OVL_OPTIONS_MAX], merged[PATH_MAX], *text;
	struct store_container c;
	struct digest id;
	int err;

	if (argc != 3)
		die_usage("mount needs IMAGE and CONTAINER");
	id = resolve(store, argv[1]);
	err = store_container_get(store, argv[2], &c);
	if (err == -ENOENT)
		err = store_container_create(store, argv[2], &id, argv[2], &c);
	if (err == -EINVAL)
		die_usage("%s: a container name is letters, digits, _ . -",
		          argv[2]);
	if (err < 0)
		die_errno(err, "container %s", argv[2]);
	if (strcmp(c.image.text, id.text))
		die("container %s is of image %.19s, not %s", argv[2],
		    c.image.text, argv[1]);
	err = store_layer_path(store, c.mount_id, "merged", merged,
	                       sizeof(merged));
	if (err == 0 && mkdir(merged, 0755) < 0 && errno != EEXIST)
		err = -errno;
	if (err == 0 && !is_overlay(merged)) {
		/* The options name the layers relative to overlay2/. */
		err = store_layer_options(store, c.mount_id, options,
		                          sizeof(options));
		if (err == 0 && fchdir(store->overlay_fd) < 0)
			err = -errno;
		if (err == 0)
			err = ovl_mount(options, merged);
	}
	if (err < 0)
		die_errno(err, "mount container %s", argv[2]);
	text = build_inspect_container(store, &c);
	if (!text)
		die_errno(errno, "inspect container %s", argv[2]);
	printf("%s\n", text);
	free(text);
	return EXIT_SUCCESS;
}

static int cmd_umount(const struct store *store, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rm", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_container c;
	char merged[PATH_MAX];
	bool rm = false;
	int c_opt, err;

	while ((c_opt = next_option(argc, argv, "+:", longopts)) != -1)
		if (c_opt == 'r')
			rm = true;
	if (argc - optind != 1)
		die_usage("umount needs one CONTAINER");
	if (store_container_get(store, argv[optind], &c) < 0)
		die("%s: no such container", argv[optind]);
	store_layer_path(store, c.mount_id, "merged", merged, sizeof(merged));
	if (is_overlay(merged)) {
		err = ovl_umount(merged);
		if (err < 0)
			die_errno(err, "unmount %s", merged);
	}
	if (rm) {
		err = store_container_remove(store, argv[optind]);
		if (err < 0)
			die_errno(err, "remove container %s", argv[optind]);
	}
	return EXIT_SUCCESS;
}

static const struct command commands[] = {
	{ "import", cmd_import },
	{ "build", cmd_build },
	{ "ls", cmd_ls },
	{ "inspect", cmd_inspect },
	{ "history", cmd_history },
	{ "tag", cmd_tag },
	{ "rm", cmd_rm },
	{ "save", cmd_save },
	{ "mount", cmd_mount },
	{ "umount", cmd_umount },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = getenv("BOXLAB_ROOT");
	const struct command *cmd;
	struct store store;
	int c, status;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'h': usage(EXIT_SUCCESS);
		default: die_bad_option(c, argv);
		}
	}
	if (optind == argc)
		die_usage("no command (boximg --help lists them)");
	for (cmd = commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, argv[optind]))
			break;
	if (!cmd->name)
		die_usage("unknown command %s", argv[optind]);
	open_store(root && *root ? root : STORE_DEFAULT_ROOT, &store);
	argv += optind;
	argc -= optind;
	optind = 0; /* getopt_long starts again, at argv[1] */
	status = cmd->run(&store, argc, argv);
	store_close(&store);
	return status;
}
