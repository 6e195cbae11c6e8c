/* Integration test of Redis's bound under retention: a simulated year through the test clock, closed tickets leaving Redis month after month, Redis's memory and keys measured after each month. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "harness.h"
#include "harness-pg.h"

#define MONTHS 12		/* steps of MONTH_DAYS: about a year */
#define MONTH_DAYS 31		/* more than keep_days (30): last month's tickets leave */
#define PER_MONTH 60		/* tickets created each month */
#define WAIT_MS 30000		/* bound of every wait for the archiver */
#define FOOTPRINT_MAX 3072	/* bytes Redis may keep per ticket that left it */

static struct harness h;
static struct harness_pg pg;
static struct hl_client *agent;

/* Starts PostgreSQL, Redis and hotlined with an archive (keep_days 30). */
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

/* An integer answer of a Redis command (INFO fields: the named one), or -1. */
static long long
redis_figure(redisContext *r, const char *cmd, const char *field)
{
	redisReply *rep = redisCommand(r, cmd);
	long long v = -1;
	const char *p;

	if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
		v = rep->integer;
	else if (rep != NULL && rep->type == REDIS_REPLY_STRING && field !=
	    NULL && (p = strstr(rep->str, field)) != NULL)
		v = strtoll(p + strlen(field), NULL, 10);
	freeReplyObject(rep);
	return v;
}

/* Creates n consultations answered at once (closed: they leave Redis after keep_days). */
static void
create_closed(int n, int month)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char call_id[64], phone[32], content[96];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(content, sizeof content, "模拟一年：第%d月第%d件，咨询"
		    "社保卡补办需要带哪些材料，在哪里办理", month, i);
		harness_create_init(&req, call_id, sizeof call_id,
		    harness_phone(phone, sizeof phone), "咨询社保卡补办", content);
		req.type = HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION;
		req.direct_answer = "携带身份证到任一社保经办网点办理";
		rep = harness_call(agent, BODY(CREATE), &req, &err);
		assert_reply(rep, err);
		hl_envelope_free(rep);
	}
}

/* Waits until Redis holds at most max ticket hashes (the archiver and retention at work). */
static long long
wait_tickets_at_most(redisContext *r, long long max)
{
	int64_t until = harness_now_ms() + WAIT_MS;
	long long n = -1;

	while (harness_now_ms() < until) {
		redisReply *rep = redisCommand(r, "EVAL %s 0",
		    "return #redis.call('KEYS', 'ht:ticket:*')");

		n = rep != NULL && rep->type == REDIS_REPLY_INTEGER ?
		    rep->integer : -1;
		freeReplyObject(rep);
		if (n >= 0 && n <= max)
			return n;
		harness_sleep_ms(100);
	}
	fail_msg("Redis still holds %lld tickets (at most %lld expected)", n,
	    max);
	return n;
}

/* Waits until the outbox is empty (every change archived and acknowledged). */
static void
wait_outbox_empty(redisContext *r)
{
	int64_t until = harness_now_ms() + WAIT_MS;

	while (harness_now_ms() < until && redis_figure(r, "XLEN ht:outbox",
	    NULL) != 0)
		harness_sleep_ms(100);
	assert_int_equal(redis_figure(r, "XLEN ht:outbox", NULL), 0);
}

/* Redis's memory now (after giving back what the allocator can). */
static long long
redis_memory(redisContext *r)
{
	redis_figure(r, "MEMORY PURGE", NULL);
	return redis_figure(r, "INFO memory", "used_memory:");
}

/*
 * Sets Redis's hash-max-listpack-value as hotlined(8) recommends (4096), or
 * to $HOTLINE_LISTPACK_VALUE (64, Redis's default, to compare the figures).
 */
static void
redis_listpack(redisContext *r)
{
	const char *v = getenv("HOTLINE_LISTPACK_VALUE");
	redisReply *reply = redisCommand(r, "CONFIG SET hash-max-listpack-value %s",
	    v != NULL && v[0] != '\0' ? v : "4096");

	assert_non_null(reply);
	assert_int_not_equal(reply->type, REDIS_REPLY_ERROR);
	freeReplyObject(reply);
	fprintf(stderr, "hash-max-listpack-value %s\n",
	    v != NULL && v[0] != '\0' ? v : "4096");
}

/*
 * A year of months: each month the clock moves on MONTH_DAYS days, so last
 * month's closed tickets are past keep_days and leave Redis (once
 * archived); then PER_MONTH tickets are created and closed. Measured each
 * month: Redis's memory and keys once the month before left (base), and
 * with this month's tickets archived (full). Redis must stay bounded: from
 * month 2 (month 1 makes what the first departures make once) to the
 * last, base grows by at most
 * FOOTPRINT_MAX bytes per ticket that left (what leaving keeps: daily
 * counters and the like) and its keys never by one per ticket. Prints the
 * curve and the figures per ticket.
 */
static void
test_simulated_year(void **state)
{
	struct hl_client *admin = harness_login(&h, "admin01");
	redisContext *r = harness_redis(&h);
	long long base[MONTHS + 1], full[MONTHS + 1], keys[MONTHS + 1];
	long long left, live = 0;
	int m;

	(void)state;
	assert_non_null(admin);
	assert_non_null(r);
	redis_listpack(r);
	for (m = 0; m <= MONTHS; m++) {
		if (m > 0) {
			harness_shift_clock(admin, MONTH_DAYS * 86400000LL);
			wait_tickets_at_most(r, 0);	/* last month's left */
		}
		base[m] = redis_memory(r);
		keys[m] = redis_figure(r, "DBSIZE", NULL);
		create_closed(PER_MONTH, m);
		wait_outbox_empty(r);
		full[m] = redis_memory(r);
		live += full[m] - base[m];
		fprintf(stderr, "month %2d: %4d tickets created, %4lld of them "
		    "left Redis; %lld keys, used_memory %lld bytes before the "
		    "month's tickets, %lld with them\n", m, (m + 1) * PER_MONTH,
		    (long long)m * PER_MONTH, keys[m], base[m], full[m]);
	}
	left = (long long)(MONTHS - 2) * PER_MONTH;
	fprintf(stderr, "Redis memory per kept closed ticket: %lld bytes; per "
	    "ticket that left: %lld bytes (months 2 to %d); keys %lld -> "
	    "%lld\n", live / ((MONTHS + 1) * PER_MONTH),
	    (base[MONTHS] - base[2]) / left, MONTHS, keys[2], keys[MONTHS]);
	assert_true(base[MONTHS] - base[2] <= FOOTPRINT_MAX * left);
	/* Keys: a few a day at most (counters), never one per ticket that left. */
	assert_true(keys[MONTHS] - keys[2] < left / 2);
	redisFree(r);
	hl_close(admin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simulated_year),
	};

	harness_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
