/* images.c - the image module: chapter 08's store behind the API. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

/* GET /images/json: one entry per image, its tags gathered. */
static int add_image(const char *ref, const struct digest *id, void *data)
{
	json_t *list = data, *entry = NULL, *e;
	struct store_layer *layers = NULL;
	json_int_t size = 0;
	char *text = NULL;
	size_t i, n = 0;

	json_array_foreach(list, i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "Id")),
		            id->text))
			entry = e;
	}
	if (entry)
		return json_array_append_new(json_object_get(entry, "RepoTags"),
		                             json_string(ref));
	if (store_image_get(&engine.store, id, &text, NULL) < 0)
		return 0;
	if (store_image_layers(&engine.store, text, &layers, &n) == 0)
		for (i = 0; i < n; i++)
			size += layers[i].size;
	json_array_append_new(
	        list,
	        json_pack("{s:s, s:s, s:[s], s:[], s:I, s:I, s:I, s:i, s:{}}",
	                  "Id", id->text, "ParentId", "", "RepoTags", ref,
	                  "RepoDigests", "Created", (json_int_t)0, "Size", size,
	                  "SharedSize", (json_int_t)-1, "Containers", -1,
	                  "Labels"));
	free(layers);
	free(text);
	return 0;
}

static struct reply handle_list(struct request *req)
{
	json_t *list = json_array();

	(void)req;
	pthread_mutex_lock(&engine.lock);
	store_each_tag(&engine.store, add_image, list);
	pthread_mutex_unlock(&engine.lock);
	return engine_json(200, list);
}

const struct route image_routes[] = {
	{ "GET", "/images/json", handle_list },
	{ NULL, NULL, NULL },
};
