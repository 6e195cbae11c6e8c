/* Integration tests of TLS listeners: hello over TLS, certificate checks, client certificates as principals, garbage, reloads, the plaintext rule. */
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* Principals that log in by client certificate: by CN, and by fingerprint. */
#define CERT_PRINCIPALS ",\n\t{ id = \"zjj-cert-01\"; role = \"department\"; " \
	"department = \"zjj\"; cert_cn = \"zjj-terminal-7\"; },\n\t" \
	"{ id = \"agent-fp\"; role = \"agent\"; cert_sha256 = \"%s\"; }"

static struct harness h;
static struct hl_client *admin;
static char tcp[64];		/* the TLS listener, 127.0.0.1:port */
static char ca[HARNESS_PATH], other_ca[HARNESS_PATH];

/* Runs a shell command; returns its output's first line (static) or fails. */
static const char *
run(const char *fmt, ...)
{
	static char line[1024];
	char cmd[2048];
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if ((p = popen(cmd, "r")) == NULL)
		return NULL;
	line[0] = '\0';
	if (fgets(line, sizeof line, p) == NULL)
		line[0] = '\0';
	while (fgetc(p) != EOF)
		;
	if (pclose(p) != 0)
		return NULL;
	line[strcspn(line, "\n")] = '\0';
	return line;
}

/* Makes the test CAs in h.dir: ca/ (server, zjj-terminal-7, agent-fp) and other/. */
static int
make_cas(char *fingerprint, size_t len)
{
	const char *src = getenv("HOTLINE_SRCDIR"), *out;

	if (src == NULL || *src == '\0')
		src = ".";
	out = run("%s/scripts/make-test-ca.sh %s/other stray >/dev/null && "
	    "%s/scripts/make-test-ca.sh %s/ca zjj-terminal-7 agent-fp | "
	    "grep '^agent-fp '", src, h.dir, src, h.dir);
	if (out == NULL || strlen(out) < 20) {
		fprintf(stderr, "test-tls: make-test-ca.sh failed\n");
		return -1;
	}
	snprintf(fingerprint, len, "%s", strrchr(out, ' ') + 1);
	snprintf(ca, sizeof ca, "%s/ca/ca.pem", h.dir);
	snprintf(other_ca, sizeof other_ca, "%s/other/ca.pem", h.dir);
	return 0;
}

/* Turns the TCP listener of the main daemon's config into a TLS one with certs from dir. */
static int
enable_tls(const char *dir)
{
	char from[128], to[1024];

	snprintf(from, sizeof from, "address = \"127.0.0.1:%d\"; }",
	    h.main.tcp_port);
	snprintf(to, sizeof to, "address = \"127.0.0.1:%d\"; tls = { "
	    "cert = \"%s/%s/server.pem\"; key = \"%s/%s/server.key\"; "
	    "client_ca = \"%s/ca/ca.pem\"; }; }", h.main.tcp_port, h.dir, dir,
	    h.dir, dir, h.dir);
	return harness_edit_config(&h.main, from, to);
}

/* Group setup: servers, certificates, a TLS listener and certificate principals. */
static int
setup(void **state)
{
	char fp[128], extra[512];

	(void)state;
	if (harness_start(&h) == -1)
		return -1;
	snprintf(tcp, sizeof tcp, "127.0.0.1:%d", h.main.tcp_port);
	if (make_cas(fp, sizeof fp) == -1) {
		harness_stop(&h);
		return -1;
	}
	snprintf(extra, sizeof extra, CERT_PRINCIPALS, fp);
	if (harness_write_config(&h, &h.main, "hotlined", extra) == -1 ||
	    enable_tls("ca") == -1 || harness_restart(&h) == -1 ||
	    (admin = harness_login(&h, "admin01")) == NULL) {
		harness_stop(&h);
		return -1;
	}
	return 0;
}

/* Group teardown. */
static int
teardown(void **state)
{
	(void)state;
	return harness_group_stop(&h, admin);
}

/*
 * Connects over TLS trusting ca_file, with an optional client certificate
 * (client: "ca/client-<cn>" under h.dir, .pem and .key) and server name.
 */
static struct hl_client *
connect_tls(const char *ca_file, const char *client, const char *name,
    struct hl_error *err)
{
	char cert[HARNESS_PATH + 64], key[HARNESS_PATH + 64];
	struct hl_tls tls = { ca_file, NULL, NULL, name };

	if (client != NULL) {
		snprintf(cert, sizeof cert, "%s/%s.pem", h.dir, client);
		snprintf(key, sizeof key, "%s/%s.key", h.dir, client);
		tls.cert_file = cert;
		tls.key_file = key;
	}
	memset(err, 0, sizeof *err);
	return hl_connect_tls(tcp, HARNESS_CALL_MS, &tls, err);
}

/* Says hello over TLS; returns HelloOk (free it) or NULL with err. */
static Hotline__Envelope *
hello(struct hl_client *c, const char *principal, const char *token,
    struct hl_error *err)
{
	Hotline__Envelope *ok = NULL;

	memset(err, 0, sizeof *err);
	if (hl_hello(c, ROLE(UNSPECIFIED), principal, token, &ok, err) == -1)
		return NULL;
	return ok;
}

/* Hello over TLS with a token, then a ping; the session is an ordinary one. */
static void
test_tls_hello(void **state)
{
	struct hl_client *c;
	Hotline__Envelope *ok;
	struct hl_error err;

	(void)state;
	c = connect_tls(ca, NULL, NULL, &err);
	if (c == NULL)
		fail_msg("TLS connect: %s", err.message);
	ok = hello(c, "agent01", "agent01-test", &err);
	assert_reply(ok, err);
	assert_string_equal(ok->hello_ok->principal, "agent01");
	assert_string_equal(ok->hello_ok->authenticated_by, "credential");
	hl_envelope_free(ok);
	assert_true(harness_ping(c, &err) >= 0);
	hl_close(c);
	/* The name in the certificate: localhost works, another name does not. */
	c = connect_tls(ca, NULL, "localhost", &err);
	assert_non_null(c);
	hl_close(c);
	assert_null(connect_tls(ca, NULL, "hotline.example", &err));
	assert_int_equal(err.code, HL_ERR_IO);
	assert_non_null(strstr(err.message, "certificate"));
}

/* A client that trusts another CA refuses the daemon; so does one trusting nothing given. */
static void
test_wrong_ca(void **state)
{
	struct hl_error err;

	(void)state;
	assert_null(connect_tls(other_ca, NULL, NULL, &err));
	assert_int_equal(err.code, HL_ERR_IO);
	assert_non_null(strstr(err.message, "certificate"));
	assert_null(hl_connect_tls(tcp, HARNESS_CALL_MS, NULL, &err));
	harness_assert_serving(&h);
}

/*
 * A client certificate mapped to a principal logs it in without a token
 * (principal named or left empty); the mapping is checked, not just the CA.
 */
static void
test_client_cert_principal(void **state)
{
	struct hl_client *c;
	Hotline__Envelope *ok;
	struct hl_error err;

	(void)state;
	/* By CN, principal left empty: the certificate's principal. */
	assert_non_null(c = connect_tls(ca, "ca/client-zjj-terminal-7", NULL,
	    &err));
	ok = hello(c, "", "", &err);
	assert_reply(ok, err);
	assert_string_equal(ok->hello_ok->principal, "zjj-cert-01");
	assert_string_equal(ok->hello_ok->department, "zjj");
	assert_int_equal(ok->hello_ok->role, ROLE(DEPARTMENT));
	assert_string_equal(ok->hello_ok->authenticated_by, "certificate");
	hl_envelope_free(ok);
	hl_close(c);

	/* By fingerprint, principal named. */
	assert_non_null(c = connect_tls(ca, "ca/client-agent-fp", NULL, &err));
	ok = hello(c, "agent-fp", "", &err);
	assert_reply(ok, err);
	assert_string_equal(ok->hello_ok->authenticated_by, "certificate");
	hl_envelope_free(ok);
	hl_close(c);

	/* A certificate does not stand for another principal ... */
	assert_non_null(c = connect_tls(ca, "ca/client-agent-fp", NULL, &err));
	assert_null(hello(c, "zjj-cert-01", "", &err));
	assert_int_equal(err.code, ERR(UNAUTHENTICATED));
	hl_close(c);
	/* ... but a token still works beside it. */
	assert_non_null(c = connect_tls(ca, "ca/client-agent-fp", NULL, &err));
	ok = hello(c, "agent02", "agent02-test", &err);
	assert_reply(ok, err);
	assert_string_equal(ok->hello_ok->authenticated_by, "credential");
	hl_envelope_free(ok);
	hl_close(c);

	/* Without a certificate a certificate-only principal cannot log in. */
	assert_non_null(c = connect_tls(ca, NULL, NULL, &err));
	assert_null(hello(c, "zjj-cert-01", "", &err));
	assert_int_equal(err.code, ERR(UNAUTHENTICATED));
	hl_close(c);

	/* A client certificate from another CA: the handshake fails. */
	c = connect_tls(ca, "other/client-stray", NULL, &err);
	if (c != NULL) {
		/* TLS 1.3: the daemon's refusal arrives after the handshake. */
		assert_null(hello(c, "", "", &err));
		assert_int_equal(err.code, HL_ERR_IO);
		hl_close(c);
	}
}

/* Reads from fd until the daemon closes it; fails after HARNESS_CALL_MS. */
static void
assert_closed_raw(int fd)
{
	int64_t end = harness_now_ms() + HARNESS_CALL_MS;
	struct pollfd pfd = { fd, POLLIN, 0 };
	char buf[4096];
	ssize_t n;

	while (harness_now_ms() < end) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof buf, 0);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return;
	}
	fail_msg("the daemon kept a garbage connection open");
}

/* Plain frames, random bytes and a broken record on the TLS port: closed, no crash. */
static void
test_garbage(void **state)
{
	static const uint8_t record[] = { 0x16, 0x03, 0x01, 0x40, 0x00, 0x01,
	    0x00, 0xff, 0xff, 0x03, 0x03 };
	Hotline__Ping ping = HOTLINE__PING__INIT;
	struct hl_client *c;
	struct hl_error err;
	uint8_t junk[3000];
	size_t i;

	(void)state;
	/* A plaintext client: its hello is not TLS. */
	assert_non_null(c = harness_connect(tcp));
	assert_int_equal(harness_send(c, 1, BODY(PING), &ping), 0);
	assert_closed_raw(hl_fd(c));
	hl_close(c);
	for (i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 7919u >> 3);
	assert_non_null(c = harness_connect(tcp));
	assert_int_equal(hl_send_raw(c, junk, sizeof junk, &err), 0);
	assert_closed_raw(hl_fd(c));
	hl_close(c);
	/* A handshake record whose length runs past what is sent, then junk. */
	assert_non_null(c = harness_connect(tcp));
	assert_int_equal(hl_send_raw(c, record, sizeof record, &err), 0);
	assert_int_equal(hl_send_raw(c, junk, 200, &err), 0);
	shutdown(hl_fd(c), SHUT_WR);
	assert_closed_raw(hl_fd(c));
	hl_close(c);
	harness_assert_serving(&h);
	assert_non_null(c = connect_tls(ca, NULL, NULL, &err));
	hl_close(c);
}

/* Runs hotlined -n on the main config with from replaced by to; returns its exit status and output. */
static int
check_config(const char *from, const char *to, char *out, size_t outlen)
{
	const char *daemon = getenv("HOTLINED");
	struct harness_daemon copy = h.main;
	char cmd[1024];
	FILE *p;
	size_t n;
	int status;

	snprintf(copy.conf, sizeof copy.conf, "%s/check.conf", h.dir);
	snprintf(cmd, sizeof cmd, "cp %s %s", h.main.conf, copy.conf);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(harness_edit_config(&copy, from, to), 0);
	snprintf(cmd, sizeof cmd, "%s -n -f %s 2>&1", daemon != NULL &&
	    *daemon != '\0' ? daemon : "build/hotlined", copy.conf);
	assert_non_null(p = popen(cmd, "r"));
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* hotlined -n refuses plain TCP on a non-loopback address unless the file says so. */
static void
test_plaintext_nonloopback(void **state)
{
	char out[2048], from[96];

	(void)state;
	snprintf(from, sizeof from, "\"%s\"; tls = {", tcp);
	assert_int_equal(check_config(from, "\"0.0.0.0:1\"; xtls = {", out,
	    sizeof out), 1);
	assert_non_null(strstr(out, "unknown key"));
	assert_int_equal(check_config("{ address = \"127.0.0.1:", "{ address = "
	    "\"0.0.0.0:1\"; }, { address = \"127.0.0.1:", out, sizeof out), 1);
	assert_non_null(strstr(out, "plain TCP on the non-loopback address "
	    "0.0.0.0"));
	assert_int_equal(check_config("{ address = \"127.0.0.1:", "{ address = "
	    "\"0.0.0.0:1\"; plaintext_nonloopback = true; }, "
	    "{ address = \"127.0.0.1:", out, sizeof out), 0);
	assert_int_equal(check_config("{ address = \"127.0.0.1:", "{ address = "
	    "\"[::1]:1\"; }, { address = \"127.0.0.1:", out, sizeof out), 0);
	assert_int_equal(check_config("/ca/server.key", "/ca/client-agent-fp.key",
	    out, sizeof out), 1);
	assert_non_null(strstr(out, "listen[0].tls"));
}

/* Asks for a reload as admin01; returns 0, or the error code. */
static int
reload(struct hl_error *err)
{
	Hotline__ReloadRequest req = HOTLINE__RELOAD_REQUEST__INIT;
	Hotline__Envelope *rep;

	rep = harness_call(admin, BODY(RELOAD), &req, err);
	hl_envelope_free(rep);
	return rep != NULL ? 0 : err->code;
}

/*
 * A reload takes new certificates for new connections; a reload with a bad
 * certificate is refused and the one in force keeps serving.
 */
static void
test_reload_certificates(void **state)
{
	char new_ca[HARNESS_PATH + 16], bad[HARNESS_PATH + 16];
	const char *src = getenv("HOTLINE_SRCDIR");
	struct hl_client *c;
	struct hl_error err;
	FILE *f;

	(void)state;
	assert_non_null(run("%s/scripts/make-test-ca.sh %s/ca2",
	    src != NULL && *src != '\0' ? src : ".", h.dir));
	snprintf(new_ca, sizeof new_ca, "%s/ca2/ca.pem", h.dir);
	assert_int_equal(harness_edit_config(&h.main, "/ca/server.pem",
	    "/ca2/server.pem"), 0);
	assert_int_equal(harness_edit_config(&h.main, "/ca/server.key",
	    "/ca2/server.key"), 0);
	assert_int_equal(reload(&err), 0);
	assert_non_null(c = connect_tls(new_ca, NULL, NULL, &err));
	hl_close(c);
	assert_null(connect_tls(ca, NULL, NULL, &err));

	/* A broken certificate: refused, the new one stays. */
	snprintf(bad, sizeof bad, "%s/bad.pem", h.dir);
	assert_non_null(f = fopen(bad, "w"));
	fputs("-----BEGIN CERTIFICATE-----\nnot a certificate\n"
	    "-----END CERTIFICATE-----\n", f);
	fclose(f);
	assert_int_equal(harness_edit_config(&h.main, "/ca2/server.pem",
	    "/bad.pem"), 0);
	assert_int_equal(reload(&err), ERR(BAD_REQUEST));
	assert_non_null(strstr(err.message, "bad.pem"));
	assert_non_null(c = connect_tls(new_ca, NULL, NULL, &err));
	hl_close(c);
	assert_int_equal(harness_edit_config(&h.main, "/bad.pem",
	    "/ca2/server.pem"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls_hello),
		cmocka_unit_test(test_wrong_ca),
		cmocka_unit_test(test_client_cert_principal),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_plaintext_nonloopback),
		cmocka_unit_test(test_reload_certificates),
	};

	harness_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
