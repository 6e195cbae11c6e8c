/* Unit tests of utf8.c (strict UTF-8) and validate.c (string checks over decoded messages). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"

/* Checks s (a C string) with utf8_valid over its strlen. */
static int
valid(const char *s)
{
	return utf8_valid(s, strlen(s));
}

/* ASCII, Chinese and the empty string are valid. */
static void
test_valid_text(void **state)
{
	(void)state;
	assert_int_equal(valid(""), 1);
	assert_int_equal(valid("hello, 12345"), 1);
	assert_int_equal(valid("鼓楼区施工噪声扰民，夜间22点后仍在作业"), 1);
	assert_int_equal(utf8_valid(NULL, 0), 1);
}

/* The first and last code points of each sequence length are valid. */
static void
test_valid_boundaries(void **state)
{
	(void)state;
	assert_int_equal(valid("\x7f"), 1);			/* U+007F */
	assert_int_equal(valid("\xc2\x80"), 1);		/* U+0080 */
	assert_int_equal(valid("\xdf\xbf"), 1);		/* U+07FF */
	assert_int_equal(valid("\xe0\xa0\x80"), 1);		/* U+0800 */
	assert_int_equal(valid("\xed\x9f\xbf"), 1);		/* U+D7FF */
	assert_int_equal(valid("\xee\x80\x80"), 1);		/* U+E000 */
	assert_int_equal(valid("\xef\xbf\xbf"), 1);		/* U+FFFF */
	assert_int_equal(valid("\xf0\x90\x80\x80"), 1);	/* U+10000 */
	assert_int_equal(valid("\xf4\x8f\xbf\xbf"), 1);	/* U+10FFFF */
	assert_int_equal(valid("\xf0\x9f\x98\x80"), 1);	/* an emoji */
}

/* Overlong forms of '/' and of other code points are refused. */
static void
test_overlong(void **state)
{
	(void)state;
	assert_int_equal(valid("\xc0\xaf"), 0);
	assert_int_equal(valid("\xc1\xbf"), 0);
	assert_int_equal(valid("\xe0\x80\xaf"), 0);
	assert_int_equal(valid("\xe0\x9f\xbf"), 0);
	assert_int_equal(valid("\xf0\x80\x80\xaf"), 0);
	assert_int_equal(valid("\xf0\x8f\xbf\xbf"), 0);
}

/* UTF-16 surrogates and code points above U+10FFFF are refused. */
static void
test_surrogates_and_range(void **state)
{
	(void)state;
	assert_int_equal(valid("\xed\xa0\x80"), 0);		/* U+D800 */
	assert_int_equal(valid("\xed\xbf\xbf"), 0);		/* U+DFFF */
	assert_int_equal(valid("\xf4\x90\x80\x80"), 0);	/* U+110000 */
	assert_int_equal(valid("\xf5\x80\x80\x80"), 0);
	assert_int_equal(valid("\xf7\xbf\xbf\xbf"), 0);
	assert_int_equal(valid("\xf8\x88\x80\x80\x80"), 0);
	assert_int_equal(valid("\xfe"), 0);
	assert_int_equal(valid("\xff"), 0);
}

/* Truncated sequences, stray continuation bytes and bad continuations are refused. */
static void
test_truncated(void **state)
{
	const char *gong = "工";	/* e5 b7 a5 */

	(void)state;
	assert_int_equal(utf8_valid(gong, 3), 1);
	assert_int_equal(utf8_valid(gong, 2), 0);
	assert_int_equal(utf8_valid(gong, 1), 0);
	assert_int_equal(valid("abc\xe5\xb7"), 0);
	assert_int_equal(valid("\xf0\x9f\x98"), 0);
	assert_int_equal(valid("\x80"), 0);
	assert_int_equal(valid("a\xbf" "b"), 0);
	assert_int_equal(valid("\xe5\x41\xa5"), 0);
	assert_int_equal(valid("\xc2\xc2\x80"), 0);
}

/* A NUL byte inside the text is refused. */
static void
test_nul(void **state)
{
	(void)state;
	assert_int_equal(utf8_valid("a\0b", 3), 0);
	assert_int_equal(utf8_valid("\0", 1), 0);
	assert_int_equal(utf8_valid("a\0b", 1), 1);
}

/* utf8_length counts code points, not bytes. */
static void
test_length(void **state)
{
	(void)state;
	assert_int_equal(utf8_length(""), 0);
	assert_int_equal(utf8_length("abc"), 3);
	assert_int_equal(utf8_length("工单编号"), 4);
	assert_int_equal(utf8_length("A工\xf0\x9f\x98\x80z"), 4);
}

/* Runs validate_strings and returns its result, filling field and why. */
static int
check(const ProtobufCMessage *msg, size_t max, const char **field,
    const char **why)
{
	*field = "unset";
	*why = "unset";
	return validate_strings(msg, max, field, why);
}

/* A clean CreateRequest passes and leaves field NULL. */
static void
test_validate_ok(void **state)
{
	Hotline__CreateRequest c = HOTLINE__CREATE_REQUEST__INIT;
	const char *field, *why;

	(void)state;
	c.call_id = "call-1";
	c.caller_phone = "13800000000";
	c.title = "小区停水";
	c.content = "台江区某小区从早上开始停水，没有通知。";
	assert_int_equal(check(&c.base, 64, &field, &why), 0);
	assert_null(field);
	assert_null(why);
}

/* A bad string is named by its field, with the reason. */
static void
test_validate_bad_utf8(void **state)
{
	Hotline__CreateRequest c = HOTLINE__CREATE_REQUEST__INIT;
	const char *field, *why;

	(void)state;
	c.title = "ok";
	c.address = "\xe5\xb7";
	assert_int_equal(check(&c.base, 64, &field, &why), -1);
	assert_string_equal(field, "address");
	assert_string_equal(why, ZH_EN("不是有效的 UTF-8", "not valid UTF-8"));
}

/* max_bytes counts bytes: exactly max passes, one more fails. */
static void
test_validate_too_long(void **state)
{
	Hotline__CreateRequest c = HOTLINE__CREATE_REQUEST__INIT;
	const char *field, *why;

	(void)state;
	c.content = "工单";		/* 6 bytes */
	assert_int_equal(check(&c.base, 6, &field, &why), 0);
	assert_int_equal(check(&c.base, 5, &field, &why), -1);
	assert_string_equal(field, "content");
	assert_string_equal(why, ZH_EN("过长", "too long"));
}

/* NULL string and message pointers (hand-built messages) count as absent. */
static void
test_validate_null_pointers(void **state)
{
	Hotline__CreateRequest c = HOTLINE__CREATE_REQUEST__INIT;
	Hotline__CreateReply r = HOTLINE__CREATE_REPLY__INIT;
	const char *field, *why;

	(void)state;
	c.title = NULL;
	c.content = NULL;
	assert_int_equal(check(&c.base, 64, &field, &why), 0);
	assert_null(r.ticket);
	assert_int_equal(check(&r.base, 64, &field, &why), 0);
}

/* Every element of a repeated string field is checked. */
static void
test_validate_repeated_strings(void **state)
{
	Hotline__Suggestion s = HOTLINE__SUGGESTION__INIT;
	char *matched[] = { "噪音", "施工", "\xed\xa0\x80" };
	const char *field, *why;

	(void)state;
	s.matched = matched;
	s.n_matched = 2;
	assert_int_equal(check(&s.base, 64, &field, &why), 0);
	s.n_matched = 3;
	assert_int_equal(check(&s.base, 64, &field, &why), -1);
	assert_string_equal(field, "matched");
}

/* Strings two messages down (routing → suggestion → department) are checked. */
static void
test_validate_nested(void **state)
{
	Hotline__CreateReply reply = HOTLINE__CREATE_REPLY__INIT;
	Hotline__Routing routing = HOTLINE__ROUTING__INIT;
	Hotline__Suggestion s0 = HOTLINE__SUGGESTION__INIT;
	Hotline__Suggestion s1 = HOTLINE__SUGGESTION__INIT;
	Hotline__Department d = HOTLINE__DEPARTMENT__INIT;
	Hotline__Suggestion *list[] = { &s0, &s1 };
	const char *field, *why;

	(void)state;
	reply.routing = &routing;
	routing.suggestions = list;
	routing.n_suggestions = 2;
	s1.department = &d;
	d.id = "zjj";
	d.name = "住建局";
	assert_int_equal(check(&reply.base, 64, &field, &why), 0);
	d.name = "住建\xc0\xaf";
	assert_int_equal(check(&reply.base, 64, &field, &why), -1);
	assert_string_equal(field, "name");
	assert_string_equal(why, ZH_EN("不是有效的 UTF-8", "not valid UTF-8"));
}

/* Repeated messages: the second ticket of a list is checked too. */
static void
test_validate_repeated_messages(void **state)
{
	Hotline__TicketList tl = HOTLINE__TICKET_LIST__INIT;
	Hotline__Ticket t0 = HOTLINE__TICKET__INIT;
	Hotline__Ticket t1 = HOTLINE__TICKET__INIT;
	Hotline__Ticket *tickets[] = { &t0, &t1 };
	const char *field, *why;

	(void)state;
	tl.tickets = tickets;
	tl.n_tickets = 2;
	t1.reply_result = "已处理完毕，路面恢复";
	assert_int_equal(check(&tl.base, 64, &field, &why), 0);
	assert_int_equal(check(&tl.base, 16, &field, &why), -1);
	assert_string_equal(field, "reply_result");
	assert_string_equal(why, ZH_EN("过长", "too long"));
}

/* The set member of a oneof is checked. */
static void
test_validate_oneof_set(void **state)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__Hello hello = HOTLINE__HELLO__INIT;
	const char *field, *why;

	(void)state;
	hello.principal = "agent01";
	hello.credential = "agent01-demo";
	env.body_case = HOTLINE__ENVELOPE__BODY_HELLO;
	env.hello = &hello;
	assert_int_equal(check(&env.base, 64, &field, &why), 0);
	hello.client = "soft\xffphone";
	assert_int_equal(check(&env.base, 64, &field, &why), -1);
	assert_string_equal(field, "client");
}

/*
 * Oneof members share storage: only the member named by the case is looked
 * at. With the case NOT_SET the bad Hello in the union must be ignored, and
 * with the case PING the same pointer is a Ping, which has no strings.
 */
static void
test_validate_oneof_unset(void **state)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__Hello hello = HOTLINE__HELLO__INIT;
	Hotline__Ping *ping = malloc(sizeof *ping);
	const char *field, *why;

	(void)state;
	hello.principal = "\xff";
	env.hello = &hello;
	env.body_case = HOTLINE__ENVELOPE__BODY__NOT_SET;
	assert_int_equal(check(&env.base, 64, &field, &why), 0);
	env.body_case = HOTLINE__ENVELOPE__BODY_HELLO;
	assert_int_equal(check(&env.base, 64, &field, &why), -1);
	hotline__ping__init(ping);
	env.ping = ping;
	env.body_case = HOTLINE__ENVELOPE__BODY_PING;
	assert_int_equal(check(&env.base, 64, &field, &why), 0);
	free(ping);
}

/* Bad UTF-8 survives protobuf-c's unpack, so validate_strings must catch it after decoding. */
static void
test_validate_after_unpack(void **state)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *got;
	Hotline__CreateRequest c = HOTLINE__CREATE_REQUEST__INIT;
	const char *field, *why;
	uint8_t *buf;
	size_t len;

	(void)state;
	c.call_id = "c-9";
	c.title = "噪音";
	c.content = "\xed\xbf\xbf";
	env.id = 7;
	env.body_case = HOTLINE__ENVELOPE__BODY_CREATE;
	env.create = &c;
	len = hotline__envelope__get_packed_size(&env);
	buf = malloc(len);
	hotline__envelope__pack(&env, buf);
	got = hotline__envelope__unpack(NULL, len, buf);
	assert_non_null(got);
	assert_int_equal(check(&got->base, 64, &field, &why), -1);
	assert_string_equal(field, "content");
	hotline__envelope__free_unpacked(got, NULL);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_text),
		cmocka_unit_test(test_valid_boundaries),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_surrogates_and_range),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_bad_utf8),
		cmocka_unit_test(test_validate_too_long),
		cmocka_unit_test(test_validate_null_pointers),
		cmocka_unit_test(test_validate_repeated_strings),
		cmocka_unit_test(test_validate_nested),
		cmocka_unit_test(test_validate_repeated_messages),
		cmocka_unit_test(test_validate_oneof_set),
		cmocka_unit_test(test_validate_oneof_unset),
		cmocka_unit_test(test_validate_after_unpack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
