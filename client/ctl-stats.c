/* hotlinectl's supervision queries (统一督办、统一考核): scorecard, ranking, hot, overdue, warnings, breaches, timeline. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl-stats.h"

#define CTL_PERIOD_LEN 32

/* A query's options as given; NULL when not. */
struct ctl_stats_opts {
	char *period, *dept, *district, *category, *type, *late, *within;
	char *limit, *offset, *by, *cursor;
	char period_buf[CTL_PERIOD_LEN];
};

/* Sets the period to the current month (Beijing time) unless one was given; resolves this-month and the like. */
static void
ctl_period_default(struct ctl_stats_opts *o)
{
	if (o->period != NULL) {
		if (ctl_relative_period(o->period, time(NULL), o->period_buf,
		    sizeof o->period_buf))
			o->period = o->period_buf;
		return;
	}
	ctl_default_period(time(NULL), o->period_buf, sizeof o->period_buf);
	o->period = o->period_buf;
}

/* Parses --NAME N as a count; returns 0 or a usage status. */
static int
ctl_count_option(const struct ctl *ctl, const char *name, const char *arg,
    uint32_t *out)
{
	unsigned long v;

	if (arg == NULL)
		return 0;
	if (ctl_parse_number(arg, UINT32_MAX, &v) == -1)
		return ctl_usage_error(ctl, "--%s %s is not a number", name, arg);
	*out = (uint32_t)v;
	return 0;
}

/* Parses --NAME HOURS as working hours >= 0 (> 0 if positive); returns 0 or a usage status. */
static int
ctl_hours_option(const struct ctl *ctl, const char *name, const char *arg,
    int positive, double *out)
{
	char *end;
	double v;

	if (arg == NULL)
		return 0;
	v = strtod(arg, &end);
	if (end == arg || *end != '\0' || !isfinite(v) || v < 0 ||
	    (positive && v == 0) || v > 1e6)
		return ctl_usage_error(ctl, "--%s %s is not a number of working "
		    "hours%s", name, arg, positive ? " above 0" : "");
	*out = v;
	return 0;
}

/* Asks for scorecards in --period: one department's (nargs 1) or all (0); prints them with text. */
static int
ctl_scorecard_query(struct ctl *ctl, int argc, char **argv, int nargs,
    ctl_text_fn text)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ScorecardRequest sr = HOTLINE__SCORECARD_REQUEST__INIT;
	struct ctl_stats_opts o = { 0 };
	const struct ctl_opt opts[] = {
		{ "period", &o.period, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, nargs)) != 0)
		return rc;
	ctl_period_default(&o);
	sr.period = o.period;
	sr.department = nargs > 0 ? argv[optind] : "";
	req.body_case = HOTLINE__ENVELOPE__BODY_SCORECARD;
	req.scorecard = &sr;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_SCORECARDS, text);
}

/* scorecard [--period P] DEPT: one department's indicators, score and rank. */
int
ctl_scorecard(struct ctl *ctl, int argc, char **argv)
{
	return ctl_scorecard_query(ctl, argc, argv, 1, ctl_text_scorecard);
}

/* ranking [--period P]: every department ranked, too-few ones after. */
int
ctl_ranking(struct ctl *ctl, int argc, char **argv)
{
	return ctl_scorecard_query(ctl, argc, argv, 0, ctl_text_ranking);
}

/* Parses --by: category (类别) or district (区域); returns 0 or a usage status. */
static int
ctl_hot_dimension(const struct ctl *ctl, const char *by,
    Hotline__HotDimension *out)
{
	if (by == NULL || strcmp(by, "category") == 0 ||
	    strcmp(by, "类别") == 0)
		*out = HOTLINE__HOT_DIMENSION__HOT_DIMENSION_CATEGORY;
	else if (strcmp(by, "district") == 0 || strcmp(by, "区域") == 0)
		*out = HOTLINE__HOT_DIMENSION__HOT_DIMENSION_DISTRICT;
	else
		return ctl_usage_error(ctl, "--by %s is not category or "
		    "district", by);
	return 0;
}

/* hot [--period P] [--by category|district] [--limit N]: 高频诉求, most first. */
int
ctl_hot(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__HotRequest hr = HOTLINE__HOT_REQUEST__INIT;
	struct ctl_stats_opts o = { 0 };
	const struct ctl_opt opts[] = {
		{ "period", &o.period, NULL, 0 },
		{ "by", &o.by, NULL, 0 },
		{ "limit", &o.limit, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0 ||
	    (rc = ctl_hot_dimension(ctl, o.by, &hr.dimension)) != 0 ||
	    (rc = ctl_count_option(ctl, "limit", o.limit, &hr.limit)) != 0)
		return rc;
	ctl_period_default(&o);
	hr.period = o.period;
	req.body_case = HOTLINE__ENVELOPE__BODY_HOT;
	req.hot = &hr;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_HOT_LIST,
	    hr.dimension == HOTLINE__HOT_DIMENSION__HOT_DIMENSION_DISTRICT ?
	    ctl_text_hot_districts : ctl_text_hot_categories);
}

/* Fills an OverdueRequest from the filters given; returns 0 or a usage status. */
static int
ctl_overdue_request(const struct ctl *ctl, const struct ctl_stats_opts *o,
    Hotline__OverdueRequest *q)
{
	int type, rc;

	q->department = o->dept != NULL ? o->dept : "";
	q->district = o->district != NULL ? o->district : "";
	q->category = o->category != NULL ? o->category : "";
	q->cursor = o->cursor != NULL ? o->cursor : "";
	if (o->type != NULL) {
		if (ctl_name_parse(ctl_types, o->type, &type) == -1)
			return ctl_usage_error(ctl, "--type %s is not a ticket "
			    "type", o->type);
		q->type = (Hotline__TicketType)type;
	}
	if ((rc = ctl_hours_option(ctl, "late", o->late, 0,
	    &q->min_late_hours)) != 0 ||
	    (rc = ctl_hours_option(ctl, "within", o->within, 1,
	    &q->within_hours)) != 0)
		return rc;
	return ctl_count_option(ctl, "limit", o->limit, &q->limit);
}

/* Parses the overdue filters (--within instead of --late when within is set) and sends the query. */
static int
ctl_overdue_query(struct ctl *ctl, int argc, char **argv, int within)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__OverdueRequest q = HOTLINE__OVERDUE_REQUEST__INIT;
	struct ctl_stats_opts o = { 0 };
	const struct ctl_opt opts[] = {
		{ "dept", &o.dept, NULL, 0 },
		{ "district", &o.district, NULL, 0 },
		{ "category", &o.category, NULL, 0 },
		{ "type", &o.type, NULL, 0 },
		{ "limit", &o.limit, NULL, 0 },
		{ "cursor", &o.cursor, NULL, 0 },
		/* 超期: how late at least; 预警: within how long (required) */
		{ within ? "within" : "late", within ? &o.within : &o.late,
		    NULL, within },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	ctl_page_command(ctl->command->name, argc, argv);
	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0 ||
	    (rc = ctl_overdue_request(ctl, &o, &q)) != 0)
		return rc;
	req.body_case = HOTLINE__ENVELOPE__BODY_OVERDUE;
	req.overdue = &q;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_OVERDUE_LIST,
	    ctl_text_overdue);
}

/* overdue [filters]: tickets past a deadline now (超期), most overdue first. */
int
ctl_overdue(struct ctl *ctl, int argc, char **argv)
{
	return ctl_overdue_query(ctl, argc, argv, 0);
}

/* warnings --within HOURS [filters]: tickets due within HOURS working hours (预警). */
int
ctl_warnings(struct ctl *ctl, int argc, char **argv)
{
	return ctl_overdue_query(ctl, argc, argv, 1);
}

/* breaches [--period P] [--dept D] [--limit N] [--offset N]: SLA breaches (超时), oldest first. */
int
ctl_breaches(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__BreachesRequest br = HOTLINE__BREACHES_REQUEST__INIT;
	struct ctl_stats_opts o = { 0 };
	const struct ctl_opt opts[] = {
		{ "period", &o.period, NULL, 0 },
		{ "dept", &o.dept, NULL, 0 },
		{ "limit", &o.limit, NULL, 0 },
		{ "offset", &o.offset, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0 ||
	    (rc = ctl_count_option(ctl, "limit", o.limit, &br.limit)) != 0 ||
	    (rc = ctl_count_option(ctl, "offset", o.offset, &br.offset)) != 0)
		return rc;
	ctl_period_default(&o);
	br.period = o.period;
	br.department = o.dept != NULL ? o.dept : "";
	req.body_case = HOTLINE__ENVELOPE__BODY_BREACHES;
	req.breaches = &br;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_BREACH_LIST,
	    ctl_text_breaches);
}

/* timeline NUMBER: a ticket's deadlines, how each was met, and its steps. */
int
ctl_timeline(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__TimelineRequest tr = HOTLINE__TIMELINE_REQUEST__INIT;
	const struct ctl_opt opts[] = { { NULL, NULL, NULL, 0 } };
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	tr.number = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_TIMELINE;
	req.timeline = &tr;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_TIMELINE_REPLY,
	    ctl_text_timeline);
}
