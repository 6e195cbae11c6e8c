/* The HTTP side for operators and monitoring: /healthz, /readyz and /metrics (libevent's evhttp). */
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <openssl/evp.h>

#include "hotlined.h"

static struct evhttp *http;

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

/*
 * Returns 1 if the request carries HTTP Basic credentials of a supervisor
 * or admin principal ("Authorization: Basic base64(principal:token)").
 */
static int
http_credential_ok(struct evhttp_request *req)
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	unsigned char plain[256];
	const struct principal *p;
	char *colon;
	int n;

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
	p = config_principal(cfg, (char *)plain);
	return p != NULL && (p->role == HOTLINE__ROLE__ROLE_SUPERVISOR ||
	    p->role == HOTLINE__ROLE__ROLE_ADMIN) &&
	    auth_verify(p->credential, colon + 1);
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
		http_text(req, HTTP_OK, "OK", "ready\n");
}

/* GET /metrics: Prometheus text; allow-listed addresses or a supervisor's credential. */
static void
http_metrics(struct evhttp_request *req, void *arg)
{
	(void)arg;
	if (!http_peer_allowed(req) && !http_credential_ok(req)) {
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
