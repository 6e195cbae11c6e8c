/* The archive's schema: the embedded migrations (daemon/sql/) applied at connect, each one the database has not recorded, a database newer than this daemon refused. */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "archive.h"

/* Held while migrating: several daemons may connect at once. */
#define SCHEMA_LOCK "7345016"

static struct {
	struct pg_link *link;
	void (*done)(int ok);
	int version;		/* the database's highest; -1 until known */
	char *applied;		/* ",1,2,3,10," the versions it recorded */
	int next;		/* index of the migration being applied */
	char state[200];	/* why the schema is refused, or "" */
} sc = { .version = -1 };

static void schema_apply_next(void);

/* The newest embedded migration's version. */
int
archive_schema_latest(void)
{
	int i, v = 0;

	for (i = 0; archive_migrations[i].name != NULL; i++)
		v = archive_migrations[i].version;
	return v;
}

/* The database's version, once read; else -1. */
int
archive_schema_version(void)
{
	return sc.version;
}

/* "" or why the schema is refused. */
const char *
archive_schema_state(void)
{
	return sc.state;
}

/* Ends the work: the lock is released with the connection or here. */
static void
schema_end(int ok)
{
	void (*done)(int) = sc.done;

	sc.done = NULL;
	free(sc.applied);
	sc.applied = NULL;
	if (!ok) {
		pg_drop(sc.link, "schema not current");
	}
	if (done != NULL)
		done(ok);
}

/* The advisory lock was released: the schema is current. */
static void
schema_unlocked(struct pg_result *res, void *arg)
{
	(void)arg;
	if (!pg_ok(res)) {
		log_warnx("archive: releasing the schema lock: %s",
		    pg_error(res));
		schema_end(0);
		return;
	}
	schema_end(1);
}

/* Releases the lock; the schema is current. */
static void
schema_finish(void)
{
	if (pg_query(sc.link, "SELECT pg_advisory_unlock(" SCHEMA_LOCK ")", 0, NULL,
	    schema_unlocked, NULL) == -1)
		schema_end(0);
}

/* A migration was applied (or failed). */
static void
schema_applied(struct pg_result *res, void *arg)
{
	const struct archive_migration *m = arg;

	if (!pg_ok(res)) {
		snprintf(sc.state, sizeof sc.state, "migration %s failed: %s",
		    m->name, pg_error(res));
		log_warnx("archive: %s", sc.state);
		schema_end(0);
		return;
	}
	log_info("archive: schema migration %s applied", m->name);
	if (m->version > sc.version)
		sc.version = m->version;
	sc.next++;
	schema_apply_next();
}

/* Returns 1 if the database recorded migration version v. */
static int
schema_recorded(int v)
{
	char item[16];

	snprintf(item, sizeof item, ",%d,", v);
	return sc.applied != NULL && strstr(sc.applied, item) != NULL;
}

/*
 * Applies the next migration the database lacks, in its own transaction,
 * in the order of their numbers. A migration numbered below the
 * database's highest is applied too when it was never recorded: a
 * database made by an older release (001-003, 010, 011) gets 004 and 005
 * when they ship later, not only what is numbered above 011.
 */
static void
schema_apply_next(void)
{
	const struct archive_migration *m;
	char *sql;
	int rc;

	while ((m = &archive_migrations[sc.next])->name != NULL &&
	    schema_recorded(m->version))
		sc.next++;
	if (m->name == NULL) {
		schema_finish();
		return;
	}
	sql = xasprintf("BEGIN;\n%s\nINSERT INTO hotline.schema_migrations "
	    "(version, name) VALUES (%d, '%s');\nCOMMIT;", m->sql, m->version,
	    m->name);
	rc = pg_query(sc.link, sql, 0, NULL, schema_applied, (void *)m);
	free(sql);
	if (rc == -1)
		schema_end(0);
}

/* The database's version is known: refuse a newer one, else migrate. */
static void
schema_read(struct pg_result *res, void *arg)
{
	int latest = archive_schema_latest();

	(void)arg;
	if (!pg_ok(res) || pg_rows(res) != 1) {
		log_warnx("archive: reading the schema version: %s",
		    pg_error(res));
		schema_end(0);
		return;
	}
	sc.version = atoi(pg_value(res, 0, 0));
	sc.applied = xasprintf(",%s,", pg_value(res, 0, 1));
	if (sc.version > latest) {
		char state[sizeof sc.state];

		snprintf(state, sizeof state, "the database's schema is "
		    "version %d, newer than this hotlined's %d: archiving "
		    "refused (upgrade hotlined)", sc.version, latest);
		if (strcmp(state, sc.state) != 0)
			log_warnx("archive: %s", state);
		memcpy(sc.state, state, sizeof sc.state);
		schema_end(0);
		return;
	}
	sc.state[0] = '\0';
	sc.next = 0;
	schema_apply_next();
}

/* Brings the schema up to date; see archive.h. */
void
archive_schema_apply(struct pg_link *link, void (*done)(int ok))
{
	static const char sql[] =
	    "SELECT pg_advisory_lock(" SCHEMA_LOCK ");\n"
	    "CREATE SCHEMA IF NOT EXISTS hotline;\n"
	    "CREATE TABLE IF NOT EXISTS hotline.schema_migrations (\n"
	    "  version integer PRIMARY KEY,\n"
	    "  name text NOT NULL,\n"
	    "  applied_at timestamptz NOT NULL DEFAULT now());\n"
	    "SELECT coalesce(max(version), 0), coalesce(string_agg("
	    "version::text, ',' ORDER BY version), '') "
	    "FROM hotline.schema_migrations;";

	sc.link = link;
	sc.done = done;
	if (pg_query(sc.link, sql, 0, NULL, schema_read, NULL) == -1)
		schema_end(0);
}
