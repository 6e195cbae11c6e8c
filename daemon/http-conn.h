/* http-conn.c: every HTTP connection counted, capped with the protobuf ones, and held to a header deadline. */
#ifndef HTTP_CONN_H
#define HTTP_CONN_H

struct bufferevent;
struct event_base;
struct evconnlistener;
struct evhttp;

/*
 * Makes evhttp's connections' bufferevents (the socket's, or what make
 * gives: the TLS one) so that hotlined sees each one open and close
 * (within a second): http_conn_count() of them are open; the
 * listener is paused while they reach http.max_connections or, with the
 * protobuf connections, limits.max_connections. Each request's header
 * (and body) must arrive within http.header_timeout_ms of its first byte
 * (a byte every few seconds keeps no connection). make may be NULL.
 */
void http_conn_setup(struct event_base *, struct evhttp *,
    struct evconnlistener *,
    struct bufferevent *(*make)(struct event_base *, void *), void *make_arg);
/* http-tls.c: a TLS bufferevent of the running context, for http_conn_setup's make. */
struct bufferevent *http_tls_bev(struct event_base *, void *);
/* HTTP connections open now. */
int http_conn_count(void);
/* Accepts connections again if there is room (after a pause for EMFILE or the cap). */
void http_conn_resume(void);
/* The listener is going away (call before evhttp_free): no more pausing or resuming it. */
void http_conn_stop(void);

#endif
