/* The archive: the outbox consumer that writes every ticket to PostgreSQL, its connection, schema and search terms. */
#ifndef ARCHIVE_H
#define ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "hotline.pb-c.h"
#include "keys.h"

#define ARCHIVE_STREAM KEY_OUTBOX		/* outbox.lua appends here */
#define ARCHIVE_GROUP "archive"			/* the one consumer group */
#define ARCHIVE_BACKFILLED KEY_ARCHIVE_BACKFILLED	/* set once backfill ended */
#define ARCHIVE_TRIMS KEY_ARCHIVE_TRIMS	/* outbox.lua counts its trims */
#define ARCHIVE_MAX KEY_OUTBOX_MAX		/* the stream's bound (archive.outbox_max) */

/* One schema migration, daemon/sql/NNN-name.sql (gen/sql.c). */
struct archive_migration {
	int version;		/* NNN: the schema version it makes */
	const char *name;	/* "001-tickets" */
	const char *sql;
};
/* In order of version, ended by a row whose name is NULL. */
extern const struct archive_migration archive_migrations[];

struct pg_link;

/* archive-terms.c: text to search terms (pure). */
/*
 * The search terms of text: normalised (normalize.c), then cut into words
 * by the segmenter (segment.h, friso's lexicon alone, so that terms do not
 * depend on the configuration): every word is a term (ASCII words and
 * numbers whole), and a word of three or more CJK characters adds its
 * character bigrams, so a two-character word the lexicon holds only inside
 * a longer one (物业 in 物业管理) is still found. Writes the distinct terms
 * as a tsvector literal ("'停水' '小区'", quotes doubled) to a new string
 * the caller frees.
 */
char *archive_tsvector(const char *text);
/*
 * The tsquery literal matching every word of text ("'停水' & '小区'"),
 * segmented as archive_tsvector does (without bigrams); a word of one CJK
 * character becomes a prefix ("'停':*"). A new string, or NULL when text has
 * no word.
 */
char *archive_tsquery(const char *text);

/* archive-reterm.c: rows whose terms are stale (sql/004) get new ones. */
/* 1 while stale rows may be left (reterm_recheck at each connect), or every 10 s. */
int reterm_pending(void);
void reterm_recheck(void);
/*
 * Rebuilds the terms of up to batch stale rows on pg (a row replaced
 * meanwhile by a newer version is left alone); done(more) runs once it
 * ended, more = 1 when rows were rebuilt and others may be left. Not
 * called after reterm_stop.
 */
void reterm_run(struct pg_link *pg, int batch, void (*done)(int more));
long long reterm_rebuilt_count(void);
void reterm_stop(void);

/* archive-pg.c: one asynchronous libpq connection on the loop. */
struct pg_result;
/*
 * Called once per query: res is the query's last result or its first
 * error (PQresultStatus says which), NULL when the connection was lost or
 * the query timed out. libpq's result is freed after the call returns.
 */
typedef void (*pg_done)(struct pg_result *res, void *arg);
struct event_base;
struct pg_link;
/*
 * A link named name (for logs) to conninfo, connecting at once and again
 * after every loss (backoff up to 10 s); on_connected(arg) runs on each
 * connect. Queries and connects longer than timeout_ms drop the link.
 */
struct pg_link *pg_link_new(struct event_base *, const char *name,
    const char *conninfo, int timeout_ms, void (*on_connected)(void *),
    void *arg);
void pg_link_free(struct pg_link *);
int pg_connected(const struct pg_link *);
int pg_busy(const struct pg_link *);
/* The link proved usable: the next loss retries quickly again. */
void pg_backoff_reset(struct pg_link *);
/* Drops the connection (and reconnects after backoff); the query in flight gets NULL. */
void pg_drop(struct pg_link *, const char *why);
/*
 * Sends sql with nparams text parameters (params may be NULL for none; then
 * sql may hold several statements). One query at a time: returns -1 when
 * not connected or busy, else 0 and calls done exactly once.
 */
int pg_query(struct pg_link *, const char *sql, int nparams,
    const char *const *params, pg_done, void *arg);
/* The result's accessors (libpq's, typed for files without libpq-fe.h). */
int pg_ok(const struct pg_result *);
const char *pg_error(const struct pg_result *);
const char *pg_sqlstate(const struct pg_result *);
int pg_rows(const struct pg_result *);
const char *pg_value(const struct pg_result *, int row, int col);
int pg_null(const struct pg_result *, int row, int col);

/* archive-schema.c: migrations applied at connect. */
/*
 * Brings the database's schema up to the newest embedded migration, under
 * an advisory lock (several daemons may start at once). Calls done(1) when
 * the schema is current, done(0) when it failed or the database is newer
 * than this daemon (said in the log and in archive_schema_state).
 */
void archive_schema_apply(struct pg_link *, void (*done)(int ok));
int archive_schema_version(void);	/* the database's, once known; else -1 */
int archive_schema_latest(void);	/* the newest embedded */
const char *archive_schema_state(void);	/* "" or why the schema is refused */

/* archive-batch.c: the SQL of one batch, from archive_read.lua's answer. */
struct redisReply;
struct archive_batch {
	char *tickets;		/* JSON array of ticket rows */
	char *history;		/* JSON array of history rows */
	int ntickets;
	int nhistory;
};
/* The text a ticket's terms are made of (a new string). */
char *archive_ticket_text(const char *title, const char *content,
    const char *district, const char *street, const char *address);
/* The upsert of a batch: $1 tickets, $2 history; idempotent. */
extern const char archive_upsert_sql[];
/*
 * Builds a batch from the reply (an array of {number, hash, history});
 * tickets no longer in Redis are left out. Returns 0, or -1 if the reply
 * is not of that form.
 */
int archive_batch_build(struct archive_batch *, const struct redisReply *);
void archive_batch_free(struct archive_batch *);

/* archive-build.c: a batch's rows built on a thread, handed back to the loop. */
typedef void (*archive_built)(struct archive_batch *, int rc);
int archive_build_start(const struct redisReply *, struct archive_batch *,
    archive_built);
void archive_build_stop(void);

/* archive-retention.c: closed tickets leave Redis after keep_days. */
int retention_due(void);
void retention_run(struct pg_link *, void (*done)(void));
long long retention_evicted_count(void);
void retention_stop(void);

/* archive-record.c: archived rows back into protocol messages. */
Hotline__Ticket *archive_record_ticket(const char *fields, int department_view);
struct request;
int archive_record_read(struct request *, const char *fields,
    Hotline__Ticket **);
void archive_record_history_rows(Hotline__Ticket *, const struct pg_result *,
    int col);

/* archive-read.c: tickets no longer in Redis, read from PostgreSQL. */
int archive_missing(struct request *);

/* archive-caller.c: a caller's tickets, live and archived, a page at a time. */
/*
 * Answers r (a CallerRequest, phone checked) with a page of at most limit
 * of the caller's tickets, newest first, from its cursor on: Redis's, and
 * with an archive those that left Redis (marked archived) merged in; the
 * answer's next_cursor ("<ms>:<number>", as list's) resumes it.
 */
void caller_page(struct request *, unsigned limit);
/*
 * op-department.c: returns 0 if cursor is "" or one answer_ticket_list
 * makes ("<score>:<number>"), else answers BAD_REQUEST (field cursor) and
 * returns -1.
 */
int list_cursor_check(struct request *, const char *cursor);

/* op-timeline.c: the timeline of t (from Redis or the archive, masked already); takes t. */
void timeline_answer(struct request *, Hotline__Ticket *t);

/* op-search.c: the search request, answered from PostgreSQL. */
/*
 * Called with a successful result of a query run by search_query, while
 * its request still waits for an answer; it must answer the request.
 */
struct request;
typedef void (*archive_answer)(struct request *, struct pg_result *);
/*
 * Runs sql with text params on the search connection for r (queued behind
 * other searches); PostgreSQL's failures are answered UNAVAILABLE. Returns
 * -1, answering nothing, when the archive cannot take it now.
 */
int search_query(struct request *, const char *sql, int nparams,
    const char *const *params, archive_answer);
/*
 * search_query whose answer gets arg as well, and is called with a NULL
 * result when PostgreSQL failed or became unreachable (it must answer the
 * request then too); arg is freed with arg_free once the query ended.
 * Returns -1, calling and freeing nothing (arg stays the caller's), when
 * the archive cannot take the query now.
 */
typedef void (*archive_answer_arg)(struct request *, struct pg_result *,
    void *arg);
int search_query_arg(struct request *, const char *sql, int nparams,
    const char *const *params, archive_answer_arg, void *arg,
    void (*arg_free)(void *));
int search_configured(void);
void search_start(struct event_base *);
void search_stop(void);

/* archive-pace.c: the archiver yields to saturated Redis. */
void archive_pace_start(struct event_base *);
void archive_pace_stop(void);
/*
 * 1 when no new batch should be read now: Redis is saturated by requests
 * and the lag (lag_ms) is below archive.yield_ms.
 */
int archive_pace_yield(int64_t lag_ms);
long long archive_pace_yields(void);	/* times Redis became saturated */

/* archive.c: the outbox consumer. */
void archive_init(struct event_base *);
/* Wall-clock milliseconds (stream ids carry Redis's wall clock, not the test clock); the archive's pace. */
int64_t archive_wall_ms(void);
void archive_shutdown(void);
/* Figures for /metrics and /readyz. */
struct archive_status {
	int enabled;
	int connected;		/* PostgreSQL reachable and the schema current */
	int64_t lag_ms;		/* age of the oldest change not yet archived */
	long long outbox;	/* entries in the stream (last seen) */
	long long written;	/* tickets written by this daemon */
	long long batches;
	long long failures;	/* batches PostgreSQL refused or lost */
	int backfilling;
	long long overflows;	/* times the outbox was found trimmed */
	long long evicted;	/* tickets this daemon removed from Redis (retention) */
	int yielding;		/* reading nothing new: Redis is saturated */
	long long yields;	/* times Redis became saturated */
};
void archive_status(struct archive_status *);

/* archive-status.c: the archive on /metrics and in /readyz's body. */
struct evbuffer;
void archive_render_metrics(struct evbuffer *);
/*
 * /readyz's body when ready: "ready\n", then the archive's state (its lag,
 * PostgreSQL unreachable): a lagging archive is said, never unready.
 */
const char *archive_readiness(void);

#endif
