/* Integration tests of the archive: the outbox into a real PostgreSQL, backfill, PostgreSQL down or slow, kill -9 mid-batch, a newer schema refused. */
#include <sys/wait.h>

#include <glob.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "harness-fault.h"
#include "harness-pg.h"

#define ARCHIVE_WAIT_MS 20000	/* bound of every wait for the archiver */
#define BEFORE 5		/* tickets created before the archive is on */
#define SUPERVISOR_BASIC "supervisor01:supervisor01-test"	/* HTTP Basic for /metrics */

static struct harness h;
static struct harness_pg pg;
static struct hl_client *agent;
static PGconn *db;
static char before[BEFORE][32];	/* their numbers */

/* Starts PostgreSQL, Redis and hotlined; tickets first, then the archive on. */
static int
setup(void **state)
{
	int i;

	(void)state;
	if (harness_pg_start(&pg) == -1)
		return -1;
	if (harness_group_start(&h, "agent01", &agent) == -1)
		return -1;
	for (i = 0; i < BEFORE; i++) {
		Hotline__Envelope *rep = harness_create(agent, "小区停水",
		    "我们小区从昨天开始停水，物业不管");

		snprintf(before[i], sizeof before[i], "%s",
		    rep->created->ticket->number);
		hl_envelope_free(rep);
	}
	if (harness_pg_configure(&h.main, &pg, 1000) == -1 || harness_restart(&h) == -1)
		return -1;
	hl_close(agent);
	if ((agent = harness_login(&h, "agent01")) == NULL ||
	    (db = harness_pg_connect(&pg)) == NULL)
		return -1;
	return harness_pg_wait_schema(db);
}

/* Stops everything. */
static int
teardown(void **state)
{
	(void)state;
	if (db != NULL)
		PQfinish(db);
	harness_pg_stop(&pg);
	return harness_group_stop(&h, agent);
}

/* A Redis field of a ticket as a number (-1 when absent). */
static long long
redis_ticket_int(const char *number, const char *field)
{
	redisContext *r = harness_redis(&h);
	redisReply *rep = redisCommand(r, "HGET ht:ticket:%s %s", number,
	    field);
	long long v = rep != NULL && rep->type == REDIS_REPLY_STRING ?
	    strtoll(rep->str, NULL, 10) : -1;

	freeReplyObject(rep);
	redisFree(r);
	return v;
}

/* A Redis command's integer answer. */
static long long
redis_int(const char *cmd)
{
	redisContext *r = harness_redis(&h);
	redisReply *rep = redisCommand(r, cmd);
	long long v = rep != NULL && rep->type == REDIS_REPLY_INTEGER ?
	    rep->integer : -1;

	freeReplyObject(rep);
	redisFree(r);
	return v;
}

/* The entries of a ticket's history in Redis. */
static long long
history_len(const char *number)
{
	redisContext *r = harness_redis(&h);
	long long n = harness_history_len(r, number);

	redisFree(r);
	return n;
}

/* The archived version of a ticket (-1 when not archived). */
static long long
pg_version(const char *number)
{
	char sql[200];

	snprintf(sql, sizeof sql, "SELECT version FROM hotline.tickets WHERE "
	    "number = '%s'", number);
	return harness_pg_number(db, sql);
}

/*
 * Waits until PostgreSQL holds number's latest version (as Redis has it)
 * and exactly its history, row for row; fails the test otherwise.
 */
static void
wait_archived(const char *number)
{
	int64_t until = harness_now_ms() + ARCHIVE_WAIT_MS;
	char sql[200];
	long long want, rows = -1;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM hotline.history WHERE "
	    "number = '%s'", number);
	while (harness_now_ms() < until) {
		want = redis_ticket_int(number, "version");
		if (want < 0)
			want = 0;	/* a ticket from before the outbox */
		rows = harness_pg_number(db, sql);
		if (pg_version(number) == want && rows == history_len(number))
			return;
		harness_sleep_ms(50);
	}
	fail_msg("ticket %s: archived version %lld (Redis %lld), history "
	    "rows %lld (Redis %lld)", number, pg_version(number),
	    redis_ticket_int(number, "version"), rows, history_len(number));
}

/* Waits until the outbox is empty and nothing is pending in the group. */
static void
wait_outbox_empty(void)
{
	int64_t until = harness_now_ms() + ARCHIVE_WAIT_MS;
	redisContext *r = harness_redis(&h);

	while (harness_now_ms() < until) {
		redisReply *p = redisCommand(r, "XPENDING ht:outbox archive");
		long long pending = p != NULL && p->type == REDIS_REPLY_ARRAY &&
		    p->elements > 0 ? p->element[0]->integer : -1;

		freeReplyObject(p);
		if (pending == 0 && redis_int("XLEN ht:outbox") == 0) {
			redisFree(r);
			return;
		}
		harness_sleep_ms(50);
	}
	redisFree(r);
	fail_msg("the outbox still holds %lld entries",
	    redis_int("XLEN ht:outbox"));
}


/* Creates a ticket; its number into out. */
static void
create(char out[32], const char *title, const char *content)
{
	Hotline__Envelope *rep = harness_create(agent, title, content);

	snprintf(out, 32, "%s", rep->created->ticket->number);
	hl_envelope_free(rep);
}

/* The number of migrations, daemon/sql/NNN-*.sql (numbers may have gaps). */
static long long
migration_files(void)
{
	const char *src = getenv("HOTLINE_SRCDIR");
	char pattern[512];
	glob_t g;
	long long n;

	snprintf(pattern, sizeof pattern, "%s/daemon/sql/[0-9][0-9][0-9]-*.sql",
	    src != NULL ? src : ".");
	if (glob(pattern, 0, NULL, &g) != 0)
		return -1;
	n = (long long)g.gl_pathc;
	globfree(&g);
	return n;
}

/* Tickets created before the archive was configured are archived at its first start. */
static void
test_backfill(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < BEFORE; i++)
		wait_archived(before[i]);
	assert_int_equal(redis_int("EXISTS ht:archive:backfilled"), 1);
	assert_int_equal(harness_pg_number(db, "SELECT count(*) FROM "
	    "hotline.schema_migrations"), migration_files());
}

/*
 * Every step is archived: the latest version of the ticket and each
 * history row once; the outbox empties; the archived row says what Redis
 * says (state, department, words).
 */
static void
test_outbox_steps(void **state)
{
	struct hl_client *zjj = harness_login(&h, "zjj-01");
	Hotline__Envelope *rep;
	struct hl_error err;
	char number[32], sql[300];

	(void)state;
	assert_non_null(zjj);
	create(number, "电梯坏了", "小区物业不修电梯故障");
	wait_archived(number);
	rep = harness_sign(zjj, number, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	rep = harness_reply(zjj, number, "已修好", &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	wait_archived(number);
	wait_outbox_empty();
	assert_true(redis_ticket_int(number, "version") >= 3);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM hotline.tickets WHERE "
	    "number = '%s' AND dept = 'zjj' AND state = %d AND "
	    "terms @@ '''物业'' & ''电梯'''::tsquery AND closed_at IS NULL",
	    number, STATE(REPLIED));
	assert_int_equal(harness_pg_number(db, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM hotline.history WHERE "
	    "number = '%s' AND action = 'sign' AND position = 2", number);
	assert_int_equal(harness_pg_number(db, sql), 1);
	hl_close(zjj);
}

/* Waits until Redis no longer holds ticket number (retention), bounded. */
static void
wait_evicted(const char *number)
{
	int64_t until = harness_now_ms() + ARCHIVE_WAIT_MS;
	char cmd[100];

	snprintf(cmd, sizeof cmd, "EXISTS ht:ticket:%s", number);
	while (harness_now_ms() < until && redis_int(cmd) != 0)
		harness_sleep_ms(50);
	assert_int_equal(redis_int(cmd), 0);
}

/*
 * The timeline of an archived ticket is read from PostgreSQL, marked
 * archived, with its steps, for the agent; a department that never had it
 * gets exactly the answer it gets for a number that does not exist (no
 * existence oracle).
 */
static void
archived_timeline(struct hl_client *dept, const char *number,
    const char *phone)
{
	Hotline__TimelineRequest tq = HOTLINE__TIMELINE_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	char missing[sizeof err.message];

	tq.number = (char *)number;
	rep = harness_call(agent, BODY(TIMELINE), &tq, &err);
	assert_reply(rep, err);
	assert_true(rep->timeline_reply->ticket->archived);
	assert_string_equal(rep->timeline_reply->ticket->number, number);
	assert_string_equal(rep->timeline_reply->ticket->caller_phone, phone);
	assert_true(rep->timeline_reply->n_steps >= 2);
	assert_string_equal(rep->timeline_reply->steps[0]->what, "create");
	hl_envelope_free(rep);
	tq.number = "20200101000001";
	rep = harness_call(dept, BODY(TIMELINE), &tq, &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	snprintf(missing, sizeof missing, "%s", err.message);
	tq.number = (char *)number;
	rep = harness_call(dept, BODY(TIMELINE), &tq, &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	assert_string_equal(err.message, missing);
	assert_string_equal(err.field, "number");
}

/* Creates a ticket of caller phone: a consultation answered at once (closed) if answer, else a complaint; its number into out. */
static void
create_for(char out[32], const char *phone, const char *answer)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char call_id[64];

	harness_create_init(&req, call_id, sizeof call_id, phone, "咨询供暖",
	    "归档测试：同一来电人的多张工单");
	if (answer != NULL) {
		req.type = HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION;
		req.direct_answer = (char *)answer;
	}
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(rep, err);
	snprintf(out, 32, "%s", rep->created->ticket->number);
	hl_envelope_free(rep);
}

/*
 * The caller's tickets a page at a time (limit 2) after retention: the
 * live one and the archived ones in one newest-first order, the archived
 * ones marked, none twice, none missing; the last page says nothing more.
 */
static void
caller_pages(const char *phone, const char *const *want, size_t nwant,
    const int *archived)
{
	Hotline__CallerRequest q = HOTLINE__CALLER_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	char cursor[64] = "";
	size_t seen = 0, i, pages = 0;

	q.caller_phone = (char *)phone;
	q.limit = 2;
	do {
		q.cursor = cursor;
		rep = harness_call(agent, BODY(CALLER), &q, &err);
		assert_reply(rep, err);
		assert_true(rep->tickets->n_tickets <= 2);
		for (i = 0; i < rep->tickets->n_tickets; i++) {
			assert_true(seen < nwant);
			assert_string_equal(rep->tickets->tickets[i]->number,
			    want[seen]);
			assert_int_equal(rep->tickets->tickets[i]->archived,
			    archived[seen]);
			seen++;
		}
		assert_int_equal(rep->tickets->truncated,
		    rep->tickets->next_cursor[0] != '\0');
		snprintf(cursor, sizeof cursor, "%s", rep->tickets->next_cursor);
		hl_envelope_free(rep);
	} while (cursor[0] != '\0' && ++pages < 10);
	assert_int_equal(seen, nwant);
	q.cursor = "not a cursor";
	rep = harness_call(agent, BODY(CALLER), &q, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "cursor");
}

/*
 * Through the test clock, a ticket closed more than keep_days (30) ago
 * leaves Redis with its history and index entries, and an open one stays;
 * show answers the archived one from PostgreSQL, marked archived, with its
 * history; a department that never had it is refused; a step the life
 * cycle allows on a closed ticket (免考核) is refused as archived; search
 * still finds it.
 */
static void
test_retention(void **state)
{
	struct hl_client *admin = harness_login(&h, "admin01");
	struct hl_client *sup = harness_login(&h, "supervisor01");
	struct hl_client *zjj = harness_login(&h, "zjj-01");
	Hotline__ExemptRequest ex = HOTLINE__EXEMPT_REQUEST__INIT;
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char closed[32], open[32], call_id[64], phone[32], cmd[100], *a;
	char closed2[32], closed3[32], open2[32];

	(void)state;
	assert_non_null(admin);
	assert_non_null(sup);
	assert_non_null(zjj);
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "咨询停水时间", "归档测试：何时恢复供水");
	req.type = HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION;
	req.direct_answer = "今晚八点恢复供水";
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->created->ticket->state, STATE(CLOSED));
	snprintf(closed, sizeof closed, "%s", rep->created->ticket->number);
	hl_envelope_free(rep);
	create(open, "电梯坏了", "归档测试：电梯故障一直没人修");
	create_for(closed2, phone, "供暖十一月十五日开始");
	create_for(open2, phone, NULL);
	create_for(closed3, phone, "供暖费可在线缴纳");
	wait_archived(closed);
	wait_archived(open);
	wait_archived(closed3);

	harness_shift_clock(admin, 31LL * 86400000);
	wait_evicted(closed);
	wait_evicted(closed2);
	wait_evicted(closed3);
	{
		const char *want[] = { closed3, open2, closed2, closed };
		const int archived[] = { 1, 0, 1, 1 };

		caller_pages(phone, want, 4, archived);
	}
	snprintf(cmd, sizeof cmd, "EXISTS ht:history:%s", closed);
	assert_int_equal(redis_int(cmd), 0);
	snprintf(cmd, sizeof cmd, "ZSCORE ht:caller:%s %s", phone, closed);
	assert_int_equal(redis_int(cmd), -1);	/* nil: gone from the caller's list */
	{
		redisContext *r = harness_redis(&h);
		redisReply *id = harness_callid(r, call_id);

		assert_non_null(id);
		assert_int_equal(id->type, REDIS_REPLY_NIL);	/* the call id forgotten */
		freeReplyObject(id);
		redisFree(r);
	}
	snprintf(cmd, sizeof cmd, "EXISTS ht:ticket:%s", open);
	assert_int_equal(redis_int(cmd), 1);

	rep = harness_show(agent, closed, &err);
	assert_reply(rep, err);
	assert_true(rep->ticket->ticket->archived);
	assert_int_equal(rep->ticket->ticket->state, STATE(CLOSED));
	assert_string_equal(rep->ticket->ticket->caller_phone, phone);
	assert_string_equal(rep->ticket->ticket->direct_answer, "今晚八点恢复供水");
	assert_true(rep->ticket->ticket->n_history >= 2);
	hl_envelope_free(rep);
	rep = harness_show(agent, open, &err);
	assert_reply(rep, err);
	assert_false(rep->ticket->ticket->archived);
	hl_envelope_free(rep);
	rep = harness_show(zjj, closed, &err);
	assert_error(rep, err, ERR(NOT_FOUND));
	archived_timeline(zjj, closed, phone);

	ex.number = closed;
	ex.reason = "不合理诉求";
	rep = harness_call(sup, BODY(EXEMPT), &ex, &err);
	assert_error(rep, err, ERR(CONFLICT));
	assert_non_null(strstr(err.message_en, "archived"));
	rep = harness_show(agent, "20200101000001", &err);
	assert_error(rep, err, ERR(NOT_FOUND));

	a = harness_http_get(&h.main, "/metrics", SUPERVISOR_BASIC,
	    strlen(SUPERVISOR_BASIC));
	assert_null(strstr(a, "hotline_archive_evicted_total 0\n"));
	free(a);
	hl_close(admin);
	hl_close(sup);
	hl_close(zjj);
}

/*
 * PostgreSQL stopped: tickets are still created and shown, a caller's
 * live tickets listed; /readyz stays
 * ready and says the archive lags; /metrics shows the waiting changes.
 * Once it is back, everything is archived, each history row once.
 */
static void
test_postgres_down(void **state)
{
	Hotline__SearchRequest q = HOTLINE__SEARCH_REQUEST__INIT;
	Hotline__CallerRequest cq = HOTLINE__CALLER_REQUEST__INIT;
	Hotline__Envelope *rep, *rep2;
	struct hl_error err;
	char numbers[10][32], *a;
	int i;

	(void)state;
	wait_outbox_empty();
	PQfinish(db);
	db = NULL;
	harness_pg_halt(&pg);
	for (i = 0; i < 10; i++)
		create(numbers[i], "停水", "整栋楼停水三天了");
	harness_sleep_ms(1500);		/* the status is read every second */
	a = harness_http_get(&h.main, "/readyz", NULL, 0);
	assert_non_null(strstr(a, " 200 "));
	assert_non_null(strstr(a, "PostgreSQL unreachable"));
	free(a);
	a = harness_http_get(&h.main, "/metrics", SUPERVISOR_BASIC,
	    strlen(SUPERVISOR_BASIC));
	assert_non_null(strstr(a, "hotline_archive_up 0"));
	assert_null(strstr(a, "hotline_archive_outbox_entries 0\n"));
	assert_null(strstr(a, "hotline_archive_lag_seconds 0\n"));
	free(a);
	assert_true(redis_int("XLEN ht:outbox") >= 10);
	/* Reads that need the archive say it is away, at once. */
	q.words = "停水";
	rep = harness_call(agent, BODY(SEARCH), &q, &err);
	assert_error(rep, err, ERR(UNAVAILABLE));
	rep = harness_show(agent, "20200101000001", &err);
	assert_error(rep, err, ERR(UNAVAILABLE));
	rep = harness_show(agent, numbers[0], &err);	/* live: from Redis */
	assert_reply(rep, err);
	hl_envelope_free(rep);
	/* The caller's live tickets still answer (重复来电 is part of intake). */
	rep = harness_show(agent, numbers[0], &err);
	assert_reply(rep, err);
	cq.caller_phone = rep->ticket->ticket->caller_phone;
	rep2 = harness_call(agent, BODY(CALLER), &cq, &err);
	assert_reply(rep2, err);
	assert_int_equal(rep2->tickets->n_tickets, 1);
	assert_string_equal(rep2->tickets->tickets[0]->number, numbers[0]);
	hl_envelope_free(rep2);
	hl_envelope_free(rep);

	assert_int_equal(harness_pg_restart(&pg), 0);
	assert_non_null(db = harness_pg_connect(&pg));
	for (i = 0; i < 10; i++)
		wait_archived(numbers[i]);
	wait_outbox_empty();
	a = harness_http_get(&h.main, "/readyz", NULL, 0);
	assert_non_null(strstr(a, "PostgreSQL up"));
	free(a);
}

/*
 * The outbox is bounded (archive.outbox_max): with PostgreSQL away it is
 * trimmed at the bound instead of growing, the trim is alarmed on
 * /metrics, and once PostgreSQL is back every ticket is archived anyway,
 * those whose changes were dropped included (a scan of every ticket).
 */
static void
test_outbox_bounded(void **state)
{
	char numbers[150][32], *a;
	int i;

	(void)state;
	wait_outbox_empty();
	assert_int_equal(harness_edit_config(&h.main, "timeout_ms = 60000;",
	    "timeout_ms = 60000; outbox_max = 100;"), 0);
	assert_int_equal(harness_restart(&h), 0);
	hl_close(agent);
	assert_non_null(agent = harness_login(&h, "agent01"));
	harness_sleep_ms(1500);		/* the bound is set with the status */
	PQfinish(db);
	db = NULL;
	harness_pg_halt(&pg);
	for (i = 0; i < 150; i++)
		create(numbers[i], "占道经营", "门口占道经营很久了");
	assert_true(redis_int("XLEN ht:outbox") <= 100);
	assert_int_equal(redis_int("EXISTS ht:archive:trims"), 1);
	assert_int_equal(redis_int("EXISTS ht:archive:backfilled"), 0);
	harness_sleep_ms(1500);
	a = harness_http_get(&h.main, "/metrics", SUPERVISOR_BASIC,
	    strlen(SUPERVISOR_BASIC));
	assert_null(strstr(a, "hotline_archive_outbox_overflows_total 0\n"));
	free(a);

	assert_int_equal(harness_pg_restart(&pg), 0);
	assert_non_null(db = harness_pg_connect(&pg));
	for (i = 0; i < 150; i++)
		wait_archived(numbers[i]);
	wait_outbox_empty();
	assert_int_equal(redis_int("EXISTS ht:archive:backfilled"), 1);
}

/* Entries the archive's consumers read and did not acknowledge yet. */
static long long
pending_entries(void)
{
	redisContext *r = harness_redis(&h);
	redisReply *rep = redisCommand(r, "XPENDING ht:outbox archive");
	long long v = rep != NULL && rep->type == REDIS_REPLY_ARRAY &&
	    rep->elements >= 1 && rep->element[0]->type ==
	    REDIS_REPLY_INTEGER ? rep->element[0]->integer : -1;

	freeReplyObject(rep);
	redisFree(r);
	return v;
}

/*
 * PostgreSQL slow (the table locked) while the daemon writes a batch (one
 * create's entry), the next batch read meanwhile (two batches in hand),
 * and the daemon killed with SIGKILL then: a restarted daemon takes the
 * entries over and writes them; nothing is lost, no history row is
 * written twice.
 */
static void
test_kill9_mid_batch(void **state)
{
	PGconn *locker = harness_pg_connect(&pg);
	char numbers[20][32], sql[200];
	PGresult *r;
	int i;

	(void)state;
	assert_non_null(locker);
	wait_outbox_empty();
	r = PQexec(locker, "BEGIN; LOCK TABLE hotline.tickets IN ACCESS "
	    "EXCLUSIVE MODE");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	create(numbers[0], "物业乱收费", "物业收取停车费不合理");
	/* The first batch (its one entry) waits on the lock, not acknowledged. */
	for (i = 0; i < 200 && pending_entries() < 1; i++)
		harness_sleep_ms(20);
	assert_int_equal(pending_entries(), 1);
	for (i = 1; i < 20; i++)
		create(numbers[i], "物业乱收费", "物业收取停车费不合理");
	/* The next is read and built while the first is being written. */
	for (i = 0; i < 200 && pending_entries() < 2; i++)
		harness_sleep_ms(20);
	assert_true(pending_entries() >= 2);
	assert_true(redis_int("XLEN ht:outbox") >= 20);
	harness_sleep_ms(300);
	harness_daemon_stop(&h.main, SIGKILL, HARNESS_WAIT_MS);
	r = PQexec(locker, "ROLLBACK");
	PQclear(r);
	PQfinish(locker);
	assert_true(redis_int("XLEN ht:outbox") >= 20);

	assert_int_equal(harness_daemon_start(&h, &h.main), 0);
	assert_int_equal(harness_wait_store(&h.main, HARNESS_WAIT_MS), 0);
	hl_close(agent);
	assert_non_null(agent = harness_login(&h, "agent01"));
	for (i = 0; i < 20; i++)
		wait_archived(numbers[i]);
	wait_outbox_empty();
	snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT number, "
	    "position FROM hotline.history GROUP BY 1, 2 HAVING count(*) > 1) d");
	assert_int_equal(harness_pg_number(db, sql), 0);
}

/*
 * A database made by an older release lacks a migration numbered below
 * its highest (004 came after 010 and 011 had shipped): the daemon applies
 * it at start instead of skipping every number under the highest.
 */
static void
test_lower_migration_applied(void **state)
{
	PGresult *r;
	int i;

	(void)state;
	r = PQexec(db, "DROP INDEX hotline.tickets_terms_stale; ALTER TABLE "
	    "hotline.tickets DROP COLUMN terms_stale; DELETE FROM "
	    "hotline.schema_migrations WHERE version = 4");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	assert_int_equal(harness_restart(&h), 0);
	hl_close(agent);
	assert_non_null(agent = harness_login(&h, "agent01"));
	for (i = 0; i < 100 && harness_pg_number(db, "SELECT count(*) FROM "
	    "hotline.schema_migrations WHERE version = 4") == 0; i++)
		harness_sleep_ms(100);	/* migrations run once PostgreSQL answers */
	assert_int_equal(harness_pg_number(db, "SELECT count(*) FROM "
	    "information_schema.columns WHERE table_schema = 'hotline' AND "
	    "table_name = 'tickets' AND column_name = 'terms_stale'"), 1);
	assert_int_equal(harness_pg_number(db, "SELECT count(*) FROM "
	    "hotline.schema_migrations"), migration_files());
}

/* A database whose schema is newer than the daemon is refused, and said so; live work goes on. */
static void
test_newer_schema_refused(void **state)
{
	char number[32], *a;
	PGresult *r;

	(void)state;
	r = PQexec(db, "INSERT INTO hotline.schema_migrations (version, name) "
	    "VALUES (999, '999-future')");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	assert_int_equal(harness_restart(&h), 0);
	hl_close(agent);
	assert_non_null(agent = harness_login(&h, "agent01"));
	create(number, "停水", "又停水了");
	harness_sleep_ms(1500);
	a = harness_http_get(&h.main, "/readyz", NULL, 0);
	assert_non_null(strstr(a, " 200 "));
	assert_non_null(strstr(a, "newer than this hotlined"));
	free(a);
	assert_int_equal(pg_version(number), -1);
	r = PQexec(db, "DELETE FROM hotline.schema_migrations WHERE version = 999");
	PQclear(r);
	assert_int_equal(harness_restart(&h), 0);
	hl_close(agent);
	assert_non_null(agent = harness_login(&h, "agent01"));
	wait_archived(number);	/* archiving again, the waiting change included */
}

/*
 * A burst that queues requests in Redis (here: writes held by CLIENT PAUSE
 * while four agents keep eight creates each in flight) makes the archiver
 * yield (hotline_archive_yields_total); once the burst is answered it
 * catches up, and every ticket of it is archived.
 */
static void
test_yields_to_burst(void **state)
{
	redisContext *r = harness_redis(&h);
	redisReply *rep;
	struct fault_load l;
	char *a;
	int i;

	(void)state;
	wait_outbox_empty();
	assert_int_equal(fault_load_init(&l, &h, 4, 32, 8), 0);
	rep = redisCommand(r, "CLIENT PAUSE 1500 WRITE");
	assert_true(rep != NULL && rep->type == REDIS_REPLY_STATUS);
	freeReplyObject(rep);
	redisFree(r);
	assert_int_equal(fault_load_until(&l, 32, 20000), 0);
	a = harness_http_get(&h.main, "/metrics", SUPERVISOR_BASIC,
	    strlen(SUPERVISOR_BASIC));
	assert_non_null(strstr(a, "hotline_archive_yields_total "));
	assert_null(strstr(a, "hotline_archive_yields_total 0\n"));
	free(a);
	wait_outbox_empty();
	for (i = 0; i < l.ncalls; i++)
		assert_int_equal(pg_version(l.calls[i].number),
		    redis_ticket_int(l.calls[i].number, "version"));
	fault_load_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backfill),
		cmocka_unit_test(test_outbox_steps),
		cmocka_unit_test(test_postgres_down),
		cmocka_unit_test(test_outbox_bounded),
		cmocka_unit_test(test_yields_to_burst),
		cmocka_unit_test(test_kill9_mid_batch),
		cmocka_unit_test(test_lower_migration_applied),
		cmocka_unit_test(test_newer_schema_refused),
		/* Last: its month ahead leaves the test calendar (/readyz 503). */
		cmocka_unit_test(test_retention),
	};

	harness_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
