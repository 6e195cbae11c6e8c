/* Re-terming: when the stored articles' terms and key terms were made with other user or function words (kb-words.c) than this daemon's, or before key terms were stored, every version's are made again, a batch at a time, once. */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "hotlined.h"
#include "archive.h"
#include "kb.h"
#include "kb-sql.h"

#define KB_REINDEX_TICK_MS 1000		/* until PostgreSQL is there */

static struct {
	struct event *tick;
	char fingerprint[24];
	int running;
	int done;			/* the stored terms are this list's */
	long long retermed;		/* versions looked at */
} kr;

static void kb_reindex_batch(const char *after);

/* The work stops until the next tick (PostgreSQL away). */
static void
kb_reindex_later(void)
{
	struct timeval tv = { 0, KB_REINDEX_TICK_MS * 1000 };

	kr.running = 0;
	if (kr.tick != NULL && !kr.done)
		evtimer_add(kr.tick, &tv);
}

/* kb_link: the fingerprint is stored: done. */
static void
kb_reindex_recorded(struct pg_result *res, void *arg)
{
	(void)arg;
	if (res == NULL || !pg_ok(res)) {
		kb_reindex_later();
		return;
	}
	kr.running = 0;
	kr.done = 1;
	if (kr.retermed > 0)
		log_info("kb: %lld versions' terms and key terms made again "
		    "with the words %s", kr.retermed, kr.fingerprint);
}

/* A batch being written: its rows (JSON text) and the last vid in it. */
struct kb_reindex_write {
	char *rows;
	char *after;
};

/* Frees a batch. */
static void
kb_reindex_write_free(struct kb_reindex_write *w)
{
	free(w->rows);
	free(w->after);
	free(w);
}

/* 1 when a write went through; else the work stops until the next tick. */
static int
kb_reindex_ok(struct pg_result *res, struct kb_reindex_write *w)
{
	if (res != NULL && pg_ok(res))
		return 1;
	if (res != NULL)
		log_warnx("kb: re-terming: %s", pg_error(res));
	kb_reindex_write_free(w);
	kb_reindex_later();
	return 0;
}

/* kb_link: a batch's key terms are written; the next. */
static void
kb_reindex_keyed(struct pg_result *res, void *arg)
{
	struct kb_reindex_write *w = arg;

	if (!kb_reindex_ok(res, w))
		return;
	kb_reindex_batch(w->after);
	kb_reindex_write_free(w);
}

/* kb_link: a batch's terms are written; its key terms next. */
static void
kb_reindex_written(struct pg_result *res, void *arg)
{
	struct kb_reindex_write *w = arg;
	const char *p[1];

	if (!kb_reindex_ok(res, w))
		return;
	p[0] = w->rows;
	if (kb_link_query(kb_reindex_keys_sql, 1, p, kb_reindex_keyed, w) ==
	    -1) {
		kb_reindex_write_free(w);
		kb_reindex_later();
	}
}

/* The {vid, terms, keys, key_terms} of row i. */
static json_t *
kb_reindex_row(struct pg_result *res, int i)
{
	json_t *qs = json_loads(pg_value(res, i, 2), 0, NULL), *e, *o;
	const char **qv = xcalloc(json_array_size(qs) + 1, sizeof *qv);
	char *terms, *keys;
	size_t k;

	json_array_foreach(qs, k, e)
		qv[k] = json_is_string(e) ? json_string_value(e) : "";
	kb_terms_version(pg_value(res, i, 1), qv, json_array_size(qs),
	    pg_value(res, i, 3), &terms, &keys);
	o = json_pack("{s:i, s:s, s:s, s:o}", "vid", atoi(pg_value(res, i, 0)),
	    "terms", terms, "keys", keys, "key_terms", kb_key_terms(
	    pg_value(res, i, 1), qv, json_array_size(qs)));
	free(terms);
	free(keys);
	free(qv);
	json_decref(qs);
	return o;
}

/* kb_link: a batch of versions to re-term, or none left. */
static void
kb_reindex_read(struct pg_result *res, void *arg)
{
	struct kb_reindex_write *w;
	const char *p[1];
	json_t *rows;
	int i, n;

	(void)arg;
	if (res == NULL || !pg_ok(res)) {
		kb_reindex_later();
		return;
	}
	if ((n = pg_rows(res)) == 0) {
		p[0] = kr.fingerprint;
		if (kb_link_query(kb_words_done_sql, 1, p, kb_reindex_recorded,
		    NULL) == -1)
			kb_reindex_later();
		return;
	}
	rows = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(rows, kb_reindex_row(res, i));
	kr.retermed += n;
	w = xcalloc(1, sizeof *w);
	w->rows = json_dumps(rows, JSON_COMPACT);
	json_decref(rows);
	w->after = xstrdup(pg_value(res, n - 1, 0));
	p[0] = w->rows;
	if (kb_link_query(kb_reindex_write_sql, 1, p, kb_reindex_written,
	    w) == -1) {
		kb_reindex_write_free(w);
		kb_reindex_later();
	}
}

/* Reads the versions after vid after. */
static void
kb_reindex_batch(const char *after)
{
	const char *p[1] = { after };

	if (kb_link_query(kb_reindex_read_sql, 1, p, kb_reindex_read, NULL) ==
	    -1)
		kb_reindex_later();
}

/* kb_link: the stored terms' fingerprint: this list's, or re-term them all. */
static void
kb_reindex_checked(struct pg_result *res, void *arg)
{
	char err[256];

	(void)arg;
	if (res == NULL || !pg_ok(res) || pg_rows(res) != 1) {
		kb_reindex_later();
		return;
	}
	if (strcmp(pg_value(res, 0, 0), kr.fingerprint) == 0) {
		kr.running = 0;
		kr.done = 1;
		return;
	}
	if (kb_terms_init(err, sizeof err) == -1) {
		log_warnx("kb: re-terming: %s", err);
		kb_reindex_later();
		return;
	}
	log_info("kb: the stored terms were made with other user or function "
	    "words (%s), or without key terms; making them again",
	    pg_value(res, 0, 0)[0] != '\0' ?
	    pg_value(res, 0, 0) : "none recorded");
	kr.retermed = 0;
	kb_reindex_batch("0");
}

/* Tick: check once PostgreSQL is there. */
static void
kb_reindex_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (kr.running || kr.done)
		return;
	kr.running = 1;
	if (!kb_ready() || kb_link_query(kb_words_sql, 0, NULL,
	    kb_reindex_checked, NULL) == -1)
		kb_reindex_later();
}

/* Starts the check (kb_start). */
void
kb_reindex_start(struct event_base *base)
{
	struct timeval tv = { 0, 0 };

	memset(&kr, 0, sizeof kr);
	snprintf(kr.fingerprint, sizeof kr.fingerprint, "%016llx",
	    kb_words_fingerprint());
	kr.tick = evtimer_new(base, kb_reindex_tick, NULL);
	evtimer_add(kr.tick, &tv);
}

/* Stops it; answers still to come find it stopped. */
void
kb_reindex_stop(void)
{
	if (kr.tick == NULL)
		return;
	kr.done = 1;
	event_free(kr.tick);
	kr.tick = NULL;
}
