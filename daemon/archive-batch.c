/* One archive batch: tickets and history as Redis holds them, turned into JSON rows for one idempotent PostgreSQL statement. */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "hotlined.h"
#include "archive.h"

/*
 * $1: ticket rows, replacing an archived row only with a higher version;
 * $2: history rows, each written once by (number, position). One statement
 * is one transaction: when it returns, both are committed or neither. The
 * function (sql/040) keeps its plans for the session. Answers the counts
 * of rows written.
 */
const char archive_upsert_sql[] =
    "SELECT * FROM hotline.archive_upsert($1::jsonb, $2::jsonb)";

/* Returns 1 if state (TicketState) is final: closed, merged, transferred. */
static int
batch_final(long long state)
{
	return state == HOTLINE__TICKET_STATE__TICKET_STATE_CLOSED ||
	    state == HOTLINE__TICKET_STATE__TICKET_STATE_MERGED ||
	    state == HOTLINE__TICKET_STATE__TICKET_STATE_TRANSFERRED;
}

/* A field of the flat hash as text ("" when absent). */
static const char *
batch_field(const redisReply *hash, const char *name)
{
	const char *v = record_hash_get(hash, name);

	return v != NULL ? v : "";
}

/* A field of the flat hash as an integer (0 when absent). */
static json_int_t
batch_int(const redisReply *hash, const char *name)
{
	return strtoll(batch_field(hash, name), NULL, 10);
}

/* An integer member of a JSON object (0 when absent). */
static json_int_t
batch_json_int(const json_t *o, const char *name)
{
	return json_integer_value(json_object_get(o, name));
}

/* A string member of a JSON object ("" when absent). */
static const char *
batch_json_str(const json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s != NULL ? s : "";
}

/*
 * Appends the history rows of number to rows; returns when the ticket last
 * became final (closed, merged, transferred), or -1 if it never did.
 */
static json_int_t
batch_history(json_t *rows, const char *number, const redisReply *list,
    int *n)
{
	json_int_t closed = -1;
	size_t i;

	for (i = 0; i < list->elements; i++) {
		const redisReply *e = list->element[i];
		json_t *entry;

		if (e->type != REDIS_REPLY_STRING ||
		    (entry = record_history_json(e->str, e->len)) == NULL) {
			log_warnx("archive: ticket %s: history entry %zu is not "
			    "JSON; archived as text", number, i);
			entry = json_pack("{s:s%}", "text", e->str, e->len);
		}
		if (batch_final(batch_json_int(entry, "to")) &&
		    !batch_final(batch_json_int(entry, "from")))
			closed = batch_json_int(entry, "at");
		json_array_append_new(rows, json_pack("{s:s,s:i,s:I,s:s,s:I,s:s,"
		    "s:I,s:I,s:s,s:s,s:o}", "number", number, "position", (int)i,
		    "at", batch_json_int(entry, "at"),
		    "principal", batch_json_str(entry, "principal"),
		    "role", batch_json_int(entry, "role"),
		    "action", batch_json_str(entry, "action"),
		    "from_state", batch_json_int(entry, "from"),
		    "to_state", batch_json_int(entry, "to"),
		    "note", batch_json_str(entry, "note"),
		    "dept", batch_json_str(entry, "dept"), "entry", entry));
		(*n)++;
	}
	return closed;
}

/* The hash as a JSON object of strings. */
static json_t *
batch_fields(const redisReply *hash)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i + 1 < hash->elements; i += 2)
		json_object_set_new(o, hash->element[i]->str,
		    json_stringn(hash->element[i + 1]->str,
		    hash->element[i + 1]->len));
	return o;
}

/* The text a ticket is found by (its words and its place); see archive.h. */
char *
archive_ticket_text(const char *title, const char *content,
    const char *district, const char *street, const char *address)
{
	return xasprintf("%s %s %s %s %s", title, content, district, street,
	    address);
}

/* The search terms of a hash. */
static char *
batch_terms(const redisReply *hash)
{
	char *text = archive_ticket_text(batch_field(hash, "title"),
	    batch_field(hash, "content"), batch_field(hash, "district"),
	    batch_field(hash, "street"), batch_field(hash, "address"));
	char *terms = archive_tsvector(text);

	free(text);
	return terms;
}

/* The ticket row of a hash. */
static json_t *
batch_ticket(const char *number, const redisReply *hash, json_int_t closed)
{
	long long state = batch_int(hash, "state");
	char *terms = batch_terms(hash);
	json_t *row = json_pack("{s:s,s:I,s:I,s:s,s:s,s:I,s:I,s:I,s:b,s:s,s:s,"
	    "s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:I,s:I,s:s}",
	    "number", number, "version", batch_int(hash, "version"),
	    "state", (json_int_t)state, "dept", batch_field(hash, "dept"),
	    "assists", batch_field(hash, "assists"),
	    "type", batch_int(hash, "type"), "urgency", batch_int(hash, "urgency"),
	    "channel", batch_int(hash, "channel"),
	    "confidential", batch_int(hash, "confidential") != 0,
	    "caller_phone", batch_field(hash, "caller_phone"),
	    "caller_name", batch_field(hash, "caller_name"),
	    "district", batch_field(hash, "district"),
	    "street", batch_field(hash, "street"),
	    "address", batch_field(hash, "address"),
	    "title", batch_field(hash, "title"),
	    "content", batch_field(hash, "content"),
	    "category", batch_field(hash, "category"),
	    "warned", batch_int(hash, "warned") != 0,
	    "overdue", batch_int(hash, "overdue") != 0,
	    "created_at", batch_int(hash, "created_at"),
	    "updated_at", batch_int(hash, "updated_at"), "terms", terms);

	free(terms);
	json_object_set_new(row, "fields", batch_fields(hash));
	json_object_set_new(row, "closed_at", batch_final(state) && closed >= 0 ?
	    json_integer(closed) : json_null());
	return row;
}

/* Returns 1 if e is {number, hash, history} as archive_read.lua answers. */
static int
batch_entry_valid(const redisReply *e)
{
	size_t i;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 3 ||
	    e->element[0]->type != REDIS_REPLY_STRING ||
	    e->element[1]->type != REDIS_REPLY_ARRAY ||
	    e->element[2]->type != REDIS_REPLY_ARRAY)
		return 0;
	for (i = 0; i < e->element[1]->elements; i++)
		if (e->element[1]->element[i]->type != REDIS_REPLY_STRING)
			return 0;
	return 1;
}

/* Builds a batch from archive_read.lua's answer; see archive.h. */
int
archive_batch_build(struct archive_batch *b, const redisReply *reply)
{
	json_t *tickets, *history;
	size_t i;

	memset(b, 0, sizeof *b);
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY)
		return -1;
	tickets = json_array();
	history = json_array();
	for (i = 0; i < reply->elements; i++) {
		const redisReply *e = reply->element[i];
		const char *number;
		json_int_t closed;

		if (!batch_entry_valid(e)) {
			json_decref(tickets);
			json_decref(history);
			return -1;
		}
		number = e->element[0]->str;
		if (e->element[1]->elements == 0)
			continue;	/* gone from Redis: archived before it left */
		closed = batch_history(history, number, e->element[2],
		    &b->nhistory);
		json_array_append_new(tickets, batch_ticket(number,
		    e->element[1], closed));
		b->ntickets++;
	}
	b->tickets = json_dumps(tickets, JSON_COMPACT);
	b->history = json_dumps(history, JSON_COMPACT);
	json_decref(tickets);
	json_decref(history);
	if (b->tickets == NULL || b->history == NULL)
		fatalx("archive: out of memory");
	return 0;
}

/* Frees a batch's texts. */
void
archive_batch_free(struct archive_batch *b)
{
	free(b->tickets);
	free(b->history);
	memset(b, 0, sizeof *b);
}
