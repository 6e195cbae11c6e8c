/* hotlinectl calendar status: where each year's calendar comes from, who may ask, which ranges are refused. */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define SOURCE(x) HOTLINE__CALENDAR_SOURCE__CALENDAR_SOURCE_##x
#define IMPORT_WAIT_MS 5000	/* bound on the daemon taking an import from Redis */

static struct harness h;
static struct hl_client *admin;

HARNESS_FIXTURES(h, "admin01", admin)

/* 2030's State Council notice as a test writes it: the statutory days and one make-up Sunday. */
static char notice_2030[] = "{\"year\": 2030, \"papers\": [], \"days\": ["
    "{\"name\": \"元旦\", \"date\": \"2030-01-01\", \"isOffDay\": true},"
    "{\"name\": \"春节\", \"date\": \"2030-02-02\", \"isOffDay\": true},"
    "{\"name\": \"春节\", \"date\": \"2030-02-03\", \"isOffDay\": true},"
    "{\"name\": \"春节\", \"date\": \"2030-02-04\", \"isOffDay\": true},"
    "{\"name\": \"春节\", \"date\": \"2030-02-05\", \"isOffDay\": true},"
    "{\"name\": \"清明\", \"date\": \"2030-04-05\", \"isOffDay\": true},"
    "{\"name\": \"劳动节\", \"date\": \"2030-05-01\", \"isOffDay\": true},"
    "{\"name\": \"劳动节\", \"date\": \"2030-05-02\", \"isOffDay\": true},"
    "{\"name\": \"劳动节\", \"date\": \"2030-05-03\", \"isOffDay\": true},"
    "{\"name\": \"劳动节\", \"date\": \"2030-05-05\", \"isOffDay\": false},"
    "{\"name\": \"端午\", \"date\": \"2030-06-05\", \"isOffDay\": true},"
    "{\"name\": \"中秋\", \"date\": \"2030-09-12\", \"isOffDay\": true},"
    "{\"name\": \"国庆节\", \"date\": \"2030-10-01\", \"isOffDay\": true},"
    "{\"name\": \"国庆节\", \"date\": \"2030-10-02\", \"isOffDay\": true},"
    "{\"name\": \"国庆节\", \"date\": \"2030-10-03\", \"isOffDay\": true}]}";

/* Asks c for the years first..last; the answer, or NULL with err. */
static Hotline__Envelope *
status(struct hl_client *c, uint32_t first, uint32_t last,
    struct hl_error *err)
{
	Hotline__CalendarStatusRequest req =
	    HOTLINE__CALENDAR_STATUS_REQUEST__INIT;

	req.first_year = first;
	req.last_year = last;
	return harness_call(c, BODY(CALENDAR_STATUS), &req, err);
}

/* Asserts that first..last is refused with BAD_REQUEST. */
static void
status_refused(uint32_t first, uint32_t last)
{
	struct hl_error err;
	Hotline__Envelope *rep = status(admin, first, last, &err);

	assert_error(rep, err, ERR(BAD_REQUEST));
}


/* Asserts that hotlinectl args, run as admin01, prints want. */
static void
ctl_prints(const char *args, const char *want)
{
	harness_ctl_prints(&h.main, "-u admin01 -t admin01-test", args, want);
}

/* Dispatchers and supervisors may ask as admins do; agents and departments are refused. */
static void
test_roles(void **state)
{
	static const struct {
		const char *principal;
		int allowed;
	} who[] = {
		{ "agent01", 0 }, { "zjj-01", 0 }, { "dispatcher01", 1 },
		{ "supervisor01", 1 },
	};
	struct hl_client *c;
	struct hl_error err;
	Hotline__Envelope *rep;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof who / sizeof who[0]; i++) {
		assert_non_null(c = harness_login(&h, who[i].principal));
		rep = status(c, 0, 0, &err);
		if (who[i].allowed) {
			assert_reply(rep, err);
			assert_int_equal(rep->body_case,
			    BODY(CALENDAR_STATUS_REPLY));
			hl_envelope_free(rep);
		} else {
			assert_error(rep, err, ERR(FORBIDDEN));
		}
		hl_close(c);
	}
}

/* Years before 2025 or after 2150, descending, a last year alone, or more than 20 years are refused. */
static void
test_ranges_refused(void **state)
{
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	status_refused(2024, 2026);
	status_refused(2140, 2151);
	status_refused(2028, 2027);
	status_refused(0, 2027);
	status_refused(2025, 2045);
	status_refused(4000000000u, 0);
	/* 20 years, both ends: the widest range answered. */
	rep = status(admin, 2131, 2150, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->calendar_status_reply->n_years, 20);
	assert_int_equal(rep->calendar_status_reply->years[19]->year, 2150);
	hl_envelope_free(rep);
}

/*
 * The shipped conf/calendar: 2025 and 2026 notice files, 2027 a
 * provisional file (its 13 statutory days); 2028 has no file, its
 * statutory days computed; the default range is last year to next year.
 */
static void
test_sources(void **state)
{
	const Hotline__CalendarStatusReply *r;
	Hotline__Envelope *rep;
	struct hl_error err;
	char today[9];
	int year;

	(void)state;
	rep = status(admin, 2025, 2028, &err);
	assert_reply(rep, err);
	r = rep->calendar_status_reply;
	assert_int_equal(r->n_years, 4);
	assert_int_equal(r->years[0]->source, SOURCE(NOTICE_FILE));
	assert_false(r->years[0]->provisional);
	assert_true(r->years[0]->makeup_days > 0);
	assert_int_equal(r->years[1]->year, 2026);
	assert_int_equal(r->years[1]->source, SOURCE(NOTICE_FILE));
	assert_int_equal(r->years[2]->year, 2027);
	assert_int_equal(r->years[2]->source, SOURCE(PROVISIONAL_FILE));
	assert_true(r->years[2]->provisional);
	assert_int_equal(r->years[2]->holidays, 13);
	assert_int_equal(r->years[2]->makeup_days, 0);
	assert_int_equal(r->years[3]->source, SOURCE(COMPUTED));
	assert_true(r->years[3]->provisional);
	assert_true(r->years[3]->holidays == 12 || r->years[3]->holidays == 13);
	hl_envelope_free(rep);

	rep = status(admin, 0, 0, &err);
	assert_reply(rep, err);
	r = rep->calendar_status_reply;
	year = atoi(memcpy((char[5]){ 0 }, harness_shanghai_date(today), 4));
	assert_int_equal(r->n_years, 3);
	assert_int_equal(r->years[0]->year, year - 1);
	assert_int_equal(r->years[2]->year, year + 1);
	/* The coverage warning: Chinese, and the same in English, or neither. */
	assert_int_equal(r->coverage_note[0] == '\0',
	    r->coverage_note_en[0] == '\0');
	if (r->coverage_note[0] != '\0') {
		assert_non_null(strstr(r->coverage_note, "国务院放假通知尚未发布"));
		assert_null(strstr(r->coverage_note, "State Council"));
		assert_non_null(strstr(r->coverage_note_en,
		    "has no State Council holiday notice yet"));
	}
	hl_envelope_free(rep);

	ctl_prints("--lang zh calendar status 2027", "2027  暂定文件  暂定：尚无国务院通知");
	ctl_prints("--lang en calendar status 2027 2028",
	    "2028  statutory days computed  PROVISIONAL");
}

/* An imported notice is reported as imported, official, with its make-up day, on every daemon once Redis says so. */
static void
test_imported(void **state)
{
	const Hotline__CalendarYearStatus *y;
	Hotline__CalendarImportRequest req =
	    HOTLINE__CALENDAR_IMPORT_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	int64_t end;

	(void)state;
	req.json = notice_2030;
	rep = harness_call(admin, BODY(CALENDAR_IMPORT), &req, &err);
	assert_reply(rep, err);
	assert_false(rep->calendar_imported->provisional);
	hl_envelope_free(rep);
	end = harness_now_ms() + IMPORT_WAIT_MS;
	for (;;) {
		rep = status(admin, 2030, 0, &err);
		assert_reply(rep, err);
		assert_int_equal(rep->calendar_status_reply->n_years, 1);
		y = rep->calendar_status_reply->years[0];
		if (y->source == SOURCE(IMPORTED))
			break;
		assert_int_equal(y->source, SOURCE(COMPUTED));
		hl_envelope_free(rep);
		if (harness_now_ms() > end)
			fail_msg("the imported 2030 is not reported after %d ms",
			    IMPORT_WAIT_MS);
		harness_sleep_ms(50);
	}
	assert_false(y->provisional);
	assert_int_equal(y->holidays, 14);
	assert_int_equal(y->makeup_days, 1);
	hl_envelope_free(rep);
	ctl_prints("--lang en calendar status 2030",
	    "2030  State Council notice (imported, Redis)  holidays 14  "
	    "make-up working days 1");
	ctl_prints("-j calendar status 2030", "\"source\": \"imported\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_ranges_refused),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_imported),
	};

	harness_filter();
	return cmocka_run_group_tests_name("calendar-status", tests, setup,
	    teardown);
}
