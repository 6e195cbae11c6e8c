/* Unit tests of repeat.c: the recent tickets' members, SimHash halves, and choosing a likely repeat and a burst. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"
#include "simhash.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NOW 1800000000000LL
#define HOUR 3600000LL

static const struct repeats_spec repeats = { .window_ms = 168 * HOUR,
	.simhash_bits = 12, .candidates = 100, .recent_max = 1000 };
static const struct hot_spots_spec hot = { .count = 3, .window_ms = HOUR,
	.simhash_bits = 16 };

/* Writes the member create.lua would keep for number, hash and time. */
static void
member(char *out, size_t len, const char *number, uint64_t hash, int64_t at)
{
	snprintf(out, len, "%s:%u:%u:%lld", number, (unsigned)(hash >> 32),
	    (unsigned)(hash & 0xffffffffu), (long long)at);
}

/* The two 32-bit halves join back into the 64-bit hash, high bits included. */
static void
test_parse_halves(void **state)
{
	static const uint64_t hashes[] = { 0, 1, 0xffffffffffffffffULL,
	    0x8000000000000001ULL, 0xdeadbeef00c0ffeeULL };
	char m[96], number[REPEAT_NUMBER_MAX];
	uint64_t h;
	int64_t at;
	size_t i;

	(void)state;
	for (i = 0; i < N(hashes); i++) {
		member(m, sizeof m, "20261122000001", hashes[i], NOW);
		assert_int_equal(repeat_parse(m, number, sizeof number, &h,
		    &at), 0);
		assert_string_equal(number, "20261122000001");
		assert_true(h == hashes[i]);
		assert_true(at == NOW);
	}
	assert_int_equal(simhash_distance(0x00000000ffffffffULL,
	    0xffffffff00000000ULL), 64);
}

/* Malformed members are refused, never read past. */
static void
test_parse_malformed(void **state)
{
	static const char *bad[] = { "", "20261122000001", "n:1:2",
	    ":1:2:3", "n:4294967296:2:3", "n:1:-2:3", "n:x:2:3", "n:1:2:",
	    "n:1:2:3:4", "n::2:3", "123456789012345678901234567890:1:2:3" };
	char number[REPEAT_NUMBER_MAX];
	uint64_t h;
	int64_t at;
	size_t i;

	(void)state;
	for (i = 0; i < N(bad); i++)
		if (repeat_parse(bad[i], number, sizeof number, &h, &at) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
}

/* The nearest within the bits and the window is the repeat; the newest wins a tie. */
static void
test_scan_nearest(void **state)
{
	const uint64_t me = 0x0f0f0f0f0f0f0f0fULL;
	char m[5][96];
	const char *members[5];
	struct repeat_found f;
	size_t i;

	(void)state;
	member(m[0], sizeof m[0], "5", me ^ 0x3ULL, NOW - 1000);	/* 2 */
	member(m[1], sizeof m[1], "4", me ^ 0x3000ULL, NOW - 2000);	/* 2 */
	member(m[2], sizeof m[2], "3", me ^ 0x1ULL, NOW - 200 * HOUR); /* old */
	member(m[3], sizeof m[3], "2", ~me, NOW - 3000);		/* 64 */
	member(m[4], sizeof m[4], "1", me ^ 0xfffULL, NOW - 4000);	/* 12 */
	for (i = 0; i < 5; i++)
		members[i] = m[i];
	repeat_scan(&f, me, members, 5, &repeats, &hot, NOW);
	assert_string_equal(f.repeat_of, "5");
	assert_int_equal(f.distance, 2);
	/* Within the hot window and 16 bits: 5, 4 and 1, newest first. */
	assert_int_equal(f.nnear, 3);
	assert_string_equal(f.near, "5,4,1");

	repeat_scan(&f, me, members + 3, 2, &repeats, &hot, NOW);
	assert_string_equal(f.repeat_of, "1");
	assert_int_equal(f.distance, 12);
	repeat_scan(&f, me, members + 3, 1, &repeats, &hot, NOW);
	assert_string_equal(f.repeat_of, "");
	assert_int_equal(f.distance, -1);
	assert_int_equal(f.nnear, 0);
}

/* Nothing is looked for when repeats and hot spots are off. */
static void
test_scan_off(void **state)
{
	const struct repeats_spec off = { .window_ms = 0, .simhash_bits = 12 };
	const struct hot_spots_spec none = { .count = 0 };
	char m[96];
	const char *members[1] = { m };
	struct repeat_found f;

	(void)state;
	member(m, sizeof m, "7", 42, NOW);
	repeat_scan(&f, 42, members, 1, &off, &none, NOW);
	assert_string_equal(f.repeat_of, "");
	assert_int_equal(f.nnear, 0);
}

/* A big burst is counted whole though only the newest are listed. */
static void
test_scan_many_near(void **state)
{
	static char m[80][96];
	const char *members[80];
	struct repeat_found f;
	char number[16];
	size_t i;

	(void)state;
	for (i = 0; i < 80; i++) {
		snprintf(number, sizeof number, "%zu", 1000 + i);
		member(m[i], sizeof m[i], number, 99, NOW - (int64_t)i);
		members[i] = m[i];
	}
	repeat_scan(&f, 99, members, 80, &repeats, &hot, NOW);
	assert_int_equal(f.nnear, 80);
	assert_int_equal((int)strlen(f.near), REPEAT_NEAR_MAX * 5 - 1);
	assert_string_equal(f.repeat_of, "1000");
	assert_int_equal(f.distance, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_halves),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_scan_nearest),
		cmocka_unit_test(test_scan_off),
		cmocka_unit_test(test_scan_many_near),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
