/*
 * Connections without sockets for fuzz-dispatch: the server.c functions
 * that sessions call, over a fake struct conn. Every frame the daemon
 * writes is decoded and checked (a whole frame, a hotline.Envelope with a
 * body, an Error with a code and a message, every string valid UTF-8).
 * As with a bufferevent, written bytes wait in the output until a later
 * loop turn (server_double_turn) writes them, counting against
 * limits.output_limit meanwhile; a slow connection's client reads nothing,
 * so its output only grows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "fuzz.h"

/* A connection and what its client received. */
struct fake_conn {
	struct conn c;		/* first: the daemon's pointer is this one's */
	int slow;		/* the client reads nothing */
	size_t unsent;		/* bytes written and not read */
	size_t frames;		/* frames written */
};

static uint64_t next_id = 1;

/* Returns a new connection (not authenticated); slow: its client never reads. */
struct conn *
server_double_conn(int slow)
{
	struct fake_conn *f = xcalloc(1, sizeof *f);

	f->c.id = next_id++;
	snprintf(f->c.peer, sizeof f->c.peer, "fuzz:%llu",
	    (unsigned long long)f->c.id);
	TAILQ_INIT(&f->c.pending);
	f->slow = slow;
	return &f->c;
}

/* Frees a connection that server_close closed (what conn_free does later in server.c). */
void
server_double_free(struct conn *c)
{
	FUZZ_CHECK(c->closed);
	FUZZ_CHECK(c->npending == 0 && TAILQ_EMPTY(&c->pending));
	FUZZ_CHECK(c->watch == NULL);
	free(c);
}

/* Returns the number of frames written to c. */
size_t
server_double_frames(const struct conn *c)
{
	return ((const struct fake_conn *)c)->frames;
}

/* Checks one frame the daemon wrote: whole, decodable, with valid strings. */
static void
check_frame(const uint8_t *data, size_t len)
{
	size_t body = 0, header = 0;
	const char *field, *why;
	Hotline__Envelope *env;

	FUZZ_CHECK(frame_decode_header(data, len, SIZE_MAX, &body,
	    &header) == FRAME_OK);
	FUZZ_CHECK(header + body == len);
	env = hotline__envelope__unpack(NULL, body, data + header);
	FUZZ_CHECK(env != NULL);
	FUZZ_CHECK(env->body_case != HOTLINE__ENVELOPE__BODY__NOT_SET);
	if (env->body_case == HOTLINE__ENVELOPE__BODY_ERROR) {
		FUZZ_CHECK(env->error->code !=
		    HOTLINE__ERROR_CODE__ERROR_CODE_UNSPECIFIED);
		FUZZ_CHECK(env->error->message[0] != '\0');
	}
	FUZZ_CHECK(validate_strings(&env->base, SIZE_MAX, &field, &why) == 0);
	hotline__envelope__free_unpacked(env, NULL);
}

/* Queues one frame for c's client; a client over the output limit is cut off. */
void
server_write(struct conn *c, const uint8_t *data, size_t len)
{
	struct fake_conn *f = (struct fake_conn *)c;

	if (c->closed)
		return;
	check_frame(data, len);
	f->frames++;
	if (f->unsent + len > hotlined.cfg->limits.output_limit) {
		log_warnx("connection %llu: output over the limit; cutting "
		    "it off", (unsigned long long)c->id);
		server_close(c);
		return;
	}
	f->unsent += len;
}

/* Returns the bytes c's client has not read. */
size_t
server_output_length(const struct conn *c)
{
	return ((const struct fake_conn *)c)->unsent;
}

/* Closes c at once: requests detached, freed later by the target. */
void
server_close(struct conn *c)
{
	if (c->closed)
		return;
	c->closed = 1;
	c->closing = 1;
	session_closed(c);
}

/* Stops reading c; closes it now if nothing is pending or unsent. */
void
server_close_after_flush(struct conn *c)
{
	if (c->closed)
		return;
	c->closing = 1;
	if (server_output_length(c) == 0 && c->npending == 0)
		server_close(c);
}

/* Lets c be read again after its backlog shrank. */
void
server_resume(struct conn *c)
{
	if (c->closing || !c->paused)
		return;
	c->paused = 0;
}

/* Sends an Error frame (id 0) for a framing fault, then closes c (as server.c). */
void
server_fatal(struct conn *c, Hotline__ErrorCode code, const char *message)
{
	Hotline__Envelope *env = envelope_new();
	Hotline__Error *err = xmalloc(sizeof *err);

	hotline__error__init(err);
	err->code = code;
	err->message = record_strdup(message);
	env->body_case = HOTLINE__ENVELOPE__BODY_ERROR;
	env->error = err;
	session_push(c, env);
	server_close_after_flush(c);
}

/* The client read everything it was sent: server.c's conn_writable. */
void
server_double_drained(struct conn *c)
{
	struct fake_conn *f = (struct fake_conn *)c;

	if (c->closed || f->unsent == 0)
		return;
	f->unsent = 0;
	if (c->closing && c->npending == 0) {
		server_close(c);
		return;
	}
	if (c->drained != NULL)
		c->drained(c);
}

/* A loop turn passed: a client that reads got what was queued for it. */
void
server_double_turn(struct conn *c)
{
	if (!((struct fake_conn *)c)->slow)
		server_double_drained(c);
}
