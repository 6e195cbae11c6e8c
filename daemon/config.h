/* The configuration: its structures, loading and lookups (config*.c; pure core). */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "hotline.pb-c.h"
#include "category.h"
#include "deadline.h"
#include "role.h"
#include "stats.h"

/*
 * Contract: config_load reads a file (and the calendar and catalogue files it
 * names) and returns a config the caller owns and frees with config_free;
 * nothing else is kept. Everything inside is owned by the config, and
 * lookups return pointers into it, valid while it lives. A loaded config is
 * never changed: the shell swaps a whole new one in (reload.c), so one
 * config may be read from several threads at once. Errors come back in
 * err (errlen bytes) as one line naming the file, line and key.
 */

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
	int read_link;		/* 1: read-only scripts on a second link */
	int read_window;	/* reads sent on it at once; more queue */
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
	int yield_ms;		/* the lag it may reach yielding to saturated Redis; 0 never yields */
};

/* The knowledge base's settings (the kb group; man hotlined.conf). */
struct kb_spec {
	int suggest;		/* articles beside classify and create; 0 none */
	int suggest_wait_ms;	/* the longest they wait for PostgreSQL */
	int expiry_reminder_days; /* owners hear of expiry this early; 0 never */
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
	/* The domain lexicon (routing.lexicon, config-lexicon.c): normal form. */
	char **lexicon;
	size_t nlexicon;
};

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
	struct kb_spec kb;
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

#endif
