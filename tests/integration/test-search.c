/* Integration tests of search (检索) over the archive: Chinese words, each role's view, masking, paging, bad requests. */
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

#define SEARCH_WAIT_MS 20000	/* bound of every wait for the archive */
#define PAGED 25		/* tickets of the paging test */

static struct harness h;
static struct harness_pg pg;
static struct hl_client *agent;

/* Starts PostgreSQL, Redis and hotlined with an archive. */
static int
setup(void **state)
{
	(void)state;
	return harness_pg_group_start(&h, &pg, "agent01", &agent);
}

/* Stops everything. */
static int
teardown(void **state)
{
	(void)state;
	harness_pg_stop(&pg);
	return harness_group_stop(&h, agent);
}

/* Sends a search; NULL with err on an Error. */
static Hotline__Envelope *
search(struct hl_client *c, Hotline__SearchRequest *q, struct hl_error *err)
{
	return harness_call(c, BODY(SEARCH), q, err);
}

/* Returns 1 if the reply lists number. */
static int
lists(const Hotline__Envelope *rep, const char *number)
{
	size_t i;

	for (i = 0; i < rep->search_reply->n_tickets; i++)
		if (strcmp(rep->search_reply->tickets[i]->number, number) == 0)
			return 1;
	return 0;
}

/*
 * Searches words as c until number is found (the archive is written about
 * a second after a change), bounded; returns the answer, failing the test
 * if it never lists number.
 */
static Hotline__Envelope *
search_until(struct hl_client *c, const char *words, const char *number)
{
	Hotline__SearchRequest q = HOTLINE__SEARCH_REQUEST__INIT;
	int64_t until = harness_now_ms() + SEARCH_WAIT_MS;
	Hotline__Envelope *rep;
	struct hl_error err;

	q.words = (char *)words;
	q.limit = 200;
	while (harness_now_ms() < until) {
		rep = search(c, &q, &err);
		assert_reply(rep, err);
		if (lists(rep, number))
			return rep;
		hl_envelope_free(rep);
		harness_sleep_ms(50);
	}
	fail_msg("search \"%s\" never found %s", words, number);
	return NULL;
}

/* Waits (bounded) until the archive holds number in state (searched by number as the agent). */
static void
wait_state(const char *number, int state)
{
	Hotline__SearchRequest q = HOTLINE__SEARCH_REQUEST__INIT;
	int64_t until = harness_now_ms() + SEARCH_WAIT_MS;
	Hotline__Envelope *rep;
	struct hl_error err;
	int found = 0;

	q.number_prefix = (char *)number;
	while (!found && harness_now_ms() < until) {
		rep = search(agent, &q, &err);
		assert_reply(rep, err);
		found = rep->search_reply->n_tickets == 1 &&
		    (int)rep->search_reply->tickets[0]->state == state;
		hl_envelope_free(rep);
		if (!found)
			harness_sleep_ms(50);
	}
	assert_true(found);
}

/* Creates a ticket, optionally confidential; its number into out. */
static void
create(char out[32], const char *title, const char *content, int confidential,
    const char *phone)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char call_id[64], own[32];

	harness_create_init(&req, call_id, sizeof call_id, phone != NULL ?
	    phone : harness_phone(own, sizeof own), title, content);
	req.confidential = confidential;
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(rep, err);
	snprintf(out, 32, "%s", rep->created->ticket->number);
	hl_envelope_free(rep);
}

/*
 * Two-character words are found (停水, 物业), within the searcher's view:
 * the water company finds its 停水 ticket and not the housing bureau's
 * 物业 ticket; the agent finds both.
 */
static void
test_words_and_views(void **state)
{
	struct hl_client *water = harness_login(&h, "water-01");
	struct hl_client *zjj = harness_login(&h, "zjj-01");
	struct hl_client *disp = harness_login(&h, "dispatcher01");
	Hotline__SearchRequest q = HOTLINE__SEARCH_REQUEST__INIT;
	Hotline__DispatchRequest dis = HOTLINE__DISPATCH_REQUEST__INIT;
	char *assists[1] = { "water" };
	Hotline__Envelope *rep;
	struct hl_error err;
	char outage[32], estate[32];

	(void)state;
	assert_non_null(disp);
	assert_non_null(water);
	assert_non_null(zjj);
	create(outage, "整栋楼停水", "三号楼从昨晚开始停水", 0, NULL);
	create(estate, "物业不作为", "小区物业长期不打扫楼道", 0, NULL);

	rep = search_until(agent, "停水", outage);
	assert_false(lists(rep, estate));
	hl_envelope_free(rep);
	hl_envelope_free(search_until(agent, "物业", estate));
	hl_envelope_free(search_until(water, "停水", outage));
	hl_envelope_free(search_until(zjj, "物业", estate));

	q.words = "物业";
	rep = search(water, &q, &err);
	assert_reply(rep, err);
	assert_false(lists(rep, estate));
	hl_envelope_free(rep);
	q.words = "停水";
	rep = search(zjj, &q, &err);
	assert_reply(rep, err);
	assert_false(lists(rep, outage));
	hl_envelope_free(rep);
	/* Redispatched to 住建局 with the water company assisting (协办): both find it. */
	dis.number = outage;
	dis.lead_department = "zjj";
	dis.assisting_departments = assists;
	dis.n_assisting_departments = 1;
	rep = harness_call(disp, BODY(REDISPATCH), &dis, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	hl_envelope_free(search_until(zjj, "三号楼", outage));	/* archived */
	q.words = "三号楼";
	rep = search(water, &q, &err);
	assert_reply(rep, err);
	assert_true(lists(rep, outage));
	hl_envelope_free(rep);
	hl_close(disp);
	hl_close(water);
	hl_close(zjj);
}

/*
 * A confidential caller is masked for the department and cannot be found by
 * phone there; the agent finds the ticket by phone with the caller shown.
 */
static void
test_confidential(void **state)
{
	struct hl_client *water = harness_login(&h, "water-01");
	Hotline__SearchRequest q = HOTLINE__SEARCH_REQUEST__INIT;
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;
	char number[32], phone[32];

	(void)state;
	assert_non_null(water);
	harness_phone(phone, sizeof phone);
	create(number, "举报停水原因", "保密：停水是因为偷接水管", 1, phone);
	rep = search_until(water, "偷接", number);
	t = rep->search_reply->tickets[0];
	assert_string_equal(t->number, number);
	assert_true(t->confidential);
	assert_string_equal(t->caller_phone, "");	/* blank to departments (保密) */
	assert_string_equal(t->caller_name, "");
	hl_envelope_free(rep);

	q.caller_phone = phone;
	rep = search(water, &q, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->search_reply->n_tickets, 0);
	hl_envelope_free(rep);
	rep = search(agent, &q, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->search_reply->n_tickets, 1);
	assert_string_equal(rep->search_reply->tickets[0]->caller_phone, phone);
	hl_envelope_free(rep);
	hl_close(water);
}

/* Pages of 10 walk all 25 matching tickets once each, newest first; the last page has no cursor. */
static void
test_paging(void **state)
{
	Hotline__SearchRequest q = HOTLINE__SEARCH_REQUEST__INIT;
	char numbers[PAGED][32], cursor[200] = "", seen[PAGED + 1][32];
	Hotline__Envelope *rep;
	struct hl_error err;
	int i, j, nseen = 0, pages = 0;

	(void)state;
	for (i = 0; i < PAGED; i++)
		create(numbers[i], "路灯不亮", "翻页测试：路灯坏了", 0, NULL);
	hl_envelope_free(search_until(agent, "翻页", numbers[PAGED - 1]));
	q.words = "翻页";
	q.limit = 10;
	do {
		q.cursor = cursor;
		rep = search(agent, &q, &err);
		assert_reply(rep, err);
		for (i = 0; i < (int)rep->search_reply->n_tickets; i++) {
			const char *n = rep->search_reply->tickets[i]->number;

			for (j = 0; j < nseen; j++)
				assert_string_not_equal(seen[j], n);
			assert_true(nseen < PAGED);
			snprintf(seen[nseen++], 32, "%s", n);
		}
		snprintf(cursor, sizeof cursor, "%s",
		    rep->search_reply->next_cursor);
		hl_envelope_free(rep);
		pages++;
	} while (cursor[0] != '\0' && pages < 10);
	assert_int_equal(nseen, PAGED);
	assert_int_equal(pages, 3);
	assert_string_equal(seen[0], numbers[PAGED - 1]);	/* newest first */
	assert_string_equal(seen[PAGED - 1], numbers[0]);
}

/* Filters combine: number prefix, district, department; a department's open tickets for a dispatcher. */
static void
test_filters(void **state)
{
	Hotline__SearchRequest q = HOTLINE__SEARCH_REQUEST__INIT;
	Hotline__InvalidateRequest inv = HOTLINE__INVALIDATE_REQUEST__INIT;
	struct hl_client *disp = harness_login(&h, "dispatcher01");
	Hotline__Envelope *rep;
	struct hl_error err;
	char number[32], gone[32], day[9];
	size_t i;

	(void)state;
	assert_non_null(disp);
	create(number, "水压低", "过滤测试：楼上水压低", 0, NULL);
	hl_envelope_free(search_until(agent, "过滤", number));
	q.words = "过滤";
	q.number_prefix = (char *)harness_shanghai_date(day);
	q.district = "鼓楼区";
	q.department = "water";
	rep = search(agent, &q, &err);
	assert_reply(rep, err);
	assert_true(lists(rep, number));
	hl_envelope_free(rep);
	q.department = "zjj";
	rep = search(agent, &q, &err);
	assert_reply(rep, err);
	assert_false(lists(rep, number));
	hl_envelope_free(rep);
	/* A dispatcher lists a department's open tickets: not an invalidated one. */
	create(gone, "停水", "过滤测试：无效的停水工单", 0, NULL);
	inv.number = gone;
	inv.reason = "骚扰电话";
	rep = harness_call(disp, BODY(INVALIDATE), &inv, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->ticket->ticket->state, STATE(CLOSED));
	hl_envelope_free(rep);
	wait_state(gone, STATE(CLOSED));
	q.words = "";
	q.department = "water";
	q.open = 1;
	q.limit = 200;
	q.number_prefix = (char *)harness_shanghai_date(day);
	rep = search(disp, &q, &err);
	assert_reply(rep, err);
	assert_true(lists(rep, number));
	assert_false(lists(rep, gone));
	for (i = 0; i < rep->search_reply->n_tickets; i++)
		assert_true(rep->search_reply->tickets[i]->state <
		    STATE(CLOSED));
	hl_envelope_free(rep);
	q.open = 0;	/* still the department's, closed */
	rep = search(disp, &q, &err);
	assert_reply(rep, err);
	assert_true(lists(rep, gone));
	hl_envelope_free(rep);
	q.words = "过滤";
	q.open = 0;
	q.department = "";
	q.district = "台江区";
	rep = search(agent, &q, &err);
	assert_reply(rep, err);
	assert_false(lists(rep, number));
	hl_envelope_free(rep);
	hl_close(disp);
}

/* Runs sql on db, failing the test on an error. */
static void
sql_ok(PGconn *db, const char *sql)
{
	PGresult *res = PQexec(db, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(db));
	PQclear(res);
}

/*
 * Rows whose terms are stale (as every row archived before migration 004
 * is, or as an operator marks them) get their terms made again by the
 * archiver: a row whose terms were wiped and marked stale has, after a
 * bounded wait, exactly the terms the archiver first wrote, and is found by
 * its words again, including a two-character word inside a longer one.
 */
static void
test_rebuild_terms(void **state)
{
	PGconn *db = harness_pg_connect(&pg);
	int64_t until = harness_now_ms() + SEARCH_WAIT_MS;
	char number[32], sql[512];
	long long same = 0;

	(void)state;
	assert_non_null(db);
	create(number, "物业管理混乱", "电梯坏了三个月没人修", 0, NULL);
	hl_envelope_free(search_until(agent, "物业管理", number));
	snprintf(sql, sizeof sql, "CREATE TABLE saved AS SELECT terms FROM "
	    "hotline.tickets WHERE number = '%s'", number);
	sql_ok(db, sql);
	snprintf(sql, sizeof sql, "UPDATE hotline.tickets SET terms = "
	    "'zzz'::tsvector, terms_stale = true WHERE number = '%s'", number);
	sql_ok(db, sql);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM hotline.tickets t, "
	    "saved s WHERE t.number = '%s' AND NOT t.terms_stale AND t.terms = "
	    "s.terms", number);
	while (harness_now_ms() < until && (same = harness_pg_number(db,
	    sql)) != 1)
		harness_sleep_ms(100);
	assert_int_equal(same, 1);
	hl_envelope_free(search_until(agent, "物业", number));
	hl_envelope_free(search_until(agent, "电梯 没人修", number));
	sql_ok(db, "DROP TABLE saved");
	PQfinish(db);
}

/* Words without a term, a foreign cursor and an unknown department are refused clearly. */
static void
test_bad_requests(void **state)
{
	Hotline__SearchRequest q = HOTLINE__SEARCH_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	q.words = "，。！";
	rep = search(agent, &q, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "words");
	q.words = "停水";
	q.cursor = "t|not a time|1";
	rep = search(agent, &q, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "cursor");
	q.cursor = "";
	q.department = "nobody";
	rep = search(agent, &q, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "department");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_and_views),
		cmocka_unit_test(test_confidential),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_rebuild_terms),
	};

	harness_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
