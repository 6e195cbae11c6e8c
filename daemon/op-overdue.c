/* The supervision queries (统一督办): tickets overdue now (超期) or soon (预警), breaches in a period, and one ticket's SLA timeline. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "lang.h"
#include "keys.h"
#include "script-args.h"

#define LIST_DEFAULT 200
#define LIST_MAX 1000
#define DUE_SCAN 2000			/* with a filter: tickets read from each index */
#define HOURS_MAX (24.0 * 366)		/* working hours a filter may name */

/* What an overdue query keeps while due_read.lua runs. */
struct overdue_query {
	int64_t now;
	int warning;		/* the 预警 list */
};

/* Returns working hours between from and to (negative when to is earlier). */
static double
working_hours(int64_t from, int64_t to)
{
	return (double)deadline_working_ms(hotlined.cfg->calendar, from, to) /
	    (double)DEADLINE_HOUR_MS;
}

/* Answers BAD_REQUEST unless limit is at most LIST_MAX; returns the limit to use or 0. */
static uint32_t
list_limit(struct request *r, uint32_t limit)
{
	if (limit <= LIST_MAX)
		return limit != 0 ? limit : LIST_DEFAULT;
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, "limit",
	    ZH_EN("至多 ", "at most ") "%d", LIST_MAX);
	return 0;
}

/* Answers BAD_REQUEST unless hours is a number of hours a filter may name. */
static int
check_hours(struct request *r, const char *field, double hours)
{
	if (isfinite(hours) && hours >= 0 && hours <= HOURS_MAX)
		return 0;
	request_error2(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, field,
	    "%s 须在 0 至 %.0f 工作小时之间",
	    "%s must be between 0 and %.0f working hours", field, HOURS_MAX);
	return -1;
}

/* Returns one OverdueTicket from {deadline, due, hash}, or NULL. */
static Hotline__OverdueTicket *
overdue_ticket(const struct request *r, const redisReply *e)
{
	const struct overdue_query *q = r->state;
	Hotline__OverdueTicket *o;
	Hotline__Ticket *t;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 3 ||
	    (t = record_ticket(e->element[2],
	    r->conn->role == HOTLINE__ROLE__ROLE_DEPARTMENT)) == NULL)
		return NULL;
	o = xmalloc(sizeof *o);
	hotline__overdue_ticket__init(o);
	o->ticket = t;
	o->deadline = record_strdup(e->element[0]->str);
	o->due_at = strtoll(e->element[1]->str, NULL, 10);
	o->late_hours = working_hours(o->due_at, q->now);
	return o;
}

/* due_read.lua answered {matched, partial, next cursor, {deadline, due, hash}, ...}. */
static void
overdue_done(struct request *r, redisReply *reply)
{
	const struct overdue_query *q = r->state;
	Hotline__OverdueReply *out = xmalloc(sizeof *out);
	Hotline__OverdueTicket *o;
	size_t i;

	hotline__overdue_reply__init(out);
	out->now = q->now;
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements >= 3 &&
	    reply->element[2]->type == REDIS_REPLY_STRING) {
		out->matched = (uint32_t)reply->element[0]->integer;
		out->partial = reply->element[1]->integer != 0;
		out->next_cursor = xstrdup(reply->element[2]->str);
		out->tickets = xcalloc(reply->elements, sizeof *out->tickets);
		for (i = 3; i < reply->elements; i++)
			if ((o = overdue_ticket(r, reply->element[i])) != NULL)
				out->tickets[out->n_tickets++] = o;
	}
	answer_body(r, HOTLINE__ENVELOPE__BODY_OVERDUE_LIST, out);
}

/*
 * Adds the due-time range of the query: overdue by at least min_late
 * working hours (due before now, or before the instant that many working
 * hours ago), or, for 预警, due after now within the working hours asked.
 */
static void
overdue_range(struct store_args *a, const Hotline__OverdueRequest *q,
    int64_t now)
{
	int64_t ms;

	if (q->within_hours > 0) {
		ms = (int64_t)llround(q->within_hours * DEADLINE_HOUR_MS);
		store_args_paramf(a, "min", "(%lld", (long long)now);
		store_args_paramf(a, "max", "%lld", (long long)
		    deadline_add_working_ms(hotlined.cfg->calendar, now, ms));
		return;
	}
	store_args_param(a, "min", "-inf");
	ms = (int64_t)llround(q->min_late_hours * DEADLINE_HOUR_MS);
	if (ms > 0)
		store_args_paramf(a, "max", "%lld", (long long)
		    deadline_add_working_ms(hotlined.cfg->calendar, now, -ms));
	else
		store_args_paramf(a, "max", "(%lld", (long long)now);
}

/*
 * Splits "<due>:<kind>:<number>" (due_read.lua's cursor): due digits only
 * and within long long, kind 0 or 1, number 1 to 31 digits. Returns 0, or
 * -1 for anything else (no sign, space or overflow is accepted).
 */
static int
overdue_cursor_split(const char *cursor, long long *due, char *kind,
    char number[32])
{
	const char *p = cursor;
	char *end;
	size_t n;

	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	*due = strtoll(p, &end, 10);
	if (errno == ERANGE || end[0] != ':' || (end[1] != '0' &&
	    end[1] != '1') || end[2] != ':')
		return -1;
	*kind = end[1];
	p = end + 3;
	n = strspn(p, "0123456789");
	if (n == 0 || n > 31 || p[n] != '\0')
		return -1;
	memcpy(number, p, n + 1);
	return 0;
}

/*
 * Adds the cursor's parameters (after_due, after_kind, after_number; ""
 * for the first page). Answers BAD_REQUEST and returns -1 unless cursor is
 * "" or "<due>:<kind>:<number>" as due_read.lua makes it.
 */
static int
overdue_cursor(struct request *r, struct store_args *a, const char *cursor)
{
	long long due;
	char kind, number[32];

	if (cursor[0] == '\0') {
		store_args_param(a, "after_due", "");
		store_args_param(a, "after_kind", "");
		store_args_param(a, "after_number", "");
		return 0;
	}
	if (overdue_cursor_split(cursor, &due, &kind, number) == -1) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "cursor", ZH_EN("cursor 须为空或本列表给出的 next_cursor"
		    "（原样传回）", "not a cursor of this list (pass the "
		    "answer's next_cursor as it is)"));
		return -1;
	}
	store_args_paramf(a, "after_due", "%lld", due);
	store_args_paramf(a, "after_kind", "%c", kind);
	store_args_paramf(a, "after_number", "%s", number);
	return 0;
}

/* 超期 and 预警: tickets past (or near) a deadline, still at their department. */
void
op_overdue(struct request *r)
{
	const Hotline__OverdueRequest *q = r->in->overdue;
	struct overdue_query *oq;
	struct store_args args = { 0 };
	const char *dept;
	uint32_t limit;

	if ((limit = list_limit(r, q->limit)) == 0 ||
	    check_hours(r, "min_late_hours", q->min_late_hours) == -1 ||
	    check_hours(r, "within_hours", q->within_hours) == -1 ||
	    check_text(r, "district", q->district, 0, 64) == -1 ||
	    check_text(r, "category", q->category, 0, 128) == -1 ||
	    (dept = stats_department(r, q->department)) == NULL)
		return;
	if (dept[0] != '\0') {
		store_args_addf(&args, KEY_DUE_DEPT, "sign", dept);
		store_args_addf(&args, KEY_DUE_DEPT, "complete", dept);
	} else {
		store_args_addf(&args, KEY_DUE, "sign");
		store_args_addf(&args, KEY_DUE, "complete");
	}
	if (overdue_cursor(r, &args, q->cursor) == -1) {
		store_args_free(&args);
		return;
	}
	oq = xcalloc(1, sizeof *oq);
	oq->now = now_ms();
	oq->warning = q->within_hours > 0;
	r->state = oq;
	r->state_free = free;
	overdue_range(&args, q, oq->now);
	store_args_param(&args, "district", q->district);
	store_args_param(&args, "category", q->category);
	store_args_paramf(&args, "type", "%d", q->type);
	store_args_paramf(&args, "limit", "%u", limit);
	store_args_paramf(&args, "scan", "%d", DUE_SCAN);
	store_args_add(&args, "--");
	request_script(r, SCRIPT_DUE_READ, 2, &args, overdue_done);
	store_args_free(&args);
}

/* Returns a Breach from "<at> <number> <kind> <department> <due>", or NULL. */
static Hotline__Breach *
breach_parse(const char *entry)
{
	char number[32], kind[16], dept[64];
	long long at, due;
	Hotline__Breach *b;

	if (sscanf(entry, "%lld %31s %15s %63s %lld", &at, number, kind, dept,
	    &due) != 5)
		return NULL;
	b = xmalloc(sizeof *b);
	hotline__breach__init(b);
	b->number = xstrdup(number);
	b->kind = xstrdup(kind);
	b->department = xstrdup(strcmp(dept, "-") == 0 ? "" : dept);
	b->at = at;
	b->due_at = due;
	return b;
}

/* Fills the reply's by_kind map from {kind, count, ...}. */
static void
breach_kinds(Hotline__BreachesReply *out, const redisReply *flat)
{
	Hotline__BreachesReply__ByKindEntry *e;
	size_t i;

	if (flat->type != REDIS_REPLY_ARRAY)
		return;
	out->by_kind = xcalloc(flat->elements / 2 + 1, sizeof *out->by_kind);
	for (i = 0; i + 1 < flat->elements; i += 2) {
		e = xmalloc(sizeof *e);
		hotline__breaches_reply__by_kind_entry__init(e);
		e->key = xstrdup(flat->element[i]->str != NULL ?
		    flat->element[i]->str : "");
		e->value = (uint32_t)flat->element[i + 1]->integer;
		out->by_kind[out->n_by_kind++] = e;
	}
}

/* breaches_read.lua answered {total, {kind, count...}, entry...}. */
static void
breaches_done(struct request *r, redisReply *reply)
{
	Hotline__BreachesReply *out = xmalloc(sizeof *out);
	Hotline__Breach *b;
	size_t i;

	hotline__breaches_reply__init(out);
	stats_echo_period(r->state, r->in->breaches->period, &out->period,
	    &out->from, &out->to);
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements >= 2) {
		out->total = (uint32_t)reply->element[0]->integer;
		breach_kinds(out, reply->element[1]);
		out->breaches = xcalloc(reply->elements, sizeof *out->breaches);
		for (i = 2; i < reply->elements; i++)
			if (reply->element[i]->type == REDIS_REPLY_STRING &&
			    (b = breach_parse(reply->element[i]->str)) != NULL)
				out->breaches[out->n_breaches++] = b;
	}
	answer_body(r, HOTLINE__ENVELOPE__BODY_BREACH_LIST, out);
}

/* SLA breaches (超时) in a period, oldest first, a page at a time. */
void
op_breaches(struct request *r)
{
	const Hotline__BreachesRequest *q = r->in->breaches;
	struct stats_period *p = xmalloc(sizeof *p);
	struct store_args args = { 0 };
	const char *dept;
	uint32_t limit;
	char *days;

	r->state = p;
	r->state_free = free;
	if ((limit = list_limit(r, q->limit)) == 0 ||
	    stats_period_of(r, q->period, p) == -1 ||
	    (dept = stats_department(r, q->department)) == NULL)
		return;
	days = stats_period_list(p, 0);
	script_args_breaches_read(&args, days, dept, q->offset, limit);
	request_script(r, SCRIPT_BREACHES_READ, 0, &args, breaches_done);
	store_args_free(&args);
	free(days);
}
