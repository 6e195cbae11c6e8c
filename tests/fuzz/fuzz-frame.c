/*
 * fuzz-frame covers what the daemon does to every incoming byte before
 * dispatch (server.c's conn_next_frame, then session.c's checks): the input
 * is a byte stream as a client sends it, read frame by frame with the
 * daemon's own reader, proto/frame.c's frame_read_envelope (the varint
 * header under the default max_frame, the body unpacked as a
 * hotline.Envelope), and each envelope goes through validate_strings with
 * the default and the smallest max_field. Every pull of the reader is
 * copied to a buffer of its exact size (fuzz_pull), so reading past it is
 * an ASan error. Checks: a header re-encodes to the length
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

/*
 * Reads one frame at *p (left bytes) with the daemon's reader
 * (frame_read_envelope, as server.c's conn_next_frame calls it), checks
 * it and advances past it; returns 0 where the daemon would wait, or close
 * for good (a bad header: nothing after it can be framed).
 */
static int
frame_one(const uint8_t **p, size_t *left)
{
	struct fuzz_stream s = { *p, NULL };
	struct frame_read f;
	enum frame_status st;
	uint8_t again[FRAME_HEADER_MAX];

	st = frame_read_envelope(fuzz_pull, &s, *left, FUZZ_MAX_FRAME, &f);
	fuzz_stream_done(&s);
	FUZZ_CHECK(frame_status_name(st) != NULL);
	if (st != FRAME_OK && st != FRAME_NEED_MORE)
		FUZZ_CHECK(f.message[0] != '\0');
	if (st == FRAME_NOT_ENVELOPE) {
		/* The daemon closes here; the frames after it are read too. */
		*p += f.frame_len;
		*left -= f.frame_len;
		return 1;
	}
	if (st != FRAME_OK)
		return 0;	/* the daemon waits, or answers and closes */
	FUZZ_CHECK(f.frame_len > f.body_len && f.frame_len <= *left);
	FUZZ_CHECK(f.frame_len - f.body_len <= FRAME_HEADER_MAX);
	FUZZ_CHECK(frame_encode_header(f.body_len, again) <=
	    f.frame_len - f.body_len);
	check_strings(f.env, FUZZ_MAX_FIELD);
	check_strings(f.env, FUZZ_MIN_FIELD);
	hotline__envelope__free_unpacked(f.env, NULL);
	*p += f.frame_len;
	*left -= f.frame_len;
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
