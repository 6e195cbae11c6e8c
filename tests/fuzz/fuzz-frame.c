/*
 * fuzz-frame covers what the daemon does to every incoming byte before
 * dispatch (server.c's conn_next_frame, then session.c's checks): the input
 * is a byte stream as a client sends it; each varint header is decoded by
 * frame_decode_header under the default max_frame, each complete body is
 * unpacked as a hotline.Envelope by protobuf-c, and each envelope goes
 * through validate_strings with the default and the smallest max_field.
 * Headers and bodies are copied to buffers of their exact size, so reading
 * past either is an ASan error. Checks: a header re-encodes to the length
 * it gave; a rejected envelope names its field and reason. (Packing again
 * is not checked: the daemon never re-sends what it received, and
 * protobuf-c accepts a field number 0 that it then cannot read back.)
 */
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "fuzz.h"

#define FUZZ_MAX_FRAME 262144	/* limits.max_frame's default */
#define FUZZ_MAX_FIELD 65536	/* limits.max_field's default */
#define FUZZ_MIN_FIELD 64	/* the smallest max_field a config may set */

/* Runs validate_strings with max_bytes; a refusal must say which field and why. */
static void
check_strings(const Hotline__Envelope *env, size_t max_bytes)
{
	const char *field = NULL, *why = NULL;

	if (validate_strings(&env->base, max_bytes, &field, &why) == 0)
		return;
	FUZZ_CHECK(field != NULL && field[0] != '\0');
	FUZZ_CHECK(why != NULL && why[0] != '\0');
}

/* Decodes, validates and frees one body of len bytes. */
static void
body_one(const uint8_t *body, size_t len)
{
	uint8_t *copy = xmalloc(len + 1);
	Hotline__Envelope *env;

	memcpy(copy, body, len);
	env = hotline__envelope__unpack(NULL, len, copy);
	free(copy);
	if (env == NULL)
		return;		/* the daemon answers BAD_REQUEST and closes */
	check_strings(env, FUZZ_MAX_FIELD);
	check_strings(env, FUZZ_MIN_FIELD);
	hotline__envelope__free_unpacked(env, NULL);
}

/*
 * Reads one frame at *p (left bytes) as conn_next_frame does; returns 1
 * and advances past it, or 0 where the daemon would wait or close.
 */
static int
frame_one(const uint8_t **p, size_t *left)
{
	size_t peek = *left < FRAME_HEADER_MAX ? *left : FRAME_HEADER_MAX;
	size_t body_len = 0, header_len = 0;
	uint8_t *header = xmalloc(peek + 1), again[FRAME_HEADER_MAX];
	enum frame_status st;

	memcpy(header, *p, peek);
	st = frame_decode_header(header, peek, FUZZ_MAX_FRAME, &body_len,
	    &header_len);
	free(header);
	FUZZ_CHECK(frame_status_name(st) != NULL);
	if (st != FRAME_OK)
		return 0;
	FUZZ_CHECK(header_len >= 1 && header_len <= peek);
	FUZZ_CHECK(frame_encode_header(body_len, again) <= header_len);
	if (*left - header_len < body_len)
		return 0;	/* truncated: the rest never came */
	body_one(*p + header_len, body_len);
	*p += header_len + body_len;
	*left -= header_len + body_len;
	return 1;
}

/* One input: a stream of frames, read until it ends or the daemon would close. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t left = size;

	while (left > 0 && frame_one(&p, &left))
		;
	return 0;
}
