/* Integration tests of 限时办结: deadlines at intake, warning and overdue timers, extension, suspension, re-dispatch, callback and supervision clocks, two daemons, restarts, reloads. */
#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

/* How long an expected event may take; how long feeds are watched for strays. */
#define EVENT_MS 5000
#define QUIET_MS 250
/* How far past a due time the clock is moved; what a step may cost in running time. */
#define PAST_MS 1000
#define STEP_MS 1000
#define MINUTE_MS 60000LL
#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)
/* Business time of one working day under the default hours (08:30-12:00, 14:30-18:00). */
#define WORKDAY_MS (7 * HOUR_MS)
#define FEED_LOG 2048
/* A timer armed this far ahead must fire within ON_TIME_MS of its due time. */
#define ON_TIME_LEAD_MS 500
#define ON_TIME_MS 300

/* The clocks of a complaint (投诉) under the default policy. */
#define COMPLAINT "10wd"
#define COMPLAINT_WARN "9wd"

#define TYPE(x) HOTLINE__TICKET_TYPE__TICKET_TYPE_##x
#define URGENCY(x) HOTLINE__URGENCY__URGENCY_##x
#define RESULT(x) HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_##x

/* One event a feed received: enough to count them. */
struct seen {
	Hotline__EventKind kind;
	char number[32];
	char note[200];		/* DEADLINE_MOVED's */
};

/* A watching terminal and every event it received during the test. */
struct feed {
	const char *principal;
	struct hl_client *c;
	struct seen log[FEED_LOG];
	size_t n;
};

/* A ticket under test and when its clocks started. */
struct tk {
	char number[32];
	int64_t from;
};

static struct harness h;
static struct hl_client *agent, *disp, *sup, *admin, *water, *zjj;
static struct feed fwater = { .principal = "water-01" };
static struct feed fzjj = { .principal = "zjj-02" };
static struct feed fcentre = { .principal = "dispatcher01" };
static struct feed fsup = { .principal = "supervisor01" };
static struct feed *const feeds[] = { &fwater, &fzjj, &fcentre, &fsup };
#define NFEEDS (sizeof feeds / sizeof feeds[0])

/* Asserts what the ticket of a timer's event (kinds 21-25) shows. */
static void
check_timer_event(const Hotline__Event *e)
{
	const Hotline__Ticket *t = e->ticket;

	assert_string_equal(e->actor, "hotlined");
	assert_non_null(t);
	assert_string_equal(t->number, e->number);
	if (e->kind == KIND(SIGN_OVERDUE))
		assert_true(t->sign_overdue);
	if (e->kind == KIND(WARNING))
		assert_true(t->warned);
	if (e->kind == KIND(OVERDUE))
		assert_true(t->overdue);
	if (e->kind == KIND(SUPERVISION_OVERDUE)) {
		assert_non_null(t->supervision);
		assert_true(t->supervision->overdue);
	}
}

/* Records an event of f (and frees it). */
static void
feed_note(struct feed *f, Hotline__Envelope *ev)
{
	const Hotline__Event *e = ev->event;

	assert_int_equal(ev->body_case, BODY(EVENT));
	if (e->kind >= KIND(SIGN_OVERDUE) && e->kind <= KIND(CALLBACK_OVERDUE))
		check_timer_event(e);
	if (f->n < FEED_LOG) {
		f->log[f->n].kind = e->kind;
		snprintf(f->log[f->n].number, sizeof f->log[0].number, "%s",
		    e->number);
		snprintf(f->log[f->n].note, sizeof f->log[0].note, "%s",
		    e->note != NULL ? e->note : "");
		f->n++;
	}
	hl_envelope_free(ev);
}

/* Reads one event of f within ms and records it; 1 if there was one. */
static int
feed_read(struct feed *f, int ms)
{
	Hotline__Envelope *ev = harness_event(f->c, ms);

	if (ev == NULL)
		return 0;
	feed_note(f, ev);
	return 1;
}

/* Waits QUIET_MS, then records whatever every feed received. */
static void
feeds_pump(void)
{
	size_t i;

	harness_sleep_ms(QUIET_MS);
	for (i = 0; i < NFEEDS; i++)
		while (feed_read(feeds[i], 0))
			;
}

/* How many events of kind for number f received so far. */
static int
feed_count(const struct feed *f, Hotline__EventKind kind, const char *number)
{
	size_t i;
	int n = 0;

	for (i = 0; i < f->n; i++)
		if (f->log[i].kind == kind &&
		    strcmp(f->log[i].number, number) == 0)
			n++;
	return n;
}

/* Waits (bounded) until f received an event of kind for k; asserts it came once. */
static void
feed_await(struct feed *f, Hotline__EventKind kind, const struct tk *k)
{
	int64_t end = harness_now_ms() + EVENT_MS;

	if (feed_count(f, kind, k->number) == 0) {
		do {
			int64_t left = end - harness_now_ms();

			if (left <= 0 || !feed_read(f, (int)left))
				fail_msg("%s: no event %d for %s within %d ms",
				    f->principal, kind, k->number, EVENT_MS);
		} while (feed_count(f, kind, k->number) == 0);
		feeds_pump();
	}
	if (feed_count(f, kind, k->number) != 1)
		fail_msg("%s: %d events %d for %s, expected one", f->principal,
		    feed_count(f, kind, k->number), kind, k->number);
}

/* Asserts that f never received an event of kind for k. */
static void
feed_none(const struct feed *f, Hotline__EventKind kind, const struct tk *k)
{
	if (feed_count(f, kind, k->number) != 0)
		fail_msg("%s: unexpected event %d for %s", f->principal, kind,
		    k->number);
}

/* Opens f's terminal, watching from now on; -1 (printed) on failure. */
static int
feed_open(struct feed *f)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	f->n = 0;
	if ((f->c = harness_login(&h, f->principal)) == NULL)
		return -1;
	rep = harness_watch(f->c, "", &err);
	if (rep == NULL || rep->body_case != BODY(WATCHING)) {
		fprintf(stderr, "watch as %s: %s\n", f->principal, err.message);
		hl_envelope_free(rep);
		return -1;
	}
	hl_envelope_free(rep);
	return 0;
}

/* Logs in every actor and opens every feed; -1 if one failed. */
static int
clients_open(void)
{
	struct hl_client **c[] = { &agent, &disp, &sup, &admin, &water, &zjj };
	const char *who[] = { "agent01", "dispatcher01", "supervisor01",
	    "admin01", "water-01", "zjj-01" };
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		if ((*c[i] = harness_login(&h, who[i])) == NULL)
			return -1;
	for (i = 0; i < NFEEDS; i++)
		if (feed_open(feeds[i]) == -1)
			return -1;
	return 0;
}

/* Closes every actor's and feed's connection. */
static void
clients_close(void)
{
	struct hl_client **const c[] = { &agent, &disp, &sup, &admin, &water,
	    &zjj, &fwater.c, &fzjj.c, &fcentre.c, &fsup.c };

	harness_close_each(c, sizeof c / sizeof c[0]);
}

/* Per test: fresh servers (the clock can only move forward), actors and feeds. */
static int
setup(void **state)
{
	(void)state;
	if (harness_start(&h) == -1)
		return -1;
	if (clients_open() == 0)
		return 0;
	clients_close();
	harness_stop(&h);
	return -1;
}

/* Per test: closes every connection and stops the servers. */
static int
teardown(void **state)
{
	(void)state;
	clients_close();
	return harness_stop(&h);
}

/* Sends one request as c and returns the answer, failing on an Error. */
static Hotline__Envelope *
call_ok(struct hl_client *c, Hotline__Envelope__BodyCase body, void *req)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_call(c, body, req, &err);
	assert_reply(rep, err);
	return rep;
}

/* The daemons' shared clock now (Pong.server_time). */
static int64_t
server_now(void)
{
	return harness_server_now(admin);
}

/* Runs a Redis command with one integer argument and an integer answer. */
static long long
redis_int(const char *fmt, long long arg)
{
	redisContext *rc = harness_redis(&h);
	redisReply *r;
	long long n = -1;

	assert_non_null(rc);
	r = redisCommand(rc, fmt, arg);
	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		n = r->integer;
	if (r != NULL)
		freeReplyObject(r);
	redisFree(rc);
	return n;
}

/* Sums dept's counter over the monthly counters (ht:stats:<yyyymm>:d, field "<dept>:<counter>"; stats.lua). */
static long long
month_counter(const char *dept, const char *counter)
{
	redisContext *rc = harness_redis(&h);
	redisReply *keys, *v;
	long long sum = 0;
	size_t i;

	assert_non_null(rc);
	keys = redisCommand(rc, "KEYS ht:stats:[0-9][0-9][0-9][0-9][0-9][0-9]:d");
	assert_non_null(keys);
	for (i = 0; i < keys->elements; i++) {
		v = redisCommand(rc, "HGET %s %s:%s", keys->element[i]->str,
		    dept, counter);
		if (v != NULL && v->type == REDIS_REPLY_STRING)
			sum += strtoll(v->str, NULL, 10);
		if (v != NULL)
			freeReplyObject(v);
	}
	freeReplyObject(keys);
	redisFree(rc);
	return sum;
}

/* Waits (bounded) until no daemon has a timer due by at left, then records the feeds. */
static void
settle(int64_t at)
{
	harness_timers_settle(&h, at, EVENT_MS);
	feeds_pump();
}

/* Moves the shared clock forward by ms (ShiftClockRequest); returns the new time. */
static int64_t
shift_by(int64_t ms)
{
	return harness_shift_clock(admin, ms);
}

/* Moves the shared clock just past t and waits for what came due. */
static void
pass(int64_t t)
{
	int64_t now = server_now();

	if (now <= t + PAST_MS)
		now = shift_by(t + PAST_MS - now);
	assert_true(now > t);
	settle(now);
}

/* The daemon's own arithmetic (DeadlineRequest): when limit started at from ends. */
static int64_t
due(int64_t from, const char *limit)
{
	return harness_due(admin, from, limit);
}

/* Creates a ticket as agent c with type and urgency; returns the CREATED answer. */
static Hotline__Envelope *
create_on(struct hl_client *c, struct tk *k, const char *title,
    const char *content, Hotline__TicketType type, Hotline__Urgency urgency)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	char call_id[64], phone[32];

	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), title, content);
	req.type = type;
	req.urgency = urgency;
	rep = call_ok(c, BODY(CREATE), &req);
	assert_int_equal(rep->body_case, BODY(CREATED));
	snprintf(k->number, sizeof k->number, "%s",
	    rep->created->ticket->number);
	k->from = rep->created->ticket->created_at;
	return rep;
}

/* The same as agent01. */
static Hotline__Envelope *
create(struct tk *k, const char *title, const char *content,
    Hotline__TicketType type, Hotline__Urgency urgency)
{
	return create_on(agent, k, title, content, type, urgency);
}

/* A new complaint ("停水") dispatched to water through agent c; returns its complete_due_at. */
static int64_t
new_water_on(struct hl_client *c, struct tk *k)
{
	Hotline__Envelope *made = create_on(c, k, "小区停水",
	    "全小区停水，已经四个小时。", TYPE(COMPLAINT), URGENCY(NORMAL));
	int64_t end = made->created->ticket->complete_due_at;

	assert_int_equal(made->created->ticket->state, STATE(DISPATCHED));
	assert_string_equal(made->created->ticket->lead_department->id,
	    "water");
	hl_envelope_free(made);
	return end;
}

/* The same as agent01. */
static int64_t
new_water(struct tk *k)
{
	return new_water_on(agent, k);
}

/* Shows k as agent01, who sees everything. */
static Hotline__Envelope *
show(const struct tk *k)
{
	Hotline__ShowRequest req = HOTLINE__SHOW_REQUEST__INIT;
	Hotline__Envelope *rep;

	req.number = (char *)k->number;
	rep = call_ok(agent, BODY(SHOW), &req);
	assert_int_equal(rep->body_case, BODY(TICKET));
	return rep;
}

/* Asserts an answer is the ticket in state; returns the ticket. */
static const Hotline__Ticket *
in_state(const Hotline__Envelope *rep, Hotline__TicketState state)
{
	assert_int_equal(rep->body_case, BODY(TICKET));
	assert_int_equal(rep->ticket->ticket->state, state);
	return rep->ticket->ticket;
}

/* Counts the history entries of t with action. */
static size_t
history_count(const Hotline__Ticket *t, const char *action)
{
	size_t i, n = 0;

	for (i = 0; i < t->n_history; i++)
		if (strcmp(t->history[i]->action, action) == 0)
			n++;
	return n;
}

/* Returns the last history entry of t with action; fails if there is none. */
static const Hotline__HistoryEntry *
history_last(const Hotline__Ticket *t, const char *action)
{
	size_t i;

	for (i = t->n_history; i > 0; i--)
		if (strcmp(t->history[i - 1]->action, action) == 0)
			return t->history[i - 1];
	fail_msg("%s: no history entry %s", t->number, action);
	return NULL;
}

/* Returns the value a history entry set field to, or NULL. */
static const char *
change_of(const Hotline__HistoryEntry *e, const char *field)
{
	size_t i;

	for (i = 0; i < e->n_changes; i++)
		if (strcmp(e->changes[i]->field, field) == 0)
			return e->changes[i]->value;
	return NULL;
}

/* When k's last step action (dispatch, redispatch, reopen) started its clocks, from its history. */
static int64_t
dispatched_at(const struct tk *k, const char *action)
{
	Hotline__Envelope *rep = show(k);
	const char *v;
	int64_t at;

	v = change_of(history_last(rep->ticket->ticket, action),
	    "dispatched_at");
	assert_non_null(v);
	at = strtoll(v, NULL, 10);
	hl_envelope_free(rep);
	return at;
}

/* Asserts that k's history has exactly one timer entry action, by hotlined, setting flag; returns its time. */
static int64_t
fired_once(const struct tk *k, const char *action, const char *flag)
{
	Hotline__Envelope *rep = show(k);
	const Hotline__Ticket *t = rep->ticket->ticket;
	const Hotline__HistoryEntry *e;
	size_t n = history_count(t, action);
	int64_t at;

	if (n != 1) {
		hl_envelope_free(rep);
		fail_msg("%s: %zu history entries %s, expected one", k->number,
		    n, action);
	}
	e = history_last(t, action);
	assert_string_equal(e->principal, "hotlined");
	assert_int_equal(e->role, ROLE(UNSPECIFIED));
	assert_int_equal(e->from_state, e->to_state);
	assert_non_null(change_of(e, flag));
	assert_string_equal(change_of(e, flag), "1");
	at = e->at;
	hl_envelope_free(rep);
	return at;
}

/* Asserts t's sign, completion, warning and return clocks started at from. */
static void
assert_wd_clocks(const Hotline__Ticket *t, int64_t from, const char *limit,
    const char *warn_limit)
{
	assert_int_equal(t->sign_due_at, due(from, "1wd"));
	assert_int_equal(t->complete_due_at, due(from, limit));
	assert_int_equal(t->warn_at, due(from, warn_limit));
	assert_int_equal(t->return_until, due(from, "2wd"));
	assert_string_equal(t->complete_limit, limit);
	assert_true(from < t->sign_due_at);
	assert_true(from < t->warn_at && t->warn_at < t->complete_due_at);
}

/* Runs one step as c; fails unless it answers the ticket in state. */
static void
step_ok(struct hl_client *c, Hotline__Envelope__BodyCase body, void *req,
    Hotline__TicketState state)
{
	Hotline__Envelope *rep = call_ok(c, body, req);

	in_state(rep, state);
	hl_envelope_free(rep);
}

/* Lead department c signs k. */
static void
sign(struct hl_client *c, const struct tk *k)
{
	Hotline__SignRequest req = HOTLINE__SIGN_REQUEST__INIT;

	req.number = (char *)k->number;
	step_ok(c, BODY(SIGN), &req, STATE(ACCEPTED));
}

/* Lead department c replies to k. */
static void
reply(struct hl_client *c, const struct tk *k)
{
	Hotline__ReplyRequest req = HOTLINE__REPLY_REQUEST__INIT;

	req.number = (char *)k->number;
	req.result = "已恢复供水。";
	req.solved = 1;
	step_ok(c, BODY(REPLY), &req, STATE(REPLIED));
}

/* The dispatcher approves k's reply; returns the answer. */
static Hotline__Envelope *
approve(const struct tk *k)
{
	Hotline__ReviewRequest req = HOTLINE__REVIEW_REQUEST__INIT;
	Hotline__Envelope *rep;

	req.number = (char *)k->number;
	req.approve = 1;
	rep = call_ok(disp, BODY(REVIEW), &req);
	in_state(rep, STATE(AWAITING_CALLBACK));
	return rep;
}

/* The citizen's callback on k with result; returns the answer. */
static Hotline__Envelope *
callback(const struct tk *k, Hotline__CallbackResult result)
{
	Hotline__CallbackRequest req = HOTLINE__CALLBACK_REQUEST__INIT;

	req.number = (char *)k->number;
	req.result = result;
	req.comment = "还是没有水";
	return call_ok(agent, BODY(CALLBACK), &req);
}

/* Department c returns k (退单); NULL with err on an Error. */
static Hotline__Envelope *
return_ticket(struct hl_client *c, const struct tk *k, struct hl_error *err)
{
	Hotline__ReturnRequest req = HOTLINE__RETURN_REQUEST__INIT;

	req.number = (char *)k->number;
	req.reason = "不属于本单位职责";
	req.basis = "《供水条例》第十条";
	return harness_call(c, BODY(RETURN_TICKET), &req, err);
}

/* The dispatcher routes k to lead (body DISPATCH or REDISPATCH); returns the answer. */
static Hotline__Envelope *
route(Hotline__Envelope__BodyCase body, const struct tk *k, const char *lead)
{
	Hotline__DispatchRequest req = HOTLINE__DISPATCH_REQUEST__INIT;
	Hotline__Envelope *rep;

	req.number = (char *)k->number;
	req.lead_department = (char *)lead;
	rep = call_ok(disp, body, &req);
	in_state(rep, STATE(DISPATCHED));
	assert_string_equal(rep->ticket->ticket->lead_department->id, lead);
	return rep;
}

/* Water asks to extend k by extension; NULL with err on an Error. */
static Hotline__Envelope *
extend(const struct tk *k, const char *extension, struct hl_error *err)
{
	Hotline__ExtendRequest req = HOTLINE__EXTEND_REQUEST__INIT;

	req.number = (char *)k->number;
	req.extension = (char *)extension;
	req.reason = "需协调管网抢修";
	return harness_call(water, BODY(EXTEND), &req, err);
}

/* Water asks to extend k by extension; fails unless the request is pending. */
static void
extend_ok(const struct tk *k, const char *extension)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = extend(k, extension, &err);
	assert_reply(rep, err);
	assert_non_null(rep->ticket->ticket->pending_extension);
	assert_string_equal(rep->ticket->ticket->pending_extension->extension,
	    extension);
	hl_envelope_free(rep);
}

/* The dispatcher decides k's pending extension; returns the answer. */
static Hotline__Envelope *
decide(const struct tk *k, int yes)
{
	Hotline__ExtensionDecision req = HOTLINE__EXTENSION_DECISION__INIT;
	Hotline__Envelope *rep;

	req.number = (char *)k->number;
	req.approve = yes;
	req.note = yes ? "同意延期" : "不予延期";
	rep = call_ok(disp, BODY(DECIDE_EXTENSION), &req);
	in_state(rep, STATE(ACCEPTED));
	assert_null(rep->ticket->ticket->pending_extension);
	return rep;
}

/* Water suspends k; returns the answer. */
static Hotline__Envelope *
suspend(const struct tk *k)
{
	Hotline__SuspendRequest req = HOTLINE__SUSPEND_REQUEST__INIT;

	req.number = (char *)k->number;
	req.reason = "等待市民补充材料";
	return call_ok(water, BODY(SUSPEND), &req);
}

/* Water resumes k; returns the answer. */
static Hotline__Envelope *
resume(const struct tk *k)
{
	Hotline__ResumeRequest req = HOTLINE__RESUME_REQUEST__INIT;

	req.number = (char *)k->number;
	req.note = "市民已补充材料";
	return call_ok(water, BODY(RESUME), &req);
}

/* The supervisor orders 督办 on k with limit; returns the answer. */
static Hotline__Envelope *
supervise(const struct tk *k, const char *limit)
{
	Hotline__SuperviseRequest req = HOTLINE__SUPERVISE_REQUEST__INIT;

	req.number = (char *)k->number;
	req.text = "限期办结并书面反馈";
	req.limit = (char *)limit;
	return call_ok(sup, BODY(SUPERVISE), &req);
}

/* Water answers k's supervision order. */
static void
answer_supervision(const struct tk *k)
{
	Hotline__SupervisionAnswer req = HOTLINE__SUPERVISION_ANSWER__INIT;

	req.number = (char *)k->number;
	req.text = "已抢修完毕并书面反馈";
	step_ok(water, BODY(ANSWER_SUPERVISION), &req, STATE(ACCEPTED));
}

/* Asserts that no clock runs on t: every deadline, flag and the running time unset. */
static void
assert_no_clocks(const Hotline__Ticket *t)
{
	assert_int_equal(t->sign_due_at, 0);
	assert_int_equal(t->complete_due_at, 0);
	assert_int_equal(t->warn_at, 0);
	assert_int_equal(t->return_until, 0);
	assert_int_equal(t->callback_due_at, 0);
	assert_int_equal(t->remaining_ms, 0);
	assert_string_equal(t->complete_limit, "");
	assert_false(t->sign_overdue || t->warned || t->overdue);
}

/* A dispatched complaint: 1wd to sign, 10wd to complete, warned 1wd before, 2wd to return. */
static void
test_intake_complaint(void **state)
{
	Hotline__Envelope *made, *rep;
	const Hotline__Ticket *t;
	struct tk k;

	(void)state;
	made = create(&k, "小区停水", "全小区停水，已经四个小时。",
	    TYPE(COMPLAINT), URGENCY(NORMAL));
	t = made->created->ticket;
	assert_int_equal(t->state, STATE(DISPATCHED));
	assert_wd_clocks(t, k.from, COMPLAINT, COMPLAINT_WARN);
	assert_int_equal(t->callback_due_at, 0);
	assert_false(t->sign_overdue || t->warned || t->overdue);
	/* 10 working days of 7 business hours, plus what is left of today. */
	assert_in_range(t->remaining_ms, 10 * WORKDAY_MS - MINUTE_MS,
	    11 * WORKDAY_MS);
	rep = show(&k);
	assert_int_equal(rep->ticket->ticket->sign_due_at, t->sign_due_at);
	assert_int_equal(rep->ticket->ticket->complete_due_at,
	    t->complete_due_at);
	assert_int_equal(rep->ticket->ticket->warn_at, t->warn_at);
	assert_int_equal(rep->ticket->ticket->return_until, t->return_until);
	assert_string_equal(rep->ticket->ticket->complete_limit, COMPLAINT);
	hl_envelope_free(rep);
	hl_envelope_free(made);
}

/* The policy follows the type: a help request (求助) is due in 5wd, warned at 4wd. */
static void
test_intake_help(void **state)
{
	Hotline__Envelope *made;
	struct tk k;

	(void)state;
	made = create(&k, "小区停水", "家中老人停水无法做饭，请求帮助。",
	    TYPE(HELP), URGENCY(NORMAL));
	assert_int_equal(made->created->ticket->state, STATE(DISPATCHED));
	assert_wd_clocks(made->created->ticket, k.from, "5wd", "4wd");
	hl_envelope_free(made);
}

/* Asserts an urgent ticket's natural clocks: sign in 1h, complete in span, warned at 75%. */
static void
assert_natural_clocks(const Hotline__Ticket *t, int64_t from,
    const char *limit, int64_t span)
{
	assert_int_equal(t->state, STATE(DISPATCHED));
	assert_int_equal(t->sign_due_at, from + HOUR_MS);
	assert_int_equal(t->complete_due_at, from + span);
	assert_int_equal(t->warn_at, from + span / 4 * 3);
	assert_int_equal(t->return_until, due(from, "2wd"));
	assert_string_equal(t->complete_limit, limit);
	assert_in_range(t->remaining_ms, span - MINUTE_MS, span);
}

/* Urgency beats type: urgent 24h and critical 2h in natural time, signed within 1h. */
static void
test_intake_urgent(void **state)
{
	Hotline__Envelope *made;
	struct tk k;

	(void)state;
	made = create(&k, "小区停水", "整栋楼停水，有透析病人急需用水。",
	    TYPE(COMPLAINT), URGENCY(URGENT));
	assert_natural_clocks(made->created->ticket, k.from, "24h",
	    24 * HOUR_MS);
	hl_envelope_free(made);
	made = create(&k, "小区停水", "医院周边停水，手术用水告急。",
	    TYPE(COMPLAINT), URGENCY(CRITICAL));
	assert_natural_clocks(made->created->ticket, k.from, "2h",
	    2 * HOUR_MS);
	hl_envelope_free(made);
}

/* A ticket waiting in triage has no clock at all. */
static void
test_intake_triage_no_clocks(void **state)
{
	Hotline__Envelope *made, *rep;
	struct tk k;

	(void)state;
	made = create(&k, "楼上漏水", "楼上卫生间漏水，我家天花板渗水。",
	    TYPE(COMPLAINT), URGENCY(NORMAL));
	assert_int_equal(made->created->ticket->state, STATE(TRIAGE));
	assert_no_clocks(made->created->ticket);
	rep = show(&k);
	assert_no_clocks(rep->ticket->ticket);
	hl_envelope_free(rep);
	hl_envelope_free(made);
}

/* Past warn_at: 黄灯 to water and the supervisors, once, recorded by hotlined. */
static void
warned_only(const struct tk *k)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;

	feed_await(&fwater, KIND(WARNING), k);
	feed_await(&fsup, KIND(WARNING), k);
	feed_none(&fwater, KIND(OVERDUE), k);
	feed_none(&fcentre, KIND(WARNING), k);
	feed_none(&fzjj, KIND(WARNING), k);
	fired_once(k, "warning", "warned");
	rep = show(k);
	t = in_state(rep, STATE(ACCEPTED));
	assert_true(t->warned);
	assert_false(t->overdue);
	assert_in_range(t->remaining_ms, 1, WORKDAY_MS);
	hl_envelope_free(rep);
}

/* Past the due: 红灯 to water and the supervisors; a late reply stays overdue (completed late). */
static void
test_warning_then_overdue(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	int64_t end;
	struct tk k;

	(void)state;
	new_water(&k);
	sign(water, &k);
	rep = show(&k);
	end = rep->ticket->ticket->complete_due_at;
	pass(rep->ticket->ticket->warn_at);
	hl_envelope_free(rep);
	warned_only(&k);

	pass(end);
	feed_await(&fwater, KIND(OVERDUE), &k);
	feed_await(&fsup, KIND(OVERDUE), &k);
	feed_none(&fzjj, KIND(OVERDUE), &k);
	fired_once(&k, "overdue", "overdue");
	rep = show(&k);
	assert_true(rep->ticket->ticket->overdue);
	assert_true(rep->ticket->ticket->remaining_ms <= 0);
	hl_envelope_free(rep);

	reply(water, &k);
	rep = show(&k);
	t = in_state(rep, STATE(REPLIED));
	assert_true(t->overdue);
	assert_true(t->warned);
	hl_envelope_free(rep);
	fired_once(&k, "overdue", "overdue");
}

/* Not signed by sign_due_at: 签收超时 to water and the supervisors; one signed in time hears nothing. */
static void
test_sign_overdue(void **state)
{
	Hotline__Envelope *rep;
	struct tk late, prompt;

	(void)state;
	new_water(&late);
	new_water(&prompt);
	sign(water, &prompt);
	rep = show(&late);
	pass(rep->ticket->ticket->sign_due_at);
	hl_envelope_free(rep);
	feed_await(&fwater, KIND(SIGN_OVERDUE), &late);
	feed_await(&fsup, KIND(SIGN_OVERDUE), &late);
	fired_once(&late, "sign_overdue", "sign_overdue");

	rep = show(&prompt);
	pass(rep->ticket->ticket->sign_due_at);
	assert_false(rep->ticket->ticket->sign_overdue);
	hl_envelope_free(rep);
	feed_none(&fwater, KIND(SIGN_OVERDUE), &prompt);
	feed_none(&fsup, KIND(SIGN_OVERDUE), &prompt);
	rep = show(&prompt);
	assert_false(rep->ticket->ticket->sign_overdue);
	assert_int_equal(history_count(rep->ticket->ticket, "sign_overdue"), 0);
	hl_envelope_free(rep);

	/* Signed late: accepted, and the breach stays recorded. */
	sign(water, &late);
	rep = show(&late);
	assert_true(rep->ticket->ticket->sign_overdue);
	hl_envelope_free(rep);
}

/* With the clock half a second before a due, the timer fires on time by the daemon's own sleep. */
static void
test_fires_on_time(void **state)
{
	Hotline__Envelope *rep;
	int64_t sign_due, at;
	struct tk k;

	(void)state;
	new_water(&k);
	rep = show(&k);
	sign_due = rep->ticket->ticket->sign_due_at;
	hl_envelope_free(rep);
	shift_by(sign_due - ON_TIME_LEAD_MS - server_now());
	feed_await(&fwater, KIND(SIGN_OVERDUE), &k);
	at = fired_once(&k, "sign_overdue", "sign_overdue");
	if (at < sign_due || at - sign_due > ON_TIME_MS)
		fail_msg("fired %lld ms after its due time (at most %d)",
		    (long long)(at - sign_due), ON_TIME_MS);
}

/* An extension longer than the policy's maximum (10wd) is refused naming the field; 10wd is not. */
static void
test_extension_too_long(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk k;

	(void)state;
	new_water(&k);
	sign(water, &k);
	rep = extend(&k, "11wd", &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "extension");
	rep = show(&k);
	assert_null(rep->ticket->ticket->pending_extension);
	hl_envelope_free(rep);
	extend_ok(&k, "10wd");
}

/*
 * u (rejected, created after k) warns and is due at k's old times or just
 * after: they pass silently for k (extended), not for u; then k's new ones
 * fire.
 */
static void
extension_timeline(const struct tk *k, const struct tk *u, int64_t u_warn,
    int64_t u_due, int64_t new_warn, int64_t new_due)
{
	Hotline__Envelope *rep;

	pass(u_warn);
	feed_await(&fwater, KIND(WARNING), u);
	feed_none(&fwater, KIND(WARNING), k);
	feed_none(&fsup, KIND(WARNING), k);
	pass(u_due);
	feed_await(&fwater, KIND(OVERDUE), u);
	feed_none(&fwater, KIND(OVERDUE), k);
	rep = show(k);
	assert_false(rep->ticket->ticket->warned);
	assert_false(rep->ticket->ticket->overdue);
	assert_true(rep->ticket->ticket->remaining_ms > 0);
	hl_envelope_free(rep);

	pass(new_warn);
	feed_await(&fwater, KIND(WARNING), k);
	feed_none(&fwater, KIND(OVERDUE), k);
	pass(new_due);
	feed_await(&fwater, KIND(OVERDUE), k);
	fired_once(k, "warning", "warned");
	fired_once(k, "overdue", "overdue");
}

/* Approved 5wd moves the due 5wd past the old one and re-arms the warning; rejected changes nothing. */
static void
test_extension_moves_due(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	int64_t old_due, old_warn, new_due, new_warn;
	struct tk k, u;

	(void)state;
	new_water(&k);
	new_water(&u);
	sign(water, &k);
	sign(water, &u);
	rep = show(&k);
	old_due = rep->ticket->ticket->complete_due_at;
	old_warn = rep->ticket->ticket->warn_at;
	hl_envelope_free(rep);

	extend_ok(&k, "5wd");
	rep = decide(&k, 1);
	t = rep->ticket->ticket;
	new_due = t->complete_due_at;
	new_warn = t->warn_at;
	assert_int_equal(new_due, due(old_due, "5wd"));
	assert_int_equal(new_warn, due(old_due, "4wd"));
	assert_int_equal(t->extensions, 1);
	hl_envelope_free(rep);

	extend_ok(&u, "3wd");
	rep = decide(&u, 0);
	t = rep->ticket->ticket;
	assert_wd_clocks(t, u.from, COMPLAINT, COMPLAINT_WARN);
	assert_int_equal(t->extensions, 0);
	assert_true(old_warn <= t->warn_at && t->warn_at < new_warn);
	assert_true(old_due <= t->complete_due_at &&
	    t->complete_due_at < new_due);
	extension_timeline(&k, &u, t->warn_at, t->complete_due_at, new_warn,
	    new_due);
	hl_envelope_free(rep);
}

/* Asserts that k's clock stands still: suspended, left ms remaining, no due, no breach. */
static void
assert_stopped(const struct tk *k, int64_t left)
{
	Hotline__Envelope *rep = show(k);
	const Hotline__Ticket *t = in_state(rep, STATE(SUSPENDED));

	assert_int_equal(t->remaining_ms, left);
	assert_int_equal(t->complete_due_at, 0);
	assert_int_equal(t->warn_at, 0);
	assert_false(t->warned || t->overdue);
	hl_envelope_free(rep);
}

/* The resumed clock's warning and due fire, once each. */
static void
resumed_clock_fires(const struct tk *k, int64_t warn, int64_t end)
{
	pass(warn);
	feed_await(&fwater, KIND(WARNING), k);
	feed_none(&fwater, KIND(OVERDUE), k);
	pass(end);
	feed_await(&fwater, KIND(OVERDUE), k);
	fired_once(k, "warning", "warned");
	fired_once(k, "overdue", "overdue");
}

/* Suspension stops the clock (the old due passes silently); resume restarts it with the time that was left. */
static void
test_suspend_resume(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	int64_t old_due, left, at;
	struct tk k;

	(void)state;
	old_due = new_water(&k);
	sign(water, &k);
	rep = suspend(&k);
	left = in_state(rep, STATE(SUSPENDED))->remaining_ms;
	assert_in_range(left, 10 * WORKDAY_MS - MINUTE_MS, 11 * WORKDAY_MS);
	hl_envelope_free(rep);
	assert_stopped(&k, left);

	pass(old_due);
	settle(shift_by(3 * DAY_MS));
	feed_none(&fwater, KIND(WARNING), &k);
	feed_none(&fwater, KIND(OVERDUE), &k);
	feed_none(&fsup, KIND(OVERDUE), &k);
	assert_stopped(&k, left);

	rep = resume(&k);
	t = in_state(rep, STATE(ACCEPTED));
	at = t->updated_at;
	/* What was left, and the rest of the resume day (民法典 art. 201: a
	 * working-days period counts whole days from the day after). */
	assert_in_range(t->remaining_ms, left - STEP_MS, left + WORKDAY_MS);
	assert_true(t->complete_due_at > at && t->complete_due_at > old_due);
	/* What was left (10wd and a part of a day) counts from the resume. */
	assert_in_range(t->complete_due_at, due(at, "9wd"), due(at, "11wd"));
	assert_true(at < t->warn_at && t->warn_at < t->complete_due_at);
	resumed_clock_fires(&k, t->warn_at, t->complete_due_at);
	hl_envelope_free(rep);
}

/*
 * Issue 15 item 5: after the 黄灯, a suspend and a resume armed the warning
 * again: a second warning entry, a second WARNING event, counted twice. One
 * warning per round.
 */
static void
test_warning_once_per_round(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct tk k;

	(void)state;
	new_water(&k);
	sign(water, &k);
	rep = show(&k);
	pass(rep->ticket->ticket->warn_at);
	hl_envelope_free(rep);
	warned_only(&k);
	hl_envelope_free(suspend(&k));
	settle(shift_by(HOUR_MS));
	rep = resume(&k);
	t = in_state(rep, STATE(ACCEPTED));
	assert_true(t->warned);
	pass(t->warn_at);
	pass(t->complete_due_at);
	hl_envelope_free(rep);
	feed_await(&fwater, KIND(OVERDUE), &k);
	fired_once(&k, "warning", "warned");
	assert_int_equal(feed_count(&fwater, KIND(WARNING), k.number), 1);
	assert_int_equal(feed_count(&fsup, KIND(WARNING), k.number), 1);
	assert_int_equal(month_counter("water", "warned"), 1);
	/* 改派 starts a new round: its own warning, once. */
	rep = route(BODY(REDISPATCH), &k, "zjj");
	t = rep->ticket->ticket;
	assert_false(t->warned);
	pass(t->warn_at);
	hl_envelope_free(rep);
	feed_await(&fzjj, KIND(WARNING), &k);
	rep = show(&k);
	assert_int_equal(history_count(rep->ticket->ticket, "warning"), 2);
	assert_true(rep->ticket->ticket->warned);
	hl_envelope_free(rep);
	assert_int_equal(month_counter("zjj", "warned"), 1);
}

/*
 * Issue 15 item 5: a suspend followed at once by a resume moved a due time
 * at close of business (18:00) to 08:30 of the next working day. A
 * working-days period keeps whole days (民法典 art. 201 and 203).
 */
static void
test_suspend_resume_at_once(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	int64_t due_at, warn_at;
	struct tk k;

	(void)state;
	due_at = new_water(&k);
	sign(water, &k);
	rep = show(&k);
	warn_at = rep->ticket->ticket->warn_at;
	hl_envelope_free(rep);
	hl_envelope_free(suspend(&k));
	rep = resume(&k);
	t = in_state(rep, STATE(ACCEPTED));
	assert_int_equal(t->complete_due_at, due_at);
	assert_int_equal(t->warn_at, warn_at);
	hl_envelope_free(rep);
}

/*
 * Issue 15 item 5: an urgent 24 h ticket suspended with 22 h left was
 * warned 5.5 h before due after resume (75 % of what was left); the
 * warning stays 6 h before due, as the policy puts it (hotlined.conf(5)).
 */
static void
test_warning_distance_after_resume(void **state)
{
	Hotline__Envelope *made, *rep;
	const Hotline__Ticket *t;
	struct tk k;
	int64_t left;

	(void)state;
	made = create(&k, "小区停水", "整栋楼停水，有透析病人急需用水。",
	    TYPE(COMPLAINT), URGENCY(URGENT));
	assert_int_equal(made->created->ticket->complete_due_at -
	    made->created->ticket->warn_at, 6 * HOUR_MS);
	hl_envelope_free(made);
	sign(water, &k);
	settle(shift_by(2 * HOUR_MS));
	rep = suspend(&k);
	left = in_state(rep, STATE(SUSPENDED))->remaining_ms;
	assert_in_range(left, 22 * HOUR_MS - STEP_MS, 22 * HOUR_MS);
	hl_envelope_free(rep);
	settle(shift_by(DAY_MS));
	rep = resume(&k);
	t = in_state(rep, STATE(ACCEPTED));
	assert_int_equal(t->complete_due_at - t->warn_at, 6 * HOUR_MS);
	resumed_clock_fires(&k, t->warn_at, t->complete_due_at);
	hl_envelope_free(rep);
}

/* Past the old due nothing is overdue; past the new one only zjj (the new department) hears of it. */
static void
fresh_clocks_only(const struct tk *k, int64_t old_due)
{
	Hotline__Envelope *rep;

	pass(old_due);
	feed_none(&fwater, KIND(OVERDUE), k);
	feed_none(&fzjj, KIND(OVERDUE), k);
	feed_none(&fsup, KIND(OVERDUE), k);
	rep = show(k);
	assert_false(rep->ticket->ticket->overdue);
	assert_int_equal(history_count(rep->ticket->ticket, "overdue"), 0);
	pass(rep->ticket->ticket->complete_due_at);
	hl_envelope_free(rep);
	feed_await(&fzjj, KIND(OVERDUE), k);
	feed_await(&fsup, KIND(OVERDUE), k);
	fired_once(k, "overdue", "overdue");
	feed_none(&fwater, KIND(SIGN_OVERDUE), k);
	feed_none(&fwater, KIND(WARNING), k);
	feed_none(&fwater, KIND(OVERDUE), k);
}

/* Returned, then dispatched to zjj a working day later: fresh clocks for zjj; water's never fire. */
static void
test_redispatch_after_return(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	int64_t old_sign, old_due, from;
	struct hl_error err;
	struct tk k;

	(void)state;
	old_due = new_water(&k);
	rep = show(&k);
	old_sign = rep->ticket->ticket->sign_due_at;
	hl_envelope_free(rep);
	rep = return_ticket(water, &k, &err);
	assert_reply(rep, err);
	in_state(rep, STATE(TRIAGE));
	hl_envelope_free(rep);

	pass(old_sign);	/* the stopped sign clock fires nothing */
	feed_none(&fwater, KIND(SIGN_OVERDUE), &k);
	feed_none(&fsup, KIND(SIGN_OVERDUE), &k);

	rep = route(BODY(DISPATCH), &k, "zjj");
	t = rep->ticket->ticket;
	from = dispatched_at(&k, "dispatch");
	assert_true(from > old_sign);
	assert_wd_clocks(t, from, COMPLAINT, COMPLAINT_WARN);
	assert_true(t->sign_due_at > old_sign);
	assert_true(t->complete_due_at > old_due);
	assert_false(t->sign_overdue);
	hl_envelope_free(rep);
	sign(zjj, &k);
	fresh_clocks_only(&k, old_due);
}

/* 改派 of a signed ticket a working day later: zjj's clocks start afresh, its sign clock runs. */
static void
test_redispatch_accepted(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	int64_t old_sign, old_due, from;
	struct tk k;

	(void)state;
	old_due = new_water(&k);
	sign(water, &k);
	rep = show(&k);
	old_sign = rep->ticket->ticket->sign_due_at;
	hl_envelope_free(rep);
	pass(old_sign);
	feed_none(&fwater, KIND(SIGN_OVERDUE), &k);

	rep = route(BODY(REDISPATCH), &k, "zjj");
	t = rep->ticket->ticket;
	from = dispatched_at(&k, "redispatch");
	assert_wd_clocks(t, from, COMPLAINT, COMPLAINT_WARN);
	assert_true(t->complete_due_at > old_due);
	pass(t->sign_due_at);
	hl_envelope_free(rep);
	feed_await(&fzjj, KIND(SIGN_OVERDUE), &k);
	feed_none(&fwater, KIND(SIGN_OVERDUE), &k);
	fired_once(&k, "sign_overdue", "sign_overdue");
	sign(zjj, &k);
	fresh_clocks_only(&k, old_due);
}

/* 重办 after an unsatisfied callback arms a new completion clock from the reopen. */
static void
test_reopen_new_clock(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	int64_t old_sign, old_due, callback_due, from;
	struct tk k;

	(void)state;
	old_due = new_water(&k);
	sign(water, &k);
	rep = show(&k);
	old_sign = rep->ticket->ticket->sign_due_at;
	hl_envelope_free(rep);
	reply(water, &k);
	rep = approve(&k);
	callback_due = rep->ticket->ticket->callback_due_at;
	hl_envelope_free(rep);
	pass(old_sign);

	rep = callback(&k, RESULT(UNSATISFIED));
	t = in_state(rep, STATE(DISPATCHED));
	from = dispatched_at(&k, "reopen");
	assert_wd_clocks(t, from, COMPLAINT, COMPLAINT_WARN);
	assert_true(t->complete_due_at > old_due);
	assert_false(t->overdue || t->warned);
	hl_envelope_free(rep);
	sign(water, &k);

	pass(old_due > callback_due ? old_due : callback_due);
	feed_none(&fwater, KIND(OVERDUE), &k);
	feed_none(&fcentre, KIND(CALLBACK_OVERDUE), &k);
	rep = show(&k);
	assert_false(rep->ticket->ticket->overdue);
	pass(rep->ticket->ticket->complete_due_at);
	hl_envelope_free(rep);
	feed_await(&fwater, KIND(OVERDUE), &k);
	fired_once(&k, "overdue", "overdue");
}

/* The dispatcher sends k's reply back (退回重办). */
static void
send_back(const struct tk *k)
{
	Hotline__ReviewRequest req = HOTLINE__REVIEW_REQUEST__INIT;

	req.number = (char *)k->number;
	req.note = "回复未说明处理结果";
	step_ok(disp, BODY(REVIEW), &req, STATE(ACCEPTED));
}

/* A reply in time stops nothing for good: sent back after the due, the running clock is overdue at once. */
static void
test_send_back_clock_runs_on(void **state)
{
	Hotline__Envelope *rep;
	int64_t end;
	struct tk k;

	(void)state;
	end = new_water(&k);
	sign(water, &k);
	reply(water, &k);
	pass(end);
	feed_none(&fwater, KIND(WARNING), &k);
	feed_none(&fwater, KIND(OVERDUE), &k);
	rep = show(&k);
	assert_false(rep->ticket->ticket->warned);
	assert_false(rep->ticket->ticket->overdue);
	hl_envelope_free(rep);

	send_back(&k);
	feed_await(&fwater, KIND(WARNING), &k);
	feed_await(&fwater, KIND(OVERDUE), &k);
	fired_once(&k, "warning", "warned");
	fired_once(&k, "overdue", "overdue");
}

/* After return_until a return is refused as a conflict naming the return window. */
static void
test_return_window(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	struct tk k;

	(void)state;
	new_water(&k);
	rep = show(&k);
	assert_int_equal(rep->ticket->ticket->return_until, due(k.from, "2wd"));
	pass(rep->ticket->ticket->return_until);
	hl_envelope_free(rep);
	rep = return_ticket(water, &k, &err);
	assert_error(rep, err, ERR(CONFLICT));
	if (strstr(err.message_en, "return window") == NULL ||
	    strstr(err.message, "退单期限已过") == NULL)
		fail_msg("conflict without the return window: %s / %s",
		    err.message, err.message_en);
	assert_int_equal(err.state, STATE(DISPATCHED));
	rep = show(&k);
	in_state(rep, STATE(DISPATCHED));
	assert_string_equal(rep->ticket->ticket->lead_department->id, "water");
	hl_envelope_free(rep);
}

/* A reply approved and not called back by callback_due_at: 回访超时 on the centre's feed only. */
static void
test_callback_overdue(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	int64_t callback_due;
	struct tk late, done;

	(void)state;
	new_water(&late);
	new_water(&done);
	sign(water, &late);
	sign(water, &done);
	reply(water, &late);
	reply(water, &done);
	rep = approve(&late);
	callback_due = rep->ticket->ticket->callback_due_at;
	assert_int_equal(rep->ticket->ticket->remaining_ms, 0);
	hl_envelope_free(rep);
	rep = show(&late);
	t = rep->ticket->ticket;
	assert_int_equal(t->callback_due_at, callback_due);
	assert_int_equal(callback_due,
	    due(history_last(t, "approve_reply")->at, "3wd"));
	hl_envelope_free(rep);
	hl_envelope_free(approve(&done));
	rep = callback(&done, RESULT(SATISFIED));
	in_state(rep, STATE(CLOSED));
	hl_envelope_free(rep);

	pass(callback_due);
	feed_await(&fcentre, KIND(CALLBACK_OVERDUE), &late);
	feed_none(&fcentre, KIND(CALLBACK_OVERDUE), &done);
	feed_none(&fwater, KIND(CALLBACK_OVERDUE), &late);
	fired_once(&late, "callback_overdue", "callback_overdue");
	rep = show(&done);
	assert_int_equal(history_count(rep->ticket->ticket, "callback_overdue"),
	    0);
	hl_envelope_free(rep);
}

/* A 督办 order with limit 1wd: unanswered, 督办超时 and Supervision.overdue; answered, nothing. */
static void
test_supervision_overdue(void **state)
{
	Hotline__Envelope *rep;
	const Hotline__Supervision *sv;
	int64_t sup_due;
	struct tk late, done;

	(void)state;
	new_water(&late);
	new_water(&done);
	sign(water, &late);
	sign(water, &done);
	rep = supervise(&late, "1wd");
	sv = rep->ticket->ticket->supervision;
	assert_non_null(sv);
	assert_string_equal(sv->limit, "1wd");
	assert_int_equal(sv->due_at, due(sv->issued_at, "1wd"));
	assert_false(sv->overdue);
	sup_due = sv->due_at;
	hl_envelope_free(rep);
	hl_envelope_free(supervise(&done, "1wd"));
	answer_supervision(&done);

	pass(sup_due);
	feed_await(&fsup, KIND(SUPERVISION_OVERDUE), &late);
	feed_none(&fsup, KIND(SUPERVISION_OVERDUE), &done);
	fired_once(&late, "supervision_overdue", "sup_overdue");
	rep = show(&late);
	assert_true(rep->ticket->ticket->supervision->overdue);
	hl_envelope_free(rep);
	rep = show(&done);
	sv = rep->ticket->ticket->supervision;
	assert_false(sv->overdue);
	assert_string_equal(sv->answer, "已抢修完毕并书面反馈");
	assert_int_equal(history_count(rep->ticket->ticket,
	    "supervision_overdue"), 0);
	hl_envelope_free(rep);
}

/* Starts the second hotlined on the same Redis; returns agent02 logged in there. */
static struct hl_client *
second_start(void)
{
	char addr[HARNESS_PATH + 8];
	struct hl_client *c;

	assert_int_equal(harness_write_config(&h, &h.second, "second", ""), 0);
	assert_int_equal(harness_daemon_start(&h, &h.second), 0);
	assert_int_equal(harness_wait_store(&h.second, HARNESS_WAIT_MS), 0);
	c = harness_login_at(harness_unix_address(&h.second, addr,
	    sizeof addr), "agent02");
	assert_non_null(c);
	return c;
}

/* Stops hotlined d with SIGTERM; fails unless it exits 0. */
static void
daemon_stop(struct harness_daemon *d)
{
	int status = harness_daemon_stop(d, SIGTERM, HARNESS_DRAIN_MS + 5000);

	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		harness_print_log(d);
		fail_msg("hotlined exited with wait status %d", status);
	}
}

/* Returns the value of field in a stream entry [id, [field, value, ...]], or "". */
static const char *
stream_field(const redisReply *entry, const char *field)
{
	const redisReply *kv = entry->element[1];
	size_t i;

	for (i = 0; i + 1 < kv->elements; i += 2)
		if (strcmp(kv->element[i]->str, field) == 0)
			return kv->element[i + 1]->str;
	return "";
}

/* Asserts that the Redis stream feed holds exactly one event of kind for each of the n tickets. */
static void
stream_once(const char *feed, const char *kind, const struct tk *ks, int n)
{
	redisContext *rc = harness_redis(&h);
	redisReply *r;
	size_t e;
	int i, count;

	assert_non_null(rc);
	r = redisCommand(rc, "XRANGE %s - +", feed);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	for (i = 0; i < n; i++) {
		for (count = 0, e = 0; e < r->elements; e++)
			if (strcmp(stream_field(r->element[e], "kind"), kind) == 0 &&
			    strcmp(stream_field(r->element[e], "number"),
			    ks[i].number) == 0)
				count++;
		if (count != 1)
			fail_msg("%s: %d events %s for %s, expected one", feed,
			    count, kind, ks[i].number);
	}
	freeReplyObject(r);
	redisFree(rc);
}

/* Asserts that each of n tickets got sign_overdue, warning and overdue exactly once, in history and feeds. */
static void
all_fired_once(const struct tk *ks, int n)
{
	static const char *const feed_names[] = { "ht:dept:water:feed",
	    "ht:supervision:feed" };
	static const char *const kinds[] = { "21", "22", "23" };
	size_t f, k;
	int i;

	for (i = 0; i < n; i++) {
		fired_once(&ks[i], "sign_overdue", "sign_overdue");
		fired_once(&ks[i], "warning", "warned");
		fired_once(&ks[i], "overdue", "overdue");
	}
	for (f = 0; f < 2; f++)
		for (k = 0; k < 3; k++)
			stream_once(feed_names[f], kinds[k], ks, n);
}

/* Two daemons on one Redis: 100 tickets' 300 timers fire exactly once each. */
static void
test_two_daemons_exactly_once(void **state)
{
	enum { N = 100 };
	struct hl_client *agent2 = second_start();
	struct tk ks[N];
	int64_t last = 0, end;
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		end = new_water_on(i % 2 == 0 ? agent : agent2, &ks[i]);
		if (end > last)
			last = end;
	}
	pass(last);
	all_fired_once(ks, N);
	hl_close(agent2);
}

/* Every hotlined down while the clock passes the dues: on restart all of them fire at once, none lost. */
static void
test_restart_all_down(void **state)
{
	enum { N = 20 };
	struct hl_client *agent2 = second_start();
	struct tk ks[N];
	int64_t last = 0, end, now, started;
	int i;

	(void)state;
	for (i = 0; i < N; i++)
		if ((end = new_water(&ks[i])) > last)
			last = end;
	now = server_now();
	hl_close(agent2);
	clients_close();
	daemon_stop(&h.second);
	daemon_stop(&h.main);
	assert_true(redis_int("INCRBY ht:clock:offset %lld",
	    last + PAST_MS - now) > 0);

	assert_int_equal(harness_daemon_start(&h, &h.main), 0);
	started = harness_now_ms();
	assert_int_equal(harness_wait_store(&h.main, HARNESS_WAIT_MS), 0);
	assert_int_equal(clients_open(), 0);
	now = server_now();
	assert_true(now > last);
	settle(now);
	assert_true(harness_now_ms() - started < HARNESS_WAIT_MS);
	all_fired_once(ks, N);
	for (i = 0; i < N; i++)
		assert_true(fired_once(&ks[i], "overdue", "overdue") > last);
}

/* Makes hotlined read its (edited) configuration again. */
static void
reload(void)
{
	assert_true(h.main.pid > 0);
	assert_int_equal(kill(h.main.pid, SIGHUP), 0);
}

/* A ticket's completion due (办结时限). */
static int64_t
complete_due_of(const Hotline__Ticket *t)
{
	return t->complete_due_at;
}

/* A ticket's callback due (回访时限). */
static int64_t
callback_due_of(const Hotline__Ticket *t)
{
	return t->callback_due_at;
}

/* A ticket's supervision order's due (督办时限). */
static int64_t
supervision_due_of(const Hotline__Ticket *t)
{
	return t->supervision != NULL ? t->supervision->due_at : 0;
}

/* Shows k until get gives want (bounded); returns that answer. */
static Hotline__Envelope *
await_value(const struct tk *k, int64_t (*get)(const Hotline__Ticket *),
    int64_t want, const char *what)
{
	int64_t end = harness_now_ms() + EVENT_MS, got;
	Hotline__Envelope *rep;

	for (;;) {
		rep = show(k);
		if ((got = get(rep->ticket->ticket)) == want)
			return rep;
		hl_envelope_free(rep);
		if (harness_now_ms() > end)
			fail_msg("%s: %s %lld after the reload, expected %lld",
			    k->number, what, (long long)got, (long long)want);
		harness_sleep_ms(50);
	}
}

/* Asserts that t's last history entry 'recompute' is hotlined's and set complete_due. */
static void
assert_recomputed(const Hotline__Ticket *t)
{
	const Hotline__HistoryEntry *e = history_last(t, "recompute");
	char want[32];

	snprintf(want, sizeof want, "%lld", (long long)t->complete_due_at);
	assert_string_equal(e->principal, "hotlined");
	assert_non_null(change_of(e, "complete_due"));
	assert_string_equal(change_of(e, "complete_due"), want);
}

/* A replied ticket (no running clock) is left alone by a recompute. */
static void
assert_not_recomputed(const struct tk *k)
{
	Hotline__Envelope *rep = show(k);

	assert_int_equal(history_count(rep->ticket->ticket, "recompute"), 0);
	hl_envelope_free(rep);
}

/*
 * A changed policy applies to tickets dispatched after it: a department
 * was told its deadlines at dispatch, so an open ticket keeps them (no
 * recompute), while a new complaint gets the new limit.
 */
static void
test_recompute_policy(void **state)
{
	Hotline__Envelope *rep;
	int64_t old_due, new_due = 0;
	struct tk k, n;
	int i;

	(void)state;
	old_due = new_water(&k);
	assert_int_equal(harness_edit_config(&h.main, "testing = {",
	    "policies = { complaint = { complete = \"12wd\"; }; };\n"
	    "testing = {"), 0);
	reload();
	/* The reload is in force once a new ticket gets the new limit. */
	for (i = 0; i < 50; i++) {
		new_due = new_water(&n);
		if (new_due == due(n.from, "12wd"))
			break;
		harness_sleep_ms(100);
	}
	assert_int_equal(new_due, due(n.from, "12wd"));
	rep = show(&k);
	assert_int_equal(rep->ticket->ticket->complete_due_at, old_due);
	assert_string_equal(rep->ticket->ticket->complete_limit, "10wd");
	hl_envelope_free(rep);
	assert_not_recomputed(&k);
}

/* Waits (bounded) until the daemon's calendar gives limit from from a due of want. */
static void
await_calendar(int64_t from, const char *limit, int64_t want)
{
	int64_t end = harness_now_ms() + EVENT_MS;

	while (due(from, limit) != want) {
		if (harness_now_ms() > end)
			fail_msg("the reloaded calendar is not in force after "
			    "%d ms", EVENT_MS);
		harness_sleep_ms(50);
	}
}

/*
 * Rewrites the calendar to close business at 17:00 on every working day and
 * reloads; waits until limit from from ends an hour before old_due (every
 * due day is a working day, so each such due moves by exactly an hour).
 */
static void
close_at_five(int64_t from, const char *limit, int64_t old_due)
{
	assert_int_equal(harness_edit_config(&h.main, "/conf/calendar\";",
	    "/conf/calendar\"; hours = { "
	    "mon = [\"08:30-12:00\", \"14:30-17:00\"]; "
	    "tue = [\"08:30-12:00\", \"14:30-17:00\"]; "
	    "wed = [\"08:30-12:00\", \"14:30-17:00\"]; "
	    "thu = [\"08:30-12:00\", \"14:30-17:00\"]; "
	    "fri = [\"08:30-12:00\", \"14:30-17:00\"]; };"), 0);
	reload();
	await_calendar(from, limit, old_due - HOUR_MS);
}

/*
 * Makes k's running clock look as an earlier version kept it: listed in the
 * set ht:clocks instead of marked clocked in its hash (clock_scan.lua).
 */
static void
clock_as_earlier_version(const struct tk *k)
{
	redisContext *rc = harness_redis(&h);
	redisReply *r;

	r = redisCommand(rc, "HDEL ht:ticket:%s clocked", k->number);
	assert_true(r != NULL && r->integer == 1);
	freeReplyObject(r);
	r = redisCommand(rc, "SADD ht:clocks %s", k->number);
	assert_true(r != NULL && r->integer == 1);
	freeReplyObject(r);
	redisFree(rc);
}

/*
 * A reload closing business at 17:00 moves open tickets' dues an hour
 * earlier, recorded in history; one an earlier version listed in ht:clocks
 * too.
 */
static void
test_recompute_calendar(void **state)
{
	Hotline__Envelope *rep;
	int64_t old_due, earlier_due;
	struct tk k, r, e;

	(void)state;
	old_due = new_water(&k);
	earlier_due = new_water(&e);
	clock_as_earlier_version(&e);
	new_water(&r);
	sign(water, &r);
	reply(water, &r);
	close_at_five(k.from, COMPLAINT, old_due);
	rep = await_value(&k, complete_due_of, old_due - HOUR_MS,
	    "complete_due_at");
	assert_wd_clocks(rep->ticket->ticket, k.from, COMPLAINT,
	    COMPLAINT_WARN);
	assert_recomputed(rep->ticket->ticket);
	hl_envelope_free(rep);
	rep = await_value(&e, complete_due_of, earlier_due - HOUR_MS,
	    "complete_due_at");
	assert_recomputed(rep->ticket->ticket);
	hl_envelope_free(rep);
	assert_not_recomputed(&r);
	pass(old_due - HOUR_MS);
	feed_await(&fwater, KIND(OVERDUE), &k);
	fired_once(&k, "overdue", "overdue");
}

/* A recompute of a ticket already overdue moves its dues but fires none of its breaches again. */
static void
test_recompute_keeps_breaches(void **state)
{
	Hotline__Envelope *rep;
	int64_t old_due;
	struct tk k;

	(void)state;
	old_due = new_water(&k);
	pass(old_due);
	feed_await(&fwater, KIND(OVERDUE), &k);
	close_at_five(k.from, COMPLAINT, old_due);
	rep = await_value(&k, complete_due_of, old_due - HOUR_MS,
	    "complete_due_at");
	assert_recomputed(rep->ticket->ticket);
	assert_true(rep->ticket->ticket->overdue);
	hl_envelope_free(rep);
	settle(server_now());
	fired_once(&k, "sign_overdue", "sign_overdue");
	fired_once(&k, "warning", "warned");
	fired_once(&k, "overdue", "overdue");
	feed_await(&fwater, KIND(SIGN_OVERDUE), &k);
	feed_await(&fwater, KIND(WARNING), &k);
	feed_await(&fwater, KIND(OVERDUE), &k);
}

/* A calendar reload moves the other deadlines of open tickets too: 回访 and 督办 dues. */
static void
test_recompute_callback_supervision(void **state)
{
	Hotline__Envelope *rep;
	int64_t callback_due, sup_due;
	struct tk a, b;

	(void)state;
	new_water(&a);
	sign(water, &a);
	reply(water, &a);
	rep = approve(&a);
	callback_due = rep->ticket->ticket->callback_due_at;
	hl_envelope_free(rep);
	new_water(&b);
	sign(water, &b);
	rep = supervise(&b, "1wd");
	sup_due = rep->ticket->ticket->supervision->due_at;
	hl_envelope_free(rep);

	close_at_five(b.from, "1wd", due(b.from, "1wd"));
	hl_envelope_free(await_value(&b, supervision_due_of, sup_due - HOUR_MS,
	    "supervision.due_at"));
	hl_envelope_free(await_value(&a, callback_due_of,
	    callback_due - HOUR_MS, "callback_due_at"));
}

/* Returns the instant of a local (Asia/Shanghai, UTC+8) date and time. */
static int64_t
shanghai_ms(int year, int month, int mday, int hour, int minute)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = mday;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	return ((int64_t)timegm(&tm) - 8 * 3600) * 1000;
}

/* Asserts one day of an explanation: date, weekday, whether it counts, a word of its reason. */
static void
explain_step(const Hotline__DeadlineStep *s, const char *date,
    const char *weekday, int counts, const char *reason)
{
	assert_string_equal(s->date, date);
	assert_string_equal(s->weekday, weekday);
	if ((s->counts != 0) != counts || strstr(s->reason, reason) == NULL)
		fail_msg("%s: counts %d, reason \"%s\"; expected counts %d and "
		    "\"%s\"", date, s->counts, s->reason, counts, reason);
}

/* 2026-09-30 10:00 + 5wd across 国庆: Oct 1-7 off, Saturday Oct 10 (调休) counts; due Oct 13 18:00. */
static void
test_deadline_explains_guoqing(void **state)
{
	Hotline__DeadlineRequest req = HOTLINE__DEADLINE_REQUEST__INIT;
	Hotline__Envelope *rep;
	const Hotline__DeadlineReply *d;

	(void)state;
	req.from = shanghai_ms(2026, 9, 30, 10, 0);
	req.limit = "5wd";
	rep = call_ok(water, BODY(DEADLINE), &req);
	assert_int_equal(rep->body_case, BODY(DEADLINE_REPLY));
	d = rep->deadline_reply;
	assert_int_equal(d->due_at, shanghai_ms(2026, 10, 13, 18, 0));
	assert_int_equal(d->n_steps, 14);	/* Sep 30 .. Oct 13 */
	explain_step(d->steps[0], "2026-09-30", "Wed", 0, "start day");
	explain_step(d->steps[1], "2026-10-01", "Thu", 0, "国庆");
	explain_step(d->steps[7], "2026-10-07", "Wed", 0, "国庆");
	explain_step(d->steps[8], "2026-10-08", "Thu", 1, "1 of 5");
	explain_step(d->steps[9], "2026-10-09", "Fri", 1, "2 of 5");
	explain_step(d->steps[10], "2026-10-10", "Sat", 1, "3 of 5");
	explain_step(d->steps[10], "2026-10-10", "Sat", 1, "调休");
	explain_step(d->steps[11], "2026-10-11", "Sun", 0, "weekend");
	explain_step(d->steps[12], "2026-10-12", "Mon", 1, "4 of 5");
	explain_step(d->steps[13], "2026-10-13", "Tue", 1, "5 of 5");
	hl_envelope_free(rep);
}

/* Bad limits and instants are refused naming the field; only admins move the clock, and only forward. */
static void
test_time_refusals(void **state)
{
	Hotline__DeadlineRequest dr = HOTLINE__DEADLINE_REQUEST__INIT;
	Hotline__ShiftClockRequest sr = HOTLINE__SHIFT_CLOCK_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	dr.from = shanghai_ms(2026, 9, 30, 10, 0);
	dr.limit = "5 days";
	rep = harness_call(agent, BODY(DEADLINE), &dr, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "limit");
	dr.limit = "5wd";
	dr.from = 0;
	rep = harness_call(agent, BODY(DEADLINE), &dr, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "from");
	sr.advance_ms = HOUR_MS;
	rep = harness_call(water, BODY(SHIFT_CLOCK), &sr, &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	rep = harness_call(agent, BODY(SHIFT_CLOCK), &sr, &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	sr.advance_ms = 0;
	rep = harness_call(admin, BODY(SHIFT_CLOCK), &sr, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "advance_ms");
	sr.advance_ms = INT64_MAX;
	rep = harness_call(admin, BODY(SHIFT_CLOCK), &sr, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "advance_ms");
}

/*
 * Issue 14 item 1: instants near INT64_MAX overflowed the arithmetic (the
 * sanitizer build died; the plain one answered a negative due time). Every
 * time argument is bounded before any handler: BAD_REQUEST naming the
 * field, and the daemon serves on.
 */
static void
test_time_bounds(void **state)
{
	Hotline__DeadlineRequest dr = HOTLINE__DEADLINE_REQUEST__INIT;
	Hotline__OverdueRequest orq = HOTLINE__OVERDUE_REQUEST__INIT;
	Hotline__BreachesRequest br = HOTLINE__BREACHES_REQUEST__INIT;
	const int64_t bad[] = { 9223372036854775000LL, INT64_MAX, INT64_MIN,
	    -1, shanghai_ms(2100, 1, 1, 0, 0) };
	Hotline__Envelope *rep;
	struct hl_error err;
	size_t i;

	(void)state;
	dr.limit = "1m";
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dr.from = bad[i];
		rep = harness_call(agent, BODY(DEADLINE), &dr, &err);
		assert_error(rep, err, ERR(BAD_REQUEST));
		assert_string_equal(err.field, "from");
	}
	dr.from = shanghai_ms(2099, 12, 31, 23, 0);
	dr.limit = "9999d";
	rep = call_ok(agent, BODY(DEADLINE), &dr);
	assert_true(rep->deadline_reply->due_at > dr.from);
	hl_envelope_free(rep);
	orq.within_hours = 1e300;
	rep = harness_call(sup, BODY(OVERDUE), &orq, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "within_hours");
	br.period = "9999-01-01..9999-01-31";
	rep = harness_call(sup, BODY(BREACHES), &br, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "period");
	br.period = "";
	br.offset = UINT32_MAX;
	rep = harness_call(sup, BODY(BREACHES), &br, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "offset");
	harness_assert_serving(&h);
}

/*
 * A 2027 notice for the tests, as the State Council might publish it: the
 * statutory days, a bridging day off (Mon 01-04) and a make-up Saturday
 * (01-09). bridge "true" or "false" (the latter changes 01-04 back); drop
 * leaves 除夕 (02-05) out.
 */
static char *
notice_2027(const char *bridge, int drop)
{
	char *text = NULL;

	assert_true(asprintf(&text, "{\"year\": 2027, \"papers\": "
	    "[\"test notice\"], \"days\": ["
	    "{\"name\": \"元旦\", \"date\": \"2027-01-01\", \"isOffDay\": true},"
	    "{\"name\": \"元旦\", \"date\": \"2027-01-04\", \"isOffDay\": %s},"
	    "{\"name\": \"元旦\", \"date\": \"2027-01-09\", \"isOffDay\": false},"
	    "%s"
	    "{\"name\": \"春节\", \"date\": \"2027-02-06\", \"isOffDay\": true},"
	    "{\"name\": \"春节\", \"date\": \"2027-02-07\", \"isOffDay\": true},"
	    "{\"name\": \"春节\", \"date\": \"2027-02-08\", \"isOffDay\": true},"
	    "{\"name\": \"清明\", \"date\": \"2027-04-05\", \"isOffDay\": true},"
	    "{\"name\": \"劳动节\", \"date\": \"2027-05-01\", \"isOffDay\": true},"
	    "{\"name\": \"劳动节\", \"date\": \"2027-05-02\", \"isOffDay\": true},"
	    "{\"name\": \"端午\", \"date\": \"2027-06-09\", \"isOffDay\": true},"
	    "{\"name\": \"中秋\", \"date\": \"2027-09-15\", \"isOffDay\": true},"
	    "{\"name\": \"国庆节\", \"date\": \"2027-10-01\", \"isOffDay\": true},"
	    "{\"name\": \"国庆节\", \"date\": \"2027-10-02\", \"isOffDay\": true},"
	    "{\"name\": \"国庆节\", \"date\": \"2027-10-03\", \"isOffDay\": true}"
	    "]}", bridge, drop ? "" : "{\"name\": \"春节\", \"date\": "
	    "\"2027-02-05\", \"isOffDay\": true},") > 0);
	return text;
}

/* Returns the note of the DEADLINE_MOVED event f received for k, or "". */
static const char *
moved_note(const struct feed *f, const struct tk *k)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->log[i].kind == KIND(DEADLINE_MOVED) &&
		    strcmp(f->log[i].number, k->number) == 0)
			return f->log[i].note;
	return "";
}

/* Who runs hotlinectl args: agent01 for show, else admin01 (English text). */
static const char *
ctl_who(const char *args)
{
	return strncmp(args, "show ", 5) == 0 ?
	    "--lang en -u agent01 -t agent01-test" :
	    "--lang en -u admin01 -t admin01-test";
}

/* Runs "hotlinectl args" on the main daemon; its standard output (malloc'd); exit 0 asserted. */
static char *
ctl_run(const char *args)
{
	return harness_ctl(&h.main, ctl_who(args), args);
}

/* Asserts that hotlinectl args prints want. */
static void
ctl_prints(const char *args, const char *want)
{
	harness_ctl_prints(&h.main, ctl_who(args), args, want);
}

/* Imports text as c; returns the answer (NULL with err on an Error). */
static Hotline__Envelope *
import_calendar(struct hl_client *c, char *text, struct hl_error *err)
{
	Hotline__CalendarImportRequest req =
	    HOTLINE__CALENDAR_IMPORT_REQUEST__INIT;

	req.json = text;
	return harness_call(c, BODY(CALENDAR_IMPORT), &req, err);
}

/* Asserts an import as admin is refused (BAD_REQUEST, field json) with want in its message. */
static void
import_refused(char *text, const char *want)
{
	struct hl_error err;
	Hotline__Envelope *rep = import_calendar(admin, text, &err);

	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "json");
	if (strstr(err.message_en, want) == NULL)
		fail_msg("import refused with \"%s\", expected \"%s\"",
		    err.message_en, want);
}

/* Creates a water ticket of type at the current time; returns its completion due. */
static int64_t
new_water_typed(struct tk *k, Hotline__TicketType type)
{
	Hotline__Envelope *made = create(k, "小区停水",
	    "全小区停水，已经四个小时。", type, URGENCY(NORMAL));
	int64_t end = made->created->ticket->complete_due_at;

	assert_int_equal(made->created->ticket->state, STATE(DISPATCHED));
	hl_envelope_free(made);
	return end;
}

/* Waits (bounded) until daemon c's arithmetic gives want for limit from from. */
static void
await_due_on(struct hl_client *c, int64_t from, const char *limit,
    int64_t want)
{
	int64_t end = harness_now_ms() + EVENT_MS;

	while (harness_due(c, from, limit) != want) {
		if (harness_now_ms() > end)
			fail_msg("the imported calendar is not in force after "
			    "%d ms", EVENT_MS);
		harness_sleep_ms(50);
	}
}

/* Asserts k's deadlines: completion due, warning, provisional flag; and its recompute entries. */
static void
assert_dues(const struct tk *k, int64_t due_at, int64_t warn_at,
    int provisional, size_t recomputes)
{
	Hotline__Envelope *rep = show(k);
	const Hotline__Ticket *t = rep->ticket->ticket;

	assert_int_equal(t->complete_due_at, due_at);
	assert_int_equal(t->warn_at, warn_at);
	assert_int_equal(t->deadlines_provisional, provisional);
	assert_int_equal(history_count(t, "recompute"), recomputes);
	hl_envelope_free(rep);
}

/*
 * Issue 15: tickets opened on Mon 2026-12-21 with 3, 5, 10 and 15 working
 * days run into 2027, provisional (only its statutory days are known: 元旦
 * is off). The 2027 notice arrives with a bridging day (Mon 01-04 off) and
 * a make-up Saturday (01-09): it is refused while malformed, dropping 除夕
 * or rewriting a past day; imported, every daemon takes it from Redis and
 * exactly the affected due time moves (10wd: 01-05 -> 01-06; 15wd lands on
 * 01-12 either way), with one history entry and one feed event; the
 * timers fire at the new times; and once 01-04 is past, a notice that
 * changes it is refused.
 */
static void
test_calendar_import(void **state)
{
	const int64_t start = shanghai_ms(2026, 12, 21, 10, 0);
	static const char *const views[] = { "show", "timeline" };
	Hotline__Envelope *rep;
	struct hl_client *agent2;
	struct hl_error err;
	struct tk c3, h5, c10, r15;
	char *text, *out, path[HARNESS_PATH + 64], cmd[HARNESS_PATH + 96];
	int64_t now = server_now();
	FILE *f;
	size_t i;

	(void)state;
	if (now >= start)
		skip();		/* the scenario needs the clock before 12-21 */
	settle(shift_by(start - now));
	new_water_typed(&c3, TYPE(CONSULTATION));
	new_water_typed(&h5, TYPE(HELP));
	new_water_typed(&c10, TYPE(COMPLAINT));
	new_water_typed(&r15, TYPE(REPORT));
	assert_dues(&c3, shanghai_ms(2026, 12, 24, 18, 0),
	    shanghai_ms(2026, 12, 23, 18, 0), 0, 0);
	assert_dues(&h5, shanghai_ms(2026, 12, 28, 18, 0),
	    shanghai_ms(2026, 12, 25, 18, 0), 0, 0);
	/* 元旦 (provisional) does not count: 12-22..31 are 1-8, 01-04 9. */
	assert_dues(&c10, shanghai_ms(2027, 1, 5, 18, 0),
	    shanghai_ms(2027, 1, 4, 18, 0), 1, 0);
	assert_dues(&r15, shanghai_ms(2027, 1, 12, 18, 0),
	    shanghai_ms(2027, 1, 11, 18, 0), 1, 0);
	agent2 = second_start();
	/* hotlinectl marks provisional due times and says the zone. */
	ctl_prints("deadline --from 2026-12-30T10:00 --limit 3wd",
	    "2027-01-05 18:00:00 +08:00 Tue  PROVISIONAL");
	/* show and timeline mark them alike (issue 15 item 1). */
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s %s", views[i], c10.number);
		ctl_prints(path, "PROVISIONAL: a deadline above runs over a year");
		snprintf(path, sizeof path, "%s %s", views[i], c3.number);
		out = ctl_run(path);
		assert_null(strstr(out, "PROVISIONAL"));
		assert_non_null(strstr(out, "2026-12-24 18:00:00 +08:00"));
		free(out);
	}

	/* Refused: malformed, 除夕 dropped, a past day of 2026, not an admin. */
	import_refused("{\"year\": 2027,", "json:1:");
	text = notice_2027("true", 1);
	import_refused(text, "2027-02-05 (春节) is a statutory holiday");
	free(text);
	import_refused("{\"year\": 2026, \"papers\": [], \"days\": ["
	    "{\"name\": \"元旦\", \"date\": \"2026-01-01\", \"isOffDay\": true},"
	    "{\"name\": \"春节\", \"date\": \"2026-02-16\", \"isOffDay\": true},"
	    "{\"name\": \"春节\", \"date\": \"2026-02-17\", \"isOffDay\": true},"
	    "{\"name\": \"春节\", \"date\": \"2026-02-18\", \"isOffDay\": true},"
	    "{\"name\": \"春节\", \"date\": \"2026-02-19\", \"isOffDay\": true},"
	    "{\"name\": \"清明\", \"date\": \"2026-04-05\", \"isOffDay\": true},"
	    "{\"name\": \"劳动节\", \"date\": \"2026-05-01\", \"isOffDay\": true},"
	    "{\"name\": \"劳动节\", \"date\": \"2026-05-02\", \"isOffDay\": true},"
	    "{\"name\": \"端午\", \"date\": \"2026-06-19\", \"isOffDay\": true},"
	    "{\"name\": \"中秋\", \"date\": \"2026-09-25\", \"isOffDay\": true},"
	    "{\"name\": \"国庆节\", \"date\": \"2026-10-01\", \"isOffDay\": true},"
	    "{\"name\": \"国庆节\", \"date\": \"2026-10-02\", \"isOffDay\": true},"
	    "{\"name\": \"国庆节\", \"date\": \"2026-10-03\", \"isOffDay\": true}"
	    "]}", "2026-01-02 is past");
	text = notice_2027("true", 0);
	rep = import_calendar(agent, text, &err);
	assert_error(rep, err, ERR(FORBIDDEN));

	/* Imported (by hotlinectl): two days change; both daemons take it. */
	snprintf(path, sizeof path, "%s/2027.json", h.dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof cmd, "calendar import %s", path);
	ctl_prints(cmd, "imported 2027 (the State Council's notice): 2 days "
	    "change, the first 2027-01-04");
	await_due_on(agent2, start, "10wd", shanghai_ms(2027, 1, 6, 18, 0));
	hl_envelope_free(await_value(&c10, complete_due_of,
	    shanghai_ms(2027, 1, 6, 18, 0), "complete_due_at"));
	feed_await(&fwater, KIND(DEADLINE_MOVED), &c10);
	assert_dues(&c10, shanghai_ms(2027, 1, 6, 18, 0),
	    shanghai_ms(2027, 1, 5, 18, 0), 0, 1);
	assert_non_null(strstr(moved_note(&fwater, &c10), "因2027年放假通知"
	    "调整期限：办结 2027-01-05 18:00 → 2027-01-06 18:00"));
	assert_dues(&c3, shanghai_ms(2026, 12, 24, 18, 0),
	    shanghai_ms(2026, 12, 23, 18, 0), 0, 0);
	assert_dues(&h5, shanghai_ms(2026, 12, 28, 18, 0),
	    shanghai_ms(2026, 12, 25, 18, 0), 0, 0);
	assert_dues(&r15, shanghai_ms(2027, 1, 12, 18, 0),
	    shanghai_ms(2027, 1, 11, 18, 0), 0, 0);
	feeds_pump();
	feed_none(&fwater, KIND(DEADLINE_MOVED), &c3);
	feed_none(&fwater, KIND(DEADLINE_MOVED), &h5);
	feed_none(&fwater, KIND(DEADLINE_MOVED), &r15);
	/* The same file again changes nothing. */
	rep = import_calendar(admin, text, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->calendar_imported->year, 2027);
	assert_false(rep->calendar_imported->provisional);
	assert_int_equal(rep->calendar_imported->changed_days, 0);
	assert_string_equal(rep->calendar_imported->first_changed, "");
	hl_envelope_free(rep);
	ctl_prints("deadline --from 2026-12-30T10:00 --limit 3wd",
	    "2027-01-06 18:00:00 +08:00 Wed\n");

	/* The timers follow: nothing at the old warning, 黄灯 and 红灯 at the new. */
	pass(shanghai_ms(2027, 1, 4, 18, 0));
	feed_none(&fwater, KIND(WARNING), &c10);
	pass(shanghai_ms(2027, 1, 5, 18, 0));
	feed_await(&fwater, KIND(WARNING), &c10);
	feed_none(&fwater, KIND(OVERDUE), &c10);
	pass(shanghai_ms(2027, 1, 6, 18, 0));
	feed_await(&fwater, KIND(OVERDUE), &c10);
	fired_once(&c10, "warning", "warned");
	assert_int_equal(feed_count(&fwater, KIND(DEADLINE_MOVED), c10.number),
	    1);
	free(text);

	/* 01-04 is past now: a notice changing it is refused. */
	text = notice_2027("false", 0);
	import_refused(text, "2027-01-04 is past");
	free(text);
	hl_close(agent2);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* Runs the tests, each on servers of its own: the shared clock only moves forward. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_intake_complaint),
		TEST(test_intake_help),
		TEST(test_intake_urgent),
		TEST(test_intake_triage_no_clocks),
		TEST(test_warning_then_overdue),
		TEST(test_sign_overdue),
		TEST(test_fires_on_time),
		TEST(test_extension_too_long),
		TEST(test_extension_moves_due),
		TEST(test_suspend_resume),
		TEST(test_warning_once_per_round),
		TEST(test_suspend_resume_at_once),
		TEST(test_warning_distance_after_resume),
		TEST(test_redispatch_after_return),
		TEST(test_redispatch_accepted),
		TEST(test_reopen_new_clock),
		TEST(test_send_back_clock_runs_on),
		TEST(test_return_window),
		TEST(test_callback_overdue),
		TEST(test_supervision_overdue),
		TEST(test_two_daemons_exactly_once),
		TEST(test_restart_all_down),
		TEST(test_recompute_policy),
		TEST(test_recompute_calendar),
		TEST(test_recompute_keeps_breaches),
		TEST(test_recompute_callback_supervision),
		TEST(test_deadline_explains_guoqing),
		TEST(test_time_refusals),
		TEST(test_time_bounds),
		TEST(test_calendar_import),
	};

	harness_filter();
	return cmocka_run_group_tests_name("deadlines", tests, NULL, NULL);
}
