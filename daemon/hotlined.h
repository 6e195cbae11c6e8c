/* Internal declarations of hotlined, grouped by the file that defines them. */
#ifndef HOTLINED_H
#define HOTLINED_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hotline.pb-c.h"

#define HOTLINED_VERSION "0.1.0"

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
void fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
const char *log_escape(const char *text, char *out, size_t outlen);

/* xmalloc.c */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* auth.c: salted slow hashes of principals' credentials. */
#define AUTH_DEFAULT_ITERATIONS 20000
/*
 * Returns a newly allocated "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"
 * for token with a fresh random salt, or NULL if the random source failed.
 */
char *auth_hash(const char *token, unsigned iterations);
/* Returns 1 if stored is a well-formed hash string that auth_verify accepts. */
int auth_hash_valid(const char *stored);
/* Returns 1 if token matches stored (compared in constant time), else 0. */
int auth_verify(const char *stored, const char *token);

/* utf8.c */
/* Returns 1 if the len bytes at s are well-formed UTF-8 (no overlongs, no surrogates). */
int utf8_valid(const char *s, size_t len);
/* Returns the number of code points in valid UTF-8 s. */
size_t utf8_length(const char *s);

/* validate.c: checks every string field of a decoded message. */
/*
 * Walks msg and all nested messages: every string must be valid UTF-8 and at
 * most max_bytes long. Returns 0 if all are fine; otherwise -1 with *field
 * set to the offending field's name (static storage) and *why to a reason.
 */
int validate_strings(const ProtobufCMessage *msg, size_t max_bytes,
    const char **field, const char **why);

/* config.c */
struct department {
	char *id;		/* short ASCII id, e.g. "zjj" */
	char *name;		/* display name, e.g. "住建局" */
};

struct principal {
	char *id;
	role_t role;
	char *department;	/* department id; only for ROLE_DEPARTMENT */
	char *credential;	/* auth_hash() string, never the plain token */
};

struct catalogue_entry {
	char **keywords;	/* literal UTF-8 keywords; any one matching counts */
	size_t nkeywords;
	char **districts;	/* the entry applies only in these; none = everywhere */
	size_t ndistricts;
	char *department;	/* department id */
	char *category;		/* e.g. "城乡建设/物业管理" */
	double weight;		/* > 0 */
};

struct listen_spec {
	char *unix_path;	/* set for a unix socket ... */
	int unix_mode;		/* ... with these permission bits */
	char *host;		/* else a TCP listener on host:port */
	int port;
};

struct redis_spec {
	char *unix_path;	/* set: connect to this socket; else host:port */
	char *host;
	int port;
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
	int requests_per_turn;	/* frames handled per connection per read */
	int drain_timeout_ms;	/* SIGTERM waits this long for pending replies */
};

struct routing_spec {
	double dispatch_threshold;	/* confidence at or above: auto-dispatch */
	double prior;			/* evidence "for nobody" in the confidence */
};

struct catalogue;

struct config {
	char *path;
	struct listen_spec *listens;
	size_t nlistens;
	struct redis_spec redis;
	struct limits limits;
	struct routing_spec routing;
	struct department *departments;
	size_t ndepartments;
	struct principal *principals;
	size_t nprincipals;
	struct catalogue_entry *entries;
	size_t nentries;
	struct catalogue *catalogue;	/* entries compiled; owned */
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

/* classify.c: the keyword catalogue, compiled with Hyperscan. */
#define CLASSIFY_MAX_SUGGESTIONS 5
#define CLASSIFY_MAX_MATCHED 8

struct classify_suggestion {
	const struct department *department;
	double score;
	const char *category;		/* of the heaviest matched entry */
	const char *matched[CLASSIFY_MAX_MATCHED];	/* distinct keywords */
	size_t nmatched;
};

struct classify_result {
	struct classify_suggestion suggestions[CLASSIFY_MAX_SUGGESTIONS];
	size_t nsuggestions;		/* best first, ties by department id */
	double confidence;		/* top / (sum of all scores + prior) */
	int auto_dispatch;		/* confidence >= threshold */
};

/*
 * Compiles entries into one Hyperscan database. The catalogue keeps pointers
 * into entries and departments: they must outlive it. Returns NULL with a
 * message naming the offending entry in err.
 */
struct catalogue *catalogue_compile(const struct catalogue_entry *entries,
    size_t nentries, const struct department *departments,
    size_t ndepartments, char *err, size_t errlen);
void catalogue_free(struct catalogue *);
/*
 * Scores title + content against the catalogue. An entry with districts
 * counts only when district is one of them. A department's score is the sum
 * of the weights of its matched entries. Pointers in out stay valid while
 * the catalogue lives. Returns 0, or -1 if Hyperscan failed.
 */
int classify_text(const struct catalogue *, const struct routing_spec *,
    const char *title, const char *content, const char *district,
    struct classify_result *out);

#endif
