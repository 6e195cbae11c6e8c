/* The Lua scripts the daemon runs: one list (id, file, whether it writes), the embedded sources (scripts/embed-lua.sh) and EVALSHA's argument vector. */
#ifndef STORE_SCRIPTS_H
#define STORE_SCRIPTS_H

#include <stddef.h>

/*
 * Every script, once: X(ID, file name in daemon/scripts/ without ".lua",
 * WRITES or READS). A script that WRITES changes state, so in strict mode
 * (redis.wait_replicas) its answer waits for WAIT (store-wait.c); a new
 * script is one line here, and cannot be left out of that wait by
 * forgetting a second list.
 */
#define STORE_SCRIPTS(X) \
	X(CREATE, create, WRITES) \
	X(TRANSITION, transition, WRITES) \
	X(SHOW, show, READS) \
	X(TICKETS, tickets, READS) \
	X(FEED_READ, feed_read, READS) \
	X(TICKET_READ, ticket_read, READS) \
	X(TIMER_FIRE, timer_fire, WRITES) \
	X(CLOCK_OFFSET, clock_offset, WRITES) \
	X(CLOCK_SCAN, clock_scan, WRITES) \
	X(CLOCK_SET, clock_set, WRITES) \
	X(NB_READ, nb_read, READS) \
	X(NB_IMPORT, nb_import, WRITES) \
	X(NB_RETRAIN, nb_retrain, WRITES) \
	X(RECENT_READ, recent_read, READS) \
	X(STATS_READ, stats_read, READS) \
	X(DUE_READ, due_read, READS) \
	X(BREACHES_READ, breaches_read, READS) \
	X(CALENDAR_IMPORT, calendar_import, WRITES) \
	X(WEB_SESSION, web_session, WRITES) \
	X(ARCHIVE_READ, archive_read, READS) \
	X(ARCHIVE_EVICT, archive_evict, WRITES) \
	X(KB_NOTICE, kb_notice, WRITES)

#define STORE_SCRIPT_ENUM(id, file, writes) SCRIPT_##id,
enum script_id {
	STORE_SCRIPTS(STORE_SCRIPT_ENUM)
	SCRIPT_COUNT
};
#undef STORE_SCRIPT_ENUM

/* The file name of a script ("transition"); see store.c. */
const char *store_script_name(enum script_id);
/* 1 if the script changes state (WRITES above), else 0; see store-wait.c. */
int store_script_writes(enum script_id);

struct embedded_script {
	const char *name;	/* file name without ".lua" */
	const char *source;
};

/* Terminated by an entry whose name is NULL. */
extern const struct embedded_script embedded_scripts[];

/* "EVALSHA sha nkeys args..." for hiredis, built by store_eval_build (store-args.c). */
struct store_eval {
	int argc;
	const char **argv;
	size_t *lens;
	char nkeys[16];
};

struct store_args;
/* Named parameters (transition.lua, create.lua): name, then value. */
/* store-wait.c: a reply deep-copied with malloc, freed by freeReplyObject. */
struct redisReply *store_reply_copy(const struct redisReply *);
void store_args_param(struct store_args *, const char *name, const char *);
void store_args_paramf(struct store_args *, const char *name, const char *,
    ...) __attribute__((format(printf, 3, 4)));
void store_eval_build(struct store_eval *, const char *sha, int nkeys,
    const struct store_args *);
void store_eval_free(struct store_eval *);

#endif
