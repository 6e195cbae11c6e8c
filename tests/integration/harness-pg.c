/* A private PostgreSQL for integration tests: initdb into a temporary directory, a unix socket, stopped at exit. */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "harness-pg.h"

#define PG_BIN "/usr/lib/postgresql/15/bin"
#define PG_PORT 5432		/* names the socket file; no TCP listener */
#define PG_WAIT_MS 30000
#define PG_MAX_LIVE 4

static struct harness_pg *pg_live[PG_MAX_LIVE];

/* Milliseconds of CLOCK_MONOTONIC. */
static long long
pg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps ms milliseconds. */
static void
pg_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The user the server runs as: postgres when we are root, else ourselves. */
static int
pg_user(uid_t *uid, gid_t *gid, const char **name)
{
	struct passwd *pw;

	if (geteuid() != 0) {
		*uid = geteuid();
		*gid = getegid();
		pw = getpwuid(*uid);
		*name = pw != NULL ? pw->pw_name : "postgres";
		return 0;
	}
	if ((pw = getpwnam("postgres")) == NULL) {
		fprintf(stderr, "harness-pg: running as root and there is no "
		    "postgres user (install postgresql: make deps)\n");
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	*name = "postgres";
	return 0;
}

/*
 * Forks a child that becomes the server's user, dies with us, sends its
 * output to pg->log and runs argv. Returns its pid or -1.
 */
static pid_t
pg_spawn(struct harness_pg *pg, char *const argv[])
{
	uid_t uid;
	gid_t gid;
	const char *name;
	pid_t pid;
	int fd;

	if (pg_user(&uid, &gid, &name) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		fprintf(stderr, "harness-pg: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid != 0)
		return pid;
	if ((fd = open(pg->log, O_WRONLY | O_CREAT | O_APPEND, 0644)) != -1) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	if (geteuid() == 0 && (setgroups(0, NULL) == -1 || setgid(gid) == -1 ||
	    setuid(uid) == -1)) {
		perror("harness-pg: becoming postgres");
		_exit(127);
	}
	/* Set after the user change (which clears it): dies with the test. */
	prctl(PR_SET_PDEATHSIG, SIGQUIT);
	if (getppid() == 1)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	execv(argv[0], argv);
	perror(argv[0]);
	_exit(127);
}

/* Runs argv as the server's user and waits for it; 0 if it exited 0. */
static int
pg_run(struct harness_pg *pg, char *const argv[])
{
	pid_t pid = pg_spawn(pg, argv);
	int status;

	if (pid == -1 || waitpid(pid, &status, 0) == -1)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "harness-pg: %s failed (wait status %d)\n", argv[0],
	    status);
	harness_pg_print_log(pg);
	return -1;
}

/* Prints the server's log to stderr. */
void
harness_pg_print_log(const struct harness_pg *pg)
{
	char line[512];
	FILE *f = fopen(pg->log, "r");

	if (f == NULL)
		return;
	fprintf(stderr, "---- %s ----\n", pg->log);
	while (fgets(line, sizeof line, f) != NULL)
		fputs(line, stderr);
	fclose(f);
}

/* At exit: stop what a test left running. */
static void
pg_at_exit(void)
{
	int i;

	for (i = 0; i < PG_MAX_LIVE; i++)
		if (pg_live[i] != NULL)
			harness_pg_stop(pg_live[i]);
}

/* Adds pg to (add) or removes it from the servers stopped at exit. */
static void
pg_set_live(struct harness_pg *pg, int add)
{
	static int registered;
	int i;

	if (!registered) {
		atexit(pg_at_exit);
		registered = 1;
	}
	for (i = 0; i < PG_MAX_LIVE; i++) {
		if (add && pg_live[i] == NULL) {
			pg_live[i] = pg;
			return;
		}
		if (!add && pg_live[i] == pg)
			pg_live[i] = NULL;
	}
}

/* Starts the postmaster on pg's data and waits until it accepts connections. */
int
harness_pg_restart(struct harness_pg *pg)
{
	char data[96], sockdir[80], admin[200];
	char *const argv[] = { PG_BIN "/postgres", "-D", data, "-k", sockdir,
	    "-p", "5432", "-c", "listen_addresses=", "-c", "fsync=off",
	    "-c", "full_page_writes=off", "-c", "synchronous_commit=off",
	    "-c", "shared_buffers=16MB", "-c", "max_connections=40", NULL };
	long long until = pg_now_ms() + PG_WAIT_MS;
	const char *name;
	uid_t uid;
	gid_t gid;

	snprintf(data, sizeof data, "%s/data", pg->dir);
	snprintf(sockdir, sizeof sockdir, "%s", pg->dir);
	if (pg_user(&uid, &gid, &name) == -1 ||
	    (pg->pid = pg_spawn(pg, argv)) == -1) {
		pg->pid = 0;
		return -1;
	}
	snprintf(admin, sizeof admin, "host=%s port=%d dbname=postgres user=%s",
	    pg->dir, PG_PORT, name);
	while (PQping(admin) != PQPING_OK) {
		int status;

		if (waitpid(pg->pid, &status, WNOHANG) == pg->pid) {
			fprintf(stderr, "harness-pg: postgres exited\n");
			pg->pid = 0;
			harness_pg_print_log(pg);
			return -1;
		}
		if (pg_now_ms() > until) {
			fprintf(stderr, "harness-pg: postgres did not answer "
			    "within %d ms\n", PG_WAIT_MS);
			harness_pg_print_log(pg);
			return -1;
		}
		pg_sleep_ms(50);
	}
	return 0;
}

/* Creates the test database through the admin database; 0 or -1. */
static int
pg_create_db(struct harness_pg *pg, const char *user)
{
	char admin[200];
	PGconn *c;
	PGresult *r;
	int rc;

	snprintf(admin, sizeof admin, "host=%s port=%d dbname=postgres user=%s",
	    pg->dir, PG_PORT, user);
	c = PQconnectdb(admin);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "harness-pg: %s", PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, "CREATE DATABASE " HARNESS_PG_DB);
	rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc == -1)
		fprintf(stderr, "harness-pg: CREATE DATABASE: %s",
		    PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

/* Makes a fresh cluster, starts it and creates the database; see harness-pg.h. */
int
harness_pg_start(struct harness_pg *pg)
{
	char data[96];
	char *const initdb[] = { PG_BIN "/initdb", "-D", data, "-U", NULL,
	    "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", NULL };
	char **argv = (char **)initdb;
	const char *name;
	uid_t uid;
	gid_t gid;

	memset(pg, 0, sizeof *pg);
	if (pg_user(&uid, &gid, &name) == -1)
		return -1;
	snprintf(pg->dir, sizeof pg->dir, "/tmp/hotline-pg-XXXXXX");
	if (mkdtemp(pg->dir) == NULL) {
		fprintf(stderr, "harness-pg: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	pg_set_live(pg, 1);
	if (chown(pg->dir, uid, gid) == -1) {
		fprintf(stderr, "harness-pg: chown %s: %s\n", pg->dir,
		    strerror(errno));
		harness_pg_stop(pg);
		return -1;
	}
	snprintf(pg->log, sizeof pg->log, "%s/postgres.log", pg->dir);
	snprintf(data, sizeof data, "%s/data", pg->dir);
	argv[4] = (char *)name;
	snprintf(pg->conninfo, sizeof pg->conninfo,
	    "host=%s port=%d dbname=%s user=%s", pg->dir, PG_PORT,
	    HARNESS_PG_DB, name);
	if (pg_run(pg, initdb) == -1 || harness_pg_restart(pg) == -1 ||
	    pg_create_db(pg, name) == -1) {
		harness_pg_stop(pg);
		return -1;
	}
	return 0;
}

/* Stops the server (SIGINT: fast shutdown) and waits; see harness-pg.h. */
void
harness_pg_halt(struct harness_pg *pg)
{
	long long until = pg_now_ms() + PG_WAIT_MS;

	if (pg->pid <= 0)
		return;
	kill(pg->pid, SIGINT);
	while (waitpid(pg->pid, NULL, WNOHANG) == 0) {
		if (pg_now_ms() > until) {
			kill(pg->pid, SIGKILL);
			waitpid(pg->pid, NULL, 0);
			break;
		}
		pg_sleep_ms(20);
	}
	pg->pid = 0;
}

/* Removes one path for nftw. */
static int
pg_remove_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* Stops the server and removes its directory; see harness-pg.h. */
void
harness_pg_stop(struct harness_pg *pg)
{
	harness_pg_halt(pg);
	if (pg->dir[0] != '\0' && getenv("HARNESS_KEEP") == NULL)
		nftw(pg->dir, pg_remove_one, 16, FTW_DEPTH | FTW_PHYS);
	else if (pg->dir[0] != '\0')
		fprintf(stderr, "harness-pg: kept %s\n", pg->dir);
	pg->dir[0] = '\0';
	pg_set_live(pg, 0);
}

/* A blocking connection to the test database; see harness-pg.h. */
PGconn *
harness_pg_connect(struct harness_pg *pg)
{
	PGconn *c = PQconnectdb(pg->conninfo);

	if (PQstatus(c) == CONNECTION_OK)
		return c;
	fprintf(stderr, "harness-pg: %s", PQerrorMessage(c));
	PQfinish(c);
	return NULL;
}

/* The first column of sql's first row as a number; see harness-pg.h. */
long long
harness_pg_number(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	long long v = -1;

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "harness-pg: %s: %s", sql, PQerrorMessage(c));
	else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* Gives d's config an archive group on pg; see harness-pg.h. */
int
harness_pg_configure(struct harness_daemon *d, const struct harness_pg *pg,
    int claim_idle_ms)
{
	char group[512];

	snprintf(group, sizeof group, "testing = { clock_control = true; };\n"
	    "archive = { conninfo = \"%s\"; batch = 50; claim_idle_ms = %d; "
	    "timeout_ms = 60000; };\n", pg->conninfo, claim_idle_ms);
	if (harness_edit_config(d, "calendar = {",
	    "calendar = { warn_days = 1; ") == -1)
		return -1;
	return harness_edit_config(d, "testing = { clock_control = true; };",
	    group);
}

/* Waits until the daemon migrated the schema (archive-schema.c's lock); see harness-pg.h. */
int
harness_pg_wait_schema(PGconn *c)
{
	long long until = pg_now_ms() + PG_WAIT_MS;

	while (pg_now_ms() < until) {
		/* Migrated: the table of versions has rows, the lock is free. */
		if (harness_pg_number(c, "SELECT count(*) FROM pg_tables WHERE "
		    "schemaname = 'hotline' AND tablename = "
		    "'schema_migrations'") == 1 &&
		    harness_pg_number(c, "SELECT count(*) FROM "
		    "hotline.schema_migrations") > 0 &&
		    harness_pg_number(c, "SELECT count(*) FROM pg_locks WHERE "
		    "locktype = 'advisory' AND objid = 7345016") == 0)
			return 0;
		pg_sleep_ms(50);
	}
	fprintf(stderr, "harness-pg: the daemon made no schema in %d ms\n",
	    PG_WAIT_MS);
	return -1;
}

/* Starts PostgreSQL, Redis and hotlined with an archive; see harness-pg.h. */
int
harness_pg_group_start(struct harness *h, struct harness_pg *pg,
    const char *principal, struct hl_client **client)
{
	PGconn *db;
	int rc;

	*client = NULL;
	if (harness_pg_start(pg) == -1 || harness_start(h) == -1 ||
	    harness_pg_configure(&h->main, pg, 30000) == -1 ||
	    harness_restart(h) == -1 ||
	    (*client = harness_login(h, principal)) == NULL ||
	    (db = harness_pg_connect(pg)) == NULL)
		return -1;
	rc = harness_pg_wait_schema(db);
	PQfinish(db);
	return rc;
}
