/* libhotline: a blocking client for hotlined's protocol (connect, hello, requests, events). */
#ifndef HOTLINE_CLIENT_H
#define HOTLINE_CLIENT_H

/*
 * Ownership, in one place:
 * - Messages you pass in (requests) stay yours; the library only reads them
 *   while the call runs.
 * - Envelopes the library hands out (replies, events, frames) are yours;
 *   free each with hl_envelope_free(). Pointers into them die with them.
 * - A struct hl_client is used by one thread at a time; hl_close() frees it.
 * Errors: functions returning int give 0 (or a count) on success and -1 on
 * failure with *err filled; err may be NULL when the caller does not care.
 * After HL_ERR_IO or HL_ERR_PROTOCOL the connection is unusable: close it.
 */

#include <stddef.h>
#include <stdint.h>

#include "hotline.pb-c.h"

/* Local error codes (negative); positive codes are Hotline__ErrorCode. */
#define HL_ERR_IO (-1)		/* connect, read or write failed; peer closed */
#define HL_ERR_PROTOCOL (-2)	/* the daemon sent something unreadable */
#define HL_ERR_TIMEOUT (-3)	/* nothing arrived in time */
#define HL_ERR_NOMEM (-4)
#define HL_ERR_USAGE (-5)	/* bad argument, e.g. an unparsable address */

struct hl_error {
	int code;		/* HL_ERR_* or a Hotline__ErrorCode */
	char message[512];	/* human-readable: the daemon's in Chinese */
	char message_en[512];	/* the daemon's in English; "" if it sent none */
	char field[128];	/* offending field, from the daemon's Error */
	Hotline__TicketState state;	/* with CONFLICT: the ticket's state */
};

struct hl_client;

/*
 * Connects to address: "host:port", "[v6addr]:port", "unix:/path/to.sock",
 * or a path starting with '/' or '.'. timeout_ms bounds the connect and is
 * the default for later calls (<= 0: wait forever). Returns NULL on failure.
 */
struct hl_client *hl_connect(const char *address, int timeout_ms,
    struct hl_error *err);

/* TLS settings of hl_connect_tls; NULL members take the default. */
struct hl_tls {
	const char *ca_file;	/* PEM CAs the daemon's certificate must chain
				   to; NULL: the system's default CAs */
	const char *cert_file;	/* PEM client certificate (and chain), or NULL */
	const char *key_file;	/* its private key; NULL: in cert_file */
	const char *server_name;	/* DNS name or IP address the daemon's
				   certificate must carry; NULL: the address's host */
};

/*
 * Like hl_connect over TLS (1.2 or later): the daemon's certificate must
 * chain to tls->ca_file and carry the server name; with cert_file the
 * client shows its certificate (a principal may be mapped to it, so that
 * hl_hello needs no credential). TCP addresses only. Returns NULL with err
 * (HL_ERR_IO and the reason, e.g. a failed certificate check) on failure.
 * hl_fd's socket then carries TLS records: poll it only to wait, never
 * read it directly.
 */
struct hl_client *hl_connect_tls(const char *address, int timeout_ms,
    const struct hl_tls *tls, struct hl_error *err);

/* Closes the connection and frees everything, including queued events. */
void hl_close(struct hl_client *);

/* The socket, for poll(2) by callers that multiplex (e.g. load generators). */
int hl_fd(const struct hl_client *);

/*
 * Sends a Hello and waits for HelloOk. role may be ROLE_UNSPECIFIED (the
 * principal's configured role). On success *ok (if not NULL) receives the
 * HelloOk envelope (free it with hl_envelope_free).
 */
int hl_hello(struct hl_client *, Hotline__Role role, const char *principal,
    const char *credential, Hotline__Envelope **ok, struct hl_error *err);

/*
 * Sends request (its id is set to the next request id: the caller's value is
 * overwritten) and waits for the frame with that id. Events that arrive
 * meanwhile are queued for hl_next_event(). If the answer is an Error, the
 * call returns -1 with err filled from it (code, message, field, state) and
 * *reply = NULL; otherwise 0 with *reply the answer.
 *
 * A request without a request_key is sent with a fresh random one (the
 * caller's envelope is left as it was); hl_last_request_key says which. To
 * retry a request that may have been applied (an "unavailable" answer, a
 * lost connection), send it again with request_key set to that key: a
 * life-cycle step is then applied at most once (see hotline.proto).
 */
int hl_call(struct hl_client *, Hotline__Envelope *request,
    Hotline__Envelope **reply, struct hl_error *err);
/* The request key the last hl_call sent ("" before the first); valid until the next call. */
const char *hl_last_request_key(const struct hl_client *);
#define HL_REQUEST_KEY_MAX 64

/*
 * Returns the next pushed event envelope (body EVENT): a queued one, or one
 * read within timeout_ms (< 0: the default; 0: only what is already
 * buffered). Returns 1 with *event set, 0 on timeout, -1 on error.
 */
int hl_next_event(struct hl_client *, int timeout_ms,
    Hotline__Envelope **event, struct hl_error *err);

/*
 * Low level, for pipelining and tests. hl_send writes one frame as is (the
 * caller sets the id); hl_send_raw writes bytes unframed (to test the
 * daemon's handling of garbage); hl_recv returns the next frame of any kind,
 * bypassing the event queue. hl_recv returns 1 with *frame set, 0 on
 * timeout, -1 on error.
 */
int hl_send(struct hl_client *, const Hotline__Envelope *frame,
    struct hl_error *err);
int hl_send_raw(struct hl_client *, const void *bytes, size_t len,
    struct hl_error *err);
int hl_recv(struct hl_client *, int timeout_ms, Hotline__Envelope **frame,
    struct hl_error *err);

/* Frees an envelope handed out by the library; NULL is fine. */
void hl_envelope_free(Hotline__Envelope *);

/* Names an error code: "bad_request", "io", ... */
const char *hl_error_name(int code);

/* Names an envelope's body as in the .proto ("hello_ok"); "nothing" if unset. */
const char *hl_body_name(Hotline__Envelope__BodyCase);

/* Names enum values the way hotlinectl prints and parses them. */
const char *hl_state_name(Hotline__TicketState);	/* "dispatched" */
const char *hl_role_name(Hotline__Role);		/* "agent" */
const char *hl_type_name(Hotline__TicketType);	/* "complaint" */

#endif
