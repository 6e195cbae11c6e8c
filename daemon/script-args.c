/* The named parameters of the scripts outside the life cycle, each script's list written once (see script-args.h). */
#include <stdio.h>

#include "hotlined.h"
#include "script-args.h"

/* timer_fire.lua: now, batch, feed_maxlen, day. */
void
script_args_timer_fire(struct store_args *a, int64_t now, int batch,
    int feed_maxlen, const char *day)
{
	store_args_paramf(a, "now", "%lld", (long long)now);
	store_args_paramf(a, "batch", "%d", batch);
	store_args_paramf(a, "feed_maxlen", "%d", feed_maxlen);
	store_args_paramf(a, "day", "%s", day);	/* copied: often the caller's buffer */
}

/* clock_offset.lua: advance. */
void
script_args_clock_offset(struct store_args *a, int64_t advance)
{
	store_args_paramf(a, "advance", "%lld", (long long)advance);
}

/* clock_scan.lua: cursor, batch. */
void
script_args_clock_scan(struct store_args *a, const char *cursor, int batch)
{
	store_args_param(a, "cursor", cursor);
	store_args_paramf(a, "batch", "%d", batch);
}

/* calendar_import.lua: year, json. */
void
script_args_calendar_import(struct store_args *a, int year, const char *json)
{
	store_args_paramf(a, "year", "%d", year);
	store_args_param(a, "json", json);
}

/* breaches_read.lua: days, dept, offset, limit. */
void
script_args_breaches_read(struct store_args *a, const char *days,
    const char *dept, unsigned offset, unsigned limit)
{
	store_args_param(a, "days", days);
	store_args_param(a, "dept", dept);
	store_args_paramf(a, "offset", "%u", offset);
	store_args_paramf(a, "limit", "%u", limit);
}

/* stats_read.lua: periods, then "--" and the scopes. */
void
script_args_stats_read(struct store_args *a, const char *periods,
    const char *const *scopes)
{
	size_t i;

	store_args_param(a, "periods", periods);
	store_args_add(a, "--");
	for (i = 0; scopes[i] != NULL; i++)
		store_args_add(a, scopes[i]);
}

/* recent_read.lua: since, limit. */
void
script_args_recent_read(struct store_args *a, int64_t since, int limit)
{
	store_args_paramf(a, "since", "%lld", (long long)since);
	store_args_paramf(a, "limit", "%d", limit);
}

/* tickets.lua: order, limit, cursor. */
void
script_args_tickets(struct store_args *a, const char *order, unsigned limit,
    const char *cursor)
{
	store_args_param(a, "order", order);
	store_args_paramf(a, "limit", "%u", limit);
	store_args_param(a, "cursor", cursor);
}

/* feed_read.lua: cursor, count. */
void
script_args_feed_read(struct store_args *a, const char *cursor, int count)
{
	store_args_param(a, "cursor", cursor);
	store_args_paramf(a, "count", "%d", count);
}

/* nb_read.lua: cursor ("0" for the first example), limit. */
void
script_args_nb_read(struct store_args *a, const char *cursor, unsigned limit)
{
	store_args_param(a, "cursor", cursor[0] == '\0' ? "0" : cursor);
	store_args_paramf(a, "limit", "%u", limit);
}

/* nb_import.lua: replace, json. */
void
script_args_nb_import(struct store_args *a, int replace, const char *json)
{
	store_args_param(a, "replace", replace ? "1" : "0");
	store_args_param(a, "json", json);
}

/* web_session.lua: op, principal and ttl ("" both unless principal is given). */
void
script_args_web_session(struct store_args *a, const char *op,
    const char *principal, int ttl_s)
{
	store_args_param(a, "op", op);
	store_args_param(a, "principal", principal);
	if (principal != NULL)
		store_args_paramf(a, "ttl", "%d", ttl_s);
	else
		store_args_param(a, "ttl", "");
}
