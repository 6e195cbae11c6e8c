/* Finding the Redis master through Redis Sentinel: asks the sentinels in turn, without blocking, where the master is. */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "hotlined.h"

/* A sentinel that does not answer within this is skipped for the next one. */
#define SENTINEL_TIMEOUT_MS 500

/*
 * One question "where is the master?" going round the sentinels.
 * Invariant: ac is the connection to sentinels[next - 1], or NULL; an ac
 * being freed has its data cleared first, so its late callbacks (hiredis
 * runs pending ones with a NULL reply, then the disconnect callback) find
 * no query and do nothing.
 */
struct sentinel_query {
	struct event_base *base;
	const struct redis_spec *spec;	/* borrowed from the store */
	size_t next;			/* the sentinel to ask next */
	redisAsyncContext *ac;
	struct event *timeout;
	sentinel_cb cb;
	void *priv;
};

static void query_next(struct sentinel_query *);

/* Closes q's current sentinel connection, if any, detaching it from q first. */
static void
query_close(struct sentinel_query *q)
{
	redisAsyncContext *ac = q->ac;

	evtimer_del(q->timeout);
	if (ac == NULL)
		return;
	q->ac = NULL;
	ac->data = NULL;
	redisAsyncFree(ac);	/* deferred by hiredis inside its callbacks */
}

/* Ends q: reports host:port (host NULL: nobody knew) and frees q. */
static void
query_finish(struct sentinel_query *q, const char *host, int port)
{
	sentinel_cb cb = q->cb;
	void *priv = q->priv;

	query_close(q);
	event_free(q->timeout);
	free(q);
	cb(host, port, priv);
}

/* Gives up on the current sentinel (logged) and asks the next one. */
static void
query_skip(struct sentinel_query *q, const char *why)
{
	const struct redis_sentinel *s = &q->spec->sentinels[q->next - 1];
	char esc[128];

	log_warnx("redis sentinel %s:%d: %s", s->host, s->port,
	    log_escape(why, esc, sizeof esc));
	query_close(q);
	query_next(q);
}

/* hiredis: a sentinel answered SENTINEL get-master-addr-by-name. */
static void
query_answered(redisAsyncContext *ac, void *reply, void *privdata)
{
	struct sentinel_query *q = ac->data;
	redisReply *r = reply;
	char host[64];
	long port;

	(void)privdata;
	if (q == NULL)
		return;
	if (r == NULL) {
		query_skip(q, "connection lost");
		return;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		query_skip(q, r->str);
		return;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_STRING ||
	    r->element[0]->len >= sizeof host) {
		query_skip(q, "does not know the master (check redis.master)");
		return;
	}
	memcpy(host, r->element[0]->str, r->element[0]->len + 1);
	port = strtol(r->element[1]->str, NULL, 10);
	if (port < 1 || port > 65535) {
		query_skip(q, "gave a bad port");
		return;
	}
	query_finish(q, host, (int)port);
}

/* hiredis: the connection to a sentinel is up, or failed (hiredis frees ac then). */
static void
query_connected(const redisAsyncContext *ac, int status)
{
	struct sentinel_query *q = ac->data;
	const char *argv[3] = { "SENTINEL", "get-master-addr-by-name", NULL };

	if (q == NULL)
		return;
	if (status != REDIS_OK) {
		q->ac = NULL;	/* hiredis frees it after we return */
		query_skip(q, ac->errstr);
		return;
	}
	argv[2] = q->spec->master;
	redisAsyncCommandArgv(q->ac, query_answered, NULL, 3, argv, NULL);
}

/* hiredis: the connection to a sentinel closed before it answered. */
static void
query_disconnected(const redisAsyncContext *ac, int status)
{
	struct sentinel_query *q = ac->data;

	(void)status;
	if (q == NULL)
		return;
	q->ac = NULL;
	query_skip(q, "connection closed");
}

/* Timer: the current sentinel is too slow, or every one was asked. */
static void
query_timed_out(evutil_socket_t fd, short what, void *arg)
{
	struct sentinel_query *q = arg;

	(void)fd;
	(void)what;
	if (q->ac == NULL && q->next >= q->spec->nsentinels)
		query_finish(q, NULL, 0);
	else
		query_skip(q, "no answer in time");
}

/* Asks the next sentinel, or ends q when every one was asked. */
static void
query_next(struct sentinel_query *q)
{
	struct timeval tv = { 0, SENTINEL_TIMEOUT_MS * 1000 };
	const struct redis_sentinel *s;
	redisAsyncContext *ac;

	while (q->next < q->spec->nsentinels) {
		s = &q->spec->sentinels[q->next++];
		ac = redisAsyncConnect(s->host, s->port);
		if (ac == NULL)
			continue;
		if (ac->err) {
			redisAsyncFree(ac);
			continue;
		}
		q->ac = ac;
		ac->data = q;
		redisLibeventAttach(ac, q->base);
		redisAsyncSetConnectCallback(ac, query_connected);
		redisAsyncSetDisconnectCallback(ac, query_disconnected);
		evtimer_add(q->timeout, &tv);
		return;
	}
	/* Nobody left: report from the loop, never inside sentinel_resolve. */
	tv.tv_usec = 0;
	evtimer_add(q->timeout, &tv);
}

/*
 * Asks spec's sentinels, first to last, where spec->master is. Returns at
 * once; cb runs exactly once, later (never inside this call), unless the
 * query is cancelled first. spec must outlive the query.
 */
struct sentinel_query *
sentinel_resolve(struct event_base *base, const struct redis_spec *spec,
    sentinel_cb cb, void *priv)
{
	struct sentinel_query *q = xcalloc(1, sizeof *q);

	q->base = base;
	q->spec = spec;
	q->cb = cb;
	q->priv = priv;
	q->timeout = evtimer_new(base, query_timed_out, q);
	query_next(q);
	return q;
}

/* Abandons q without calling its callback; q is freed. */
void
sentinel_cancel(struct sentinel_query *q)
{
	if (q == NULL)
		return;
	query_close(q);
	event_free(q->timeout);
	free(q);
}

/*
 * Asking again and again: a failover can leave the old master up and still
 * a master for seconds (Sentinel demotes it later), so a link's ROLE check
 * is not enough; the sentinels' word is.
 */
struct sentinel_watch {
	struct event_base *base;
	const struct redis_spec *spec;	/* borrowed from the store */
	struct event *tick;
	struct sentinel_query *q;	/* the question under way, or NULL */
	int period_ms;
	sentinel_cb cb;
	void *priv;
};

/* store-sentinel: one round of the watch ended; report it and plan the next. */
static void
watch_answered(const char *host, int port, void *priv)
{
	struct sentinel_watch *w = priv;
	struct timeval tv = { w->period_ms / 1000,
	    (w->period_ms % 1000) * 1000 };

	w->q = NULL;
	evtimer_add(w->tick, &tv);
	w->cb(host, port, w->priv);
}

/* Timer: time to ask the sentinels again. */
static void
watch_tick(evutil_socket_t fd, short what, void *arg)
{
	struct sentinel_watch *w = arg;

	(void)fd;
	(void)what;
	w->q = sentinel_resolve(w->base, w->spec, watch_answered, w);
}

/*
 * Asks spec's sentinels where the master is every period_ms (one question
 * at a time) and gives cb each answer, as sentinel_resolve does.
 */
struct sentinel_watch *
sentinel_watch_start(struct event_base *base, const struct redis_spec *spec,
    int period_ms, sentinel_cb cb, void *priv)
{
	struct sentinel_watch *w = xcalloc(1, sizeof *w);
	struct timeval tv = { period_ms / 1000, (period_ms % 1000) * 1000 };

	w->base = base;
	w->spec = spec;
	w->period_ms = period_ms;
	w->cb = cb;
	w->priv = priv;
	w->tick = evtimer_new(base, watch_tick, w);
	evtimer_add(w->tick, &tv);
	return w;
}

/* Stops w and frees it; cb is not called again. */
void
sentinel_watch_stop(struct sentinel_watch *w)
{
	if (w == NULL)
		return;
	sentinel_cancel(w->q);
	event_free(w->tick);
	free(w);
}
