/* Integration tests of the whole ticket life cycle: every path, with history, feeds, privacy and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* How long a step's event may take; how long "no event" is watched for. */
#define EVENT_MS 3000
#define QUIET_MS 300

#define RESULT(x) HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_##x
#define CLOSURE(x) HOTLINE__CLOSURE__CLOSURE_##x
#define TRIAGE(x) HOTLINE__TRIAGE_REASON__TRIAGE_REASON_##x

/*
 * The feeds a test watches: one per department with a principal, the
 * centre's, the supervisors'.
 */
enum feed { FEED_ZJJ, FEED_WATER, FEED_STHJJ, FEED_CENTRE, FEED_SUPERVISION,
	NFEEDS };

/* Each feed is watched by a terminal that does not act, so it sees what others do. */
static const char *const feed_principal[NFEEDS] = { "zjj-02", "water-01",
	"sthjj-01", "dispatcher01", "supervisor01" };

/* A department of the test city and the terminal that acts for it. */
struct dept {
	const char *id;
	const char *principal;
	enum feed feed;
	struct hl_client *c;
};

/* A ticket a test walks, and how many of its history entries were checked. */
struct tk {
	char number[32];
	size_t nhist;
};

static struct harness h;
static struct hl_client *agent, *disp, *sup;
static struct dept dzjj = { "zjj", "zjj-01", FEED_ZJJ, NULL };
static struct dept dwater = { "water", "water-01", FEED_WATER, NULL };
static struct dept dsthjj = { "sthjj", "sthjj-01", FEED_STHJJ, NULL };
static struct hl_client *feeds[NFEEDS];

/* Closes the watching terminals of the last test. */
static void
feeds_close(void)
{
	int i;

	for (i = 0; i < NFEEDS; i++) {
		if (feeds[i] != NULL)
			hl_close(feeds[i]);
		feeds[i] = NULL;
	}
}

/* Closes every actor's connection (NULL ones too). */
static void
actors_close(void)
{
	struct hl_client **const c[] = { &disp, &sup, &dzjj.c, &dwater.c,
	    &dsthjj.c };

	harness_close_each(c, sizeof c / sizeof c[0]);
}

/* Starts the servers and logs in one acting terminal per principal. */
static int
setup(void **state)
{
	(void)state;
	if (harness_group_start(&h, "agent01", &agent) == -1)
		return -1;
	disp = harness_login(&h, "dispatcher01");
	sup = harness_login(&h, "supervisor01");
	dzjj.c = harness_login(&h, dzjj.principal);
	dwater.c = harness_login(&h, dwater.principal);
	dsthjj.c = harness_login(&h, dsthjj.principal);
	if (disp != NULL && sup != NULL && dzjj.c != NULL && dwater.c != NULL &&
	    dsthjj.c != NULL)
		return 0;
	actors_close();
	harness_group_stop(&h, agent);
	return -1;
}

/* Closes every connection and stops the servers. */
static int
teardown(void **state)
{
	(void)state;
	feeds_close();
	actors_close();
	return harness_group_stop(&h, agent);
}

/* Opens a watching terminal on every feed, seeing only what happens from now on. */
static void
feeds_open(void)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	int i;

	feeds_close();
	for (i = 0; i < NFEEDS; i++) {
		feeds[i] = harness_login(&h, feed_principal[i]);
		assert_non_null(feeds[i]);
		rep = harness_watch(feeds[i], "", &err);
		assert_reply(rep, err);
		assert_int_equal(rep->body_case, BODY(WATCHING));
		assert_false(rep->watching->relist);
		hl_envelope_free(rep);
	}
}

/* Asserts that an event's ticket is as f's role may see it: masked for departments. */
static void
assert_view(enum feed f, const Hotline__Ticket *t)
{
	if (f == FEED_CENTRE || f == FEED_SUPERVISION) {
		assert_string_not_equal(t->call_id, "");
		assert_null(strchr(t->caller_phone, '*'));
		return;
	}
	assert_string_equal(t->call_id, "");
	if (t->confidential)
		assert_string_equal(t->caller_phone, "");
	else
		assert_non_null(strstr(t->caller_phone, "****"));
}

/* Returns the next event of feed f, asserting its kind, number and view. */
static Hotline__Envelope *
expect(enum feed f, Hotline__EventKind kind, const char *number)
{
	Hotline__Envelope *ev = harness_event(feeds[f], EVENT_MS);

	if (ev == NULL)
		fail_msg("%s: no event %d for %s within %d ms",
		    feed_principal[f], kind, number, EVENT_MS);
	assert_int_equal(ev->body_case, BODY(EVENT));
	if (ev->event->kind != kind || strcmp(ev->event->number, number) != 0)
		fail_msg("%s: expected event %d for %s, got %d for %s",
		    feed_principal[f], kind, number, ev->event->kind,
		    ev->event->number);
	assert_true(ev->event->id[0] != '\0');
	assert_true(ev->event->at > 0);
	assert_non_null(ev->event->ticket);
	assert_string_equal(ev->event->ticket->number, number);
	assert_view(f, ev->event->ticket);
	return ev;
}

/* Asserts feed f's next event: kind, ticket, actor and the ticket's state. */
static void
got(enum feed f, Hotline__EventKind kind, const struct tk *k,
    const char *actor, Hotline__TicketState state)
{
	Hotline__Envelope *ev = expect(f, kind, k->number);

	assert_string_equal(ev->event->actor, actor);
	assert_int_equal(ev->event->ticket->state, state);
	hl_envelope_free(ev);
}

/*
 * Asserts department feed f's next event: k gone from it by actor's step,
 * as kind (TAKEN_AWAY, or RETURNED for the lead's own 退单), without the
 * ticket (it is no longer the department's to see).
 */
static void
gone(enum feed f, int kind, const struct tk *k, const char *actor)
{
	Hotline__Envelope *ev = harness_event(feeds[f], EVENT_MS);

	if (ev == NULL)
		fail_msg("%s: no event %d for %s within %d ms",
		    feed_principal[f], kind, k->number, EVENT_MS);
	assert_int_equal(ev->event->kind, kind);
	assert_string_equal(ev->event->number, k->number);
	assert_string_equal(ev->event->actor, actor);
	assert_null(ev->event->ticket);
	hl_envelope_free(ev);
}

/* Asserts that k was taken away from department feed f by actor. */
static void
taken(enum feed f, const struct tk *k, const char *actor)
{
	gone(f, KIND(TAKEN_AWAY), k, actor);
}

/* Waits QUIET_MS, then asserts that no feed received anything more. */
static void
quiet(void)
{
	Hotline__Envelope *ev;
	int i;

	harness_sleep_ms(QUIET_MS);
	for (i = 0; i < NFEEDS; i++)
		if ((ev = harness_event(feeds[i], 0)) != NULL)
			fail_msg("%s: unexpected event %d for %s",
			    feed_principal[i], ev->event->kind,
			    ev->event->number);
}

/* Returns principal's role in the test city. */
static Hotline__Role
role_of(const char *principal)
{
	if (strncmp(principal, "agent", 5) == 0)
		return ROLE(AGENT);
	if (strcmp(principal, "dispatcher01") == 0)
		return ROLE(DISPATCHER);
	if (strcmp(principal, "supervisor01") == 0)
		return ROLE(SUPERVISOR);
	return ROLE(DEPARTMENT);
}

/* Names a state as the daemon's conflict messages do. */
static const char *
state_word(Hotline__TicketState state)
{
	static const char *const words[] = { "?", "registered", "triage",
	    "dispatched", "accepted", "replied", "suspended",
	    "awaiting callback", "closed", "merged" };

	assert_true(state >= 1 && state <= 9);
	return words[state];
}

/* Shows number as c; returns the answer, asserting there is one. */
static Hotline__Envelope *
show_as(struct hl_client *c, const char *number)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_show(c, number, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(TICKET));
	assert_string_equal(rep->ticket->ticket->number, number);
	return rep;
}

/* Shows k's ticket as an agent, who sees everything. */
static Hotline__Envelope *
show(const struct tk *k)
{
	return show_as(agent, k->number);
}

/* The newest history entry of a show answer. */
static const Hotline__HistoryEntry *
newest(const Hotline__Envelope *rep)
{
	const Hotline__Ticket *t = rep->ticket->ticket;

	assert_true(t->n_history > 0);
	return t->history[t->n_history - 1];
}

/*
 * Shows k's ticket and asserts that the last step appended exactly one
 * history entry (action by principal, from -> to) after the ones already
 * checked, and that the ticket is in state to. Returns the show answer.
 */
static Hotline__Envelope *
logged(struct tk *k, const char *action, Hotline__TicketState from,
    Hotline__TicketState to, const char *principal)
{
	Hotline__Envelope *rep = show(k);
	const Hotline__Ticket *t = rep->ticket->ticket;
	const Hotline__HistoryEntry *e;

	if (t->n_history != k->nhist + 1)
		fail_msg("%s: %zu history entries after %s, expected %zu",
		    k->number, t->n_history, action, k->nhist + 1);
	e = newest(rep);
	assert_string_equal(e->action, action);
	assert_int_equal(e->from_state, from);
	assert_int_equal(e->to_state, to);
	assert_string_equal(e->principal, principal);
	assert_int_equal(e->role, role_of(principal));
	assert_true(e->at >= t->history[t->n_history - 2]->at);
	assert_int_equal(t->state, to);
	k->nhist = t->n_history;
	return rep;
}

/* Asserts that history entry e set field to value. */
static void
assert_change(const Hotline__HistoryEntry *e, const char *field,
    const char *value)
{
	size_t i;

	for (i = 0; i < e->n_changes; i++)
		if (strcmp(e->changes[i]->field, field) == 0) {
			assert_string_equal(e->changes[i]->value, value);
			return;
		}
	fail_msg("history entry \"%s\" has no change of %s", e->action, field);
}

/*
 * Asserts that a step that started the clock lists its start and its base,
 * the same instant (the hash keeps only the start: fields.lua), and, when
 * it was the ticket's first clock, a running clock's defaults.
 */
static void
assert_clock_started(const Hotline__HistoryEntry *e, int first)
{
	size_t i;

	for (i = 0; i < e->n_changes; i++)
		if (strcmp(e->changes[i]->field, "dispatched_at") == 0)
			break;
	assert_true(i < e->n_changes);
	assert_change(e, "clock_base", e->changes[i]->value);
	if (!first)
		return;
	assert_change(e, "clock_left", "-1");
	assert_change(e, "clock_suspended", "0");
	assert_change(e, "clock_ext", "");
}

/* Asserts that nothing was appended to k's history since the last check. */
static void
unlogged(const struct tk *k)
{
	Hotline__Envelope *rep = show(k);

	assert_int_equal(rep->ticket->ticket->n_history, k->nhist);
	hl_envelope_free(rep);
}

/*
 * Asserts a refusal: CONFLICT naming state (code, Error.state, message),
 * nothing logged.
 */
static void
refused(Hotline__Envelope *rep, const struct hl_error *err,
    const struct tk *k, Hotline__TicketState state)
{
	assert_error(rep, *err, ERR(CONFLICT));
	assert_int_equal(err->state, state);
	if (strstr(err->message_en, state_word(state)) == NULL)
		fail_msg("conflict message \"%s\" does not name state %s",
		    err->message_en, state_word(state));
	/* Chinese first: the state and the step in Chinese, no English. */
	if (strncmp(err->message, "工单当前为", strlen("工单当前为")) != 0 ||
	    strstr(err->message, state_word(state)) != NULL)
		fail_msg("conflict message \"%s\" is not Chinese", err->message);
	unlogged(k);
}

/* Asserts a FORBIDDEN refusal that logged nothing. */
static void
forbidden(Hotline__Envelope *rep, const struct hl_error *err,
    const struct tk *k)
{
	assert_error(rep, *err, ERR(FORBIDDEN));
	unlogged(k);
}

/*
 * Asserts that a department was refused a ticket it does not work on with
 * the words of a missing ticket (no existence oracle), nothing logged.
 */
static void
not_theirs(Hotline__Envelope *rep, const struct hl_error *err,
    const struct tk *k)
{
	assert_error(rep, *err, ERR(NOT_FOUND));
	assert_string_equal(err->message,
	    "本单位没有此工单号的工单");
	assert_string_equal(err->message_en,
	    "your department has no ticket with that number");
	unlogged(k);
}

/* Asserts a BAD_REQUEST naming field. */
static void
bad(Hotline__Envelope *rep, const struct hl_error *err, const char *field)
{
	assert_error(rep, *err, ERR(BAD_REQUEST));
	assert_string_equal(err->field, field);
}

/* Asserts rep is a ticket answer in state want; returns its ticket (freed with rep). */
static const Hotline__Ticket *
answered(Hotline__Envelope *rep, const struct hl_error *err,
    Hotline__TicketState want)
{
	assert_reply(rep, *err);
	assert_int_equal(rep->body_case, BODY(TICKET));
	assert_int_equal(rep->ticket->ticket->state, want);
	return rep->ticket->ticket;
}

/* Asserts rep is a ticket answer in state want and frees it. */
static void
done(Hotline__Envelope *rep, const struct hl_error *err,
    Hotline__TicketState want)
{
	answered(rep, err, want);
	hl_envelope_free(rep);
}

/* Returns 1 if a ticket list answer holds number. */
static int
holds(Hotline__Envelope *rep, const struct hl_error *err, const char *number)
{
	size_t i;
	int found = 0;

	assert_reply(rep, *err);
	assert_int_equal(rep->body_case, BODY(TICKETS));
	assert_false(rep->tickets->truncated);
	for (i = 0; i < rep->tickets->n_tickets; i++)
		found |= strcmp(rep->tickets->tickets[i]->number, number) == 0;
	hl_envelope_free(rep);
	return found;
}

/* Returns 1 if department d lists number among its open tickets. */
static int
listed(const struct dept *d, const char *number)
{
	struct hl_error err;

	return holds(harness_list(d->c, 1000, &err), &err, number);
}

/* Returns 1 if number waits in the triage queue (待派单). */
static int
queued(const char *number)
{
	Hotline__TriageListRequest req = HOTLINE__TRIAGE_LIST_REQUEST__INIT;
	struct hl_error err;

	req.limit = 1000;
	return holds(harness_call(disp, BODY(TRIAGE), &req, &err), &err,
	    number);
}

/*
 * 派单 or 改派 (body DISPATCH or REDISPATCH) to lead, with one assisting
 * department or none.
 */
static Hotline__Envelope *
ask_route(struct hl_client *c, Hotline__Envelope__BodyCase body,
    const struct tk *k, const char *lead, const char *assist,
    struct hl_error *err)
{
	Hotline__DispatchRequest req = HOTLINE__DISPATCH_REQUEST__INIT;
	char *assists[1];

	req.number = (char *)k->number;
	req.lead_department = (char *)lead;
	req.note = "请依职责办理";
	if (assist != NULL) {
		assists[0] = (char *)assist;
		req.assisting_departments = assists;
		req.n_assisting_departments = 1;
	}
	return harness_call(c, body, &req, err);
}

/* 退单 with reason and basis (either may be empty). */
static Hotline__Envelope *
ask_return(struct hl_client *c, const struct tk *k, const char *reason,
    const char *basis, struct hl_error *err)
{
	Hotline__ReturnRequest req = HOTLINE__RETURN_REQUEST__INIT;

	req.number = (char *)k->number;
	req.reason = (char *)reason;
	req.basis = (char *)basis;
	return harness_call(c, BODY(RETURN_TICKET), &req, err);
}

/* 延期申请. */
static Hotline__Envelope *
ask_extend(struct hl_client *c, const struct tk *k, const char *extension,
    const char *reason, struct hl_error *err)
{
	Hotline__ExtendRequest req = HOTLINE__EXTEND_REQUEST__INIT;

	req.number = (char *)k->number;
	req.extension = (char *)extension;
	req.reason = (char *)reason;
	return harness_call(c, BODY(EXTEND), &req, err);
}

/* 延期审批. */
static Hotline__Envelope *
ask_decide(struct hl_client *c, const struct tk *k, int approve,
    struct hl_error *err)
{
	Hotline__ExtensionDecision req = HOTLINE__EXTENSION_DECISION__INIT;

	req.number = (char *)k->number;
	req.approve = approve;
	req.note = approve ? "同意延期" : "不予延期";
	return harness_call(c, BODY(DECIDE_EXTENSION), &req, err);
}

/* 审核: approve, or send back with note. */
static Hotline__Envelope *
ask_review(struct hl_client *c, const struct tk *k, int approve,
    const char *note, struct hl_error *err)
{
	Hotline__ReviewRequest req = HOTLINE__REVIEW_REQUEST__INIT;

	req.number = (char *)k->number;
	req.approve = approve;
	req.note = (char *)note;
	return harness_call(c, BODY(REVIEW), &req, err);
}

/* 并单 of k into master. */
static Hotline__Envelope *
ask_merge(struct hl_client *c, const struct tk *k, const char *master,
    struct hl_error *err)
{
	Hotline__MergeRequest req = HOTLINE__MERGE_REQUEST__INIT;

	req.number = (char *)k->number;
	req.master = (char *)master;
	req.note = "重复诉求";
	return harness_call(c, BODY(MERGE), &req, err);
}

/* 无效. */
static Hotline__Envelope *
ask_invalidate(struct hl_client *c, const struct tk *k, const char *reason,
    struct hl_error *err)
{
	Hotline__InvalidateRequest req = HOTLINE__INVALIDATE_REQUEST__INIT;

	req.number = (char *)k->number;
	req.reason = (char *)reason;
	return harness_call(c, BODY(INVALIDATE), &req, err);
}

/* 挂起. */
static Hotline__Envelope *
ask_suspend(struct hl_client *c, const struct tk *k, const char *reason,
    struct hl_error *err)
{
	Hotline__SuspendRequest req = HOTLINE__SUSPEND_REQUEST__INIT;

	req.number = (char *)k->number;
	req.reason = (char *)reason;
	return harness_call(c, BODY(SUSPEND), &req, err);
}

/* Resumes a suspended ticket. */
static Hotline__Envelope *
ask_resume(struct hl_client *c, const struct tk *k, struct hl_error *err)
{
	Hotline__ResumeRequest req = HOTLINE__RESUME_REQUEST__INIT;

	req.number = (char *)k->number;
	req.note = "市民已回电";
	return harness_call(c, BODY(RESUME), &req, err);
}

/* 进展. */
static Hotline__Envelope *
ask_note(struct hl_client *c, const struct tk *k, const char *text,
    struct hl_error *err)
{
	Hotline__NoteRequest req = HOTLINE__NOTE_REQUEST__INIT;

	req.number = (char *)k->number;
	req.text = (char *)text;
	return harness_call(c, BODY(NOTE), &req, err);
}

/* 督办反馈. */
static Hotline__Envelope *
ask_answer(struct hl_client *c, const struct tk *k, const char *text,
    struct hl_error *err)
{
	Hotline__SupervisionAnswer req = HOTLINE__SUPERVISION_ANSWER__INIT;

	req.number = (char *)k->number;
	req.text = (char *)text;
	return harness_call(c, BODY(ANSWER_SUPERVISION), &req, err);
}

/* 回访 with result and the citizen's words. */
static Hotline__Envelope *
ask_callback(struct hl_client *c, const struct tk *k,
    Hotline__CallbackResult result, const char *comment, struct hl_error *err)
{
	Hotline__CallbackRequest req = HOTLINE__CALLBACK_REQUEST__INIT;

	req.number = (char *)k->number;
	req.result = result;
	req.comment = (char *)comment;
	return harness_call(c, BODY(CALLBACK), &req, err);
}

/* 催办. */
static Hotline__Envelope *
ask_urge(struct hl_client *c, const struct tk *k, struct hl_error *err)
{
	Hotline__UrgeRequest req = HOTLINE__URGE_REQUEST__INIT;

	req.number = (char *)k->number;
	req.text = "请尽快处理";
	return harness_call(c, BODY(URGE), &req, err);
}

/* 督办 with text and limit. */
static Hotline__Envelope *
ask_supervise(struct hl_client *c, const struct tk *k, const char *limit,
    struct hl_error *err)
{
	Hotline__SuperviseRequest req = HOTLINE__SUPERVISE_REQUEST__INIT;

	req.number = (char *)k->number;
	req.text = "限期办结并书面反馈";
	req.limit = (char *)limit;
	return harness_call(c, BODY(SUPERVISE), &req, err);
}

/* 免考核. */
static Hotline__Envelope *
ask_exempt(struct hl_client *c, const struct tk *k, struct hl_error *err)
{
	Hotline__ExemptRequest req = HOTLINE__EXEMPT_REQUEST__INIT;

	req.number = (char *)k->number;
	req.reason = "诉求明显不合理";
	return harness_call(c, BODY(EXEMPT), &req, err);
}

/*
 * Creates a ticket as agent01, in triage (d NULL) or dispatched to d, and
 * consumes its event.
 */
static void
create(struct tk *k, const char *title, const char *content,
    const struct dept *d)
{
	Hotline__Envelope *made = harness_create(agent, title, content);
	const Hotline__Ticket *t = made->created->ticket;

	snprintf(k->number, sizeof k->number, "%s", t->number);
	k->nhist = 2;
	assert_false(made->created->duplicate);
	if (d == NULL) {
		assert_int_equal(t->state, STATE(TRIAGE));
		assert_int_equal(t->triage_reason, TRIAGE(LOW_CONFIDENCE));
		assert_null(t->lead_department);
		got(FEED_CENTRE, KIND(TRIAGED), k, "agent01", STATE(TRIAGE));
	} else {
		assert_int_equal(t->state, STATE(DISPATCHED));
		assert_string_equal(t->lead_department->id, d->id);
		got(d->feed, KIND(DISPATCHED), k, "agent01",
		    STATE(DISPATCHED));
	}
	hl_envelope_free(made);
}

/* A new ticket the classifier is unsure of ("漏水": zjj or water): in triage. */
static void
new_triage(struct tk *k)
{
	create(k, "楼上漏水", "楼上卫生间漏水，我家天花板渗水。", NULL);
	assert_true(queued(k->number));
}

/* A new ticket auto-dispatched to d. */
static void
new_at(struct tk *k, const struct dept *d)
{
	if (d == &dzjj)
		create(k, "电梯故障", "物业三个月不处理电梯故障。", d);
	else if (d == &dwater)
		create(k, "小区停水", "全小区停水，已经四个小时。", d);
	else
		create(k, "噪音扰民", "工地夜间施工噪音。", d);
	assert_true(listed(d, k->number));
}

/* Lead d signs k, which has no assisting department: ACCEPTED, SIGNED on d's feed. */
static void
sign_lead(const struct dept *d, struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_sign(d->c, k->number, &err);
	done(rep, &err, STATE(ACCEPTED));
	got(d->feed, KIND(SIGNED), k, d->principal, STATE(ACCEPTED));
	rep = logged(k, "sign", STATE(DISPATCHED), STATE(ACCEPTED),
	    d->principal);
	assert_string_equal(newest(rep)->department, d->id);
	assert_change(newest(rep), "state", "4");
	hl_envelope_free(rep);
}

/*
 * Lead d replies to k (no assisting department): REPLIED to d and the
 * centre; off d's list.
 */
static void
reply_lead(const struct dept *d, struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = harness_reply(d->c, k->number, "已现场处理完毕。", &err);
	t = answered(rep, &err, STATE(REPLIED));
	assert_string_equal(t->reply_result, "已现场处理完毕。");
	assert_true(t->solved);
	hl_envelope_free(rep);
	got(d->feed, KIND(REPLIED), k, d->principal, STATE(REPLIED));
	got(FEED_CENTRE, KIND(REPLIED), k, d->principal, STATE(REPLIED));
	rep = logged(k, "reply", STATE(ACCEPTED), STATE(REPLIED),
	    d->principal);
	assert_change(newest(rep), "reply_result", "已现场处理完毕。");
	assert_change(newest(rep), "solved", "1");
	assert_change(newest(rep), "state", "5");
	hl_envelope_free(rep);
	assert_false(listed(d, k->number));
}

/* The dispatcher approves k's reply (审核通过): AWAITING_CALLBACK, no event. */
static void
approve(struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_review(disp, k, 1, "", &err);
	t = answered(rep, &err, STATE(AWAITING_CALLBACK));
	assert_string_equal(t->review_note, "");
	hl_envelope_free(rep);
	rep = logged(k, "approve_reply", STATE(REPLIED),
	    STATE(AWAITING_CALLBACK), "dispatcher01");
	assert_change(newest(rep), "review_note", "");
	assert_change(newest(rep), "state", "7");
	hl_envelope_free(rep);
}

/*
 * The citizen is satisfied (回访满意): CLOSED with closure CALLBACK; the
 * caller checks events.
 */
static void
satisfied(struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_callback(agent, k, RESULT(SATISFIED), "满意", &err);
	t = answered(rep, &err, STATE(CLOSED));
	assert_int_equal(t->closure, CLOSURE(CALLBACK));
	assert_int_equal(t->callback_result, RESULT(SATISFIED));
	assert_string_equal(t->callback_comment, "满意");
	hl_envelope_free(rep);
	rep = logged(k, "callback", STATE(AWAITING_CALLBACK), STATE(CLOSED),
	    "agent01");
	assert_change(newest(rep), "closure", "2");
	assert_change(newest(rep), "callback_result", "1");
	assert_change(newest(rep), "state", "8");
	hl_envelope_free(rep);
}

/* A new ticket at d, signed, replied and approved: it awaits the callback. */
static void
to_callback(struct tk *k, const struct dept *d)
{
	new_at(k, d);
	sign_lead(d, k);
	reply_lead(d, k);
	approve(k);
}

/* 派单 of triage ticket k to zjj with water assisting (协办): both get it. */
static void
cohandle_dispatch(struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	const Hotline__HistoryEntry *e;
	struct hl_error err;

	rep = ask_route(disp, BODY(DISPATCH), k, "zjj", "water", &err);
	t = answered(rep, &err, STATE(DISPATCHED));
	assert_string_equal(t->lead_department->id, "zjj");
	assert_string_equal(t->lead_department->name, "住建局");
	assert_int_equal(t->n_assisting_departments, 1);
	assert_string_equal(t->assisting_departments[0]->id, "water");
	assert_int_equal(t->triage_reason, TRIAGE(UNSPECIFIED));
	hl_envelope_free(rep);
	got(FEED_ZJJ, KIND(DISPATCHED), k, "dispatcher01", STATE(DISPATCHED));
	got(FEED_WATER, KIND(DISPATCHED), k, "dispatcher01",
	    STATE(DISPATCHED));
	rep = logged(k, "dispatch", STATE(TRIAGE), STATE(DISPATCHED),
	    "dispatcher01");
	e = newest(rep);
	assert_string_equal(e->department, "zjj");
	assert_change(e, "dept", "zjj");
	assert_change(e, "assists", "water");
	assert_change(e, "state", "3");
	hl_envelope_free(rep);
	assert_false(queued(k->number));
	assert_true(listed(&dzjj, k->number));
	assert_true(listed(&dwater, k->number));
}

/* The assisting department signs its part (the ticket stays DISPATCHED). */
static void
cohandle_assist_signs(struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_sign(dwater.c, k->number, &err);
	done(rep, &err, STATE(DISPATCHED));
	got(FEED_ZJJ, KIND(SIGNED), k, "water-01", STATE(DISPATCHED));
	got(FEED_WATER, KIND(SIGNED), k, "water-01", STATE(DISPATCHED));
	rep = logged(k, "sign_assist", STATE(DISPATCHED), STATE(DISPATCHED),
	    "water-01");
	assert_string_equal(newest(rep)->department, "water");
	assert_int_equal(newest(rep)->n_changes, 0);
	hl_envelope_free(rep);
	rep = harness_sign(dwater.c, k->number, &err);
	refused(rep, &err, k, STATE(DISPATCHED));
}

/* The lead signs: ACCEPTED; SIGNED to both departments. */
static void
cohandle_lead_signs(struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_sign(dzjj.c, k->number, &err);
	done(rep, &err, STATE(ACCEPTED));
	got(FEED_ZJJ, KIND(SIGNED), k, "zjj-01", STATE(ACCEPTED));
	got(FEED_WATER, KIND(SIGNED), k, "zjj-01", STATE(ACCEPTED));
	rep = logged(k, "sign", STATE(DISPATCHED), STATE(ACCEPTED), "zjj-01");
	assert_change(newest(rep), "state", "4");
	hl_envelope_free(rep);
}

/*
 * The assisting department replies to the lead: ASSIST_REPLIED; off its own
 * list only.
 */
static void
cohandle_assist_replies(struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_reply(dwater.c, k->number, "供水管网无渗漏。", &err);
	done(rep, &err, STATE(ACCEPTED));
	got(FEED_ZJJ, KIND(ASSIST_REPLIED), k, "water-01", STATE(ACCEPTED));
	got(FEED_WATER, KIND(ASSIST_REPLIED), k, "water-01",
	    STATE(ACCEPTED));
	rep = logged(k, "reply_assist", STATE(ACCEPTED), STATE(ACCEPTED),
	    "water-01");
	assert_string_equal(newest(rep)->department, "water");
	assert_change(newest(rep), "reply_result", "供水管网无渗漏。");
	assert_string_not_equal(rep->ticket->ticket->reply_result,
	    "供水管网无渗漏。");
	hl_envelope_free(rep);
	assert_false(listed(&dwater, k->number));
	assert_true(listed(&dzjj, k->number));
	rep = harness_reply(dwater.c, k->number, "再次回复。", &err);
	refused(rep, &err, k, STATE(ACCEPTED));
}

/* The lead replies: REPLIED to both departments and the centre; off both lists. */
static void
cohandle_lead_replies(struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_reply(dzjj.c, k->number, "已维修楼上防水层。", &err);
	done(rep, &err, STATE(REPLIED));
	got(FEED_ZJJ, KIND(REPLIED), k, "zjj-01", STATE(REPLIED));
	got(FEED_WATER, KIND(REPLIED), k, "zjj-01", STATE(REPLIED));
	got(FEED_CENTRE, KIND(REPLIED), k, "zjj-01", STATE(REPLIED));
	rep = logged(k, "reply", STATE(ACCEPTED), STATE(REPLIED), "zjj-01");
	assert_change(newest(rep), "reply_result", "已维修楼上防水层。");
	assert_change(newest(rep), "state", "5");
	hl_envelope_free(rep);
	assert_false(listed(&dzjj, k->number));
	assert_false(listed(&dwater, k->number));
}

/*
 * Triage → 派单 with 协办 → both sign → assist replies → lead replies →
 * approve → satisfied → CLOSED.
 */
static void
test_cohandled_walk(void **state)
{
	struct tk k;

	(void)state;
	feeds_open();
	new_triage(&k);
	cohandle_dispatch(&k);
	cohandle_assist_signs(&k);
	cohandle_lead_signs(&k);
	cohandle_assist_replies(&k);
	cohandle_lead_replies(&k);
	approve(&k);
	satisfied(&k);
	got(FEED_ZJJ, KIND(CLOSED), &k, "agent01", STATE(CLOSED));
	got(FEED_WATER, KIND(CLOSED), &k, "agent01", STATE(CLOSED));
	quiet();
}

/*
 * The assisting department's reply (its result) reaches the lead: it is in
 * the history.
 */
static void
test_assist_reply_recorded(void **state)
{
	const char *text = "协办意见：供水管网压力正常，渗水来自楼上防水层。";
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;
	struct tk k;
	size_t i, c;
	int found = 0;

	(void)state;
	feeds_open();
	new_triage(&k);
	cohandle_dispatch(&k);
	cohandle_assist_signs(&k);
	cohandle_lead_signs(&k);
	rep = harness_reply(dwater.c, k.number, text, &err);
	done(rep, &err, STATE(ACCEPTED));
	rep = show_as(dzjj.c, k.number);
	t = rep->ticket->ticket;
	for (i = 0; i < t->n_history; i++) {
		found |= strstr(t->history[i]->note, text) != NULL;
		for (c = 0; c < t->history[i]->n_changes; c++)
			found |= strstr(t->history[i]->changes[c]->value,
			    text) != NULL;
	}
	hl_envelope_free(rep);
	if (!found)
		fail_msg("the assisting department's reply \"%s\" is nowhere "
		    "in %s as the lead sees it", text, k.number);
}

/*
 * A department's 退单: reason and basis are required; back to triage,
 * RETURNED to the department (its own 退单) and to the centre.
 */
static void
return_first(struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_return(dzjj.c, k, "不属于本单位职责", "", &err);
	bad(rep, &err, "basis");
	rep = ask_return(dzjj.c, k, "", "《物业管理条例》第二条", &err);
	bad(rep, &err, "reason");
	unlogged(k);
	rep = ask_return(dzjj.c, k, "供水管网问题",
	    "《城市供水条例》第二十九条", &err);
	t = answered(rep, &err, STATE(TRIAGE));
	assert_int_equal(t->triage_reason, TRIAGE(RETURNED));
	assert_null(t->lead_department);
	assert_int_equal(t->returns, 1);
	assert_false(t->disputed);
	assert_string_equal(t->return_reason, "供水管网问题");
	assert_string_equal(t->return_basis, "《城市供水条例》第二十九条");
	hl_envelope_free(rep);
	gone(FEED_ZJJ, KIND(RETURNED), k, "zjj-01");
	got(FEED_CENTRE, KIND(RETURNED), k, "zjj-01", STATE(TRIAGE));
	rep = logged(k, "return", STATE(DISPATCHED), STATE(TRIAGE), "zjj-01");
	assert_string_equal(newest(rep)->department, "zjj");
	assert_change(newest(rep), "returns", "1");
	assert_change(newest(rep), "triage_reason", "2");
	assert_change(newest(rep), "dept", "");
	assert_change(newest(rep), "return_basis",
	    "《城市供水条例》第二十九条");
	hl_envelope_free(rep);
}

/* After a return: the department lost the ticket, the triage queue has it. */
static void
returned_elsewhere(struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_show(dzjj.c, k->number, &err);
	not_theirs(rep, &err, k);
	assert_false(listed(&dzjj, k->number));
	assert_true(queued(k->number));
	quiet();
}

/* 派单 of a triage ticket k to d alone. */
static void
dispatch_to(struct tk *k, const struct dept *d)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_route(disp, BODY(DISPATCH), k, d->id, NULL, &err);
	t = answered(rep, &err, STATE(DISPATCHED));
	assert_string_equal(t->lead_department->id, d->id);
	assert_int_equal(t->n_assisting_departments, 0);
	assert_int_equal(t->triage_reason, TRIAGE(UNSPECIFIED));
	hl_envelope_free(rep);
	got(d->feed, KIND(DISPATCHED), k, "dispatcher01", STATE(DISPATCHED));
	rep = logged(k, "dispatch", STATE(TRIAGE), STATE(DISPATCHED),
	    "dispatcher01");
	assert_change(newest(rep), "dept", d->id);
	assert_change(newest(rep), "triage_reason", "0");
	assert_clock_started(newest(rep), 0);
	hl_envelope_free(rep);
	assert_false(queued(k->number));
	assert_true(listed(d, k->number));
}

/* The second return reaches max_returns: DISPUTED to the centre and the supervisors. */
static void
return_disputed(struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_return(dwater.c, k, "属房屋质量问题",
	    "《建设工程质量管理条例》", &err);
	t = answered(rep, &err, STATE(TRIAGE));
	assert_int_equal(t->triage_reason, TRIAGE(DISPUTED));
	assert_true(t->disputed);
	assert_int_equal(t->returns, 2);
	assert_null(t->lead_department);
	hl_envelope_free(rep);
	gone(FEED_WATER, KIND(RETURNED), k, "water-01");
	got(FEED_CENTRE, KIND(DISPUTED), k, "water-01", STATE(TRIAGE));
	got(FEED_SUPERVISION, KIND(DISPUTED), k, "water-01", STATE(TRIAGE));
	rep = logged(k, "return", STATE(ACCEPTED), STATE(TRIAGE), "water-01");
	assert_string_equal(newest(rep)->department, "water");
	assert_change(newest(rep), "returns", "2");
	assert_change(newest(rep), "disputed", "1");
	assert_change(newest(rep), "triage_reason", "3");
	hl_envelope_free(rep);
	assert_false(listed(&dwater, k->number));
	assert_true(queued(k->number));
}

/* 退单 → triage → re-dispatch → 退单 again → 争议件 → the dispatcher settles it. */
static void
test_return_redispatch_dispute(void **state)
{
	Hotline__Envelope *rep;
	struct tk k;

	(void)state;
	feeds_open();
	new_at(&k, &dzjj);
	return_first(&k);
	returned_elsewhere(&k);
	dispatch_to(&k, &dwater);
	sign_lead(&dwater, &k);
	return_disputed(&k);
	dispatch_to(&k, &dsthjj);
	rep = show(&k);
	assert_true(rep->ticket->ticket->disputed);
	assert_int_equal(rep->ticket->ticket->returns, 2);
	hl_envelope_free(rep);
	quiet();
}

/* Whether ht:due:<index> (e.g. "sign:zjj") holds ticket number. */
static int
in_due_index(const char *index, const char *number)
{
	redisContext *rc = harness_redis(&h);
	redisReply *r = redisCommand(rc, "ZSCORE ht:due:%s %s", index, number);
	int in = r != NULL && r->type == REDIS_REPLY_STRING;

	if (r != NULL)
		freeReplyObject(r);
	redisFree(rc);
	return in;
}

/*
 * 改派 with an assisting department: the old lead gets TAKEN_AWAY, both new
 * ones DISPATCHED.
 */
static void
redispatch_away(struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_route(disp, BODY(REDISPATCH), k, "sthjj", "zjj", &err);
	t = answered(rep, &err, STATE(DISPATCHED));
	assert_string_equal(t->lead_department->id, "sthjj");
	assert_string_equal(t->assisting_departments[0]->id, "zjj");
	hl_envelope_free(rep);
	taken(FEED_WATER, k, "dispatcher01");
	got(FEED_STHJJ, KIND(DISPATCHED), k, "dispatcher01",
	    STATE(DISPATCHED));
	got(FEED_ZJJ, KIND(DISPATCHED), k, "dispatcher01", STATE(DISPATCHED));
	rep = logged(k, "redispatch", STATE(ACCEPTED), STATE(DISPATCHED),
	    "dispatcher01");
	assert_string_equal(newest(rep)->department, "sthjj");
	assert_change(newest(rep), "dept", "sthjj");
	assert_change(newest(rep), "assists", "zjj");
	assert_change(newest(rep), "state", "3");
	hl_envelope_free(rep);
	/* The deadline indexes follow the lead (stats.lua, st_due_dept). */
	assert_false(in_due_index("complete:water", k->number));
	assert_true(in_due_index("sign:sthjj", k->number));
	assert_true(in_due_index("complete:sthjj", k->number));
}

/* The department a ticket was taken from may no longer see or touch it. */
static void
taken_away(struct tk *k, const struct dept *old)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_show(old->c, k->number, &err);
	not_theirs(rep, &err, k);
	rep = harness_sign(old->c, k->number, &err);
	not_theirs(rep, &err, k);
	rep = ask_note(old->c, k, "还在处理", &err);
	not_theirs(rep, &err, k);
	assert_false(listed(old, k->number));
}

/* 改派 again to the former assisting department alone: sthjj loses it, zjj leads. */
static void
redispatch_to_assist(struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = ask_route(disp, BODY(REDISPATCH), k, "zjj", NULL, &err);
	done(rep, &err, STATE(DISPATCHED));
	taken(FEED_STHJJ, k, "dispatcher01");
	got(FEED_ZJJ, KIND(DISPATCHED), k, "dispatcher01", STATE(DISPATCHED));
	rep = logged(k, "redispatch", STATE(DISPATCHED), STATE(DISPATCHED),
	    "dispatcher01");
	assert_change(newest(rep), "dept", "zjj");
	assert_change(newest(rep), "assists", "");
	hl_envelope_free(rep);
	taken_away(k, &dsthjj);
	assert_true(listed(&dzjj, k->number));
}

/* 改派 of an accepted ticket: the old department loses it; the new ones get it. */
static void
test_redispatch_takes_away(void **state)
{
	struct tk k;

	(void)state;
	feeds_open();
	new_at(&k, &dwater);
	sign_lead(&dwater, &k);
	redispatch_away(&k);
	taken_away(&k, &dwater);
	assert_true(listed(&dsthjj, k.number));
	assert_true(listed(&dzjj, k.number));
	redispatch_to_assist(&k);
	sign_lead(&dzjj, &k);
	quiet();
}

/* 延期申请: EXTENSION_REQUESTED to the centre; the request shows as pending. */
static void
extension_request(struct tk *k, const char *extension)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_extend(dzjj.c, k, extension, "需协调多个部门", &err);
	t = answered(rep, &err, STATE(ACCEPTED));
	assert_non_null(t->pending_extension);
	assert_string_equal(t->pending_extension->extension, extension);
	assert_string_equal(t->pending_extension->reason, "需协调多个部门");
	assert_string_equal(t->pending_extension->requested_by, "zjj-01");
	assert_true(t->pending_extension->requested_at > 0);
	hl_envelope_free(rep);
	got(FEED_CENTRE, KIND(EXTENSION_REQUESTED), k, "zjj-01",
	    STATE(ACCEPTED));
	rep = logged(k, "extend", STATE(ACCEPTED), STATE(ACCEPTED), "zjj-01");
	assert_change(newest(rep), "ext_extension", extension);
	assert_non_null(rep->ticket->ticket->pending_extension);
	hl_envelope_free(rep);
}

/* 延期审批: EXTENSION_DECIDED to the department; extensions counts approvals only. */
static void
extension_decide(struct tk *k, int approve_it, uint32_t extensions)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_decide(disp, k, approve_it, &err);
	t = answered(rep, &err, STATE(ACCEPTED));
	assert_null(t->pending_extension);
	assert_int_equal(t->extensions, extensions);
	hl_envelope_free(rep);
	got(FEED_ZJJ, KIND(EXTENSION_DECIDED), k, "dispatcher01",
	    STATE(ACCEPTED));
	rep = logged(k, "decide_extension", STATE(ACCEPTED), STATE(ACCEPTED),
	    "dispatcher01");
	assert_string_equal(newest(rep)->note, approve_it ? "同意延期" :
	    "不予延期");
	if (approve_it)
		assert_change(newest(rep), "extensions", "1");
	else
		assert_int_equal(newest(rep)->n_changes, 0);
	assert_null(rep->ticket->ticket->pending_extension);
	hl_envelope_free(rep);
}

/*
 * Extension requested, a second request refused, approved; another
 * rejected; none pending refused.
 */
static void
test_extension(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk k;

	(void)state;
	feeds_open();
	new_at(&k, &dzjj);
	sign_lead(&dzjj, &k);
	rep = ask_extend(dzjj.c, &k, "5 days", "理由", &err);
	bad(rep, &err, "extension");
	extension_request(&k, "5wd");
	rep = ask_extend(dzjj.c, &k, "3wd", "再次申请", &err);
	refused(rep, &err, &k, STATE(ACCEPTED));
	extension_decide(&k, 1, 1);
	extension_request(&k, "2wd");
	extension_decide(&k, 0, 1);
	rep = ask_decide(disp, &k, 1, &err);
	refused(rep, &err, &k, STATE(ACCEPTED));
	quiet();
}

/* 挂起 then resume: SUSPENDED and RESUMED to the department and the centre. */
static void
test_suspend_resume(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk k;

	(void)state;
	feeds_open();
	new_at(&k, &dzjj);
	rep = ask_suspend(dzjj.c, &k, "等待市民补充材料", &err);
	refused(rep, &err, &k, STATE(DISPATCHED));
	sign_lead(&dzjj, &k);
	rep = ask_suspend(dzjj.c, &k, "", &err);
	bad(rep, &err, "reason");
	rep = ask_suspend(dzjj.c, &k, "等待市民补充材料", &err);
	done(rep, &err, STATE(SUSPENDED));
	got(FEED_ZJJ, KIND(SUSPENDED), &k, "zjj-01", STATE(SUSPENDED));
	got(FEED_CENTRE, KIND(SUSPENDED), &k, "zjj-01", STATE(SUSPENDED));
	rep = logged(&k, "suspend", STATE(ACCEPTED), STATE(SUSPENDED),
	    "zjj-01");
	assert_string_equal(newest(rep)->note, "等待市民补充材料");
	assert_change(newest(rep), "state", "6");
	hl_envelope_free(rep);
	assert_true(listed(&dzjj, k.number));
	rep = ask_resume(dzjj.c, &k, &err);
	done(rep, &err, STATE(ACCEPTED));
	got(FEED_ZJJ, KIND(RESUMED), &k, "zjj-01", STATE(ACCEPTED));
	got(FEED_CENTRE, KIND(RESUMED), &k, "zjj-01", STATE(ACCEPTED));
	hl_envelope_free(logged(&k, "resume", STATE(SUSPENDED),
	    STATE(ACCEPTED), "zjj-01"));
	rep = ask_resume(dzjj.c, &k, &err);
	refused(rep, &err, &k, STATE(ACCEPTED));
	quiet();
}

/*
 * 审核 sends the reply back: ACCEPTED, review_note, REPLY_SENT_BACK, on the
 * list again.
 */
static void
send_back(struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_review(disp, k, 0, "", &err);
	bad(rep, &err, "note");
	rep = ask_review(disp, k, 0, "回复未说明处理结果", &err);
	t = answered(rep, &err, STATE(ACCEPTED));
	assert_string_equal(t->review_note, "回复未说明处理结果");
	hl_envelope_free(rep);
	got(FEED_ZJJ, KIND(REPLY_SENT_BACK), k, "dispatcher01",
	    STATE(ACCEPTED));
	rep = logged(k, "send_back", STATE(REPLIED), STATE(ACCEPTED),
	    "dispatcher01");
	assert_change(newest(rep), "review_note", "回复未说明处理结果");
	assert_change(newest(rep), "state", "4");
	hl_envelope_free(rep);
	assert_true(listed(&dzjj, k->number));
}

/* Reply, sent back by review, reply again, approved (the review note is cleared). */
static void
test_reply_sent_back(void **state)
{
	Hotline__Envelope *rep;
	struct tk k;

	(void)state;
	feeds_open();
	new_at(&k, &dzjj);
	sign_lead(&dzjj, &k);
	reply_lead(&dzjj, &k);
	send_back(&k);
	reply_lead(&dzjj, &k);
	approve(&k);
	rep = show(&k);
	assert_string_equal(rep->ticket->ticket->review_note, "");
	hl_envelope_free(rep);
	quiet();
}

/*
 * Unsatisfied callback (不满意): 重办 to the same department, REOPENED to
 * it and the supervisors.
 */
static void
reopen(struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_callback(agent, k, RESULT(UNSATISFIED), "", &err);
	bad(rep, &err, "comment");
	rep = ask_callback(agent, k, RESULT(UNSPECIFIED), "无", &err);
	bad(rep, &err, "result");
	rep = ask_callback(agent, k, RESULT(UNSATISFIED), "电梯还是坏的", &err);
	t = answered(rep, &err, STATE(DISPATCHED));
	assert_int_equal(t->reopens, 1);
	assert_int_equal(t->callback_result, RESULT(UNSATISFIED));
	assert_string_equal(t->callback_comment, "电梯还是坏的");
	assert_string_equal(t->lead_department->id, "zjj");
	hl_envelope_free(rep);
	got(FEED_ZJJ, KIND(REOPENED), k, "agent01", STATE(DISPATCHED));
	got(FEED_SUPERVISION, KIND(REOPENED), k, "agent01", STATE(DISPATCHED));
	rep = logged(k, "reopen", STATE(AWAITING_CALLBACK), STATE(DISPATCHED),
	    "agent01");
	assert_change(newest(rep), "reopens", "1");
	assert_change(newest(rep), "callback_result", "3");
	assert_change(newest(rep), "callback_comment", "电梯还是坏的");
	hl_envelope_free(rep);
	assert_true(listed(&dzjj, k->number));
}

/* Unsatisfied → reopened → sign → reply → approve → satisfied → CLOSED. */
static void
test_reopen_walk(void **state)
{
	Hotline__Envelope *rep;
	struct tk k;

	(void)state;
	feeds_open();
	to_callback(&k, &dzjj);
	reopen(&k);
	sign_lead(&dzjj, &k);
	reply_lead(&dzjj, &k);
	approve(&k);
	satisfied(&k);
	got(FEED_ZJJ, KIND(CLOSED), &k, "agent01", STATE(CLOSED));
	rep = show(&k);
	assert_int_equal(rep->ticket->ticket->reopens, 1);
	hl_envelope_free(rep);
	assert_false(listed(&dzjj, k.number));
	quiet();
}

/* A new ticket co-handled by zjj (lead) and water (协办), walked to REPLIED. */
static void
cohandled_replied(struct tk *k)
{
	new_triage(k);
	cohandle_dispatch(k);
	cohandle_assist_signs(k);
	cohandle_lead_signs(k);
	cohandle_assist_replies(k);
	cohandle_lead_replies(k);
}

/* 重办 of a co-handled ticket: both departments get it back and go through it again. */
static void
test_cohandled_reopen(void **state)
{
	struct tk k;

	(void)state;
	feeds_open();
	cohandled_replied(&k);
	approve(&k);
	reopen(&k);
	got(FEED_WATER, KIND(REOPENED), &k, "agent01", STATE(DISPATCHED));
	assert_true(listed(&dwater, k.number));
	cohandle_assist_signs(&k);
	cohandle_lead_signs(&k);
	cohandle_assist_replies(&k);
	cohandle_lead_replies(&k);
	approve(&k);
	satisfied(&k);
	got(FEED_ZJJ, KIND(CLOSED), &k, "agent01", STATE(CLOSED));
	got(FEED_WATER, KIND(CLOSED), &k, "agent01", STATE(CLOSED));
	quiet();
}

/*
 * A co-handled reply sent back: REPLY_SENT_BACK to both departments; the lead
 * has it again, the assisting department, whose part is done, does not.
 */
static void
test_cohandled_send_back(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk k;

	(void)state;
	feeds_open();
	cohandled_replied(&k);
	rep = ask_review(disp, &k, 0, "协办意见未体现", &err);
	done(rep, &err, STATE(ACCEPTED));
	got(FEED_ZJJ, KIND(REPLY_SENT_BACK), &k, "dispatcher01",
	    STATE(ACCEPTED));
	got(FEED_WATER, KIND(REPLY_SENT_BACK), &k, "dispatcher01",
	    STATE(ACCEPTED));
	hl_envelope_free(logged(&k, "send_back", STATE(REPLIED),
	    STATE(ACCEPTED), "dispatcher01"));
	assert_true(listed(&dzjj, k.number));
	assert_false(listed(&dwater, k.number));
	rep = harness_reply(dwater.c, k.number, "补充协办意见。", &err);
	refused(rep, &err, &k, STATE(ACCEPTED));
	cohandle_lead_replies(&k);
	approve(&k);
	quiet();
}

/* One failed callback attempt: attempts counted; the ticket is closed at the limit. */
static void
unreachable(struct tk *k, uint32_t attempt, Hotline__TicketState to)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;
	char n[8];

	rep = ask_callback(agent, k, RESULT(UNREACHABLE), "", &err);
	t = answered(rep, &err, to);
	assert_int_equal(t->callback_attempts, attempt);
	assert_int_equal(t->callback_result, RESULT(UNREACHABLE));
	assert_int_equal(t->closure, to == STATE(CLOSED) ?
	    CLOSURE(UNREACHABLE) : CLOSURE(UNSPECIFIED));
	hl_envelope_free(rep);
	rep = logged(k, "callback_unreachable", STATE(AWAITING_CALLBACK), to,
	    "agent01");
	snprintf(n, sizeof n, "%u", attempt);
	assert_change(newest(rep), "callback_attempts", n);
	if (to == STATE(CLOSED))
		assert_change(newest(rep), "closure", "3");
	hl_envelope_free(rep);
}

/*
 * 回访未联系上: attempts 1 and 2 keep it waiting; the 3rd closes it
 * UNREACHABLE (CLOSED to the department).
 */
static void
test_callback_unreachable(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk k;

	(void)state;
	feeds_open();
	to_callback(&k, &dsthjj);
	unreachable(&k, 1, STATE(AWAITING_CALLBACK));
	unreachable(&k, 2, STATE(AWAITING_CALLBACK));
	unreachable(&k, 3, STATE(CLOSED));
	got(FEED_STHJJ, KIND(CLOSED), &k, "agent01", STATE(CLOSED));
	rep = ask_callback(agent, &k, RESULT(SATISFIED), "", &err);
	refused(rep, &err, &k, STATE(CLOSED));
	quiet();
}

/* 并单 of k into master: MERGED, master set, off the lists and the queue. */
static void
merge_into(struct tk *k, const struct tk *master, Hotline__TicketState from)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_merge(disp, k, master->number, &err);
	t = answered(rep, &err, STATE(MERGED));
	assert_string_equal(t->master, master->number);
	hl_envelope_free(rep);
	rep = logged(k, "merge", from, STATE(MERGED), "dispatcher01");
	assert_change(newest(rep), "master", master->number);
	assert_change(newest(rep), "state", "9");
	hl_envelope_free(rep);
	assert_false(queued(k->number));
}

/* Asserts that master's show lists exactly the tickets merged into it. */
static void
assert_merged(const struct tk *master, const struct tk *a, const struct tk *b)
{
	Hotline__Envelope *rep = show(master);
	const Hotline__Ticket *t = rep->ticket->ticket;
	size_t i;
	int fa = 0, fb = 0;

	assert_int_equal(t->n_merged, b != NULL ? 2 : 1);
	for (i = 0; i < t->n_merged; i++) {
		fa |= strcmp(t->merged[i], a->number) == 0;
		fb |= b != NULL && strcmp(t->merged[i], b->number) == 0;
	}
	assert_true(fa && (b == NULL || fb));
	hl_envelope_free(rep);
}

/*
 * Asserts that follower k was closed with its master (随主单办结) by who
 * closed the master.
 */
static void
closed_with_master(struct tk *k, const struct tk *master, const char *by)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;

	rep = logged(k, "close_with_master", STATE(MERGED), STATE(CLOSED), by);
	t = rep->ticket->ticket;
	assert_int_equal(t->closure, CLOSURE(WITH_MASTER));
	assert_string_equal(t->master, master->number);
	assert_non_null(strstr(newest(rep)->note, master->number));
	hl_envelope_free(rep);
}

/* Two tickets merged into a master; invalidating the master closes them WITH_MASTER. */
static void
test_merge_closed_by_invalidate(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk m, a, b;

	(void)state;
	feeds_open();
	new_triage(&m);
	new_at(&a, &dzjj);
	new_triage(&b);
	merge_into(&a, &m, STATE(DISPATCHED));
	got(FEED_ZJJ, KIND(TAKEN_AWAY), &a, "dispatcher01", STATE(MERGED));
	assert_false(listed(&dzjj, a.number));
	merge_into(&b, &m, STATE(TRIAGE));
	assert_merged(&m, &a, &b);
	rep = ask_exempt(sup, &a, &err);
	refused(rep, &err, &a, STATE(MERGED));
	rep = ask_invalidate(disp, &m, "重复来电，已并单", &err);
	done(rep, &err, STATE(CLOSED));
	closed_with_master(&a, &m, "dispatcher01");
	closed_with_master(&b, &m, "dispatcher01");
	hl_envelope_free(logged(&m, "invalidate", STATE(TRIAGE), STATE(CLOSED),
	    "dispatcher01"));
	assert_merged(&m, &a, &b);
	quiet();
}

/*
 * A ticket merged into a master at a department; the master's callback
 * closes it too.
 */
static void
test_merge_closed_by_callback(void **state)
{
	struct tk m, a;

	(void)state;
	feeds_open();
	new_at(&m, &dzjj);
	sign_lead(&dzjj, &m);
	new_triage(&a);
	merge_into(&a, &m, STATE(TRIAGE));
	reply_lead(&dzjj, &m);
	approve(&m);
	satisfied(&m);
	got(FEED_ZJJ, KIND(CLOSED), &m, "agent01", STATE(CLOSED));
	assert_merged(&m, &a, NULL);
	closed_with_master(&a, &m, "agent01");
	quiet();
}

/*
 * Merging into itself, a closed or a merged ticket is a CONFLICT; an
 * unknown master NOT_FOUND.
 */
static void
test_merge_refusals(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk k, closed, master, follower;

	(void)state;
	feeds_open();
	new_triage(&k);
	new_triage(&closed);
	new_triage(&master);
	new_triage(&follower);
	rep = ask_invalidate(disp, &closed, "骚扰电话", &err);
	done(rep, &err, STATE(CLOSED));
	hl_envelope_free(logged(&closed, "invalidate", STATE(TRIAGE),
	    STATE(CLOSED), "dispatcher01"));
	merge_into(&follower, &master, STATE(TRIAGE));
	rep = ask_merge(disp, &k, k.number, &err);
	refused(rep, &err, &k, STATE(TRIAGE));
	rep = ask_merge(disp, &k, closed.number, &err);
	refused(rep, &err, &k, STATE(TRIAGE));
	rep = ask_merge(disp, &k, follower.number, &err);
	refused(rep, &err, &k, STATE(TRIAGE));
	rep = ask_merge(disp, &closed, k.number, &err);
	refused(rep, &err, &closed, STATE(CLOSED));
	rep = ask_merge(disp, &k, "abc", &err);
	bad(rep, &err, "master");
	rep = ask_merge(disp, &k, "20000101999999", &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	unlogged(&k);
	assert_true(queued(k.number));
	quiet();
	/* Last: which field is unknown, the ticket or its master? */
	assert_string_equal(err.field, "master");
}

/* 直接办结 at intake: a consultation is closed at once, nothing on any feed. */
static void
test_direct_answer(void **state)
{
	const char *answer = "公积金提取需携带身份证和购房合同到服务大厅办理。";
	Hotline__CreateRequest req;
	Hotline__Envelope *made, *rep;
	const Hotline__Ticket *t;
	struct hl_error err;
	char call_id[64], phone[32];
	struct tk k;

	(void)state;
	feeds_open();
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "公积金提取咨询",
	    "请问公积金提取需要什么材料？");
	req.type = HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION;
	req.direct_answer = (char *)answer;
	made = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(made, err);
	t = made->created->ticket;
	assert_int_equal(t->state, STATE(CLOSED));
	assert_int_equal(t->closure, CLOSURE(DIRECT_ANSWER));
	assert_string_equal(t->direct_answer, answer);
	assert_null(t->lead_department);
	snprintf(k.number, sizeof k.number, "%s", t->number);
	hl_envelope_free(made);
	k.nhist = 1;
	hl_envelope_free(logged(&k, "answer", STATE(REGISTERED), STATE(CLOSED),
	    "agent01"));
	rep = show(&k);
	assert_string_equal(rep->ticket->ticket->history[0]->action, "create");
	assert_int_equal(rep->ticket->ticket->history[0]->to_state,
	    STATE(REGISTERED));
	hl_envelope_free(rep);
	assert_false(queued(k.number));
	quiet();
}

/* 直接办结 is only for consultations: a complaint with an answer is refused. */
static void
test_direct_answer_complaint(void **state)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *made;
	struct hl_error err;
	char call_id[64], phone[32];

	(void)state;
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "投诉物业", "物业乱收费。");
	req.direct_answer = "已解释收费标准。";
	made = harness_call(agent, BODY(CREATE), &req, &err);
	bad(made, &err, "direct_answer");
}

/*
 * 无效 from triage and from a department: CLOSED, closure INVALID, off
 * queue and list.
 */
static void
test_invalidate(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;
	struct tk a, b;

	(void)state;
	feeds_open();
	new_triage(&a);
	rep = ask_invalidate(disp, &a, "", &err);
	bad(rep, &err, "reason");
	rep = ask_invalidate(disp, &a, "骚扰电话", &err);
	t = answered(rep, &err, STATE(CLOSED));
	assert_int_equal(t->closure, CLOSURE(INVALID));
	hl_envelope_free(rep);
	rep = logged(&a, "invalidate", STATE(TRIAGE), STATE(CLOSED),
	    "dispatcher01");
	assert_string_equal(newest(rep)->note, "骚扰电话");
	assert_change(newest(rep), "closure", "4");
	hl_envelope_free(rep);
	assert_false(queued(a.number));
	new_at(&b, &dzjj);
	rep = ask_invalidate(disp, &b, "测试来电", &err);
	done(rep, &err, STATE(CLOSED));
	got(FEED_ZJJ, KIND(CLOSED), &b, "dispatcher01", STATE(CLOSED));
	hl_envelope_free(logged(&b, "invalidate", STATE(DISPATCHED),
	    STATE(CLOSED), "dispatcher01"));
	assert_false(listed(&dzjj, b.number));
	quiet();
}

/* 催办 twice: URGED to the department, urges counts. */
static void
urge_twice(struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;
	uint32_t i;
	char n[8];

	for (i = 1; i <= 2; i++) {
		rep = ask_urge(sup, k, &err);
		t = answered(rep, &err, STATE(ACCEPTED));
		assert_int_equal(t->urges, i);
		hl_envelope_free(rep);
		got(FEED_ZJJ, KIND(URGED), k, "supervisor01", STATE(ACCEPTED));
		rep = logged(k, "urge", STATE(ACCEPTED), STATE(ACCEPTED),
		    "supervisor01");
		snprintf(n, sizeof n, "%u", i);
		assert_change(newest(rep), "urges", n);
		assert_string_equal(newest(rep)->note, "请尽快处理");
		hl_envelope_free(rep);
	}
}

/* 督办: SUPERVISED to the department, which sees the order. */
static void
supervise(struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Supervision *s;
	struct hl_error err;

	rep = ask_supervise(sup, k, "2 days", &err);
	bad(rep, &err, "limit");
	rep = ask_supervise(sup, k, "2wd", &err);
	done(rep, &err, STATE(ACCEPTED));
	got(FEED_ZJJ, KIND(SUPERVISED), k, "supervisor01", STATE(ACCEPTED));
	hl_envelope_free(logged(k, "supervise", STATE(ACCEPTED),
	    STATE(ACCEPTED), "supervisor01"));
	rep = show_as(dzjj.c, k->number);
	s = rep->ticket->ticket->supervision;
	assert_non_null(s);
	assert_string_equal(s->text, "限期办结并书面反馈");
	assert_string_equal(s->limit, "2wd");
	assert_string_equal(s->issued_by, "supervisor01");
	assert_true(s->issued_at > 0);
	assert_string_equal(s->answer, "");
	assert_int_equal(s->answered_at, 0);
	hl_envelope_free(rep);
}

/* 督办反馈: SUPERVISION_ANSWERED to the supervisors; a second answer is a CONFLICT. */
static void
answer_supervision(struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = ask_answer(dzjj.c, k, "已约谈物业，三日内修复", &err);
	t = answered(rep, &err, STATE(ACCEPTED));
	assert_string_equal(t->supervision->answer, "已约谈物业，三日内修复");
	assert_true(t->supervision->answered_at > 0);
	hl_envelope_free(rep);
	got(FEED_SUPERVISION, KIND(SUPERVISION_ANSWERED), k, "zjj-01",
	    STATE(ACCEPTED));
	rep = logged(k, "answer_supervision", STATE(ACCEPTED), STATE(ACCEPTED),
	    "zjj-01");
	assert_change(newest(rep), "sup_answer", "已约谈物业，三日内修复");
	hl_envelope_free(rep);
	rep = ask_answer(dzjj.c, k, "再次反馈", &err);
	refused(rep, &err, k, STATE(ACCEPTED));
}

/* Urge, supervise, the department's answer, exempt (免考核). */
static void
test_urge_supervise_exempt(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;
	struct tk k;

	(void)state;
	feeds_open();
	new_at(&k, &dzjj);
	sign_lead(&dzjj, &k);
	rep = ask_answer(dzjj.c, &k, "无督办也反馈", &err);
	refused(rep, &err, &k, STATE(ACCEPTED));
	urge_twice(&k);
	supervise(&k);
	answer_supervision(&k);
	rep = ask_exempt(sup, &k, &err);
	t = answered(rep, &err, STATE(ACCEPTED));
	assert_true(t->exempt);
	assert_string_equal(t->exempt_reason, "诉求明显不合理");
	hl_envelope_free(rep);
	rep = logged(&k, "exempt", STATE(ACCEPTED), STATE(ACCEPTED),
	    "supervisor01");
	assert_change(newest(rep), "exempt", "1");
	hl_envelope_free(rep);
	quiet();
}

/*
 * A progress note by d on k: NOTE to both departments, state unchanged, in
 * the history.
 */
static void
note_by(const struct dept *d, struct tk *k, const char *text)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = ask_note(d->c, k, text, &err);
	done(rep, &err, STATE(DISPATCHED));
	got(FEED_ZJJ, KIND(NOTE), k, d->principal, STATE(DISPATCHED));
	got(FEED_WATER, KIND(NOTE), k, d->principal, STATE(DISPATCHED));
	rep = logged(k, "note", STATE(DISPATCHED), STATE(DISPATCHED),
	    d->principal);
	assert_string_equal(newest(rep)->note, text);
	assert_int_equal(newest(rep)->n_changes, 0);
	hl_envelope_free(rep);
}

/* Notes (进展) by the lead and by the assisting department. */
static void
test_notes(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk k;

	(void)state;
	feeds_open();
	new_triage(&k);
	cohandle_dispatch(&k);
	note_by(&dzjj, &k, "已联系楼上住户");
	note_by(&dwater, &k, "已派人检测管网");
	rep = ask_note(dzjj.c, &k, "", &err);
	bad(rep, &err, "text");
	quiet();
}

/*
 * History an earlier version wrote (a list, one JSON object per entry) reads
 * as it did, beside the compact entries (history.lua), and the next step is
 * appended to it: a ticket stored before an upgrade shows the same timeline
 * after it.
 */
static void
test_history_earlier_form(void **state)
{
	static const char old[] = "{\"principal\":\"dispatcher01\","
	    "\"action\":\"note\",\"changes\":[{\"value\":\"旧值\","
	    "\"field\":\"remark\"}],\"dept\":\"zjj\",\"at\":1796664346149,"
	    "\"role\":2,\"from\":2,\"note\":\"旧格式的记录\",\"to\":2}";
	static const char as_list[] = "local s = redis.call('GET', KEYS[1]) "
	    "redis.call('DEL', KEYS[1]) "
	    "for e in string.gmatch(s, '[^\\n]+') do "
	    "redis.call('RPUSH', KEYS[1], e) end "
	    "return redis.call('RPUSH', KEYS[1], ARGV[1])";
	redisContext *rc = harness_redis(&h);
	const Hotline__HistoryEntry *e;
	const Hotline__Ticket *t;
	Hotline__Envelope *rep;
	redisReply *r;
	struct tk k;

	(void)state;
	feeds_open();
	new_triage(&k);
	r = redisCommand(rc, "EVAL %s 1 ht:history:%s %s", as_list, k.number,
	    old);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_INTEGER);
	freeReplyObject(r);
	redisFree(rc);
	rep = show(&k);
	t = rep->ticket->ticket;
	assert_int_equal(t->n_history, k.nhist + 1);
	assert_string_equal(t->history[0]->action, "create");	/* compact */
	assert_string_equal(t->history[0]->principal, "agent01");
	e = newest(rep);
	assert_string_equal(e->action, "note");
	assert_string_equal(e->principal, "dispatcher01");
	assert_int_equal(e->role, 2);
	assert_int_equal(e->at, 1796664346149LL);
	assert_int_equal(e->from_state, 2);
	assert_int_equal(e->to_state, 2);
	assert_string_equal(e->note, "旧格式的记录");
	assert_string_equal(e->department, "zjj");
	assert_int_equal(e->n_changes, 1);
	assert_string_equal(e->changes[0]->field, "remark");
	assert_string_equal(e->changes[0]->value, "旧值");
	hl_envelope_free(rep);
	k.nhist++;
	dispatch_to(&k, &dzjj);		/* appended to the list */
	rep = show(&k);
	assert_clock_started(newest(rep), 1);
	hl_envelope_free(rep);
	quiet();
}

/* An assisting department sees the ticket but may not act as the lead. */
static void
test_assist_not_lead(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk k;

	(void)state;
	feeds_open();
	new_triage(&k);
	cohandle_dispatch(&k);
	cohandle_assist_signs(&k);
	cohandle_lead_signs(&k);
	rep = show_as(dwater.c, k.number);
	assert_string_equal(rep->ticket->ticket->lead_department->id, "zjj");
	hl_envelope_free(rep);
	rep = ask_return(dwater.c, &k, "非本单位职责", "《城市供水条例》",
	    &err);
	forbidden(rep, &err, &k);
	assert_non_null(strstr(err.message_en, "only the lead"));
	rep = ask_extend(dwater.c, &k, "5wd", "需要时间", &err);
	forbidden(rep, &err, &k);
	assert_non_null(strstr(err.message_en, "only the lead"));
	rep = ask_suspend(dwater.c, &k, "等待材料", &err);
	forbidden(rep, &err, &k);
	assert_non_null(strstr(err.message_en, "only the lead"));
	rep = ask_supervise(sup, &k, "", &err);
	done(rep, &err, STATE(ACCEPTED));
	hl_envelope_free(logged(&k, "supervise", STATE(ACCEPTED),
	    STATE(ACCEPTED), "supervisor01"));
	got(FEED_ZJJ, KIND(SUPERVISED), &k, "supervisor01", STATE(ACCEPTED));
	got(FEED_WATER, KIND(SUPERVISED), &k, "supervisor01", STATE(ACCEPTED));
	rep = ask_answer(dwater.c, &k, "协办反馈", &err);
	forbidden(rep, &err, &k);
	assert_non_null(strstr(err.message_en, "only the lead"));
	quiet();
}

/*
 * Another department may not show, sign, note, return, extend, suspend,
 * reply or answer: to it the ticket does not exist.
 */
static void
test_other_department_forbidden(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk k;

	(void)state;
	feeds_open();
	new_at(&k, &dzjj);
	sign_lead(&dzjj, &k);
	rep = harness_show(dwater.c, k.number, &err);
	not_theirs(rep, &err, &k);
	rep = harness_sign(dwater.c, k.number, &err);
	not_theirs(rep, &err, &k);
	rep = ask_note(dwater.c, &k, "越权进展", &err);
	not_theirs(rep, &err, &k);
	rep = ask_return(dwater.c, &k, "越权退单", "无", &err);
	not_theirs(rep, &err, &k);
	rep = ask_extend(dsthjj.c, &k, "5wd", "越权延期", &err);
	not_theirs(rep, &err, &k);
	rep = ask_suspend(dsthjj.c, &k, "越权挂起", &err);
	not_theirs(rep, &err, &k);
	rep = harness_reply(dsthjj.c, k.number, "越权回复", &err);
	not_theirs(rep, &err, &k);
	rep = ask_answer(dsthjj.c, &k, "越权反馈", &err);
	not_theirs(rep, &err, &k);
	assert_false(listed(&dwater, k.number));
	assert_false(listed(&dsthjj, k.number));
	rep = show(&k);
	assert_int_equal(rep->ticket->ticket->state, STATE(ACCEPTED));
	hl_envelope_free(rep);
	quiet();
}

/* The secrets of a confidential caller, which no department view may carry. */
struct secret {
	char name[32];
	char phone[32];
	char call_id[64];
};

/* Asserts that no byte of t's wire form spells s (a name, a phone, a call id). */
static void
assert_absent(const Hotline__Ticket *t, const char *s)
{
	size_t len = hotline__ticket__get_packed_size(t);
	uint8_t *buf = malloc(len + 1);
	int found;

	assert_non_null(buf);
	hotline__ticket__pack(t, buf);
	found = memmem(buf, len, s, strlen(s)) != NULL;
	free(buf);
	if (found)
		fail_msg("a department's view of %s contains \"%s\"",
		    t->number, s);
}

/* Asserts that t hides the confidential caller of sec: name, call id, phone blank. */
static void
assert_hidden(const Hotline__Ticket *t, const struct secret *sec)
{
	assert_true(t->confidential);
	assert_string_equal(t->caller_name, "");
	assert_string_equal(t->call_id, "");
	assert_string_equal(t->caller_phone, "");
	assert_absent(t, sec->name);
	assert_absent(t, sec->phone);
	assert_absent(t, sec->call_id);
}

/* Asserts that staff see the whole caller of sec. */
static void
assert_whole(const Hotline__Ticket *t, const struct secret *sec)
{
	assert_string_equal(t->caller_name, sec->name);
	assert_string_equal(t->caller_phone, sec->phone);
	assert_string_equal(t->call_id, sec->call_id);
}

/* Creates a confidential ticket in triage; the centre's feed shows the caller. */
static void
create_confidential(struct tk *k, struct secret *sec)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *made, *ev;
	struct hl_error err;

	harness_create_init(&req, sec->call_id, sizeof sec->call_id,
	    harness_phone(sec->phone, sizeof sec->phone), "楼上漏水",
	    "保密来电：楼上卫生间漏水。");
	snprintf(sec->name, sizeof sec->name, "王秀英");
	req.caller_name = sec->name;
	req.confidential = 1;
	made = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(made, err);
	assert_whole(made->created->ticket, sec);
	snprintf(k->number, sizeof k->number, "%s",
	    made->created->ticket->number);
	k->nhist = 2;
	hl_envelope_free(made);
	ev = expect(FEED_CENTRE, KIND(TRIAGED), k->number);
	assert_whole(ev->event->ticket, sec);
	hl_envelope_free(ev);
}

/* Asserts the next event of a department feed hides the caller. */
static void
event_hidden(enum feed f, Hotline__EventKind kind, const struct tk *k,
    const struct secret *sec)
{
	Hotline__Envelope *ev = expect(f, kind, k->number);

	assert_hidden(ev->event->ticket, sec);
	hl_envelope_free(ev);
}

/* Asserts that d's show (with history) and list hide the caller. */
static void
views_hidden(const struct dept *d, const struct tk *k,
    const struct secret *sec)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	size_t i;
	int seen = 0;

	rep = show_as(d->c, k->number);
	assert_true(rep->ticket->ticket->n_history >= 3);
	assert_hidden(rep->ticket->ticket, sec);
	hl_envelope_free(rep);
	rep = harness_list(d->c, 1000, &err);
	assert_reply(rep, err);
	for (i = 0; i < rep->tickets->n_tickets; i++)
		if (strcmp(rep->tickets->tickets[i]->number, k->number) == 0) {
			assert_hidden(rep->tickets->tickets[i], sec);
			seen = 1;
		}
	assert_true(seen);
	hl_envelope_free(rep);
}

/*
 * A confidential caller: hidden in every department view (show, list,
 * events, answers), whole for staff.
 */
static void
test_confidential(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct secret sec;
	struct tk k;

	(void)state;
	feeds_open();
	create_confidential(&k, &sec);
	rep = ask_route(disp, BODY(DISPATCH), &k, "zjj", "water", &err);
	assert_reply(rep, err);
	assert_whole(rep->ticket->ticket, &sec);
	hl_envelope_free(rep);
	event_hidden(FEED_ZJJ, KIND(DISPATCHED), &k, &sec);
	event_hidden(FEED_WATER, KIND(DISPATCHED), &k, &sec);
	rep = harness_sign(dwater.c, k.number, &err);
	assert_hidden(answered(rep, &err, STATE(DISPATCHED)), &sec);
	hl_envelope_free(rep);
	event_hidden(FEED_ZJJ, KIND(SIGNED), &k, &sec);
	event_hidden(FEED_WATER, KIND(SIGNED), &k, &sec);
	views_hidden(&dzjj, &k, &sec);
	views_hidden(&dwater, &k, &sec);
	rep = show_as(sup, k.number);
	assert_whole(rep->ticket->ticket, &sec);
	hl_envelope_free(rep);
	rep = show_as(agent, k.number);
	assert_whole(rep->ticket->ticket, &sec);
	hl_envelope_free(rep);
	quiet();
}

/* Refusals in triage (a department may not even learn its state: FORBIDDEN). */
static void
refusals_triage(struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = ask_route(disp, BODY(REDISPATCH), k, "zjj", NULL, &err);
	refused(rep, &err, k, STATE(TRIAGE));
	rep = ask_urge(sup, k, &err);
	refused(rep, &err, k, STATE(TRIAGE));
	rep = ask_callback(agent, k, RESULT(SATISFIED), "", &err);
	refused(rep, &err, k, STATE(TRIAGE));
	rep = ask_review(disp, k, 1, "", &err);
	refused(rep, &err, k, STATE(TRIAGE));
	rep = harness_reply(dzjj.c, k->number, "未派先回", &err);
	not_theirs(rep, &err, k);
}

/* Refusals of a dispatched ticket. */
static void
refusals_dispatched(struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = ask_review(disp, k, 1, "", &err);
	refused(rep, &err, k, STATE(DISPATCHED));
	rep = ask_extend(dzjj.c, k, "5wd", "未签收先延期", &err);
	refused(rep, &err, k, STATE(DISPATCHED));
	rep = harness_reply(dzjj.c, k->number, "未签收先回复", &err);
	refused(rep, &err, k, STATE(DISPATCHED));
	rep = ask_callback(agent, k, RESULT(SATISFIED), "", &err);
	refused(rep, &err, k, STATE(DISPATCHED));
	rep = ask_route(disp, BODY(DISPATCH), k, "water", NULL, &err);
	refused(rep, &err, k, STATE(DISPATCHED));
}

/* Refusals of an accepted, then of a suspended ticket. */
static void
refusals_accepted(struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = ask_callback(agent, k, RESULT(SATISFIED), "", &err);
	refused(rep, &err, k, STATE(ACCEPTED));
	rep = ask_resume(dzjj.c, k, &err);
	refused(rep, &err, k, STATE(ACCEPTED));
	rep = harness_sign(dzjj.c, k->number, &err);
	refused(rep, &err, k, STATE(ACCEPTED));
	rep = ask_review(disp, k, 0, "退回", &err);
	refused(rep, &err, k, STATE(ACCEPTED));
	rep = ask_suspend(dzjj.c, k, "等待材料", &err);
	done(rep, &err, STATE(SUSPENDED));
	got(FEED_ZJJ, KIND(SUSPENDED), k, "zjj-01", STATE(SUSPENDED));
	got(FEED_CENTRE, KIND(SUSPENDED), k, "zjj-01", STATE(SUSPENDED));
	hl_envelope_free(logged(k, "suspend", STATE(ACCEPTED),
	    STATE(SUSPENDED), "zjj-01"));
	rep = harness_reply(dzjj.c, k->number, "挂起中回复", &err);
	refused(rep, &err, k, STATE(SUSPENDED));
	rep = ask_suspend(dzjj.c, k, "再次挂起", &err);
	refused(rep, &err, k, STATE(SUSPENDED));
	rep = ask_resume(dzjj.c, k, &err);
	done(rep, &err, STATE(ACCEPTED));
	got(FEED_ZJJ, KIND(RESUMED), k, "zjj-01", STATE(ACCEPTED));
	got(FEED_CENTRE, KIND(RESUMED), k, "zjj-01", STATE(ACCEPTED));
	hl_envelope_free(logged(k, "resume", STATE(SUSPENDED),
	    STATE(ACCEPTED), "zjj-01"));
}

/* Refusals of a replied, then of an awaiting-callback ticket. */
static void
refusals_replied(struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = ask_note(dzjj.c, k, "回复后进展", &err);
	refused(rep, &err, k, STATE(REPLIED));
	rep = harness_sign(dzjj.c, k->number, &err);
	refused(rep, &err, k, STATE(REPLIED));
	rep = ask_route(disp, BODY(REDISPATCH), k, "water", NULL, &err);
	refused(rep, &err, k, STATE(REPLIED));
	rep = ask_invalidate(disp, k, "无效", &err);
	refused(rep, &err, k, STATE(REPLIED));
	approve(k);
	rep = ask_review(disp, k, 1, "", &err);
	refused(rep, &err, k, STATE(AWAITING_CALLBACK));
	rep = ask_urge(sup, k, &err);
	refused(rep, &err, k, STATE(AWAITING_CALLBACK));
}

/* Refusals of a closed ticket. */
static void
refusals_closed(struct tk *k)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_sign(dzjj.c, k->number, &err);
	refused(rep, &err, k, STATE(CLOSED));
	rep = ask_invalidate(disp, k, "无效", &err);
	refused(rep, &err, k, STATE(CLOSED));
	rep = ask_callback(agent, k, RESULT(UNSATISFIED), "不满意", &err);
	refused(rep, &err, k, STATE(CLOSED));
	rep = ask_note(dzjj.c, k, "办结后进展", &err);
	refused(rep, &err, k, STATE(CLOSED));
	rep = ask_route(disp, BODY(REDISPATCH), k, "water", NULL, &err);
	refused(rep, &err, k, STATE(CLOSED));
}

/*
 * Every refused transition answers CONFLICT naming the current state, at
 * every state.
 */
static void
test_refused_transitions(void **state)
{
	struct tk k;

	(void)state;
	feeds_open();
	new_triage(&k);
	refusals_triage(&k);
	dispatch_to(&k, &dzjj);
	refusals_dispatched(&k);
	sign_lead(&dzjj, &k);
	refusals_accepted(&k);
	reply_lead(&dzjj, &k);
	refusals_replied(&k);
	satisfied(&k);
	got(FEED_ZJJ, KIND(CLOSED), &k, "agent01", STATE(CLOSED));
	refusals_closed(&k);
	quiet();
}

/*
 * Asserts that role may not make the call: FORBIDDEN naming the role,
 * nothing logged.
 */
static void
role_refused(Hotline__Envelope *rep, const struct hl_error *err,
    const struct tk *k, const char *role)
{
	forbidden(rep, err, k);
	if (strstr(err->message_en, role) == NULL)
		fail_msg("\"%s\" does not name role %s", err->message_en, role);
	if (strstr(err->message, "无权") == NULL)
		fail_msg("\"%s\" is not Chinese", err->message);
}

/* Each role is held to its own operations (session.c's table). */
static void
test_roles(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk k;

	(void)state;
	feeds_open();
	to_callback(&k, &dzjj);
	rep = harness_sign(disp, k.number, &err);
	role_refused(rep, &err, &k, "dispatcher");
	rep = ask_route(dzjj.c, BODY(DISPATCH), &k, "zjj", NULL, &err);
	role_refused(rep, &err, &k, "department");
	rep = ask_urge(agent, &k, &err);
	role_refused(rep, &err, &k, "agent");
	rep = ask_callback(sup, &k, RESULT(SATISFIED), "", &err);
	role_refused(rep, &err, &k, "supervisor");
	rep = ask_callback(disp, &k, RESULT(SATISFIED), "", &err);
	role_refused(rep, &err, &k, "dispatcher");
	rep = ask_review(agent, &k, 1, "", &err);
	role_refused(rep, &err, &k, "agent");
	rep = ask_invalidate(dzjj.c, &k, "无效", &err);
	role_refused(rep, &err, &k, "department");
	rep = ask_merge(sup, &k, k.number, &err);
	role_refused(rep, &err, &k, "supervisor");
	rep = show(&k);
	assert_int_equal(rep->ticket->ticket->state, STATE(AWAITING_CALLBACK));
	hl_envelope_free(rep);
	quiet();
}

/* Runs the group: its setup starts the servers and logs the actors in. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cohandled_walk),
		cmocka_unit_test(test_assist_reply_recorded),
		cmocka_unit_test(test_cohandled_reopen),
		cmocka_unit_test(test_cohandled_send_back),
		cmocka_unit_test(test_return_redispatch_dispute),
		cmocka_unit_test(test_redispatch_takes_away),
		cmocka_unit_test(test_extension),
		cmocka_unit_test(test_suspend_resume),
		cmocka_unit_test(test_reply_sent_back),
		cmocka_unit_test(test_reopen_walk),
		cmocka_unit_test(test_callback_unreachable),
		cmocka_unit_test(test_merge_closed_by_invalidate),
		cmocka_unit_test(test_merge_closed_by_callback),
		cmocka_unit_test(test_merge_refusals),
		cmocka_unit_test(test_direct_answer),
		cmocka_unit_test(test_direct_answer_complaint),
		cmocka_unit_test(test_invalidate),
		cmocka_unit_test(test_urge_supervise_exempt),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_history_earlier_form),
		cmocka_unit_test(test_assist_not_lead),
		cmocka_unit_test(test_other_department_forbidden),
		cmocka_unit_test(test_confidential),
		cmocka_unit_test(test_refused_transitions),
		cmocka_unit_test(test_roles),
	};

	harness_filter();
	return cmocka_run_group_tests_name("lifecycle", tests, setup, teardown);
}
