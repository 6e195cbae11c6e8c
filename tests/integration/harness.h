/* Integration test harness: real redis-server and hotlined processes in a private directory. */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <hiredis/hiredis.h>

#include "hotline.h"

/* Every wait for a server is bounded by this. */
#define HARNESS_WAIT_MS 10000
/*
 * hotlined's start (READY=1 on its notify socket) is bounded by this: on a
 * machine shared by many builds its start alone (catalogue, model, worker
 * threads) has taken more than 10 s. It ends as soon as hotlined is ready.
 */
#define HARNESS_START_MS 60000
/* Client calls give up after this (a daemon that hangs fails the test). */
#define HARNESS_CALL_MS 8000
/* Matches limits.drain_timeout_ms and redis.timeout_ms in hotlined-test.conf.in. */
#define HARNESS_DRAIN_MS 3000
#define HARNESS_REDIS_TIMEOUT_MS 2000
#define HARNESS_MAX_FRAME 262144
#define HARNESS_MAX_FIELD 65536

/* Paths are short: the directory is /tmp/hotline-test-XXXXXX. */
#define HARNESS_PATH 256

/* One hotlined process: its config, listeners and log. */
struct harness_daemon {
	char conf[HARNESS_PATH];	/* config file written from the template */
	char sock[HARNESS_PATH];	/* its unix socket */
	char log[HARNESS_PATH];		/* its stderr */
	int tcp_port;		/* its TCP listener on 127.0.0.1 */
	int http_port;		/* its HTTP listener (/healthz, /metrics) */
	pid_t pid;		/* 0 when not running */
};

struct harness {
	char dir[64];			/* private directory under /tmp */
	char redis_sock[HARNESS_PATH];
	char redis_log[HARNESS_PATH];
	pid_t redis_pid;		/* 0 when not running */
	struct harness_daemon main;	/* the daemon tests talk to */
	struct harness_daemon second;	/* optional second daemon on the same Redis */
};

/*
 * Starts Redis and the main hotlined and waits until hotlined says its store
 * is ready. Returns 0, or -1 after printing why (with hotlined's log).
 */
int harness_start(struct harness *);
/*
 * Stops every server of h (hotlined with SIGTERM) and removes its directory;
 * safe to call twice. Returns -1, after printing its log, if a hotlined did
 * not exit with status 0 (a sanitizer report at exit, say), else 0.
 */
int harness_stop(struct harness *);

/*
 * Group fixtures: harness_group_start starts the servers in *h and, when
 * principal is not NULL, logs it in as *client; harness_group_stop closes
 * client (NULL is fine) and stops them, failing if hotlined did not exit
 * cleanly. HARNESS_FIXTURES defines a file's cmocka setup and teardown.
 */
int harness_group_start(struct harness *h, const char *principal,
    struct hl_client **client);
int harness_group_stop(struct harness *h, struct hl_client *client);
/* One edit of a configuration: the text from, replaced by to. */
struct harness_edit {
	const char *from, *to;
};
/*
 * harness_group_start, then the n edits of the main daemon's configuration
 * and a restart before principal logs in: a group whose daemon runs a
 * configuration of its own. 0, or -1 with everything stopped.
 */
int harness_group_start_edited(struct harness *h,
    const struct harness_edit *edits, size_t n, const char *principal,
    struct hl_client **client);
#define HARNESS_FIXTURES(h, principal, client)				\
static int setup(void **state)						\
{ (void)state; return harness_group_start(&(h), (principal), &(client)); } \
static int teardown(void **state)					\
{ (void)state; return harness_group_stop(&(h), (client)); }

/* Starts redis-server on h's socket and data (again, after a stop). */
int harness_redis_start(struct harness *);
/* Stops redis-server with SIGTERM (it saves its AOF) and waits for it. */
int harness_redis_stop(struct harness *);

/*
 * Writes d's config from the template; extra is more principals (starting
 * with a comma) or "". Picks d's socket and TCP port when not yet set.
 */
int harness_write_config(struct harness *, struct harness_daemon *,
    const char *name, const char *extra);
/* Starts hotlined -d -f d->conf and waits until both listeners accept. */
int harness_daemon_start(struct harness *, struct harness_daemon *);
/*
 * Sends sig to d and waits up to wait_ms for it to exit, then SIGKILLs it.
 * Returns its wait status, or -1 if it had to be killed or was not running.
 */
int harness_daemon_stop(struct harness_daemon *, int sig, int wait_ms);
/* Restarts the main hotlined (SIGTERM, start) and waits for its store. */
int harness_restart(struct harness *);
/* Pings through d until Pong.store_ready; returns 0, or -1 after wait_ms. */
int harness_wait_store(struct harness_daemon *, int wait_ms);
/* Prints d's log to stderr (after a failure). */
void harness_print_log(const struct harness_daemon *);

/*
 * Replaces the first occurrence of from with to in d's config file (a test's
 * own limits); harness_restart or SIGHUP makes it count. 0, or -1 (printed).
 */
int harness_edit_config(struct harness_daemon *, const char *from,
    const char *to);

/* Connects to an address without hello; NULL (printed) on failure. */
struct hl_client *harness_connect(const char *address);
/* Connects to the main daemon's unix socket and says hello as principal. */
struct hl_client *harness_login(struct harness *, const char *principal);
/* The same without printing failures: NULL with err filled. */
struct hl_client *harness_try_login(const char *address,
    const char *principal, struct hl_error *err);
/* The same at any address ("unix:/path" or "127.0.0.1:port"). */
struct hl_client *harness_login_at(const char *address, const char *principal);
/* Formats d's unix or TCP address into buf. */
const char *harness_unix_address(const struct harness_daemon *, char *buf,
    size_t len);
const char *harness_tcp_address(const struct harness_daemon *, char *buf,
    size_t len);

/*
 * Sends "GET path" to d's HTTP port with an optional "principal:token" of
 * credlen bytes (NUL bytes allowed) as HTTP Basic; returns the whole
 * answer (free it). Fails the test if it cannot connect.
 */
char *harness_http_get(const struct harness_daemon *d, const char *path,
    const char *credential, size_t credlen);
/* The value of metric name (an unlabelled one) in d's /metrics, or -1 if absent. */
double harness_metric(const struct harness_daemon *d, const char *name);

/* A synchronous hiredis connection to the test Redis; redisFree it. */
redisContext *harness_redis(struct harness *);
/* Counts the Redis keys whose name contains text (SCAN, no KEYS). */
long harness_redis_count_keys(struct harness *, const char *text);
/* The ticket number Redis has for call_id, as create.lua finds it (a string, or nil); free it. */
redisReply *harness_callid(redisContext *, const char *call_id);
/* 1 when Redis knows call_id (a ticket was created for it), 0 when not, -1 on error. */
int harness_callid_known(struct harness *, const char *call_id);
/* The entries of ht:history:<number> (a string or an earlier version's list); -1 on error. */
long harness_history_len(redisContext *, const char *number);

/*
 * Protocol helpers. Each sends one request and returns the answer envelope
 * (free it with hl_envelope_free); on an Error answer it returns NULL with
 * err filled. Body pointers are the request message of that body kind.
 */
Hotline__Envelope *harness_call(struct hl_client *,
    Hotline__Envelope__BodyCase, void *body, struct hl_error *err);
/* Makes a call id no other call in this test run uses. */
const char *harness_call_id(char *buf, size_t len);
/* Makes a caller phone number no other call in this run uses. */
const char *harness_phone(char *buf, size_t len);
/* Fills a create request with valid defaults (type complaint) and a new call id. */
void harness_create_init(Hotline__CreateRequest *, char *call_id,
    size_t call_id_len, const char *phone, const char *title,
    const char *content);
/* Creates a ticket (new call id and phone); NULL with err on an Error. */
Hotline__Envelope *harness_create_or_null(struct hl_client *,
    const char *title, const char *content, struct hl_error *err);
/* Creates a ticket and asserts success; returns the CREATED envelope. */
Hotline__Envelope *harness_create(struct hl_client *, const char *title,
    const char *content);
/* Show, sign, reply, watch, list; NULL with err on an Error answer. */
Hotline__Envelope *harness_show(struct hl_client *, const char *number,
    struct hl_error *err);
Hotline__Envelope *harness_sign(struct hl_client *, const char *number,
    struct hl_error *err);
Hotline__Envelope *harness_reply(struct hl_client *, const char *number,
    const char *result, struct hl_error *err);
Hotline__Envelope *harness_watch(struct hl_client *, const char *cursor,
    struct hl_error *err);
Hotline__Envelope *harness_list(struct hl_client *, uint32_t limit,
    struct hl_error *err);
/* Sends one frame with the given id and body, without waiting; 0 or -1. */
int harness_send(struct hl_client *, uint64_t id,
    Hotline__Envelope__BodyCase, void *body);
/* Asserts that the next frame is an Error with code and envelope id. */
void harness_expect_error_frame(struct hl_client *, int code, uint64_t id);
/* Asserts that the daemon closes the connection (within HARNESS_CALL_MS). */
void harness_assert_closed(struct hl_client *);
/* Asserts that the main daemon runs and serves a new session. */
void harness_assert_serving(struct harness *);
/* Pings; returns 1 if the store is ready, 0 if not, -1 on error. */
int harness_ping(struct hl_client *, struct hl_error *err);
/* Waits up to timeout_ms for the next pushed event; NULL on timeout. */
Hotline__Envelope *harness_event(struct hl_client *, int timeout_ms);
/* Today's date in Asia/Shanghai as yyyymmdd (ticket numbers start with it). */
const char *harness_shanghai_date(char buf[9]);
/* Milliseconds of CLOCK_MONOTONIC. */
int64_t harness_now_ms(void);
/* Sleeps ms milliseconds. */
void harness_sleep_ms(int ms);

/*
 * The test clock (config testing.clock_control). harness_server_now: the
 * daemons' clock (Pong.server_time) asked on c. harness_shift_clock: moves
 * it forward by ms as admin (ShiftClockRequest); returns the new time.
 * harness_timers_settle: waits, at most wait_ms, until no timer is due by
 * at, failing the test otherwise. harness_due: when limit started at from
 * ends, by the daemon's calendar (DeadlineRequest). All fail the test on an
 * Error answer.
 */
int64_t harness_server_now(struct hl_client *c);
int64_t harness_shift_clock(struct hl_client *admin, int64_t ms);
void harness_timers_settle(struct harness *, int64_t at, int wait_ms);
int64_t harness_due(struct hl_client *c, int64_t from, const char *limit);

/* Runs only the tests matching $HARNESS_FILTER (e.g. "test_watch_*"), if set. */
void harness_filter(void);

/*
 * A replicated Redis behind Redis Sentinel, all on 127.0.0.1 (test-sentinel.c):
 * a master and replicas (redis[0] is the first master) watched by sentinels
 * (quorum 2) under the name HARNESS_HA_MASTER. Its logs are in h->dir.
 */
#define HARNESS_HA_REDIS 3
#define HARNESS_HA_SENTINELS 3
#define HARNESS_HA_MASTER "hotline"

struct harness_ha {
	int redis_port[HARNESS_HA_REDIS];
	pid_t redis_pid[HARNESS_HA_REDIS];	/* 0 when not running */
	int sentinel_port[HARNESS_HA_SENTINELS];
	pid_t sentinel_pid[HARNESS_HA_SENTINELS];
};

/*
 * Makes h's directory and starts ha there (no unix-socket Redis, no
 * hotlined): waits until the replicas are in sync and every sentinel knows
 * the other sentinels and the replicas. A failover is declared after
 * down_after_ms of silence. Returns 0, or -1 after printing why.
 */
int harness_ha_start(struct harness *h, struct harness_ha *ha,
    int down_after_ms, int failover_timeout_ms);
/*
 * Stops h's daemons (SIGTERM, -1 unless they exit 0), then ha's servers,
 * then removes the directory as harness_stop does.
 */
int harness_ha_stop(struct harness *h, struct harness_ha *ha);
/*
 * Writes d's config with redis.sentinels set to ha's sentinels and strict
 * mode on when wait_replicas > 0.
 */
int harness_ha_write_config(struct harness *h, struct harness_ha *ha,
    struct harness_daemon *d, const char *name, int wait_replicas,
    int wait_timeout_ms);
/* The master's port as the first answering sentinel says, or -1. */
int harness_ha_master_port(struct harness_ha *ha);
/*
 * The master's port as every sentinel names it, or -1 while they disagree
 * (one may still name a candidate another has not accepted).
 */
int harness_ha_master_agreed(struct harness_ha *);
/* Sends sig to ha's Redis server i; with SIGKILL also reaps it. */
void harness_ha_signal(struct harness_ha *ha, int i, int sig);
/* A synchronous hiredis connection to 127.0.0.1:port, or NULL; redisFree it. */
redisContext *harness_redis_tcp(int port);

/*
 * Helpers the tests shared by copying (harness-use.c); each fails the test
 * (cmocka) when its step fails.
 */
/* Closes each open connection *c[i] of the n and sets it to NULL. */
void harness_close_each(struct hl_client **const c[], size_t n);
/*
 * After harness_group_start(h, ..., &first): logs principals[i] in as
 * *c[i], each of the n; 0, or -1 with them closed and the group stopped.
 * harness_group_stop_each closes them and stops the group with first.
 */
int harness_login_each(struct harness *h, struct hl_client *first,
    const char *const principals[], struct hl_client **const c[], size_t n);
int harness_group_stop_each(struct harness *h, struct hl_client *first,
    struct hl_client **const c[], size_t n);
/* A connection to d's unix socket without hello. */
struct hl_client *harness_connect_main(const struct harness_daemon *d);
/* principal logged in and watching its feed from cursor (no relist asked). */
struct hl_client *harness_watcher(struct harness *, const char *principal,
    const char *cursor);
/* c's CLASSIFIED answer to a classify of title and content in district. */
Hotline__Envelope *harness_classify(struct hl_client *c, const char *title,
    const char *content, const char *district);
/* 1 if a line of the file at path contains text (0 also when it cannot be read). */
int harness_file_has(const char *path, const char *text);
/*
 * Runs hotlinectl ($HOTLINECTL, else build/hotlinectl) on d's unix socket
 * with options (-u, -t, --lang ...) then args; returns what it printed on
 * stdout (malloc'd, at most 64 KiB). Fails unless it exits 0.
 */
char *harness_ctl(const struct harness_daemon *d, const char *options,
    const char *args);
/* Fails unless hotlinectl options args (as harness_ctl) prints want. */
void harness_ctl_prints(const struct harness_daemon *d, const char *options,
    const char *args, const char *want);

/* Short names for the protocol's long enum constants. */
#define BODY(x) HOTLINE__ENVELOPE__BODY_##x
#define STATE(x) HOTLINE__TICKET_STATE__TICKET_STATE_##x
#define ERR(x) HOTLINE__ERROR_CODE__ERROR_CODE_##x
#define ROLE(x) HOTLINE__ROLE__ROLE_##x
#define KIND(x) HOTLINE__EVENT_KIND__EVENT_KIND_##x

/* Fails the test (cmocka) unless rep is an answer; shows the daemon's error. */
#define assert_reply(rep, err) do {					\
	if ((rep) == NULL)						\
		fail_msg("%s: expected an answer, got %s: %s (field %s)",\
		    #rep, hl_error_name((err).code), (err).message,	\
		    (err).field);					\
} while (0)

/* Fails the test unless the call gave an Error with code want. */
#define assert_error(rep, err, want) do {				\
	if ((rep) != NULL)						\
		fail_msg("%s: expected error %s, got an answer",	\
		    #rep, hl_error_name(want));				\
	if ((err).code != (want))					\
		fail_msg("%s: expected error %s, got %s: %s",		\
		    #rep, hl_error_name(want), hl_error_name((err).code),\
		    (err).message);					\
} while (0)

#endif
