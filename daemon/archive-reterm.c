/* Rebuilding the search terms of archived rows made by an older way of making them (terms_stale, daemon/sql/004-terms-words.sql). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hotlined.h"
#include "archive.h"

#define RETERM_RECHECK_MS 10000	/* an idle archiver looks for stale rows this often */

/* Stale rows, with the text their terms are made of (archive_ticket_text's fields). */
static const char stale_sql[] =
    "SELECT number, version, title, content, district, street, address "
    "FROM hotline.tickets WHERE terms_stale LIMIT $1::integer";
/*
 * New terms for the rows read; a row replaced meanwhile (another version,
 * with terms of its own) is left alone. Answers the number of rows written.
 */
static const char rebuild_sql[] =
    "WITH u AS (UPDATE hotline.tickets t SET terms = x.terms::tsvector, "
    "terms_stale = false FROM jsonb_to_recordset($1::jsonb) AS x(number "
    "text, version bigint, terms text) WHERE t.number = x.number AND "
    "t.version = x.version RETURNING 1) SELECT count(*) FROM u";

/*
 * One rebuild step at a time on the archiver's connection (the archiver
 * runs one step at a time: never beside a batch). pending stays 1 until a
 * read finds no stale row or fails, and is set again at each connect (a
 * migration may have marked rows) and every RETERM_RECHECK_MS (an operator
 * may have: the partial index makes the look cheap; a failed read is
 * tried again then, not at every idle turn).
 */
static struct {
	struct pg_link *pg;
	void (*done)(int more);
	int pending;
	int stopped;
	int64_t checked_ms;	/* when a read last found none, or failed */
	long long rebuilt;
} rb = { .pending = 1 };

/* Ends the step; more: stale rows may be left. */
static void
reterm_end(int more)
{
	void (*done)(int) = rb.done;

	rb.done = NULL;
	if (done != NULL && !rb.stopped)
		done(more);
}

/* PostgreSQL wrote the new terms. */
static void
reterm_written(struct pg_result *res, void *arg)
{
	(void)arg;
	if (rb.stopped)
		return;
	if (!pg_ok(res) || pg_rows(res) != 1) {
		log_warnx("archive: rebuilding search terms: %s",
		    pg_error(res));
		reterm_end(0);
		return;
	}
	rb.rebuilt += atoll(pg_value(res, 0, 0));
	reterm_end(1);
}

/* PostgreSQL named stale rows: their terms are made again and written. */
static void
reterm_read(struct pg_result *res, void *arg)
{
	json_t *rows;
	const char *params[1];
	char *text, *terms, *json;
	int i, n = pg_rows(res);

	(void)arg;
	if (rb.stopped)
		return;
	if (!pg_ok(res) || n == 0) {
		if (!pg_ok(res))
			log_warnx("archive: reading stale search terms: %s",
			    pg_error(res));
		else if (rb.rebuilt > 0)
			log_info("archive: search terms rebuilt for %lld "
			    "archived tickets", rb.rebuilt);
		/* A failed read waits for the recheck too: no log flood. */
		rb.pending = 0;
		rb.checked_ms = archive_wall_ms();
		reterm_end(0);
		return;
	}
	rows = json_array();
	for (i = 0; i < n; i++) {
		text = archive_ticket_text(pg_value(res, i, 2), pg_value(res, i,
		    3), pg_value(res, i, 4), pg_value(res, i, 5), pg_value(res,
		    i, 6));
		terms = archive_tsvector(text);
		json_array_append_new(rows, json_pack("{s:s,s:I,s:s}", "number",
		    pg_value(res, i, 0), "version", (json_int_t)atoll(
		    pg_value(res, i, 1)), "terms", terms));
		free(terms);
		free(text);
	}
	if ((json = json_dumps(rows, JSON_COMPACT)) == NULL)
		fatalx("archive: out of memory");
	json_decref(rows);
	params[0] = json;
	if (pg_query(rb.pg, rebuild_sql, 1, params, reterm_written, NULL) == -1)
		reterm_end(0);
	free(json);
}

/* 1 while stale rows may be left, or a recheck is due. */
int
reterm_pending(void)
{
	return !rb.stopped && (rb.pending || archive_wall_ms() - rb.checked_ms >=
	    RETERM_RECHECK_MS);
}

/* Marks a rebuild as possibly due (at each connect). */
void
reterm_recheck(void)
{
	rb.pending = 1;
}

/* Rebuilds one batch of stale rows on pg; see archive.h. */
void
reterm_run(struct pg_link *pg, int batch, void (*done)(int more))
{
	char limit[16];
	const char *params[1] = { limit };

	rb.pg = pg;
	rb.done = done;
	snprintf(limit, sizeof limit, "%d", batch);
	if (pg_query(pg, stale_sql, 1, params, reterm_read, NULL) == -1)
		reterm_end(0);
}

/* Rows whose terms this daemon rebuilt. */
long long
reterm_rebuilt_count(void)
{
	return rb.rebuilt;
}

/* No callback runs after this. */
void
reterm_stop(void)
{
	rb.stopped = 1;
	rb.done = NULL;
}
