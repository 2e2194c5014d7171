/* spec.c - config.json into struct spec, with jansson. See spec.h.
 *
 * Every field is checked for its type before it is used, and a wrong one
 * is named by its path in the document, "process.user.uid", so that the
 * runtime can say exactly what is wrong and where.
 */
#include "spec.h"

#include "exercise.h"

#include <errno.h>
#include <linux/sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

const char *const spec_hook_names[] = {
	"prestart",
	"createRuntime",
	"createContainer",
	"startContainer",
	"poststart",
	"poststop",
	NULL,
};

/* Fill ERR and return -EINVAL: "WHERE: MESSAGE". */
static int bad(struct spec_error *err, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, args);
	va_end(args);
	return -EINVAL;
}

/* A NULL-terminated copy of ARRAY, a JSON array of strings, in *RET.
 * WHERE names it for messages. An absent ARRAY (NULL) gives NULL. */
static inline int string_list(json_t *array, const char *where, char ***ret,
                              struct spec_error *err)
{
	size_t i, n;
	char **list;

	*ret = NULL;
	if (!array)
		return 0;
	if (!json_is_array(array))
		return bad(err, "%s: expected an array of strings", where);
	n = json_array_size(array);
	list = calloc(n + 1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	*ret = list;
	for (i = 0; i < n; i++) {
		json_t *item = json_array_get(array, i);

		if (!json_is_string(item))
			return bad(err, "%s[%zu]: expected a string", where, i);
		list[i] = strdup(json_string_value(item));
		if (!list[i])
			return -ENOMEM;
	}
	return 0;
}

static void free_list(char **list)
{
	char **p;

	for (p = list; p && *p; p++)
		free(*p);
	free(list);
}

/* A JSON integer from 0 to MAX at KEY of OBJ, into *RET. */
static int get_uint(json_t *obj, const char *key, const char *where,
                    uint64_t max, uint64_t *ret, struct spec_error *err)
{
	json_t *value = json_object_get(obj, key);

	if (!json_is_integer(value) || json_integer_value(value) < 0 ||
	    (uint64_t)json_integer_value(value) > max)
		return bad(err, "%s.%s: expected an integer from 0 to %llu",
		           where, key, (unsigned long long)max);
	*ret = (uint64_t)json_integer_value(value);
	return 0;
}

/* EXERCISE 11.1: your own helper functions can go here. */

int spec_parse_process(json_t *process, struct spec_process *ret,
                       struct spec_error *err)
{
	/* EXERCISE 11.1: The process (15 points)
	 *
	 * Check PROCESS is an object, then read each field the contract
	 * lists, checking its JSON type first (json_is_boolean(),
	 * json_is_string()...) and naming the field in ERR when it is
	 * wrong: bad() formats the message and returns -EINVAL,
	 * string_list() reads an array of strings. args must have at least
	 * one string; cwd must be a string starting with '/'; env strings
	 * must contain '='; oomScoreAdj must be an integer from -1000 to
	 * 1000. The user, the rlimits (RLIMIT_* names to numbers) and the
	 * capability sets are worth a helper each.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("11.1", process, ret, err);
}

/* EXERCISE 11.2: your own helper functions can go here. */

int spec_parse_mount_options(json_t *options, const char *where,
                             struct spec_mount *m, struct spec_error *err)
{
	/* EXERCISE 11.2: Mount options to flags (10 points)
	 *
	 * OPTIONS may be absent (NULL: nothing to do); else it must be an
	 * array of strings. For each option: a flag option (a table of
	 * mount(8)'s names, each setting or clearing MS_* bits) changes
	 * M->flags; a propagation option sets M->propagation; anything else
	 * is appended to M->data ("mode=755,size=65536k"), in order.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("11.2", options, where, m, err);
}

/* EXERCISE 11.3: your own helper functions can go here. */

int spec_parse_namespaces(json_t *namespaces, struct spec_namespace **ret,
                          size_t *ret_count, struct spec_error *err)
{
	/* EXERCISE 11.3: The namespaces, new or joined (10 points)
	 *
	 * NAMESPACES may be absent (NULL: none); else an array of objects.
	 * Allocate one struct spec_namespace per entry in *RET (the caller
	 * frees it and each path, also on failure; set *RET_COUNT as you
	 * go). "type" must be one of the names (linux.namespaces[N].type:
	 * unknown namespace type "pids"), each at most once (...: "pid"
	 * twice); "path", if there, an absolute path, copied.
	 *
	 * Replace the stub below with your code.
	 */
	return exercise_todo("11.3", namespaces, ret, ret_count, err);
}

void spec_process_free(struct spec_process *p)
{
	int i;

	free(p->additional_gids);
	free_list(p->args);
	free_list(p->env);
	free(p->cwd);
	free(p->rlimits);
	for (i = 0; i < SPEC_CAP_SETS; i++)
		free_list(p->caps[i]);
	memset(p, 0, sizeof(*p));
}

/* --- the rest of config.json --------------------------------------------- */

/* An optional string at KEY of OBJ, copied into *RET. */
static int optional_string(json_t *obj, const char *key, const char *where,
                           char **ret, struct spec_error *err)
{
	json_t *value = json_object_get(obj, key);

	*ret = NULL;
	if (!value)
		return 0;
	if (!json_is_string(value))
		return bad(err, "%s: expected a string", where);
	*ret = strdup(json_string_value(value));
	return *ret ? 0 : -ENOMEM;
}

static int parse_mounts(json_t *mounts, struct spec *spec,
                        struct spec_error *err)
{
	char where[64];
	size_t i;
	int ret = 0;

	if (!mounts)
		return 0;
	if (!json_is_array(mounts))
		return bad(err, "mounts: expected an array");
	spec->mounts =
	        calloc(json_array_size(mounts) + 1, sizeof(*spec->mounts));
	if (!spec->mounts)
		return -ENOMEM;
	for (i = 0; ret == 0 && i < json_array_size(mounts); i++) {
		json_t *item = json_array_get(mounts, i);
		struct spec_mount *m = &spec->mounts[i];

		spec->n_mounts++;
		if (!json_is_object(item))
			return bad(err, "mounts[%zu]: expected an object", i);
		snprintf(where, sizeof(where), "mounts[%zu].destination", i);
		ret = optional_string(item, "destination", where,
		                      &m->destination, err);
		if (ret == 0 && (!m->destination || m->destination[0] != '/'))
			ret = bad(err, "%s: expected an absolute path", where);
		snprintf(where, sizeof(where), "mounts[%zu].type", i);
		if (ret == 0)
			ret = optional_string(item, "type", where, &m->type,
			                      err);
		snprintf(where, sizeof(where), "mounts[%zu].source", i);
		if (ret == 0)
			ret = optional_string(item, "source", where, &m->source,
			                      err);
		snprintf(where, sizeof(where), "mounts[%zu].options", i);
		if (ret == 0)
			ret = spec_parse_mount_options(
			        json_object_get(item, "options"), where, m,
			        err);
	}
	return ret;
}

static int parse_mappings(json_t *maps, const char *where,
                          struct spec_id_mapping **ret, size_t *count,
                          struct spec_error *err)
{
	char item_where[64];
	uint64_t v[3];
	size_t i;
	int r;

	if (!maps)
		return 0;
	if (!json_is_array(maps))
		return bad(err, "%s: expected an array", where);
	*ret = calloc(json_array_size(maps) + 1, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	for (i = 0; i < json_array_size(maps); i++) {
		json_t *item = json_array_get(maps, i);

		snprintf(item_where, sizeof(item_where), "%s[%zu]", where, i);
		r = get_uint(item, "containerID", item_where, UINT32_MAX - 1,
		             &v[0], err);
		if (r == 0)
			r = get_uint(item, "hostID", item_where, UINT32_MAX - 1,
			             &v[1], err);
		if (r == 0)
			r = get_uint(item, "size", item_where, UINT32_MAX,
			             &v[2], err);
		if (r < 0)
			return r;
		(*ret)[i] = (struct spec_id_mapping){ (uint32_t)v[0],
			                              (uint32_t)v[1],
			                              (uint32_t)v[2] };
		(*count)++;
	}
	return 0;
}

/* An integer at KEY of OBJ (WHERE.KEY), or DEFAULT if absent. */
static int optional_int(json_t *obj, const char *key, const char *where,
                        int64_t fallback, int64_t *ret, struct spec_error *err)
{
	json_t *value = json_object_get(obj, key);

	*ret = fallback;
	if (!value)
		return 0;
	if (!json_is_integer(value))
		return bad(err, "%s.%s: expected an integer", where, key);
	*ret = json_integer_value(value);
	return 0;
}

/* Add "WHERE.KEY: not supported, ignored" to SPEC's warnings for each
 * key of OBJ that is not in KNOWN (NULL-terminated). */
static int warn_unknown(json_t *obj, const char *where,
                        const char *const *known, struct spec *spec)
{
	const char *key, *const *k;
	size_t n = 0;
	json_t *value;
	char **grown;

	if (!json_is_object(obj))
		return 0;
	while (spec->warnings && spec->warnings[n])
		n++;
	json_object_foreach(obj, key, value)
	{
		for (k = known; *k && strcmp(*k, key); k++)
			;
		if (*k)
			continue;
		grown = realloc(spec->warnings, (n + 2) * sizeof(char *));
		if (!grown)
			return -ENOMEM;
		spec->warnings = grown;
		if (asprintf(&grown[n], "%s%s%s: not supported, ignored", where,
		             where[0] ? "." : "", key) < 0)
			return -ENOMEM;
		grown[++n] = NULL;
	}
	return 0;
}

/* A string at KEY of OBJ (WHERE.KEY), copied, or NULL if absent. */
static int optional_copy(json_t *obj, const char *key, const char *where,
                         char **ret, struct spec_error *err)
{
	json_t *value = json_object_get(obj, key);

	*ret = NULL;
	if (!value)
		return 0;
	if (!json_is_string(value))
		return bad(err, "%s.%s: expected a string", where, key);
	*ret = strdup(json_string_value(value));
	return *ret ? 0 : -ENOMEM;
}

static int parse_resources(json_t *res, struct spec *spec,
                           struct spec_error *err)
{
	static const char *const known[] = { "memory",  "pids",    "cpu",
		                             "blockIO", "devices", NULL };
	static const char *const known_memory[] = { "limit", "swap",
		                                    "reservation", NULL };
	static const char *const known_cpu[] = { "quota", "period", "shares",
		                                 "cpus",  "mems",   NULL };
	json_t *memory = json_object_get(res, "memory");
	json_t *pids = json_object_get(res, "pids");
	json_t *cpu = json_object_get(res, "cpu");
	json_t *blkio = json_object_get(res, "blockIO");
	int64_t period = 0, shares = 0, weight = 0;
	int ret = 0;

	spec->resources.memory_limit = spec->resources.pids_limit = -1;
	spec->resources.memory_swap = spec->resources.memory_reservation = -1;
	spec->resources.cpu_quota = -1;
	if (!res)
		return 0;
	if (!json_is_object(res))
		return bad(err, "linux.resources: expected an object");
	ret = warn_unknown(res, "linux.resources", known, spec);
	if (ret == 0)
		ret = warn_unknown(memory, "linux.resources.memory",
		                   known_memory, spec);
	if (ret == 0)
		ret = warn_unknown(cpu, "linux.resources.cpu", known_cpu, spec);
	if (ret == 0)
		ret = optional_int(memory, "limit", "linux.resources.memory",
		                   -1, &spec->resources.memory_limit, err);
	if (ret == 0)
		ret = optional_int(memory, "swap", "linux.resources.memory", -1,
		                   &spec->resources.memory_swap, err);
	if (ret == 0)
		ret = optional_int(memory, "reservation",
		                   "linux.resources.memory", -1,
		                   &spec->resources.memory_reservation, err);
	if (ret == 0)
		ret = optional_int(pids, "limit", "linux.resources.pids", -1,
		                   &spec->resources.pids_limit, err);
	if (ret == 0)
		ret = optional_int(cpu, "quota", "linux.resources.cpu", -1,
		                   &spec->resources.cpu_quota, err);
	if (ret == 0)
		ret = optional_int(cpu, "period", "linux.resources.cpu", 0,
		                   &period, err);
	if (ret == 0)
		ret = optional_int(cpu, "shares", "linux.resources.cpu", 0,
		                   &shares, err);
	if (ret == 0)
		ret = optional_copy(cpu, "cpus", "linux.resources.cpu",
		                    &spec->resources.cpuset_cpus, err);
	if (ret == 0)
		ret = optional_copy(cpu, "mems", "linux.resources.cpu",
		                    &spec->resources.cpuset_mems, err);
	if (ret == 0)
		ret = optional_int(blkio, "weight", "linux.resources.blockIO",
		                   0, &weight, err);
	if (ret == 0 && weight && (weight < 10 || weight > 1000))
		ret = bad(err, "linux.resources.blockIO.weight: expected 10 "
		               "to 1000");
	if (ret == 0) {
		spec->resources.cpu_period =
		        (uint64_t)(period > 0 ? period : 0);
		spec->resources.cpu_shares =
		        (uint64_t)(shares > 0 ? shares : 0);
		spec->resources.blkio_weight = (uint64_t)weight;
	}
	return ret;
}

/* linux.devices: [{"path", "type", "major", "minor", "fileMode", "uid",
 * "gid"}]. */
static int parse_devices(json_t *devices, struct spec *spec,
                         struct spec_error *err)
{
	char where[64];
	uint64_t v;
	size_t i;
	int ret;

	if (!devices)
		return 0;
	if (!json_is_array(devices))
		return bad(err, "linux.devices: expected an array");
	spec->devices =
	        calloc(json_array_size(devices) + 1, sizeof(*spec->devices));
	if (!spec->devices)
		return -ENOMEM;
	for (i = 0; i < json_array_size(devices); i++) {
		json_t *item = json_array_get(devices, i);
		struct spec_device *d = &spec->devices[i];
		const char *type;

		spec->n_devices++;
		snprintf(where, sizeof(where), "linux.devices[%zu]", i);
		if (!json_is_object(item))
			return bad(err, "%s: expected an object", where);
		ret = optional_copy(item, "path", where, &d->path, err);
		if (ret == 0 && (!d->path || d->path[0] != '/'))
			ret = bad(err, "%s.path: expected an absolute path",
			          where);
		if (ret < 0)
			return ret;
		type = json_string_value(json_object_get(item, "type"));
		if (!type || strlen(type) != 1 || !strchr("cubp", type[0]))
			return bad(err,
			           "%s.type: expected \"c\", \"u\", "
			           "\"b\" or \"p\"",
			           where);
		d->type = type[0] == 'b'   ? S_IFBLK
		          : type[0] == 'p' ? S_IFIFO
		                           : S_IFCHR;
		if (d->type != S_IFIFO &&
		    ((ret = get_uint(item, "major", where, UINT32_MAX, &v,
		                     err)) < 0 ||
		     (d->major = (uint32_t)v,
		      (ret = get_uint(item, "minor", where, UINT32_MAX, &v,
		                      err)) < 0)))
			return ret;
		d->minor = (uint32_t)v;
		d->mode = 0666;
		if (json_object_get(item, "fileMode")) {
			if ((ret = get_uint(item, "fileMode", where, 07777, &v,
			                    err)) < 0)
				return ret;
			d->mode = (mode_t)v;
		}
		if (json_object_get(item, "uid")) {
			if ((ret = get_uint(item, "uid", where, UINT32_MAX - 1,
			                    &v, err)) < 0)
				return ret;
			d->uid = (uid_t)v;
		}
		if (json_object_get(item, "gid")) {
			if ((ret = get_uint(item, "gid", where, UINT32_MAX - 1,
			                    &v, err)) < 0)
				return ret;
			d->gid = (gid_t)v;
		}
	}
	return 0;
}

/* linux.sysctl, an object of strings, as "key=value" strings. */
static int parse_sysctl(json_t *sysctl, struct spec *spec,
                        struct spec_error *err)
{
	const char *key;
	json_t *value;
	size_t i = 0;

	if (!sysctl)
		return 0;
	if (!json_is_object(sysctl))
		return bad(err, "linux.sysctl: expected an object of strings");
	spec->sysctl = calloc(json_object_size(sysctl) + 1, sizeof(char *));
	if (!spec->sysctl)
		return -ENOMEM;
	json_object_foreach(sysctl, key, value)
	{
		if (!json_is_string(value))
			return bad(err, "linux.sysctl.%s: expected a string",
			           key);
		if (asprintf(&spec->sysctl[i++], "%s=%s", key,
		             json_string_value(value)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int parse_hooks(json_t *hooks, struct spec *spec, struct spec_error *err)
{
	char where[96];
	int kind, ret;
	size_t i;

	if (!hooks)
		return 0;
	if (!json_is_object(hooks))
		return bad(err, "hooks: expected an object");
	for (kind = 0; kind < SPEC_HOOK_KINDS; kind++) {
		json_t *list = json_object_get(hooks, spec_hook_names[kind]);

		if (!list)
			continue;
		if (!json_is_array(list))
			return bad(err, "hooks.%s: expected an array",
			           spec_hook_names[kind]);
		spec->hooks[kind] = calloc(json_array_size(list) + 1,
		                           sizeof(struct spec_hook));
		if (!spec->hooks[kind])
			return -ENOMEM;
		for (i = 0; i < json_array_size(list); i++) {
			json_t *item = json_array_get(list, i);
			struct spec_hook *h = &spec->hooks[kind][i];
			int64_t timeout = 0;

			spec->n_hooks[kind]++;
			snprintf(where, sizeof(where), "hooks.%s[%zu].path",
			         spec_hook_names[kind], i);
			ret = optional_string(item, "path", where, &h->path,
			                      err);
			if (ret == 0 && (!h->path || h->path[0] != '/'))
				ret = bad(err, "%s: expected an absolute path",
				          where);
			snprintf(where, sizeof(where), "hooks.%s[%zu].args",
			         spec_hook_names[kind], i);
			if (ret == 0)
				ret = string_list(json_object_get(item, "args"),
				                  where, &h->args, err);
			snprintf(where, sizeof(where), "hooks.%s[%zu].env",
			         spec_hook_names[kind], i);
			if (ret == 0)
				ret = string_list(json_object_get(item, "env"),
				                  where, &h->env, err);
			snprintf(where, sizeof(where), "hooks.%s[%zu]",
			         spec_hook_names[kind], i);
			if (ret == 0)
				ret = optional_int(item, "timeout", where, 0,
				                   &timeout, err);
			if (ret < 0)
				return ret;
			h->timeout = timeout > 0 && timeout < 86400
			                     ? (int)timeout
			                     : 0;
		}
	}
	return 0;
}

static int parse_propagation(json_t *value, struct spec *spec,
                             struct spec_error *err)
{
	struct spec_mount m = { 0 };
	json_t *one;
	int ret;

	if (!value)
		return 0;
	if (!json_is_string(value))
		return bad(err, "linux.rootfsPropagation: expected a string");
	one = json_pack("[O]", value);
	ret = spec_parse_mount_options(one, "linux.rootfsPropagation", &m, err);
	json_decref(one);
	if (ret == 0 && (m.data || m.flags))
		ret = bad(err,
		          "linux.rootfsPropagation: unknown propagation "
		          "\"%s\"",
		          json_string_value(value));
	free(m.data);
	spec->rootfs_propagation = m.propagation;
	return ret;
}

static int parse_linux(json_t *linux_, struct spec *spec,
                       struct spec_error *err)
{
	static const char *const known_linux[] = {
		"namespaces",  "uidMappings",   "gidMappings",
		"devices",     "cgroupsPath",   "resources",
		"sysctl",      "seccomp",       "rootfsPropagation",
		"maskedPaths", "readonlyPaths", "mountLabel",
		NULL,
	};
	json_t *seccomp = json_object_get(linux_, "seccomp");
	int ret;

	if (!linux_)
		return parse_resources(NULL, spec, err);
	if (!json_is_object(linux_))
		return bad(err, "linux: expected an object");
	ret = spec_parse_namespaces(json_object_get(linux_, "namespaces"),
	                            &spec->namespaces, &spec->n_namespaces,
	                            err);
	if (ret == 0)
		ret = parse_mappings(json_object_get(linux_, "uidMappings"),
		                     "linux.uidMappings", &spec->uid_mappings,
		                     &spec->n_uid_mappings, err);
	if (ret == 0)
		ret = parse_mappings(json_object_get(linux_, "gidMappings"),
		                     "linux.gidMappings", &spec->gid_mappings,
		                     &spec->n_gid_mappings, err);
	if (ret == 0)
		ret = optional_string(linux_, "cgroupsPath",
		                      "linux.cgroupsPath", &spec->cgroups_path,
		                      err);
	if (ret == 0)
		ret = parse_resources(json_object_get(linux_, "resources"),
		                      spec, err);
	if (ret == 0)
		ret = parse_devices(json_object_get(linux_, "devices"), spec,
		                    err);
	if (ret == 0)
		ret = warn_unknown(linux_, "linux", known_linux, spec);
	if (ret == 0)
		ret = parse_sysctl(json_object_get(linux_, "sysctl"), spec,
		                   err);
	if (ret == 0)
		ret = string_list(json_object_get(linux_, "maskedPaths"),
		                  "linux.maskedPaths", &spec->masked_paths,
		                  err);
	if (ret == 0)
		ret = string_list(json_object_get(linux_, "readonlyPaths"),
		                  "linux.readonlyPaths", &spec->readonly_paths,
		                  err);
	if (ret == 0)
		ret = parse_propagation(
		        json_object_get(linux_, "rootfsPropagation"), spec,
		        err);
	if (ret == 0 && seccomp && !json_is_object(seccomp))
		ret = bad(err, "linux.seccomp: expected an object");
	if (ret == 0 && seccomp &&
	    !(spec->seccomp_json = json_dumps(seccomp, JSON_COMPACT)))
		ret = -ENOMEM;
	return ret;
}

static int parse_document(json_t *doc, struct spec *spec,
                          struct spec_error *err)
{
	static const char *const known[] = {
		"ociVersion", "process", "root",        "hostname", "mounts",
		"linux",      "hooks",   "annotations", NULL
	};
	static const char *const known_process[] = {
		"terminal",     "user",
		"args",         "env",
		"cwd",          "capabilities",
		"rlimits",      "noNewPrivileges",
		"oomScoreAdj",  "apparmorProfile",
		"selinuxLabel", "consoleSize",
		NULL,
	};
	json_t *root = json_object_get(doc, "root");
	json_t *readonly = json_object_get(root, "readonly");
	int ret;

	if (!json_is_object(doc))
		return bad(err, "config.json: expected an object");
	ret = optional_string(doc, "ociVersion", "ociVersion",
	                      &spec->oci_version, err);
	if (ret == 0 && !spec->oci_version)
		ret = bad(err, "ociVersion: missing");
	if (ret == 0)
		ret = spec_parse_process(json_object_get(doc, "process"),
		                         &spec->process, err);
	if (ret == 0 && !json_is_object(root))
		ret = bad(err, "root: expected an object with a path");
	if (ret == 0)
		ret = optional_string(root, "path", "root.path",
		                      &spec->root_path, err);
	if (ret == 0 && (!spec->root_path || !spec->root_path[0]))
		ret = bad(err, "root.path: expected a path");
	if (ret == 0 && readonly && !json_is_boolean(readonly))
		ret = bad(err, "root.readonly: expected true or false");
	spec->root_readonly = json_is_true(readonly);
	if (ret == 0)
		ret = optional_string(doc, "hostname", "hostname",
		                      &spec->hostname, err);
	if (ret == 0)
		ret = parse_mounts(json_object_get(doc, "mounts"), spec, err);
	if (ret == 0)
		ret = parse_linux(json_object_get(doc, "linux"), spec, err);
	if (ret == 0)
		ret = parse_hooks(json_object_get(doc, "hooks"), spec, err);
	if (ret == 0)
		ret = warn_unknown(doc, "", known, spec);
	if (ret == 0)
		ret = warn_unknown(json_object_get(doc, "process"), "process",
		                   known_process, spec);
	return ret;
}

int spec_parse(const char *text, struct spec *ret, struct spec_error *err)
{
	struct spec spec = { 0 };
	json_error_t jerr;
	json_t *doc;
	int r;

	err->text[0] = '\0';
	doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return bad(err, "config.json: not JSON: line %d: %s", jerr.line,
		           jerr.text);
	r = parse_document(doc, &spec, err);
	json_decref(doc);
	if (r < 0) {
		if (r == -ENOMEM && !err->text[0])
			snprintf(err->text, sizeof(err->text), "out of memory");
		spec_free(&spec);
		return r;
	}
	*ret = spec;
	return 0;
}

void spec_free(struct spec *spec)
{
	size_t i;
	int kind;

	free(spec->oci_version);
	spec_process_free(&spec->process);
	free(spec->root_path);
	free(spec->hostname);
	for (i = 0; i < spec->n_mounts; i++) {
		free(spec->mounts[i].destination);
		free(spec->mounts[i].type);
		free(spec->mounts[i].source);
		free(spec->mounts[i].data);
	}
	free(spec->mounts);
	for (i = 0; i < spec->n_namespaces; i++)
		free(spec->namespaces[i].path);
	free(spec->namespaces);
	free(spec->uid_mappings);
	free(spec->gid_mappings);
	free(spec->cgroups_path);
	free(spec->resources.cpuset_cpus);
	free(spec->resources.cpuset_mems);
	for (i = 0; i < spec->n_devices; i++)
		free(spec->devices[i].path);
	free(spec->devices);
	free_list(spec->warnings);
	free_list(spec->sysctl);
	free_list(spec->masked_paths);
	free_list(spec->readonly_paths);
	free(spec->seccomp_json);
	for (kind = 0; kind < SPEC_HOOK_KINDS; kind++) {
		for (i = 0; i < spec->n_hooks[kind]; i++) {
			free(spec->hooks[kind][i].path);
			free_list(spec->hooks[kind][i].args);
			free_list(spec->hooks[kind][i].env);
		}
		free(spec->hooks[kind]);
	}
	memset(spec, 0, sizeof(*spec));
}
