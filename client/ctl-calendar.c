/* hotlinectl's calendar command: a year's holiday notice (工作日历) imported for every daemon, and where each year's calendar comes from. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

#define CTL_CALENDAR_MAX (1024 * 1024)	/* a year file is a few KiB */

/* Reads the file at path (at most CTL_CALENDAR_MAX bytes) into a string; NULL after saying why. */
static char *
ctl_calendar_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "hotlinectl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((text = malloc(CTL_CALENDAR_MAX + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(text, 1, CTL_CALENDAR_MAX + 1, f);
	if (ferror(f) || n > CTL_CALENDAR_MAX) {
		fprintf(stderr, "hotlinectl: %s: %s\n", path, ferror(f) ?
		    strerror(errno) : ctl_lang == CTL_LANG_EN ? "longer than 1 "
		    "MiB: not a year file" : "超过 1 MiB：不是年度日历文件");
		free(text);
		fclose(f);
		return NULL;
	}
	fclose(f);
	text[n] = '\0';
	return text;
}

/* Prints what an import did. */
static void
ctl_calendar_text(const Hotline__Envelope *reply)
{
	const Hotline__CalendarImportReply *r = reply->calendar_imported;

	int en = ctl_lang == CTL_LANG_EN;

	printf(en ? "imported %u (%s): %u days change" : "已导入 %u 年（%s）："
	    "%u 天有变", r->year, r->provisional ? en ? "provisional: no "
	    "State Council notice" : "暂定：尚无国务院通知" : en ? "the State "
	    "Council's notice" : "国务院通知", r->changed_days);
	if (r->first_changed != NULL && r->first_changed[0] != '\0')
		printf(en ? ", the first %s" : "，最早 %s", r->first_changed);
	printf("%s\n", en ? "\nevery hotlined takes it from Redis; open "
	    "deadlines over the changed days are recomputed in the background "
	    "(each moved ticket's history and its department's feed say so)" :
	    "\n各 hotlined 均从 Redis 读取；涉及变动日期的在办时限将在后台重算"
	    "（每张时限变动的工单都会记入办理过程并推送给承办单位）");
}

/* The source of a year's calendar in the language in force. */
static const char *
ctl_calendar_source(Hotline__CalendarSource source)
{
	static const struct ctl_name names[] = {
		{ HOTLINE__CALENDAR_SOURCE__CALENDAR_SOURCE_NOTICE_FILE,
		    "State Council notice (file)", "国务院通知（文件）" },
		{ HOTLINE__CALENDAR_SOURCE__CALENDAR_SOURCE_IMPORTED,
		    "State Council notice (imported, Redis)",
		    "国务院通知（已导入 Redis）" },
		{ HOTLINE__CALENDAR_SOURCE__CALENDAR_SOURCE_PROVISIONAL_FILE,
		    "provisional file", "暂定文件" },
		{ HOTLINE__CALENDAR_SOURCE__CALENDAR_SOURCE_COMPUTED,
		    "statutory days computed", "按法定节假日推算" },
		{ HOTLINE__CALENDAR_SOURCE__CALENDAR_SOURCE_WEEKENDS_ONLY,
		    "weekends only", "仅周末" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].value == (int)source)
			return ctl_lang == CTL_LANG_EN ? names[i].en :
			    names[i].zh;
	return "?";
}

/* Prints the calendar's status year by year, then the coverage note. */
static void
ctl_calendar_status_text(const Hotline__Envelope *reply)
{
	const Hotline__CalendarStatusReply *r = reply->calendar_status_reply;
	const Hotline__CalendarYearStatus *y;
	int en = ctl_lang == CTL_LANG_EN;
	size_t i;

	for (i = 0; i < r->n_years; i++) {
		y = r->years[i];
		printf(en ? "%u  %s%s  holidays %u  make-up working days %u\n" :
		    "%u  %s%s  节假日 %u 天  调休上班 %u 天\n", y->year,
		    ctl_calendar_source(y->source), !y->provisional ? "" :
		    en ? "  PROVISIONAL: no State Council notice yet" :
		    "  暂定：尚无国务院通知", y->holidays, y->makeup_days);
	}
	if (r->coverage_note != NULL && r->coverage_note[0] != '\0')
		printf("%s%s\n", en ? "warning: " : "警告：", en &&
		    r->coverage_note_en[0] != '\0' ? r->coverage_note_en :
		    r->coverage_note);
	else
		printf("%s\n", en ? "the coming days are covered by notices" :
		    "未来日期均有国务院通知");
}

/* Parses YEAR (1..9999) into *out; -1 after saying why. */
static int
ctl_calendar_year(const char *text, uint32_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < 1 || v > 9999) {
		fprintf(stderr, ctl_lang == CTL_LANG_EN ?
		    "hotlinectl: %s: not a year\n" :
		    "hotlinectl: %s：不是年份\n", text);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* calendar status [YEAR [YEAR]]: where each year's calendar comes from. */
static int
ctl_calendar_status(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__CalendarStatusRequest q = HOTLINE__CALENDAR_STATUS_REQUEST__INIT;

	if (argc > 2)
		return ctl_usage(ctl);
	if ((argc >= 1 && ctl_calendar_year(argv[0], &q.first_year) == -1) ||
	    (argc == 2 && ctl_calendar_year(argv[1], &q.last_year) == -1))
		return CTL_EXIT_USAGE;
	req.body_case = HOTLINE__ENVELOPE__BODY_CALENDAR_STATUS;
	req.calendar_status = &q;
	return ctl_exchange(ctl, &req,
	    HOTLINE__ENVELOPE__BODY_CALENDAR_STATUS_REPLY,
	    ctl_calendar_status_text);
}

/*
 * calendar import FILE: a year file in holiday-cn's layout for every daemon
 * (admin); calendar status [YEAR [YEAR]]: the calendar in force, by year.
 */
int
ctl_calendar(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__CalendarImportRequest q = HOTLINE__CALENDAR_IMPORT_REQUEST__INIT;
	int rc;

	if (ctl_options(argc, argv, NULL, NULL) == -1 || argc - optind < 1)
		return ctl_usage(ctl);
	if (strcmp(argv[optind], "status") == 0)
		return ctl_calendar_status(ctl, argc - optind - 1,
		    argv + optind + 1);
	if (argc - optind != 2 || strcmp(argv[optind], "import") != 0)
		return ctl_usage(ctl);
	if ((q.json = ctl_calendar_read(argv[optind + 1])) == NULL)
		return CTL_EXIT_FAILURE;
	req.body_case = HOTLINE__ENVELOPE__BODY_CALENDAR_IMPORT;
	req.calendar_import = &q;
	rc = ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_CALENDAR_IMPORTED,
	    ctl_calendar_text);
	free(q.json);
	return rc;
}
