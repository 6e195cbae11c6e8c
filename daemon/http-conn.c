/* Counts evhttp's connections, caps them with the protobuf ones, and closes one whose request header takes too long. */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "http-conn.h"
#include "hotlined.h"

/*
 * libevent 2.1's evhttp tells nobody when it opens or frees a connection
 * and bounds only the time between two reads. Its bevcb hook makes each
 * connection's bufferevent; we keep one reference of our own to it, so it
 * stays allocated after evhttp's bufferevent_free, which clears its
 * callbacks: a sweep (once a second, and before the listener is paused)
 * finds those, drops our reference (the socket is then closed; evhttp has
 * already shut its writing side) and counts the connection closed.
 *
 * A callback on the input buffer sees every byte read: a request starts
 * with its first byte and its header ends at an empty line. While one is
 * under way (and from the connection's start) a timer runs; if it fires
 * the connection gets an end-of-file event, which evhttp answers by
 * freeing it. Bytes after a header (a body) start the timer again, so a
 * slow body is bounded too; a long answer (an event stream) is not.
 */
struct http_conn {
	struct bufferevent *bev;	/* evhttp's; one reference is ours */
	struct event *deadline;
	int in_request;			/* bytes of a request since its header */
	int seen_nl;			/* the header so far ended a line ... */
	int blank;			/* ... and the current line is empty */
	LIST_ENTRY(http_conn) entry;
};

static LIST_HEAD(, http_conn) http_conns = LIST_HEAD_INITIALIZER(http_conns);
static struct evconnlistener *http_conn_listener;
static int http_conn_open;
static int http_conn_paused;
static struct event *http_conn_tick;	/* the sweep, once a second */
static struct bufferevent *(*http_conn_make)(struct event_base *, void *);
static void *http_conn_make_arg;

/* Returns 1 if evhttp has freed hc's connection (its callbacks are cleared). */
static int
http_conn_gone(const struct http_conn *hc)
{
	bufferevent_data_cb readcb;
	bufferevent_event_cb eventcb;

	bufferevent_getcb(hc->bev, &readcb, NULL, &eventcb, NULL);
	return readcb == NULL && eventcb == NULL;
}

/* Drops hc: our reference (closing the socket), its timer, its count. */
static void
http_conn_drop(struct http_conn *hc)
{
	LIST_REMOVE(hc, entry);
	event_free(hc->deadline);
	bufferevent_decref(hc->bev);
	free(hc);
	http_conn_open--;
}

/*
 * Counts the connections evhttp has freed since the last sweep as closed,
 * except fresh: made by http_conn_new just now, before evhttp set its
 * callbacks (every other one has had them set since: evhttp does it as
 * soon as http_conn_new returns).
 */
static void
http_conn_sweep(const struct http_conn *fresh)
{
	struct http_conn *hc, *next;

	for (hc = LIST_FIRST(&http_conns); hc != NULL; hc = next) {
		next = LIST_NEXT(hc, entry);
		if (hc != fresh && http_conn_gone(hc))
			http_conn_drop(hc);
	}
}

/* Returns 1 if another connection fits: the HTTP cap, and with the protobuf ones the daemon's. */
static int
http_conn_room(void)
{
	return http_conn_open < hotlined.cfg->http.max_connections &&
	    http_conn_open + server_busy() < hotlined.cfg->limits.max_connections;
}

/* See http-conn.h. */
void
http_conn_resume(void)
{
	if (http_conn_listener == NULL || !http_conn_room())
		return;
	http_conn_paused = 0;
	evconnlistener_enable(http_conn_listener);
}

/* Timer, once a second: sweeps, and accepts again if there is room. */
static void
http_conn_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	http_conn_sweep(NULL);
	if (http_conn_paused)
		http_conn_resume();
}

/* fresh was just made: stops accepting while there is no room; logs it once a second at most. */
static void
http_conn_check_room(const struct http_conn *fresh)
{
	static struct log_limit lim;

	if (http_conn_listener == NULL || http_conn_paused)
		return;
	if (!http_conn_room())
		http_conn_sweep(fresh);
	if (http_conn_room())
		return;
	http_conn_paused = 1;
	evconnlistener_disable(http_conn_listener);
	log_warnx_limited(&lim, "http: %d connections open (http.max_connections "
	    "%d, limits.max_connections %d with the others); not accepting "
	    "until one closes", http_conn_open,
	    hotlined.cfg->http.max_connections,
	    hotlined.cfg->limits.max_connections);
}

/* Timer: a request's header (or body) did not arrive in time; evhttp closes the connection. */
static void
http_conn_expired(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *hc = arg;
	static struct log_limit lim;

	(void)fd;
	(void)what;
	if (http_conn_gone(hc))
		return;
	log_warnx_limited(&lim, "http: a request did not arrive within "
	    "http.header_timeout_ms (%d ms); connection closed",
	    hotlined.cfg->http.header_timeout_ms);
	bufferevent_trigger_event(hc->bev, BEV_EVENT_READING | BEV_EVENT_EOF,
	    0);
}

/* A request starts (or the connection opens): its header must arrive within http.header_timeout_ms. */
static void
http_conn_arm(struct http_conn *hc)
{
	struct timeval tv;

	hc->in_request = 1;
	tv.tv_sec = hotlined.cfg->http.header_timeout_ms / 1000;
	tv.tv_usec = (hotlined.cfg->http.header_timeout_ms % 1000) * 1000;
	evtimer_add(hc->deadline, &tv);
}

/* Follows the request framing over n bytes at p: starts and stops the deadline. */
static void
http_conn_scan(struct http_conn *hc, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!hc->in_request)
			http_conn_arm(hc);
		if (p[i] == '\n') {
			if (hc->seen_nl && hc->blank) {
				/* The header is complete: evhttp takes over. */
				hc->in_request = hc->seen_nl = hc->blank = 0;
				evtimer_del(hc->deadline);
				continue;
			}
			hc->seen_nl = hc->blank = 1;
		} else if (p[i] != '\r')
			hc->blank = 0;
	}
}

/* Input buffer callback: scans the bytes just read (before evhttp parses them). */
static void
http_conn_read(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct evbuffer_iovec v[16];
	struct evbuffer_ptr at;
	size_t left = info->n_added;
	int i, n;

	if (left == 0 || evbuffer_ptr_set(buf, &at, evbuffer_get_length(buf) -
	    left, EVBUFFER_PTR_SET) == -1)
		return;
	/* A read adds a few chunks; past 16 the framing is not followed. */
	n = evbuffer_peek(buf, (ev_ssize_t)left, &at, v, 16);
	for (i = 0; i < n && i < 16 && left > 0; i++) {
		size_t take = v[i].iov_len < left ? v[i].iov_len : left;

		http_conn_scan(arg, v[i].iov_base, take);
		left -= take;
	}
}

/* evhttp: a new connection's bufferevent, counted (NULL: evhttp drops it). */
static struct bufferevent *
http_conn_new(struct event_base *base, void *unused)
{
	struct bufferevent *bev;
	struct http_conn *hc;

	(void)unused;
	bev = http_conn_make != NULL ? http_conn_make(base,
	    http_conn_make_arg) : bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	hc = xcalloc(1, sizeof *hc);
	hc->bev = bev;
	hc->deadline = evtimer_new(base, http_conn_expired, hc);
	bufferevent_incref(bev);
	evbuffer_add_cb(bufferevent_get_input(bev), http_conn_read, hc);
	http_conn_arm(hc);	/* an idle connection is held to it too */
	LIST_INSERT_HEAD(&http_conns, hc, entry);
	http_conn_open++;
	http_conn_check_room(hc);
	return bev;
}

/* /metrics: open HTTP connections (hotline_http_connections). */
static double
http_conn_gauge(void)
{
	return http_conn_open;
}

/* See http-conn.h. */
void
http_conn_setup(struct event_base *base, struct evhttp *http,
    struct evconnlistener *listener,
    struct bufferevent *(*make)(struct event_base *, void *), void *make_arg)
{
	struct timeval second = { 1, 0 };

	http_conn_listener = listener;
	http_conn_make = make;
	http_conn_make_arg = make_arg;
	http_conn_paused = 0;
	http_conn_tick = event_new(base, -1, EV_PERSIST, http_conn_tick_cb,
	    NULL);
	evtimer_add(http_conn_tick, &second);
	evhttp_set_bevcb(http, http_conn_new, NULL);
	metrics_gauge(METRICS_HTTP_CONNECTIONS, http_conn_gauge);
}

/* See http-conn.h. */
int
http_conn_count(void)
{
	return http_conn_open;
}

/* See http-conn.h. */
void
http_conn_stop(void)
{
	struct http_conn *hc;

	http_conn_listener = NULL;
	http_conn_paused = 0;
	if (http_conn_tick != NULL)
		event_free(http_conn_tick);
	http_conn_tick = NULL;
	/* evhttp_free, next, frees the connections still open. */
	while ((hc = LIST_FIRST(&http_conns)) != NULL) {
		evbuffer_remove_cb(bufferevent_get_input(hc->bev),
		    http_conn_read, hc);
		http_conn_drop(hc);
	}
}
