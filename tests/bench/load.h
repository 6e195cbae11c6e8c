/* Agents' load on hotlined through libhotline: many connections, pipelined creates, open or closed loop. */
#ifndef BENCH_LOAD_H
#define BENCH_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "hotline.h"
#include "latency.h"
#include "ticketgen.h"

/* The daemon stops reading a connection with this many answers pending. */
#define LOAD_MAX_INFLIGHT 256

struct load;

/* Called for every answer to a create (env is borrowed). */
typedef void (*load_reply_fn)(struct load *, uint64_t seq, int64_t sched_us,
    const Hotline__Envelope *env);
/* Called for every frame read from an extra client (env is borrowed). */
typedef void (*load_extra_fn)(struct load *, size_t index,
    const Hotline__Envelope *env);
/* Returns non-zero while the caller still waits for frames of the extras. */
typedef int (*load_waiting_fn)(struct load *);

/*
 * Open loop (rate > 0): ticket i is due at start + i / rate and is sent as
 * soon as possible after that on the least busy connection; its latency is
 * counted from when it was due, so a slow server cannot hide behind a slow
 * sender. Closed loop (rate == 0): every connection keeps window creates in
 * flight. Only what is answered (closed loop) or due (open loop) after the
 * warm-up and before its end counts.
 */
struct load_plan {
	double rate;		/* tickets per second; 0 for a closed loop */
	int window;		/* closed loop: creates in flight per connection */
	double warmup_s;
	double seconds;		/* measured, after the warm-up */
	uint64_t count;		/* closed loop: send exactly this many instead */
	int drain_ms;		/* at the end, wait at most this for answers */
};

struct load_stats {
	uint64_t sent, answered, errors, late;	/* late: still unanswered */
	uint64_t measured;		/* answers that count */
	uint64_t dispatched, triage, duplicates, repeats;
	double seconds;			/* the measured interval */
	double rate;			/* measured / seconds */
	double cpu_s;			/* this process, during the measured interval */
	struct latency lat;		/* of the answers that count */
	int64_t max_send_lag_us;	/* open loop: worst delay of a send after its due time */
	char first_error[300];
};

struct load_conn {
	struct hl_client *c;
	int inflight;
};

struct load {
	struct load_conn *conns;
	size_t nconns;
	struct hl_client **extra;	/* e.g. watching terminals; not owned */
	size_t nextra;
	load_reply_fn on_reply;
	load_extra_fn on_extra;
	load_waiting_fn waiting;
	void *arg;			/* for the callbacks */
	const struct bench_ticket *pool;	/* tickets, reused in turn */
	size_t npool;
	char tag[48];			/* call ids are <tag>-<seq> */
	int64_t *due;			/* per seq: when it was due, us */
	size_t ndue;
	uint64_t next_seq;
	int64_t measure_from, measure_to;
	struct load_stats st;
	char server[64];		/* HelloOk.server of the last login */
};

/* Connects and says hello; dies on failure. server gets HelloOk.server. */
struct hl_client *load_login(const char *address, const char *principal,
    char *server, size_t server_len);
/* Opens n agent connections as principal (demo token) to address. */
void load_open(struct load *, const char *address, size_t n,
    const char *principal, const struct bench_ticket *pool, size_t npool);
/* Runs plan; the figures are in l->st (reset at the start). */
void load_run(struct load *, const struct load_plan *plan);
/* Closes the agent connections (not the extras) and frees everything. */
void load_close(struct load *);

#endif
