/* Length-delimited framing: a base-128 varint byte count, then the message. */
#ifndef HOTLINE_FRAME_H
#define HOTLINE_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "hotline.pb-c.h"

/* The longest varint a frame header may use (enough for any uint64). */
#define FRAME_HEADER_MAX 10

enum frame_status {
	FRAME_OK = 0,		/* a whole header was read */
	FRAME_NEED_MORE,	/* the bytes so far are a valid prefix: wait */
	FRAME_BAD,		/* not a varint (more than FRAME_HEADER_MAX bytes) */
	FRAME_TOO_LARGE,	/* the announced length is over the limit */
	FRAME_OVERFLOW,		/* a 10-byte varint over 64 bits (tenth byte > 1) */
	FRAME_NOT_ENVELOPE	/* a whole frame whose body is no hotline.Envelope */
};

/*
 * Reads a frame header from the first len bytes of buf. On FRAME_OK sets
 * *body_len to the message length and *header_len to the varint's size;
 * the message starts at buf + *header_len. On FRAME_TOO_LARGE *body_len
 * holds the announced length. Never reads past buf + len.
 */
enum frame_status frame_decode_header(const uint8_t *buf, size_t len,
    size_t max_body, size_t *body_len, size_t *header_len);

/* Writes body_len as a varint into out (FRAME_HEADER_MAX bytes); returns its size. */
size_t frame_encode_header(size_t body_len, uint8_t out[FRAME_HEADER_MAX]);

/* Names a frame_status for error messages. */
const char *frame_status_name(enum frame_status status);

/*
 * Returns the first n bytes of a byte stream as one contiguous block, n
 * never more than the stream holds; valid until the next call or until
 * the caller consumes bytes (an evbuffer's pullup, or a plain pointer).
 */
typedef const uint8_t *(*frame_pull)(void *stream, size_t n);

/* One frame read from the front of a stream by frame_read_envelope. */
struct frame_read {
	Hotline__Envelope *env;	/* FRAME_OK: the message (the caller frees it) */
	const uint8_t *body;	/* FRAME_OK: its bytes, as frame_pull gave them */
	size_t body_len;
	size_t frame_len;	/* FRAME_OK, FRAME_NOT_ENVELOPE: bytes to consume */
	char message[128];	/* otherwise (not FRAME_NEED_MORE): for the peer */
};

/*
 * Reads the frame at the front of a stream of avail bytes, reached through
 * pull, as hotlined reads every client's input: the header, the limit
 * max_body, then the whole body unpacked as a hotline.Envelope. Returns
 * FRAME_OK with out->env; FRAME_NEED_MORE while the header or the body is
 * incomplete; otherwise a fault, with out->message saying what is wrong
 * (after FRAME_NOT_ENVELOPE the frame's out->frame_len bytes are to be
 * consumed; after the others the stream cannot be read further).
 */
enum frame_status frame_read_envelope(frame_pull pull, void *stream,
    size_t avail, size_t max_body, struct frame_read *out);

/* The error code a peer is answered with for a fault frame_read_envelope returned. */
Hotline__ErrorCode frame_status_code(enum frame_status status);

#endif
