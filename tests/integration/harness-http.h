/* A plain HTTP/1.0 GET against a daemon's HTTP listener, for tests of /readyz and /metrics. */
#ifndef HARNESS_HTTP_H
#define HARNESS_HTTP_H

/*
 * Sends "GET path" to 127.0.0.1:port with an optional "principal:token" as
 * HTTP Basic; returns the whole answer, headers and body (free it). Fails
 * the test (cmocka) if the daemon cannot be reached.
 */
char *harness_http_get(int port, const char *path, const char *credential);

#endif
