/* Likely repeats (重复件) and similar-text bursts by SimHash (repeat.c; pure core). */
#ifndef REPEAT_H
#define REPEAT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * Contract: reads the members it is given and writes into the caller's
 * struct repeat_found; nothing allocated, no state: any thread.
 */

/* repeat.c: likely repeats (重复件) and similar-text bursts by SimHash, pure. */
#define REPEAT_NUMBER_MAX 24		/* bytes of a ticket number, NUL included */
#define REPEAT_NEAR_MAX 49		/* near tickets listed (the new one: 50) */

/* What repeat_scan found among a district's recent tickets. */
struct repeat_found {
	char repeat_of[REPEAT_NUMBER_MAX];	/* the likely repeat, or "" */
	int distance;				/* its distance; -1: none */
	char near[REPEAT_NEAR_MAX * REPEAT_NUMBER_MAX];	/* "a,b", newest first */
	int nnear;		/* near tickets (more than listed, maybe) */
};

int repeat_parse(const char *member, char *number, size_t numlen,
    uint64_t *hash, int64_t *at);
void repeat_scan(struct repeat_found *, uint64_t hash,
    const char *const *members, size_t n, const struct repeats_spec *,
    const struct hot_spots_spec *, int64_t now);

#endif
