/* The HTTP side for operators and monitoring: /healthz, /readyz and /metrics (libevent's evhttp). */
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <openssl/evp.h>

#include "hotlined.h"

static struct evhttp *http;

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
	for (i = 0; addr != NULL && i < cfg->http.nallow; i++)
		if (strcmp(addr, cfg->http.allow[i]) == 0)
			return 1;
	return 0;
}

/* Writes the peer's address of req into out ("?" if unknown). */
static void
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
 * Checks the Basic credentials of req; esc gets the escaped principal for
 * the log. Returns 1 for a supervisor's or admin's right token, else 0.
 */
static int
http_basic_ok(struct evhttp_request *req, char *esc, size_t esclen)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	unsigned char plain[256];
	const struct principal *p;
	char *colon;
	int n;

	snprintf(esc, esclen, "?");
	if (h == NULL || strncmp(h, "Basic ", 6) != 0 || strlen(h + 6) > 340)
		return 0;
	n = EVP_DecodeBlock(plain, (const unsigned char *)h + 6,
	    (int)strlen(h + 6));
	if (n <= 0 || n >= (int)sizeof plain)
		return 0;
	plain[n] = '\0';
	if ((colon = strchr((char *)plain, ':')) == NULL)
		return 0;
	*colon = '\0';
	log_escape((char *)plain, esc, esclen);
	p = config_principal(cfg, (char *)plain);
	return p != NULL && (p->role == HOTLINE__ROLE__ROLE_SUPERVISOR ||
	    p->role == HOTLINE__ROLE__ROLE_ADMIN) &&
	    auth_check(p, colon + 1, NULL);
}

/*
 * Returns 1 if the request carries HTTP Basic credentials of a supervisor
 * or admin principal ("Authorization: Basic base64(principal:token)"), 0
 * if not, -1 if its address made too many failed attempts (the same limit
 * as failed hellos; a wrong credential counts as one).
 */
static int
http_credential_ok(struct evhttp_request *req)
{
	char addr[64], esc[100];
	int ok;

	if (evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization") == NULL)
		return 0;
	http_peer_address(req, addr, sizeof addr);
	if (!auth_limit_allowed(addr))
		return -1;
	if ((ok = http_basic_ok(req, esc, sizeof esc)) == 0) {
		auth_limit_failed(addr);
		log_warnx("http %s: failed /metrics credential as \"%s\"", addr,
		    esc);
	}
	return ok;
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

/* GET /readyz: ready when Redis is reachable and the calendar covers the coming days. */
static void
http_readyz(struct evhttp_request *req, void *arg)
{
	int missing = calendar_missing_year(cfg->calendar, now_ms(),
	    cfg->calendar->warn_days);

	(void)arg;
	if (!store_ready())
		http_text(req, 503, "Service Unavailable",
		    "not ready: Redis is unreachable\n");
	else if (missing != 0)
		http_text(req, 503, "Service Unavailable",
		    "not ready: the calendar does not cover the coming days\n");
	else
		http_text(req, HTTP_OK, "OK", http_ready_text != NULL ?
		    http_ready_text() : "ready\n");
}

/* GET /metrics: Prometheus text; allow-listed addresses or a supervisor's credential. */
static void
http_metrics(struct evhttp_request *req, void *arg)
{
	int ok = 0;

	(void)arg;
	if (!http_peer_allowed(req) && (ok = http_credential_ok(req)) == -1) {
		http_text(req, 429, "Too Many Requests", "too many failed "
		    "attempts from this address; try again later\n");
		return;
	}
	if (!http_peer_allowed(req) && ok != 1) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Basic realm=\"hotline\"");
		http_text(req, 401, "Unauthorized", "a supervisor's credential "
		    "or an allowed address is needed\n");
		return;
	}
	scrape_start(req);	/* answers once Redis gave its figures */
}

/* Any other path. */
static void
http_not_found(struct evhttp_request *req, void *arg)
{
	(void)arg;
	http_text(req, HTTP_NOTFOUND, "Not Found",
	    "try /healthz, /readyz or /metrics\n");
}

/* Starts the HTTP listener if the config has one; returns -1 (logged) if it cannot. */
int
http_start(struct event_base *base)
{
	const struct listen_spec *l = &cfg->http.listen;

	if (!cfg->http.enabled)
		return 0;
	if ((http = evhttp_new(base)) == NULL)
		fatalx("evhttp_new failed");
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(http, 8192);
	evhttp_set_max_body_size(http, 0);
	evhttp_set_timeout(http, 10);
	evhttp_set_cb(http, "/healthz", http_healthz, NULL);
	evhttp_set_cb(http, "/readyz", http_readyz, NULL);
	evhttp_set_cb(http, "/metrics", http_metrics, NULL);
	evhttp_set_gencb(http, http_not_found, NULL);
	if (evhttp_bind_socket(http, l->host, (ev_uint16_t)l->port) == -1) {
		log_warnx("http: cannot listen on %s:%d", l->host, l->port);
		return -1;
	}
	log_info("http: /healthz, /readyz and /metrics on %s:%d", l->host,
	    l->port);
	return 0;
}

/* Stops the HTTP listener. */
void
http_stop(void)
{
	scrape_abort_all();
	if (http != NULL)
		evhttp_free(http);
	http = NULL;
}
