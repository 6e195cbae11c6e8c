/*
 * fuzz-calendar covers the calendar's year files and limits: the input is
 * written as 2026.json (holiday-cn layout) alone in a private directory and
 * loaded with calendar_load_dir (jansson, then calendar.c's checks of
 * year, papers and days), and the same bytes, as a C string, go through
 * limit_parse. Checks: a refused file says why and adds no date; a loaded
 * one gives dates ascending, unique and in 2026, each looked up as the
 * holiday or make-up day it was declared; deadlines over it end no earlier
 * than they start, and a working-hours limit spans exactly its hours of
 * working time; a parsed limit is within 1..9999 and formats back to text
 * that parses to the same limit. The same bytes are also an imported year
 * (calendar_parse_year, as hotlinectl calendar import sends): refused with
 * a reason, or one year laid over a calendar without changing another's.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static char *dir, *year_path;

/* Makes the directory the year file goes to. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dir = fuzz_tmppath("calendar");
	mkdir(dir, 0700);
	year_path = fuzz_tmppath("calendar/2026.json");
	return 0;
}

/* Checks the dates a year file gave. */
static void
check_dates(const struct calendar *cal)
{
	struct calendar_dayinfo info;
	int32_t first = deadline_date_day(2026, 1, 1);
	int32_t last = deadline_date_day(2026, 12, 31);
	size_t i;

	FUZZ_CHECK(cal->nyears == 1 && cal->years[0] == 2026);
	for (i = 0; i < cal->ndates; i++) {
		FUZZ_CHECK(cal->dates[i].day >= first &&
		    cal->dates[i].day <= last);
		FUZZ_CHECK(i == 0 || cal->dates[i].day > cal->dates[i - 1].day);
		calendar_lookup(cal, cal->dates[i].day, &info);
		FUZZ_CHECK(info.kind == (cal->dates[i].off ? CALENDAR_HOLIDAY :
		    CALENDAR_MAKEUP));
	}
}

/* Checks deadlines from a few starts across the year. */
static void
check_deadlines(const struct calendar *cal)
{
	static const struct limit limits[] = { { LIMIT_WORK_DAYS, 1 },
	    { LIMIT_WORK_DAYS, 5 }, { LIMIT_WORK_HOURS, 4 },
	    { LIMIT_WORK_HOURS, 30 }, { LIMIT_HOURS, 2 } };
	const int64_t starts[] = { deadline_time(2026, 1, 1, 0, 0),
	    deadline_time(2026, 9, 30, 17, 59), deadline_time(2026, 12, 31,
	    12, 0) };
	int64_t due;
	size_t s, l;

	for (s = 0; s < sizeof starts / sizeof starts[0]; s++)
		for (l = 0; l < sizeof limits / sizeof limits[0]; l++) {
			due = deadline_due(cal, starts[s], &limits[l]);
			FUZZ_CHECK(due >= starts[s]);
			if (limits[l].unit == LIMIT_WORK_HOURS)
				FUZZ_CHECK(deadline_working_ms(cal, starts[s],
				    due) == limits[l].amount *
				    DEADLINE_HOUR_MS);
		}
}

/* Parses the input as a limit; a parsed one must survive formatting. */
static void
check_parsed_limit(const char *text)
{
	struct limit l, again;
	const char *why = NULL;
	char buf[32];

	if (limit_parse(text, &l, &why) == -1) {
		FUZZ_CHECK(why != NULL);
		return;
	}
	FUZZ_CHECK(l.amount >= 1 && l.amount <= LIMIT_MAX);
	limit_format(&l, buf, sizeof buf);
	FUZZ_CHECK(limit_parse(buf, &again, &why) == 0);
	FUZZ_CHECK(again.unit == l.unit && again.amount == l.amount);
}

/* Parses the input as an imported year and lays it over an empty calendar. */
static void
check_import(const uint8_t *data, size_t size)
{
	struct calendar *base = calendar_new(), *year;
	struct calendar_dayinfo info;
	char err[1024] = "";
	size_t i;
	int y;

	year = calendar_parse_year("import", (const char *)data, size, err,
	    sizeof err);
	if (year == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		fuzz_refused(err);
	} else {
		FUZZ_CHECK(year->nyears == 1);
		y = year->years[0];
		calendar_set_year(base, year, y);
		for (i = 0; i < year->ndates; i++) {
			calendar_lookup(base, year->dates[i].day, &info);
			FUZZ_CHECK(info.kind == (year->dates[i].off ?
			    CALENDAR_HOLIDAY : CALENDAR_MAKEUP));
		}
		if (y != 2024) {	/* another year is left as it was */
			calendar_lookup(base, deadline_date_day(2024, 1, 1),
			    &info);
			FUZZ_CHECK(info.kind == CALENDAR_WORKDAY);
		}
	}
	calendar_free(year);
	calendar_free(base);
}

/* One input: a year file, an imported year, and a limit. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calendar *cal = calendar_new();
	char err[1024], *text;

	fuzz_write(year_path, data, size);
	err[0] = '\0';
	if (calendar_load_dir(cal, dir, err, sizeof err) == -1) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(cal->ndates == 0 && cal->nyears == 0);
		fuzz_refused(err);
	} else {
		check_dates(cal);
		check_deadlines(cal);
	}
	calendar_free(cal);
	check_import(data, size);
	text = fuzz_cstring(data, size);
	check_parsed_limit(text);
	free(text);
	return 0;
}
