/* Realistic 12345 tickets: citizens' demands in Chinese, built from phrase tables of the demo city. */
#ifndef BENCH_TICKETGEN_H
#define BENCH_TICKETGEN_H

#include <stddef.h>
#include <stdint.h>

#include "hotline.pb-c.h"

/* Content is 100 to 1000 characters of UTF-8 (3 bytes a character, mostly). */
#define TICKETGEN_MIN_CHARS 100
#define TICKETGEN_MAX_CHARS 1000
#define TICKETGEN_CONTENT_MAX (TICKETGEN_MAX_CHARS * 3 + 64)

struct bench_ticket {
	char title[256];
	char content[TICKETGEN_CONTENT_MAX];
	char district[32];
	char street[64];
	char address[256];
	char caller_name[32];
	Hotline__TicketType type;
	Hotline__Urgency urgency;
	Hotline__Channel channel;
	int confidential;
	size_t chars;		/* content length in characters */
};

/* A small, fast, seedable generator (splitmix64): the same seed, the same tickets. */
struct ticketgen {
	uint64_t state;
};

void ticketgen_init(struct ticketgen *, uint64_t seed);
uint64_t ticketgen_rand(struct ticketgen *);
/* Returns a uniform integer in [0, n). */
size_t ticketgen_below(struct ticketgen *, size_t n);
/* Writes the next ticket into t. */
void ticketgen_next(struct ticketgen *, struct bench_ticket *t);
/* Returns n tickets made from seed (free with free()). */
struct bench_ticket *ticketgen_pool(uint64_t seed, size_t n);
/*
 * The caller of ticket seq: mostly someone new (seq itself), one ticket in
 * ten a caller of the last few dozen tickets calling again (重复来电).
 */
uint64_t ticketgen_caller(uint64_t seq);
/* A mobile number for caller number seq: distinct callers, mostly. */
void ticketgen_phone(uint64_t seq, char *buf, size_t len);
/*
 * Points q's fields at t's text (q borrows them: t must outlive q), with the
 * given call id and caller phone.
 */
void ticketgen_request(const struct bench_ticket *t, Hotline__CreateRequest *q,
    char *call_id, char *phone);

#endif
