/* One asynchronous libpq connection driven by the libevent loop: connect, one query at a time, timeouts, reconnect with backoff. */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "hotlined.h"
#include "archive.h"

#define PG_BACKOFF_MIN_MS 200
#define PG_BACKOFF_MAX_MS 10000

/*
 * The connection's life: DOWN (waiting for retry) → CONNECTING (driving
 * PQconnectPoll) → UP. At most one query is in flight (done != NULL); its
 * results are read as they come and the callback runs once PQgetResult
 * says the query ended. Never blocks: the socket is non-blocking and every
 * wait is an event on PQsocket.
 */
struct pg_link {
	const char *name;		/* for logs: "archive", "search" */
	struct event_base *base;
	char *conninfo;
	int timeout_ms;
	void (*on_connected)(void *);
	void *on_connected_arg;
	PGconn *conn;
	enum { PG_DOWN, PG_CONNECTING, PG_UP } state;
	struct event *io;		/* on PQsocket; re-made per connection */
	struct event *retry;
	struct event *timer;		/* the query's or the connect's deadline */
	int backoff_ms;
	int failures;
	pg_done done;			/* the query in flight */
	void *arg;
	PGresult *kept;			/* its last result or first error */
	int flushing;			/* output not yet all sent */
};

static void pg_connect(struct pg_link *);
static void pg_io(evutil_socket_t, short, void *);

/* Arms the deadline of what is in progress. */
static void
pg_arm_timer(struct pg_link *l)
{
	struct timeval tv = { l->timeout_ms / 1000,
	    (l->timeout_ms % 1000) * 1000 };

	evtimer_add(l->timer, &tv);
}

/* Watches the socket for read (and write when asked). */
static void
pg_watch(struct pg_link *l, short what)
{
	event_del(l->io);
	event_assign(l->io, l->base, PQsocket(l->conn), what, pg_io, l);
	event_add(l->io, NULL);
}

/* Ends the query in flight with res (may be NULL); frees what it kept. */
static void
pg_finish_query(struct pg_link *l, PGresult *res)
{
	pg_done done = l->done;
	void *arg = l->arg;

	l->done = NULL;
	l->arg = NULL;
	evtimer_del(l->timer);
	if (done != NULL)
		done((struct pg_result *)res, arg);
	if (res != NULL)
		PQclear(res);
}

/* Drops the connection; see archive.h. */
void
pg_drop(struct pg_link *l, const char *why)
{
	struct timeval tv;
	PGresult *kept = l->kept;

	if (l->conn == NULL)
		return;
	if (l->failures++ == 0 || l->state == PG_UP)
		log_warnx("%s: PostgreSQL: %s; reconnecting", l->name, why);
	event_del(l->io);
	evtimer_del(l->timer);
	PQfinish(l->conn);
	l->conn = NULL;
	l->state = PG_DOWN;
	l->flushing = 0;
	l->kept = NULL;
	if (kept != NULL)
		PQclear(kept);
	if (l->done != NULL)
		pg_finish_query(l, NULL);
	tv.tv_sec = l->backoff_ms / 1000;
	tv.tv_usec = (l->backoff_ms % 1000) * 1000;
	evtimer_add(l->retry, &tv);
	l->backoff_ms *= 2;
	if (l->backoff_ms > PG_BACKOFF_MAX_MS)
		l->backoff_ms = PG_BACKOFF_MAX_MS;
}

/* Drives PQconnectPoll one step. */
static void
pg_connect_step(struct pg_link *l)
{
	char why[256];

	switch (PQconnectPoll(l->conn)) {
	case PGRES_POLLING_READING:
		pg_watch(l, EV_READ);
		return;
	case PGRES_POLLING_WRITING:
		pg_watch(l, EV_WRITE);
		return;
	case PGRES_POLLING_OK:
		evtimer_del(l->timer);
		l->state = PG_UP;
		if (l->failures > 0)
			log_info("%s: PostgreSQL reachable again", l->name);
		l->failures = 0;
		pg_watch(l, EV_READ | EV_PERSIST);
		if (l->on_connected != NULL)
			l->on_connected(l->on_connected_arg);
		return;
	default:
		snprintf(why, sizeof why, "cannot connect: %s",
		    PQerrorMessage(l->conn));
		why[strcspn(why, "\n")] = '\0';
		pg_drop(l, why);
	}
}

/* Reads what came in; ends the query once all its results are there. */
static void
pg_read(struct pg_link *l)
{
	PGresult *r;

	if (PQconsumeInput(l->conn) == 0) {
		char why[256];

		snprintf(why, sizeof why, "connection lost: %s",
		    PQerrorMessage(l->conn));
		why[strcspn(why, "\n")] = '\0';
		pg_drop(l, why);
		return;
	}
	while (l->done != NULL && !PQisBusy(l->conn)) {
		if ((r = PQgetResult(l->conn)) == NULL) {
			r = l->kept;
			l->kept = NULL;
			pg_finish_query(l, r);
			return;
		}
		/* Keep the first error, else the last result. */
		if (l->kept != NULL && (PQresultStatus(l->kept) ==
		    PGRES_FATAL_ERROR)) {
			PQclear(r);
			continue;
		}
		if (l->kept != NULL)
			PQclear(l->kept);
		l->kept = r;
	}
	/* Notices or a server closing on us while idle. */
	if (l->done == NULL && PQstatus(l->conn) == CONNECTION_BAD)
		pg_drop(l, "connection lost");
}

/* The socket is ready. */
static void
pg_io(evutil_socket_t fd, short what, void *arg)
{
	struct pg_link *l = arg;

	(void)fd;
	if (l->state == PG_CONNECTING) {
		pg_connect_step(l);
		return;
	}
	if ((what & EV_WRITE) && l->flushing) {
		int f = PQflush(l->conn);

		if (f == -1) {
			pg_drop(l, "sending failed");
			return;
		}
		if (f == 0) {
			l->flushing = 0;
			pg_watch(l, EV_READ | EV_PERSIST);
		}
	}
	if (what & EV_READ)
		pg_read(l);
}

/* The deadline of a connect or a query passed. */
static void
pg_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct pg_link *l = arg;

	(void)fd;
	(void)what;
	pg_drop(l, l->state == PG_CONNECTING ? "connect timed out" :
	    "query timed out");
}

/* Retry timer: connect again. */
static void
pg_retry(evutil_socket_t fd, short what, void *arg)
{
	struct pg_link *l = arg;

	(void)fd;
	(void)what;
	pg_connect(l);
}

/* Starts a non-blocking connect. */
static void
pg_connect(struct pg_link *l)
{
	l->conn = PQconnectStart(l->conninfo);
	if (l->conn == NULL) {
		fatalx("%s: PostgreSQL: out of memory", l->name);
		return;
	}
	if (PQstatus(l->conn) == CONNECTION_BAD) {
		l->state = PG_CONNECTING;
		pg_drop(l, "bad conninfo");
		return;
	}
	PQsetnonblocking(l->conn, 1);
	l->state = PG_CONNECTING;
	pg_arm_timer(l);
	pg_watch(l, EV_WRITE);
}

/* A new link to conninfo, connecting at once; see archive.h. */
struct pg_link *
pg_link_new(struct event_base *base, const char *name, const char *conninfo,
    int timeout_ms, void (*on_connected)(void *), void *arg)
{
	struct pg_link *l = xcalloc(1, sizeof *l);

	l->name = name;
	l->base = base;
	l->conninfo = xstrdup(conninfo);
	l->timeout_ms = timeout_ms;
	l->on_connected = on_connected;
	l->on_connected_arg = arg;
	l->backoff_ms = PG_BACKOFF_MIN_MS;
	l->io = event_new(base, -1, 0, pg_io, l);
	l->retry = evtimer_new(base, pg_retry, l);
	l->timer = evtimer_new(base, pg_timeout, l);
	pg_connect(l);
	return l;
}

/* Closes the link and frees it; a query in flight gets NULL first. */
void
pg_link_free(struct pg_link *l)
{
	if (l == NULL)
		return;
	l->on_connected = NULL;
	if (l->conn != NULL) {
		l->failures = 1;	/* no "reconnecting" line */
		l->state = PG_DOWN;
		pg_drop(l, "shutting down");
	}
	event_free(l->io);
	event_free(l->retry);
	event_free(l->timer);
	free(l->conninfo);
	free(l);
}

/*
 * The connection proved usable (its schema is current): the next loss
 * retries quickly again. Until then every reconnect waits longer, so a
 * database refused after connecting is not asked in a tight loop.
 */
void
pg_backoff_reset(struct pg_link *l)
{
	l->backoff_ms = PG_BACKOFF_MIN_MS;
}

/* 1 when connected. */
int
pg_connected(const struct pg_link *l)
{
	return l->state == PG_UP;
}

/* 1 while a query is in flight. */
int
pg_busy(const struct pg_link *l)
{
	return l->done != NULL;
}

/* Sends one query; see archive.h. */
int
pg_query(struct pg_link *l, const char *sql, int nparams, const char *const *params,
    pg_done done, void *arg)
{
	int sent, f;

	if (l->state != PG_UP || l->done != NULL)
		return -1;
	if (nparams == 0 && params == NULL)
		sent = PQsendQuery(l->conn, sql);
	else
		sent = PQsendQueryParams(l->conn, sql, nparams, NULL, params,
		    NULL, NULL, 0);
	if (sent == 0) {
		char why[256];

		snprintf(why, sizeof why, "cannot send: %s",
		    PQerrorMessage(l->conn));
		why[strcspn(why, "\n")] = '\0';
		pg_drop(l, why);
		return -1;
	}
	l->done = done;
	l->arg = arg;
	pg_arm_timer(l);
	if ((f = PQflush(l->conn)) == 1) {
		l->flushing = 1;
		pg_watch(l, EV_READ | EV_WRITE | EV_PERSIST);
	} else if (f == -1) {
		pg_drop(l, "sending failed");
	}
	return 0;
}

/* 1 if res is a successful result. */
int
pg_ok(const struct pg_result *res)
{
	ExecStatusType s = PQresultStatus((const PGresult *)res);

	return res != NULL && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
}

/* The error text of res, one line. */
const char *
pg_error(const struct pg_result *res)
{
	static char line[512];

	if (res == NULL)
		return "no answer (connection lost or timed out)";
	snprintf(line, sizeof line, "%s",
	    PQresultErrorMessage((const PGresult *)res));
	line[strcspn(line, "\n")] = '\0';
	return line;
}

/* The SQLSTATE of an error result ("" if none). */
const char *
pg_sqlstate(const struct pg_result *res)
{
	const char *s = res != NULL ? PQresultErrorField((const PGresult *)res,
	    PG_DIAG_SQLSTATE) : NULL;

	return s != NULL ? s : "";
}

/* Rows of res. */
int
pg_rows(const struct pg_result *res)
{
	return res != NULL ? PQntuples((const PGresult *)res) : 0;
}

/* A value of res as text ("" for NULL). */
const char *
pg_value(const struct pg_result *res, int row, int col)
{
	return PQgetvalue((const PGresult *)res, row, col);
}

/* 1 if a value of res is SQL NULL. */
int
pg_null(const struct pg_result *res, int row, int col)
{
	return PQgetisnull((const PGresult *)res, row, col);
}
