/* The knowledge base's notices to owner departments: an agent's flag and an article about to expire (kb.expiry_reminder_days), from PostgreSQL into the owner's feed, each once across restarts and daemons. */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "hotlined.h"
#include "archive.h"
#include "kb.h"
#include "kb-sql.h"

#define KB_NOTICE_TICK_MS 1000		/* pending notices looked for */
#define KB_NOTICE_SCAN_MS 600000	/* expiry scanned at least this often */
/*
 * How long Redis remembers a delivered notice's id (kb_notice.lua): it must
 * outlast the gap between the feed's entry and PostgreSQL marking the
 * notice delivered, a round unless PostgreSQL went away in between.
 */
#define KB_NOTICE_KEEP_MS (30LL * 24 * 3600 * 1000)

/*
 * One round at a time: (expiry scan) -> pending notices -> kb_notice.lua
 * -> marked delivered -> the next tick. A notice is marked only after
 * Redis answered, so a daemon stopped between the two delivers it again on
 * its next round, and kb_notice.lua drops the repeat by its id.
 */
static struct {
	struct event *tick;
	int running;			/* a round is under way */
	char scanned_day[9];		/* the daemon's day of the last scan */
	int64_t scanned_ms;		/* monotonic ms of the last scan */
	char *seqs;			/* "{1,2}": the round's notices sent */
	int stopped;
} kn;

static void kb_notice_pending(void);

/* The round is over: the next in a tick (at once if more may wait). */
static void
kb_notice_end(int more)
{
	struct timeval tv = { 0, more ? 0 : KB_NOTICE_TICK_MS * 1000 };

	kn.running = 0;
	free(kn.seqs);
	kn.seqs = NULL;
	if (!kn.stopped)
		evtimer_add(kn.tick, &tv);
}

/* kb_link: the round's notices are marked delivered. */
static void
kb_notice_marked(struct pg_result *res, void *arg)
{
	(void)arg;
	if (res != NULL && !pg_ok(res))
		log_warnx("kb: marking notices delivered: %s", pg_error(res));
	kb_notice_end(res != NULL && pg_ok(res));
}

/* store: kb_notice.lua answered (NULL: Redis failed; the next round delivers them). */
static void
kb_notice_fed(redisReply *reply, void *priv)
{
	const char *p[1];

	(void)priv;
	if (kn.stopped)
		return;
	if (reply == NULL || reply->type != REDIS_REPLY_INTEGER) {
		log_warnx("kb: notices not delivered (%s); retried",
		    reply != NULL && reply->type == REDIS_REPLY_ERROR ?
		    reply->str : "Redis did not answer");
		kb_notice_end(0);
		return;
	}
	if (reply->integer > 0)
		log_info("kb: %lld notice(s) delivered to owners' feeds",
		    reply->integer);
	p[0] = kn.seqs;
	if (kb_link_query(kb_notice_delivered_sql, 1, p, kb_notice_marked,
	    NULL) == -1)
		kb_notice_end(0);
}

/* Appends to the "{a,b}" list of seqs. */
static void
kb_notice_seq(const char *seq)
{
	char *s = xasprintf("%s%s%s", kn.seqs != NULL ? kn.seqs : "",
	    kn.seqs != NULL ? "," : "", seq);

	free(kn.seqs);
	kn.seqs = s;
}

/* kb_link: the pending notices; each of a configured department goes to its feed. */
static void
kb_notice_got(struct pg_result *res, void *arg)
{
	struct store_args args = { 0 };
	char *seqs;
	int i, rows, kind;

	(void)arg;
	if (kn.stopped)
		return;
	if (res == NULL || !pg_ok(res) || (rows = pg_rows(res)) == 0) {
		if (res != NULL && !pg_ok(res))
			log_warnx("kb: reading notices: %s", pg_error(res));
		kb_notice_end(0);
		return;
	}
	store_args_paramf(&args, "maxlen", "%d", hotlined.cfg->redis.feed_maxlen);
	store_args_paramf(&args, "now", "%lld", (long long)now_ms());
	store_args_paramf(&args, "keep_ms", "%lld", (long long)KB_NOTICE_KEEP_MS);
	store_args_add(&args, "--");
	for (i = 0; i < rows; i++) {
		kb_notice_seq(pg_value(res, i, 0));
		if (config_department(hotlined.cfg,
		    pg_value(res, i, 3)) == NULL) {
			log_info("kb: notice for %s, not a department here; "
			    "dropped", pg_value(res, i, 3));
			continue;
		}
		kind = strcmp(pg_value(res, i, 2), "flag") == 0 ?
		    HOTLINE__EVENT_KIND__EVENT_KIND_KB_FLAGGED :
		    HOTLINE__EVENT_KIND__EVENT_KIND_KB_EXPIRING;
		store_args_add(&args, pg_value(res, i, 1));
		store_args_addf(&args, "%d", kind);
		store_args_add(&args, pg_value(res, i, 3));
		store_args_add(&args, pg_value(res, i, 6));
		store_args_add(&args, pg_value(res, i, 7));
		store_args_add(&args, pg_value(res, i, 4));
		store_args_add(&args, pg_value(res, i, 5));
	}
	seqs = xasprintf("{%s}", kn.seqs);
	free(kn.seqs);
	kn.seqs = seqs;
	/* args point into res: the command is copied before this returns */
	if (store_script(SCRIPT_KB_NOTICE, 0, &args, kb_notice_fed, NULL) == -1)
		kb_notice_end(0);
	store_args_free(&args);
}

/* Reads the pending notices. */
static void
kb_notice_pending(void)
{
	if (kb_link_query(kb_notice_pending_sql, 0, NULL, kb_notice_got,
	    NULL) == -1)
		kb_notice_end(0);
}

/* kb_link: the expiry scan made its notices. */
static void
kb_notice_scanned(struct pg_result *res, void *arg)
{
	(void)arg;
	if (kn.stopped)
		return;
	if (res == NULL || !pg_ok(res)) {
		if (res != NULL)
			log_warnx("kb: expiry scan: %s", pg_error(res));
		kb_notice_end(0);
		return;
	}
	kb_notice_pending();
}

/* Scans for articles about to expire when the day changed, after a step, or every KB_NOTICE_SCAN_MS; else reads the pending. */
static void
kb_notice_round(void)
{
	char day[9], days[16];
	const char *p[2];
	int64_t mono = metrics_now_us() / 1000;	/* the monotonic clock */
	int kicked = kb_notice_kicked();

	ticket_day(now_ms(), day);
	if (hotlined.cfg->kb.expiry_reminder_days == 0 || (!kicked &&
	    strcmp(day, kn.scanned_day) == 0 &&
	    mono - kn.scanned_ms < KB_NOTICE_SCAN_MS)) {
		kb_notice_pending();
		return;
	}
	memcpy(kn.scanned_day, day, sizeof day);
	kn.scanned_ms = mono;
	snprintf(days, sizeof days, "%d",
	    hotlined.cfg->kb.expiry_reminder_days);
	p[0] = day;
	p[1] = days;
	if (kb_link_query(kb_notice_expiring_sql, 2, p, kb_notice_scanned,
	    NULL) == -1)
		kb_notice_end(0);
}

/* Tick: a round, when PostgreSQL and Redis are there. */
static void
kb_notice_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (kn.running)
		return;
	if (!kb_ready() || !store_ready()) {
		kb_notice_end(0);
		return;
	}
	kn.running = 1;
	kb_notice_round();
}

/* Starts the ticks. */
void
kb_notice_start(struct event_base *base)
{
	struct timeval tv = { 0, KB_NOTICE_TICK_MS * 1000 };

	memset(&kn, 0, sizeof kn);
	kn.tick = evtimer_new(base, kb_notice_tick, NULL);
	evtimer_add(kn.tick, &tv);
}

/* Stops them; answers still to come find them stopped. */
void
kb_notice_stop(void)
{
	if (kn.tick == NULL)
		return;
	kn.stopped = 1;
	event_free(kn.tick);
	kn.tick = NULL;
	free(kn.seqs);
	kn.seqs = NULL;
}
