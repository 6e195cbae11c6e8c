/* The read link's queue: one lane per principal, sent in turn within each one's share of the window as answers come back. */
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
 * The reads of one principal (who, "" for the daemon's own): those waiting
 * for the read link, oldest first, and how many are on their way there. A
 * lane lives while it has either (in sl.all); while it has reads waiting
 * it is also in sl.lanes, the turn. The pump takes one read from the first
 * lane that may send and moves that lane to the end, so a principal with a
 * thousand queued reads delays another's read by one read, not a thousand.
 */
struct read_lane {
	char who[72];
	TAILQ_HEAD(, store_call) calls;	/* waiting */
	int sent;			/* on the read link, unanswered */
	int queued;			/* in sl.lanes */
	TAILQ_ENTRY(read_lane) entry;	/* in sl.lanes */
	LIST_ENTRY(read_lane) all;	/* in sl.all */
};

static struct {
	TAILQ_HEAD(, read_lane) lanes;	/* lanes with reads waiting, in turn */
	LIST_HEAD(, read_lane) all;	/* every lane */
	int nqueued;			/* reads in all lanes */
	struct link *rd;		/* the read link */
	int window;			/* redis.read_window */
	int timeout_ms;			/* redis.timeout_ms */
} sl;

/*
 * The reads one principal may have on their way on the read link: the
 * whole window (redis.read_window) while it is the only one waiting for
 * Redis, one while others wait too. Redis runs the commands it has read
 * from one connection before it turns to the next, so every read sent
 * ahead of another principal's write (a create on the command link) runs
 * before it: a flood of 60 KB shows at a window of 4 cost each create up
 * to four shows of Redis's time. One at a time still keeps Redis busy (the
 * next is sent as the last is answered), and the rest of the window stays
 * for the others' reads.
 */
static int
store_lanes_share(void)
{
	return inflight_principals() > 1 ? 1 : sl.window;
}

/* Frees lane if it has nothing waiting and nothing on its way. */
static void
store_lanes_tidy(struct read_lane *lane)
{
	if (lane->sent > 0 || !TAILQ_EMPTY(&lane->calls))
		return;
	if (lane->queued)
		TAILQ_REMOVE(&sl.lanes, lane, entry);
	LIST_REMOVE(lane, all);
	free(lane);
}

/*
 * Takes call out of its lane (out of the turn when emptied; the caller
 * tidies it); the caller owns call.
 */
static void
store_lanes_unqueue(struct store_call *call)
{
	struct read_lane *lane = call->lane;

	TAILQ_REMOVE(&lane->calls, call, entry);
	call->lane = NULL;
	sl.nqueued--;
	if (TAILQ_EMPTY(&lane->calls)) {
		TAILQ_REMOVE(&sl.lanes, lane, entry);
		lane->queued = 0;
	}
}

/* Answers a queued read with NULL (given up, or Redis gone) and frees it. */
static void
store_lanes_fail(struct store_call *call)
{
	struct read_lane *lane = call->lane;

	store_lanes_unqueue(call);
	store_lanes_tidy(lane);
	if (call->cb != NULL) {
		metrics_redis_answered(call->sent_us, 0);
		call->cb(NULL, call->priv);
	}
	redisFreeCommand(call->cmd);
	free(call);
}

/* Sends call's formatted command on l; -1 if hiredis refused it. */
static int
store_lanes_write(struct store_call *call, struct link *l)
{
	return redisAsyncFormattedCommand(l->ac, store_answered, call,
	    call->cmd, (size_t)call->cmdlen) == REDIS_OK ? 0 : -1;
}

/*
 * call (not queued) was sent on l: it waits there for its answer, and on
 * the read link counts in lane's share until then (store_lanes_answered).
 */
static void
store_lanes_sent(struct store_call *call, struct link *l,
    struct read_lane *lane)
{
	redisFreeCommand(call->cmd);
	call->cmd = NULL;
	call->link = l;
	if (l == sl.rd) {
		call->from = lane;
		lane->sent++;
	}
	TAILQ_INSERT_TAIL(&l->inflight, call, entry);
	l->ninflight++;
}

/* The first lane in turn whose share has room on link l, or NULL. */
static struct read_lane *
store_lanes_next(const struct link *l)
{
	struct read_lane *lane;
	int share = store_lanes_share();

	TAILQ_FOREACH(lane, &sl.lanes, entry)
		if (l != sl.rd || lane->sent < share)
			return lane;
	return NULL;
}

/*
 * Sends queued reads while the read link has room in its window (or on the
 * command link while the read link is not usable), one lane at a time in
 * turn, each within its share (store_lanes_share), each oldest first.
 */
void
store_lanes_pump(void)
{
	struct read_lane *lane;
	struct store_call *call;
	struct link *l;

	while (store_ready()) {
		l = store_read_link();
		if (l == sl.rd && l->ninflight >= sl.window)
			return;
		if ((lane = store_lanes_next(l)) == NULL)
			return;
		call = TAILQ_FIRST(&lane->calls);
		if (TAILQ_NEXT(call, entry) != NULL) {	/* its turn is over */
			TAILQ_REMOVE(&sl.lanes, lane, entry);
			TAILQ_INSERT_TAIL(&sl.lanes, lane, entry);
		}
		if (store_lanes_write(call, l) == -1) {
			store_lanes_fail(call);
			continue;
		}
		store_lanes_unqueue(call);
		store_lanes_sent(call, l, lane);
		store_lanes_tidy(lane);
	}
}

/* store.c: a read counted by store_lanes_sent was answered (or its link dropped). */
void
store_lanes_answered(struct store_call *call)
{
	struct read_lane *lane = call->from;

	call->from = NULL;
	lane->sent--;
	store_lanes_tidy(lane);
}

/* Returns the lane of who, made (with nothing queued) if it has none. */
static struct read_lane *
store_lanes_lane(const char *who)
{
	struct read_lane *lane;

	LIST_FOREACH(lane, &sl.all, all)
		if (strcmp(lane->who, who) == 0)
			return lane;
	lane = xcalloc(1, sizeof *lane);
	snprintf(lane->who, sizeof lane->who, "%s", who);
	TAILQ_INIT(&lane->calls);
	LIST_INSERT_HEAD(&sl.all, lane, all);
	return lane;
}

/*
 * Sends a read-only script's command on the read link when the window and
 * who's share have room and who has none waiting, else queues it in who's
 * lane (a lane that had none waiting goes first in the turn: one who asks
 * now and then is not queued behind those who keep theirs full); on the
 * command link while the read link is not usable. Returns -1 (cb not
 * called) if it could not.
 */
int
store_lanes_send(const char *who, int argc, const char **argv,
    const size_t *lens, store_cb cb, void *priv)
{
	struct store_call *call;
	struct read_lane *lane;
	struct link *l = store_read_link();
	long long len;

	if (l != sl.rd)
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
	lane = store_lanes_lane(who != NULL ? who : "");
	if (TAILQ_EMPTY(&lane->calls) && sl.rd->ninflight < sl.window &&
	    lane->sent < store_lanes_share()) {
		if (store_lanes_write(call, sl.rd) == 0) {
			store_lanes_sent(call, sl.rd, lane);
			return 0;
		}
		redisFreeCommand(call->cmd);
		free(call);
		store_lanes_tidy(lane);
		return -1;
	}
	call->lane = lane;
	TAILQ_INSERT_TAIL(&lane->calls, call, entry);
	sl.nqueued++;
	if (!lane->queued) {
		lane->queued = 1;
		TAILQ_INSERT_HEAD(&sl.lanes, lane, entry);
	}
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
	LIST_INIT(&sl.all);
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
