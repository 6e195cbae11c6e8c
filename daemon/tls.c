/* TLS on listeners: OpenSSL contexts from the config, bufferevent_openssl connections, client certificates as principals. */
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "hotlined.h"

#define TLS_SESSION_CONTEXT "hotlined"

/* Writes "what: <OpenSSL's last error>" into err and clears OpenSSL's queue; returns NULL. */
static SSL_CTX *
tls_fail(SSL_CTX *ctx, char *err, size_t errlen, const char *what,
    const char *path)
{
	char ossl[256] = "unknown error";
	unsigned long e = ERR_peek_last_error();

	if (e != 0)
		ERR_error_string_n(e, ossl, sizeof ossl);
	ERR_clear_error();
	snprintf(err, errlen, "%s %s: %s", what, path, ossl);
	SSL_CTX_free(ctx);
	return NULL;
}

/*
 * Makes a server context for spec: TLS 1.2 or later, the certificate chain
 * and key (checked to belong together), and, with client_ca, client
 * certificates asked for and verified against it (required if
 * require_client_cert). Returns it, or NULL with the reason in err.
 */
SSL_CTX *
tls_context_new(const struct tls_spec *spec, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	STACK_OF(X509_NAME) *names;
	int mode;

	if (ctx == NULL)
		return tls_fail(NULL, err, errlen, "cannot make", "a context");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_session_id_context(ctx,
	    (const unsigned char *)TLS_SESSION_CONTEXT,
	    sizeof TLS_SESSION_CONTEXT - 1);
	if (SSL_CTX_use_certificate_chain_file(ctx, spec->cert) != 1)
		return tls_fail(ctx, err, errlen, "certificate", spec->cert);
	if (SSL_CTX_use_PrivateKey_file(ctx, spec->key, SSL_FILETYPE_PEM) != 1)
		return tls_fail(ctx, err, errlen, "key", spec->key);
	if (SSL_CTX_check_private_key(ctx) != 1)
		return tls_fail(ctx, err, errlen, "key does not match the "
		    "certificate", spec->cert);
	if (spec->client_ca == NULL)
		return ctx;
	if (SSL_CTX_load_verify_locations(ctx, spec->client_ca, NULL) != 1 ||
	    (names = SSL_load_client_CA_file(spec->client_ca)) == NULL)
		return tls_fail(ctx, err, errlen, "client_ca", spec->client_ca);
	SSL_CTX_set_client_CA_list(ctx, names);
	mode = SSL_VERIFY_PEER;
	if (spec->require_client_cert)
		mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
	SSL_CTX_set_verify(ctx, mode, NULL);
	return ctx;
}

/*
 * Builds (and frees) the context of every TLS listener of config, so that
 * hotlined -n and a start refuse unreadable or mismatched files with a
 * clear message. Returns 0, or -1 with "listen[i].tls: why" in err.
 */
int
tls_check(const struct config *config, char *err, size_t errlen)
{
	char why[512];
	SSL_CTX *ctx;
	size_t i;

	for (i = 0; i < config->nlistens; i++) {
		if (config->listens[i].tls == NULL)
			continue;
		if ((ctx = tls_context_new(config->listens[i].tls, why,
		    sizeof why)) == NULL) {
			snprintf(err, errlen, "%s: listen[%zu].tls: %s",
			    config->path, i, why);
			return -1;
		}
		SSL_CTX_free(ctx);
	}
	return 0;
}

/* Returns a bufferevent that accepts a TLS handshake on fd with ctx (it owns fd). */
struct bufferevent *
tls_bufferevent(struct event_base *base, SSL_CTX *ctx, evutil_socket_t fd)
{
	struct bufferevent *bev;
	SSL *ssl = SSL_new(ctx);

	if (ssl == NULL)
		return NULL;
	bev = bufferevent_openssl_socket_new(base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	/* Clients that hang up without close_notify are not an error. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* Logs why a TLS connection failed (handshake garbage, a refused certificate). */
void
tls_log_error(const struct conn *c)
{
	unsigned long e;
	char why[256];
	int n = 0;

	while ((e = bufferevent_get_openssl_error(c->bev)) != 0 && n++ < 4) {
		if (ERR_GET_LIB(e) == 0)	/* libevent's errno entries */
			continue;
		ERR_error_string_n(e, why, sizeof why);
		log_info("connection %llu (%s): TLS: %s",
		    (unsigned long long)c->id, c->peer, why);
	}
}

/* Sends close_notify, best effort, before c's bufferevent is freed. */
void
tls_shutdown(const struct conn *c)
{
	SSL *ssl;

	if (!c->tls || (ssl = bufferevent_openssl_get_ssl(c->bev)) == NULL)
		return;
	if (SSL_is_init_finished(ssl))
		SSL_shutdown(ssl);
	ERR_clear_error();
}

/*
 * Reads the verified client certificate of c: its subject's CN (UTF-8,
 * "" if none or if it has a NUL) into cn and its SHA-256 fingerprint.
 * Returns 1, or 0 if c has no verified client certificate.
 */
static int
tls_peer(const struct conn *c, char *cn, size_t cnlen, unsigned char fp[32])
{
	SSL *ssl;
	X509 *x;
	X509_NAME *name;
	unsigned char *utf8 = NULL;
	unsigned n = 32;
	int i, len;

	cn[0] = '\0';
	if (!c->tls || (ssl = bufferevent_openssl_get_ssl(c->bev)) == NULL ||
	    (x = SSL_get0_peer_certificate(ssl)) == NULL ||
	    SSL_get_verify_result(ssl) != X509_V_OK ||
	    SSL_get_verify_mode(ssl) == SSL_VERIFY_NONE)
		return 0;
	if (X509_digest(x, EVP_sha256(), fp, &n) != 1 || n != 32)
		return 0;
	name = X509_get_subject_name(x);
	if ((i = X509_NAME_get_index_by_NID(name, NID_commonName, -1)) >= 0 &&
	    (len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(name, i)))) > 0 && (size_t)len < cnlen &&
	    memchr(utf8, '\0', (size_t)len) == NULL) {
		memcpy(cn, utf8, (size_t)len);
		cn[len] = '\0';
	}
	OPENSSL_free(utf8);
	return 1;
}

/* Returns 1 if p's certificate mapping matches the peer's certificate. */
static int
tls_matches(const struct principal *p, const char *cn,
    const unsigned char fp[32])
{
	if (p->cert_cn == NULL && !p->has_cert_sha256)
		return 0;
	if (p->cert_cn != NULL && strcmp(p->cert_cn, cn) != 0)
		return 0;
	if (p->has_cert_sha256 && CRYPTO_memcmp(p->cert_sha256, fp, 32) != 0)
		return 0;
	return 1;
}

/*
 * Finds the principal c's verified client certificate stands for: p if
 * its cert_cn / cert_sha256 match (both, when both are set), or with p
 * NULL the first principal of config that matches. NULL if none does.
 */
const struct principal *
tls_principal(const struct conn *c, const struct config *config,
    const struct principal *p)
{
	unsigned char fp[32];
	char cn[256];
	size_t i;

	if (!tls_peer(c, cn, sizeof cn, fp))
		return NULL;
	if (p != NULL)
		return tls_matches(p, cn, fp) ? p : NULL;
	for (i = 0; i < config->nprincipals; i++)
		if (tls_matches(&config->principals[i], cn, fp))
			return &config->principals[i];
	return NULL;
}
