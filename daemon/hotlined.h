/* Internal declarations of hotlined, grouped by the file that defines them. */
#ifndef HOTLINED_H
#define HOTLINED_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hotline.pb-c.h"
#include "deadline.h"
#include "stats.h"
#include "keys.h"	/* Redis key formats */

#ifndef HOTLINE_VERSION
#define HOTLINE_VERSION "unknown"	/* the Makefile passes VERSION */
#endif
#define HOTLINED_VERSION HOTLINE_VERSION

/* Roles are the protocol's; bit masks of them say who may do what. */
typedef Hotline__Role role_t;
#define ROLE_BIT(r) (1u << (unsigned)(r))
#define ROLE_AGENT_BIT ROLE_BIT(HOTLINE__ROLE__ROLE_AGENT)
#define ROLE_DEPARTMENT_BIT ROLE_BIT(HOTLINE__ROLE__ROLE_DEPARTMENT)
#define ROLE_ANY_BIT 0xffffffffu

/* log.c */
void log_init(int foreground, int verbose);
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* A repeated warning's state: log_warnx_limited writes it at most once a second. */
struct log_limit {
	int64_t last_ms;
	unsigned long suppressed;
};
void log_warnx_limited(struct log_limit *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
const char *log_escape(const char *text, char *out, size_t outlen);

/* xmalloc.c */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/*
 * xarray.c: qsort, qsort_r, bsearch and memcpy for arrays that may be empty
 * and then NULL (the libc routines are undefined there: UBSan aborts). Use
 * them wherever the count comes from data.
 */
void xqsort(void *, size_t, size_t, int (*)(const void *, const void *));
void xqsort_r(void *, size_t, size_t,
    int (*)(const void *, const void *, void *), void *);
void *xbsearch(const void *, const void *, size_t, size_t,
    int (*)(const void *, const void *));
void *xmemcpy(void *, const void *, size_t);

/* auth.c: salted slow hashes of principals' credentials (argon2id). */
/*
 * argon2id's cost: OWASP's first recommendation (19 MiB, 2 passes, 1 lane),
 * about 30 ms of one core per verification; auth-cache.c keeps reconnects
 * from paying it again.
 */
#define AUTH_DEFAULT_MEMORY_KIB 19456
#define AUTH_DEFAULT_PASSES 2
#define AUTH_DEFAULT_LANES 1
/* What a stored string may ask for (bounds the cost of one verification). */
#define AUTH_MIN_MEMORY_KIB 8
#define AUTH_MAX_MEMORY_KIB 1048576
#define AUTH_MAX_PASSES 64
#define AUTH_MAX_LANES 16

struct auth_cost {
	unsigned memory_kib;	/* m */
	unsigned passes;	/* t */
	unsigned lanes;		/* p */
};

/*
 * Returns a newly allocated "$argon2id$v=19$m=..,t=..,p=..$salt$hash" for
 * token with a fresh 16-byte random salt and a 32-byte hash; cost NULL means
 * the defaults above. NULL if the cost is out of range, the random source
 * failed or memory ran out.
 */
char *auth_hash(const char *token, const struct auth_cost *cost);
/* Returns 1 if stored is a well-formed hash string that auth_verify accepts. */
int auth_hash_valid(const char *stored);
/* Returns 1 if stored is a legacy pbkdf2-sha256 string (still accepted). */
int auth_hash_legacy(const char *stored);
/* Reads an argon2id string's cost into *cost; returns 0, or -1 if not one. */
int auth_hash_cost(const char *stored, struct auth_cost *cost);
/*
 * Returns 1 if token matches stored (argon2id, or legacy PBKDF2; compared in
 * constant time), else 0. Slow on purpose: see auth-cache.c.
 */
int auth_verify(const char *stored, const char *token);

/* auth-pbkdf2.c: the legacy hashes, verified so existing configs keep working. */
#define PBKDF2_PREFIX "pbkdf2-sha256$"
/*
 * Returns a newly allocated "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"
 * for token with a fresh random salt, or NULL if iterations is outside
 * 1000..10000000 or the random source failed. For tests; hotlinectl passwd
 * makes argon2id strings.
 */
char *pbkdf2_hash(const char *token, unsigned iterations);
int pbkdf2_valid(const char *stored);
int pbkdf2_verify(const char *stored, const char *token);

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
/* Milliseconds on the monotonic clock, for the cache's and the limit's ages. */
int64_t auth_now_ms(void);

/*
 * stream-cursor.c: 1 for "", "0" or a Redis stream id "<ms>-<seq>" (or
 * "<ms>" alone when ms_alone) with both parts at most UINT64_MAX.
 */
int stream_cursor_valid(const char *s, int ms_alone);

/* utf8.c */
/*
 * Returns 1 if the len bytes at s are well-formed UTF-8: no overlongs,
 * surrogates, code points above U+10FFFF or NUL bytes.
 */
int utf8_valid(const char *s, size_t len);
/* Returns the number of code points in valid UTF-8 s. */
size_t utf8_length(const char *s);
/*
 * Returns the length (1-4) of the well-formed, non-NUL UTF-8 sequence at s,
 * of which len bytes may be read, or 0 if it is malformed.
 */
size_t utf8_next(const char *s, size_t len);
/*
 * The bytes of the longest prefix of s no longer than max that does not cut
 * a character: "%.*s" with it never leaves half a character.
 */
size_t utf8_prefix(const char *s, size_t max);
/* Drops malformed sequences from s in place: what goes out must be UTF-8. */
void utf8_scrub(char *s);

/* validate.c: checks every string field of a decoded message. */
/*
 * Walks msg and all nested messages: every string must be valid UTF-8 and at
 * most max_bytes long. Returns 0 if all are fine; otherwise -1 with *field
 * set to the offending field's name (static storage) and *why to a reason.
 */
int validate_strings(const ProtobufCMessage *msg, size_t max_bytes,
    const char **field, const char **why);
/*
 * Walks the encoded bytes of a message of type d: no string field may hold a
 * NUL byte or exceed max_bytes. Returns 0, or -1 with *field (NULL when the
 * bytes are malformed) and *why set.
 */
int validate_wire(const ProtobufCMessageDescriptor *d, const uint8_t *wire,
    size_t len, size_t max_bytes, const char **field, const char **why);

/* bounds.c: every time argument of a request held to a sane range. */
/*
 * Checks the time arguments of request envelope env (instants, spans,
 * hours, offsets) against one table. Returns 0, or -1 with *field set to
 * the offending field's name and *why to a reason (static storage).
 */
int bounds_check(const ProtobufCMessage *env, const char **field,
    const char **why);
/* Returns the number of table rows naming field of message descriptor d. */
int bounds_known(const ProtobufCMessageDescriptor *d, const char *field);

/* config.c */
struct department {
	char *id;		/* short ASCII id, e.g. "zjj" */
	char *name;		/* display name, e.g. "住建局" */
};

/* A district of the city (区县) with its streets and towns (街道/乡镇). */
struct district {
	char *name;		/* "鼓楼区", as agents record it */
	char *government;	/* its government's department id, "gulou" */
	char **streets;		/* "鼓东街道", ...; at least one */
	size_t nstreets;
};

struct principal {
	char *id;
	role_t role;
	char *department;	/* department id; only for ROLE_DEPARTMENT */
	char *credential;	/* auth_hash() string, never the plain token; may be
				   NULL when a certificate mapping is set */
	char *cert_cn;		/* a verified client certificate with this CN ... */
	unsigned char cert_sha256[32];	/* ... or this SHA-256 fingerprint */
	int has_cert_sha256;		/* (of its DER form) authenticates it */
};

struct catalogue_entry {
	char **keywords;	/* literal UTF-8 keywords; any one matching counts */
	size_t nkeywords;
	char **districts;	/* the entry applies only in these; none = everywhere */
	size_t ndistricts;
	char *department;	/* department id */
	char *category;		/* a minor class's code, "030102", or "" */
	double weight;		/* > 0 */
	/* Fields added later stay at the end: tests build entries in order. */
	char **patterns;	/* Hyperscan expressions over normalised text */
	size_t npatterns;	/* keywords + patterns: at least one */
	char **streets;		/* and only in these streets; none = all */
	size_t nstreets;
};

/*
 * An emergency of the catalogue (紧急警情): a ticket that matches one of its
 * keywords or patterns and none of its except keywords is flagged and
 * transferred to transfer_to, never dispatched.
 */
struct emergency {
	char **keywords;	/* literal, normalised */
	size_t nkeywords;
	char **patterns;	/* Hyperscan expressions over normalised text */
	size_t npatterns;	/* keywords + patterns: at least one */
	char **except;		/* literal keywords that cancel it */
	size_t nexcept;
	char *kind;		/* "fire", "crime", "medical", ... */
	char *name;		/* for people: "火警" */
	char *transfer_to;	/* "119", "110", "120", "122" */
};

/* Linking a new ticket to a likely earlier one (重复件), in create.lua. */
struct repeats_spec {
	int64_t window_ms;	/* 0: no linking */
	int simhash_bits;	/* the same district's text within this distance */
	int candidates;		/* at most this many recent tickets compared */
	int recent_max;		/* tickets kept per district for comparing */
};

/* Bursts of similar tickets about one place (高频件), in create.lua. */
struct hot_spots_spec {
	int count;		/* this many within the window: an alert; 0: off */
	int64_t window_ms;
	int simhash_bits;	/* "similar" for tickets without a category */
};

/* A TCP listener's TLS (tls.c); paths are absolute or relative to the cwd. */
struct tls_spec {
	char *cert;		/* PEM: the server's certificate (and chain) */
	char *key;		/* PEM: its private key */
	char *client_ca;	/* PEM: CAs whose client certificates count; NULL: none asked */
	int require_client_cert;	/* refuse handshakes without one */
};

struct listen_spec {
	char *unix_path;	/* set for a unix socket ... */
	int unix_mode;		/* ... with these permission bits */
	char *host;		/* else a TCP listener on host:port (IPv6 without brackets) */
	int port;
	struct tls_spec *tls;	/* TCP only; NULL: plain (loopback, or said so) */
};

/* One Redis Sentinel to ask where the master is. */
struct redis_sentinel {
	char *host;		/* an IP address */
	int port;
};

struct redis_spec {
	char *unix_path;	/* set: connect to this socket; else host:port */
	char *host;		/* (both NULL when sentinels are set) */
	int port;
	struct redis_sentinel *sentinels;	/* set: ask these, in turn ... */
	size_t nsentinels;
	char *master;		/* ... where the master of this name is */
	int wait_replicas;	/* strict mode: WAIT for this many; 0: off */
	int wait_timeout_ms;	/* WAIT's timeout; below timeout_ms */
	int db;
	char *password;		/* NULL: no AUTH */
	int timeout_ms;		/* a request waiting longer gets "unavailable" */
	int feed_maxlen;	/* events retained per department feed */
};

struct limits {
	size_t max_frame;	/* largest frame accepted, bytes */
	size_t max_field;	/* largest string field, bytes */
	int max_connections;
	size_t output_limit;	/* a client with more unsent bytes is cut off */
	size_t output_budget;	/* unsent bytes of all clients: the largest holders are cut off past it */
	int requests_per_turn;	/* frames handled per connection per read */
	int drain_timeout_ms;	/* SIGTERM waits this long for pending replies */
	int max_store_pending;	/* requests beyond this many Redis commands waiting get unavailable */
	int max_principal_pending;	/* of them, at most this many of one principal */
	int write_timeout_ms;	/* a client whose output does not move this long is cut off; 0: never */
	int hello_timeout_ms;	/* a connection without a hello this long is closed */
};

/* How tickets are handled (the [tickets] group). */
struct tickets_spec {
	int callback_attempts;	/* failed callbacks before it closes unreachable */
	int mask_phones;	/* departments see 138****1234, not the number */
};

/* The HTTP side: /healthz, /readyz, /metrics (the [http] group). */
struct http_spec {
	int enabled;
	struct listen_spec listen;	/* TCP host:port */
	char **allow;			/* peer addresses that may read /metrics */
	size_t nallow;
	int max_connections;		/* http-conn.c: open at once */
	int header_timeout_ms;		/* a request's header must arrive in it */
};

/* Credential checks (the [auth] group): auth-cache.c and auth-limit.c. */
struct auth_spec {
	int cache_entries;	/* successful checks remembered; 0: none */
	int cache_ttl_s;	/* a remembered success is forgotten after this */
	int failures_burst;	/* failed hellos one address may make at once ... */
	int failures_per_minute;	/* ... and how fast that allowance refills */
	int limit_addresses;	/* addresses tracked by the failure limit */
	int workers;		/* auth-worker.c's threads (read at start); -1: auto, 0: none */
};

/* The archive in PostgreSQL (the [archive] group; archive.c). */
struct archive_spec {
	int enabled;		/* the group is there: this daemon archives */
	char *conninfo;		/* libpq's connection string */
	int keep_days;		/* closed tickets leave Redis after this */
	int batch;		/* outbox entries per batch */
	int claim_idle_ms;	/* another daemon's pending entries this old are taken over */
	int timeout_ms;		/* a connect or a statement longer than this is dropped */
	int outbox_max;		/* the change stream's bound, in entries */
};

/* Test installations only (the [testing] group). */
struct testing_spec {
	int clock_control;	/* ShiftClockRequest may move the clock */
};

struct routing_spec {
	double dispatch_threshold;	/* the catalogue alone: auto-dispatch from */
	double prior;			/* evidence "for nobody" in the confidence */
	/* The learned model (learn.c, model.c); added at the end. */
	double auto_dispatch_precision;	/* the precision auto-dispatch aims at */
	char *seeds;			/* seed examples file, or NULL */
	int model;			/* 0: the catalogue routes alone */
};

/* category.c: the category tree (分类与代码), pure. */
struct category {
	char *code;		/* "03" 大类, "0301" 中类, "030102" 小类 */
	char *name;		/* "电梯" */
	char *label;		/* set by category_check: "城乡建设/物业管理/电梯" */
};

int category_check(struct category *, size_t n, const char **bad,
    const char **why);
const struct category *category_find(const struct category *, size_t n,
    const char *code);
const struct category *category_minor(const struct category *, size_t n,
    const char *code);

struct catalogue;

struct config {
	char *path;
	struct listen_spec *listens;
	size_t nlistens;
	struct redis_spec redis;
	struct limits limits;
	struct routing_spec routing;
	struct tickets_spec tickets;
	struct testing_spec testing;
	struct auth_spec auth;
	struct http_spec http;
	struct calendar *calendar;	/* working days (限时办结); owned */
	struct policies *policies;	/* time limits; owned */
	struct department *departments;
	size_t ndepartments;
	struct principal *principals;
	size_t nprincipals;
	struct catalogue_entry *entries;
	size_t nentries;
	struct catalogue *catalogue;	/* entries compiled; owned */
	struct emergency *emergencies;	/* compiled into catalogue too */
	size_t nemergencies;
	struct repeats_spec repeats;
	struct hot_spots_spec hot_spots;
	struct assessment_spec assessment;
	struct category *categories;	/* the catalogue's tree, by code */
	size_t ncategories;
	struct district *districts;	/* none: district and street are free text */
	size_t ndistricts;
	struct archive_spec archive;
};

/*
 * Loads and checks the file at path (libconfig syntax), compiling the
 * catalogue. Returns a new config, or NULL with a message naming the file,
 * line and key at fault in err.
 */
struct config *config_load(const char *path, char *err, size_t errlen);
void config_free(struct config *);
/* Lookups; NULL when absent. */
const struct department *config_department(const struct config *, const char *id);
const struct principal *config_principal(const struct config *, const char *id);
/* Names a role as in the config file: "agent", "department", ... */
const char *config_role_name(role_t role);
/* The district of this name, or NULL (also when the config has none). */
const struct district *config_district(const struct config *, const char *name);
/*
 * Checks a ticket's district and street against the config's districts:
 * with none configured both are free text. Else an empty district is fine
 * unless a street is given; a district must be listed and a street must be
 * one of its district's. Returns 0, or -1 with *field ("district" or
 * "street") and *why (static) set.
 */
int config_place_check(const struct config *, const char *district,
    const char *street, const char **field, const char **why);
/*
 * Calls fn with every place name of the config: each district's name, then
 * its streets (is_street 1), in the file's order. For word lists such as a
 * segmenter's user dictionary.
 */
void config_each_place(const struct config *,
    void (*fn)(const char *name, int is_street, void *arg), void *arg);

/* matcher.c: literals and expressions in one Hyperscan database. */
struct hs_database;
struct hs_scratch;

struct matcher_expr {
	const char *text;	/* NUL-terminated, not empty */
	int regex;		/* 1: a regular expression; 0: a literal */
};

/* Compiled expressions; see matcher_compile. */
struct matcher {
	struct hs_database *db;		/* NULL when there are no expressions */
	struct hs_scratch *scratch;
	const char **text;		/* per expression, not owned */
	size_t *len;			/* per expression; 0 for an expression */
	size_t *tail;			/* per literal: bytes compiled */
	size_t *same_next;		/* per literal: the next with its tail */
};

/* Called by matcher_scan with the index of an expression found and the byte offset where it ends. */
typedef void (*matcher_hit)(size_t index, size_t end, void *arg);

int matcher_compile(struct matcher *, const struct matcher_expr *, size_t n,
    size_t *bad, char *err, size_t errlen);
void matcher_free(struct matcher *);
int matcher_scan(const struct matcher *, const char *text, unsigned len,
    matcher_hit, void *arg);

/* classify.c: the keyword catalogue, compiled with Hyperscan. */
#define CLASSIFY_MAX_SUGGESTIONS 5
#define CLASSIFY_MAX_MATCHED 8

struct classify_suggestion {
	const struct department *department;
	double score;
	const char *category;		/* of the heaviest matched entry */
	const char *matched[CLASSIFY_MAX_MATCHED];	/* distinct keywords */
	size_t nmatched;
	double model_probability;	/* blend_result: P(department | text) */
	double confidence;		/* blend_result: the blended share */
};

/*
 * A classification. The catalogue fills everything but the model's part;
 * blend_result then re-ranks with the model (confidence and auto_dispatch
 * become the blend's). An emergency never has auto_dispatch.
 */
struct classify_result {
	struct classify_suggestion suggestions[CLASSIFY_MAX_SUGGESTIONS];
	size_t nsuggestions;		/* best first, ties by department id */
	double confidence;		/* top / (sum of all scores + prior) */
	int auto_dispatch;		/* confidence >= threshold */
	double total;			/* sum of all scores + prior */
	double catalogue_confidence;	/* the catalogue's confidence */
	size_t model_examples;		/* 0: not blended with a model */
	const struct emergency *emergency;	/* the first matching, or NULL */
	const char *emergency_matched[CLASSIFY_MAX_MATCHED];
	size_t nemergency_matched;
};

/* What classify_ticket reads of a ticket; NULL strings count as "". */
struct classify_input {
	const char *title;		/* normalised */
	const char *content;		/* normalised */
	const char *district;
	const char *street;
};

/*
 * Compiles entries into one Hyperscan database. The catalogue keeps pointers
 * into entries and departments: they must outlive it. Returns NULL with a
 * message naming the offending entry in err.
 */
struct catalogue *catalogue_compile(const struct catalogue_entry *entries,
    size_t nentries, const struct department *departments,
    size_t ndepartments, char *err, size_t errlen);
/*
 * The same with emergencies, compiled into the same database (one scan
 * finds both). They must outlive the catalogue too.
 */
struct catalogue *catalogue_build(const struct catalogue_entry *entries,
    size_t nentries, const struct emergency *emergencies,
    size_t nemergencies, const struct department *departments,
    size_t ndepartments, char *err, size_t errlen);
void catalogue_free(struct catalogue *);
struct segmenter;
/* Word boundaries of the catalogue's words; its place names (segment.h). */
const struct segmenter *catalogue_segmenter(const struct catalogue *);
const struct segmenter *catalogue_places(const struct catalogue *);
/*
 * Scores title + content against the catalogue. An entry with districts
 * counts only when district is one of them. A department's score is the sum
 * of the weights of its matched entries. Pointers in out stay valid while
 * the catalogue lives. Returns 0, or -1 if Hyperscan failed. Not reentrant:
 * it uses working storage inside the catalogue (the daemon is single-threaded).
 */
int classify_text(const struct catalogue *, const struct routing_spec *,
    const char *title, const char *content, const char *district,
    struct classify_result *out);
/*
 * classify_text with a street (entries with streets count only in them)
 * and the emergencies: out->emergency is the first configured emergency
 * that matched (and none of its except keywords did).
 */
int classify_ticket(const struct catalogue *, const struct routing_spec *,
    const struct classify_input *, struct classify_result *out);

/* blend.c: the model's text of a ticket. */
#define BLEND_TEXT_MAX 4096	/* bytes of a ticket's content the model reads */
/*
 * The model's text of a ticket as examples store it (route_text): the
 * normalised title, a newline, the normalised content. A new string.
 */
char *blend_text(const char *title, const char *content);

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


/* ticket.c: the life cycle table and ticket numbers, pure (ticket.h). */
#include "ticket.h"

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

/* notify.c: readiness and stopping told to systemd (Type=notify) */
int notify_send(const char *state);

/* daemon.c: the daemon's shared state, one owner. */
extern struct config *cfg;		/* the configuration in force */
extern struct event_base *ev_base;

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
	struct watch *watch;		/* set while the terminal watches */
	/* Called when the output was written out (set by feed.c while watching). */
	void (*drained)(struct conn *);
	struct web_call *web;		/* a web API call's conn (no bev): web-api.c */
	struct evbuffer_cb_entry *output_cb;	/* counts its unsent bytes */
	size_t output_counted;		/* of them, in the daemon's total */
	TAILQ_ENTRY(conn) entry;
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
 * counts one unless max already wait (then -1); inflight_give uncounts it.
 */
int inflight_take(const char *id, int max);
void inflight_give(const char *id);
void inflight_free(void);

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
	void *state;			/* per-operation data ... */
	void (*state_free)(void *);	/* ... and how to free it */
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

/* timer.c: the timer loop and the daemons' clock. */
int64_t now_ms(void);	/* ms since the epoch (+ the test clock's offset) */
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
void learn_classify(struct classify_result *, const char *ntitle,
    const char *ncontent, const char *district);
void learn_wait(void);

/* op-learn.c: the learned model's examples (学习样本), for dispatchers and admins. */
void op_export_examples(struct request *);
void op_import_examples(struct request *);
void op_retrain(struct request *);
void op_evaluate(struct request *);

#endif
