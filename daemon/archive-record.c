/* Archived tickets back into protocol messages: a row's fields (the Redis hash as JSON) through record.c's mapping and masking. */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "hotlined.h"
#include "archive.h"

/*
 * A Ticket from an archived row's fields (a JSON object of strings, as
 * archive-batch.c stored the Redis hash), masked for a department's view
 * as record_ticket does. NULL if fields is not such an object.
 */
Hotline__Ticket *
archive_record_ticket(const char *fields, int department_view)
{
	json_t *o = json_loads(fields, 0, NULL);
	redisReply hash, *items = NULL, **ptrs = NULL;
	Hotline__Ticket *t = NULL;
	const char *key;
	json_t *value;
	size_t n = 0;

	if (o == NULL || !json_is_object(o) || json_object_size(o) == 0)
		goto out;
	/* A flat HGETALL-like reply that borrows the JSON's strings. */
	items = xcalloc(2 * json_object_size(o), sizeof *items);
	ptrs = xcalloc(2 * json_object_size(o), sizeof *ptrs);
	json_object_foreach(o, key, value) {
		if (!json_is_string(value))
			continue;
		items[n].type = REDIS_REPLY_STRING;
		items[n].str = (char *)key;
		items[n].len = strlen(key);
		ptrs[n] = &items[n];
		n++;
		items[n].type = REDIS_REPLY_STRING;
		items[n].str = (char *)json_string_value(value);
		items[n].len = json_string_length(value);
		ptrs[n] = &items[n];
		n++;
	}
	memset(&hash, 0, sizeof hash);
	hash.type = REDIS_REPLY_ARRAY;
	hash.elements = n;
	hash.element = ptrs;
	t = record_ticket(&hash, department_view);
out:
	free(items);
	free(ptrs);
	json_decref(o);
	return t;
}
