/* A ticket's clocks (限时办结) and their due times (clock.c; pure core). */
#ifndef CLOCK_H
#define CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "deadline.h"

/*
 * Contract: works on the caller's struct clock and the calendar and policy
 * it is given; nothing allocated that outlives a call, no state: any
 * thread, as long as the calendar is not being changed.
 */

/* clock.c: a ticket's clocks (限时办结) and their due times, pure. */
#define CLOCK_MAX_EXTENSIONS 16
#define CLOCK_MAX_FIELDS 12

/*
 * The completion clock as stored with the ticket. It runs from base for
 * limit (or, after a resume, for left ms in the limit's measure), moved by
 * each approved extension; while suspended only left counts. Sign and
 * return clocks run from dispatched_at. gen changes whenever the timers are
 * re-armed, so stale timers do nothing.
 */
struct clock {
	int64_t dispatched_at;		/* 0: no clock runs */
	int64_t base;
	struct limit limit;
	int64_t left;			/* -1: the whole limit */
	int suspended;
	struct limit extensions[CLOCK_MAX_EXTENSIONS];
	int nextensions;
	int64_t gen;
};

struct clock_dues {
	int64_t sign_due, complete_due, warn_at, return_until;	/* 0: none */
};

struct clock_fields {
	const char *name[CLOCK_MAX_FIELDS];
	char value[CLOCK_MAX_FIELDS][64];
	int n;
};

typedef const char *(*clock_getter)(void *arg, const char *field);

void clock_read(struct clock *, clock_getter, void *);
void clock_start(struct clock *, const struct policy *, int64_t now);
int clock_extend(struct clock *, const struct limit *);
void clock_suspend(struct clock *, const struct calendar *,
    const struct policy *, int64_t now);
void clock_resume(struct clock *, int64_t now);
void clock_dues(const struct clock *, const struct calendar *,
    const struct policy *, struct clock_dues *);
int64_t clock_remaining(const struct clock *, const struct calendar *,
    const struct policy *, int64_t now);
int clock_extension_allowed(const struct calendar *, const struct policy *,
    const struct limit *, int64_t now);
int64_t clock_supervision_due(const struct calendar *, const struct limit *,
    int64_t now);
void clock_fields(const struct clock *, const struct clock_dues *,
    struct clock_fields *);
void clock_timers(const struct clock_dues *, int awaiting_sign, char *,
    size_t);

#endif
