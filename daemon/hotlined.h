/*
 * The shell's declarations (server, sessions, store, operations, feeds,
 * timers, metrics, HTTP), grouped by the file that defines them. The pure
 * core (libhotline-core.a: no event loop, store or connection) has a
 * header per module, included here because the shell uses them all.
 */
#ifndef HOTLINED_H
#define HOTLINED_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hotline.pb-c.h"
#include "auth.h"
#include "blend.h"
#include "bounds.h"
#include "category.h"
#include "classify.h"
#include "clock.h"
#include "config.h"
#include "deadline.h"
#include "log.h"
#include "matcher.h"
#include "now.h"
#include "repeat.h"
#include "role.h"
#include "stats.h"
#include "keys.h"	/* Redis key formats */
#include "lang.h"	/* ZH_EN: errors in Chinese and English */
#include "stream-cursor.h"
#include "utf8.h"
#include "validate.h"
#include "xarray.h"
#include "xmalloc.h"

#ifndef HOTLINE_VERSION
#define HOTLINE_VERSION "unknown"	/* the Makefile passes VERSION */
#endif
#define HOTLINED_VERSION HOTLINE_VERSION

/* auth-cache.c: successful checks remembered under a per-process HMAC key. */
struct principal;
struct config;
/*
 * Checks token against p's stored credential, from the cache when the same
 * (principal, credential, token) succeeded within auth.cache_ttl_s, else
 * with auth_verify; *cached (may be NULL) says which. Returns 1 or 0.
 */
int auth_check(const struct principal *p, const char *token, int *cached);
/* 1 if the cache remembers token as p's right token (no slow check). */
int auth_remembered(const struct principal *p, const char *token);
/* Forgets entries of principals gone or rehashed in fresh; see the file. */
void auth_cache_reload(const struct config *old, const struct config *fresh);
void auth_cache_free(void);

/* auth-limit.c: failed hellos per client address (token bucket). */
/* Returns 1 if a hello from addr may be checked, 0 while it is limited. */
int auth_limit_allowed(const char *addr);
/* Counts a failed hello from addr; returns the failures it has left. */
int auth_limit_failed(const char *addr);
void auth_limit_free(void);
/* FNV-1a of s, for tables keyed by strings. */
uint32_t auth_limit_hash(const char *s);

/* ticket.c: the life cycle table and ticket numbers, pure (ticket.h). */
#include "ticket.h"

/* notify.c: readiness and stopping told to systemd (Type=notify) */
int notify_send(const char *state);

/* daemon.c: the daemon's shared state, one owner. */
struct daemon {
	struct config *cfg;		/* the configuration in force */
	struct event_base *base;	/* the daemon's one event loop */
	uint64_t generation;		/* configurations put in force: 1 after start */
};
extern struct daemon hotlined;
/* Makes fresh the configuration in force (generation + 1); returns the old one. */
struct config *daemon_swap_config(struct config *fresh);

/* daemon-run.c: the daemon's life, as main.c's options ask for it. */
struct daemon_options {
	const char *path;		/* the configuration file */
	int foreground;			/* -d: no daemon(), log to stderr */
	int check_only;			/* -n: load, report and return */
	int verbose;			/* -v, counted */
};
int daemon_run(const struct daemon_options *);

/* reload.c: the configuration loaded and compiled off the loop, swapped on it. */
struct request;
/* Called on the loop once a reload was swapped in (err NULL) or refused. */
typedef void (*reload_done)(struct request *, const char *err);
/*
 * Swaps fresh in as the configuration in force, on the loop; returns 0, or
 * -1 with err set after freeing fresh (the configuration in force stays).
 */
typedef int (*reload_swap)(struct config *fresh, char *err, size_t errlen);
void reload_init(reload_swap);
void reload_start(struct request *, reload_done);
int reload_busy(void);
void reload_wait(void);
void reload_shutdown(void);

/* store.c: Redis, the only state. */
#include <hiredis/hiredis.h>

#define STORE_WAKE_CHANNEL KEY_WAKE	/* scripts PUBLISH the feed's key */

#include "store-scripts.h"	/* enum script_id: the scripts, once */


/*
 * Keys first, then arguments; starts as { 0 } and grows as needed (heap),
 * so store_args_free must follow. Borrowed strings must outlive store_script.
 */
struct store_args {
	int n, cap;
	const char **v;
	size_t *len;
	char **owned;
};

/*
 * Called once per command: reply is NULL when Redis became unreachable or
 * did not answer within redis.timeout_ms. hiredis frees reply after return.
 */
typedef void (*store_cb)(redisReply *reply, void *priv);

struct event_base;
void store_init(struct event_base *, const struct redis_spec *,
    void (*on_wake)(const char *), void (*on_resync)(void));
int store_ready(void);
int store_pending(void);
void store_shutdown(void);
int store_script(enum script_id, int nkeys, const struct store_args *,
    store_cb, void *);
/* Reads with behind_writes set follow the caller's writes on their link. */
int store_script_after(enum script_id, int nkeys, const struct store_args *,
    int behind_writes, const char *who, store_cb, void *);
int store_pending_for(enum script_id, int behind_writes);
/* For store-*.c only: sends a command on the command link whatever its state. */
int store_command(int argc, const char **argv, const size_t *lens, store_cb,
    void *);
/* store-read.c: plain read commands for the rest of the daemon. */
int store_read(int argc, const char **argv, store_cb, void *);
void store_args_add(struct store_args *, const char *);
void store_args_addf(struct store_args *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void store_args_free(struct store_args *);
Hotline__ErrorCode store_error_code(const redisReply *, Hotline__TicketState *);
const char *store_refusal_reason(const redisReply *);
void store_log_refusal(const redisReply *);

/* store-sentinel.c: where the master is, asked of Redis Sentinel. */
struct sentinel_query;
/* host is NULL when no sentinel knew; it lives only during the call. */
typedef void (*sentinel_cb)(const char *host, int port, void *priv);
struct sentinel_query *sentinel_resolve(struct event_base *,
    const struct redis_spec *, sentinel_cb, void *);
void sentinel_cancel(struct sentinel_query *);
struct sentinel_watch;
struct sentinel_watch *sentinel_watch_start(struct event_base *,
    const struct redis_spec *, int period_ms, sentinel_cb, void *);
void sentinel_watch_stop(struct sentinel_watch *);

/* store-wait.c: strict mode, a script's answer only once replicas have it. */
int store_wait_script(int argc, const char **argv, const size_t *lens,
    int replicas, int timeout_ms, store_cb, void *);

/* record.c: Redis hashes and JSON history to protocol messages. */
char *record_strdup(const char *);
Hotline__Department *record_department(const char *id);
const char *record_hash_get(const redisReply *hash, const char *name);
/* 1 if department dept works on the ticket (hash) now: its lead or an assisting one. */
int record_works_on(const redisReply *hash, const char *dept);
const char *record_getter(void *hash, const char *field);
Hotline__Ticket *record_ticket(const redisReply *hash, int mask);
/* The label of a category code in the catalogue in force, "" when unknown. */
const char *record_category_label(const char *code);
void record_history(Hotline__Ticket *, const redisReply *list);
/*
 * One history entry as JSON in its object form ({"at", "principal", "role",
 * "action", "from", "to", "note", "dept", "changes": [{"field", "value"}]}),
 * from the compact array history.lua stores or an earlier version's object;
 * NULL if it is neither. The caller owns it (json_decref).
 */
struct json_t *record_history_json(const char *text, size_t len);

/* server.c: listeners, connections, framing. */
#include <sys/queue.h>

struct request;
struct watch;

struct conn {
	uint64_t id;
	struct bufferevent *bev;
	char peer[80];			/* address, for logs */
	int closed;			/* gone from the list; freed soon */
	int closing;			/* reads no more; closed once flushed */
	int paused;			/* reading stopped: too many pending */
	struct event *resume;		/* reads what is already buffered */
	struct event *linger;		/* bounds the wait of a closing conn */
	struct event *hello_timer;	/* closes it if no hello comes in time */

	int tls;			/* bev is a bufferevent_openssl */
	int authenticated;
	int hello_checking;		/* its hello's token is being verified */
	role_t role;
	char principal[72];
	char department[40];		/* for ROLE_DEPARTMENT */

	TAILQ_HEAD(, request) pending;	/* answers, in request order */
	int npending;
	int writes_pending;		/* its scripts that write, unanswered */
	struct watch *watch;		/* set while the terminal watches */
	/* Called when the output was written out (set by feed.c while watching). */
	void (*drained)(struct conn *);
	struct web_call *web;		/* a web API call's conn (no bev): web-api.c */
	struct evbuffer_cb_entry *output_cb;	/* counts its unsent bytes */
	size_t output_counted;		/* of them, in the daemon's total */
	TAILQ_ENTRY(conn) entry;
	TAILQ_ENTRY(conn) principal_wait;	/* inflight.c's queue */
	int principal_waiting;		/* in it: its principal is at its bound */
	int priority;			/* of its events: enum loop_priority */
};

int server_listen(const struct config *);
/*
 * Loads the certificates of fresh's TLS listeners that are running (same
 * address) and, if all load, swaps them in for new connections; existing
 * ones keep theirs. Returns 0, or -1 with the reason in err (nothing swapped).
 */
int server_tls_reload(const struct config *fresh, char *err, size_t errlen);
void server_stop_listening(void);
void server_resume_accepting(void);
void server_drain(void);
int server_busy(void);
void server_close_all(void);
void server_write(struct conn *, const uint8_t *, size_t);
size_t server_output_length(const struct conn *);
/* Unsent bytes of every client together, and how many were cut off for limits.output_budget. */
size_t server_output_unsent(void);
unsigned long long server_output_budget_cuts(void);
void server_close(struct conn *);
void server_close_after_flush(struct conn *);
void server_resume(struct conn *);
void server_fatal(struct conn *, Hotline__ErrorCode, const char *);

/* tls.c: OpenSSL contexts of listeners, TLS connections, certificate principals. */
struct ssl_ctx_st;
struct event_base;
/* A server context for spec, or NULL with the reason in err. */
struct ssl_ctx_st *tls_context_new(const struct tls_spec *spec, char *err,
    size_t errlen);
/* Loads every TLS listener's files once; 0, or -1 with the reason in err. */
int tls_check(const struct config *, char *err, size_t errlen);
/* A bufferevent accepting a TLS handshake on fd (owned); NULL on failure. */
struct bufferevent *tls_bufferevent(struct event_base *, struct ssl_ctx_st *,
    int fd);
void tls_log_error(const struct conn *);
void tls_shutdown(const struct conn *);
/*
 * The principal c's verified client certificate maps to: p if it matches
 * p's cert_cn / cert_sha256, or (p NULL) the first principal that matches.
 */
const struct principal *tls_principal(const struct conn *c,
    const struct config *, const struct principal *p);

/*
 * inflight.c: each principal's requests waiting for Redis. inflight_take
 * counts one (the bound is kept by inflight_hold); inflight_give uncounts it.
 */
void inflight_take(const char *id);
void inflight_give(const char *id);
/* Pauses reading c while its principal is at its bound; see inflight.c. */
int inflight_hold(struct conn *c);
void inflight_pass(struct conn *c);
void inflight_forget(struct conn *c);
void inflight_free(void);
/* How many principals have requests waiting for Redis (store-lanes.c's window). */
int inflight_principals(void);
/*
 * The loop's priorities (event_base_priority_init in daemon-run.c): a
 * principal past its share of max_principal_pending last
 * (inflight_priority), everything else normal. LOOP_FIRST is unused: with
 * three, libevent's default for new events is the middle one. (The
 * command link's answers at LOOP_FIRST let the start's two full reads of
 * the examples finish apart, so the model was trained twice.)
 */
enum loop_priority { LOOP_FIRST, LOOP_NORMAL, LOOP_LAST, LOOP_PRIORITIES };
enum loop_priority inflight_priority(const struct conn *c);

/* session.c: hello, roles, requests answered in order. */
#define SESSION_MAX_PENDING 256
/* Envelope.request_key: at most this many bytes (see hotline.proto). */
#define SESSION_REQUEST_KEY_MAX 64
/* How long transition.lua remembers a step's request key. */
#define SESSION_REQUEST_KEY_TTL_MS (24 * 3600 * 1000)

struct request {
	struct conn *conn;		/* NULL once the connection is gone */
	uint64_t id;
	Hotline__Envelope *in;		/* the decoded request; owned */
	uint8_t *frame;			/* the encoded answer, once answered */
	size_t frame_len;
	int refs;			/* queue + outstanding Redis calls */
	int in_hand;			/* counted until answered (train-yield.h) */
	void *state;			/* per-operation data ... */
	void (*state_free)(void *);	/* ... and how to free it */
	struct kb_suggest *suggest;	/* its 知识库建议 search, or NULL (kb-suggest.c) */
	const char *op;			/* metrics: operation name, once known */
	int64_t started_us;		/* metrics: when its handling started */
	TAILQ_ENTRY(request) entry;
};

/* Called with a successful (non-NULL, non-error) reply. */
typedef void (*request_done)(struct request *, redisReply *);

void session_frame(struct conn *, Hotline__Envelope *);
/* session_frame for a frame read from the wire: its bytes are checked too (no NUL in strings). */
void session_frame_wire(struct conn *, Hotline__Envelope *, const uint8_t *wire,
    size_t wire_len);
void session_closed(struct conn *);
const char *session_op(size_t, uint32_t *declared, uint32_t *roles,
    const enum ticket_action **steps, size_t *nsteps);
void session_push(struct conn *, Hotline__Envelope *);
Hotline__Envelope *envelope_new(void);
void request_answer(struct request *, Hotline__Envelope *);
void request_error(struct request *, Hotline__ErrorCode, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Both take texts with ZH_EN pairs (lang.h): Error.message gets the Chinese
 * side, message_en the English. request_error2 formats the same arguments
 * into a Chinese and an English text (for word orders no pair can follow).
 */
void request_error2(struct request *, Hotline__ErrorCode, const char *field,
    const char *zh, const char *en, ...)
    __attribute__((format(printf, 4, 6), format(printf, 5, 6)));
/* The side in lang of a text with ZH_EN pairs, as Error.message(_en) get it (valid UTF-8); the caller frees it. */
char *request_text(const char *text, enum lang);
void request_conflict(struct request *, Hotline__TicketState,
    const char *why);
/*
 * Answers NOT_FOUND for the ticket named by field ("number", "master"). To a
 * department it is also the answer for a ticket it does not work on, word
 * for word: ticket numbers are sequential, and a different answer would let
 * it count the city's tickets.
 */
void request_no_ticket(struct request *, const char *field);
const char *request_op_name(const struct request *);
extern int (*request_missing)(struct request *);
int request_script(struct request *, enum script_id, int nkeys,
    struct store_args *, request_done);

/* op-intake.c: the agent's operations (and ping). */
void op_ping(struct request *);
void op_classify(struct request *);
void op_create(struct request *);
int create_args(struct store_args *, const char *principal, role_t,
    const Hotline__CreateRequest *, const struct classify_result *, int64_t now);
int create_args_text(struct store_args *, const char *principal, role_t,
    const Hotline__CreateRequest *, const struct classify_result *,
    const char *text, const struct repeat_found *, int64_t now);
void op_show(struct request *);
void op_caller(struct request *);

/* op-reply.c: answers shared by the operations. */
/* Answers r with out (taken) as the Envelope's body of kind body (its field number). */
void answer_body(struct request *, Hotline__Envelope__BodyCase body,
    void *out);
void answer_ticket(struct request *, Hotline__Ticket *);
void answer_ticket_list(struct request *, redisReply *);

/* op-check.c: checks shared by the operations (each answers and returns -1 on failure). */
int check_number(struct request *, const char *);
int refuse_foreign(struct request *, const redisReply *hash);

/* op-show.c: one ticket read with its history (show.lua). */
void show_read(struct request *, const char *number, request_done);
Hotline__Ticket *show_ticket(struct request *, const redisReply *reply);

/* op-department.c: a department terminal's operations. */
void op_list(struct request *);
void op_sign(struct request *);
void op_reply(struct request *);
void op_return(struct request *);
void op_extend(struct request *);
void op_suspend(struct request *);
void op_resume(struct request *);
void op_note(struct request *);
void op_answer_supervision(struct request *);
int check_text(struct request *, const char *field, const char *text,
    int required, size_t max_chars);

/* op-dispatch.c: the dispatcher's operations. */
void op_triage(struct request *);
void op_dispatch(struct request *);
void op_redispatch(struct request *);
void op_decide_extension(struct request *);
void op_review(struct request *);
void op_merge(struct request *);
void op_invalidate(struct request *);

/* op-supervise.c: the supervisors' operations and the agent's callback. */
void op_urge(struct request *);
void op_supervise(struct request *);
void op_exempt(struct request *);
void op_callback(struct request *);

/* op-stats.c: scorecards, the ranking, hot spots (统一考核). */
void op_scorecard(struct request *);
void op_hot(struct request *);
const char *stats_department(struct request *, const char *asked);
int stats_period_of(struct request *, const char *text, struct stats_period *);
char *stats_period_list(const struct stats_period *, int months);
void stats_echo_period(const struct stats_period *, const char *asked,
    char **period, char **from, char **to);

/* op-overdue.c, op-timeline.c: overdue and 预警 lists, breaches, timelines. */
void op_overdue(struct request *);
void op_breaches(struct request *);
void op_timeline(struct request *);

/* op-search.c: 检索 over every ticket, in the archive (PostgreSQL). */
void op_search(struct request *);

/* op-admin.c: deadline arithmetic, the test clock, reload. */
void op_deadline(struct request *);
void op_shift_clock(struct request *);
void op_reload(struct request *);

/* lifecycle.c: one life-cycle step through transition.lua. */
#define STEP_MAX_FIELDS 8

struct step {
	const char *number;
	const char *note;	/* the history entry's note */
	const char *incr;	/* a counter field to increment, or NULL */
	const char *lead;	/* with EFFECT_ROUTE */
	const char *assists;	/* with EFFECT_ROUTE: "a,b" */
	const char *category;	/* with EFFECT_ROUTE: a minor class, or NULL */
	const char *master;	/* with EFFECT_MERGE */
	int approve;		/* with EFFECT_EXTENSION_DECIDE */
	const char *fields[STEP_MAX_FIELDS * 2 + 1];	/* pairs, NULL-ended */
};

void step_run(struct request *, enum ticket_action, const struct step *);
int check_limit(struct request *, const char *field, const char *limit);

/* timer.c: the timer loop (the clock itself: now.c). */
void timer_init(struct event_base *);
void timer_shutdown(void);
void timer_poke(void);
void timer_resync(void);
void timer_clock_changed(void);
void timer_set_offset(int64_t);
int timer_shift_clock(int64_t advance, store_cb, void *);
int64_t timer_last_lag(void);

/* recompute.c: deadlines again after the calendar or policies changed. */
uint64_t recompute_fingerprint(const struct config *);
void recompute_start(void);
void recompute_start_because(const char *cause);

/* calstore.c: holiday notices imported into Redis, laid over the year files. */
void calstore_apply(struct calendar *);
void calstore_wake(void);
void calstore_resync(void);
void calstore_shutdown(void);

/* op-calendar.c: hotlinectl calendar import (admin). */
void op_calendar_import(struct request *);
/* op-calendar.c: hotlinectl calendar status (where each year comes from). */
void op_calendar_status(struct request *);
void recompute_resync(void);

/* http.c: /healthz, /readyz, /metrics. */
struct event_base;
int http_start(struct event_base *);
void http_stop(void);
struct evhttp_request;
void http_peer_address(struct evhttp_request *, char *out, size_t outlen);
/* http-tls.c: TLS on the HTTP listener (http.tls). */
struct evhttp;
int http_tls_start(struct evhttp *, const struct tls_spec *);
int http_tls_on(void);
void http_tls_stop(void);

/* web-api.c: the JSON API (/api/v1/...) and the embedded page, on evhttp. */
void web_start(struct evhttp *);
void web_stop(void);
void web_api_write(struct conn *, const uint8_t *frame, size_t len);
size_t web_api_backlog(const struct conn *);
extern const char *(*http_ready_text)(void);

/* metrics.c: this daemon's counters and duration histograms. */
struct evbuffer;
int64_t metrics_now_us(void);
void metrics_request(struct request *, const char *op);
void metrics_answered(const struct request *);
void metrics_error(Hotline__ErrorCode);
void metrics_timers_fired(long long);
void metrics_timer_lag(int64_t ms);
void metrics_redis_answered(int64_t sent_us, int answered);
void metrics_classified(int64_t started_us);
void metrics_model(double precision, double coverage, double threshold,
    size_t examples);
void metrics_connection(void);
void metrics_render(struct evbuffer *);
extern void (*metrics_more)(struct evbuffer *);
/* Gauges /metrics shows that other modules own: each is read through the function registered for it. */
enum metrics_gauge {
	METRICS_STORE_READY,		/* store_ready() */
	METRICS_STORE_PENDING,		/* store_pending() */
	METRICS_CONNECTIONS,		/* server_busy() */
	METRICS_OUTPUT_UNSENT,		/* server_output_unsent() */
	METRICS_OUTPUT_CUTS,		/* server_output_budget_cuts() */
	METRICS_TIMER_LAG,		/* timer_last_lag() */
	METRICS_ROUTING_THRESHOLD,	/* learn_threshold() */
	METRICS_STORE_READ_STATE,	/* store.c: the read link's state */
	METRICS_STORE_READ_PENDING,	/* store.c: commands on the read link */
	METRICS_STORE_WRITE_PENDING,	/* store.c: commands on the command link */
	METRICS_STORE_WATCHDOG_DROPS,	/* store.c: links dropped by the watchdog */
	METRICS_HTTP_CONNECTIONS,	/* http-conn.c: open HTTP connections */
	METRICS_GAUGE_COUNT
};
typedef double (*metrics_reader)(void);
/* Registers how to read gauge g; one not registered shows 0. */
void metrics_gauge(enum metrics_gauge g, metrics_reader);

/* scrape.c: one /metrics answer, with the figures kept in Redis. */
struct evhttp_request;
void scrape_start(struct evhttp_request *);
void scrape_abort_all(void);

/* feed.c: live delivery of department events (list + watch). */
void op_watch(struct request *);
void feed_wake(const char *feed);
void feed_resync(void);
void feed_writable(struct conn *);
void feed_closed(struct conn *);

/* learn.c: the learned model, kept in step with the examples in Redis. */
#define LEARN_STREAM KEY_NB_EXAMPLES	/* the examples: the source of truth */
#define LEARN_GENERATION KEY_NB_GEN	/* bumped: every daemon reads again */

struct lrmodel;
void learn_init(void);
void learn_reload(void);
void learn_wake(void);
void learn_resync(void);
void learn_shutdown(void);
uint64_t learn_epoch(void);
const struct lrmodel *learn_model(void);
double learn_threshold(void);
int64_t learn_trained_at(double *seconds);
void learn_classify(struct classify_result *, const char *ntitle,
    const char *ncontent, const char *district);
void learn_wait(void);

/* op-learn.c: the learned model's examples (学习样本), for dispatchers and admins. */
void op_export_examples(struct request *);
void op_import_examples(struct request *);
void op_retrain(struct request *);
void op_evaluate(struct request *);

#endif
