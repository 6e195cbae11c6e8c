/* Shared declarations of the libFuzzer targets: helpers in common.c and the controls of the test doubles. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "hotlined.h"

/* libFuzzer's entry points, defined by each fuzz-<name>.c. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: report it and abort, which libFuzzer records as a crash. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
} while (0)

/*
 * The input of a target that reads from both ends: the front (p) holds what
 * the target parses in order (frames), the back (end) what the doubles
 * choose with (store replies). Both stay within [p, end).
 */
struct fuzz_input {
	const uint8_t *p;
	const uint8_t *end;
};

/*
 * A byte stream for proto/frame.c's frame_read_envelope: every pull copies
 * the bytes asked for into a buffer of exactly that size, so a read past
 * them is an ASan error. fuzz_stream_done frees the last copy.
 */
struct fuzz_stream {
	const uint8_t *p;	/* the stream's front */
	uint8_t *copy;		/* the last pull's bytes */
};

/* common.c */
const uint8_t *fuzz_pull(void *stream, size_t n);
void fuzz_stream_done(struct fuzz_stream *);
void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));
const char *fuzz_tmpdir(void);
char *fuzz_tmppath(const char *name);
char *fuzz_srcpath(const char *relative);
char *fuzz_read(const char *path, size_t *len);
void fuzz_write(const char *path, const void *data, size_t len);
void fuzz_copy(const char *from, const char *to);
void fuzz_copy_calendar(void);
char *fuzz_cstring(const uint8_t *data, size_t size);
char *fuzz_test_config(const char *catalogue);
uint8_t fuzz_back_byte(struct fuzz_input *in);
void fuzz_refused(const char *why);

/* store-double.c: the store answering from the input, without Redis. */
void store_double_source(struct fuzz_input *in);
int store_double_step(void);
size_t store_double_pending(void);

/* server-double.c: connections without sockets; their output is checked. */
struct conn *server_double_conn(int slow);
void server_double_free(struct conn *c);
size_t server_double_frames(const struct conn *c);
void server_double_drained(struct conn *c);
void server_double_turn(struct conn *c);

#endif
