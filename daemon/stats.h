/* The supervision statistics' pure core (统一考核): periods, counters, indicators, scores and the ranking. */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>
#include <stdint.h>

#include "hotline.pb-c.h"

/* The indicators a score weighs, in config and proto order. */
enum stats_indicator {
	STATS_RESPONSE,		/* 响应率/按时签收率 */
	STATS_ON_TIME,		/* 按时办结率 */
	STATS_RESOLUTION,	/* 解决率 */
	STATS_SATISFACTION,	/* 满意率 */
	STATS_RETURNS,		/* 退单率, scored as 1 - rate */
	STATS_REOPENS,		/* 重办率, scored as 1 - rate */
	STATS_NINDICATORS
};

/* Their config names ("response", ...), NULL-ended. */
extern const char *const stats_indicator_names[STATS_NINDICATORS + 1];

/* The assessment group of the config. */
struct assessment_spec {
	double weights[STATS_NINDICATORS];	/* points, >= 0, sum > 0 */
	int min_tickets;	/* received tickets needed to be ranked */
};

/* Fills the defaults: response 30, resolution 35, satisfaction 35; 10 tickets. */
void stats_default_assessment(struct assessment_spec *);

#define STATS_PERIOD_MAX_DAYS 400

/* Local dates (day numbers, Asia/Shanghai) from .. to, both included. */
struct stats_period {
	int32_t from;
	int32_t to;
};

/*
 * Parses a period: "2026-11-22", "2026-W47" (ISO week), "2026-11",
 * "2026-Q3", "2026", "2026-07-01..2026-09-30"; "" is the month of now.
 * Returns 0, or -1 with *why set (static storage).
 */
int stats_period_parse(const char *text, int64_t now, struct stats_period *,
    const char **why);
/* Writes day number day as "2026-07-01" into buf (11 bytes). */
void stats_date(int32_t day, char buf[11]);

/*
 * Calls add(arg, name) for the days ("20260701") that make the period, in
 * order; with months set, whole months inside it are named as months
 * ("202607") instead of their days. Returns how many it named.
 */
size_t stats_period_names(const struct stats_period *, int months,
    void (*add)(void *arg, const char *name), void *arg);

/*
 * Adds value to the counter named name (a Counters field: "received", ...)
 * of c. Returns 0, or -1 for an unknown name (nothing changed). Negative
 * sums are clamped to 0.
 */
int stats_counter_add(Hotline__Counters *c, const char *name, long long value);

/* Fills out (initialised by the caller; Rate messages allocated) from c. */
void stats_indicators(const Hotline__Counters *c, Hotline__Indicators *out);
/* Frees what stats_indicators allocated inside out (not out itself). */
void stats_indicators_clear(Hotline__Indicators *out);
/*
 * Returns the score, 0..100: the weighted mean of the defined indicators
 * (returns and reopens as 1 - rate); 0 when none is defined.
 */
double stats_score(const Hotline__Indicators *, const struct assessment_spec *);
/*
 * Orders scores best first: ranked ones (received >= min_tickets) by score,
 * ties by more tickets received then department id, numbered 1..; then the
 * too_few ones (rank 0) by id.
 */
void stats_rank(Hotline__DepartmentScore **scores, size_t n, int min_tickets);

/*
 * Returns the working-seconds index of instant ms: business seconds since
 * 2020-01-01 under cal. Differences of two indexes are working durations.
 * Cached per calendar and day, so repeated calls cost little.
 */
struct calendar;
int64_t stats_working_seconds(const struct calendar *cal, int64_t ms);

#endif
