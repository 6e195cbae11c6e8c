/* Likely repeats (重复件) and similar-text bursts among a district's recent tickets, by SimHash distance; no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repeat.h"
#include "simhash.h"

/* Reads a decimal number up to max ending at a stop character; NULL if none. */
static const char *
repeat_decimal(const char *s, int stop, unsigned long long max,
    unsigned long long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return NULL;
	*out = strtoull(s, &end, 10);
	if (*end != stop || *out > max)
		return NULL;
	return end;
}

/*
 * Parses a member of ht:recent:<district>, "<number>:<hi>:<lo>:<ms>" (the
 * SimHash as two unsigned 32-bit halves and the time, as create.lua writes
 * it). Returns 0 with the number copied, the hash joined and the time, or
 * -1 if malformed.
 */
int
repeat_parse(const char *member, char *number, size_t numlen, uint64_t *hash,
    int64_t *at)
{
	const char *colon = strchr(member, ':'), *p;
	unsigned long long hi, lo, ms;

	if (colon == NULL || colon == member ||
	    (size_t)(colon - member) >= numlen ||
	    (p = repeat_decimal(colon + 1, ':', 0xffffffffULL, &hi)) == NULL ||
	    (p = repeat_decimal(p + 1, ':', 0xffffffffULL, &lo)) == NULL ||
	    repeat_decimal(p + 1, '\0', INT64_MAX, &ms) == NULL)
		return -1;
	memcpy(number, member, (size_t)(colon - member));
	number[colon - member] = '\0';
	*hash = (uint64_t)hi << 32 | lo;
	*at = (int64_t)ms;
	return 0;
}

/* Appends number to found's near list, counting it even when the list is full. */
static void
repeat_add_near(struct repeat_found *found, const char *number)
{
	size_t used = strlen(found->near);

	if (found->nnear++ < REPEAT_NEAR_MAX)
		snprintf(found->near + used, sizeof found->near - used, "%s%s",
		    used == 0 ? "" : ",", number);
}

/*
 * Looks at the n recent tickets of a district (members as repeat_parse
 * reads them, newest first) for a ticket of text hash: the nearest within
 * rp->simhash_bits and rp->window_ms is the likely repeat (the newest
 * among equals); those within hs->simhash_bits and hs->window_ms make the
 * near list of a similar-text hot spot. Malformed members are skipped.
 */
void
repeat_scan(struct repeat_found *found, uint64_t hash,
    const char *const *members, size_t n, const struct repeats_spec *rp,
    const struct hot_spots_spec *hs, int64_t now)
{
	char number[REPEAT_NUMBER_MAX];
	uint64_t other;
	int64_t at;
	size_t i;
	int d;

	memset(found, 0, sizeof *found);
	found->distance = -1;
	for (i = 0; i < n; i++) {
		if (repeat_parse(members[i], number, sizeof number, &other,
		    &at) == -1)
			continue;
		d = simhash_distance(hash, other);
		if (rp->window_ms > 0 && at >= now - rp->window_ms &&
		    d <= rp->simhash_bits && (found->distance == -1 ||
		    d < found->distance)) {
			snprintf(found->repeat_of, sizeof found->repeat_of,
			    "%s", number);
			found->distance = d;
		}
		if (hs->count > 0 && at >= now - hs->window_ms &&
		    d <= hs->simhash_bits)
			repeat_add_near(found, number);
	}
}
