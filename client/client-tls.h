/* libhotline's TLS layer, private to the library: a handshake and record I/O over a non-blocking socket. */
#ifndef HOTLINE_CLIENT_TLS_H
#define HOTLINE_CLIENT_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hotline.h"

struct client_tls;

/*
 * Makes fd (connected, non-blocking from now on) a TLS client of host (the
 * address's host, checked against the certificate unless opts names
 * another) and completes the handshake before deadline (ms on the
 * monotonic clock, -1: none), waiting with wait(fd, events, deadline).
 * Returns the session, or NULL with *code (HL_ERR_*) and msg filled.
 */
struct client_tls *client_tls_start(int fd, const char *host,
    const struct hl_tls *opts, int64_t deadline,
    int (*wait)(int, short, int64_t), int *code, char *msg, size_t msglen);

/*
 * Reads or writes up to len bytes. Returns the count (> 0), 0 at the end of
 * the stream (read only), or -1: with errno EAGAIN and *want the poll
 * events to wait for, else a failure described in msg.
 */
ssize_t client_tls_read(struct client_tls *, void *buf, size_t len,
    short *want, char *msg, size_t msglen);
ssize_t client_tls_write(struct client_tls *, const void *buf, size_t len,
    short *want, char *msg, size_t msglen);

/* Returns 1 if decrypted bytes wait inside the session (poll would miss them). */
int client_tls_pending(const struct client_tls *);

/* Sends close_notify (best effort) and frees the session; NULL is fine. */
void client_tls_free(struct client_tls *);

#endif
