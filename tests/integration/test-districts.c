/* Integration tests of the districts group: create and classify refuse a district or street the city does not have, and store nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* Two districts of the demo city, governed (for the test) by 住建局 and 城管局. */
#define DISTRICTS "districts = (\n" \
	"  { name = \"鼓楼区\"; government = \"zjj\";\n" \
	"    streets = [\"东街街道\", \"南街街道\", \"洪山镇\"]; },\n" \
	"  { name = \"马尾区\"; government = \"cgj\";\n" \
	"    streets = [\"罗星街道\", \"琅岐镇\"]; }\n" \
	");\n\nprincipals = ("

static struct harness h;
static struct hl_client *agent;

/* Starts the servers with the districts group, and logs the agent in. */
static int
setup(void **state)
{
	(void)state;
	if (harness_group_start(&h, "agent01", &agent) == -1)
		return -1;
	if (harness_edit_config(&h.main, "principals = (", DISTRICTS) == -1 ||
	    harness_restart(&h) == -1) {
		harness_group_stop(&h, agent);
		return -1;
	}
	hl_close(agent);
	agent = harness_login(&h, "agent01");
	return agent != NULL ? 0 : -1;
}

/* Closes the agent and stops the servers. */
static int
teardown(void **state)
{
	(void)state;
	return harness_group_stop(&h, agent);
}

/*
 * Creates with district and street under call id; expects BAD_REQUEST
 * naming field, or (field NULL) a new ticket with that district and street.
 */
static void
create_place(const char *call_id, const char *district, const char *street,
    const char *field)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char id[64], phone[32];

	harness_create_init(&req, id, sizeof id,
	    harness_phone(phone, sizeof phone), "小区停水",
	    "从早上停水到现在，没有通知");
	req.call_id = (char *)call_id;
	req.district = (char *)district;
	req.street = (char *)street;
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	if (field != NULL) {
		assert_error(rep, err, ERR(BAD_REQUEST));
		assert_string_equal(err.field, field);
		assert_non_null(strstr(err.message, field));
		return;
	}
	assert_reply(rep, err);
	assert_int_equal(rep->body_case, BODY(CREATED));
	assert_false(rep->created->duplicate);
	assert_string_equal(rep->created->ticket->district, district);
	assert_string_equal(rep->created->ticket->street, street);
	hl_envelope_free(rep);
}

/*
 * A district not of the city, a street not of its district, a street
 * without a district: BAD_REQUEST naming the field, and nothing stored (the
 * same call id then makes a new ticket, not a duplicate).
 */
static void
test_create_places(void **state)
{
	char call_id[64];

	(void)state;
	harness_call_id(call_id, sizeof call_id);
	create_place(call_id, "福州区", "", "district");
	create_place(call_id, "鼓楼", "东街街道", "district");
	create_place(call_id, "鼓楼区", "琅岐镇", "street");
	create_place(call_id, "", "东街街道", "district");
	create_place(call_id, "马尾区", "琅岐镇", NULL);
	create_place(harness_call_id(call_id, sizeof call_id), "鼓楼区", "",
	    NULL);
	create_place(harness_call_id(call_id, sizeof call_id), "", "", NULL);
}

/* Classifies with district and street; returns the error's field or "". */
static const char *
classify_field(const char *district, const char *street, char *buf,
    size_t len)
{
	Hotline__ClassifyRequest req = HOTLINE__CLASSIFY_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;

	req.title = "小区停水";
	req.content = "从早上停水到现在";
	req.district = (char *)district;
	req.street = (char *)street;
	rep = harness_call(agent, BODY(CLASSIFY), &req, &err);
	if (rep != NULL) {
		assert_int_equal(rep->body_case, BODY(CLASSIFIED));
		hl_envelope_free(rep);
		return "";
	}
	assert_int_equal(err.code, ERR(BAD_REQUEST));
	snprintf(buf, len, "%s", err.field);
	return buf;
}

/* Classify checks the place the same way. */
static void
test_classify_places(void **state)
{
	char buf[sizeof ((struct hl_error *)0)->field];

	(void)state;
	assert_string_equal(classify_field("福州区", "", buf, sizeof buf),
	    "district");
	assert_string_equal(classify_field("马尾区", "东街街道", buf,
	    sizeof buf), "street");
	assert_string_equal(classify_field("鼓楼区", "洪山镇", buf, sizeof buf),
	    "");
	assert_string_equal(classify_field("", "", buf, sizeof buf), "");
}

/* Without the group (the file edited back and the daemon restarted), any place is free text again. */
static void
test_without_group(void **state)
{
	char call_id[64];

	(void)state;
	assert_int_equal(harness_edit_config(&h.main, DISTRICTS,
	    "principals = ("), 0);
	assert_int_equal(harness_restart(&h), 0);
	hl_close(agent);
	agent = harness_login(&h, "agent01");
	assert_non_null(agent);
	create_place(harness_call_id(call_id, sizeof call_id), "福州区", "某街道",
	    NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_places),
		cmocka_unit_test(test_classify_places),
		cmocka_unit_test(test_without_group),
	};

	harness_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
