/* The store's own parts shared by store.c and store-lanes.c: a Redis command link, its calls, the read link's lanes. */
#ifndef STORE_LINK_H
#define STORE_LINK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <hiredis/async.h>

#include "hotlined.h"

enum link_state { LINK_DOWN, LINK_RESOLVING, LINK_CONNECTING, LINK_SETUP,
    LINK_READY };

struct link;
struct read_lane;

/* One command sent and not yet answered; answered strictly in order. */
struct store_call {
	struct link *link;		/* the link it was sent on */
	store_cb cb;			/* NULL once given up (store_give_up) */
	void *priv;
	int64_t sent_ms;		/* or queued (in a lane) */
	int64_t sent_us;		/* metrics: the round trip */
	char *cmd;			/* while queued: the command */
	int cmdlen;
	struct read_lane *lane;		/* while queued: its lane */
	struct read_lane *from;		/* sent on the read link from it */
	TAILQ_ENTRY(store_call) entry;
};

/*
 * One Redis connection with its reconnect timer. The command links (cmd
 * for every write and plain command, rd for read-only scripts) keep their
 * calls in inflight, oldest first, each with its own watchdog.
 */
struct link {
	const char *name;		/* "commands", "reads" or "events" */
	redisAsyncContext *ac;		/* NULL while down */
	enum link_state state;
	int64_t state_since_ms;
	int backoff_ms;
	int failures;			/* consecutive, for quieter logs */
	struct event *retry;
	void (*start)(void);		/* runs once connected */
	struct sentinel_query *query;	/* set while LINK_RESOLVING */
	char host[64];			/* with sentinels: the master we use */
	int port;
	int scripts;			/* load READS scripts only (rd) or all */
	int loads_pending;		/* SCRIPT LOADs of the set-up unanswered */
	TAILQ_HEAD(, store_call) inflight;	/* oldest first */
	int ninflight;			/* length of inflight */
	int64_t answered_ms;		/* last answer (or the link's start) */
	unsigned long long dropped;	/* watchdog drops, for /metrics */
};

/* store.c: the link a read-only script goes to now (the read link or cmd). */
struct link *store_read_link(void);
/* store.c: sends a command on l (cmd or rd); -1 if it could not. */
int store_send(struct link *l, int argc, const char **argv,
    const size_t *lens, store_cb cb, void *priv);
/* store.c: hiredis's callback of every call on cmd and rd. */
void store_answered(redisAsyncContext *ac, void *reply, void *privdata);

/*
 * store-lanes.c: the reads waiting for the read link's window, one lane
 * per principal served in turn. store_lanes_init takes the read link, its
 * window (redis.read_window) and the timeout (redis.timeout_ms);
 * store_lanes_send sends a read at once or queues it (-1: cb will not be
 * called); store_lanes_pump sends queued reads while there is room;
 * store_lanes_give_up answers with NULL those queued past the timeout;
 * store_lanes_shutdown answers every queued read with NULL.
 */
void store_lanes_init(struct link *rd, int window, int timeout_ms);
int store_lanes_queued(void);
int store_lanes_send(const char *who, int argc, const char **argv,
    const size_t *lens, store_cb cb, void *priv);
void store_lanes_pump(void);
void store_lanes_give_up(int64_t now);
/* store.c: a call with from set was answered (or its link dropped). */
void store_lanes_answered(struct store_call *call);
void store_lanes_shutdown(void);

#endif
