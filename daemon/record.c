/* Converts tickets as Redis stores them (hash fields, JSON history) into protocol messages. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "hotlined.h"

enum field_kind { FIELD_STRING, FIELD_BOOL, FIELD_ENUM, FIELD_UINT32,
	FIELD_INT64, FIELD_DOUBLE };

/* What a department's view hides of the caller (保密). */
enum hide { SHOWN, HIDDEN_IF_CONFIDENTIAL, HIDDEN_FROM_DEPARTMENTS };

/* How each hash field of ht:ticket:<number> maps onto Hotline__Ticket. */
static const struct {
	const char *name;
	enum field_kind kind;
	size_t offset;
	enum hide hide;			/* in a department's view */
} ticket_fields[] = {
#define F(name, kind, member, hide) \
	{ name, kind, offsetof(Hotline__Ticket, member), hide }
	F("number", FIELD_STRING, number, 0),
	F("call_id", FIELD_STRING, call_id, HIDDEN_FROM_DEPARTMENTS),
	F("caller_name", FIELD_STRING, caller_name, HIDDEN_IF_CONFIDENTIAL),
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
	F("triage_reason", FIELD_ENUM, triage_reason, 0),
	F("returns", FIELD_UINT32, returns, 0),
	F("disputed", FIELD_BOOL, disputed, 0),
	F("return_reason", FIELD_STRING, return_reason, 0),
	F("return_basis", FIELD_STRING, return_basis, 0),
	F("extensions", FIELD_UINT32, extensions, 0),
	F("exempt", FIELD_BOOL, exempt, 0),
	F("exempt_reason", FIELD_STRING, exempt_reason, 0),
	F("reopens", FIELD_UINT32, reopens, 0),
	F("closure", FIELD_ENUM, closure, 0),
	F("callback_result", FIELD_ENUM, callback_result, 0),
	F("callback_comment", FIELD_STRING, callback_comment, 0),
	F("callback_attempts", FIELD_UINT32, callback_attempts, 0),
	F("master", FIELD_STRING, master, 0),
	F("urges", FIELD_UINT32, urges, 0),
	F("review_note", FIELD_STRING, review_note, 0),
	F("direct_answer", FIELD_STRING, direct_answer, 0),
	F("kb_article", FIELD_STRING, kb_article, 0),
	F("kb_version", FIELD_UINT32, kb_version, 0),
	F("sign_due", FIELD_INT64, sign_due_at, 0),
	F("complete_due", FIELD_INT64, complete_due_at, 0),
	F("warn_at", FIELD_INT64, warn_at, 0),
	F("return_until", FIELD_INT64, return_until, 0),
	F("callback_due", FIELD_INT64, callback_due_at, 0),
	F("sign_overdue", FIELD_BOOL, sign_overdue, 0),
	F("warned", FIELD_BOOL, warned, 0),
	F("overdue", FIELD_BOOL, overdue, 0),
	F("callback_overdue", FIELD_BOOL, callback_overdue, 0),
	F("clock_limit", FIELD_STRING, complete_limit, 0),
	F("emergency_kind", FIELD_STRING, emergency_kind, 0),
	F("transfer_to", FIELD_STRING, transfer_to, 0),
	F("emergency_dismissed", FIELD_BOOL, emergency_dismissed, 0),
	F("repeat_of", FIELD_STRING, repeat_of, 0),
	F("repeat_reason", FIELD_ENUM, repeat_reason, 0),
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
	const struct department *dep = config_department(hotlined.cfg, id);

	hotline__department__init(d);
	d->id = record_strdup(id);
	d->name = record_strdup(dep != NULL ? dep->name : id);
	return d;
}

/* Stores one hash field's value into t, unless the view hides it. */
static void
record_set_field(Hotline__Ticket *t, size_t i, const char *value,
    int department_view, int confidential)
{
	char *base = (char *)t + ticket_fields[i].offset;

	if (department_view && (ticket_fields[i].hide == HIDDEN_FROM_DEPARTMENTS ||
	    (ticket_fields[i].hide == HIDDEN_IF_CONFIDENTIAL && confidential)))
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
	case FIELD_UINT32:
		*(uint32_t *)base = (uint32_t)strtoul(value, NULL, 10);
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

/* Returns 1 if department id is in the comma-separated list. */
static int
record_list_has(const char *list, const char *id)
{
	size_t n = strlen(id);

	while (list != NULL && *list != '\0') {
		if (strncmp(list, id, n) == 0 && (list[n] == ',' ||
		    list[n] == '\0'))
			return 1;
		list = strchr(list, ',');
		if (list != NULL)
			list++;
	}
	return 0;
}

/* Returns 1 if department dept works on the ticket (hash) now: its lead or an assisting one. */
int
record_works_on(const redisReply *hash, const char *dept)
{
	const char *lead = record_hash_get(hash, "dept");

	return (lead != NULL && strcmp(lead, dept) == 0) ||
	    record_list_has(record_hash_get(hash, "assists"), dept);
}

/* The caller's phone as a view may show it: blank to departments when 保密, else masked as configured. */
static char *
record_phone(const char *phone, int department_view, int confidential)
{
	char masked[64];

	if (phone == NULL || (department_view && confidential))
		return (char *)protobuf_c_empty_string;	/* 保密: blank */
	if (!department_view || !hotlined.cfg->tickets.mask_phones)
		return record_strdup(phone);
	ticket_mask_phone(phone, masked, sizeof masked);
	return record_strdup(masked);
}

/*
 * Leaves a same-caller repeat link out of a department's view when a 保密
 * ticket is at either end (this one, or the earlier one as create.lua
 * noted in repeat_private): the link, with the other ticket's name and
 * phone, would tell the department who the confidential caller is.
 */
static void
record_private_repeat(Hotline__Ticket *t, const redisReply *hash,
    int confidential)
{
	const char *private = record_hash_get(hash, "repeat_private");

	if (t->repeat_reason !=
	    HOTLINE__REPEAT_REASON__REPEAT_REASON_SAME_CALLER ||
	    (!confidential && (private == NULL || strcmp(private, "1") != 0)))
		return;
	if (t->repeat_of != protobuf_c_empty_string)
		free(t->repeat_of);
	t->repeat_of = (char *)protobuf_c_empty_string;
	t->repeat_reason = 0;
}

/* Fills t's assisting departments from the "a,b" list in the hash. */
static void
record_assists(Hotline__Ticket *t, const char *list)
{
	char *copy, *id, *save = NULL;
	size_t n = 1;
	const char *p;

	if (list == NULL || *list == '\0')
		return;
	for (p = list; *p != '\0'; p++)
		n += *p == ',';
	t->assisting_departments = xcalloc(n, sizeof *t->assisting_departments);
	copy = xstrdup(list);
	for (id = strtok_r(copy, ",", &save); id != NULL;
	    id = strtok_r(NULL, ",", &save))
		t->assisting_departments[t->n_assisting_departments++] =
		    record_department(id);
	free(copy);
}

/* Fills the pending extension (ext_*) and the supervision order (sup_*). */
static void
record_requests(Hotline__Ticket *t, const redisReply *hash)
{
	const char *v;

	if ((v = record_hash_get(hash, "ext_extension")) != NULL) {
		t->pending_extension = xmalloc(sizeof *t->pending_extension);
		hotline__extension__init(t->pending_extension);
		t->pending_extension->extension = record_strdup(v);
		t->pending_extension->reason = record_strdup(
		    record_hash_get(hash, "ext_reason"));
		t->pending_extension->requested_by = record_strdup(
		    record_hash_get(hash, "ext_by"));
		v = record_hash_get(hash, "ext_at");
		t->pending_extension->requested_at = v ? strtoll(v, NULL, 10) : 0;
	}
	if ((v = record_hash_get(hash, "sup_text")) != NULL) {
		Hotline__Supervision *sv = xmalloc(sizeof *sv);

		hotline__supervision__init(sv);
		sv->text = record_strdup(v);
		sv->limit = record_strdup(record_hash_get(hash, "sup_limit"));
		sv->issued_by = record_strdup(record_hash_get(hash, "sup_by"));
		v = record_hash_get(hash, "sup_at");
		sv->issued_at = v ? strtoll(v, NULL, 10) : 0;
		sv->answer = record_strdup(record_hash_get(hash, "sup_answer"));
		v = record_hash_get(hash, "sup_answered_at");
		sv->answered_at = v ? strtoll(v, NULL, 10) : 0;
		v = record_hash_get(hash, "sup_due");
		sv->due_at = v ? strtoll(v, NULL, 10) : 0;
		v = record_hash_get(hash, "sup_overdue");
		sv->overdue = v != NULL && strcmp(v, "1") == 0;
		t->supervision = sv;
	}
}

/* A clock_getter over a flat HGETALL reply (arg). */
const char *
record_getter(void *arg, const char *field)
{
	return record_hash_get(arg, field);
}

/* Sets the time left to complete, while a department works on the ticket. */
static void
record_remaining(Hotline__Ticket *t, const redisReply *hash)
{
	struct policy pol;
	struct clock c;

	if (t->state != HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED &&
	    t->state != HOTLINE__TICKET_STATE__TICKET_STATE_ACCEPTED &&
	    t->state != HOTLINE__TICKET_STATE__TICKET_STATE_SUSPENDED)
		return;
	clock_read(&c, record_getter, (void *)hash);
	policy_for(hotlined.cfg->policies, t->type, t->urgency,
	    t->lead_department ?
	    t->lead_department->id : NULL, &pol);
	t->remaining_ms = clock_remaining(&c, hotlined.cfg->calendar, &pol,
	    now_ms());
}

/* Flags deadlines computed over a year without a notice (provisional). */
static void
record_provisional(Hotline__Ticket *t)
{
	const int64_t due[] = { t->sign_due_at, t->complete_due_at, t->warn_at,
	    t->return_until, t->callback_due_at, t->supervision != NULL ?
	    t->supervision->due_at : 0 };
	int64_t from = now_ms();
	size_t i;

	for (i = 0; i < sizeof due / sizeof due[0]; i++)
		if (due[i] > 0 &&
		    calendar_provisional_span(hotlined.cfg->calendar,
		    from < due[i] ? from : due[i], due[i]))
			t->deadlines_provisional = 1;
}

/* Returns the label of category code in the catalogue in force ("" unknown), e.g. "城乡建设/物业管理/电梯". */
const char *
record_category_label(const char *code)
{
	const struct category *c;

	if (hotlined.cfg == NULL)
		return "";
	c = category_find(hotlined.cfg->categories, hotlined.cfg->ncategories,
	    code);
	return c != NULL ? c->label : "";
}

/* Names t's category (a code) as the catalogue in force does; unknown codes stay unnamed. */
static void
record_category_name(Hotline__Ticket *t)
{
	t->category_name = record_strdup(record_category_label(t->category));
}

/*
 * Builds a Ticket from a flat HGETALL reply. A department's view
 * (department_view set) leaves out the call id, masks the caller's phone
 * as tickets.mask_phones says, and for a confidential caller (保密) leaves
 * out the phone, the name and a same-caller repeat link. Returns NULL if the reply
 * is not a non-empty hash. Free with hotline__ticket__free_unpacked.
 */
Hotline__Ticket *
record_ticket(const redisReply *hash, int department_view)
{
	Hotline__Ticket *t;
	const char *dept, *flag;
	int confidential;
	size_t i, f;

	if (hash == NULL || hash->type != REDIS_REPLY_ARRAY ||
	    hash->elements < 2)
		return NULL;
	t = xmalloc(sizeof *t);
	hotline__ticket__init(t);
	flag = record_hash_get(hash, "confidential");
	confidential = flag != NULL && strcmp(flag, "1") == 0;
	for (i = 0; i + 1 < hash->elements; i += 2) {
		const char *name = hash->element[i]->str;
		const char *value = hash->element[i + 1]->str;

		if (name == NULL || value == NULL)
			continue;
		for (f = 0; f < sizeof ticket_fields / sizeof ticket_fields[0];
		    f++)
			if (strcmp(name, ticket_fields[f].name) == 0)
				record_set_field(t, f, value, department_view,
				    confidential);
	}
	t->caller_phone = record_phone(record_hash_get(hash, "caller_phone"),
	    department_view, confidential);
	if (department_view)
		record_private_repeat(t, hash, confidential);
	dept = record_hash_get(hash, "dept");
	if (dept != NULL && *dept != '\0')
		t->lead_department = record_department(dept);
	record_assists(t, record_hash_get(hash, "assists"));
	record_requests(t, hash);
	record_remaining(t, hash);
	record_provisional(t);
	record_category_name(t);
	return t;
}

/* Returns a copy of a JSON object's string member, or "". */
static char *
json_string_member(json_t *o, const char *key)
{
	return record_strdup(json_string_value(json_object_get(o, key)));
}

/* Fills h's changed fields from the entry's "changes" array (an empty one may be {}). */
static void
record_changes(Hotline__HistoryEntry *h, json_t *changes)
{
	size_t i;

	if (!json_is_array(changes) || json_array_size(changes) == 0)
		return;
	h->changes = xcalloc(json_array_size(changes), sizeof *h->changes);
	for (i = 0; i < json_array_size(changes); i++) {
		json_t *c = json_array_get(changes, i);
		Hotline__FieldChange *fc = xmalloc(sizeof *fc);

		hotline__field_change__init(fc);
		fc->field = json_string_member(c, "field");
		fc->value = json_string_member(c, "value");
		h->changes[h->n_changes++] = fc;
	}
}

/* The names of a compact history entry's first members, in order (history.lua). */
static const char *const history_members[] = {
	"at", "principal", "role", "action", "from", "to", "note", "dept",
};
#define HISTORY_MEMBERS (sizeof history_members / sizeof history_members[0])

/*
 * The field names a compact entry may store as codes (JSON integers), by
 * code: history.lua's HISTORY_FIELD_CODE, the same list. Append-only.
 */
static const char *const history_fields[] = {
	"state", "dept", "dispatched_at", "clock_base", "clock_limit",
	"clock_left", "clock_suspended", "clock_ext", "sign_due",
	"complete_due", "warn_at", "return_until", "triage_reason", "closure",
	"direct_answer",
};
#define HISTORY_FIELDS (sizeof history_fields / sizeof history_fields[0])

/* A compact entry's field member as a name: a string as it is, a known code by its name; NULL else. */
static json_t *
record_history_field(json_t *f)
{
	json_int_t code;

	if (json_is_string(f))
		return json_incref(f);
	if (!json_is_integer(f))
		return NULL;
	code = json_integer_value(f);
	if (code < 0 || (size_t)code >= HISTORY_FIELDS)
		return NULL;
	return json_string(history_fields[code]);
}

/* A compact entry's value as a string: history.lua stores plain integers as JSON numbers. */
static json_t *
record_history_value(json_t *v)
{
	char digits[32];

	if (!json_is_integer(v))
		return json_incref(v);
	snprintf(digits, sizeof digits, "%" JSON_INTEGER_FORMAT,
	    json_integer_value(v));
	return json_string(digits);
}

/* Expands a compact entry [at, principal, ..., dept, field, value, ...] into the object form. */
static json_t *
record_history_expand(json_t *a)
{
	size_t i, n = json_array_size(a);
	json_t *o, *changes, *field;

	if (n < HISTORY_MEMBERS || (n - HISTORY_MEMBERS) % 2 != 0)
		return NULL;
	o = json_object();
	for (i = 0; i < HISTORY_MEMBERS; i++)
		json_object_set(o, history_members[i], json_array_get(a, i));
	changes = json_array();
	json_object_set_new(o, "changes", changes);
	for (; i < n; i += 2) {
		if ((field = record_history_field(json_array_get(a, i))) == NULL) {
			json_decref(o);
			return NULL;
		}
		json_array_append_new(changes, json_pack("{s:o,s:o}",
		    "field", field,
		    "value", record_history_value(json_array_get(a, i + 1))));
	}
	return o;
}

/* See hotlined.h. */
json_t *
record_history_json(const char *text, size_t len)
{
	json_t *j = json_loadb(text, len, 0, NULL), *o;

	if (j == NULL || json_is_object(j))
		return j;
	o = json_is_array(j) ? record_history_expand(j) : NULL;
	json_decref(j);
	return o;
}

/* Parses one history entry written by the scripts; NULL if unreadable. */
static Hotline__HistoryEntry *
record_history_entry(const char *text, size_t len)
{
	Hotline__HistoryEntry *h;
	json_t *o;

	if ((o = record_history_json(text, len)) == NULL)
		return NULL;
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
	record_changes(h, json_object_get(o, "changes"));
	json_decref(o);
	return h;
}

/* Fills t->history from an array reply of JSON entries (history.lua's history_entries); skips unreadable ones. */
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
