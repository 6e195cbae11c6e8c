/* Integration tests of department terminals: watch and resume, sign, reply, list, masking, isolation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct harness h;
static struct hl_client *agent;

HARNESS_FIXTURES(h, "agent01", agent)

/* Logs principal in and watches from cursor; returns the connection. */
static struct hl_client *
watcher(const char *principal, const char *cursor)
{
	return harness_watcher(&h, principal, cursor);
}

/* Returns c's next event, asserting its kind and ticket number. */
static Hotline__Envelope *
expect_event(struct hl_client *c, Hotline__EventKind kind, const char *number)
{
	Hotline__Envelope *ev = harness_event(c, HARNESS_CALL_MS);

	if (ev == NULL)
		fail_msg("no event (kind %d) for %s within %d ms", kind,
		    number, HARNESS_CALL_MS);
	assert_int_equal(ev->body_case, BODY(EVENT));
	assert_int_equal(ev->id, 0);
	if (ev->event->kind != kind || strcmp(ev->event->number, number) != 0)
		fail_msg("expected event kind %d for %s, got kind %d for %s",
		    kind, number, ev->event->kind, ev->event->number);
	assert_true(ev->event->id[0] != '\0');
	assert_true(ev->event->at > 0);
	assert_non_null(ev->event->ticket);
	assert_string_equal(ev->event->ticket->number, number);
	return ev;
}

/* Asserts that c gets no event within a short while. */
static void
expect_quiet(struct hl_client *c)
{
	Hotline__Envelope *ev = harness_event(c, 500);

	if (ev != NULL) {
		char number[32];

		snprintf(number, sizeof number, "%s", ev->event->number);
		hl_envelope_free(ev);
		fail_msg("unexpected event for %s", number);
	}
}

/* Returns the number of a CREATED envelope. */
static const char *
num(const Hotline__Envelope *made)
{
	return made->created->ticket->number;
}

/* A watching terminal receives a new ticket live, with the ticket in it. */
static void
test_watch_live(void **state)
{
	struct hl_client *w = watcher("water-01", "");
	Hotline__Envelope *made, *ev;
	const Hotline__Ticket *t;

	(void)state;
	made = harness_create(agent, "小区停水", "全小区停水，已经四个小时。");
	ev = expect_event(w, KIND(DISPATCHED), num(made));
	assert_string_equal(ev->event->actor, "agent01");
	t = ev->event->ticket;
	assert_int_equal(t->state, STATE(DISPATCHED));
	assert_non_null(t->lead_department);
	assert_string_equal(t->lead_department->id, "water");
	assert_string_equal(t->title, "小区停水");
	assert_string_equal(t->content, "全小区停水，已经四个小时。");
	/* Departments see 139****0001, not the number (tickets.mask_phones). */
	assert_int_equal(strlen(t->caller_phone),
	    strlen(made->created->ticket->caller_phone));
	assert_memory_equal(t->caller_phone, made->created->ticket->caller_phone,
	    3);
	assert_non_null(strstr(t->caller_phone, "****"));
	assert_string_equal(t->caller_phone + strlen(t->caller_phone) - 4,
	    made->created->ticket->caller_phone +
	    strlen(made->created->ticket->caller_phone) - 4);
	assert_string_equal(t->call_id, "");
	hl_envelope_free(ev);
	hl_envelope_free(made);
	hl_close(w);
}

/* Two terminals of one department both receive its events. */
static void
test_two_terminals(void **state)
{
	struct hl_client *a = watcher("zjj-01", "");
	struct hl_client *b = watcher("zjj-02", "");
	Hotline__Envelope *made;

	(void)state;
	made = harness_create(agent, "物业不作为", "物业三个月不处理电梯故障。");
	hl_envelope_free(expect_event(a, KIND(DISPATCHED), num(made)));
	hl_envelope_free(expect_event(b, KIND(DISPATCHED), num(made)));
	hl_envelope_free(made);
	hl_close(a);
	hl_close(b);
}

/* A terminal that reconnects with its cursor gets exactly what it missed, in order. */
static void
test_watch_resume_exact(void **state)
{
	struct hl_client *w = watcher("water-01", "");
	Hotline__Envelope *first, *ev, *missed[3], *other;
	char cursor[128];
	int i;

	(void)state;
	first = harness_create(agent, "小区停水", "停水，第一张。");
	ev = expect_event(w, KIND(DISPATCHED), num(first));
	snprintf(cursor, sizeof cursor, "%s", ev->event->id);
	hl_envelope_free(ev);
	hl_close(w);

	/* Offline: three for water, one for another department between them. */
	missed[0] = harness_create(agent, "小区停水", "停水，错过的第一张。");
	other = harness_create(agent, "物业不作为", "物业问题，不属于供水公司。");
	missed[1] = harness_create(agent, "水压低", "水压低，错过的第二张。");
	missed[2] = harness_create(agent, "小区停水", "停水，错过的第三张。");

	w = watcher("water-01", cursor);
	for (i = 0; i < 3; i++)
		hl_envelope_free(expect_event(w, KIND(DISPATCHED),
		    num(missed[i])));
	expect_quiet(w);
	/* And it carries on live. */
	hl_envelope_free(first);
	first = harness_create(agent, "小区停水", "停水，重连后的新工单。");
	hl_envelope_free(expect_event(w, KIND(DISPATCHED), num(first)));
	hl_envelope_free(first);
	hl_envelope_free(other);
	for (i = 0; i < 3; i++)
		hl_envelope_free(missed[i]);
	hl_close(w);
}

/* Cursor "0" replays everything retained, oldest first, only this department's. */
static void
test_watch_from_zero(void **state)
{
	Hotline__Envelope *made, *ev;
	struct hl_client *w;
	char last[128] = "";
	int n, found = 0;

	(void)state;
	made = harness_create(agent, "噪音扰民", "工地夜间施工噪音。");
	w = watcher("sthjj-01", "0");
	for (n = 0; n < 10000 && !found; n++) {
		ev = harness_event(w, HARNESS_CALL_MS);
		if (ev == NULL)
			fail_msg("replay from 0 ended after %d events without %s",
			    n, num(made));
		assert_string_equal(ev->event->ticket->lead_department->id,
		    "sthjj");
		/* Stream ids grow: "ms-seq", compared as numbers. */
		if (last[0] != '\0') {
			unsigned long long a1, a2, b1, b2;

			assert_int_equal(sscanf(last, "%llu-%llu", &a1, &a2), 2);
			assert_int_equal(sscanf(ev->event->id, "%llu-%llu",
			    &b1, &b2), 2);
			assert_true(b1 > a1 || (b1 == a1 && b2 > a2));
		}
		snprintf(last, sizeof last, "%s", ev->event->id);
		found = strcmp(ev->event->number, num(made)) == 0;
		hl_envelope_free(ev);
	}
	assert_true(found);
	hl_envelope_free(made);
	hl_close(w);
}

/* Asserts that ticket number's history is create, dispatch, sign, reply (by zjj-01). */
static void
assert_full_history(const char *number)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = harness_show(agent, number, &err);
	assert_reply(rep, err);
	t = rep->ticket->ticket;
	assert_int_equal(t->n_history, 4);
	assert_string_equal(t->history[0]->action, "create");
	assert_string_equal(t->history[0]->principal, "agent01");
	assert_string_equal(t->history[1]->action, "dispatch");
	assert_int_equal(t->history[1]->to_state, STATE(DISPATCHED));
	assert_string_equal(t->history[2]->action, "sign");
	assert_string_equal(t->history[2]->principal, "zjj-01");
	assert_int_equal(t->history[2]->role, ROLE(DEPARTMENT));
	assert_int_equal(t->history[2]->from_state, STATE(DISPATCHED));
	assert_int_equal(t->history[2]->to_state, STATE(ACCEPTED));
	assert_string_equal(t->history[3]->action, "reply");
	assert_string_equal(t->history[3]->principal, "zjj-01");
	assert_int_equal(t->history[3]->from_state, STATE(ACCEPTED));
	assert_int_equal(t->history[3]->to_state, STATE(REPLIED));
	assert_true(t->history[3]->at >= t->history[0]->at);
	hl_envelope_free(rep);
}

/* Sign then reply: states, conflicts, events and the history in order. */
static void
test_sign_reply_flow(void **state)
{
	struct hl_client *w = watcher("zjj-02", "");
	struct hl_client *d = harness_login(&h, "zjj-01");
	Hotline__Envelope *made, *rep, *ev;
	const Hotline__Ticket *t;
	struct hl_error err;
	const char *n;

	(void)state;
	assert_non_null(d);
	made = harness_create(agent, "电梯故障", "电梯故障困人，物业电话打不通。");
	n = num(made);
	hl_envelope_free(expect_event(w, KIND(DISPATCHED), n));

	rep = harness_sign(d, n, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(TICKET));
	assert_int_equal(rep->ticket->ticket->state, STATE(ACCEPTED));
	hl_envelope_free(rep);
	rep = harness_sign(d, n, &err);
	assert_error(rep, err, ERR(CONFLICT));
	assert_int_equal(err.state, STATE(ACCEPTED));

	rep = harness_reply(d, n, "已联系物业，电梯已修复。", &err);
	assert_reply(rep, err);
	t = rep->ticket->ticket;
	assert_int_equal(t->state, STATE(REPLIED));
	assert_string_equal(t->reply_result, "已联系物业，电梯已修复。");
	assert_true(t->solved);
	hl_envelope_free(rep);
	rep = harness_reply(d, n, "再次回复。", &err);
	assert_error(rep, err, ERR(CONFLICT));
	assert_int_equal(err.state, STATE(REPLIED));
	rep = harness_sign(d, n, &err);
	assert_error(rep, err, ERR(CONFLICT));
	assert_int_equal(err.state, STATE(REPLIED));

	ev = expect_event(w, KIND(SIGNED), n);
	assert_string_equal(ev->event->actor, "zjj-01");
	assert_int_equal(ev->event->ticket->state, STATE(ACCEPTED));
	hl_envelope_free(ev);
	ev = expect_event(w, KIND(REPLIED), n);
	assert_string_equal(ev->event->actor, "zjj-01");
	assert_int_equal(ev->event->ticket->state, STATE(REPLIED));
	hl_envelope_free(ev);

	assert_full_history(n);
	hl_envelope_free(made);
	hl_close(d);
	hl_close(w);
}

/* Reply before sign is a CONFLICT; a reply without result is a BAD_REQUEST. */
static void
test_reply_rules(void **state)
{
	struct hl_client *d = harness_login(&h, "zjj-01");
	Hotline__Envelope *made, *rep;
	struct hl_error err;

	(void)state;
	assert_non_null(d);
	made = harness_create(agent, "物业收费", "物业乱收费。");
	rep = harness_reply(d, num(made), "已处理。", &err);
	assert_error(rep, err, ERR(CONFLICT));
	assert_int_equal(err.state, STATE(DISPATCHED));
	rep = harness_sign(d, num(made), &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	rep = harness_reply(d, num(made), "", &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "result");
	rep = harness_show(d, num(made), &err);
	assert_reply(rep, err);
	assert_int_equal(rep->ticket->ticket->state, STATE(ACCEPTED));
	hl_envelope_free(rep);
	hl_envelope_free(made);
	hl_close(d);
}

/* A department can't show, sign or reply to another's ticket, nor a triaged one: NOT_FOUND, as if missing. */
static void
test_other_department_forbidden(void **state)
{
	struct hl_client *d = harness_login(&h, "zjj-01");
	Hotline__Envelope *water, *triage, *rep;
	struct hl_error err;

	(void)state;
	assert_non_null(d);
	water = harness_create(agent, "小区停水", "停水，归供水公司。");
	triage = harness_create(agent, "楼上漏水", "漏水，尚未派单。");
	assert_int_equal(triage->created->ticket->state, STATE(TRIAGE));

	rep = harness_show(d, num(water), &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	rep = harness_sign(d, num(water), &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	rep = harness_reply(d, num(water), "越权回复。", &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	rep = harness_show(d, num(triage), &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	rep = harness_sign(d, num(triage), &err);
	assert_error(rep, err, ERR(NOT_FOUND));

	/* Nothing changed. */
	rep = harness_show(agent, num(water), &err);
	assert_reply(rep, err);
	assert_int_equal(rep->ticket->ticket->state, STATE(DISPATCHED));
	assert_int_equal(rep->ticket->ticket->n_history, 2);
	hl_envelope_free(rep);
	hl_envelope_free(water);
	hl_envelope_free(triage);
	hl_close(d);
}

/* Unknown ticket numbers are NOT_FOUND for departments too. */
static void
test_unknown_number(void **state)
{
	struct hl_client *d = harness_login(&h, "water-01");
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	assert_non_null(d);
	rep = harness_show(d, "20000101999999", &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	rep = harness_sign(d, "20000101999999", &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	rep = harness_reply(d, "20000101999999", "结果。", &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	hl_close(d);
}

/* List gives the department's dispatched and accepted tickets, oldest first. */
static void
test_list_open(void **state)
{
	struct hl_client *c = harness_login(&h, "sthjj-01");
	Hotline__Envelope *a, *b, *done, *other, *rep;
	const Hotline__TicketList *l;
	struct hl_error err;
	size_t i, ia = SIZE_MAX, ib = SIZE_MAX;

	(void)state;
	assert_non_null(c);
	a = harness_create(agent, "噪音扰民", "广场舞噪音，第一张。");
	b = harness_create(agent, "噪声污染", "工厂噪声，第二张。");
	done = harness_create(agent, "噪音扰民", "酒吧噪音，第三张。");
	other = harness_create(agent, "占道经营", "占道经营，城管的。");
	rep = harness_sign(c, num(b), &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	rep = harness_sign(c, num(done), &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	rep = harness_reply(c, num(done), "已责令整改。", &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);

	rep = harness_list(c, 0, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(TICKETS));
	l = rep->tickets;
	for (i = 0; i < l->n_tickets; i++) {
		const Hotline__Ticket *t = l->tickets[i];

		assert_string_equal(t->lead_department->id, "sthjj");
		assert_true(t->state == STATE(DISPATCHED) ||
		    t->state == STATE(ACCEPTED));
		assert_string_not_equal(t->number, num(done));
		assert_string_not_equal(t->number, num(other));
		if (i > 0)
			assert_true(t->created_at >=
			    l->tickets[i - 1]->created_at);
		if (strcmp(t->number, num(a)) == 0)
			ia = i;
		if (strcmp(t->number, num(b)) == 0) {
			ib = i;
			assert_int_equal(t->state, STATE(ACCEPTED));
		}
	}
	assert_true(ia != SIZE_MAX && ib != SIZE_MAX && ia < ib);
	assert_int_equal(l->tickets[ia]->state, STATE(DISPATCHED));
	hl_envelope_free(rep);

	rep = harness_list(c, 1, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->tickets->n_tickets, 1);
	assert_true(rep->tickets->truncated);
	hl_envelope_free(rep);
	hl_envelope_free(a);
	hl_envelope_free(b);
	hl_envelope_free(done);
	hl_envelope_free(other);
	hl_close(c);
}

/* Asserts that t hides the caller's identity. */
static void
assert_masked(const Hotline__Ticket *t)
{
	assert_true(t->confidential);
	assert_string_equal(t->caller_phone, "");	/* 保密: blank */
	assert_string_equal(t->caller_name, "");
	assert_string_equal(t->call_id, "");
}

/* A confidential caller is masked in every department view, not for agents. */
static void
test_confidential_masked(void **state)
{
	struct hl_client *w = watcher("water-01", "");
	Hotline__CreateRequest req;
	Hotline__Envelope *made, *ev, *rep, *plain;
	const Hotline__TicketList *l;
	struct hl_error err;
	char call_id[64], phone[32];
	size_t i;
	int listed = 0;

	(void)state;
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "小区停水", "保密：举报停水原因。");
	req.confidential = 1;
	req.caller_name = "王女士";
	made = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(made, err);

	ev = expect_event(w, KIND(DISPATCHED), num(made));
	assert_masked(ev->event->ticket);
	assert_string_equal(ev->event->ticket->content, "保密：举报停水原因。");
	hl_envelope_free(ev);
	rep = harness_show(w, num(made), &err);
	assert_reply(rep, err);
	assert_masked(rep->ticket->ticket);
	hl_envelope_free(rep);
	rep = harness_list(w, 1000, &err);
	assert_reply(rep, err);
	l = rep->tickets;
	for (i = 0; i < l->n_tickets; i++)
		if (strcmp(l->tickets[i]->number, num(made)) == 0) {
			assert_masked(l->tickets[i]);
			listed = 1;
		}
	assert_true(listed);
	hl_envelope_free(rep);
	rep = harness_sign(w, num(made), &err);
	assert_reply(rep, err);
	assert_masked(rep->ticket->ticket);
	hl_envelope_free(rep);

	rep = harness_show(agent, num(made), &err);
	assert_reply(rep, err);
	assert_string_equal(rep->ticket->ticket->caller_phone, phone);
	assert_string_equal(rep->ticket->ticket->caller_name, "王女士");
	hl_envelope_free(rep);

	/* A caller who is not confidential is named; the phone stays masked. */
	plain = harness_create(agent, "小区停水", "普通来电。");
	rep = harness_show(w, num(plain), &err);
	assert_reply(rep, err);
	assert_false(rep->ticket->ticket->confidential);
	assert_non_null(strstr(rep->ticket->ticket->caller_phone, "****"));
	assert_string_equal(rep->ticket->ticket->caller_name, "张先生");
	hl_envelope_free(rep);
	hl_envelope_free(plain);
	hl_envelope_free(made);
	hl_close(w);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch_live),
		cmocka_unit_test(test_two_terminals),
		cmocka_unit_test(test_watch_resume_exact),
		cmocka_unit_test(test_watch_from_zero),
		cmocka_unit_test(test_sign_reply_flow),
		cmocka_unit_test(test_reply_rules),
		cmocka_unit_test(test_other_department_forbidden),
		cmocka_unit_test(test_unknown_number),
		cmocka_unit_test(test_list_open),
		cmocka_unit_test(test_confidential_masked),
	};

	harness_filter();
	return cmocka_run_group_tests_name("department", tests, setup, teardown);
}
