/* A private PostgreSQL for integration tests: initdb into a temporary directory, a unix socket, stopped at exit. */
#ifndef HARNESS_PG_H
#define HARNESS_PG_H

#include <sys/types.h>

#include <libpq-fe.h>

/* The database the daemons' archive and the tests use. */
#define HARNESS_PG_DB "hotline"

struct harness_pg {
	char dir[64];		/* /tmp/hotline-pg-XXXXXX: data/, the socket, the log */
	char conninfo[160];	/* "host=<dir> port=5432 dbname=hotline user=..." */
	char log[96];		/* the server's log */
	pid_t pid;		/* the postmaster; 0 when not running */
};

/*
 * Makes a fresh cluster in a new directory (as the postgres user when run
 * as root: PostgreSQL refuses root), starts it on a unix socket only and
 * creates HARNESS_PG_DB. The server dies with this process (a parent-death
 * signal) and is stopped at exit. Returns 0, or -1 after printing why.
 */
int harness_pg_start(struct harness_pg *);
/* Starts the server of pg's existing directory again (after a stop); 0 or -1. */
int harness_pg_restart(struct harness_pg *);
/* Stops the server (fast shutdown) and waits for it; the data stay. */
void harness_pg_halt(struct harness_pg *);
/* Stops the server and removes its directory; safe to call twice. */
void harness_pg_stop(struct harness_pg *);
/* A blocking connection to HARNESS_PG_DB; NULL (printed) on failure. */
PGconn *harness_pg_connect(struct harness_pg *);
/*
 * Runs sql (no parameters) and returns the first column of its first row
 * as a number; -1 on an error (printed) or no row. For assertions.
 */
long long harness_pg_number(PGconn *, const char *sql);
/*
 * Gives d's config an archive group on pg (claim_idle_ms as given) and a
 * calendar warning of 1 day (the test calendar ends with 2026, and /readyz
 * is read for the archive's state); harness_restart makes it count.
 */
struct harness_daemon;
int harness_pg_configure(struct harness_daemon *d, const struct harness_pg *pg,
    int claim_idle_ms);
/* Waits (bounded) until the daemon made the schema on c; 0 or -1. */
int harness_pg_wait_schema(PGconn *c);
/*
 * Starts pg, then h's Redis and hotlined with an archive group on pg, logs
 * principal in as *client and waits for the schema; a group fixture like
 * harness_group_start. Returns 0 or -1 (printed).
 */
struct harness;
struct hl_client;
int harness_pg_group_start(struct harness *h, struct harness_pg *pg,
    const char *principal, struct hl_client **client);
/* Prints the server's log to stderr (after a failure). */
void harness_pg_print_log(const struct harness_pg *);

#endif
