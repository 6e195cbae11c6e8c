/* The read link's queue: reads past its window wait in one lane per principal, sent in turn as answers come back. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "hotlined.h"
#include "store-link.h"

/*
 * The reads of one principal (who, "" for the daemon's own) waiting for the
 * read link's window, oldest first. Only lanes with reads are kept, in
 * sl.lanes; the pump takes one read from the first lane and moves it to the
 * end, so a principal with a thousand queued reads delays another's read by
 * one read, not a thousand.
 */
struct read_lane {
	char who[72];
	TAILQ_HEAD(, store_call) calls;
	TAILQ_ENTRY(read_lane) entry;
};

static struct {
	TAILQ_HEAD(, read_lane) lanes;	/* only lanes with reads, in turn */
	int nqueued;			/* reads in all lanes */
	struct link *rd;		/* the read link */
	int window;			/* redis.read_window */
	int timeout_ms;			/* redis.timeout_ms */
} sl;

/* Takes call out of its lane (freed when emptied); the caller owns call. */
static void
store_lanes_unqueue(struct store_call *call)
{
	struct read_lane *lane = call->lane;

	TAILQ_REMOVE(&lane->calls, call, entry);
	call->lane = NULL;
	sl.nqueued--;
	if (TAILQ_EMPTY(&lane->calls)) {
		TAILQ_REMOVE(&sl.lanes, lane, entry);
		free(lane);
	}
}

/* Answers a queued read with NULL (given up, or Redis gone) and frees it. */
static void
store_lanes_fail(struct store_call *call)
{
	store_lanes_unqueue(call);
	if (call->cb != NULL) {
		metrics_redis_answered(call->sent_us, 0);
		call->cb(NULL, call->priv);
	}
	redisFreeCommand(call->cmd);
	free(call);
}

/*
 * Sends queued reads while the read link has room in its window (or on the
 * command link while the read link is not usable), one lane at a time in
 * turn, each lane oldest first.
 */
void
store_lanes_pump(void)
{
	struct read_lane *lane;
	struct store_call *call;
	struct link *l;

	while ((lane = TAILQ_FIRST(&sl.lanes)) != NULL && store_ready()) {
		l = store_read_link();
		if (l == sl.rd && l->ninflight >= sl.window)
			return;
		call = TAILQ_FIRST(&lane->calls);
		if (TAILQ_NEXT(call, entry) != NULL) {	/* its turn is over */
			TAILQ_REMOVE(&sl.lanes, lane, entry);
			TAILQ_INSERT_TAIL(&sl.lanes, lane, entry);
		}
		if (redisAsyncFormattedCommand(l->ac, store_answered, call,
		    call->cmd, (size_t)call->cmdlen) != REDIS_OK) {
			store_lanes_fail(call);
			continue;
		}
		store_lanes_unqueue(call);
		redisFreeCommand(call->cmd);
		call->cmd = NULL;
		call->link = l;
		TAILQ_INSERT_TAIL(&l->inflight, call, entry);
		l->ninflight++;
	}
}

/* Returns the lane of who, made (at the end of the turn) if it has none. */
static struct read_lane *
store_lanes_lane(const char *who)
{
	struct read_lane *lane;

	TAILQ_FOREACH(lane, &sl.lanes, entry)
		if (strcmp(lane->who, who) == 0)
			return lane;
	lane = xcalloc(1, sizeof *lane);
	snprintf(lane->who, sizeof lane->who, "%s", who);
	TAILQ_INIT(&lane->calls);
	TAILQ_INSERT_TAIL(&sl.lanes, lane, entry);
	return lane;
}

/*
 * Sends a read-only script's command on the read link, or queues it in
 * who's lane when redis.read_window reads are on their way there (or
 * others wait); returns -1 (cb not called) if it could not.
 */
int
store_lanes_send(const char *who, int argc, const char **argv,
    const size_t *lens, store_cb cb, void *priv)
{
	struct store_call *call;
	struct link *l = store_read_link();
	long long len;

	if (l != sl.rd ||
	    (sl.rd->ninflight < sl.window && sl.nqueued == 0))
		return store_send(l, argc, argv, lens, cb, priv);
	call = xcalloc(1, sizeof *call);
	if ((len = redisFormatCommandArgv(&call->cmd, argc, argv, lens)) < 0 ||
	    len > INT_MAX) {
		redisFreeCommand(call->cmd);
		free(call);
		return -1;
	}
	call->cmdlen = (int)len;
	call->link = sl.rd;
	call->cb = cb;
	call->priv = priv;
	call->sent_ms = now_mono_ms();
	call->sent_us = metrics_now_us();
	call->lane = store_lanes_lane(who != NULL ? who : "");
	TAILQ_INSERT_TAIL(&call->lane->calls, call, entry);
	sl.nqueued++;
	return 0;
}

/* Gives up the queued reads that waited longer than the timeout. */
void
store_lanes_give_up(int64_t now)
{
	struct read_lane *lane, *next;
	struct store_call *call;
	int last;

	for (lane = TAILQ_FIRST(&sl.lanes); lane != NULL; lane = next) {
		next = TAILQ_NEXT(lane, entry);
		/* Oldest first; the lane is freed with its last read. */
		do {
			call = TAILQ_FIRST(&lane->calls);
			if (now - call->sent_ms <= sl.timeout_ms)
				break;
			last = TAILQ_NEXT(call, entry) == NULL;
			store_lanes_fail(call);
		} while (!last);
	}
}

/* Remembers the read link, its window and the timeout (store_init). */
void
store_lanes_init(struct link *rd, int window, int timeout_ms)
{
	TAILQ_INIT(&sl.lanes);
	sl.rd = rd;
	sl.window = window;
	sl.timeout_ms = timeout_ms;
}

/* Reads waiting in all lanes. */
int
store_lanes_queued(void)
{
	return sl.nqueued;
}

/* Answers every queued read with NULL (shutting down). */
void
store_lanes_shutdown(void)
{
	while (!TAILQ_EMPTY(&sl.lanes))
		store_lanes_fail(TAILQ_FIRST(&TAILQ_FIRST(&sl.lanes)->calls));
}
