/* TLS on the HTTP listener (http.tls): every evhttp connection on an OpenSSL bufferevent, so the page's cookie and tokens travel encrypted. */
#include <openssl/ssl.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>

#include "http-conn.h"
#include "hotlined.h"

static SSL_CTX *http_tls_ctx;

/* evhttp (through http-conn.c): a new connection gets a TLS bufferevent of the running context (NULL: dropped). */
struct bufferevent *
http_tls_bev(struct event_base *base, void *arg)
{
	SSL *ssl;

	(void)arg;
	if (http_tls_ctx == NULL || (ssl = SSL_new(http_tls_ctx)) == NULL)
		return NULL;

	return bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

/* Puts http behind TLS with spec's certificate and key; -1 (logged) if they do not load. */
int
http_tls_start(struct evhttp *http, const struct tls_spec *spec)
{
	char err[256];

	if ((http_tls_ctx = tls_context_new(spec, err, sizeof err)) == NULL) {
		log_warnx("http: TLS: %s", err);
		return -1;
	}
	evhttp_set_bevcb(http, http_tls_bev, http_tls_ctx);
	return 0;
}

/* Returns 1 if the running listener speaks TLS (a reload does not change it). */
int
http_tls_on(void)
{
	return http_tls_ctx != NULL;
}

/* Frees the TLS context once the listener is gone. */
void
http_tls_stop(void)
{
	SSL_CTX_free(http_tls_ctx);
	http_tls_ctx = NULL;
}
