/* Integration tests of framing: garbage, truncated, oversize, split and pipelined frames. */
#include <sys/socket.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "harness.h"

static struct harness h;
static struct hl_client *bystander;	/* must keep working through every test */

HARNESS_FIXTURES(h, "water-01", bystander)

/* Connects to the main daemon without hello. */
static struct hl_client *
connect_main(void)
{
	return harness_connect_main(&h.main);
}

/* Asserts that the daemon still serves the bystander and new sessions. */
static void
assert_still_serving(void)
{
	struct hl_error err;

	assert_int_equal(harness_ping(bystander, &err), 1);
	harness_assert_serving(&h);
}

/* Sends raw bytes and asserts an Error with code and id 0, then a close. */
static void
expect_framing_error(struct hl_client *c, const void *bytes, size_t len,
    int code)
{
	struct hl_error err;

	assert_int_equal(hl_send_raw(c, bytes, len, &err), 0);
	harness_expect_error_frame(c, code, 0);
	harness_assert_closed(c);
	hl_close(c);
}

/* A frame whose bytes are not an Envelope: BAD_REQUEST, then closed. */
static void
test_garbage_after_hello(void **state)
{
	/* Field 1 with wire type 7, which does not exist. */
	static const uint8_t bad_wire_type[] = { 0x02, 0x0f, 0x0f };
	/* A varint tag that never ends inside the frame. */
	static const uint8_t open_varint[] = { 0x04, 0xff, 0xff, 0xff, 0xff };
	struct hl_client *c;

	(void)state;
	assert_non_null(c = harness_login(&h, "agent01"));
	expect_framing_error(c, bad_wire_type, sizeof bad_wire_type,
	    ERR(BAD_REQUEST));
	assert_non_null(c = harness_login(&h, "agent01"));
	expect_framing_error(c, open_varint, sizeof open_varint,
	    ERR(BAD_REQUEST));
	assert_still_serving();
}

/* Garbage before hello is a framing error too, not an authentication one. */
static void
test_garbage_before_hello(void **state)
{
	static const uint8_t bad_wire_type[] = { 0x03, 0x0f, 0x0f, 0x0f };

	(void)state;
	expect_framing_error(connect_main(), bad_wire_type,
	    sizeof bad_wire_type, ERR(BAD_REQUEST));
	assert_still_serving();
}

/* A length varint longer than 10 bytes: BAD_REQUEST, then closed. */
static void
test_varint_too_long(void **state)
{
	uint8_t header[11];
	struct hl_client *c;

	(void)state;
	memset(header, 0xff, sizeof header);
	assert_non_null(c = harness_login(&h, "agent01"));
	expect_framing_error(c, header, sizeof header, ERR(BAD_REQUEST));
	assert_still_serving();
}

/* A header announcing more than max_frame: TOO_LARGE at once, then closed. */
static void
test_oversize(void **state)
{
	uint8_t header[FRAME_HEADER_MAX];
	size_t n = frame_encode_header(HARNESS_MAX_FRAME + 1, header);
	struct hl_client *c;

	(void)state;
	assert_non_null(c = harness_login(&h, "agent01"));
	expect_framing_error(c, header, n, ERR(TOO_LARGE));
	n = frame_encode_header((size_t)1 << 40, header);
	expect_framing_error(connect_main(), header, n, ERR(TOO_LARGE));
	assert_still_serving();
}

/* Appends varint v to buf at *len. */
static void
put_varint(uint8_t *buf, size_t *len, size_t v)
{
	*len += frame_encode_header(v, buf + *len);
}

/*
 * Builds an Envelope of exactly body_len bytes: id, and a classify request
 * whose title is "小区停水" padded with an unknown field. Returns the frame.
 */
static uint8_t *
exact_frame(uint64_t id, size_t body_len, size_t *frame_len)
{
	static const char title[] = "小区停水";
	size_t pad = body_len, inner, body, n = 0;
	uint8_t tmp[FRAME_HEADER_MAX], *f;

	for (;; pad--) {
		inner = 1 + 1 + strlen(title) + 1 +
		    frame_encode_header(pad, tmp) + pad;
		body = 1 + frame_encode_header(id, tmp) + 2 +
		    frame_encode_header(inner, tmp) + inner;
		if (body == body_len)
			break;
		assert_true(body > body_len);
	}
	assert_non_null(f = malloc(FRAME_HEADER_MAX + body));
	put_varint(f, &n, body);
	f[n++] = 0x08;				/* field 1 (id), varint */
	put_varint(f, &n, id);
	f[n++] = 0xa2;				/* field 20 (classify), bytes */
	f[n++] = 0x01;
	put_varint(f, &n, inner);
	f[n++] = 0x0a;				/* field 1 (title), bytes */
	put_varint(f, &n, strlen(title));
	memcpy(f + n, title, strlen(title));
	n += strlen(title);
	f[n++] = 0x7a;				/* field 15 (unknown), bytes */
	put_varint(f, &n, pad);
	memset(f + n, 'x', pad);
	n += pad;
	*frame_len = n;
	return f;
}

/* A frame of exactly max_frame bytes is accepted and answered. */
static void
test_frame_at_limit(void **state)
{
	struct hl_client *c;
	Hotline__Envelope *f;
	struct hl_error err;
	uint8_t *frame;
	size_t len;

	(void)state;
	assert_non_null(c = harness_login(&h, "agent01"));
	frame = exact_frame(4242, HARNESS_MAX_FRAME, &len);
	assert_int_equal(hl_send_raw(c, frame, len, &err), 0);
	free(frame);
	assert_int_equal(hl_recv(c, HARNESS_CALL_MS, &f, &err), 1);
	assert_int_equal(f->id, 4242);
	assert_int_equal(f->body_case, BODY(CLASSIFIED));
	assert_true(f->classified->routing->n_suggestions >= 1);
	assert_string_equal(
	    f->classified->routing->suggestions[0]->department->id, "water");
	hl_envelope_free(f);
	assert_int_equal(harness_ping(c, &err), 1);
	hl_close(c);
}

/* A frame cut short by the client's end of stream: BAD_REQUEST, then closed. */
static void
test_truncated(void **state)
{
	static const uint8_t partial[] = { 100, 0x08, 0x01, 0xa2, 0x01, 0x20 };
	struct hl_client *c;
	struct hl_error err;

	(void)state;
	assert_non_null(c = harness_login(&h, "agent01"));
	assert_int_equal(hl_send_raw(c, partial, sizeof partial, &err), 0);
	assert_int_equal(shutdown(hl_fd(c), SHUT_WR), 0);
	harness_expect_error_frame(c, ERR(BAD_REQUEST), 0);
	harness_assert_closed(c);
	hl_close(c);

	/* Closing outright mid-frame must not upset the daemon either. */
	assert_non_null(c = harness_login(&h, "agent01"));
	assert_int_equal(hl_send_raw(c, partial, sizeof partial, &err), 0);
	hl_close(c);
	c = connect_main();
	assert_int_equal(hl_send_raw(c, partial, 3, &err), 0);
	hl_close(c);
	assert_still_serving();
}

/* A client that sends a request and then ends its stream still gets the answer. */
static void
test_half_close_answers_pending(void **state)
{
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	struct hl_client *c;
	Hotline__Envelope *f;
	struct hl_error err;

	(void)state;
	assert_non_null(c = harness_login(&h, "agent01"));
	show.number = "20000101999999";
	assert_int_equal(harness_send(c, 31, BODY(SHOW), &show), 0);
	assert_int_equal(shutdown(hl_fd(c), SHUT_WR), 0);
	if (hl_recv(c, HARNESS_CALL_MS, &f, &err) != 1)
		fail_msg("no answer after the client's end of stream: %s: %s",
		    hl_error_name(err.code), err.message);
	assert_int_equal(f->id, 31);
	assert_int_equal(f->body_case, BODY(ERROR));
	assert_int_equal(f->error->code, ERR(NOT_FOUND));
	hl_envelope_free(f);
	harness_assert_closed(c);
	hl_close(c);
}

/* Packs a Ping envelope with id into a frame; returns its length. */
static size_t
ping_frame(uint64_t id, uint8_t *out)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__Ping ping = HOTLINE__PING__INIT;
	size_t n;

	env.id = id;
	env.body_case = BODY(PING);
	env.ping = &ping;
	n = frame_encode_header(hotline__envelope__get_packed_size(&env), out);
	return n + hotline__envelope__pack(&env, out + n);
}

/* A frame written one byte at a time is reassembled and answered. */
static void
test_split_frame(void **state)
{
	uint8_t frame[64];
	size_t len = ping_frame(77, frame), i;
	struct hl_client *c;
	Hotline__Envelope *f;
	struct hl_error err;

	(void)state;
	assert_non_null(c = harness_login(&h, "agent01"));
	for (i = 0; i < len; i++) {
		assert_int_equal(hl_send_raw(c, frame + i, 1, &err), 0);
		harness_sleep_ms(20);
	}
	assert_int_equal(hl_recv(c, HARNESS_CALL_MS, &f, &err), 1);
	assert_int_equal(f->id, 77);
	assert_int_equal(f->body_case, BODY(PONG));
	hl_envelope_free(f);
	hl_close(c);
}

/* Many frames in one write (more than requests_per_turn) are all answered in order. */
static void
test_pipelined_burst(void **state)
{
	enum { N = 200 };
	uint8_t *buf;
	size_t len = 0;
	struct hl_client *c;
	Hotline__Envelope *f;
	struct hl_error err;
	uint64_t id;

	(void)state;
	assert_non_null(buf = malloc(N * 32));
	for (id = 1; id <= N; id++)
		len += ping_frame(5000 + id, buf + len);
	assert_non_null(c = harness_login(&h, "agent01"));
	assert_int_equal(hl_send_raw(c, buf, len, &err), 0);
	free(buf);
	for (id = 1; id <= N; id++) {
		assert_int_equal(hl_recv(c, HARNESS_CALL_MS, &f, &err), 1);
		assert_int_equal(f->id, 5000 + id);
		assert_int_equal(f->body_case, BODY(PONG));
		hl_envelope_free(f);
	}
	hl_close(c);
	assert_still_serving();
}

/* An empty frame is an envelope with id 0 and no body: BAD_REQUEST. */
static void
test_empty_frame(void **state)
{
	static const uint8_t empty[] = { 0x00 };
	struct hl_client *c;
	struct hl_error err;

	(void)state;
	assert_non_null(c = harness_login(&h, "agent01"));
	assert_int_equal(hl_send_raw(c, empty, sizeof empty, &err), 0);
	harness_expect_error_frame(c, ERR(BAD_REQUEST), 0);
	hl_close(c);
	assert_still_serving();
}

/* Runs the group: its setup starts the servers, its teardown stops them. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garbage_after_hello),
		cmocka_unit_test(test_garbage_before_hello),
		cmocka_unit_test(test_varint_too_long),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_frame_at_limit),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_half_close_answers_pending),
		cmocka_unit_test(test_split_frame),
		cmocka_unit_test(test_pipelined_burst),
		cmocka_unit_test(test_empty_frame),
	};

	harness_filter();
	return cmocka_run_group_tests_name("frames", tests, setup, teardown);
}
