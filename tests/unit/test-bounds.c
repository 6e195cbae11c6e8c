/* Unit tests of bounds.c (every time argument of every request held to a range) and of the pure time code at the ends of int64 (issue 14 item 1; run under UBSan too). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"

#define T(y, mo, d, h, mi) deadline_time(y, mo, d, h, mi)

/* Returns 1 for the field types that carry times, spans or offsets. */
static int
numeric(ProtobufCType t)
{
	return t == PROTOBUF_C_TYPE_INT64 || t == PROTOBUF_C_TYPE_SINT64 ||
	    t == PROTOBUF_C_TYPE_SFIXED64 || t == PROTOBUF_C_TYPE_UINT64 ||
	    t == PROTOBUF_C_TYPE_FIXED64 || t == PROTOBUF_C_TYPE_DOUBLE ||
	    t == PROTOBUF_C_TYPE_FLOAT;
}

/* Fails for each 64-bit or floating field of d (and its nested messages) missing from the table. */
static int
walk(const ProtobufCMessageDescriptor *d, int depth)
{
	unsigned i;
	int missing = 0;

	if (depth > 4)
		return 0;
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];

		if (numeric(f->type) && bounds_known(d, f->name) != 1) {
			fprintf(stderr, "%s.%s: a request's number with no "
			    "bound in bounds.c\n", d->name, f->name);
			missing++;
		}
		if (f->type == PROTOBUF_C_TYPE_MESSAGE)
			missing += walk(f->descriptor, depth + 1);
	}
	return missing;
}

/* Every request body's 64-bit and floating fields have exactly one row (the offset too). */
static void
test_every_number_bounded(void **state)
{
	const ProtobufCMessageDescriptor *env = &hotline__envelope__descriptor;
	unsigned i;
	int missing = 0;

	(void)state;
	for (i = 0; i < env->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &env->fields[i];

		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0 ||
		    f->type != PROTOBUF_C_TYPE_MESSAGE ||
		    strstr(((const ProtobufCMessageDescriptor *)
		    f->descriptor)->name, "Request") == NULL)
			continue;
		missing += walk(f->descriptor, 0);
	}
	assert_int_equal(missing, 0);
	assert_int_equal(bounds_known(&hotline__breaches_request__descriptor,
	    "offset"), 1);
}

/* Checks env with a DeadlineRequest from from: 0 if accepted. */
static int
check_from(int64_t from, const char **field, const char **why)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__DeadlineRequest q = HOTLINE__DEADLINE_REQUEST__INIT;

	q.from = from;
	q.limit = "1m";
	env.body_case = HOTLINE__ENVELOPE__BODY_DEADLINE;
	env.deadline = &q;
	return bounds_check(&env.base, field, why);
}

/* Instants: 2000-01-01 to 2099-12-31 Beijing time; the values the attack sent are refused. */
static void
test_instants(void **state)
{
	const char *field = NULL, *why = NULL;

	(void)state;
	assert_int_equal(check_from(T(2026, 12, 30, 10, 0), &field, &why), 0);
	assert_int_equal(check_from(T(2000, 1, 1, 0, 0), &field, &why), 0);
	assert_int_equal(check_from(T(2099, 12, 31, 23, 59), &field, &why), 0);
	assert_int_equal(check_from(T(2100, 1, 1, 0, 0), &field, &why), -1);
	assert_string_equal(field, "from");
	assert_non_null(strstr(why, "2099-12-31"));
	assert_int_equal(check_from(T(1999, 12, 31, 23, 59), &field, &why), -1);
	assert_int_equal(check_from(9223372036854775000LL, &field, &why), -1);
	assert_int_equal(check_from(INT64_MAX, &field, &why), -1);
	assert_int_equal(check_from(INT64_MIN, &field, &why), -1);
	assert_int_equal(check_from(0, &field, &why), -1);
}

/* Spans, hours and offsets: NaN, infinities, negatives and the huge are refused. */
static void
test_spans_hours_offsets(void **state)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__ShiftClockRequest s = HOTLINE__SHIFT_CLOCK_REQUEST__INIT;
	Hotline__OverdueRequest o = HOTLINE__OVERDUE_REQUEST__INIT;
	Hotline__BreachesRequest b = HOTLINE__BREACHES_REQUEST__INIT;
	const char *field = NULL, *why = NULL;
	const double bad[] = { NAN, INFINITY, -INFINITY, -1, 1e300, 87673 };
	size_t i;

	(void)state;
	env.body_case = HOTLINE__ENVELOPE__BODY_SHIFT_CLOCK;
	env.shift_clock = &s;
	s.advance_ms = DEADLINE_DAY_MS;
	assert_int_equal(bounds_check(&env.base, &field, &why), 0);
	s.advance_ms = INT64_MAX;
	assert_int_equal(bounds_check(&env.base, &field, &why), -1);
	assert_string_equal(field, "advance_ms");
	s.advance_ms = 0;
	assert_int_equal(bounds_check(&env.base, &field, &why), -1);

	env.body_case = HOTLINE__ENVELOPE__BODY_OVERDUE;
	env.overdue = &o;
	o.within_hours = 8;
	assert_int_equal(bounds_check(&env.base, &field, &why), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o.within_hours = bad[i];
		assert_int_equal(bounds_check(&env.base, &field, &why), -1);
		assert_string_equal(field, "within_hours");
	}
	o.within_hours = 0;
	o.min_late_hours = NAN;
	assert_int_equal(bounds_check(&env.base, &field, &why), -1);
	assert_string_equal(field, "min_late_hours");

	env.body_case = HOTLINE__ENVELOPE__BODY_BREACHES;
	env.breaches = &b;
	b.offset = 1000;
	assert_int_equal(bounds_check(&env.base, &field, &why), 0);
	b.offset = UINT32_MAX;
	assert_int_equal(bounds_check(&env.base, &field, &why), -1);
	assert_string_equal(field, "offset");
}

/* Periods name dates inside the same range. */
static void
test_periods(void **state)
{
	struct stats_period p;
	const char *why = NULL;
	int64_t now = T(2026, 12, 7, 10, 0);

	(void)state;
	assert_int_equal(stats_period_parse("2026-12-01..2026-12-31", now, &p,
	    &why), 0);
	assert_int_equal(stats_period_parse("9999-12-01..9999-12-31", now, &p,
	    &why), -1);
	assert_non_null(strstr(why, "2099-12-31"));
	assert_int_equal(stats_period_parse("0001-01-01", now, &p, &why), -1);
}

/*
 * The pure time code at the ends of int64: no overflow (UBSan aborts on
 * one), results held to the defined range. Before the fix, deadline_due of
 * 9223372036854775000 + 1m overflowed and INT64_MAX overflowed in
 * deadline_day.
 */
static void
test_extremes_saturate(void **state)
{
	struct calendar *cal = calendar_new();
	const struct limit minute = { LIMIT_MINUTES, 1 };
	const struct limit days = { LIMIT_DAYS, LIMIT_MAX };
	const struct limit wd = { LIMIT_WORK_DAYS, 5 };
	const struct limit wh = { LIMIT_WORK_HOURS, 4 };
	struct policies *pols = policy_new();
	struct policy pol;
	char buf[64];
	int64_t v;

	(void)state;
	policy_for(pols, 0, 0, NULL, &pol);
	policy_free(pols);
	assert_int_equal(deadline_day(INT64_MAX), DEADLINE_DAY_MAX);
	assert_int_equal(deadline_day(INT64_MIN), DEADLINE_DAY_MIN);
	assert_int_equal(deadline_due(cal, 9223372036854775000LL, &minute),
	    DEADLINE_MS_MAX);
	assert_int_equal(deadline_due(cal, INT64_MAX, &days), DEADLINE_MS_MAX);
	assert_int_equal(deadline_due(cal, INT64_MIN, &minute),
	    DEADLINE_MS_MIN + DEADLINE_MINUTE_MS);
	v = deadline_due(cal, INT64_MAX, &wd);
	assert_true(v <= DEADLINE_MS_MAX);
	v = deadline_due(cal, INT64_MAX, &wh);
	assert_true(v <= DEADLINE_MS_MAX);
	assert_true(deadline_remaining(cal, &minute, INT64_MIN, INT64_MAX) > 0);
	assert_true(deadline_remaining(cal, &minute, INT64_MAX, INT64_MIN) < 0);
	assert_int_equal(deadline_resume(cal, &minute, INT64_MAX, INT64_MAX),
	    DEADLINE_MS_MAX);
	assert_int_equal(deadline_add_working_ms(cal, 0, INT64_MIN),
	    DEADLINE_MS_MIN);
	assert_int_equal(deadline_add_working_ms(cal, 0, INT64_MAX),
	    DEADLINE_MS_MAX);
	v = deadline_warn_at(cal, INT64_MIN, INT64_MAX, &minute, &pol);
	assert_true(v > DEADLINE_MS_MIN && v < DEADLINE_MS_MAX);
	deadline_format(INT64_MAX, buf, sizeof buf);
	assert_string_equal(buf, "9999-12-31 23:59:59.999");
	deadline_format(INT64_MIN, buf, sizeof buf);
	assert_string_equal(buf, "0001-01-01 00:00:00");
	assert_int_equal(deadline_shift(INT64_MAX, INT64_MAX), DEADLINE_MS_MAX);
	assert_int_equal(deadline_shift(INT64_MIN, INT64_MIN), DEADLINE_MS_MIN);
	assert_int_equal(calendar_missing_year(cal, INT64_MAX, 3660), 9999);
	calendar_free(cal);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_number_bounded),
		cmocka_unit_test(test_instants),
		cmocka_unit_test(test_spans_hours_offsets),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_extremes_saturate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
