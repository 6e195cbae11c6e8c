/* hotlinectl's supervision queries and reports (统一督办、统一考核): scorecards, ranking, hot spots, overdue, breaches, timelines, the period report. */
#ifndef HOTLINE_CTL_STATS_H
#define HOTLINE_CTL_STATS_H

#include <stdio.h>
#include <time.h>

#include "ctl.h"

/* The usage heading of the supervision queries in hotlinectl.c's table. */
#define CTL_ASSESSMENT "supervision queries: supervisor, dispatcher, admin; " \
	"a department its own (统一督办、统一考核)"

#define CTL_DASH "—"		/* an undefined indicator: nothing to judge on */

/* A counter of Counters: its names and where it is. */
struct ctl_counter {
	const char *en;
	const char *zh;
	size_t offset;			/* of its uint64_t in Hotline__Counters */
	int city;			/* counted for the whole city, never per department */
};

/* An indicator (考核指标) of Indicators: its names and where it is. */
struct ctl_indicator {
	const char *en;
	const char *zh;
	const char *weight_zh;		/* as the weights line names it */
	size_t offset;			/* of its Rate * in Hotline__Indicators */
	size_t weight;			/* of its double in Hotline__Weights */
};

/* ctl-stats.c */
int ctl_scorecard(struct ctl *, int, char **);
int ctl_ranking(struct ctl *, int, char **);
int ctl_hot(struct ctl *, int, char **);
int ctl_overdue(struct ctl *, int, char **);
int ctl_warnings(struct ctl *, int, char **);
int ctl_breaches(struct ctl *, int, char **);
int ctl_timeline(struct ctl *, int, char **);

/* ctl-stats-print.c */
void ctl_text_scorecard(const Hotline__Envelope *);
void ctl_text_ranking(const Hotline__Envelope *);
void ctl_text_hot_categories(const Hotline__Envelope *);
void ctl_text_hot_districts(const Hotline__Envelope *);
void ctl_text_overdue(const Hotline__Envelope *);
void ctl_text_breaches(const Hotline__Envelope *);
void ctl_text_timeline(const Hotline__Envelope *);
void ctl_print_ranking(const Hotline__ScorecardReply *);
void ctl_print_hot_items(const Hotline__HotReply *);
const char *ctl_breach_kind_zh(const char *kind);
void ctl_print_breach_totals(const Hotline__BreachesReply *);

/* ctl-stats-format.c */
extern const struct ctl_counter ctl_counters[];
extern const struct ctl_indicator ctl_indicators[];
uint64_t ctl_counter_at(const Hotline__Counters *, size_t offset);
const Hotline__Rate *ctl_rate_at(const Hotline__Indicators *, size_t offset);
double ctl_indicator_weight(const Hotline__Weights *,
    const struct ctl_indicator *);
int ctl_rate_defined(const Hotline__Rate *);
void ctl_format_rate(const Hotline__Rate *, char *out, size_t outlen);
void ctl_format_percent(const Hotline__Rate *, char *out, size_t outlen);
void ctl_format_rate_number(const Hotline__Rate *, char *out, size_t outlen);
void ctl_format_hours(double hours, uint64_t count, const char *none,
    char *out, size_t outlen);
void ctl_format_margin(double hours, int met, char *out, size_t outlen);
void ctl_default_period(time_t now, char *out, size_t outlen);
int ctl_relative_period(const char *name, time_t now, char *out,
    size_t outlen);
const char *ctl_report_name(const char *period);

/* ctl-report.c */
int ctl_report(struct ctl *, int, char **);

/* ctl-report-csv.c */
int ctl_report_csv(FILE *, const Hotline__ScorecardReply *);

#endif
