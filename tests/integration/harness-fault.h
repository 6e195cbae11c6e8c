/* Fault-test helpers: a create load over many clients, checks of what Redis holds, process figures. */
#ifndef HARNESS_FAULT_H
#define HARNESS_FAULT_H

#include <stdint.h>
#include <sys/types.h>

#include "harness.h"

/* What became of one create the load sends until it is acknowledged. */
enum fault_call_state {
	FAULT_WAITING,		/* to send (again) once retry_at passes */
	FAULT_SENT,		/* in flight on clients[client] */
	FAULT_ACKED,		/* CREATED came back: number is set */
	FAULT_FAILED		/* an error other than UNAVAILABLE */
};

/* One create, identified by its call id, resent with that id until acknowledged. */
struct fault_call {
	char call_id[64];
	char phone[32];
	char number[16];	/* the acknowledged ticket */
	enum fault_call_state state;
	int duplicate;		/* the acknowledgement said "seen before" */
	int client;		/* the client it was last sent on */
	int attempts;
	int64_t sent_ms;
	int64_t retry_at;	/* FAULT_WAITING: not before */
};

/* One connection of the load; c is NULL while it is down. */
struct fault_client {
	struct hl_client *c;
	const char *principal;
	int inflight;
	int64_t reconnect_at;
};

/*
 * A create load: nclients agents each keep up to window creates in flight.
 * An UNAVAILABLE answer puts the create back with its call id (retried after
 * retry_ms, or never when retry_ms < 0); a lost connection puts back what was
 * in flight on it, and the client reconnects on its own.
 */
struct fault_load {
	struct harness *h;
	struct fault_client *clients;
	int nclients;
	int window;
	int retry_ms;
	struct fault_call *calls;
	int ncalls;
	const char *content;	/* the complaint text; "" for a default */
	/* Figures. */
	int acked, unavailable, failed, lost, reconnects, dropped;
	int unavailable_timeout;	/* "did not answer in time" */
	int unavailable_busy;		/* refused at once: overloaded */
	int64_t unavailable_max_ms;	/* slowest UNAVAILABLE answer */
	int64_t last_ack_ms;		/* when the latest ack arrived */
	char last_failure[300];		/* the latest non-UNAVAILABLE error */
};

/*
 * Logs nclients agents in and prepares ncalls creates to "小区停水" (water:
 * dispatched, with timers). Returns 0, or -1 (printed) if a login fails.
 */
int fault_load_init(struct fault_load *, struct harness *, int nclients,
    int ncalls, int window);
/* Closes the clients and frees everything. */
void fault_load_free(struct fault_load *);
/* Sends, receives and reconnects for up to poll_ms; returns calls not yet acked or failed. */
int fault_load_step(struct fault_load *, int poll_ms);
/*
 * Steps until acked reaches target (or every call is acked or failed), or
 * until wait_ms passed. Returns 0 when reached, -1 on timeout.
 */
int fault_load_until(struct fault_load *, int target, int wait_ms);
/* Counts the calls in a state. */
int fault_load_count(const struct fault_load *, enum fault_call_state);
/* Prints the load's figures as TAP diagnostics. */
void fault_load_print(const struct fault_load *, const char *what);

/* What Redis holds for the load's call ids. */
struct fault_check {
	int acked;		/* calls acknowledged to a client */
	int found;		/* ... whose ticket, history, feed event, timers are all there */
	int missing_ticket, missing_history, missing_feed, missing_timers;
	int wrong_number;	/* idempotency key names another ticket than acked */
	int call_ids_without;	/* call ids with no ticket at all */
	int duplicates;		/* extra tickets beyond one per call id */
	int tickets;		/* tickets in Redis carrying one of the call ids */
};

/* Reads Redis and fills *out; returns 0, or -1 if Redis could not be read. */
int fault_check_redis(struct harness *, const struct fault_load *,
    struct fault_check *out);
/* Prints a check's figures as TAP diagnostics. */
void fault_check_print(const struct fault_check *, const char *what);

/*
 * Starts h's servers, then restarts hotlined with "drain_timeout_ms = 3000;"
 * in its config replaced by limits (a test's own limits, e.g. "... ;
 * max_store_pending = 100;"). 0, or -1 (printed, servers stopped).
 */
int fault_start_with_limits(struct harness *, const char *limits);
/* CPU time (user + system) of pid in milliseconds, or -1. */
int64_t fault_cpu_ms(pid_t pid);
/* Resident memory of pid in KiB, or -1. */
long fault_rss_kb(pid_t pid);
/* Sends sig (SIGSTOP, SIGCONT) to the test Redis; 0 or -1. */
int fault_redis_signal(struct harness *, int sig);
/* Kills the test Redis with SIGKILL and reaps it (harness_redis_start restarts it). */
int fault_redis_kill(struct harness *);
/* CONFIG SET name value on the test Redis; 0, or -1 (printed). */
int fault_redis_config(struct harness *, const char *name, const char *value);
/*
 * Runs a command on the test Redis and copies its reply (status, string,
 * error or integer as text) into out; returns the reply type, or -1.
 */
int fault_redis_command(struct harness *, char *out, size_t outlen,
    const char *fmt, ...);
/* Sets this process's soft RLIMIT_NOFILE (children inherit it); returns the old one or -1. */
long fault_set_nofile(long soft);
/* Starts d under a soft RLIMIT_NOFILE of nofile (then restores ours). */
int fault_daemon_start_nofile(struct harness *, struct harness_daemon *,
    long nofile);
/* Opens a bare unix-socket connection to d (no hello); returns the fd or -1. */
int fault_connect_unix(const struct harness_daemon *);
/*
 * Fetches d's /metrics as admin01 and returns the value of the gauge name,
 * or -1 if it could not.
 */
long fault_metric(const struct harness_daemon *, const char *name);

#endif
