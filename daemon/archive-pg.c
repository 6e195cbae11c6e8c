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
static struct {
	struct event_base *base;
	char *conninfo;
	int timeout_ms;
	void (*on_connected)(void);
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
} pg;

static void pg_connect(void);
static void pg_io(evutil_socket_t, short, void *);

/* Arms the deadline of what is in progress. */
static void
pg_arm_timer(void)
{
	struct timeval tv = { pg.timeout_ms / 1000,
	    (pg.timeout_ms % 1000) * 1000 };

	evtimer_add(pg.timer, &tv);
}

/* Watches the socket for read (and write when asked). */
static void
pg_watch(short what)
{
	event_del(pg.io);
	event_assign(pg.io, pg.base, PQsocket(pg.conn), what, pg_io, NULL);
	event_add(pg.io, NULL);
}

/* Ends the query in flight with res (may be NULL); frees what it kept. */
static void
pg_finish_query(PGresult *res)
{
	pg_done done = pg.done;
	void *arg = pg.arg;

	pg.done = NULL;
	pg.arg = NULL;
	evtimer_del(pg.timer);
	if (done != NULL)
		done((struct pg_result *)res, arg);
	if (res != NULL)
		PQclear(res);
}

/* Drops the connection; see archive.h. */
void
pg_drop(const char *why)
{
	struct timeval tv;
	PGresult *kept = pg.kept;

	if (pg.conn == NULL)
		return;
	if (pg.failures++ == 0 || pg.state == PG_UP)
		log_warnx("archive: PostgreSQL: %s; reconnecting", why);
	event_del(pg.io);
	evtimer_del(pg.timer);
	PQfinish(pg.conn);
	pg.conn = NULL;
	pg.state = PG_DOWN;
	pg.flushing = 0;
	pg.kept = NULL;
	if (kept != NULL)
		PQclear(kept);
	if (pg.done != NULL)
		pg_finish_query(NULL);
	tv.tv_sec = pg.backoff_ms / 1000;
	tv.tv_usec = (pg.backoff_ms % 1000) * 1000;
	evtimer_add(pg.retry, &tv);
	pg.backoff_ms *= 2;
	if (pg.backoff_ms > PG_BACKOFF_MAX_MS)
		pg.backoff_ms = PG_BACKOFF_MAX_MS;
}

/* Drives PQconnectPoll one step. */
static void
pg_connect_step(void)
{
	char why[256];

	switch (PQconnectPoll(pg.conn)) {
	case PGRES_POLLING_READING:
		pg_watch(EV_READ);
		return;
	case PGRES_POLLING_WRITING:
		pg_watch(EV_WRITE);
		return;
	case PGRES_POLLING_OK:
		evtimer_del(pg.timer);
		pg.state = PG_UP;
		if (pg.failures > 0)
			log_info("archive: PostgreSQL reachable again");
		pg.failures = 0;
		pg_watch(EV_READ | EV_PERSIST);
		if (pg.on_connected != NULL)
			pg.on_connected();
		return;
	default:
		snprintf(why, sizeof why, "cannot connect: %s",
		    PQerrorMessage(pg.conn));
		why[strcspn(why, "\n")] = '\0';
		pg_drop(why);
	}
}

/* Reads what came in; ends the query once all its results are there. */
static void
pg_read(void)
{
	PGresult *r;

	if (PQconsumeInput(pg.conn) == 0) {
		char why[256];

		snprintf(why, sizeof why, "connection lost: %s",
		    PQerrorMessage(pg.conn));
		why[strcspn(why, "\n")] = '\0';
		pg_drop(why);
		return;
	}
	while (pg.done != NULL && !PQisBusy(pg.conn)) {
		if ((r = PQgetResult(pg.conn)) == NULL) {
			r = pg.kept;
			pg.kept = NULL;
			pg_finish_query(r);
			return;
		}
		/* Keep the first error, else the last result. */
		if (pg.kept != NULL && (PQresultStatus(pg.kept) ==
		    PGRES_FATAL_ERROR)) {
			PQclear(r);
			continue;
		}
		if (pg.kept != NULL)
			PQclear(pg.kept);
		pg.kept = r;
	}
	/* Notices or a server closing on us while idle. */
	if (pg.done == NULL && PQstatus(pg.conn) == CONNECTION_BAD)
		pg_drop("connection lost");
}

/* The socket is ready. */
static void
pg_io(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)arg;
	if (pg.state == PG_CONNECTING) {
		pg_connect_step();
		return;
	}
	if ((what & EV_WRITE) && pg.flushing) {
		int f = PQflush(pg.conn);

		if (f == -1) {
			pg_drop("sending failed");
			return;
		}
		if (f == 0) {
			pg.flushing = 0;
			pg_watch(EV_READ | EV_PERSIST);
		}
	}
	if (what & EV_READ)
		pg_read();
}

/* The deadline of a connect or a query passed. */
static void
pg_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	pg_drop(pg.state == PG_CONNECTING ? "connect timed out" :
	    "query timed out");
}

/* Retry timer: connect again. */
static void
pg_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	pg_connect();
}

/* Starts a non-blocking connect. */
static void
pg_connect(void)
{
	pg.conn = PQconnectStart(pg.conninfo);
	if (pg.conn == NULL) {
		log_warnx("archive: PostgreSQL: out of memory");
		return;
	}
	if (PQstatus(pg.conn) == CONNECTION_BAD) {
		pg.state = PG_CONNECTING;
		pg_drop("bad conninfo");
		return;
	}
	PQsetnonblocking(pg.conn, 1);
	pg.state = PG_CONNECTING;
	pg_arm_timer();
	pg_watch(EV_WRITE);
}

/* Starts connecting to conninfo; see archive.h. */
void
pg_init(struct event_base *base, const char *conninfo, int timeout_ms,
    void (*on_connected)(void))
{
	pg.base = base;
	pg.conninfo = xstrdup(conninfo);
	pg.timeout_ms = timeout_ms;
	pg.on_connected = on_connected;
	pg.backoff_ms = PG_BACKOFF_MIN_MS;
	pg.io = event_new(base, -1, 0, pg_io, NULL);
	pg.retry = evtimer_new(base, pg_retry, NULL);
	pg.timer = evtimer_new(base, pg_timeout, NULL);
	pg_connect();
}

/* Closes the connection; a query in flight gets NULL. */
void
pg_shutdown(void)
{
	if (pg.base == NULL)
		return;
	pg.on_connected = NULL;
	if (pg.conn != NULL) {
		pg.failures = 1;	/* no "reconnecting" line */
		pg.state = PG_DOWN;
		pg_drop("shutting down");
	}
	event_free(pg.io);
	event_free(pg.retry);
	event_free(pg.timer);
	free(pg.conninfo);
	memset(&pg, 0, sizeof pg);
}

/*
 * The connection proved usable (its schema is current): the next loss
 * retries quickly again. Until then every reconnect waits longer, so a
 * database refused after connecting is not asked in a tight loop.
 */
void
pg_backoff_reset(void)
{
	pg.backoff_ms = PG_BACKOFF_MIN_MS;
}

/* 1 when connected. */
int
pg_connected(void)
{
	return pg.state == PG_UP;
}

/* 1 while a query is in flight. */
int
pg_busy(void)
{
	return pg.done != NULL;
}

/* Sends one query; see archive.h. */
int
pg_query(const char *sql, int nparams, const char *const *params,
    pg_done done, void *arg)
{
	int sent, f;

	if (pg.state != PG_UP || pg.done != NULL)
		return -1;
	if (nparams == 0 && params == NULL)
		sent = PQsendQuery(pg.conn, sql);
	else
		sent = PQsendQueryParams(pg.conn, sql, nparams, NULL, params,
		    NULL, NULL, 0);
	if (sent == 0) {
		char why[256];

		snprintf(why, sizeof why, "cannot send: %s",
		    PQerrorMessage(pg.conn));
		why[strcspn(why, "\n")] = '\0';
		pg_drop(why);
		return -1;
	}
	pg.done = done;
	pg.arg = arg;
	pg_arm_timer();
	if ((f = PQflush(pg.conn)) == 1) {
		pg.flushing = 1;
		pg_watch(EV_READ | EV_WRITE | EV_PERSIST);
	} else if (f == -1) {
		pg_drop("sending failed");
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
