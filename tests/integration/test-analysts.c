/* Integration tests of the analysts' SQL (schema hotline_bi): one quarter's report computed in SQL equals the daemon's, number by number; the role sees only the views; no confidential caller shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "harness-pg.h"

#define WAIT_MS 20000		/* bound of the wait for the archive */

static struct harness h;
static struct harness_pg pg;
static struct hl_client *agent, *disp, *sup, *water, *zjj;
static PGconn *analyst;		/* a login in role hotline_analyst */

/* Sends a request that must succeed; frees the answer. */
static void
ok(struct hl_client *c, Hotline__Envelope__BodyCase body, void *req)
{
	struct hl_error err;
	Hotline__Envelope *rep = harness_call(c, body, req, &err);

	assert_reply(rep, err);
	hl_envelope_free(rep);
}

/* Runs sql (must succeed) on c. */
static int
exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;

	if (rc == -1)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	return rc;
}

/* Starts the servers with an archive, logs everyone in, makes an analyst's login. */
static int
setup(void **state)
{
	char conninfo[200];
	PGconn *db;

	(void)state;
	if (harness_pg_group_start(&h, &pg, "agent01", &agent) == -1 ||
	    (disp = harness_login(&h, "dispatcher01")) == NULL ||
	    (sup = harness_login(&h, "supervisor01")) == NULL ||
	    (water = harness_login(&h, "water-01")) == NULL ||
	    (zjj = harness_login(&h, "zjj-01")) == NULL ||
	    (db = harness_pg_connect(&pg)) == NULL)
		return -1;
	if (exec_ok(db, "CREATE ROLE bi_reader LOGIN IN ROLE hotline_analyst") ==
	    -1) {
		PQfinish(db);
		return -1;
	}
	PQfinish(db);
	snprintf(conninfo, sizeof conninfo, "host=%s port=5432 dbname=%s "
	    "user=bi_reader", pg.dir, HARNESS_PG_DB);
	analyst = PQconnectdb(conninfo);
	return PQstatus(analyst) == CONNECTION_OK ? 0 : -1;
}

/* Stops everything. */
static int
teardown(void **state)
{
	(void)state;
	PQfinish(analyst);
	hl_close(disp);
	hl_close(sup);
	hl_close(water);
	hl_close(zjj);
	harness_pg_stop(&pg);
	return harness_group_stop(&h, agent);
}

/* Creates a ticket; its number into out. */
static void
create(char out[32], const char *title, const char *content, int confidential,
    const char *answer)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char call_id[64], phone[32];

	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), title, content);
	req.confidential = confidential;
	if (answer != NULL) {
		req.type = HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION;
		req.direct_answer = (char *)answer;
	}
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(rep, err);
	snprintf(out, 32, "%s", rep->created->ticket->number);
	hl_envelope_free(rep);
}

/* Signs number as terminal c. */
static void
sign(struct hl_client *c, const char *number)
{
	Hotline__SignRequest s = HOTLINE__SIGN_REQUEST__INIT;

	s.number = (char *)number;
	ok(c, BODY(SIGN), &s);
}

/* A quarter's worth of steps for two departments (within today). */
static void
drive(void)
{
	Hotline__ReplyRequest rp = HOTLINE__REPLY_REQUEST__INIT;
	Hotline__ReviewRequest rv = HOTLINE__REVIEW_REQUEST__INIT;
	Hotline__ReturnRequest ret = HOTLINE__RETURN_REQUEST__INIT;
	Hotline__DispatchRequest dis = HOTLINE__DISPATCH_REQUEST__INIT;
	Hotline__UrgeRequest urge = HOTLINE__URGE_REQUEST__INIT;
	Hotline__SuperviseRequest so = HOTLINE__SUPERVISE_REQUEST__INIT;
	char w1[32], w2[32], w3[32], w4[32], z1[32], z2[32], d1[32];

	create(w1, "小区停水", "小区停水一天了", 0, NULL);
	create(w2, "停水", "楼里停水", 0, NULL);
	create(w3, "停水两天", "整栋停水两天", 0, NULL);
	create(w4, "举报停水", "保密：有人偷接水管导致停水", 1, NULL);
	create(z1, "物业不作为", "物业不打扫楼道", 0, NULL);
	create(z2, "电梯故障", "电梯故障困人", 0, NULL);
	create(d1, "咨询社保", "社保卡在哪里办", 0, "各区社保中心");
	sign(water, w1);
	sign(water, w2);
	sign(zjj, z1);
	rp.number = w1;
	rp.result = "已恢复供水";
	rp.solved = 1;
	ok(water, BODY(REPLY), &rp);
	rv.number = w1;
	rv.approve = 1;
	ok(disp, BODY(REVIEW), &rv);
	ret.number = w3;
	ret.reason = "不属于本单位职责";
	ret.basis = "三定方案";
	ok(water, BODY(RETURN_TICKET), &ret);
	dis.number = w3;
	dis.lead_department = "zjj";
	ok(disp, BODY(DISPATCH), &dis);
	urge.number = z2;
	urge.text = "请尽快处理";
	ok(sup, BODY(URGE), &urge);
	so.number = z1;
	so.text = "限期整改";
	ok(sup, BODY(SUPERVISE), &so);
	(void)w4;
	(void)d1;
}

/* Waits until every change is archived (outbox empty, nothing pending). */
static void
wait_archived_all(void)
{
	int64_t until = harness_now_ms() + WAIT_MS;
	redisContext *r = harness_redis(&h);

	while (harness_now_ms() < until) {
		redisReply *len = redisCommand(r, "XLEN ht:outbox");
		redisReply *p = redisCommand(r, "XPENDING ht:outbox archive");
		int done = len->integer == 0 && p->type == REDIS_REPLY_ARRAY &&
		    p->element[0]->integer == 0;

		freeReplyObject(len);
		freeReplyObject(p);
		if (done) {
			redisFree(r);
			return;
		}
		harness_sleep_ms(50);
	}
	redisFree(r);
	fail_msg("the archive did not catch up in %d ms", WAIT_MS);
}

/* A number the analyst's SQL answers (sql with $1..$3 = dept, from, to). */
static long long
analyst_number(const char *sql, const char *dept, const char *from,
    const char *to)
{
	const char *params[3] = { dept, from, to };
	PGresult *r = PQexecParams(analyst, sql, 3, NULL, params, NULL, NULL,
	    0);
	long long v;

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(analyst));
	v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* The quarter of today (Asia/Shanghai), "2026-Q4". */
static void
this_quarter(char out[16])
{
	char day[9];
	int month;

	harness_shanghai_date(day);
	month = (day[4] - '0') * 10 + day[5] - '0';
	snprintf(out, 16, "%.4s-Q%d", day, (month - 1) / 3 % 4 + 1);
}

/*
 * The quarter's report in SQL from the views, as an analyst, equals the
 * daemon's scorecards (what hotlinectl report prints), number by number:
 * each department's received, signed, returned, completed, reopened,
 * warned, urged, supervised and invalid, and the city's registered and
 * direct answers.
 */
static void
test_report_matches(void **state)
{
	static const char dept_sql[] = "SELECT coalesce(sum(%s), 0) FROM "
	    "hotline_bi.department_daily WHERE department = $1 AND day BETWEEN "
	    "$2::date AND $3::date";
	static const char city_sql[] = "SELECT coalesce(sum(%s), 0) FROM "
	    "hotline_bi.city_daily WHERE $1 = $1 AND day BETWEEN $2::date AND "
	    "$3::date";
	Hotline__ScorecardRequest q = HOTLINE__SCORECARD_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	char quarter[16], sql[300];
	size_t i;
	int compared = 0;

	(void)state;
	drive();
	wait_archived_all();
	this_quarter(quarter);
	q.period = quarter;
	rep = harness_call(sup, BODY(SCORECARD), &q, &err);
	assert_reply(rep, err);
	for (i = 0; i < rep->scorecards->n_departments; i++) {
		const Hotline__DepartmentScore *d = rep->scorecards->departments[i];
		const Hotline__Counters *c = d->counters;
		const char *id = d->department->id;
		const struct { const char *name; uint64_t want; } rows[] = {
			{ "received", c->received }, { "signed", c->signed_ },
			{ "returned", c->returned }, { "completed", c->completed },
			{ "reopened", c->reopened }, { "warned", c->warned },
			{ "urged", c->urged }, { "supervised", c->supervised },
			{ "invalid", c->invalid },
		};
		size_t k;

		for (k = 0; k < sizeof rows / sizeof rows[0]; k++) {
			snprintf(sql, sizeof sql, dept_sql, rows[k].name);
			if (analyst_number(sql, id, rep->scorecards->from,
			    rep->scorecards->to) != (long long)rows[k].want)
				fail_msg("%s %s: SQL %lld, report %llu", id,
				    rows[k].name, analyst_number(sql, id,
				    rep->scorecards->from, rep->scorecards->to),
				    (unsigned long long)rows[k].want);
			compared++;
		}
		if (strcmp(id, "water") == 0) {
			assert_int_equal(c->signed_, 2);
			assert_int_equal(c->returned, 1);
			assert_int_equal(c->completed, 1);
		}
	}
	assert_true(compared >= 2 * 9);
	snprintf(sql, sizeof sql, city_sql, "registered");
	assert_int_equal(analyst_number(sql, "", rep->scorecards->from,
	    rep->scorecards->to), rep->scorecards->total->registered);
	snprintf(sql, sizeof sql, city_sql, "direct_answers");
	assert_int_equal(analyst_number(sql, "", rep->scorecards->from,
	    rep->scorecards->to), rep->scorecards->total->direct_answers);
	assert_int_equal(rep->scorecards->total->registered, 7);
	hl_envelope_free(rep);
}

/* The analyst reads the views, not the tables; no view shows a confidential caller or any name. */
static void
test_views_only(void **state)
{
	PGresult *r;

	(void)state;
	r = PQexec(analyst, "SELECT count(*) FROM hotline.tickets");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	assert_string_equal(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42501");
	PQclear(r);
	assert_true(harness_pg_number(analyst, "SELECT count(*) FROM "
	    "hotline_bi.tickets WHERE confidential") >= 1);
	assert_int_equal(harness_pg_number(analyst, "SELECT count(*) FROM "
	    "hotline_bi.tickets WHERE confidential AND (caller_phone_masked IS "
	    "NOT NULL OR content IS NOT NULL OR address IS NOT NULL)"), 0);
	assert_int_equal(harness_pg_number(analyst, "SELECT count(*) FROM "
	    "hotline_bi.tickets WHERE NOT confidential AND "
	    "caller_phone_masked NOT LIKE '___****%'"), 0);
	assert_int_equal(harness_pg_number(analyst, "SELECT count(*) FROM "
	    "information_schema.columns WHERE table_schema = 'hotline_bi' AND "
	    "column_name IN ('caller_name', 'caller_phone', 'note', 'fields', "
	    "'entry', 'principal')"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_matches),
		cmocka_unit_test(test_views_only),
	};

	harness_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
