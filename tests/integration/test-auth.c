/* Integration tests of sessions: hello, credentials, versions, roles and request ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct harness h;

static struct hl_client *no_client;
HARNESS_FIXTURES(h, NULL, no_client)

/* Connects to the main daemon without hello. */
static struct hl_client *
connect_main(void)
{
	return harness_connect_main(&h.main);
}

/* Says hello with role, principal and token; expects an Error code, then a close. */
static void
expect_hello_refused(Hotline__Role role, const char *principal,
    const char *token, int code)
{
	struct hl_client *c = connect_main();
	Hotline__Envelope *ok = NULL;
	struct hl_error err;

	memset(&err, 0, sizeof err);
	assert_int_equal(hl_hello(c, role, principal, token, &ok, &err), -1);
	assert_null(ok);
	if (err.code != code)
		fail_msg("hello %s: expected %s, got %s: %s", principal,
		    hl_error_name(code), hl_error_name(err.code), err.message);
	harness_assert_closed(c);
	hl_close(c);
}

/* An agent's hello is answered with its role and principal, no department. */
static void
test_hello_agent(void **state)
{
	struct hl_client *c = connect_main();
	Hotline__Envelope *ok = NULL;
	struct hl_error err;

	(void)state;
	assert_int_equal(hl_hello(c, ROLE(UNSPECIFIED), "agent01",
	    "agent01-test", &ok, &err), 0);
	assert_int_equal(ok->body_case, BODY(HELLO_OK));
	assert_int_equal(ok->hello_ok->version,
	    HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION);
	assert_int_equal(ok->hello_ok->role, ROLE(AGENT));
	assert_string_equal(ok->hello_ok->principal, "agent01");
	assert_string_equal(ok->hello_ok->department, "");
	hl_envelope_free(ok);
	hl_close(c);
}

/* A department principal's hello names its department. */
static void
test_hello_department(void **state)
{
	struct hl_client *c = connect_main();
	Hotline__Envelope *ok = NULL;
	struct hl_error err;

	(void)state;
	assert_int_equal(hl_hello(c, ROLE(DEPARTMENT), "zjj-01", "zjj-01-test",
	    &ok, &err), 0);
	assert_int_equal(ok->hello_ok->role, ROLE(DEPARTMENT));
	assert_string_equal(ok->hello_ok->principal, "zjj-01");
	assert_string_equal(ok->hello_ok->department, "zjj");
	hl_envelope_free(ok);
	hl_close(c);
}

/* A wrong token is refused with UNAUTHENTICATED and the connection closed. */
static void
test_bad_credential(void **state)
{
	(void)state;
	expect_hello_refused(ROLE(UNSPECIFIED), "agent01", "agent02-test",
	    ERR(UNAUTHENTICATED));
	expect_hello_refused(ROLE(UNSPECIFIED), "agent01", "",
	    ERR(UNAUTHENTICATED));
}

/* A principal not in the config is refused with UNAUTHENTICATED. */
static void
test_unknown_principal(void **state)
{
	(void)state;
	expect_hello_refused(ROLE(UNSPECIFIED), "nobody", "nobody-test",
	    ERR(UNAUTHENTICATED));
}

/* Asking for a role that is not the principal's is FORBIDDEN. */
static void
test_wrong_role(void **state)
{
	(void)state;
	expect_hello_refused(ROLE(DEPARTMENT), "agent01", "agent01-test",
	    ERR(FORBIDDEN));
	expect_hello_refused(ROLE(AGENT), "water-01", "water-01-test",
	    ERR(FORBIDDEN));
}

/* A hello with protocol version 2 gets VERSION_MISMATCH (its id echoed), then a close. */
static void
test_version_mismatch(void **state)
{
	Hotline__Hello hello = HOTLINE__HELLO__INIT;
	struct hl_client *c = connect_main();

	(void)state;
	hello.version = 2;
	hello.principal = "agent01";
	hello.credential = "agent01-test";
	hello.client = "test-auth";
	assert_int_equal(harness_send(c, 41, BODY(HELLO), &hello), 0);
	harness_expect_error_frame(c, ERR(VERSION_MISMATCH), 41);
	harness_assert_closed(c);
	hl_close(c);
}

/* Requests before hello get UNAUTHENTICATED with their id, then a close. */
static void
test_request_before_hello(void **state)
{
	Hotline__Ping ping = HOTLINE__PING__INIT;
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	struct hl_client *c = connect_main();

	(void)state;
	assert_int_equal(harness_send(c, 7, BODY(PING), &ping), 0);
	harness_expect_error_frame(c, ERR(UNAUTHENTICATED), 7);
	harness_assert_closed(c);
	hl_close(c);

	c = connect_main();
	show.number = "20240101000001";
	assert_int_equal(harness_send(c, 8, BODY(SHOW), &show), 0);
	harness_expect_error_frame(c, ERR(UNAUTHENTICATED), 8);
	harness_assert_closed(c);
	hl_close(c);
	harness_assert_serving(&h);
}

/* An agent may not use the department operations; the session stays open. */
static void
test_agent_forbidden_department_ops(void **state)
{
	Hotline__ListRequest list = HOTLINE__LIST_REQUEST__INIT;
	struct hl_client *c = harness_login(&h, "agent01");
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	assert_non_null(c);
	rep = harness_sign(c, "20240101000001", &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	rep = harness_reply(c, "20240101000001", "done", &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	rep = harness_call(c, BODY(LIST), &list, &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	rep = harness_watch(c, "", &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	assert_int_equal(harness_ping(c, &err), 1);
	hl_close(c);
}

/* A department may not use the agent operations. */
static void
test_department_forbidden_agent_ops(void **state)
{
	Hotline__CreateRequest create;
	Hotline__CallerRequest caller = HOTLINE__CALLER_REQUEST__INIT;
	Hotline__ClassifyRequest classify = HOTLINE__CLASSIFY_REQUEST__INIT;
	struct hl_client *c = harness_login(&h, "zjj-01");
	Hotline__Envelope *rep;
	struct hl_error err;
	char call_id[64];

	(void)state;
	assert_non_null(c);
	harness_create_init(&create, call_id, sizeof call_id, "13900000001",
	    "小区停水", "从早上开始停水。");
	rep = harness_call(c, BODY(CREATE), &create, &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	caller.caller_phone = "13900000001";
	rep = harness_call(c, BODY(CALLER), &caller, &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	classify.title = "小区停水";
	classify.content = "从早上开始停水。";
	rep = harness_call(c, BODY(CLASSIFY), &classify, &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	assert_int_equal(harness_ping(c, &err), 1);
	hl_close(c);
}

/* Dispatchers and supervisors may show tickets but not create, sign or watch. */
static void
test_dispatcher_supervisor(void **state)
{
	struct hl_client *agent = harness_login(&h, "agent01");
	struct hl_client *disp = harness_login(&h, "dispatcher01");
	struct hl_client *sup = harness_login(&h, "supervisor01");
	Hotline__CreateRequest create;
	Hotline__Envelope *made, *rep;
	struct hl_error err;
	char call_id[64];
	const char *number;

	(void)state;
	assert_non_null(agent);
	assert_non_null(disp);
	assert_non_null(sup);
	made = harness_create(agent, "小区停水", "今天上午开始停水，请尽快处理。");
	number = made->created->ticket->number;
	rep = harness_show(disp, number, &err);
	assert_reply(rep, err);
	assert_string_equal(rep->ticket->ticket->number, number);
	hl_envelope_free(rep);
	rep = harness_show(sup, number, &err);
	assert_reply(rep, err);
	assert_string_equal(rep->ticket->ticket->number, number);
	hl_envelope_free(rep);

	harness_create_init(&create, call_id, sizeof call_id, "13900000002",
	    "小区停水", "停水两天了。");
	rep = harness_call(disp, BODY(CREATE), &create, &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	rep = harness_sign(sup, number, &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	rep = harness_watch(agent, "", &err);
	assert_error(rep, err, ERR(FORBIDDEN));
	/* Dispatchers watch the centre's feed. */
	rep = harness_watch(disp, "", &err);
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(WATCHING));
	hl_envelope_free(rep);
	hl_envelope_free(made);
	hl_close(agent);
	hl_close(disp);
	hl_close(sup);
}

/* Every role may ping; Pong says the store is ready and gives the time. */
static void
test_ping_any_role(void **state)
{
	const char *who[] = { "agent01", "zjj-01", "water-01", "sthjj-01",
	    "dispatcher01", "supervisor01" };
	Hotline__Ping ping = HOTLINE__PING__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof who / sizeof who[0]; i++) {
		struct hl_client *c = harness_login(&h, who[i]);

		assert_non_null(c);
		rep = harness_call(c, BODY(PING), &ping, &err);
		assert_reply(rep, err);
		assert_int_equal(rep->body_case, BODY(PONG));
		assert_true(rep->pong->store_ready);
		/* A plausible wall clock: after 2020-01-01. */
		assert_true(rep->pong->server_time > 1577836800000LL);
		hl_envelope_free(rep);
		hl_close(c);
	}
}

/* A request with id 0 is a BAD_REQUEST; the session goes on. */
static void
test_request_id_zero(void **state)
{
	Hotline__Ping ping = HOTLINE__PING__INIT;
	struct hl_client *c = harness_login(&h, "agent01");
	struct hl_error err;

	(void)state;
	assert_non_null(c);
	assert_int_equal(harness_send(c, 0, BODY(PING), &ping), 0);
	harness_expect_error_frame(c, ERR(BAD_REQUEST), 0);
	assert_int_equal(harness_ping(c, &err), 1);
	hl_close(c);
}

/* A body that is not a request (a Pong, or none) is a BAD_REQUEST with its id. */
static void
test_not_a_request(void **state)
{
	Hotline__Pong pong = HOTLINE__PONG__INIT;
	struct hl_client *c = harness_login(&h, "agent01");
	struct hl_error err;

	(void)state;
	assert_non_null(c);
	assert_int_equal(harness_send(c, 9001, BODY(PONG), &pong), 0);
	harness_expect_error_frame(c, ERR(BAD_REQUEST), 9001);
	assert_int_equal(harness_send(c, 9002, HOTLINE__ENVELOPE__BODY__NOT_SET,
	    NULL), 0);
	harness_expect_error_frame(c, ERR(BAD_REQUEST), 9002);
	assert_int_equal(harness_ping(c, &err), 1);
	hl_close(c);
}

/* Pipelined requests are answered in order, each with its own id. */
static void
test_answers_in_order(void **state)
{
	Hotline__Ping ping = HOTLINE__PING__INIT;
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	Hotline__ClassifyRequest classify = HOTLINE__CLASSIFY_REQUEST__INIT;
	const int want[] = { BODY(PONG), BODY(ERROR), BODY(CLASSIFIED),
	    BODY(PONG), BODY(ERROR), BODY(CLASSIFIED) };
	struct hl_client *c = harness_login(&h, "agent01");
	Hotline__Envelope *f;
	struct hl_error err;
	uint64_t id;

	(void)state;
	assert_non_null(c);
	show.number = "20000101999999";
	classify.title = "小区停水";
	classify.content = "停水了。";
	for (id = 1001; id <= 1006; id++) {
		int kind = (int)((id - 1001) % 3);

		if (kind == 0)
			assert_int_equal(harness_send(c, id, BODY(PING), &ping), 0);
		else if (kind == 1)
			assert_int_equal(harness_send(c, id, BODY(SHOW), &show), 0);
		else
			assert_int_equal(harness_send(c, id, BODY(CLASSIFY),
			    &classify), 0);
	}
	for (id = 1001; id <= 1006; id++) {
		assert_int_equal(hl_recv(c, HARNESS_CALL_MS, &f, &err), 1);
		assert_int_equal(f->id, id);
		assert_int_equal(f->body_case, want[id - 1001]);
		if (f->body_case == BODY(ERROR))
			assert_int_equal(f->error->code, ERR(NOT_FOUND));
		hl_envelope_free(f);
	}
	hl_close(c);
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_agent),
		cmocka_unit_test(test_hello_department),
		cmocka_unit_test(test_bad_credential),
		cmocka_unit_test(test_unknown_principal),
		cmocka_unit_test(test_wrong_role),
		cmocka_unit_test(test_version_mismatch),
		cmocka_unit_test(test_request_before_hello),
		cmocka_unit_test(test_agent_forbidden_department_ops),
		cmocka_unit_test(test_department_forbidden_agent_ops),
		cmocka_unit_test(test_dispatcher_supervisor),
		cmocka_unit_test(test_ping_any_role),
		cmocka_unit_test(test_request_id_zero),
		cmocka_unit_test(test_not_a_request),
		cmocka_unit_test(test_answers_in_order),
	};

	harness_filter();
	return cmocka_run_group_tests_name("auth", tests, setup, teardown);
}
