/* Integration test of Redis HA: two hotlined behind Sentinel, creating under load through a failover, with and without strict mode. */
#include <sys/wait.h>

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* Sentinel: a silent master is down after this; a failover gives up after that. */
#define DOWN_AFTER_MS 1000
#define FAILOVER_TIMEOUT_MS 5000
/* Strict mode of the first daemon: one of the two replicas must confirm within this. */
#define WAIT_REPLICAS 1
#define WAIT_TIMEOUT_MS 500

#define DAEMONS 2		/* [0] strict (wait_replicas 1), [1] not */
#define WORKERS 3		/* clients per daemon */
#define MAX_CALLS 10000		/* creates per client, a bound on the loop */
#define PACE_MS 5		/* pause between two creates of one client */
#define PAUSE_MS 5000		/* a planned failover pauses the master's writes */
#define LOAD_BEFORE_MS 1000	/* load before the failover ... */
#define LOAD_AFTER_MS 1000	/* ... and after both daemons are back */
#define FOLLOW_MS 30000		/* bound on waiting for the failover and the daemons */
#define RETRY_MS 50		/* pause before retrying an unavailable create */
#define GIVE_UP_MS 20000	/* a create still unavailable after this is dropped */

static const char *const mode_name[DAEMONS] = { "strict", "non-strict" };

/* One create as the client saw it. */
struct outcome {
	char call_id[48];
	char number[16];	/* what the daemon acknowledged, or "" */
};

/* One client thread creating tickets through one daemon. */
struct worker {
	pthread_t thread;
	const char *address;
	int daemon;
	int index;
	char tag[16];		/* call ids start with it: one per test case */
	atomic_int *stop;
	struct outcome *calls;	/* MAX_CALLS */
	int ncalls;
	long acked;
	long unavailable;	/* UNAVAILABLE answers (each retried) */
	long reconnects;	/* the connection to hotlined failed */
	long hung;		/* calls that timed out in the client */
	long other;		/* any other error: a failure */
	char other_message[600];
	int64_t last_fail_ms;	/* monotonic */
	int64_t last_ack_ms;
	int64_t first_ack_after_fail_ms;	/* after last_fail_ms */
	atomic_llong acked_at;	/* for the main thread: last ack, monotonic */
};

/* Fills a create request for call id and a unique phone. */
static void
create_request(Hotline__CreateRequest *req, const char *call_id, char *phone,
    size_t len, const struct worker *w, int n)
{
	hotline__create_request__init(req);
	snprintf(phone, len, "138%d%d%06d", w->daemon, w->index, n % 1000000);
	req->call_id = (char *)call_id;
	req->caller_phone = phone;
	req->caller_name = "林女士";
	req->district = "鼓楼区";
	req->street = "东街街道";
	req->address = "八一七北路 100 号";
	req->title = "小区停水";
	req->content = "主备切换时登记的工单。";
	req->type = HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT;
	req->urgency = HOTLINE__URGENCY__URGENCY_NORMAL;
	req->channel = HOTLINE__CHANNEL__CHANNEL_PHONE;
}

/* Notes a failed attempt of w at now. */
static void
worker_failed(struct worker *w, int64_t now)
{
	w->last_fail_ms = now;
	w->first_ack_after_fail_ms = 0;
}

/*
 * Creates call_id through w's daemon, retrying with the same call id after
 * UNAVAILABLE or a lost connection, as an agent's softphone would. Fills
 * o->number when acknowledged. Every attempt and the whole is bounded.
 */
static void
worker_create(struct worker *w, struct hl_client **c, struct outcome *o, int n)
{
	int64_t end = harness_now_ms() + GIVE_UP_MS;
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char phone[32];

	create_request(&req, o->call_id, phone, sizeof phone, w, n);
	while (harness_now_ms() < end) {
		if (*c == NULL && (*c = harness_try_login(w->address, "agent01",
		    &err)) == NULL) {
			w->reconnects++;
			harness_sleep_ms(RETRY_MS);
			continue;
		}
		rep = harness_call(*c, BODY(CREATE), &req, &err);
		if (rep != NULL) {
			snprintf(o->number, sizeof o->number, "%s",
			    rep->created->ticket->number);
			hl_envelope_free(rep);
			w->acked++;
			w->last_ack_ms = harness_now_ms();
			if (w->first_ack_after_fail_ms == 0)
				w->first_ack_after_fail_ms = w->last_ack_ms;
			atomic_store(&w->acked_at, w->last_ack_ms);
			return;
		}
		worker_failed(w, harness_now_ms());
		if (err.code == ERR(UNAVAILABLE)) {
			w->unavailable++;
		} else if (err.code == HL_ERR_TIMEOUT) {
			w->hung++;
			hl_close(*c);
			*c = NULL;
		} else if (err.code < 0) {
			w->reconnects++;
			hl_close(*c);
			*c = NULL;
		} else {
			w->other++;
			snprintf(w->other_message, sizeof w->other_message,
			    "%s: %s", hl_error_name(err.code), err.message);
			return;
		}
		harness_sleep_ms(RETRY_MS);
	}
}

/* Thread: creates tickets one after another until told to stop. */
static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	struct hl_client *c = NULL;

	while (!atomic_load(w->stop) && w->ncalls < MAX_CALLS) {
		struct outcome *o = &w->calls[w->ncalls];

		snprintf(o->call_id, sizeof o->call_id, "%s-d%d-w%d-%d", w->tag,
		    w->daemon, w->index, w->ncalls);
		o->number[0] = '\0';
		worker_create(w, &c, o, w->ncalls);
		w->ncalls++;
		harness_sleep_ms(PACE_MS);
	}
	if (c != NULL)
		hl_close(c);
	return NULL;
}

/* Figures of one daemon after a case. */
struct figures {
	long acked, found, lost, unavailable, reconnects, hung, other;
	int64_t recovered_ms;	/* trigger to the first ack after the last failure */
};

/* Returns the ticket number the master has for call_id into buf ("" if none). */
static void
master_number(redisContext *rc, const char *call_id, char *buf, size_t len)
{
	redisReply *r = harness_callid(rc, call_id);

	buf[0] = '\0';
	if (r != NULL && r->type == REDIS_REPLY_STRING)
		snprintf(buf, len, "%s", r->str);
	if (r != NULL)
		freeReplyObject(r);
}

/* Returns 1 if the master holds ticket number. */
static int
master_has_ticket(redisContext *rc, const char *number)
{
	redisReply *r = redisCommand(rc, "EXISTS ht:ticket:%s", number);
	int ok = r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 1;

	if (r != NULL)
		freeReplyObject(r);
	return ok;
}

/* Compares two strings through pointers, for qsort. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Counts the tickets on the master that share a call id (of this case) with another. */
static long
master_duplicates(redisContext *rc, const char *tag)
{
	char cursor[64] = "0", **ids = NULL;
	size_t n = 0, cap = 0, i, j;
	long dups = 0;
	int rounds = 0;

	do {
		redisReply *r = redisCommand(rc, "SCAN %s MATCH ht:ticket:"
		    "?????????????? COUNT 1000", cursor);

		assert_non_null(r);
		assert_int_equal(r->type, REDIS_REPLY_ARRAY);
		snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
		for (i = 0; i < r->element[1]->elements; i++) {
			redisReply *f = redisCommand(rc, "HGET %s call_id",
			    r->element[1]->element[i]->str);

			if (f != NULL && f->type == REDIS_REPLY_STRING &&
			    strncmp(f->str, tag, strlen(tag)) == 0) {
				if (n == cap) {
					cap = cap ? cap * 2 : 1024;
					ids = realloc(ids, cap * sizeof *ids);
					assert_non_null(ids);
				}
				ids[n++] = strdup(f->str);
			}
			if (f != NULL)
				freeReplyObject(f);
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0 && ++rounds < 100000);
	qsort(ids, n, sizeof *ids, cmp_str);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(ids[i], ids[j]) == 0; j++)
			dups++;
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return dups;
}

/*
 * Waits until ask (harness_ha_master_port: the first sentinel that answers;
 * harness_ha_master_agreed: all of them alike) names a master other than
 * old_port; returns its port, or -1.
 */
static int
wait_new_master(struct harness_ha *ha, int old_port,
    int (*ask)(struct harness_ha *))
{
	int64_t end = harness_now_ms() + FOLLOW_MS;
	int port;

	while (harness_now_ms() < end) {
		port = ask(ha);
		if (port > 0 && port != old_port)
			return port;
		harness_sleep_ms(50);
	}
	return -1;
}

/* Waits until every worker of each daemon acknowledged a create after since. */
static int
wait_followed(struct worker w[DAEMONS][WORKERS], int64_t since)
{
	int64_t end = harness_now_ms() + FOLLOW_MS;
	int d, i, all;

	while (harness_now_ms() < end) {
		all = 1;
		for (d = 0; d < DAEMONS; d++)
			for (i = 0; i < WORKERS; i++)
				if (atomic_load(&w[d][i].acked_at) <= since)
					all = 0;
		if (all)
			return 0;
		harness_sleep_ms(50);
	}
	return -1;
}

/* Checks every acknowledged ticket of daemon d's workers against the master. */
static void
tally(struct worker ws[WORKERS], redisContext *rc, int64_t trigger,
    struct figures *f)
{
	char number[32];
	int i, k;

	memset(f, 0, sizeof *f);
	for (i = 0; i < WORKERS; i++) {
		struct worker *w = &ws[i];
		int64_t back = w->first_ack_after_fail_ms;

		f->acked += w->acked;
		f->unavailable += w->unavailable;
		f->reconnects += w->reconnects;
		f->hung += w->hung;
		f->other += w->other;
		if (w->other > 0)
			print_message("# client error: %s\n", w->other_message);
		if (w->last_fail_ms > trigger && back - trigger > f->recovered_ms)
			f->recovered_ms = back - trigger;
		for (k = 0; k < w->ncalls; k++) {
			const struct outcome *o = &w->calls[k];

			if (o->number[0] == '\0')
				continue;
			master_number(rc, o->call_id, number, sizeof number);
			if (strcmp(number, o->number) == 0 &&
			    master_has_ticket(rc, o->number))
				f->found++;
			else
				f->lost++;
		}
	}
}

/*
 * One case: two daemons (strict and not) under load through a failover that
 * trigger() causes; checks what the new master holds and prints figures.
 */
static void
failover_case(const char *tag, const char *what, int strict_keeps_all,
    int (*trigger)(struct harness_ha *, int old_port))
{
	/* Static: the harness's exit handler keeps pointers to h and ha. */
	static struct worker w[DAEMONS][WORKERS];
	static struct harness h;
	static struct harness_ha ha;
	struct figures f[DAEMONS];
	char addr[DAEMONS][HARNESS_PATH + 8];
	struct harness_daemon *daemon[DAEMONS];
	atomic_int stop = 0;
	int64_t t0, t_switch;
	int d, i, old_port, new_port = -1, triggered;
	redisContext *rc;
	long dups;

	assert_int_equal(harness_ha_start(&h, &ha, DOWN_AFTER_MS,
	    FAILOVER_TIMEOUT_MS), 0);
	daemon[0] = &h.main;
	daemon[1] = &h.second;
	for (d = 0; d < DAEMONS; d++) {
		assert_int_equal(harness_ha_write_config(&h, &ha, daemon[d],
		    d == 0 ? "strict" : "plain", d == 0 ? WAIT_REPLICAS : 0,
		    WAIT_TIMEOUT_MS), 0);
		assert_int_equal(harness_daemon_start(&h, daemon[d]), 0);
		assert_int_equal(harness_wait_store(daemon[d], HARNESS_WAIT_MS),
		    0);
		harness_unix_address(daemon[d], addr[d], sizeof addr[d]);
	}
	memset(w, 0, sizeof w);
	for (d = 0; d < DAEMONS; d++)
		for (i = 0; i < WORKERS; i++) {
			w[d][i].address = addr[d];
			w[d][i].daemon = d;
			w[d][i].index = i;
			w[d][i].stop = &stop;
			snprintf(w[d][i].tag, sizeof w[d][i].tag, "%s", tag);
			w[d][i].calls = calloc(MAX_CALLS, sizeof *w[d][i].calls);
			assert_non_null(w[d][i].calls);
			assert_int_equal(pthread_create(&w[d][i].thread, NULL,
			    worker_run, &w[d][i]), 0);
		}
	harness_sleep_ms(LOAD_BEFORE_MS);
	old_port = harness_ha_master_port(&ha);
	t0 = harness_now_ms();
	/* No cmocka assertion while the threads run: they must be joined. */
	if ((triggered = trigger(&ha, old_port)) == 0)
		new_port = wait_new_master(&ha, old_port,
		    harness_ha_master_port);
	t_switch = harness_now_ms();
	if (new_port != -1 && wait_followed(w, t_switch) == 0)
		harness_sleep_ms(LOAD_AFTER_MS);
	atomic_store(&stop, 1);
	for (d = 0; d < DAEMONS; d++)
		for (i = 0; i < WORKERS; i++)
			pthread_join(w[d][i].thread, NULL);
	if (triggered == -1)
		fail_msg("%s: could not trigger the failover", what);
	if (new_port == -1)
		fail_msg("%s: the sentinels named no new master", what);
	/* The master all sentinels agree on now: a first answer may have been
	 * one sentinel's candidate that another election replaced. */
	new_port = wait_new_master(&ha, old_port, harness_ha_master_agreed);
	if (new_port == -1)
		fail_msg("%s: the sentinels do not agree on a new master", what);
	assert_non_null(rc = harness_redis_tcp(new_port));
	for (d = 0; d < DAEMONS; d++)
		tally(w[d], rc, t0, &f[d]);
	dups = master_duplicates(rc, tag);
	redisFree(rc);
	print_message("# %s: strict mode waits for %d of %d replicas\n", what,
	    WAIT_REPLICAS, HARNESS_HA_REDIS - 1);
	print_message("# %s: sentinels named the new master %lld ms after "
	    "the trigger; duplicates per call id: %ld\n", what,
	    (long long)(t_switch - t0), dups);
	for (d = 0; d < DAEMONS; d++)
		print_message("# %s, %s daemon: acknowledged %ld, found on the "
		    "new master %ld, lost though acknowledged %ld; %ld "
		    "unavailable answers, %ld reconnects; serving again %lld ms "
		    "after the trigger\n", what, mode_name[d], f[d].acked,
		    f[d].found, f[d].lost, f[d].unavailable, f[d].reconnects,
		    (long long)f[d].recovered_ms);
	for (d = 0; d < DAEMONS; d++)
		for (i = 0; i < WORKERS; i++)
			free(w[d][i].calls);
	assert_int_equal(harness_ha_stop(&h, &ha), 0);
	/* Both daemons followed the new master by themselves ... */
	for (d = 0; d < DAEMONS; d++)
		for (i = 0; i < WORKERS; i++)
			if (w[d][i].last_ack_ms <= t_switch)
				fail_msg("%s: the %s daemon served no create "
				    "after the failover", what, mode_name[d]);
	/* ... no call hung and nothing but UNAVAILABLE came back ... */
	for (d = 0; d < DAEMONS; d++) {
		assert_int_equal(f[d].hung, 0);
		assert_int_equal(f[d].other, 0);
		assert_true(f[d].acked > 0);
	}
	/* ... no call id made two tickets, and strict mode lost nothing. */
	assert_int_equal(dups, 0);
	if (strict_keeps_all) {
		assert_int_equal(f[0].lost, 0);
		assert_int_equal(f[0].found, f[0].acked);
	}
}

/* Trigger: a manual failover, the old master alive and demoted; 0 or -1. */
static int
manual_failover(struct harness_ha *ha, int old_port)
{
	redisContext *rc = harness_redis_tcp(ha->sentinel_port[0]);
	redisReply *r = NULL;
	int ok;

	(void)old_port;
	if (rc != NULL)
		r = redisCommand(rc, "SENTINEL FAILOVER %s", HARNESS_HA_MASTER);
	ok = r != NULL && r->type == REDIS_REPLY_STATUS &&
	    strcmp(r->str, "OK") == 0;
	if (!ok)
		fprintf(stderr, "SENTINEL FAILOVER: %s\n",
		    r != NULL && r->str != NULL ? r->str : "no answer");
	if (r != NULL)
		freeReplyObject(r);
	if (rc != NULL)
		redisFree(rc);
	return ok ? 0 : -1;
}

/* Trigger: the master dies at once (kill -9); 0 or -1. */
static int
kill_master(struct harness_ha *ha, int old_port)
{
	int i;

	for (i = 0; i < HARNESS_HA_REDIS; i++)
		if (ha->redis_port[i] == old_port) {
			harness_ha_signal(ha, i, SIGKILL);
			return 0;
		}
	fprintf(stderr, "no Redis server on the master's port %d\n", old_port);
	return -1;
}

/* Trigger: a planned failover, the master's writes paused first; 0 or -1. */
static int
planned_failover(struct harness_ha *ha, int old_port)
{
	redisReply *r = NULL;
	redisContext *rc = harness_redis_tcp(old_port);
	int ok;

	if (rc != NULL)
		r = redisCommand(rc, "CLIENT PAUSE %d WRITE", PAUSE_MS);
	ok = r != NULL && r->type == REDIS_REPLY_STATUS;
	if (!ok)
		fprintf(stderr, "CLIENT PAUSE: %s\n",
		    r != NULL && r->str != NULL ? r->str : "no answer");
	if (r != NULL)
		freeReplyObject(r);
	if (rc != NULL)
		redisFree(rc);
	return ok ? manual_failover(ha, old_port) : -1;
}

/*
 * SENTINEL FAILOVER under load: both daemons follow, no duplicates. Strict
 * mode may lose here (its figures are printed, not asserted): until
 * Sentinel moves the second replica to the new master, that replica keeps
 * confirming the old master's writes, which the new master never gets.
 */
static void
test_sentinel_failover(void **state)
{
	(void)state;
	failover_case("fo", "SENTINEL FAILOVER", 0, manual_failover);
}

/*
 * The same with the master's writes paused first (CLIENT PAUSE WRITE, the
 * planned way): strict mode loses nothing.
 */
static void
test_planned_failover(void **state)
{
	(void)state;
	failover_case("pf", "CLIENT PAUSE WRITE + SENTINEL FAILOVER", 1,
	    planned_failover);
}

/*
 * kill -9 of the master under load: both daemons follow; strict mode with
 * one replica loses nothing, since Sentinel promotes the replica that has
 * the most, and the other replica keeps strict mode writable after.
 */
static void
test_master_killed(void **state)
{
	(void)state;
	failover_case("k9", "kill -9 of the master", 1, kill_master);
}

/* Runs the cases, each with its own Redis set, sentinels and daemons. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sentinel_failover),
		cmocka_unit_test(test_planned_failover),
		cmocka_unit_test(test_master_killed),
	};

	harness_filter();
	return cmocka_run_group_tests_name("sentinel", tests, NULL, NULL);
}
