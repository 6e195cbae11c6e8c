/* The archiver: reads the outbox (one consumer group across daemons), writes tickets and history to PostgreSQL in batches, acknowledges after COMMIT. */
#include <sys/time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "hotlined.h"
#include "keys.h"
#include "archive.h"
#include "store-scripts.h"

#define ARCHIVE_TICK_MS 100	/* how often an idle archiver looks again */
#define ARCHIVE_STATUS_MS 1000	/* how often the stream's length and age are read */

/* Acknowledges and removes archived entries in one step (ARGV: ids). */
static const char ack_script[] =
    "redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))\n"
    "return redis.call('XDEL', KEYS[1], unpack(ARGV, 2))";
/*
 * The stream's length, its oldest entry's id and whether backfill is still
 * known done (outbox.lua removes the marker when it trims); sets the
 * stream's bound for outbox.lua.
 */
static const char status_script[] =
    "redis.call('SET', KEYS[3], ARGV[1])\n"
    "local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]\n"
    "return {redis.call('XLEN', KEYS[1]), first and first[1] or '',\n"
    "  redis.call('EXISTS', KEYS[2])}";
/* Whether backfill ran (the marker) and the trims so far, at its start. */
static const char backfill_script[] =
    "return {redis.call('EXISTS', KEYS[1]), redis.call('GET', KEYS[2]) or ''}";
/* Marks backfill done, unless the outbox was trimmed since it started. */
static const char mark_script[] =
    "if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end\n"
    "redis.call('SET', KEYS[1], '1')\n"
    "return 1";

/*
 * One step at a time is in flight (busy): create the group, backfill a
 * page, claim or read entries, read their tickets, write them, acknowledge.
 * A batch that PostgreSQL did not commit stays in hand (held) and is
 * written again once it is back; nothing newer is read meanwhile, so the
 * stream (and the lag) grows while PostgreSQL is away, and the live path
 * never waits for it. Entries are acknowledged only after the COMMIT; a
 * daemon killed before that leaves them pending in the group, and another
 * daemon claims them once they are archive.claim_idle_ms old.
 *
 * Pipelined: two batches are in hand at most. While PostgreSQL writes one
 * (out: written, then acknowledged), the next is read from Redis and its
 * rows built (in); it is written once out is acknowledged. Both are
 * pending in the group until their own COMMIT and acknowledgement, in any
 * order: a ticket in both is upserted by version, its history by position.
 */
struct hand {
	char **ids;		/* stream ids to acknowledge */
	size_t nids;
	char **numbers;		/* distinct tickets */
	size_t nnumbers;
	struct archive_batch batch;
	int built;		/* rows built, to be written */
	int full;		/* more was waiting when it was read */
	int64_t read_ms;	/* wall clock: entries read */
	int64_t built_ms;	/* of the read: building the rows */
	int64_t write_ms;	/* wall clock: sent to PostgreSQL */
};

static struct {
	int enabled;
	int stopped;
	struct pg_link *pg;
	struct event *tick;
	char consumer[96];
	int group_ready;
	int schema_ok;
	int backfill;		/* 1: not yet known, 2: running, 0: done */
	char scan_cursor[32];
	char trims[32];		/* ht:archive:trims when the scan started */
	int busy;		/* reading (and building) in */
	int writing;		/* writing (and acknowledging) out */
	struct hand in;		/* being read, or built and waiting */
	struct hand out;	/* being written, or held */
	int64_t last_claim_ms;
	int64_t last_status_ms;
	struct archive_status st;
	int64_t oldest_ms;	/* of the stream's oldest entry; 0: empty */
} ar;

static void archive_step(void);

/* Age of the oldest change not yet archived (as last read), 0 when none. */
static int64_t
archive_lag_ms(void)
{
	int64_t lag = ar.oldest_ms > 0 && ar.st.outbox > 0 ?
	    archive_wall_ms() - ar.oldest_ms : 0;

	return lag > 0 ? lag : 0;
}

/* Wall-clock milliseconds; see archive.h. */
int64_t
archive_wall_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Forgets a batch. */
static void
archive_drop_batch(struct hand *h)
{
	size_t i;

	for (i = 0; i < h->nids; i++)
		free(h->ids[i]);
	for (i = 0; i < h->nnumbers; i++)
		free(h->numbers[i]);
	free(h->ids);
	free(h->numbers);
	archive_batch_free(&h->batch);
	memset(h, 0, sizeof *h);
}

/* Adds a ticket number to the batch being read unless it is there already. */
static void
archive_add_number(const char *number)
{
	size_t i;

	for (i = 0; i < ar.in.nnumbers; i++)
		if (strcmp(ar.in.numbers[i], number) == 0)
			return;
	ar.in.numbers = xrealloc(ar.in.numbers, (ar.in.nnumbers + 1) *
	    sizeof *ar.in.numbers);
	ar.in.numbers[ar.in.nnumbers++] = xstrdup(number);
}

/* Ends a read: the next one starts on the next tick (or now, if more is waiting). */
static void
archive_idle(int more)
{
	ar.busy = 0;
	if (more && !ar.stopped)
		archive_step();
}

static void archive_write(void);

/*
 * Hands the built batch (in) to the writer when it is free and the link
 * is not used by a retention sweep or a terms rebuild; else in waits.
 */
static void
archive_handoff(void)
{
	if (ar.stopped || !ar.in.built || ar.writing || ar.out.built ||
	    !ar.schema_ok || !pg_connected(ar.pg) || pg_busy(ar.pg))
		return;
	ar.out = ar.in;
	memset(&ar.in, 0, sizeof ar.in);
	archive_write();
}

/* The batch out is done with (acknowledged, or left pending); the next may be written. */
static void
archive_out_done(void)
{
	/*
	 * A full batch: more is waiting, go on at once. A partial one: the
	 * archiver caught up; the next tick (ARCHIVE_TICK_MS) reads what came
	 * meanwhile as one batch, rather than a batch of a few changes after
	 * every few creates (each costs Redis calls and a COMMIT), which took
	 * from intake what it gave to the archive.
	 */
	int more = ar.out.full;

	archive_drop_batch(&ar.out);
	ar.writing = 0;
	archive_handoff();
	if (more && !ar.stopped)
		archive_step();
}

/* store: archived entries acknowledged and removed. */
static void
archive_acked(redisReply *reply, void *priv)
{
	(void)priv;
	if (ar.stopped)
		return;
	if (reply == NULL || reply->type == REDIS_REPLY_ERROR) {
		/* Pending still: claimed again later, written again (idempotent). */
		log_warnx("archive: acknowledging %zu entries failed: %s",
		    ar.out.nids, reply != NULL ? reply->str :
		    "Redis unreachable");
		ar.out.full = 0;
	}
	archive_out_done();
}

/* Acknowledges the entries of out (after COMMIT), or ends a backfill page. */
static void
archive_ack(void)
{
	const char **argv;
	size_t i;
	int argc = 0, rc;

	if (ar.out.nids == 0) {
		archive_out_done();
		return;
	}
	argv = xcalloc(ar.out.nids + 5, sizeof *argv);
	argv[argc++] = "EVAL";
	argv[argc++] = ack_script;
	argv[argc++] = "1";
	argv[argc++] = ARCHIVE_STREAM;
	argv[argc++] = ARCHIVE_GROUP;
	for (i = 0; i < ar.out.nids; i++)
		argv[argc++] = ar.out.ids[i];
	rc = store_read(argc, argv, archive_acked, NULL);
	free(argv);
	if (rc == -1) {
		ar.out.full = 0;	/* pending: claimed again later */
		archive_out_done();
	}
}

/* PostgreSQL answered the statement of out. */
static void
archive_written(struct pg_result *res, void *arg)
{
	(void)arg;
	if (ar.stopped)
		return;
	if (!pg_ok(res)) {
		ar.st.failures++;
		log_warnx("archive: writing %d tickets failed: %s; kept for "
		    "another try", ar.out.batch.ntickets, pg_error(res));
		ar.writing = 0;	/* held: written again on a later tick */
		return;
	}
	log_debug("archive: %d tickets, %d history rows: read %lld ms (rows "
	    "built in %lld), written %lld ms", ar.out.batch.ntickets,
	    ar.out.batch.nhistory,
	    (long long)(ar.out.write_ms - ar.out.read_ms),
	    (long long)ar.out.built_ms,
	    (long long)(archive_wall_ms() - ar.out.write_ms));
	ar.st.written += ar.out.batch.ntickets;
	ar.st.batches++;
	archive_ack();
}

/* Sends out (built) to PostgreSQL; a batch without tickets is acknowledged at once. */
static void
archive_write(void)
{
	const char *params[2] = { ar.out.batch.tickets, ar.out.batch.history };

	ar.writing = 1;
	if (ar.out.batch.ntickets == 0) {
		archive_ack();
		return;
	}
	ar.out.write_ms = archive_wall_ms();
	if (pg_query(ar.pg, archive_upsert_sql, 2, params, archive_written,
	    NULL) == -1)
		ar.writing = 0;	/* held: written again on a later tick */
}

/*
 * in is read (and built): it goes to the writer, or waits for it. If more
 * was waiting, the next batch is read at once, while PostgreSQL writes.
 */
static void
archive_read_end(void)
{
	int more = ar.in.full;

	ar.in.built = 1;
	archive_handoff();
	archive_idle(more);
}

/* The rows of in are built (rc 0), or the answer was not archive_read.lua's (-1). */
static void
archive_built_done(struct archive_batch *b, int rc)
{
	(void)b;
	if (ar.stopped) {
		archive_batch_free(&ar.in.batch);
		return;
	}
	ar.in.built_ms = archive_wall_ms() - ar.in.built_ms;
	if (rc == -1) {
		log_warnx("archive: reading %zu tickets from Redis failed: "
		    "not the answer of archive_read.lua", ar.in.nnumbers);
		archive_drop_batch(&ar.in);	/* pending: claimed again later */
		archive_idle(0);
		return;
	}
	archive_read_end();
}

/*
 * store: the tickets of in as they are now. The rows (JSON, search
 * terms: most of a batch's work) are built on a thread, so the loop goes
 * on serving requests meanwhile (archive-build.c); on the loop only if no
 * thread can be started.
 */
static void
archive_fetched(redisReply *reply, void *priv)
{
	(void)priv;
	if (ar.stopped)
		return;
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY) {
		log_warnx("archive: reading %zu tickets from Redis failed: %s",
		    ar.in.nnumbers, reply != NULL && reply->type ==
		    REDIS_REPLY_ERROR ? reply->str : "no answer");
		archive_drop_batch(&ar.in);	/* pending: claimed again later */
		archive_idle(0);
		return;
	}
	ar.in.built_ms = archive_wall_ms();
	if (archive_build_start(reply, &ar.in.batch, archive_built_done) == -1)
		archive_built_done(&ar.in.batch, archive_batch_build(
		    &ar.in.batch, reply));
}

/* Reads the tickets of in and their history in one atomic read. */
static void
archive_fetch(void)
{
	struct store_args args = { 0 };
	size_t i;
	int rc;

	ar.in.read_ms = archive_wall_ms();
	if (ar.in.nnumbers == 0) {
		archive_read_end();	/* only acknowledged */
		return;
	}
	store_args_add(&args, "--");		/* no parameters; the list */
	for (i = 0; i < ar.in.nnumbers; i++)
		store_args_add(&args, ar.in.numbers[i]);
	rc = store_script(SCRIPT_ARCHIVE_READ, 0, &args, archive_fetched, NULL);
	store_args_free(&args);
	if (rc == -1) {
		archive_drop_batch(&ar.in);
		archive_idle(0);
	}
}

/*
 * Takes the entries of a stream reply ([id, [field, value, ...]] each)
 * into the batch. Returns how many.
 */
static size_t
archive_take_entries(const redisReply *entries)
{
	size_t i, j, n = 0;

	for (i = 0; i < entries->elements; i++) {
		const redisReply *e = entries->element[i], *kv;

		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		ar.in.ids = xrealloc(ar.in.ids, (ar.in.nids + 1) *
		    sizeof *ar.in.ids);
		ar.in.ids[ar.in.nids++] = xstrdup(e->element[0]->str);
		n++;
		kv = e->element[1];
		if (kv->type != REDIS_REPLY_ARRAY)
			continue;	/* deleted meanwhile: acknowledged only */
		for (j = 0; j + 1 < kv->elements; j += 2)
			if (kv->element[j]->type == REDIS_REPLY_STRING &&
			    strcmp(kv->element[j]->str, "number") == 0 &&
			    kv->element[j + 1]->type == REDIS_REPLY_STRING)
				archive_add_number(kv->element[j + 1]->str);
	}
	ar.in.full = ar.in.nids >= (size_t)hotlined.cfg->archive.batch;
	return n;
}

/* A retention sweep ended. */
static void
archive_swept(void)
{
	archive_idle(0);
}

/* store: new entries for this consumer (XREADGROUP). */
static void
archive_read_done(redisReply *reply, void *priv)
{
	(void)priv;
	if (ar.stopped)
		return;
	/* [[stream, [entries]]], or nil when nothing is new. */
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements != 1 || reply->element[0]->type !=
	    REDIS_REPLY_ARRAY || reply->element[0]->elements != 2 ||
	    archive_take_entries(reply->element[0]->element[1]) == 0) {
		if (reply != NULL && reply->type == REDIS_REPLY_ERROR &&
		    strstr(reply->str, "NOGROUP") != NULL)
			ar.group_ready = 0;	/* the stream was removed */
		if (ar.writing || ar.out.built) {
			archive_idle(0);	/* the link is the writer's */
			return;
		}
		if (reply != NULL && reply->type != REDIS_REPLY_ERROR &&
		    retention_due()) {
			retention_run(ar.pg, archive_swept);	/* all archived: sweep */
			return;
		}
		if (reply != NULL && reply->type != REDIS_REPLY_ERROR &&
		    reterm_pending()) {
			reterm_run(ar.pg, hotlined.cfg->archive.batch,
			    archive_idle);
			return;
		}
		archive_idle(0);
		return;
	}
	archive_fetch();
}

/* store: entries claimed from consumers silent for claim_idle_ms (XAUTOCLAIM). */
static void
archive_claimed(redisReply *reply, void *priv)
{
	const char *argv[] = { "XREADGROUP", "GROUP", ARCHIVE_GROUP,
	    ar.consumer, "COUNT", NULL, "STREAMS", ARCHIVE_STREAM, ">" };
	char count[16];

	(void)priv;
	if (ar.stopped)
		return;
	/* [next id, [entries], [deleted ids]] */
	if (reply != NULL && reply->type == REDIS_REPLY_ARRAY &&
	    reply->elements >= 2 && reply->element[1]->type ==
	    REDIS_REPLY_ARRAY && archive_take_entries(reply->element[1]) > 0) {
		log_info("archive: took over %zu entries of a daemon that "
		    "stopped", ar.in.nids);
		archive_fetch();
		return;
	}
	snprintf(count, sizeof count, "%d", hotlined.cfg->archive.batch);
	argv[5] = count;
	if (store_read(9, argv, archive_read_done, NULL) == -1)
		archive_idle(0);
}

/* Claims abandoned entries (now and then), then reads new ones. */
static void
archive_next_entries(void)
{
	char idle[16], count[16];
	const char *argv[] = { "XAUTOCLAIM", ARCHIVE_STREAM, ARCHIVE_GROUP,
	    ar.consumer, idle, "0-0", "COUNT", count };
	int64_t now = archive_wall_ms();

	snprintf(idle, sizeof idle, "%d", hotlined.cfg->archive.claim_idle_ms);
	snprintf(count, sizeof count, "%d", hotlined.cfg->archive.batch);
	/* Not while writing: the batch written would be among them. */
	if (ar.writing ||
	    now - ar.last_claim_ms < hotlined.cfg->archive.claim_idle_ms / 4) {
		archive_claimed(NULL, NULL);
		return;
	}
	ar.last_claim_ms = now;
	if (store_read(8, argv, archive_claimed, NULL) == -1)
		archive_idle(0);
}

/* store: the backfill marker set (1), or the outbox was trimmed meanwhile (0: scan again). */
static void
archive_backfill_marked(redisReply *reply, void *priv)
{
	(void)priv;
	if (ar.stopped)
		return;
	ar.st.backfilling = 0;
	if (reply != NULL && reply->type == REDIS_REPLY_INTEGER &&
	    reply->integer == 1) {
		ar.backfill = 0;
		log_info("archive: backfill done: every ticket in Redis is "
		    "archived");
	} else if (reply != NULL && reply->type == REDIS_REPLY_INTEGER) {
		ar.backfill = 1;	/* trimmed during the scan: again */
	}
	archive_idle(1);
}

/* The scan came round: marks backfill done unless the outbox was trimmed since it began. */
static void
archive_backfill_mark(void)
{
	const char *argv[] = { "EVAL", mark_script, "2", ARCHIVE_BACKFILLED,
	    ARCHIVE_TRIMS, ar.trims };

	if (ar.writing || ar.out.built) {
		archive_idle(0);	/* the last page is not committed yet */
		return;
	}
	if (store_read(6, argv, archive_backfill_marked, NULL) == -1)
		archive_idle(0);
}

/* store: one page of ticket keys (SCAN). */
static void
archive_scanned(redisReply *reply, void *priv)
{
	size_t i;

	(void)priv;
	if (ar.stopped)
		return;
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements != 2 || reply->element[0]->type !=
	    REDIS_REPLY_STRING || reply->element[1]->type !=
	    REDIS_REPLY_ARRAY) {
		archive_idle(0);
		return;
	}
	snprintf(ar.scan_cursor, sizeof ar.scan_cursor, "%s",
	    reply->element[0]->str);
	for (i = 0; i < reply->element[1]->elements; i++) {
		const redisReply *k = reply->element[1]->element[i];
		const char *number;

		if (k->type != REDIS_REPLY_STRING)
			continue;
		number = k->str + strlen(KEY_TICKET_PREFIX);
		if (strchr(number, ':') == NULL && number[0] != '\0')
			archive_add_number(number);
	}
	if (strcmp(ar.scan_cursor, "0") == 0 && ar.in.nnumbers == 0) {
		archive_backfill_mark();
		return;
	}
	ar.in.full = 1;		/* the next page at once */
	archive_fetch();
}

/* Archives the next page of the tickets already in Redis (backfill). */
static void
archive_backfill_page(void)
{
	const char *argv[] = { "SCAN", ar.scan_cursor, "MATCH", KEY_TICKET_PREFIX "*",
	    "COUNT", NULL };
	char count[16];

	if (strcmp(ar.scan_cursor, "0") == 0 && ar.st.backfilling) {
		archive_backfill_mark();
		return;
	}
	ar.st.backfilling = 1;
	snprintf(count, sizeof count, "%d", hotlined.cfg->archive.batch);
	argv[5] = count;
	if (store_read(6, argv, archive_scanned, NULL) == -1)
		archive_idle(0);
}

/* store: whether backfill ran before {marker exists, trims so far}. */
static void
archive_backfill_known(redisReply *reply, void *priv)
{
	(void)priv;
	if (ar.stopped)
		return;
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements != 2 || reply->element[0]->type !=
	    REDIS_REPLY_INTEGER || reply->element[1]->type !=
	    REDIS_REPLY_STRING) {
		archive_idle(0);
		return;
	}
	if (reply->element[0]->integer == 0) {
		log_info("archive: backfill: archiving the tickets already in "
		    "Redis");
		ar.backfill = 2;
		snprintf(ar.scan_cursor, sizeof ar.scan_cursor, "0");
		snprintf(ar.trims, sizeof ar.trims, "%s",
		    reply->element[1]->str);
	} else {
		ar.backfill = 0;
	}
	archive_idle(1);
}

/* store: the consumer group exists (made now, or BUSYGROUP: already). */
static void
archive_group_made(redisReply *reply, void *priv)
{
	(void)priv;
	if (ar.stopped)
		return;
	if (reply != NULL && (reply->type != REDIS_REPLY_ERROR ||
	    strstr(reply->str, "BUSYGROUP") != NULL))
		ar.group_ready = 1;
	else
		log_warnx("archive: creating the consumer group: %s",
		    reply != NULL ? reply->str : "Redis unreachable");
	archive_idle(ar.group_ready);
}

/* Starts the next step unless one is in flight. */
static void
archive_step(void)
{
	static const char *group[] = { "XGROUP", "CREATE", ARCHIVE_STREAM,
	    ARCHIVE_GROUP, "0", "MKSTREAM" };
	static const char *marker[] = { "EVAL", backfill_script, "2",
	    ARCHIVE_BACKFILLED, ARCHIVE_TRIMS };

	if (ar.stopped || !store_ready())
		return;
	if (ar.out.built && !ar.writing && ar.schema_ok && pg_connected(ar.pg) &&
	    !pg_busy(ar.pg))
		archive_write();	/* a batch PostgreSQL did not take */
	else
		archive_handoff();
	if (ar.busy || ar.in.built)
		return;
	ar.busy = 1;
	if (!ar.group_ready) {
		if (store_read(6, group, archive_group_made, NULL) == -1)
			archive_idle(0);
		return;
	}
	/* Nothing newer is read while a batch is held. */
	if (!ar.schema_ok || !pg_connected(ar.pg) || (!ar.writing &&
	    (ar.out.built || pg_busy(ar.pg)))) {
		archive_idle(0);
		return;
	}
	if (ar.backfill == 1) {
		if (store_read(5, marker, archive_backfill_known, NULL) == -1)
			archive_idle(0);
		return;
	}
	if (ar.backfill == 2) {
		archive_backfill_page();
		return;
	}
	if (archive_pace_yield(archive_lag_ms())) {
		archive_idle(0);	/* the next tick looks again */
		return;
	}
	archive_next_entries();
}

/* store: the stream's length and oldest entry, for the lag. */
static void
archive_status_read(redisReply *reply, void *priv)
{
	(void)priv;
	if (ar.stopped || reply == NULL || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements != 3 || reply->element[0]->type !=
	    REDIS_REPLY_INTEGER || reply->element[1]->type !=
	    REDIS_REPLY_STRING || reply->element[2]->type !=
	    REDIS_REPLY_INTEGER)
		return;
	ar.st.outbox = reply->element[0]->integer;
	ar.oldest_ms = strtoll(reply->element[1]->str, NULL, 10);
	if (reply->element[2]->integer == 0 && ar.backfill == 0) {
		/* outbox.lua trimmed the full stream: changes were dropped. */
		log_warnx("archive: the outbox reached archive.outbox_max (%d "
		    "entries) and was trimmed: scanning every ticket in Redis "
		    "again", hotlined.cfg->archive.outbox_max);
		ar.st.overflows++;
		ar.backfill = 1;
	}
}

/* Timer: the next step, and now and then the stream's figures. */
static void
archive_tick(evutil_socket_t fd, short what, void *arg)
{
	const char *status[] = { "EVAL", status_script, "3", ARCHIVE_STREAM,
	    ARCHIVE_BACKFILLED, ARCHIVE_MAX, NULL };
	int64_t now = archive_wall_ms();
	char max[16];

	(void)fd;
	(void)what;
	(void)arg;
	if (now - ar.last_status_ms >= ARCHIVE_STATUS_MS && store_ready()) {
		ar.last_status_ms = now;
		snprintf(max, sizeof max, "%d",
		    hotlined.cfg->archive.outbox_max);
		status[6] = max;
		store_read(7, status, archive_status_read, NULL);
	}
	archive_step();
}

/* PostgreSQL is connected: bring the schema up to date first. */
static void
archive_schema_done(int ok)
{
	ar.schema_ok = ok;
	if (ok)
		reterm_recheck();	/* a migration may have marked rows */
	if (ok)
		pg_backoff_reset(ar.pg);
	if (ok)
		log_info("archive: PostgreSQL ready (schema version %d)",
		    archive_schema_version());
}

/* pg: connected (again). */
static void
archive_connected(void *arg)
{
	(void)arg;
	ar.schema_ok = 0;
	archive_schema_apply(ar.pg, archive_schema_done);
}

/* Starts the archiver if the config has an archive group. */
void
archive_init(struct event_base *base)
{
	struct timeval tv = { 0, ARCHIVE_TICK_MS * 1000 };
	char host[64];

	if (!hotlined.cfg->archive.enabled)
		return;
	memset(&ar, 0, sizeof ar);
	ar.enabled = 1;
	ar.backfill = 1;
	if (gethostname(host, sizeof host) == -1)
		snprintf(host, sizeof host, "host");
	host[sizeof host - 1] = '\0';
	snprintf(ar.consumer, sizeof ar.consumer, "%s-%ld-%lld", host,
	    (long)getpid(), (long long)archive_wall_ms());
	metrics_more = archive_render_metrics;
	request_missing = archive_missing;
	http_ready_text = archive_readiness;
	ar.tick = event_new(base, -1, EV_PERSIST, archive_tick, NULL);
	evtimer_add(ar.tick, &tv);
	ar.pg = pg_link_new(base, "archive", hotlined.cfg->archive.conninfo,
	    hotlined.cfg->archive.timeout_ms, archive_connected, NULL);
	search_start(base);
	archive_pace_start(base);
	log_info("archive: consumer %s of %s", ar.consumer, ARCHIVE_STREAM);
}

/* Stops the archiver; callbacks still to come find it stopped. */
void
archive_shutdown(void)
{
	if (!ar.enabled || ar.stopped)
		return;
	ar.stopped = 1;
	event_free(ar.tick);
	ar.tick = NULL;
	archive_pace_stop();
	retention_stop();
	reterm_stop();
	search_stop();
	pg_link_free(ar.pg);
	ar.pg = NULL;
	archive_build_stop();	/* before the batch it writes is freed */
	archive_drop_batch(&ar.in);
	archive_drop_batch(&ar.out);
}

/* The archiver's figures; see archive.h. */
void
archive_status(struct archive_status *out)
{
	*out = ar.st;
	out->evicted = retention_evicted_count();
	out->enabled = ar.enabled;
	out->connected = ar.enabled && ar.pg != NULL && pg_connected(ar.pg) &&
	    ar.schema_ok;
	out->lag_ms = archive_lag_ms();
	out->yielding = archive_pace_yield(out->lag_ms);
	out->yields = archive_pace_yields();
}
