/* Length-delimited framing: a base-128 varint byte count, then the message. */
#ifndef HOTLINE_FRAME_H
#define HOTLINE_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* The longest varint a frame header may use (enough for any uint64). */
#define FRAME_HEADER_MAX 10

enum frame_status {
	FRAME_OK = 0,		/* a whole header was read */
	FRAME_NEED_MORE,	/* the bytes so far are a valid prefix: wait */
	FRAME_BAD,		/* not a varint (more than FRAME_HEADER_MAX bytes) */
	FRAME_TOO_LARGE,	/* the announced length is over the limit */
	FRAME_OVERFLOW		/* a 10-byte varint over 64 bits (tenth byte > 1) */
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

#endif
