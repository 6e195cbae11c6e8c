/* Integration tests of the supervision statistics (统一考核): a known week of tickets driven through shifted time, every indicator of every department checked against values worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define HOUR_MS 3600000LL
#define MINUTE_MS 60000LL
#define DAY_MS (24 * HOUR_MS)
#define ZONE_MS (8 * HOUR_MS)		/* Asia/Shanghai */
#define SETTLE_MS 5000
/* Durations drift by the test's own running time between shifts: 36 s. */
#define HOURS_SLACK 0.01

#define TYPE(x) HOTLINE__TICKET_TYPE__TICKET_TYPE_##x
#define RESULT(x) HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_##x
#define ERR(x) HOTLINE__ERROR_CODE__ERROR_CODE_##x

static struct harness h;
static struct hl_client *agent, *disp, *sup, *admin, *water, *zjj, *sthjj;
static int64_t monday;		/* local midnight starting the test week */
static char week[48];		/* "YYYY-MM-DD..YYYY-MM-DD", Monday to Sunday */
static char w1[32], w2[32], w3[32], z2[32], z3[32], s1[32], c1[32], d1[32];

/* Returns the instant of day (0 = Monday) hh:mm of the test week. */
static int64_t
at(int day, int hh, int mm)
{
	return monday + day * DAY_MS + hh * HOUR_MS + mm * MINUTE_MS;
}

/* Calls and asserts success; returns the answer. */
static Hotline__Envelope *
ok(struct hl_client *c, Hotline__Envelope__BodyCase body, void *req)
{
	struct hl_error err;
	Hotline__Envelope *rep = harness_call(c, body, req, &err);

	if (rep == NULL)
		fail_msg("%s refused: %s (%s)", hl_body_name(body),
		    err.message, hl_error_name(err.code));
	return rep;
}

/* Calls, asserts success and frees the answer. */
static void
ok_free(struct hl_client *c, Hotline__Envelope__BodyCase body, void *req)
{
	hl_envelope_free(ok(c, body, req));
}

/* Calls and asserts an Error with code (and field, if not NULL). */
static void
refused(struct hl_client *c, Hotline__Envelope__BodyCase body, void *req,
    int code, const char *field)
{
	struct hl_error err;
	Hotline__Envelope *rep = harness_call(c, body, req, &err);

	if (rep != NULL)
		fail_msg("%s accepted; expected %s", hl_body_name(body),
		    hl_error_name(code));
	assert_int_equal(err.code, code);
	if (field != NULL)
		assert_string_equal(err.field, field);
}

/* The daemons' clock (Pong.server_time). */
static int64_t
server_now(void)
{
	return harness_server_now(admin);
}

/* Moves the shared clock forward to t (it must not have passed) and lets timers fire. */
static void
advance_to(int64_t t)
{
	int64_t now = server_now();

	if (now >= t)
		fail_msg("the test clock passed %lld already (%lld)",
		    (long long)t, (long long)now);
	harness_shift_clock(admin, t - now);
	harness_timers_settle(&h, t, SETTLE_MS);
}

/* When limit started at from ends, by the daemon's calendar. */
static int64_t
due(int64_t from, const char *limit)
{
	return harness_due(admin, from, limit);
}

/*
 * Picks the first week after today whose Monday to Friday are plain working
 * days (08:30-12:00, 14:30-18:00) and whose weekend is off, by the daemon's
 * own calendar, so every figure below can be worked out by hand.
 */
static void
pick_week(void)
{
	int64_t now = server_now();
	int64_t day = (now + ZONE_MS) / DAY_MS;
	int tries;

	day += 7 - (day + 3) % 7;	/* the next Monday (1970-01-01 was a Thursday) */
	for (tries = 0; tries < 20; tries++, day += 7) {
		monday = day * DAY_MS - ZONE_MS;
		if (due(at(0, 9, 0), "5wd") == at(7, 18, 0) &&
		    due(at(0, 8, 0), "1wh") == at(0, 9, 30))
			break;
	}
	assert_true(tries < 20);
}

/* Formats the local date of instant t as "YYYY-MM-DD". */
static void
date_of(int64_t t, char *buf, size_t len)
{
	int64_t days = (t + ZONE_MS) / DAY_MS;
	int64_t z = days + 719468, era = z / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	int y = (int)(yoe + era * 400 + (m <= 2));

	snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
}

/* Registers a ticket and keeps its number in out. */
static void
create(char *out, const char *title, const char *content,
    Hotline__TicketType type, const char *district, const char *answer)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	char call_id[64], phone[32];

	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), title, content);
	req.type = type;
	req.district = (char *)district;
	req.direct_answer = (char *)answer;
	rep = ok(agent, BODY(CREATE), &req);
	snprintf(out, 32, "%s", rep->created->ticket->number);
	hl_envelope_free(rep);
}

/* Signs number as terminal c. */
static void
sign(struct hl_client *c, const char *number)
{
	Hotline__SignRequest req = HOTLINE__SIGN_REQUEST__INIT;

	req.number = (char *)number;
	ok_free(c, BODY(SIGN), &req);
}

/* Replies to number as terminal c. */
static void
reply(struct hl_client *c, const char *number, int solved)
{
	Hotline__ReplyRequest req = HOTLINE__REPLY_REQUEST__INIT;

	req.number = (char *)number;
	req.result = "已现场处理";
	req.solved = solved;
	ok_free(c, BODY(REPLY), &req);
}

/* The dispatcher approves the reply, then the agent calls the citizen back. */
static void
approve_and_call_back(const char *number, Hotline__CallbackResult result)
{
	Hotline__ReviewRequest rv = HOTLINE__REVIEW_REQUEST__INIT;
	Hotline__CallbackRequest cb = HOTLINE__CALLBACK_REQUEST__INIT;

	rv.number = (char *)number;
	rv.approve = 1;
	ok_free(disp, BODY(REVIEW), &rv);
	cb.number = (char *)number;
	cb.result = result;
	cb.comment = "市民认为问题仍未解决";
	ok_free(agent, BODY(CALLBACK), &cb);
}

/* Drives the week (see the comment of setup_week's expectations below). */
static void
drive_week(void)
{
	Hotline__ReturnRequest ret = HOTLINE__RETURN_REQUEST__INIT;
	Hotline__DispatchRequest dis = HOTLINE__DISPATCH_REQUEST__INIT;
	Hotline__ExtendRequest ext = HOTLINE__EXTEND_REQUEST__INIT;
	Hotline__ExtensionDecision dec = HOTLINE__EXTENSION_DECISION__INIT;
	Hotline__ExemptRequest ex = HOTLINE__EXEMPT_REQUEST__INIT;

	advance_to(at(0, 9, 0));
	create(w1, "小区停水", "我们小区今天早上开始停水", TYPE(HELP), "鼓楼区", "");
	create(w2, "停水两天", "楼里停水两天了没人管", TYPE(HELP), "鼓楼区", "");
	create(w3, "停水", "整栋楼停水", TYPE(HELP), "台江区", "");
	create(z2, "电梯故障", "3号楼电梯故障困人后一直停用", TYPE(HELP), "鼓楼区", "");
	create(z3, "物业不作为", "物业不管楼道堆放杂物", TYPE(HELP), "鼓楼区", "");
	create(s1, "夜间噪音", "工地夜间施工噪音扰民", TYPE(CONSULTATION), "仓山区", "");
	create(d1, "咨询社保", "想问社保卡在哪里办理", TYPE(CONSULTATION), "鼓楼区",
	    "社保卡可在各区社保中心办理");

	advance_to(at(0, 9, 30));
	ret.number = w3;
	ret.reason = "不属于本单位职责";
	ret.basis = "三定方案";
	ok_free(water, BODY(RETURN_TICKET), &ret);
	sign(zjj, z2);

	advance_to(at(0, 10, 0));
	sign(water, w1);
	dis.number = w3;
	dis.lead_department = "zjj";
	ok_free(disp, BODY(DISPATCH), &dis);

	advance_to(at(0, 10, 30));
	sign(zjj, w3);
	advance_to(at(0, 11, 0));
	reply(water, w1, 1);
	advance_to(at(0, 11, 10));
	approve_and_call_back(w1, RESULT(SATISFIED));
	advance_to(at(0, 11, 30));
	reply(zjj, w3, 1);
	advance_to(at(0, 11, 40));
	approve_and_call_back(w3, RESULT(UNSATISFIED));	/* 重办: a new round */

	advance_to(at(0, 12, 0));
	sign(zjj, z3);
	ext.number = z2;
	ext.extension = "2wd";
	ext.reason = "需要更换电梯主板";
	ok_free(zjj, BODY(EXTEND), &ext);
	dec.number = z2;
	dec.approve = 1;
	ok_free(disp, BODY(DECIDE_EXTENSION), &dec);

	advance_to(at(1, 9, 0));
	reply(zjj, z3, 1);
	approve_and_call_back(z3, RESULT(SATISFIED));
	create(c1, "广场噪声", "广场舞噪声太大", TYPE(CONSULTATION), "台江区", "");
	advance_to(at(1, 10, 0));
	sign(sthjj, c1);

	advance_to(at(2, 9, 0));	/* past Tuesday 18:00: sign-for deadlines */
	sign(water, w2);
	advance_to(at(2, 10, 0));
	reply(water, w2, 0);
	approve_and_call_back(w2, RESULT(BASICALLY_SATISFIED));
	advance_to(at(2, 11, 0));
	ex.number = z2;
	ex.reason = "诉求人要求超出政策范围";
	ok_free(sup, BODY(EXEMPT), &ex);

	advance_to(at(4, 9, 0));	/* Friday morning */
}

/* Starts the servers, logs everyone in and drives the week once. */
static int
setup(void **state)
{
	(void)state;
	if (harness_start(&h) == -1)
		return -1;
	agent = harness_login(&h, "agent01");
	disp = harness_login(&h, "dispatcher01");
	sup = harness_login(&h, "supervisor01");
	admin = harness_login(&h, "admin01");
	water = harness_login(&h, "water-01");
	zjj = harness_login(&h, "zjj-01");
	sthjj = harness_login(&h, "sthjj-01");
	return 0;
}

/* Closes the clients and stops the servers. */
static int
teardown(void **state)
{
	struct hl_client *all[] = { agent, disp, sup, admin, water, zjj, sthjj };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof all / sizeof all[0]; i++)
		if (all[i] != NULL)
			hl_close(all[i]);
	return harness_stop(&h);
}

/* Asks for the scorecards of a period (department "" = the ranking). */
static Hotline__Envelope *
scorecard(struct hl_client *c, const char *period, const char *department)
{
	Hotline__ScorecardRequest req = HOTLINE__SCORECARD_REQUEST__INIT;

	req.period = (char *)period;
	req.department = (char *)department;
	return ok(c, BODY(SCORECARD), &req);
}

/* Returns the score of department id in a ScorecardReply. */
static const Hotline__DepartmentScore *
score_of(const Hotline__ScorecardReply *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n_departments; i++)
		if (strcmp(r->departments[i]->department->id, id) == 0)
			return r->departments[i];
	fail_msg("no scorecard of %s", id);
	return NULL;
}

/* Asserts a rate's numerator and denominator. */
static void
rate(const Hotline__Rate *r, uint64_t num, uint64_t den)
{
	assert_non_null(r);
	if (r->numerator != num || r->denominator != den)
		fail_msg("rate %llu/%llu, expected %llu/%llu",
		    (unsigned long long)r->numerator,
		    (unsigned long long)r->denominator,
		    (unsigned long long)num, (unsigned long long)den);
	if (den > 0)
		assert_true(r->value > (double)num / (double)den - 1e-9 &&
		    r->value < (double)num / (double)den + 1e-9);
}

/* Asserts hours within the slack of the test's own running time. */
static void
hours(double got, double want)
{
	if (got < want - HOURS_SLACK || got > want + HOURS_SLACK)
		fail_msg("%.4f working hours, expected %.2f", got, want);
}

/* Counters of one department, as worked out by hand. */
struct expect {
	uint64_t received, signed_, on_time, sign_overdue, returned;
	uint64_t completed, completed_on_time, overdue, warned, extended;
	uint64_t reopened, satisfied, basic, unsatisfied, solved, exempted;
	double sign_hours, complete_hours, score;
	uint32_t rank;
};

/* Asserts every counter and indicator of s against e. */
static void
check_department(const Hotline__DepartmentScore *s, const struct expect *e)
{
	const Hotline__Counters *c = s->counters;
	const Hotline__Indicators *i = s->indicators;
	uint64_t reached = e->satisfied + e->basic + e->unsatisfied;

	assert_int_equal(c->received, e->received);
	assert_int_equal(c->signed_, e->signed_);
	assert_int_equal(c->signed_on_time, e->on_time);
	assert_int_equal(c->sign_overdue, e->sign_overdue);
	assert_int_equal(c->returned, e->returned);
	assert_int_equal(c->completed, e->completed);
	assert_int_equal(c->completed_on_time, e->completed_on_time);
	assert_int_equal(c->overdue, e->overdue);
	assert_int_equal(c->warned, e->warned);
	assert_int_equal(c->extended, e->extended);
	assert_int_equal(c->reopened, e->reopened);
	assert_int_equal(c->callback_satisfied, e->satisfied);
	assert_int_equal(c->callback_basically_satisfied, e->basic);
	assert_int_equal(c->callback_unsatisfied, e->unsatisfied);
	assert_int_equal(c->solved, e->solved);
	assert_int_equal(c->exempted, e->exempted);
	rate(i->response, e->on_time, e->on_time + e->sign_overdue);
	rate(i->on_time, e->completed_on_time, e->completed_on_time +
	    e->overdue);
	rate(i->resolution, e->solved, reached);
	rate(i->satisfaction, e->satisfied + e->basic, reached);
	rate(i->returns, e->returned, e->received);
	rate(i->reopens, e->reopened, e->completed);
	hours(i->avg_sign_hours, e->sign_hours);
	hours(i->avg_complete_hours, e->complete_hours);
	if (s->score < e->score - 0.1 || s->score > e->score + 0.1)
		fail_msg("%s scored %.3f, expected %.1f", s->department->id,
		    s->score, e->score);
	assert_int_equal(s->rank, e->rank);
	assert_int_equal(s->too_few, e->rank == 0);
}

/*
 * The week, by hand (business hours 08:30-12:00 and 14:30-18:00; weights
 * response 30, on_time 20, resolution 25, satisfaction 25; min_tickets 2):
 * water: W1 signed 1 h after dispatch, replied at 2 h, satisfied, solved;
 *   W2 signed late (Wed 09:00: 14 h), replied Wed 10:00 (15 h), basically
 *   satisfied, not solved; W3 returned. response 1/2, on time 2/2,
 *   resolution 1/2, satisfaction 2/2: 15 + 20 + 12.5 + 25 = 72.5, first.
 * zjj: W3 dispatched to it at 10:00, signed 10:30 (0.5 h), replied 11:30
 *   (1.5 h), unsatisfied: reopened, and the new round's sign-for deadline
 *   (Tuesday 18:00) passed; Z3 signed 12:00 (3 h), replied Tue 09:00 (7 h),
 *   satisfied, solved; Z2 (signed, extended) exempted: it counts only as
 *   exempted. response 2/3, on time 2/2, resolution 1/2, satisfaction 1/2:
 *   20 + 20 + 12.5 + 12.5 = 65, second.
 * sthjj: S1 never signed: sign overdue, warned Wed 18:00, overdue Thu 18:00;
 *   C1 (Tuesday) signed after 1 h, warned Thu 18:00. response 1/2, on time
 *   0/1, no callbacks: (15 + 0) / 50 = 30, third.
 * cgj: nothing: too few to rank.
 */
static void
test_scorecards(void **state)
{
	static const struct expect ewater = { 3, 2, 1, 1, 1, 2, 2, 0, 0, 0,
	    0, 1, 1, 0, 1, 0, 7.5, 8.5, 72.5, 1 };
	static const struct expect ezjj = { 2, 2, 2, 1, 0, 2, 2, 0, 0, 0,
	    1, 1, 0, 1, 1, 1, 1.75, 4.25, 65.0, 2 };
	static const struct expect esthjj = { 2, 1, 1, 1, 0, 0, 0, 1, 2, 0,
	    0, 0, 0, 0, 0, 0, 1.0, 0, 30.0, 3 };
	static const struct expect ecgj = { 0 };
	Hotline__Envelope *rep;
	const Hotline__ScorecardReply *r;
	const Hotline__Counters *t;
	char from[16], to[16];

	(void)state;
	pick_week();
	drive_week();
	date_of(at(0, 12, 0), from, sizeof from);
	date_of(at(6, 12, 0), to, sizeof to);
	snprintf(week, sizeof week, "%s..%s", from, to);

	rep = scorecard(sup, week, "");
	r = rep->scorecards;
	assert_string_equal(r->from, from);
	assert_string_equal(r->to, to);
	assert_int_equal(r->n_departments, 4);
	assert_int_equal(r->min_tickets, 2);
	check_department(score_of(r, "water"), &ewater);
	check_department(score_of(r, "zjj"), &ezjj);
	check_department(score_of(r, "sthjj"), &esthjj);
	check_department(score_of(r, "cgj"), &ecgj);
	assert_string_equal(r->departments[0]->department->id, "water");
	assert_string_equal(r->departments[1]->department->id, "zjj");
	assert_string_equal(r->departments[2]->department->id, "sthjj");
	assert_string_equal(r->departments[3]->department->id, "cgj");
	t = r->total;		/* the city: exempted tickets included */
	assert_int_equal(t->registered, 8);
	assert_int_equal(t->received, 8);
	assert_int_equal(t->signed_, 6);
	assert_int_equal(t->direct_answers, 1);
	assert_int_equal(t->exempted, 1);
	assert_int_equal(t->extended, 1);
	assert_int_equal(t->sign_overdue, 3);
	assert_int_equal(t->completed, 4);
	assert_int_equal(t->solved, 2);
	hl_envelope_free(rep);
}

/* The same week named as an ISO week, a department's own view, and periods around it. */
static void
test_periods_and_views(void **state)
{
	Hotline__ScorecardRequest req = HOTLINE__SCORECARD_REQUEST__INIT;
	Hotline__Envelope *a, *b;
	char monday_date[16], iso[32], before[40], d[16], year[8];
	int64_t thursday = at(3, 12, 0), t = thursday;

	(void)state;
	/* ISO week number: (the ordinal of its Thursday - 1) / 7 + 1. */
	date_of(thursday, year, sizeof year);
	year[4] = '\0';
	do {
		t -= DAY_MS;
		date_of(t, d, sizeof d);
	} while (strncmp(d, year, 4) == 0);
	snprintf(iso, sizeof iso, "%s-W%02d", year,
	    (int)((thursday - t) / DAY_MS - 1) / 7 + 1);
	a = scorecard(sup, week, "");
	b = scorecard(sup, iso, "");
	assert_int_equal(b->scorecards->n_departments, 4);
	assert_int_equal(score_of(b->scorecards, "water")->counters->received,
	    score_of(a->scorecards, "water")->counters->received);
	assert_int_equal(b->scorecards->total->registered, 8);
	hl_envelope_free(a);
	hl_envelope_free(b);

	/* Monday alone: Z2's counts were taken back from Monday too. */
	date_of(at(0, 12, 0), monday_date, sizeof monday_date);
	a = scorecard(sup, monday_date, "zjj");
	assert_int_equal(a->scorecards->n_departments, 1);
	assert_int_equal(a->scorecards->departments[0]->counters->received, 2);
	assert_int_equal(a->scorecards->departments[0]->counters->signed_, 2);
	hl_envelope_free(a);

	/* The week before: nothing. */
	date_of(at(-7, 12, 0), before, sizeof before);
	a = scorecard(sup, before, "");
	assert_int_equal(a->scorecards->total->registered, 0);
	assert_int_equal(score_of(a->scorecards, "water")->counters->received, 0);
	hl_envelope_free(a);

	/* A department terminal sees its own scorecard only. */
	a = scorecard(water, week, "");
	assert_int_equal(a->scorecards->n_departments, 1);
	assert_string_equal(a->scorecards->departments[0]->department->id,
	    "water");
	assert_int_equal(a->scorecards->departments[0]->rank, 1);
	hl_envelope_free(a);
	req.period = week;
	req.department = "zjj";
	refused(water, BODY(SCORECARD), &req, ERR(FORBIDDEN), "department");
	refused(agent, BODY(SCORECARD), &req, ERR(FORBIDDEN), NULL);
	req.department = "nosuch";
	refused(sup, BODY(SCORECARD), &req, ERR(NOT_FOUND), "department");
	req.department = "";
	req.period = "2026-13";
	refused(sup, BODY(SCORECARD), &req, ERR(BAD_REQUEST), "period");
	req.period = "2026-Q5";
	refused(sup, BODY(SCORECARD), &req, ERR(BAD_REQUEST), "period");
	req.period = "2025-01-01..2026-12-31";
	refused(sup, BODY(SCORECARD), &req, ERR(BAD_REQUEST), "period");
	req.period = "2026-09-30..2026-07-01";
	refused(sup, BODY(SCORECARD), &req, ERR(BAD_REQUEST), "period");
}

/* 高频诉求: districts and categories of the week. */
static void
test_hot(void **state)
{
	Hotline__HotRequest req = HOTLINE__HOT_REQUEST__INIT;
	Hotline__Envelope *rep;
	const Hotline__HotReply *r;

	(void)state;
	req.period = week;
	req.dimension = HOTLINE__HOT_DIMENSION__HOT_DIMENSION_DISTRICT;
	rep = ok(sup, BODY(HOT), &req);
	r = rep->hot_list;
	assert_int_equal(r->total_registered, 8);
	assert_int_equal(r->n_items, 3);
	assert_string_equal(r->items[0]->key, "鼓楼区");
	assert_int_equal(r->items[0]->counters->registered, 5);
	assert_true(r->items[0]->share > 0.624 && r->items[0]->share < 0.626);
	assert_string_equal(r->items[1]->key, "台江区");
	assert_int_equal(r->items[1]->counters->registered, 2);
	assert_string_equal(r->items[2]->key, "仓山区");
	hl_envelope_free(rep);

	req.dimension = HOTLINE__HOT_DIMENSION__HOT_DIMENSION_CATEGORY;
	req.limit = 1;
	rep = ok(disp, BODY(HOT), &req);
	assert_int_equal(rep->hot_list->n_items, 1);
	assert_string_equal(rep->hot_list->items[0]->key, "110101");
	assert_non_null(strstr(rep->hot_list->items[0]->name, "停水与水压"));
	assert_int_equal(rep->hot_list->items[0]->counters->registered, 3);
	hl_envelope_free(rep);
	refused(water, BODY(HOT), &req, ERR(FORBIDDEN), NULL);
	req.limit = 5000;
	refused(sup, BODY(HOT), &req, ERR(BAD_REQUEST), "limit");
}

/* Asks for the overdue (or, within > 0, the 预警) list. */
static Hotline__Envelope *
overdue(struct hl_client *c, const char *dept, const char *district,
    Hotline__TicketType type, double min_late, double within)
{
	Hotline__OverdueRequest req = HOTLINE__OVERDUE_REQUEST__INIT;

	req.department = (char *)dept;
	req.district = (char *)district;
	req.type = type;
	req.min_late_hours = min_late;
	req.within_hours = within;
	return ok(c, BODY(OVERDUE), &req);
}

/* Asserts entry i of an overdue list. */
static void
entry(const Hotline__OverdueReply *r, size_t i, const char *number,
    const char *deadline, double late)
{
	assert_true(i < r->n_tickets);
	assert_string_equal(r->tickets[i]->ticket->number, number);
	assert_string_equal(r->tickets[i]->deadline, deadline);
	hours(r->tickets[i]->late_hours, late);
}

/*
 * Friday 09:00: S1's sign-for (Tue 18:00, 14.5 working hours late) and
 * completion (Thu 18:00, 0.5 h) deadlines and W3's new sign-for deadline
 * (Tue 18:00) have passed; C1 is due Friday 18:00, 6.5 working hours ahead.
 */
static void
test_overdue_and_warnings(void **state)
{
	Hotline__OverdueRequest bad = HOTLINE__OVERDUE_REQUEST__INIT;
	Hotline__Envelope *rep;
	const char *first = strcmp(w3, s1) < 0 ? w3 : s1;
	const char *second = first == w3 ? s1 : w3;

	(void)state;
	rep = overdue(sup, "", "", 0, 0, 0);
	assert_int_equal(rep->overdue_list->matched, 3);
	entry(rep->overdue_list, 0, first, "sign", 14.5);
	entry(rep->overdue_list, 1, second, "sign", 14.5);
	entry(rep->overdue_list, 2, s1, "complete", 0.5);
	hl_envelope_free(rep);

	rep = overdue(sup, "sthjj", "", 0, 0, 0);
	assert_int_equal(rep->overdue_list->matched, 2);
	entry(rep->overdue_list, 0, s1, "sign", 14.5);
	hl_envelope_free(rep);
	rep = overdue(sup, "", "", 0, 10, 0);
	assert_int_equal(rep->overdue_list->matched, 2);
	hl_envelope_free(rep);
	rep = overdue(sup, "", "台江区", 0, 0, 0);	/* W3 was registered there */
	assert_int_equal(rep->overdue_list->matched, 1);
	entry(rep->overdue_list, 0, w3, "sign", 14.5);
	hl_envelope_free(rep);
	rep = overdue(sup, "", "", TYPE(CONSULTATION), 0, 0);
	assert_int_equal(rep->overdue_list->matched, 2);
	hl_envelope_free(rep);

	rep = overdue(sup, "", "", 0, 0, 8);		/* 预警 */
	assert_int_equal(rep->overdue_list->matched, 1);
	entry(rep->overdue_list, 0, c1, "complete", -6.5);
	hl_envelope_free(rep);

	rep = overdue(water, "", "", 0, 0, 0);		/* its own: none */
	assert_int_equal(rep->overdue_list->matched, 0);
	hl_envelope_free(rep);
	rep = overdue(sthjj, "", "", 0, 0, 0);
	assert_int_equal(rep->overdue_list->matched, 2);
	hl_envelope_free(rep);
	bad.department = "zjj";
	refused(water, BODY(OVERDUE), &bad, ERR(FORBIDDEN), "department");
	bad.department = "";
	bad.min_late_hours = -1;
	refused(sup, BODY(OVERDUE), &bad, ERR(BAD_REQUEST), "min_late_hours");
	bad.min_late_hours = 0;
	bad.limit = 5000;
	refused(sup, BODY(OVERDUE), &bad, ERR(BAD_REQUEST), "limit");
}

/* Breaches of the week: three sign-for deadlines and one completion. */
static void
test_breaches(void **state)
{
	Hotline__BreachesRequest req = HOTLINE__BREACHES_REQUEST__INIT;
	Hotline__Envelope *rep;
	const Hotline__BreachesReply *r;
	size_t i;
	int sign = 0, complete = 0;

	(void)state;
	req.period = week;
	rep = ok(sup, BODY(BREACHES), &req);
	r = rep->breach_list;
	assert_int_equal(r->total, 4);
	assert_int_equal(r->n_breaches, 4);
	for (i = 0; i < r->n_by_kind; i++) {
		if (strcmp(r->by_kind[i]->key, "sign") == 0)
			sign = (int)r->by_kind[i]->value;
		if (strcmp(r->by_kind[i]->key, "complete") == 0)
			complete = (int)r->by_kind[i]->value;
	}
	assert_int_equal(sign, 3);
	assert_int_equal(complete, 1);
	assert_string_equal(r->breaches[3]->number, s1);
	assert_string_equal(r->breaches[3]->kind, "complete");
	assert_string_equal(r->breaches[3]->department, "sthjj");
	assert_int_equal(r->breaches[3]->due_at, at(3, 18, 0));
	hl_envelope_free(rep);

	req.department = "water";
	req.offset = 0;
	req.limit = 1;
	rep = ok(sup, BODY(BREACHES), &req);
	assert_int_equal(rep->breach_list->total, 1);
	assert_string_equal(rep->breach_list->breaches[0]->number, w2);
	assert_int_equal(rep->breach_list->breaches[0]->due_at, at(1, 18, 0));
	hl_envelope_free(rep);
	req.department = "";
	req.offset = 3;
	rep = ok(sup, BODY(BREACHES), &req);
	assert_int_equal(rep->breach_list->n_breaches, 1);
	assert_string_equal(rep->breach_list->breaches[0]->kind, "complete");
	hl_envelope_free(rep);
}

/* W2's timeline: signed half a working hour late, replied with 26.5 hours to spare. */
static void
test_timeline(void **state)
{
	Hotline__TimelineRequest req = HOTLINE__TIMELINE_REQUEST__INIT;
	Hotline__Envelope *rep;
	const Hotline__TimelineReply *r;
	size_t i;
	int overdue_step = 0;

	(void)state;
	req.number = w2;
	rep = ok(sup, BODY(TIMELINE), &req);
	r = rep->timeline_reply;
	assert_true(r->n_deadlines >= 3);
	assert_string_equal(r->deadlines[0]->deadline, "sign");
	assert_int_equal(r->deadlines[0]->due_at, at(1, 18, 0));
	assert_true(r->deadlines[0]->late);
	hours(r->deadlines[0]->margin_hours, -0.5);
	assert_string_equal(r->deadlines[1]->deadline, "complete");
	assert_int_equal(r->deadlines[1]->due_at, at(7, 18, 0));
	assert_false(r->deadlines[1]->late);
	hours(r->deadlines[1]->margin_hours, 26.5);
	assert_string_equal(r->deadlines[2]->deadline, "callback");
	assert_false(r->deadlines[2]->late);
	for (i = 0; i < r->n_steps; i++)
		overdue_step |= strcmp(r->steps[i]->what, "sign_overdue") == 0;
	assert_true(overdue_step);
	assert_int_equal(r->ticket->n_history, 0);
	hl_envelope_free(rep);

	rep = ok(water, BODY(TIMELINE), &req);	/* its own ticket */
	hl_envelope_free(rep);
	req.number = s1;	/* another department's: as if missing */
	refused(water, BODY(TIMELINE), &req, ERR(NOT_FOUND), "number");
	req.number = "20990101999999";
	refused(sup, BODY(TIMELINE), &req, ERR(NOT_FOUND), NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scorecards),
		cmocka_unit_test(test_periods_and_views),
		cmocka_unit_test(test_hot),
		cmocka_unit_test(test_overdue_and_warnings),
		cmocka_unit_test(test_breaches),
		cmocka_unit_test(test_timeline),
	};

	harness_filter();
	return cmocka_run_group_tests_name("stats", tests, setup, teardown);
}
