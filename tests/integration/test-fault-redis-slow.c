/* Fault test: Redis stops answering (SIGSTOP) under load; requests get UNAVAILABLE, the loop serves on, nothing piles up. */
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness-fault.h"

#define MAX_STORE_PENDING 100	/* the test's limits.max_store_pending */
#define CLIENTS 20
#define WINDOW 16		/* 320 creates in flight at most, over the cap */
#define CREATES 1500
#define PAUSE_MS 5000		/* two and a half redis.timeout_ms */
#define PING_EVERY_MS 100
#define METRIC_EVERY_MS 250

static struct harness h;

/* Starts the servers with a small cap on commands waiting for Redis. */
static int
setup(void **state)
{
	(void)state;
	return fault_start_with_limits(&h,
	    "drain_timeout_ms = 3000; max_store_pending = 100;");
}

/* Stops the servers; fails if hotlined did not exit cleanly. */
static int
teardown(void **state)
{
	(void)state;
	return harness_stop(&h);
}

/* What the test saw while Redis was paused. */
struct paused {
	int pings, pongs_ready;
	int64_t ping_max_ms;
	long pending_max;	/* hotline_store_pending, sampled */
	int metric_reads;
};

/* Pings through c and records how long the answer took; fails on no answer. */
static void
ping_once(struct hl_client *c, struct paused *p)
{
	int64_t t0 = harness_now_ms(), took;
	struct hl_error err;
	int r = harness_ping(c, &err);

	if (r == -1)
		fail_msg("ping while Redis is paused: %s: %s",
		    hl_error_name(err.code), err.message);
	took = harness_now_ms() - t0;
	p->pings++;
	p->pongs_ready += r;
	if (took > p->ping_max_ms)
		p->ping_max_ms = took;
}

/* Runs the load for PAUSE_MS with Redis stopped, pinging and sampling /metrics meanwhile. */
static void
run_paused(struct fault_load *l, struct hl_client *pinger, struct paused *p)
{
	int64_t start = harness_now_ms(), next_ping = start, next_metric = start;
	int64_t now;

	memset(p, 0, sizeof *p);
	while ((now = harness_now_ms()) < start + PAUSE_MS) {
		fault_load_step(l, 10);
		if (now >= next_ping) {
			ping_once(pinger, p);
			next_ping = now + PING_EVERY_MS;
		}
		if (now >= next_metric) {
			long v = fault_metric(&h.main, "hotline_store_pending");

			if (v >= 0)
				p->metric_reads++;
			if (v > p->pending_max)
				p->pending_max = v;
			next_metric = now + METRIC_EVERY_MS;
		}
	}
}

/*
 * Sends one create on probe just after Redis stopped: the daemon's link is
 * still up, so the script is written to the paused Redis and waits there.
 */
static void
probe_send(struct hl_client *probe)
{
	Hotline__CreateRequest req;
	char call_id[64], phone[32];

	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "小区停水", "整栋楼停水");
	assert_int_equal(harness_send(probe, 1, BODY(CREATE), &req), 0);
}

/*
 * Asserts that the probe's create timed out: UNAVAILABLE, "did not answer
 * in time" (redis.timeout_ms), within the pause. Whether the load's own
 * creates were in flight at that instant depends on the machine; the
 * probe's is by construction.
 */
static void
probe_timed_out(struct hl_client *probe)
{
	Hotline__Envelope *f = NULL;
	struct hl_error err;

	assert_int_equal(hl_recv(probe, 1000, &f, &err), 1);
	assert_int_equal(f->body_case, BODY(ERROR));
	assert_int_equal(f->error->code, ERR(UNAVAILABLE));
	assert_non_null(strstr(f->error->message_en, "in time"));
	fprintf(stderr, "# redis-slow: the create sent just after the pause: "
	    "%s\n", f->error->message);
	hl_envelope_free(f);
}

/*
 * 20 agents keep 320 creates in flight; Redis is paused for 5 s. Requests
 * in flight time out as UNAVAILABLE, requests over the cap are refused at
 * once, pings are answered all along, the commands waiting for Redis never
 * pass the cap. After SIGCONT every create ends acknowledged, exactly once.
 */
static void
test_redis_paused(void **state)
{
	struct hl_client *pinger = harness_login(&h, "agent02");
	struct hl_client *probe = harness_login(&h, "agent02");
	int64_t t_cont, cpu0, cpu1;
	long rss0, rss1;
	struct fault_check chk;
	struct fault_load l;
	struct paused p;
	int acked_at_cont;

	(void)state;
	assert_non_null(pinger);
	assert_non_null(probe);
	assert_int_equal(fault_load_init(&l, &h, CLIENTS, CREATES, WINDOW), 0);
	l.retry_ms = 500;
	assert_int_equal(fault_load_until(&l, 200, 60000), 0);
	rss0 = fault_rss_kb(h.main.pid);
	cpu0 = fault_cpu_ms(h.main.pid);

	/* The load is not stepped meanwhile: what it has in flight is answered
	 * and nothing waits for Redis, so the probe's create cannot be refused
	 * as overloaded; it must wait for the paused Redis and time out. */
	harness_sleep_ms(300);
	assert_int_equal(fault_redis_signal(&h, SIGSTOP), 0);
	harness_sleep_ms(50);
	probe_send(probe);
	run_paused(&l, pinger, &p);
	probe_timed_out(probe);
	assert_int_equal(fault_redis_signal(&h, SIGCONT), 0);
	t_cont = harness_now_ms();
	cpu1 = fault_cpu_ms(h.main.pid);
	rss1 = fault_rss_kb(h.main.pid);
	fault_load_print(&l, "redis-slow (paused)");
	fprintf(stderr, "# redis-slow: %d pings answered while Redis was "
	    "paused for %d ms (%d said store ready), slowest %lld ms; commands "
	    "waiting for Redis at most %ld (cap %d, %d samples); hotlined used "
	    "%lld ms of CPU, RSS %ld -> %ld KiB\n", p.pings, PAUSE_MS,
	    p.pongs_ready, (long long)p.ping_max_ms, p.pending_max,
	    MAX_STORE_PENDING, p.metric_reads, (long long)(cpu1 - cpu0), rss0,
	    rss1);
	assert_true(p.pings >= 10);
	assert_true(p.metric_reads >= 5);
	assert_true(p.pending_max <= MAX_STORE_PENDING);
	assert_true(l.unavailable_busy > 0);

	acked_at_cont = l.acked;
	assert_int_equal(fault_load_until(&l, acked_at_cont + 1, 30000), 0);
	fprintf(stderr, "# redis-slow: first acknowledgement %lld ms after "
	    "SIGCONT\n", (long long)(l.last_ack_ms - t_cont));
	assert_int_equal(fault_load_until(&l, CREATES, 90000), 0);
	assert_int_equal(fault_check_redis(&h, &l, &chk), 0);
	fault_load_print(&l, "redis-slow (after)");
	fault_check_print(&chk, "redis-slow (after)");
	assert_int_equal(l.failed, 0);
	assert_int_equal(chk.found, CREATES);
	assert_int_equal(chk.wrong_number, 0);
	assert_int_equal(chk.duplicates, 0);
	assert_int_equal(chk.tickets, CREATES);
	harness_assert_serving(&h);
	hl_close(pinger);
	hl_close(probe);
	fault_load_free(&l);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redis_paused),
	};

	harness_filter();
	return cmocka_run_group_tests_name("fault-redis-slow", tests, setup,
	    teardown);
}
