/* Integration tests of the agent's operations: classify, create, idempotency, validation, caller, show. */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

static struct harness h;
static struct hl_client *agent;

HARNESS_FIXTURES(h, "agent01", agent)

/* Classifies a text in district and returns the CLASSIFIED answer. */
static Hotline__Envelope *
classify(const char *title, const char *content, const char *district)
{
	return harness_classify(agent, title, content, district);
}

/* Returns the suggestion for department id in r, or NULL. */
static const Hotline__Suggestion *
suggestion_for(const Hotline__Routing *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n_suggestions; i++)
		if (r->suggestions[i]->department != NULL &&
		    strcmp(r->suggestions[i]->department->id, id) == 0)
			return r->suggestions[i];
	return NULL;
}

/* Asserts that a ticket number is 14 digits starting with Shanghai's date. */
static void
assert_number_format(const char *number, const char *before,
    const char *after)
{
	size_t i;

	assert_int_equal(strlen(number), 14);
	for (i = 0; i < 14; i++)
		if (!isdigit((unsigned char)number[i]))
			fail_msg("ticket number %s is not all digits", number);
	if (strncmp(number, before, 8) != 0 && strncmp(number, after, 8) != 0)
		fail_msg("ticket number %s does not start with %s", number,
		    before);
}

/* A text with one strong keyword is routed confidently to its department. */
static void
test_classify_confident(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Routing *r;
	const Hotline__Suggestion *s;
	size_t i;
	int seen = 0;

	(void)state;
	rep = classify("小区停水", "从早上八点开始一直停水，没有任何通知。", "鼓楼区");
	r = rep->classified->routing;
	assert_true(r->n_suggestions >= 1);
	s = r->suggestions[0];
	assert_string_equal(s->department->id, "water");
	assert_string_equal(s->department->name, "供水公司");
	assert_string_equal(s->category, "110101");
	assert_string_equal(s->category_name, "公用事业/供水/停水与水压");
	/* weight 5, matched in the title: counted twice */
	assert_true(fabs(s->score - 10.0) < 1e-9);
	for (i = 0; i < s->n_matched; i++)
		if (strcmp(s->matched[i], "停水") == 0)
			seen = 1;
	assert_true(seen);
	/* 10 / (10 + prior 1) */
	assert_true(fabs(r->confidence - 10.0 / 11.0) < 1e-6);
	assert_true(r->auto_dispatch);
	hl_envelope_free(rep);
}

/* A keyword two departments share gives low confidence and no auto-dispatch. */
static void
test_classify_ambiguous(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Routing *r;
	const Hotline__Suggestion *zjj, *water;

	(void)state;
	rep = classify("楼上漏水", "卫生间漏水渗到我家天花板。", "鼓楼区");
	r = rep->classified->routing;
	assert_int_equal(r->n_suggestions, 2);
	zjj = suggestion_for(r, "zjj");
	water = suggestion_for(r, "water");
	assert_non_null(zjj);
	assert_non_null(water);
	/* each weight 2, matched in the title: counted twice */
	assert_true(fabs(zjj->score - 4.0) < 1e-9);
	assert_true(fabs(water->score - 4.0) < 1e-9);
	/* 4 / (4 + 4 + prior 1) */
	assert_true(fabs(r->confidence - 4.0 / 9.0) < 1e-6);
	assert_false(r->auto_dispatch);
	hl_envelope_free(rep);
}

/* A district-bound entry counts only in its district; no keyword, no suggestion. */
static void
test_classify_district_and_none(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Routing *r;

	(void)state;
	rep = classify("路灯不亮", "小区门口的路灯坏了一个月。", "鼓楼区");
	r = rep->classified->routing;
	assert_true(r->n_suggestions >= 1);
	assert_string_equal(r->suggestions[0]->department->id, "cgj");
	assert_true(r->auto_dispatch);
	hl_envelope_free(rep);

	rep = classify("路灯不亮", "小区门口的路灯坏了一个月。", "台江区");
	r = rep->classified->routing;
	assert_int_equal(r->n_suggestions, 0);
	assert_false(r->auto_dispatch);
	assert_true(r->confidence < 1e-9);
	hl_envelope_free(rep);

	rep = classify("咨询办事时间", "请问周六上午能办理户口迁移吗？", "");
	r = rep->classified->routing;
	assert_int_equal(r->n_suggestions, 0);
	assert_false(r->auto_dispatch);
	hl_envelope_free(rep);
}

/* A confident create is dispatched, with every field as given. */
static void
test_create_dispatched(void **state)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;
	char call_id[64], phone[32], before[9], after[9];
	int64_t now_ms = (int64_t)time(NULL) * 1000;

	(void)state;
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "小区停水",
	    "从早上八点开始一直停水，家里有老人。");
	req.urgency = HOTLINE__URGENCY__URGENCY_URGENT;
	req.channel = HOTLINE__CHANNEL__CHANNEL_WECHAT;
	harness_shanghai_date(before);
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	harness_shanghai_date(after);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(CREATED));
	assert_false(rep->created->duplicate);
	assert_non_null(rep->created->routing);
	assert_true(rep->created->routing->auto_dispatch);
	t = rep->created->ticket;
	assert_number_format(t->number, before, after);
	assert_int_equal(t->state, STATE(DISPATCHED));
	assert_non_null(t->lead_department);
	assert_string_equal(t->lead_department->id, "water");
	assert_string_equal(t->lead_department->name, "供水公司");
	/* The minor class's code: what the statistics count by. */
	assert_string_equal(t->category, "110101");
	assert_string_equal(t->category_name, "公用事业/供水/停水与水压");
	/* Stored with a few decimals. */
	assert_true(fabs(t->confidence - 10.0 / 11.0) < 1e-3);
	assert_string_equal(t->call_id, call_id);
	assert_string_equal(t->caller_phone, phone);
	assert_string_equal(t->caller_name, "张先生");
	assert_false(t->confidential);
	assert_string_equal(t->district, "鼓楼区");
	assert_string_equal(t->street, "东街街道");
	assert_string_equal(t->address, "八一七北路 100 号");
	assert_string_equal(t->title, "小区停水");
	assert_string_equal(t->content, "从早上八点开始一直停水，家里有老人。");
	assert_int_equal(t->type, HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT);
	assert_int_equal(t->urgency, HOTLINE__URGENCY__URGENCY_URGENT);
	assert_int_equal(t->channel, HOTLINE__CHANNEL__CHANNEL_WECHAT);
	assert_string_equal(t->created_by, "agent01");
	/* Generous bounds: the daemon's clock is this machine's. */
	assert_true(t->created_at > now_ms - 60000);
	assert_true(t->created_at < now_ms + 60000);
	assert_true(harness_redis_count_keys(&h, t->number) >= 1);
	hl_envelope_free(rep);
}

/* Watches dept as principal and returns the connection. */
static struct hl_client *
watcher(const char *principal)
{
	struct hl_client *c = harness_login(&h, principal);
	Hotline__Envelope *rep;
	struct hl_error err;

	assert_non_null(c);
	rep = harness_watch(c, "", &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(WATCHING));
	hl_envelope_free(rep);
	return c;
}

/* Asserts that c's next event is a DISPATCHED event for number. */
static void
assert_next_event(struct hl_client *c, const char *number)
{
	Hotline__Envelope *ev = harness_event(c, HARNESS_CALL_MS);

	if (ev == NULL)
		fail_msg("no event for %s within %d ms", number,
		    HARNESS_CALL_MS);
	assert_int_equal(ev->body_case, BODY(EVENT));
	assert_int_equal(ev->event->kind, KIND(DISPATCHED));
	assert_string_equal(ev->event->number, number);
	hl_envelope_free(ev);
}

/* A low-confidence text goes to triage and no department hears of it. */
static void
test_create_triage_no_event(void **state)
{
	struct hl_client *water = watcher("water-01");
	struct hl_client *zjj = watcher("zjj-01");
	Hotline__Envelope *tri, *w, *z;
	const Hotline__Ticket *t;

	(void)state;
	tri = harness_create(agent, "楼上漏水", "卫生间漏水渗到我家天花板。");
	t = tri->created->ticket;
	assert_int_equal(t->state, STATE(TRIAGE));
	assert_true(t->lead_department == NULL ||
	    t->lead_department->id[0] == '\0');
	assert_false(tri->created->routing != NULL &&
	    tri->created->routing->auto_dispatch);
	/* Events are in order: the next ones must be these, not the triaged one. */
	w = harness_create(agent, "小区停水", "整栋楼停水。");
	z = harness_create(agent, "物业不作为", "物业不处理电梯问题。");
	assert_next_event(water, w->created->ticket->number);
	assert_next_event(zjj, z->created->ticket->number);
	hl_envelope_free(tri);
	hl_envelope_free(w);
	hl_envelope_free(z);
	hl_close(water);
	hl_close(zjj);
}

/*
 * A call id an earlier version remembered (a key of its own, ht:callid:<id>,
 * before the hashes of callids.lua) still makes a retry a duplicate.
 */
static void
test_create_idempotent_earlier_key(void **state)
{
	redisContext *rc = harness_redis(&h);
	Hotline__CreateRequest req;
	Hotline__Envelope *first, *again;
	struct hl_error err;
	char call_id[64], phone[32];
	redisReply *r;

	(void)state;
	first = harness_create(agent, "小区停水", "停水一整天了。");
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "小区停水", "停水一整天了。");
	r = redisCommand(rc, "SET ht:callid:%s %s", call_id,
	    first->created->ticket->number);
	assert_non_null(r);
	freeReplyObject(r);
	redisFree(rc);
	again = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(again, err);
	assert_true(again->created->duplicate);
	assert_string_equal(again->created->ticket->number,
	    first->created->ticket->number);
	hl_envelope_free(first);
	hl_envelope_free(again);
}

/* The same call id twice makes one ticket and one event. */
static void
test_create_idempotent(void **state)
{
	struct hl_client *water = watcher("water-01");
	struct hl_client *other = harness_login(&h, "agent02");
	Hotline__CreateRequest req;
	Hotline__Envelope *first, *again, *third, *next;
	struct hl_error err;
	char call_id[64], phone[32];

	(void)state;
	assert_non_null(other);
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "小区停水", "停水一整天了。");
	first = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(first, err);
	assert_false(first->created->duplicate);
	again = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(again, err);
	assert_true(again->created->duplicate);
	assert_string_equal(again->created->ticket->number,
	    first->created->ticket->number);
	assert_string_equal(again->created->ticket->title, "小区停水");
	/* Another agent with the same call id, other text: still the first ticket. */
	req.title = "其他标题";
	req.content = "水压低。";
	third = harness_call(other, BODY(CREATE), &req, &err);
	assert_reply(third, err);
	assert_true(third->created->duplicate);
	assert_string_equal(third->created->ticket->number,
	    first->created->ticket->number);
	assert_string_equal(third->created->ticket->title, "小区停水");

	next = harness_create(agent, "小区停水", "又停水了。");
	assert_next_event(water, first->created->ticket->number);
	assert_next_event(water, next->created->ticket->number);
	hl_envelope_free(first);
	hl_envelope_free(again);
	hl_envelope_free(third);
	hl_envelope_free(next);
	hl_close(water);
	hl_close(other);
}

/* Sends req and asserts BAD_REQUEST naming field. */
static void
expect_bad_field(Hotline__CreateRequest *req, const char *field)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_call(agent, BODY(CREATE), req, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	if (strcmp(err.field, field) != 0)
		fail_msg("expected field \"%s\", got \"%s\" (%s)", field,
		    err.field, err.message);
}

/* Each required create field missing is a BAD_REQUEST naming it. */
static void
test_create_missing_fields(void **state)
{
	const char *fields[] = { "call_id", "caller_phone", "title",
	    "content", "type" };
	Hotline__CreateRequest req;
	struct hl_error err;
	char call_id[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		harness_create_init(&req, call_id, sizeof call_id,
		    "13900001111", "小区停水", "停水了。");
		if (i == 0)
			req.call_id = "";
		else if (i == 1)
			req.caller_phone = "";
		else if (i == 2)
			req.title = "";
		else if (i == 3)
			req.content = "";
		else
			req.type = HOTLINE__TICKET_TYPE__TICKET_TYPE_UNSPECIFIED;
		expect_bad_field(&req, fields[i]);
	}
	assert_int_equal(harness_ping(agent, &err), 1);
}

/* Invalid UTF-8 in any string field is a BAD_REQUEST naming the field. */
static void
test_create_invalid_utf8(void **state)
{
	Hotline__CreateRequest req;
	struct hl_error err;
	char call_id[64];

	(void)state;
	/* A truncated three-byte sequence. */
	harness_create_init(&req, call_id, sizeof call_id, "13900002222",
	    "停\xe6\xb0", "停水了。");
	expect_bad_field(&req, "title");
	/* An overlong encoding of '/'. */
	harness_create_init(&req, call_id, sizeof call_id, "13900002222",
	    "小区停水", "停水\xc0\xaf");
	expect_bad_field(&req, "content");
	/* A UTF-16 surrogate encoded as UTF-8. */
	harness_create_init(&req, call_id, sizeof call_id, "13900002222",
	    "小区停水", "停水了。");
	req.caller_name = "\xed\xa0\x80";
	expect_bad_field(&req, "caller_name");
	assert_int_equal(harness_ping(agent, &err), 1);
}

/* A string over limits.max_field bytes is refused naming it; one at the limit is taken. */
static void
test_field_limit(void **state)
{
	Hotline__ClassifyRequest cl = HOTLINE__CLASSIFY_REQUEST__INIT;
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char call_id[64], *big;

	(void)state;
	assert_non_null(big = malloc(HARNESS_MAX_FIELD + 2));
	memset(big, 'a', HARNESS_MAX_FIELD + 1);
	big[HARNESS_MAX_FIELD + 1] = '\0';
	harness_create_init(&req, call_id, sizeof call_id, "13900003333",
	    "小区停水", big);
	expect_bad_field(&req, "content");
	cl.title = "小区停水";
	cl.content = big;
	rep = harness_call(agent, BODY(CLASSIFY), &cl, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "content");

	big[HARNESS_MAX_FIELD] = '\0';
	rep = harness_call(agent, BODY(CLASSIFY), &cl, &err);
	assert_reply(rep, err);
	assert_string_equal(
	    rep->classified->routing->suggestions[0]->department->id, "water");
	hl_envelope_free(rep);
	free(big);
}

/* Looks up caller phone with limit; returns the TICKETS answer. */
static Hotline__Envelope *
caller_lookup(const char *phone, uint32_t limit)
{
	Hotline__CallerRequest req = HOTLINE__CALLER_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;

	req.caller_phone = (char *)phone;
	req.limit = limit;
	rep = harness_call(agent, BODY(CALLER), &req, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(TICKETS));
	return rep;
}

/* A caller's tickets come back newest first, only theirs, limited. */
static void
test_caller_lookup(void **state)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *made[3], *rep, *noise;
	const Hotline__TicketList *l;
	struct hl_error err;
	char call_id[64], phone[32];
	int i;

	(void)state;
	harness_phone(phone, sizeof phone);
	for (i = 0; i < 3; i++) {
		harness_create_init(&req, call_id, sizeof call_id, phone,
		    i == 1 ? "楼上漏水" : "小区停水", "反复来电：停水。");
		made[i] = harness_call(agent, BODY(CREATE), &req, &err);
		assert_reply(made[i], err);
	}
	noise = harness_create(agent, "小区停水", "别人的来电。");

	rep = caller_lookup(phone, 0);
	l = rep->tickets;
	assert_int_equal(l->n_tickets, 3);
	assert_false(l->truncated);
	for (i = 0; i < 3; i++) {
		assert_string_equal(l->tickets[i]->number,
		    made[2 - i]->created->ticket->number);
		assert_string_equal(l->tickets[i]->caller_phone, phone);
	}
	hl_envelope_free(rep);

	rep = caller_lookup(phone, 2);
	l = rep->tickets;
	assert_int_equal(l->n_tickets, 2);
	assert_true(l->truncated);
	assert_string_equal(l->tickets[0]->number,
	    made[2]->created->ticket->number);
	assert_string_equal(l->tickets[1]->number,
	    made[1]->created->ticket->number);
	hl_envelope_free(rep);

	rep = caller_lookup("13000000000", 0);
	assert_int_equal(rep->tickets->n_tickets, 0);
	hl_envelope_free(rep);
	for (i = 0; i < 3; i++)
		hl_envelope_free(made[i]);
	hl_envelope_free(noise);
}

/* Asserts history entry e's action and states. */
static void
assert_entry(const Hotline__HistoryEntry *e, const char *action,
    Hotline__TicketState to)
{
	assert_string_equal(e->action, action);
	assert_int_equal(e->to_state, to);
	assert_true(e->at > 0);
}

/* Show returns the ticket with its history; unknown numbers are NOT_FOUND. */
static void
test_show(void **state)
{
	Hotline__Envelope *d, *t, *rep;
	const Hotline__Ticket *tk;
	struct hl_error err;

	(void)state;
	d = harness_create(agent, "小区停水", "停水三小时。");
	rep = harness_show(agent, d->created->ticket->number, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(TICKET));
	tk = rep->ticket->ticket;
	assert_string_equal(tk->number, d->created->ticket->number);
	assert_int_equal(tk->state, STATE(DISPATCHED));
	assert_int_equal(tk->n_history, 2);
	assert_string_equal(tk->history[0]->action, "create");
	assert_string_equal(tk->history[0]->principal, "agent01");
	assert_entry(tk->history[1], "dispatch", STATE(DISPATCHED));
	assert_string_equal(tk->history[1]->department, "water");
	hl_envelope_free(rep);

	t = harness_create(agent, "楼上漏水", "漏水很严重。");
	rep = harness_show(agent, t->created->ticket->number, &err);
	assert_reply(rep, err);
	tk = rep->ticket->ticket;
	assert_int_equal(tk->state, STATE(TRIAGE));
	assert_int_equal(tk->n_history, 2);
	assert_string_equal(tk->history[0]->action, "create");
	assert_entry(tk->history[1], "triage", STATE(TRIAGE));
	hl_envelope_free(rep);

	rep = harness_show(agent, "20000101999999", &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	rep = harness_show(agent, "no-such-ticket", &err);
	assert_true(rep == NULL && (err.code == ERR(NOT_FOUND) ||
	    err.code == ERR(BAD_REQUEST)));
	hl_envelope_free(d);
	hl_envelope_free(t);
}

/* Agents see a confidential caller's identity (only departments don't). */
static void
test_confidential_visible_to_agent(void **state)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *made, *rep;
	struct hl_error err;
	char call_id[64], phone[32];

	(void)state;
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "小区停水", "保密来电：停水。");
	req.confidential = 1;
	req.caller_name = "李女士";
	made = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(made, err);
	assert_true(made->created->ticket->confidential);
	assert_string_equal(made->created->ticket->caller_phone, phone);
	rep = harness_show(agent, made->created->ticket->number, &err);
	assert_reply(rep, err);
	assert_true(rep->ticket->ticket->confidential);
	assert_string_equal(rep->ticket->ticket->caller_phone, phone);
	assert_string_equal(rep->ticket->ticket->caller_name, "李女士");
	hl_envelope_free(rep);
	hl_envelope_free(made);
}

/* Numbers made one after another are distinct and their sequence grows. */
static void
test_numbers_sequence(void **state)
{
	char numbers[20][16], before[9], after[9];
	int i;

	(void)state;
	for (i = 0; i < 20; i++) {
		Hotline__Envelope *rep;

		harness_shanghai_date(before);
		rep = harness_create(agent, "咨询", "请问社保卡怎么补办？");
		harness_shanghai_date(after);
		assert_number_format(rep->created->ticket->number, before,
		    after);
		snprintf(numbers[i], sizeof numbers[i], "%s",
		    rep->created->ticket->number);
		hl_envelope_free(rep);
		if (i > 0 && strncmp(numbers[i], numbers[i - 1], 8) == 0 &&
		    strcmp(numbers[i], numbers[i - 1]) <= 0)
			fail_msg("number %s after %s", numbers[i],
			    numbers[i - 1]);
	}
}

/* The TCP listener serves the same protocol as the unix socket. */
static void
test_tcp_listener(void **state)
{
	char addr[64];
	struct hl_client *c;
	Hotline__Envelope *made, *rep;
	struct hl_error err;

	(void)state;
	c = harness_login_at(harness_tcp_address(&h.main, addr, sizeof addr),
	    "agent02");
	assert_non_null(c);
	assert_int_equal(harness_ping(c, &err), 1);
	made = harness_create(c, "小区停水", "通过 TCP 登记的停水工单。");
	assert_string_equal(made->created->ticket->created_by, "agent02");
	rep = harness_show(agent, made->created->ticket->number, &err);
	assert_reply(rep, err);
	assert_string_equal(rep->ticket->ticket->content,
	    "通过 TCP 登记的停水工单。");
	hl_envelope_free(rep);
	hl_envelope_free(made);
	hl_close(c);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_confident),
		cmocka_unit_test(test_classify_ambiguous),
		cmocka_unit_test(test_classify_district_and_none),
		cmocka_unit_test(test_create_dispatched),
		cmocka_unit_test(test_create_triage_no_event),
		cmocka_unit_test(test_create_idempotent),
		cmocka_unit_test(test_create_idempotent_earlier_key),
		cmocka_unit_test(test_create_missing_fields),
		cmocka_unit_test(test_create_invalid_utf8),
		cmocka_unit_test(test_field_limit),
		cmocka_unit_test(test_caller_lookup),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_confidential_visible_to_agent),
		cmocka_unit_test(test_numbers_sequence),
		cmocka_unit_test(test_tcp_listener),
	};

	harness_filter();
	return cmocka_run_group_tests_name("intake", tests, setup, teardown);
}
