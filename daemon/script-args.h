/* The named parameters of the scripts that read and keep state outside a ticket's life cycle: one builder per script, the names as the script's params({...}) lists them. */
#ifndef SCRIPT_ARGS_H
#define SCRIPT_ARGS_H

#include <stdint.h>

/*
 * Each builder appends one script's ARGV to a, after its KEYS (the caller
 * adds those first and passes their count to store_script). The names are
 * the ones the script's params({...}) or named_args({...}) line takes
 * (daemon/scripts/lib/args.lua): a name either side has and the other does
 * not makes the script fail with "args.lua: ...", never read a wrong
 * position. String values are borrowed (they must outlive store_script or
 * request_script), numbers are formatted into a. create.lua's parameters
 * are built by create_args (op-intake.c), transition.lua's by lifecycle.c,
 * clock_set.lua's by recompute.c.
 */
struct store_args;

/* timer_fire.lua: fire what is due at now, at most batch; breaches counted on day (yyyymmdd). */
void script_args_timer_fire(struct store_args *, int64_t now, int batch,
    int feed_maxlen, const char *day);
/* clock_offset.lua: advance the test clock by advance ms (0: only read it). */
void script_args_clock_offset(struct store_args *, int64_t advance);
/* clock_scan.lua: one batch of the running clocks from cursor ("0" first, an opaque string after). */
void script_args_clock_scan(struct store_args *, const char *cursor,
    int batch);
/* calendar_import.lua: store year's file text json (already checked). */
void script_args_calendar_import(struct store_args *, int year,
    const char *json);
/* breaches_read.lua: a page of the breaches on days ("d1,d2,..."), of dept ("" all). */
void script_args_breaches_read(struct store_args *, const char *days,
    const char *dept, unsigned offset, unsigned limit);
/* stats_read.lua: the counters of periods ("d1,m1,...") for scopes (NULL-ended). */
void script_args_stats_read(struct store_args *, const char *periods,
    const char *const *scopes);
/* recent_read.lua: at most limit recent tickets since (ms), newest first. */
void script_args_recent_read(struct store_args *, int64_t since, int limit);
/* tickets.lua: a page of limit tickets in order ("asc"/"desc") after cursor ("" first). */
void script_args_tickets(struct store_args *, const char *order,
    unsigned limit, const char *cursor);
/* feed_read.lua: at most count events after cursor ("" new, "0" all). */
void script_args_feed_read(struct store_args *, const char *cursor,
    int count);
/* nb_read.lua: at most limit examples after cursor ("" or "0": from the first). */
void script_args_nb_read(struct store_args *, const char *cursor,
    unsigned limit);
/* nb_import.lua: add the examples of json (a JSON array), first deleting all if replace. */
void script_args_nb_import(struct store_args *, int replace,
    const char *json);
/* web_session.lua: op "put" (principal, for ttl_s seconds), "get" or "drop" (principal NULL). */
void script_args_web_session(struct store_args *, const char *op,
    const char *principal, int ttl_s);

#endif
