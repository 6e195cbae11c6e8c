/* The knowledge base's own PostgreSQL connections: suggestions beside classify and create and the owners' notices, one query at a time on each, never queued behind ticket searches. */
#include <sys/queue.h>
#include <stdlib.h>

#include "hotlined.h"
#include "archive.h"
#include "kb.h"

#define KB_LINK_QUEUE_MAX 64	/* queries waiting; more are refused at once */
#define KB_LINK_PARAMS 8
/*
 * Two connections: a suggestion's search may outlive the wait for it (the
 * answer went without, kb_pending) or a notice's or a re-terming's query
 * may run; with one connection every next search queued behind it, was
 * late in turn, and once searches took about kb.suggest_wait_ms every
 * answer went pending (bench-kb: 499 of 500 in one run, 19 to 48 in the
 * others). With two the next search starts at once on the other.
 */
#define KB_LINK_CONNS 2

/* One query waiting for the connection, or in flight. */
struct kb_call {
	const char *sql;		/* static */
	int nparams;
	char *params[KB_LINK_PARAMS];
	pg_done done;
	void *arg;
	int conn;			/* the connection it was sent on */
	TAILQ_ENTRY(kb_call) entry;
};

static struct {
	struct event_base *base;
	struct pg_link *pg[KB_LINK_CONNS];
	TAILQ_HEAD(, kb_call) queue;
	int nqueued;
	struct kb_call *sent[KB_LINK_CONNS];	/* in flight on each */
	int kicked;			/* kb_notice_kick since the last round */
} kl = { .queue = TAILQ_HEAD_INITIALIZER(kl.queue) };

static void kb_link_pump(void);

/* Frees a call. */
static void
kb_call_free(struct kb_call *c)
{
	int i;

	for (i = 0; i < c->nparams; i++)
		free(c->params[i]);
	free(c);
}

/* Ends a call: its done with res (NULL: not answered), then frees it. */
static void
kb_call_end(struct kb_call *c, struct pg_result *res)
{
	c->done(res, c->arg);
	kb_call_free(c);
}

/* Every waiting call ends unanswered (the connection is gone). */
static void
kb_link_fail_queued(void)
{
	struct kb_call *c;

	while ((c = TAILQ_FIRST(&kl.queue)) != NULL) {
		TAILQ_REMOVE(&kl.queue, c, entry);
		kl.nqueued--;
		kb_call_end(c, NULL);
	}
}

/* 1 if one of the connections is up. */
static int
kb_link_up(void)
{
	int i;

	for (i = 0; i < KB_LINK_CONNS; i++)
		if (kl.pg[i] != NULL && pg_connected(kl.pg[i]))
			return 1;
	return 0;
}

/* PostgreSQL answered the call in flight on its connection. */
static void
kb_link_done(struct pg_result *res, void *arg)
{
	struct kb_call *c = arg;

	kl.sent[c->conn] = NULL;
	kb_call_end(c, res);
	if (!kb_link_up())
		kb_link_fail_queued();
	kb_link_pump();
}

/* Sends the waiting calls, oldest first, on the connections that are free. */
static void
kb_link_pump(void)
{
	struct kb_call *c;
	int i;

	for (i = 0; i < KB_LINK_CONNS; i++)
		while (kl.sent[i] == NULL && kl.pg[i] != NULL &&
		    (c = TAILQ_FIRST(&kl.queue)) != NULL &&
		    pg_connected(kl.pg[i]) && !pg_busy(kl.pg[i])) {
			TAILQ_REMOVE(&kl.queue, c, entry);
			kl.nqueued--;
			kl.sent[i] = c;
			c->conn = i;
			if (pg_query(kl.pg[i], c->sql, c->nparams,
			    (const char *const *)c->params, kb_link_done,
			    c) == -1) {
				kl.sent[i] = NULL;
				kb_call_end(c, NULL);
			}
		}
}

/* pg: connection arg connected (again); send what waits. */
static void
kb_link_connected(void *arg)
{
	int *i = arg;

	pg_backoff_reset(kl.pg[*i]);
	kb_link_pump();
}

/*
 * 1 when the knowledge base's tables can be queried now: this daemon's
 * archive applied (or found) the schema it was built with; see kb.h.
 */
int
kb_ready(void)
{
	return archive_schema_version() == archive_schema_latest();
}

/* The loop kb_start was given. */
struct event_base *
kb_event_base(void)
{
	return kl.base;
}

/* Queues sql for the kb connection; see kb.h. */
int
kb_link_query(const char *sql, int nparams, const char *const *params,
    pg_done done, void *arg)
{
	struct kb_call *c;
	int i;

	if (!kb_link_up() || !kb_ready() ||
	    kl.nqueued >= KB_LINK_QUEUE_MAX || nparams > KB_LINK_PARAMS)
		return -1;
	c = xcalloc(1, sizeof *c);
	c->sql = sql;
	c->nparams = nparams;
	for (i = 0; i < nparams; i++)
		c->params[i] = xstrdup(params[i]);
	c->done = done;
	c->arg = arg;
	TAILQ_INSERT_TAIL(&kl.queue, c, entry);
	kl.nqueued++;
	kb_link_pump();
	return 0;
}

/* 1 when a connection is up but KB_LINK_QUEUE_MAX queries wait; see kb.h. */
int
kb_link_busy(void)
{
	return kb_link_up() && kl.nqueued >= KB_LINK_QUEUE_MAX;
}

/* Takes back a query of arg still waiting (its done never runs); see kb.h. */
int
kb_link_cancel(void *arg)
{
	struct kb_call *c;

	TAILQ_FOREACH(c, &kl.queue, entry)
		if (c->arg == arg) {
			TAILQ_REMOVE(&kl.queue, c, entry);
			kl.nqueued--;
			kb_call_free(c);
			return 1;
		}
	return 0;
}

/* Opens the kb connections (the archive's conninfo); see kb-start.c. */
void
kb_link_start(struct event_base *base)
{
	static int index[KB_LINK_CONNS];
	static const char *const name[KB_LINK_CONNS] = { "kb", "kb-2" };
	int i;

	kl.base = base;
	for (i = 0; i < KB_LINK_CONNS; i++) {
		index[i] = i;
		kl.pg[i] = pg_link_new(base, name[i],
		    hotlined.cfg->archive.conninfo,
		    hotlined.cfg->archive.timeout_ms, kb_link_connected,
		    &index[i]);
	}
}

/* Closes them: every call waiting or in flight ends unanswered. */
void
kb_link_stop(void)
{
	struct pg_link *pg[KB_LINK_CONNS];
	int i;

	for (i = 0; i < KB_LINK_CONNS; i++) {
		pg[i] = kl.pg[i];
		kl.pg[i] = NULL;
	}
	kb_link_fail_queued();
	for (i = 0; i < KB_LINK_CONNS; i++)
		pg_link_free(pg[i]);	/* the call in flight ends with NULL */
}

/* Asks the notices to look again soon (after a workflow step); see kb.h. */
void
kb_notice_kick(void)
{
	kl.kicked = 1;
}

/* Returns 1, once, if kb_notice_kick was called since. */
int
kb_notice_kicked(void)
{
	int k = kl.kicked;

	kl.kicked = 0;
	return k;
}
