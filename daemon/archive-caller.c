/* A caller's tickets (重复来电) a page at a time: Redis's live ones and, with an archive, those retention took out of Redis, merged newest first. */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "hotlined.h"
#include "archive.h"
#include "script-args.h"

/*
 * The caller's tickets that left Redis, newest first, from the cursor's
 * time on (the exact cut, by time then number, is made here: the row's
 * created_at went through a double). $3 is the cursor's time + 1 ms, or
 * none.
 */
static const char caller_sql[] =
    "SELECT number, fields::text, fields->>'created_at' FROM hotline.tickets "
    "WHERE caller_phone = $1 AND evicted_at IS NOT NULL AND ($3::bigint IS "
    "NULL OR created_at < to_timestamp($3::bigint / 1000.0)) ORDER BY "
    "created_at DESC, number DESC LIMIT $2::integer";

/* One ticket of a page, with the time it is ordered by. */
struct caller_item {
	long long at;
	Hotline__Ticket *t;
};

/* A page under way: Redis's part, waiting for PostgreSQL's. */
struct caller_page {
	unsigned limit;
	long long cursor_at;	/* -1: the first page */
	char cursor_number[32];
	struct caller_item *live;
	size_t nlive;
	int live_more;		/* Redis holds more after these */
};

/* Returns 1 if (at, number) comes after the cursor in newest-first order. */
static int
caller_after_cursor(const struct caller_page *p, long long at,
    const char *number)
{
	return p->cursor_at < 0 || at < p->cursor_at || (at == p->cursor_at &&
	    strcmp(number, p->cursor_number) < 0);
}

/* Frees a page and what it still holds. */
static void
caller_page_free(void *arg)
{
	struct caller_page *p = arg;
	size_t i;

	for (i = 0; i < p->nlive; i++)
		if (p->live[i].t != NULL)
			hotline__ticket__free_unpacked(p->live[i].t, NULL);
	free(p->live);
	free(p);
}

/* Returns 1 if a comes before b (newest first, then the higher number). */
static int
caller_before(const struct caller_item *a, const struct caller_item *b)
{
	return a->at > b->at || (a->at == b->at && strcmp(a->t->number,
	    b->t->number) > 0);
}

/*
 * Answers the page: the live and archived items (each newest first)
 * merged, at most limit and a quarter of limits.output_limit bytes (at
 * least one ticket); next_cursor when anything is left.
 */
static void
caller_answer(struct request *r, struct caller_page *p,
    struct caller_item *old, size_t nold, int old_more)
{
	Hotline__Envelope *env = envelope_new();
	Hotline__TicketList *out = xmalloc(sizeof *out);
	size_t i = 0, j = 0, bytes = 0,
	    budget = hotlined.cfg->limits.output_limit / 4;
	const struct caller_item *last = NULL;
	struct caller_item *next;

	hotline__ticket_list__init(out);
	out->tickets = xcalloc(p->limit + 1, sizeof *out->tickets);
	while ((i < p->nlive || j < nold) && out->n_tickets < p->limit) {
		int live = j == nold || (i < p->nlive &&
		    caller_before(&p->live[i], &old[j]));

		next = live ? &p->live[i] : &old[j];
		bytes += hotline__ticket__get_packed_size(next->t) + 8;
		if (out->n_tickets > 0 && bytes > budget)
			break;		/* left for the next page */
		if (live)
			i++;
		else
			j++;
		out->tickets[out->n_tickets++] = next->t;
		next->t = NULL;
		last = next;
	}
	out->truncated = i < p->nlive || j < nold || p->live_more || old_more;
	out->next_cursor = out->truncated && last != NULL ? xasprintf(
	    "%lld:%s", last->at, out->tickets[out->n_tickets - 1]->number) :
	    xstrdup("");
	env->body_case = HOTLINE__ENVELOPE__BODY_TICKETS;
	env->tickets = out;
	request_answer(r, env);
}

/*
 * PostgreSQL is away: the caller's live tickets still answer (caller is
 * part of intake, which never waits for the archive); those that left
 * Redis are missing from this page, as the log says. p stays the caller's.
 */
static void
caller_live_only(struct request *r, struct caller_page *p)
{
	log_warnx("caller: the archive (PostgreSQL) did not answer: the "
	    "caller's tickets that left Redis are left out of this page");
	caller_answer(r, p, NULL, 0, 0);
}

/* PostgreSQL answered the caller's archived tickets from the cursor on (res NULL: it failed). */
static void
caller_archived(struct request *r, struct pg_result *res, void *arg)
{
	struct caller_page *p = arg;
	int rows = res != NULL ? pg_rows(res) : 0, k;
	struct caller_item *old;
	size_t nold = 0, i;

	if (res == NULL) {
		caller_live_only(r, p);
		return;
	}
	old = xcalloc((size_t)rows + 1, sizeof *old);

	for (k = 0; k < rows && nold < p->limit; k++) {
		long long at = atoll(pg_value(res, k, 2));
		const char *number = pg_value(res, k, 0);
		Hotline__Ticket *t;

		if (!caller_after_cursor(p, at, number))
			continue;
		for (i = 0; i < p->nlive; i++)	/* left Redis meanwhile */
			if (strcmp(p->live[i].t->number, number) == 0)
				break;
		if (i < p->nlive || (t = archive_record_ticket(pg_value(res, k,
		    1), 0)) == NULL)
			continue;
		t->archived = 1;
		old[nold].at = at;
		old[nold++].t = t;
	}
	caller_answer(r, p, old, nold, k < rows || rows > (int)p->limit);
	for (i = 0; i < nold; i++)
		if (old[i].t != NULL)
			hotline__ticket__free_unpacked(old[i].t, NULL);
	free(old);
}

/* The live part of a page as tickets.lua answered it: {total, left, score, hash, ...}. */
static void
caller_live(struct caller_page *p, const redisReply *reply)
{
	size_t i;

	if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2)
		return;
	p->live = xcalloc(reply->elements / 2 + 1, sizeof *p->live);
	for (i = 2; i + 1 < reply->elements; i += 2) {
		Hotline__Ticket *t;

		if (reply->element[i]->type != REDIS_REPLY_STRING || (t =
		    record_ticket(reply->element[i + 1], 0)) == NULL)
			continue;
		p->live[p->nlive].at = atoll(reply->element[i]->str);
		p->live[p->nlive++].t = t;
	}
	p->live_more = reply->element[1]->integer > (long long)(reply->elements
	    - 2) / 2;
}

/* tickets.lua answered the live page; the archive adds what left Redis. */
static void
caller_redis_done(struct request *r, redisReply *reply)
{
	struct caller_page *p = r->state;
	char limit[16], at[32];
	const char *params[3] = { r->in->caller->caller_phone, limit, NULL };

	r->state = NULL;
	r->state_free = NULL;
	caller_live(p, reply);
	if (!search_configured()) {
		caller_answer(r, p, NULL, 0, 0);
		caller_page_free(p);
		return;
	}
	snprintf(limit, sizeof limit, "%u", p->limit + 1);
	if (p->cursor_at >= 0) {
		snprintf(at, sizeof at, "%lld", p->cursor_at + 1);
		params[2] = at;
	}
	if (search_query_arg(r, caller_sql, 3, params, caller_archived, p,
	    caller_page_free) == -1) {
		caller_live_only(r, p);
		caller_page_free(p);
	}
}

/* Reads a page of the caller's tickets for r (op_caller); see archive.h. */
void
caller_page(struct request *r, unsigned limit)
{
	const Hotline__CallerRequest *q = r->in->caller;
	struct store_args args = { 0 };
	struct caller_page *p;

	if (list_cursor_check(r, q->cursor) == -1)
		return;
	p = xcalloc(1, sizeof *p);
	p->limit = limit;
	p->cursor_at = -1;
	if (q->cursor[0] != '\0') {
		p->cursor_at = atoll(q->cursor);
		snprintf(p->cursor_number, sizeof p->cursor_number, "%s",
		    strchr(q->cursor, ':') + 1);
	}
	r->state = p;
	r->state_free = caller_page_free;
	store_args_addf(&args, KEY_CALLER, q->caller_phone);
	script_args_tickets(&args, "desc", limit, q->cursor);
	request_script(r, SCRIPT_TICKETS, 1, &args, caller_redis_done);
	store_args_free(&args);
}
