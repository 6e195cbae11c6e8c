/* Archived tickets back into protocol messages: a row's fields (the Redis hash as JSON) through record.c's mapping and masking. */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "hotlined.h"
#include "lang.h"
#include "archive.h"

/*
 * A Redis-like reply made from JSON, for record.c's readers: an array of
 * strings borrowed from (or, for history entries, dumped from) the JSON.
 */
struct fake_reply {
	redisReply array;
	redisReply *items;
	redisReply **ptrs;
	char **owned;
	size_t nowned;
	json_t *json;
};

/* Adds a string element to the reply (not copied). */
static void
fake_add(struct fake_reply *f, const char *s, size_t len)
{
	size_t n = f->array.elements++;

	f->items[n].type = REDIS_REPLY_STRING;
	f->items[n].str = (char *)s;
	f->items[n].len = len;
	f->ptrs[n] = &f->items[n];
}

/* Prepares room for n elements. */
static void
fake_init(struct fake_reply *f, json_t *json, size_t n)
{
	memset(f, 0, sizeof *f);
	f->json = json;
	f->array.type = REDIS_REPLY_ARRAY;
	f->array.element = f->ptrs = xcalloc(n + 1, sizeof *f->ptrs);
	f->items = xcalloc(n + 1, sizeof *f->items);
	f->owned = xcalloc(n + 1, sizeof *f->owned);
}

/* Frees what the reply holds. */
static void
fake_free(struct fake_reply *f)
{
	size_t i;

	for (i = 0; i < f->nowned; i++)
		free(f->owned[i]);
	free(f->owned);
	free(f->items);
	free(f->ptrs);
	json_decref(f->json);
}

/* A flat HGETALL-like reply of an archived row's fields; -1 if not a JSON object. */
static int
fake_hash(struct fake_reply *f, const char *fields)
{
	json_t *o = json_loads(fields, 0, NULL);
	const char *key;
	json_t *value;

	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	fake_init(f, o, 2 * json_object_size(o));
	json_object_foreach(o, key, value) {
		if (!json_is_string(value))
			continue;
		fake_add(f, key, strlen(key));
		fake_add(f, json_string_value(value), json_string_length(value));
	}
	return 0;
}

/*
 * A Ticket from an archived row's fields (a JSON object of strings, as
 * archive-batch.c stored the Redis hash), masked for a department's view
 * as record_ticket does. NULL if fields is not such an object.
 */
Hotline__Ticket *
archive_record_ticket(const char *fields, int department_view)
{
	struct fake_reply f;
	Hotline__Ticket *t;

	if (fake_hash(&f, fields) == -1)
		return NULL;
	t = record_ticket(&f.array, department_view);
	fake_free(&f);
	return t;
}

/*
 * Checks that r may see an archived row (its fields) and, when t is not
 * NULL, sets *t to the Ticket masked for r's view, decoding the fields
 * once for both. Returns 0; or -1 when r is a department's and the ticket
 * is not one it works on (answered as refuse_foreign does), or the fields
 * are not a JSON object (answered INTERNAL).
 */
int
archive_record_read(struct request *r, const char *fields,
    Hotline__Ticket **t)
{
	struct fake_reply f;

	if (fake_hash(&f, fields) == -1) {
		log_warnx("archive: a row's fields are not a JSON object");
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    LANG_INTERNAL);
		return -1;
	}
	if (refuse_foreign(r, &f.array) == -1) {
		fake_free(&f);
		return -1;
	}
	if (t != NULL && (*t = record_ticket(&f.array, r->conn->role ==
	    HOTLINE__ROLE__ROLE_DEPARTMENT)) == NULL) {
		fake_free(&f);
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    LANG_INTERNAL);
		return -1;
	}
	fake_free(&f);
	return 0;
}

/*
 * Fills t->history from column col of every row of res: one JSON entry as
 * text per row, oldest first (NULL: no history), as archive-read.c selects.
 */
void
archive_record_history_rows(Hotline__Ticket *t, const struct pg_result *res,
    int col)
{
	int i, n = pg_rows(res);
	struct fake_reply f;

	fake_init(&f, NULL, (size_t)n);
	for (i = 0; i < n; i++)
		if (!pg_null(res, i, col))
			fake_add(&f, pg_value(res, i, col),
			    strlen(pg_value(res, i, col)));
	record_history(t, &f.array);
	fake_free(&f);
}
