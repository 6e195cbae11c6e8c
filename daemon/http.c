/* The HTTP side for operators and monitoring: /healthz, /readyz and /metrics (libevent's evhttp). */
#include <errno.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <openssl/evp.h>

#include "auth-worker.h"
#include "http-conn.h"
#include "hotlined.h"
#include "web.h"

static struct evhttp *http;
static struct evconnlistener *http_listener;
static struct event *http_backoff;	/* accepting again after EMFILE */

#define HTTP_ACCEPT_BACKOFF_MS 200

/* /readyz's body when ready, from another part (the archive sets it); NULL: "ready". */
const char *(*http_ready_text)(void);

/* Returns 1 if the peer's address is on the configured allow-list. */
static int
http_peer_allowed(struct evhttp_request *req)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	char *addr = NULL;
	ev_uint16_t port;
	size_t i;

	if (conn == NULL)
		return 0;
	evhttp_connection_get_peer(conn, &addr, &port);
	for (i = 0; addr != NULL && i < hotlined.cfg->http.nallow; i++)
		if (strcmp(addr, hotlined.cfg->http.allow[i]) == 0)
			return 1;
	return 0;
}

/* Writes the peer's address of req into out ("?" if unknown); web-*.c use it too. */
void
http_peer_address(struct evhttp_request *req, char *out, size_t outlen)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	char *addr = NULL;
	ev_uint16_t port;

	if (conn != NULL)
		evhttp_connection_get_peer(conn, &addr, &port);
	snprintf(out, outlen, "%s", addr != NULL ? addr : "?");
}

/*
 * Decodes the Basic credentials of req ("Authorization: Basic
 * base64(principal:token)") into plain (principal, NUL, token); esc gets
 * the escaped principal for the log. Returns 1, 0 if there are none of
 * that form, or -2 if they hold a NUL byte (refused as a bad request, as
 * a NUL in a protobuf string is: C strings would silently end there).
 */
static int
http_basic_decode(struct evhttp_request *req, char plain[256], char **token,
    char *esc, size_t esclen)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	char *colon;
	size_t b64len;
	int n;

	snprintf(esc, esclen, "?");
	if (h == NULL || strncmp(h, "Basic ", 6) != 0 ||
	    (b64len = strlen(h + 6)) > 340)
		return 0;
	n = EVP_DecodeBlock((unsigned char *)plain,
	    (const unsigned char *)h + 6, (int)b64len);
	if (n <= 0 || n >= 256)
		return 0;
	/* EVP_DecodeBlock counts the bytes of '=' padding as zeros: not data. */
	while (b64len > 0 && h[6 + b64len - 1] == '=' && n > 0) {
		b64len--;
		n--;
	}
	if (memchr(plain, '\0', (size_t)n) != NULL)
		return -2;
	plain[n] = '\0';
	if ((colon = strchr(plain, ':')) == NULL)
		return 0;
	*colon = '\0';
	*token = colon + 1;
	log_escape(plain, esc, esclen);
	return 1;
}

/* A /metrics credential that the worker pool checks (auth-worker.h). */
struct http_check {
	struct web_pending wp;		/* first: the pending list's entry */
	char key[80];			/* "http <address>": its allowance */
	char esc[100];			/* the principal tried, for the log */
};

static void http_text(struct evhttp_request *, int, const char *,
    const char *);

/* Refuses req for want of a supervisor's credential (401). */
static void
http_unauthorized(struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "WWW-Authenticate", "Basic realm=\"hotline\"");
	http_text(req, 401, "Unauthorized", "a supervisor's credential "
	    "or an allowed address is needed\n");
}

/* A wrong /metrics credential from key (principal esc): counted and logged. */
static void
http_credential_failed(const char *key, const char *esc)
{
	auth_limit_failed(key);
	log_warnx("%s: failed /metrics credential as \"%s\"", key, esc);
}

/* The pool checked a /metrics credential: the figures, or 401. */
static void
http_checked(int ok, void *arg)
{
	struct http_check *hc = arg;
	struct evhttp_request *req = hc->wp.req;

	auth_limit_unhold(hc->key);
	if (req != NULL) {
		web_pending_remove(&hc->wp);
		if (ok)
			scrape_start(req);	/* answers once Redis gave its figures */
		else {
			http_credential_failed(hc->key, hc->esc);
			http_unauthorized(req);
		}
	}
	free(hc);
}

/*
 * Checks the Basic credentials of req (only a supervisor's or admin's
 * right token passes) and answers: the figures, 401, 429 when the
 * address made too many failed attempts (its HTTP allowance, apart from
 * the hellos'), 503 when too many checks wait, 400 for a NUL byte. The
 * slow check runs on the worker pool; a principal that is unknown or may
 * not read /metrics costs the same as a wrong token.
 */
static void
http_credential_check(struct evhttp_request *req)
{
	char plain[256], addr[64], esc[100], *token = NULL;
	const struct principal *p = NULL;
	struct http_check *hc;
	int rc, started;

	rc = http_basic_decode(req, plain, &token, esc, sizeof esc);
	if (rc == -2) {
		http_text(req, HTTP_BADREQUEST, "Bad Request", "Authorization: "
		    "the credentials contain a NUL byte\n");
		return;
	}
	hc = xcalloc(1, sizeof *hc);
	http_peer_address(req, addr, sizeof addr);
	snprintf(hc->key, sizeof hc->key, "http %s", addr);
	snprintf(hc->esc, sizeof hc->esc, "%s", esc);
	if (rc == 1 && (p = config_principal(hotlined.cfg, plain)) != NULL &&
	    p->role != HOTLINE__ROLE__ROLE_SUPERVISOR &&
	    p->role != HOTLINE__ROLE__ROLE_ADMIN)
		p = NULL;
	if (!auth_remembered(p, token) && (!auth_limit_allowed(hc->key) ||
	    !auth_limit_room(hc->key))) {
		free(hc);
		http_text(req, 429, "Too Many Requests", "too many failed "
		    "attempts from this address; try again later\n");
		return;
	}
	if (rc == 0) {
		http_credential_failed(hc->key, hc->esc);
		free(hc);
		http_unauthorized(req);
		return;
	}
	web_pending_add(&hc->wp, req);
	auth_limit_hold(hc->key);
	started = auth_check_start(p, token, http_checked, hc);
	if (started == 1)
		http_checked(1, hc);
	else if (started == -1) {
		web_pending_remove(&hc->wp);
		auth_limit_unhold(hc->key);
		free(hc);
		http_text(req, 503, "Service Unavailable", "too many logins "
		    "are being checked; try again in a moment\n");
	}
}

/* Sends a short text answer. */
static void
http_text(struct evhttp_request *req, int code, const char *reason,
    const char *text)
{
	struct evbuffer *out = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evbuffer_add(out, text, strlen(text));
	evhttp_send_reply(req, code, reason, out);
	evbuffer_free(out);
}

/* GET /healthz: the daemon's loop answers. Open to anyone who can connect. */
static void
http_healthz(struct evhttp_request *req, void *arg)
{
	(void)arg;
	http_text(req, HTTP_OK, "OK", "ok\n");
}

/*
 * GET /readyz: ready when this daemon can serve (configuration loaded,
 * Redis reachable). A provisional calendar is a warning (log, /metrics,
 * hotlined -n), never a reason to take every daemon out of service.
 */
static void
http_readyz(struct evhttp_request *req, void *arg)
{
	(void)arg;
	if (hotlined.cfg == NULL)
		http_text(req, 503, "Service Unavailable",
		    "not ready: no configuration loaded\n");
	else if (!store_ready())
		http_text(req, 503, "Service Unavailable",
		    "not ready: Redis is unreachable\n");
	else
		http_text(req, HTTP_OK, "OK", http_ready_text != NULL ?
		    http_ready_text() : "ready\n");
}

/* GET /metrics: Prometheus text; allow-listed addresses or a supervisor's credential. */
static void
http_metrics(struct evhttp_request *req, void *arg)
{
	(void)arg;
	if (http_peer_allowed(req))
		scrape_start(req);	/* answers once Redis gave its figures */
	else if (evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization") == NULL)
		http_unauthorized(req);
	else
		http_credential_check(req);
}

/* Any other path. */
static void
http_not_found(struct evhttp_request *req, void *arg)
{
	(void)arg;
	http_text(req, HTTP_NOTFOUND, "Not Found",
	    "try /healthz, /readyz or /metrics\n");
}

/* Timer: accepts HTTP connections again after a pause. */
static void
http_accept_again(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	http_conn_resume();	/* if the connection cap leaves room */
}

/*
 * evconnlistener: accept() failed on the HTTP port. Out of descriptors
 * (or memory) it pauses accepting for a while instead of spinning on
 * accept() at full CPU with a log line each time; other errors are logged
 * at most once a second.
 */
static void
http_accept_error(struct evconnlistener *evl, void *arg)
{
	static struct log_limit lim;
	struct timeval tv = { 0, HTTP_ACCEPT_BACKOFF_MS * 1000 };
	int err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	if (err != EMFILE && err != ENFILE && err != ENOBUFS &&
	    err != ENOMEM) {
		log_warnx_limited(&lim, "http: accept: %s",
		    evutil_socket_error_to_string(err));
		return;
	}
	log_warnx_limited(&lim, "http: accept: %s; pausing for %d ms",
	    evutil_socket_error_to_string(err), HTTP_ACCEPT_BACKOFF_MS);
	evconnlistener_disable(evl);
	evtimer_add(http_backoff, &tv);
}

/* Binds the HTTP port as our own listener (for its error callback) and gives it to evhttp. */
static int
http_listen(struct event_base *base, const struct listen_spec *l)
{
	struct sockaddr_storage ss;
	int sslen = (int)sizeof ss;
	char where[300];

	snprintf(where, sizeof where, strchr(l->host, ':') != NULL ?
	    "[%s]:%d" : "%s:%d", l->host, l->port);
	if (evutil_parse_sockaddr_port(where, (struct sockaddr *)&ss,
	    &sslen) == -1)
		return -1;
	http_listener = evconnlistener_new_bind(base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    -1, (struct sockaddr *)&ss, sslen);
	if (http_listener == NULL)
		return -1;
	if (evhttp_bind_listener(http, http_listener) == NULL) {
		evconnlistener_free(http_listener);
		http_listener = NULL;
		return -1;
	}
	evconnlistener_set_error_cb(http_listener, http_accept_error);
	http_backoff = evtimer_new(base, http_accept_again, NULL);
	http_conn_setup(base, http, http_listener, http_tls_on() ?
	    http_tls_bev : NULL, NULL);
	return 0;
}

/* Starts the HTTP listener if the config has one; returns -1 (logged) if it cannot. */
int
http_start(struct event_base *base)
{
	const struct listen_spec *l = &hotlined.cfg->http.listen;

	if (!hotlined.cfg->http.enabled)
		return 0;
	if ((http = evhttp_new(base)) == NULL)
		fatalx("evhttp_new failed");
	if (l->tls != NULL && http_tls_start(http, l->tls) == -1)
		return -1;
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST);	/* POST: the web page's login and logout */
	evhttp_set_max_headers_size(http, 8192);
	evhttp_set_max_body_size(http, 4096);
	evhttp_set_timeout(http, 10);
	evhttp_set_cb(http, "/healthz", http_healthz, NULL);
	evhttp_set_cb(http, "/readyz", http_readyz, NULL);
	evhttp_set_cb(http, "/metrics", http_metrics, NULL);
	web_start(http);	/* web-api.c: the page and /api/v1/ */
	evhttp_set_gencb(http, http_not_found, NULL);
	if (http_listen(base, l) == -1) {
		log_warnx("http: cannot listen on %s:%d", l->host, l->port);
		return -1;
	}
	log_info("http: /healthz, /readyz, /metrics and the web page on %s:%d%s",
	    l->host, l->port, l->tls != NULL ? " (TLS)" : "");
	return 0;
}

/* Stops the HTTP listener. */
void
http_stop(void)
{
	scrape_abort_all();
	web_stop();
	http_conn_stop();	/* evhttp_free frees the listener first */
	if (http != NULL)
		evhttp_free(http);	/* frees the bound listener too */
	http = NULL;
	http_tls_stop();
	http_listener = NULL;
	if (http_backoff != NULL)
		event_free(http_backoff);
	http_backoff = NULL;
}
