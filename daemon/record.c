/* Converts tickets as Redis stores them (hash fields, JSON history) into protocol messages. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "hotlined.h"

enum field_kind { FIELD_STRING, FIELD_BOOL, FIELD_ENUM, FIELD_INT64, FIELD_DOUBLE };

/* How each hash field of ht:ticket:<number> maps onto Hotline__Ticket. */
static const struct {
	const char *name;
	enum field_kind kind;
	size_t offset;
	int hidden_when_masked;		/* caller identity: 保密 */
} ticket_fields[] = {
#define F(name, kind, member, hide) \
	{ name, kind, offsetof(Hotline__Ticket, member), hide }
	F("number", FIELD_STRING, number, 0),
	F("call_id", FIELD_STRING, call_id, 1),
	F("caller_phone", FIELD_STRING, caller_phone, 1),
	F("caller_name", FIELD_STRING, caller_name, 1),
	F("confidential", FIELD_BOOL, confidential, 0),
	F("district", FIELD_STRING, district, 0),
	F("street", FIELD_STRING, street, 0),
	F("address", FIELD_STRING, address, 0),
	F("title", FIELD_STRING, title, 0),
	F("content", FIELD_STRING, content, 0),
	F("type", FIELD_ENUM, type, 0),
	F("urgency", FIELD_ENUM, urgency, 0),
	F("channel", FIELD_ENUM, channel, 0),
	F("state", FIELD_ENUM, state, 0),
	F("category", FIELD_STRING, category, 0),
	F("confidence", FIELD_DOUBLE, confidence, 0),
	F("created_at", FIELD_INT64, created_at, 0),
	F("updated_at", FIELD_INT64, updated_at, 0),
	F("created_by", FIELD_STRING, created_by, 0),
	F("reply_result", FIELD_STRING, reply_result, 0),
	F("solved", FIELD_BOOL, solved, 0),
#undef F
};

/*
 * Returns a string protobuf-c's free_unpacked can free: the shared empty
 * string for "", else a copy.
 */
char *
record_strdup(const char *s)
{
	if (s == NULL || *s == '\0')
		return (char *)protobuf_c_empty_string;
	return xstrdup(s);
}

/* Builds a Department message for id, named from the current config. */
Hotline__Department *
record_department(const char *id)
{
	Hotline__Department *d = xmalloc(sizeof *d);
	const struct department *dep = config_department(cfg, id);

	hotline__department__init(d);
	d->id = record_strdup(id);
	d->name = record_strdup(dep != NULL ? dep->name : id);
	return d;
}

/* Stores one hash field's value into t. */
static void
record_set_field(Hotline__Ticket *t, size_t i, const char *value, int masked)
{
	char *base = (char *)t + ticket_fields[i].offset;

	if (masked && ticket_fields[i].hidden_when_masked)
		return;
	switch (ticket_fields[i].kind) {
	case FIELD_STRING:
		*(char **)base = record_strdup(value);
		break;
	case FIELD_BOOL:
		*(protobuf_c_boolean *)base = strcmp(value, "1") == 0;
		break;
	case FIELD_ENUM:
		*(int *)base = atoi(value);
		break;
	case FIELD_INT64:
		*(int64_t *)base = strtoll(value, NULL, 10);
		break;
	case FIELD_DOUBLE:
		*(double *)base = strtod(value, NULL);
		break;
	}
}

/* Returns the value of field name in a flat HGETALL reply, or NULL. */
const char *
record_hash_get(const redisReply *hash, const char *name)
{
	size_t i;

	if (hash == NULL || hash->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (i = 0; i + 1 < hash->elements; i += 2)
		if (hash->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(hash->element[i]->str, name) == 0)
			return hash->element[i + 1]->str;
	return NULL;
}

/*
 * Builds a Ticket from a flat HGETALL reply. With mask set, a confidential
 * caller's identity (phone, name, call id) is left out. Returns NULL if the
 * reply is not a non-empty hash. Free with hotline__ticket__free_unpacked.
 */
Hotline__Ticket *
record_ticket(const redisReply *hash, int mask)
{
	Hotline__Ticket *t;
	const char *dept, *confidential;
	int masked;
	size_t i, f;

	if (hash == NULL || hash->type != REDIS_REPLY_ARRAY ||
	    hash->elements < 2)
		return NULL;
	t = xmalloc(sizeof *t);
	hotline__ticket__init(t);
	confidential = record_hash_get(hash, "confidential");
	masked = mask && confidential != NULL && strcmp(confidential, "1") == 0;
	for (i = 0; i + 1 < hash->elements; i += 2) {
		const char *name = hash->element[i]->str;
		const char *value = hash->element[i + 1]->str;

		if (name == NULL || value == NULL)
			continue;
		for (f = 0; f < sizeof ticket_fields / sizeof ticket_fields[0];
		    f++)
			if (strcmp(name, ticket_fields[f].name) == 0)
				record_set_field(t, f, value, masked);
	}
	dept = record_hash_get(hash, "dept");
	if (dept != NULL && *dept != '\0')
		t->lead_department = record_department(dept);
	return t;
}

/* Returns a copy of a JSON object's string member, or "". */
static char *
json_string_member(json_t *o, const char *key)
{
	return record_strdup(json_string_value(json_object_get(o, key)));
}

/* Parses one history entry written by the scripts; NULL if unreadable. */
static Hotline__HistoryEntry *
record_history_entry(const char *text, size_t len)
{
	Hotline__HistoryEntry *h;
	json_error_t jerr;
	json_t *o;

	o = json_loadb(text, len, 0, &jerr);
	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	h = xmalloc(sizeof *h);
	hotline__history_entry__init(h);
	h->at = json_integer_value(json_object_get(o, "at"));
	h->principal = json_string_member(o, "principal");
	h->role = (Hotline__Role)json_integer_value(json_object_get(o, "role"));
	h->action = json_string_member(o, "action");
	h->from_state = (Hotline__TicketState)json_integer_value(
	    json_object_get(o, "from"));
	h->to_state = (Hotline__TicketState)json_integer_value(
	    json_object_get(o, "to"));
	h->note = json_string_member(o, "note");
	h->department = json_string_member(o, "dept");
	json_decref(o);
	return h;
}

/* Fills t->history from an LRANGE reply of JSON entries; skips unreadable ones. */
void
record_history(Hotline__Ticket *t, const redisReply *list)
{
	size_t i;

	if (list == NULL || list->type != REDIS_REPLY_ARRAY ||
	    list->elements == 0)
		return;
	t->history = xcalloc(list->elements, sizeof *t->history);
	for (i = 0; i < list->elements; i++) {
		const redisReply *e = list->element[i];
		Hotline__HistoryEntry *h;

		if (e->type != REDIS_REPLY_STRING)
			continue;
		h = record_history_entry(e->str, e->len);
		if (h == NULL) {
			log_warnx("ticket %s: unreadable history entry %zu",
			    t->number, i);
			continue;
		}
		t->history[t->n_history++] = h;
	}
}
