/* Integration tests of failures: daemon restarts and kills, Redis outages, two daemons, SIGTERM. */
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct harness h;

static struct hl_client *no_client;
HARNESS_FIXTURES(h, NULL, no_client)

/* Returns the number of a CREATED envelope. */
static const char *
num(const Hotline__Envelope *made)
{
	return made->created->ticket->number;
}

/* Logs principal in and watches from cursor. */
static struct hl_client *
watcher(const char *principal, const char *cursor)
{
	return harness_watcher(&h, principal, cursor);
}

/* Asserts c's next event; copies its id to cursor when not NULL. */
static void
expect_event(struct hl_client *c, Hotline__EventKind kind, const char *number,
    char *cursor, size_t len)
{
	Hotline__Envelope *ev = harness_event(c, HARNESS_CALL_MS);

	if (ev == NULL)
		fail_msg("no event (kind %d) for %s", kind, number);
	if (ev->event->kind != kind || strcmp(ev->event->number, number) != 0)
		fail_msg("expected event kind %d for %s, got kind %d for %s",
		    kind, number, ev->event->kind, ev->event->number);
	if (cursor != NULL)
		snprintf(cursor, len, "%s", ev->event->id);
	hl_envelope_free(ev);
}

/* Asserts that c gets no further event within a short while. */
static void
expect_quiet(struct hl_client *c)
{
	Hotline__Envelope *ev = harness_event(c, 500);

	if (ev != NULL) {
		hl_envelope_free(ev);
		fail_msg("unexpected extra event");
	}
}

/* Asserts that number shows with state and n history entries. */
static void
expect_ticket(struct hl_client *c, const char *number,
    Hotline__TicketState st, size_t n)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	rep = harness_show(c, number, &err);
	assert_reply(rep, err);
	assert_string_equal(rep->ticket->ticket->number, number);
	assert_int_equal(rep->ticket->ticket->state, st);
	assert_int_equal(rep->ticket->ticket->n_history, n);
	hl_envelope_free(rep);
}

/* A clean restart keeps tickets, history, idempotency keys and the event feed. */
static void
test_restart_loses_nothing(void **state)
{
	struct hl_client *agent, *w, *d;
	Hotline__Envelope *t0, *t1, *t2, *rep;
	Hotline__CreateRequest req;
	struct hl_error err;
	char cursor[128], call_id[64], phone[32];

	(void)state;
	assert_non_null(agent = harness_login(&h, "agent01"));
	assert_non_null(d = harness_login(&h, "water-01"));
	w = watcher("water-01", "");
	t0 = harness_create(agent, "小区停水", "重启前：第一张。");
	expect_event(w, KIND(DISPATCHED), num(t0), cursor, sizeof cursor);
	hl_close(w);
	harness_create_init(&req, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "小区停水", "重启前：第二张。");
	t1 = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(t1, err);
	rep = harness_sign(d, num(t1), &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	t2 = harness_create(agent, "水压低", "重启前：第三张。");
	hl_close(agent);
	hl_close(d);

	assert_int_equal(harness_restart(&h), 0);

	assert_non_null(agent = harness_login(&h, "agent01"));
	expect_ticket(agent, num(t0), STATE(DISPATCHED), 2);
	expect_ticket(agent, num(t1), STATE(ACCEPTED), 3);
	expect_ticket(agent, num(t2), STATE(DISPATCHED), 2);
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(rep, err);
	assert_true(rep->created->duplicate);
	assert_string_equal(num(rep), num(t1));
	hl_envelope_free(rep);

	w = watcher("water-01", cursor);
	expect_event(w, KIND(DISPATCHED), num(t1), NULL, 0);
	expect_event(w, KIND(SIGNED), num(t1), NULL, 0);
	expect_event(w, KIND(DISPATCHED), num(t2), NULL, 0);
	expect_quiet(w);
	hl_close(w);
	hl_close(agent);
	hl_envelope_free(t0);
	hl_envelope_free(t1);
	hl_envelope_free(t2);
}

/* kill -9 loses nothing that was acknowledged. */
static void
test_kill9_loses_nothing(void **state)
{
	struct hl_client *agent;
	Hotline__Envelope *t;

	(void)state;
	assert_non_null(agent = harness_login(&h, "agent01"));
	t = harness_create(agent, "小区停水", "强杀前登记。");
	hl_close(agent);
	harness_daemon_stop(&h.main, SIGKILL, HARNESS_WAIT_MS);
	assert_int_equal(harness_daemon_start(&h, &h.main), 0);
	assert_int_equal(harness_wait_store(&h.main, HARNESS_WAIT_MS), 0);
	assert_non_null(agent = harness_login(&h, "agent01"));
	expect_ticket(agent, num(t), STATE(DISPATCHED), 2);
	hl_close(agent);
	hl_envelope_free(t);
}

/* Asserts that a create fails with UNAVAILABLE within the Redis timeout (plus slack). */
static void
expect_unavailable(struct hl_client *agent)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	int64_t t0 = harness_now_ms(), took;

	rep = harness_create_or_null(agent, "小区停水", "Redis 停机时登记。", &err);
	took = harness_now_ms() - t0;
	assert_error(rep, err, ERR(UNAVAILABLE));
	if (took > HARNESS_REDIS_TIMEOUT_MS + 3000)
		fail_msg("UNAVAILABLE took %lld ms", (long long)took);
}

/* Polls ping until it says store_ready == want; bounded. */
static void
wait_store_state(struct hl_client *c, int want)
{
	int64_t end = harness_now_ms() + HARNESS_WAIT_MS;
	struct hl_error err;
	int r;

	while ((r = harness_ping(c, &err)) != want) {
		if (r == -1)
			fail_msg("ping failed: %s: %s", hl_error_name(err.code),
			    err.message);
		if (harness_now_ms() > end)
			fail_msg("store_ready stayed %d for %d ms", r,
			    HARNESS_WAIT_MS);
		harness_sleep_ms(50);
	}
}

/* Creates until it works again after Redis came back; bounded. */
static Hotline__Envelope *
create_when_back(struct hl_client *agent)
{
	int64_t end = harness_now_ms() + 3 * HARNESS_WAIT_MS;
	Hotline__Envelope *rep;
	struct hl_error err;

	for (;;) {
		rep = harness_create_or_null(agent, "小区停水",
		    "Redis 恢复后登记。", &err);
		if (rep != NULL)
			return rep;
		if (err.code != ERR(UNAVAILABLE))
			fail_msg("after Redis came back: %s: %s",
			    hl_error_name(err.code), err.message);
		if (harness_now_ms() > end)
			fail_msg("still UNAVAILABLE %d ms after Redis came back",
			    3 * HARNESS_WAIT_MS);
		harness_sleep_ms(100);
	}
}

/* Receives number's DISPATCHED event on *w; if the daemon closed w, resumes from cursor. */
static void
expect_event_or_resume(struct hl_client **w, const char *cursor,
    const char *number)
{
	Hotline__Envelope *ev = NULL;
	struct hl_error err;

	memset(&err, 0, sizeof err);
	if (hl_next_event(*w, HARNESS_WAIT_MS, &ev, &err) == -1) {
		/* Closed during the outage: the terminal resumes, nothing lost. */
		hl_close(*w);
		*w = watcher("water-01", cursor);
		ev = harness_event(*w, HARNESS_WAIT_MS);
	}
	if (ev == NULL)
		fail_msg("the watcher never got the event for %s", number);
	assert_int_equal(ev->event->kind, KIND(DISPATCHED));
	assert_string_equal(ev->event->number, number);
	hl_envelope_free(ev);
}

/* Redis down: UNAVAILABLE promptly, ping and classify still work; back: it recovers by itself. */
static void
test_redis_outage(void **state)
{
	Hotline__ClassifyRequest cl = HOTLINE__CLASSIFY_REQUEST__INIT;
	struct hl_client *agent, *w;
	Hotline__Envelope *before, *after, *rep;
	struct hl_error err;
	char cursor[128];
	pid_t pid = h.main.pid;

	(void)state;
	assert_non_null(agent = harness_login(&h, "agent01"));
	w = watcher("water-01", "");
	before = harness_create(agent, "小区停水", "Redis 停机前登记。");
	expect_event(w, KIND(DISPATCHED), num(before), cursor, sizeof cursor);

	assert_int_equal(harness_redis_stop(&h), 0);
	expect_unavailable(agent);
	rep = harness_show(agent, num(before), &err);
	assert_error(rep, err, ERR(UNAVAILABLE));
	wait_store_state(agent, 0);
	cl.title = "小区停水";
	cl.content = "停水了。";
	rep = harness_call(agent, BODY(CLASSIFY), &cl, &err);
	assert_reply(rep, err);
	assert_true(rep->classified->routing->auto_dispatch);
	hl_envelope_free(rep);
	expect_unavailable(agent);

	assert_int_equal(harness_redis_start(&h), 0);
	after = create_when_back(agent);
	assert_int_equal(h.main.pid, pid);
	assert_string_not_equal(num(after), num(before));
	wait_store_state(agent, 1);
	expect_ticket(agent, num(before), STATE(DISPATCHED), 2);
	expect_event_or_resume(&w, cursor, num(after));
	hl_envelope_free(before);
	hl_envelope_free(after);
	hl_close(w);
	hl_close(agent);
}

/* Two daemons sharing one Redis, creating at the same time, never reuse a number. */
static void
test_two_daemons_unique_numbers(void **state)
{
	enum { N = 50 };
	char addr[HARNESS_PATH + 8], call_id[64], phone[32], today[9];
	char numbers[2 * N][16];
	struct hl_client *c[2];
	Hotline__CreateRequest req;
	Hotline__Envelope *f;
	struct hl_error err;
	int i, j, k, n = 0;

	(void)state;
	assert_int_equal(harness_write_config(&h, &h.second, "second", ""), 0);
	assert_int_equal(harness_daemon_start(&h, &h.second), 0);
	assert_int_equal(harness_wait_store(&h.second, HARNESS_WAIT_MS), 0);
	assert_non_null(c[0] = harness_login(&h, "agent01"));
	assert_non_null(c[1] = harness_login_at(harness_unix_address(&h.second,
	    addr, sizeof addr), "agent02"));
	/* Pipeline both daemons at once so their creates interleave in Redis. */
	for (i = 1; i <= N; i++)
		for (k = 0; k < 2; k++) {
			harness_create_init(&req, call_id, sizeof call_id,
			    harness_phone(phone, sizeof phone), "小区停水",
			    "两个进程同时登记。");
			assert_int_equal(harness_send(c[k], (uint64_t)i,
			    BODY(CREATE), &req), 0);
		}
	harness_shanghai_date(today);
	for (k = 0; k < 2; k++)
		for (i = 1; i <= N; i++) {
			assert_int_equal(hl_recv(c[k], HARNESS_CALL_MS, &f,
			    &err), 1);
			assert_int_equal(f->id, i);
			if (f->body_case != BODY(CREATED))
				fail_msg("create %d on daemon %d: body %d", i,
				    k, f->body_case);
			assert_int_equal(strlen(num(f)), 14);
			snprintf(numbers[n++], sizeof numbers[0], "%s", num(f));
			hl_envelope_free(f);
		}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(numbers[i], numbers[j]) == 0)
				fail_msg("number %s given twice", numbers[i]);
	hl_close(c[0]);
	hl_close(c[1]);
	assert_true(WIFEXITED(harness_daemon_stop(&h.second, SIGTERM,
	    HARNESS_DRAIN_MS + 5000)));
}

/*
 * Starts hotlined on h.second's config and sends it SIGTERM the moment its
 * unix socket appears (polled every 100 µs); returns its wait status.
 */
static int
term_at_socket(void)
{
	struct stat sb;
	pid_t pid;
	int fd, status, i;

	unlink(h.second.sock);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		fd = open(h.second.log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd != -1)
			dup2(fd, 2);
		execl(getenv("HOTLINED") != NULL ? getenv("HOTLINED") :
		    "build/hotlined", "hotlined", "-d", "-f", h.second.conf,
		    (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100000 && stat(h.second.sock, &sb) == -1; i++)
		usleep(100);
	kill(pid, SIGTERM);
	for (i = 0; i < 1000 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(10000);
	if (i == 1000) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("hotlined still running 10 s after SIGTERM");
	}
	return status;
}

/*
 * SIGTERM right after start, as soon as the listener exists: hotlined
 * drains and exits 0, its socket removed. Its signal handlers used to be
 * installed after the listeners opened, so a signal in between killed it
 * (status "terminated by SIGTERM", the socket file left behind); the
 * window is short, so five starts.
 */
static void
test_sigterm_right_after_start(void **state)
{
	struct stat sb;
	int status, i;

	(void)state;
	assert_int_equal(harness_write_config(&h, &h.second, "second", ""), 0);
	for (i = 0; i < 5; i++) {
		status = term_at_socket();
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			harness_print_log(&h.second);
			fail_msg("start %d: status %d after an early SIGTERM",
			    i + 1, status);
		}
		assert_int_equal(stat(h.second.sock, &sb), -1);
	}
	assert_true(harness_file_has(h.second.log, "draining"));
}

/* SIGTERM with clients connected: hotlined exits 0 within the drain timeout. */
static void
test_sigterm_clean_exit(void **state)
{
	struct hl_client *agent = harness_login(&h, "agent01");
	struct hl_client *w = watcher("zjj-01", "");
	int64_t t0;
	int status;

	(void)state;
	assert_non_null(agent);
	t0 = harness_now_ms();
	status = harness_daemon_stop(&h.main, SIGTERM, HARNESS_DRAIN_MS + 3000);
	if (status == -1)
		fail_msg("hotlined did not exit within %d ms of SIGTERM",
		    HARNESS_DRAIN_MS + 3000);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		harness_print_log(&h.main);
		fail_msg("hotlined exit status %d after SIGTERM", status);
	}
	assert_true(harness_now_ms() - t0 <= HARNESS_DRAIN_MS + 3000);
	harness_assert_closed(w);
	hl_close(agent);
	hl_close(w);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restart_loses_nothing),
		cmocka_unit_test(test_kill9_loses_nothing),
		cmocka_unit_test(test_redis_outage),
		cmocka_unit_test(test_two_daemons_unique_numbers),
		cmocka_unit_test(test_sigterm_right_after_start),
		cmocka_unit_test(test_sigterm_clean_exit),
	};

	harness_filter();
	return cmocka_run_group_tests_name("resilience", tests, setup, teardown);
}
