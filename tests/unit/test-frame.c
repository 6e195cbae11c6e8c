/* Unit tests of length-delimited framing (proto/frame.c) against protobuf-c's own varints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "hotline.pb-c.h"

#define LIMIT (1u << 20)

/* Encoding then decoding gives back the length, for sizes across varint widths. */
static void
test_round_trip(void **state)
{
	static const size_t sizes[] = { 0, 1, 127, 128, 300, 16383, 16384,
	    LIMIT };
	uint8_t buf[FRAME_HEADER_MAX];
	size_t i, n, body, header;

	(void)state;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		n = frame_encode_header(sizes[i], buf);
		assert_int_equal(frame_decode_header(buf, n, LIMIT, &body,
		    &header), FRAME_OK);
		assert_int_equal(body, sizes[i]);
		assert_int_equal(header, n);
	}
	assert_int_equal(frame_encode_header(127, buf), 1);
	assert_int_equal(frame_encode_header(128, buf), 2);
	assert_memory_equal(buf, "\x80\x01", 2);
}

/* A header split across reads asks for more instead of failing. */
static void
test_partial_header(void **state)
{
	uint8_t buf[FRAME_HEADER_MAX];
	size_t n, body = 0, header = 0;

	(void)state;
	n = frame_encode_header(300, buf);
	assert_int_equal(n, 2);
	assert_int_equal(frame_decode_header(buf, 1, LIMIT, &body, &header),
	    FRAME_NEED_MORE);
	assert_int_equal(frame_decode_header(buf, 0, LIMIT, &body, &header),
	    FRAME_NEED_MORE);
}

/* Eleven continuation bytes are not a varint; a huge length is too large. */
static void
test_bad_and_too_large(void **state)
{
	uint8_t garbage[12];
	uint8_t big[FRAME_HEADER_MAX];
	size_t n, body = 0, header = 0;

	(void)state;
	memset(garbage, 0xff, sizeof garbage);
	assert_int_equal(frame_decode_header(garbage, sizeof garbage, LIMIT,
	    &body, &header), FRAME_BAD);
	n = frame_encode_header(LIMIT + 1, big);
	assert_int_equal(frame_decode_header(big, n, LIMIT, &body, &header),
	    FRAME_TOO_LARGE);
	assert_int_equal(body, LIMIT + 1);
	/* The tenth byte may carry only one bit. */
	memset(garbage, 0x80, 9);
	garbage[9] = 0x02;
	assert_int_equal(frame_decode_header(garbage, 10, SIZE_MAX, &body,
	    &header), FRAME_OVERFLOW);
	/* Issue 14.12: it was reported as "longer than 10 bytes". */
	assert_null(strstr(frame_status_name(FRAME_OVERFLOW), "longer"));
	assert_non_null(strstr(frame_status_name(FRAME_OVERFLOW), "64 bits"));
	assert_string_equal(frame_status_name(FRAME_TOO_LARGE),
	    "frame larger than the limit");
}

/* Our header equals the varint protobuf itself writes for a length field. */
static void
test_matches_protobuf_varint(void **state)
{
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	char number[400];
	uint8_t packed[512], ours[FRAME_HEADER_MAX];
	size_t n, len;

	(void)state;
	memset(number, '7', sizeof number - 1);
	number[sizeof number - 1] = '\0';
	show.number = number;
	/* Field 1, wire type 2: tag 0x0a, then the varint length 399. */
	len = hotline__show_request__pack(&show, packed);
	n = frame_encode_header(sizeof number - 1, ours);
	assert_int_equal(packed[0], 0x0a);
	assert_memory_equal(packed + 1, ours, n);
	assert_int_equal(len, 1 + n + sizeof number - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_partial_header),
		cmocka_unit_test(test_bad_and_too_large),
		cmocka_unit_test(test_matches_protobuf_varint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
