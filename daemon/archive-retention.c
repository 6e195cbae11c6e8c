/* Retention: closed tickets older than archive.keep_days leave Redis, only once PostgreSQL holds their latest version. */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "archive.h"

#define RETENTION_EVERY_MS 1000	/* how often an idle archiver sweeps */
#define DAY_MS 86400000LL

/* The closed tickets due to leave, oldest first, with the version archived. */
static const char due_sql[] =
    "SELECT number, version FROM hotline.tickets WHERE evicted_at IS NULL "
    "AND closed_at < to_timestamp($1::bigint / 1000.0) ORDER BY closed_at "
    "LIMIT $2::integer";
/* Marks tickets no longer in Redis. */
static const char mark_sql[] =
    "UPDATE hotline.tickets SET evicted_at = now() WHERE number = "
    "ANY($1::text[]) AND evicted_at IS NULL";

/*
 * One sweep: ask PostgreSQL which closed tickets are due, remove those
 * whose archived version is still Redis's (archive_evict.lua checks it in
 * the same atomic step), then mark what left. A failure anywhere ends the
 * sweep; the next one finds the same tickets again (removal and marking
 * are idempotent). The archiver runs one step at a time, so a sweep never
 * overlaps a batch on the connection.
 */
static struct {
	struct pg_link *pg;
	void (*done)(void);
	int64_t last_ms;
	int stopped;
	long long evicted;
} rt;

/* Ends the sweep. */
static void
retention_end(void)
{
	void (*done)(void) = rt.done;

	rt.done = NULL;
	if (done != NULL && !rt.stopped)
		done();
}

/* PostgreSQL marked the tickets that left. */
static void
retention_marked(struct pg_result *res, void *arg)
{
	(void)arg;
	if (!pg_ok(res))
		log_warnx("archive: retention: marking: %s", pg_error(res));
	retention_end();
}

/* store: the tickets that left Redis (now or before). */
static void
retention_evicted(redisReply *reply, void *priv)
{
	const char *params[1];
	char *list;
	size_t i, len = 3;

	(void)priv;
	if (rt.stopped)
		return;
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements == 0) {
		retention_end();
		return;
	}
	for (i = 0; i < reply->elements; i++)
		len += reply->element[i]->len + 1;
	list = xmalloc(len);
	strcpy(list, "{");
	for (i = 0; i < reply->elements; i++) {
		if (i > 0)
			strcat(list, ",");
		strcat(list, reply->element[i]->str);	/* digits only */
	}
	strcat(list, "}");
	rt.evicted += (long long)reply->elements;
	log_info("archive: retention: %zu closed tickets left Redis (kept in "
	    "PostgreSQL)", reply->elements);
	params[0] = list;
	if (pg_query(rt.pg, mark_sql, 1, params, retention_marked, NULL) == -1)
		retention_end();
	free(list);
}

/* PostgreSQL named the tickets due. */
static void
retention_due_read(struct pg_result *res, void *arg)
{
	struct store_args args = { 0 };
	int i, rows = pg_rows(res), rc;

	(void)arg;
	if (rt.stopped)
		return;
	if (!pg_ok(res) || rows == 0) {
		if (!pg_ok(res))
			log_warnx("archive: retention: %s", pg_error(res));
		retention_end();
		return;
	}
	store_args_add(&args, "--");		/* no parameters; the list */
	for (i = 0; i < rows; i++) {
		store_args_add(&args, pg_value(res, i, 0));
		store_args_add(&args, pg_value(res, i, 1));
	}
	rc = store_script(SCRIPT_ARCHIVE_EVICT, 0, &args, retention_evicted,
	    NULL);
	store_args_free(&args);
	if (rc == -1)
		retention_end();
}

/* 1 when a sweep is due (one a second at most). */
int
retention_due(void)
{
	return archive_wall_ms() - rt.last_ms >= RETENTION_EVERY_MS;
}

/* Starts a sweep on pg; done runs once it ended (not after retention_stop). */
void
retention_run(struct pg_link *pg, void (*done)(void))
{
	char cutoff[32], limit[16];
	const char *params[2] = { cutoff, limit };

	rt.pg = pg;
	rt.done = done;
	rt.last_ms = archive_wall_ms();
	snprintf(cutoff, sizeof cutoff, "%lld", (long long)(now_ms() -
	    hotlined.cfg->archive.keep_days * DAY_MS));
	snprintf(limit, sizeof limit, "%d", hotlined.cfg->archive.batch);
	if (pg_query(pg, due_sql, 2, params, retention_due_read, NULL) == -1)
		retention_end();
}

/* Tickets this daemon removed from Redis. */
long long
retention_evicted_count(void)
{
	return rt.evicted;
}

/* No callback runs after this. */
void
retention_stop(void)
{
	rt.stopped = 1;
	rt.done = NULL;
}
