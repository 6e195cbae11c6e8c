/* Length-delimited framing: a base-128 varint byte count, then the message. */
#include <stdio.h>

#include "frame.h"

/* Reads a varint header; see frame.h for the contract. */
enum frame_status
frame_decode_header(const uint8_t *buf, size_t len, size_t max_body,
    size_t *body_len, size_t *header_len)
{
	uint64_t value = 0;
	size_t i;

	for (i = 0; i < len && i < FRAME_HEADER_MAX; i++) {
		uint64_t bits = buf[i] & 0x7f;

		/*
		 * The tenth byte may only end the varint and carry the top
		 * bit of a uint64.
		 */
		if (i == FRAME_HEADER_MAX - 1 && (buf[i] & 0x80) != 0)
			return FRAME_BAD;
		if (i == FRAME_HEADER_MAX - 1 && bits > 1)
			return FRAME_OVERFLOW;
		value |= bits << (7 * i);
		if ((buf[i] & 0x80) == 0) {
			*header_len = i + 1;
			*body_len = (size_t)value;
			if (value > max_body)
				return FRAME_TOO_LARGE;
			return FRAME_OK;
		}
	}
	return i == FRAME_HEADER_MAX ? FRAME_BAD : FRAME_NEED_MORE;
}

/* Writes body_len as a varint; returns the number of bytes written. */
size_t
frame_encode_header(size_t body_len, uint8_t out[FRAME_HEADER_MAX])
{
	uint64_t value = body_len;
	size_t n = 0;

	do {
		out[n] = value & 0x7f;
		value >>= 7;
		if (value != 0)
			out[n] |= 0x80;
		n++;
	} while (value != 0);
	return n;
}

/* Names a frame_status for error messages. */
const char *
frame_status_name(enum frame_status status)
{
	switch (status) {
	case FRAME_OK:
		return "ok";
	case FRAME_NEED_MORE:
		return "incomplete frame header";
	case FRAME_BAD:
		return "malformed frame header (varint longer than 10 bytes)";
	case FRAME_TOO_LARGE:
		return "frame larger than the limit";
	case FRAME_OVERFLOW:
		return "malformed frame header (varint over 64 bits: its "
		    "tenth byte may only be 0 or 1)";
	case FRAME_NOT_ENVELOPE:
		return "frame is not a valid hotline.Envelope";
	}
	return "unknown frame status";
}

/* Reads one frame as hotlined reads its clients'; see frame.h for the contract. */
enum frame_status
frame_read_envelope(frame_pull pull, void *stream, size_t avail,
    size_t max_body, struct frame_read *out)
{
	size_t peek = avail < FRAME_HEADER_MAX ? avail : FRAME_HEADER_MAX;
	size_t header_len = 0;
	enum frame_status status;
	const uint8_t *bytes;

	out->env = NULL;
	out->body = NULL;
	out->body_len = out->frame_len = 0;
	out->message[0] = '\0';
	if (avail == 0)
		return FRAME_NEED_MORE;
	status = frame_decode_header(pull(stream, peek), peek, max_body,
	    &out->body_len, &header_len);
	if (status == FRAME_TOO_LARGE)
		snprintf(out->message, sizeof out->message, "frame of %zu bytes "
		    "is over the limit of %zu bytes", out->body_len, max_body);
	else if (status != FRAME_OK && status != FRAME_NEED_MORE)
		snprintf(out->message, sizeof out->message, "%s",
		    frame_status_name(status));
	if (status != FRAME_OK || avail - header_len < out->body_len)
		return status != FRAME_OK ? status : FRAME_NEED_MORE;
	out->frame_len = header_len + out->body_len;
	bytes = pull(stream, out->frame_len);
	out->body = bytes + header_len;
	out->env = hotline__envelope__unpack(NULL, out->body_len, out->body);
	if (out->env != NULL)
		return FRAME_OK;
	snprintf(out->message, sizeof out->message, "%s",
	    frame_status_name(FRAME_NOT_ENVELOPE));
	return FRAME_NOT_ENVELOPE;
}

/* TOO_LARGE for a frame over the limit, BAD_REQUEST for any other fault. */
Hotline__ErrorCode
frame_status_code(enum frame_status status)
{
	return status == FRAME_TOO_LARGE ?
	    HOTLINE__ERROR_CODE__ERROR_CODE_TOO_LARGE :
	    HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST;
}
