/* 工作日历: a year's holiday notice imported by an admin, checked against the law and the past, stored in Redis for every daemon (calstore.c lays it over). */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "keys.h"
#include "script-args.h"

/* What the answer will say, kept while Redis stores the year. */
struct import_state {
	Hotline__CalendarImportReply reply;
	char first[16];
};

/* Frees an import's state. */
static void
import_state_free(void *p)
{
	free(p);
}

/*
 * Compares year y of fresh (a calendar of that year alone, with the hours
 * in force) with the calendar in force, day by day: fills the counts of
 * the reply, and refuses (-1, err) a change of a day before today.
 */
static int
import_compare(const struct calendar *fresh, int y, struct import_state *st,
    char *err, size_t errlen)
{
	int32_t first = deadline_date_day(y, 1, 1);
	int32_t end = deadline_date_day(y, 12, 31) + 1, today, day;
	int yy, m, d;

	today = deadline_day(now_ms());
	if (calendar_past_changed(hotlined.cfg->calendar, fresh, first,
	    today < end ? today : end, err, errlen) == -1)
		return -1;
	for (day = first; day < end; day++) {
		if (calendar_working(hotlined.cfg->calendar, day) ==
		    calendar_working(fresh, day))
			continue;
		if (st->reply.changed_days++ == 0) {
			deadline_day_date(day, &yy, &m, &d);
			snprintf(st->first, sizeof st->first, "%04d-%02d-%02d",
			    yy, m, d);
		}
	}
	return 0;
}

/* store: calendar_import.lua stored the year; every daemon is woken. */
static void
import_done(struct request *r, redisReply *reply)
{
	struct import_state *st = r->state;
	Hotline__CalendarImportReply *out = xmalloc(sizeof *out);

	(void)reply;
	*out = st->reply;
	out->first_changed = record_strdup(st->first);
	log_info("calendar: %s imported %u (%s): %u days change, from %s",
	    r->conn != NULL ? "an admin" : "a departed admin", out->year,
	    out->provisional ? "provisional" : "notice", out->changed_days,
	    st->first[0] != '\0' ? st->first : "none");
	answer_body(r, HOTLINE__ENVELOPE__BODY_CALENDAR_IMPORTED, out);
}

/*
 * hotlinectl calendar import FILE: checks the year file (malformed, a
 * statutory holiday dropped, a past day changed), then stores it for every
 * daemon. The recompute of open deadlines follows in the background.
 */
void
op_calendar_import(struct request *r)
{
	const char *text = r->in->calendar_import->json;
	struct store_args args = { 0 };
	struct calendar *year, *fresh;
	struct import_state *st;
	char err[512];
	int y;

	if (text == NULL || text[0] == '\0') {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "json", "json" ZH_EN("：年度日历文件内容为空",
		    ": the year file's text is empty"));
		return;
	}
	if ((year = calendar_parse_year("json", text, strlen(text), err,
	    sizeof err)) == NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "json", ZH_EN("日历被拒绝：", "calendar refused: ") "%s",
		    err);
		return;
	}
	y = year->years[0];
	fresh = calendar_new();
	memcpy(fresh->hours, hotlined.cfg->calendar->hours,
	    sizeof fresh->hours);
	st = xcalloc(1, sizeof *st);
	hotline__calendar_import_reply__init(&st->reply);
	st->reply.year = (uint32_t)y;
	st->reply.provisional = calendar_year_provisional(year, y);
	calendar_set_year(fresh, year, y);
	if (import_compare(fresh, y, st, err, sizeof err) == -1) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "json", ZH_EN("日历被拒绝：", "calendar refused: ") "%s",
		    err);
		free(st);
	} else {
		r->state = st;
		r->state_free = import_state_free;
		store_args_add(&args, KEY_CALENDAR_YEARS);
		script_args_calendar_import(&args, y, text);
		request_script(r, SCRIPT_CALENDAR_IMPORT, 1, &args,
		    import_done);
		store_args_free(&args);
	}
	calendar_free(fresh);
	calendar_free(year);
}

#define CALENDAR_STATUS_MAX_YEARS 20	/* the widest range one answer covers */

/* Fills st with where year's calendar in cal comes from and what it holds. */
static void
status_year(const struct calendar *cal, int year, Hotline__CalendarYearStatus *st)
{
	size_t i;
	int y, m, d, file = 0, imported = 0;

	hotline__calendar_year_status__init(st);
	st->year = (uint32_t)year;
	st->provisional = calendar_year_provisional(cal, year);
	for (i = 0; i < cal->nyears; i++)
		if (cal->years[i] == year) {
			file = 1;
			imported = cal->marks[i].imported;
		}
	for (i = 0; i < cal->ndates; i++) {
		deadline_day_date(cal->dates[i].day, &y, &m, &d);
		if (y != year)
			continue;
		if (cal->dates[i].off)
			st->holidays++;
		else
			st->makeup_days++;
	}
	for (i = 0; !file && i < cal->ncomputed; i++) {
		deadline_day_date(cal->computed[i].day, &y, &m, &d);
		st->holidays += y == year;
	}
	if (imported)
		st->source = HOTLINE__CALENDAR_SOURCE__CALENDAR_SOURCE_IMPORTED;
	else if (file)
		st->source = st->provisional ?
		    HOTLINE__CALENDAR_SOURCE__CALENDAR_SOURCE_PROVISIONAL_FILE :
		    HOTLINE__CALENDAR_SOURCE__CALENDAR_SOURCE_NOTICE_FILE;
	else
		st->source = st->holidays > 0 ?
		    HOTLINE__CALENDAR_SOURCE__CALENDAR_SOURCE_COMPUTED :
		    HOTLINE__CALENDAR_SOURCE__CALENDAR_SOURCE_WEEKENDS_ONLY;
}

/*
 * hotlinectl calendar status [YEAR [YEAR]]: year by year, where the
 * calendar in force comes from, whether it is provisional and how many
 * holidays and make-up days it has, with the coverage warning.
 */
void
op_calendar_status(struct request *r)
{
	const Hotline__CalendarStatusRequest *q = r->in->calendar_status;
	Hotline__CalendarStatusReply *out;
	int64_t now = now_ms();
	int year, m, d, first, last, i;
	char note[1024];

	deadline_day_date(deadline_day(now), &year, &m, &d);
	first = q->first_year != 0 ? (int)q->first_year : year - 1;
	last = q->last_year != 0 ? (int)q->last_year :
	    q->first_year != 0 ? first : year + 1;
	if (q->first_year == 0 && q->last_year != 0) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "first_year", "first_year" ZH_EN("：给出 last_year 时必须给出",
		    ": needed with last_year"));
		return;
	}
	if (first < STATUTORY_FIRST_YEAR || last > CALENDAR_COMPUTED_LAST ||
	    first > last) {
		request_error2(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "first_year", "年份 %d..%d：须在 %d..%d 之内且由小到大",
		    "years %d..%d: must be ascending within %d..%d", first,
		    last, STATUTORY_FIRST_YEAR, CALENDAR_COMPUTED_LAST);
		return;
	}
	if (last - first + 1 > CALENDAR_STATUS_MAX_YEARS) {
		request_error2(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "last_year", "年份 %d..%d：一次最多 %d 年",
		    "years %d..%d: at most %d years at once",
		    first, last, CALENDAR_STATUS_MAX_YEARS);
		return;
	}
	out = xmalloc(sizeof *out);
	hotline__calendar_status_reply__init(out);
	out->n_years = (size_t)(last - first + 1);
	out->years = xcalloc(out->n_years, sizeof *out->years);
	for (i = 0; i < (int)out->n_years; i++) {
		out->years[i] = xmalloc(sizeof *out->years[i]);
		status_year(hotlined.cfg->calendar, first + i, out->years[i]);
	}
	calendar_coverage_note(hotlined.cfg->calendar, now, LANG_ZH, note,
	    sizeof note);
	out->coverage_note = record_strdup(note);
	calendar_coverage_note(hotlined.cfg->calendar, now, LANG_EN, note,
	    sizeof note);
	out->coverage_note_en = record_strdup(note);
	answer_body(r, HOTLINE__ENVELOPE__BODY_CALENDAR_STATUS_REPLY, out);
}
