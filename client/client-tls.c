/* libhotline's TLS: an OpenSSL client session over the library's socket, with the daemon's certificate and name checked. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "client-tls.h"

struct client_tls {
	SSL_CTX *ctx;
	SSL *ssl;
};

/*
 * The socket BIO writes with write(2), which raises SIGPIPE on a closed
 * connection; a library must not kill its caller, so records go through
 * this BIO, which sends with MSG_NOSIGNAL.
 */
static BIO_METHOD *client_bio_method;
static CRYPTO_ONCE client_bio_once = CRYPTO_ONCE_STATIC_INIT;

/* BIO: writes with send(MSG_NOSIGNAL). */
static int
client_bio_write(BIO *b, const char *data, int len)
{
	ssize_t n = send(BIO_get_fd(b, NULL), data, (size_t)len, MSG_NOSIGNAL);

	BIO_clear_retry_flags(b);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_write(b);
	return (int)n;
}

/* BIO: reads with recv(2). */
static int
client_bio_read(BIO *b, char *data, int len)
{
	ssize_t n = recv(BIO_get_fd(b, NULL), data, (size_t)len, 0);

	BIO_clear_retry_flags(b);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_read(b);
	return (int)n;
}

/* Makes the BIO method once: the socket BIO with our read and write. */
static void
client_bio_init(void)
{
	const BIO_METHOD *sock = BIO_s_socket();
	BIO_METHOD *m;

	m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK |
	    BIO_TYPE_DESCRIPTOR, "libhotline socket");
	if (m == NULL)
		return;
	BIO_meth_set_write(m, client_bio_write);
	BIO_meth_set_read(m, client_bio_read);
	BIO_meth_set_ctrl(m, BIO_meth_get_ctrl(sock));
	BIO_meth_set_create(m, BIO_meth_get_create(sock));
	BIO_meth_set_destroy(m, BIO_meth_get_destroy(sock));
	client_bio_method = m;
}

/* Returns the BIO method, or NULL if it could not be made. */
static BIO_METHOD *
client_bio(void)
{
	if (CRYPTO_THREAD_run_once(&client_bio_once, client_bio_init) != 1)
		return NULL;
	return client_bio_method;
}

/* Describes OpenSSL's last error (and a failed certificate check) into msg. */
static void
client_tls_why(const SSL *ssl, const char *what, char *msg, size_t msglen)
{
	char ossl[256] = "";
	unsigned long e = ERR_peek_last_error();
	long verify = ssl != NULL ? SSL_get_verify_result(ssl) : X509_V_OK;

	if (e != 0)
		ERR_error_string_n(e, ossl, sizeof ossl);
	ERR_clear_error();
	if (verify != X509_V_OK)
		snprintf(msg, msglen, "%s: the daemon's certificate: %s", what,
		    X509_verify_cert_error_string(verify));
	else
		snprintf(msg, msglen, "%s: %s", what, ossl[0] != '\0' ? ossl :
		    "connection closed by the daemon");
}

/* Loads the CAs and the client certificate of opts into ctx; 0, or -1 with msg. */
static int
client_tls_load(SSL_CTX *ctx, const struct hl_tls *opts, char *msg,
    size_t msglen)
{
	const char *key;

	if (opts->ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, opts->ca_file, NULL) != 1) {
			client_tls_why(NULL, opts->ca_file, msg, msglen);
			return -1;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		client_tls_why(NULL, "the system's CAs", msg, msglen);
		return -1;
	}
	if (opts->cert_file == NULL)
		return 0;
	key = opts->key_file != NULL ? opts->key_file : opts->cert_file;
	if (SSL_CTX_use_certificate_chain_file(ctx, opts->cert_file) != 1) {
		client_tls_why(NULL, opts->cert_file, msg, msglen);
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		client_tls_why(NULL, key, msg, msglen);
		return -1;
	}
	return 0;
}

/* Asks for name (an IP address or a DNS name) in the certificate; sends SNI for names. */
static int
client_tls_name(SSL *ssl, const char *name)
{
	unsigned char addr[16];

	if (inet_pton(AF_INET, name, addr) == 1 ||
	    inet_pton(AF_INET6, name, addr) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
		    name) == 1 ? 0 : -1;
	if (SSL_set1_host(ssl, name) != 1 ||
	    SSL_set_tlsext_host_name(ssl, name) != 1)
		return -1;
	return 0;
}

/* Makes the context and session of t for fd; 0, or -1 with msg. */
static int
client_tls_setup(struct client_tls *t, int fd, const char *name,
    const struct hl_tls *opts, char *msg, size_t msglen)
{
	BIO_METHOD *m = client_bio();
	BIO *bio;

	if (m == NULL || (t->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		client_tls_why(NULL, "TLS", msg, msglen);
		return -1;
	}
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(t->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	if (client_tls_load(t->ctx, opts, msg, msglen) == -1)
		return -1;
	if ((t->ssl = SSL_new(t->ctx)) == NULL ||
	    (bio = BIO_new(m)) == NULL) {
		client_tls_why(NULL, "TLS", msg, msglen);
		return -1;
	}
	BIO_set_fd(bio, fd, BIO_NOCLOSE);
	SSL_set_bio(t->ssl, bio, bio);
	if (client_tls_name(t->ssl, name) == -1) {
		client_tls_why(NULL, name, msg, msglen);
		return -1;
	}
	return 0;
}

/* Maps SSL_get_error after a call that returned r: 1 to retry (with *want), 0 at EOF, -1 on failure. */
static int
client_tls_retry(struct client_tls *t, int r, short *want)
{
	switch (SSL_get_error(t->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		*want = POLLIN;
		return 1;
	case SSL_ERROR_WANT_WRITE:
		*want = POLLOUT;
		return 1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	default:
		return -1;
	}
}

/* See client-tls.h. */
struct client_tls *
client_tls_start(int fd, const char *host, const struct hl_tls *opts,
    int64_t deadline, int (*wait)(int, short, int64_t), int *code, char *msg,
    size_t msglen)
{
	struct client_tls *t = calloc(1, sizeof *t);
	const char *name = opts->server_name != NULL ? opts->server_name : host;
	short want = POLLOUT;
	int r, flags = fcntl(fd, F_GETFL);

	*code = HL_ERR_IO;
	if (t == NULL) {
		*code = HL_ERR_NOMEM;
		snprintf(msg, msglen, "out of memory");
		return NULL;
	}
	if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    client_tls_setup(t, fd, name, opts, msg, msglen) == -1) {
		if (flags == -1)
			snprintf(msg, msglen, "fcntl: %s", strerror(errno));
		client_tls_free(t);
		return NULL;
	}
	while ((r = SSL_connect(t->ssl)) != 1) {
		if (client_tls_retry(t, r, &want) != 1) {
			client_tls_why(t->ssl, "TLS handshake", msg, msglen);
			client_tls_free(t);
			return NULL;
		}
		if ((r = wait(fd, want, deadline)) <= 0) {
			if (r == 0)
				*code = HL_ERR_TIMEOUT;
			snprintf(msg, msglen, "TLS handshake: %s", r == 0 ?
			    "timed out" : strerror(errno));
			client_tls_free(t);
			return NULL;
		}
	}
	return t;
}

/* See client-tls.h. */
ssize_t
client_tls_read(struct client_tls *t, void *buf, size_t len, short *want,
    char *msg, size_t msglen)
{
	size_t n = 0;
	int r;

	ERR_clear_error();
	if ((r = SSL_read_ex(t->ssl, buf, len, &n)) == 1)
		return (ssize_t)n;
	if ((r = client_tls_retry(t, r, want)) == 1) {
		errno = EAGAIN;
		return -1;
	}
	if (r == 0)
		return 0;
	client_tls_why(t->ssl, "TLS read", msg, msglen);
	errno = EIO;
	return -1;
}

/* See client-tls.h. */
ssize_t
client_tls_write(struct client_tls *t, const void *buf, size_t len,
    short *want, char *msg, size_t msglen)
{
	size_t n = 0;
	int r;

	ERR_clear_error();
	if ((r = SSL_write_ex(t->ssl, buf, len, &n)) == 1)
		return (ssize_t)n;
	if (client_tls_retry(t, r, want) == 1) {
		errno = EAGAIN;
		return -1;
	}
	client_tls_why(t->ssl, "TLS write", msg, msglen);
	errno = EIO;
	return -1;
}

/* See client-tls.h. */
int
client_tls_pending(const struct client_tls *t)
{
	return t != NULL && SSL_pending(t->ssl) > 0;
}

/* See client-tls.h. */
void
client_tls_free(struct client_tls *t)
{
	if (t == NULL)
		return;
	if (t->ssl != NULL) {
		if (SSL_is_init_finished(t->ssl))
			SSL_shutdown(t->ssl);
		SSL_free(t->ssl);
	}
	SSL_CTX_free(t->ctx);
	ERR_clear_error();
	free(t);
}
