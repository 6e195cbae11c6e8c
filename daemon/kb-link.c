/* The knowledge base's own PostgreSQL connection: suggestions beside classify and create and the owners' notices, one query at a time, never queued behind ticket searches. */
#include <sys/queue.h>
#include <stdlib.h>

#include "hotlined.h"
#include "archive.h"
#include "kb.h"

#define KB_LINK_QUEUE_MAX 64	/* queries waiting; more are refused at once */
#define KB_LINK_PARAMS 8

/* One query waiting for the connection, or in flight. */
struct kb_call {
	const char *sql;		/* static */
	int nparams;
	char *params[KB_LINK_PARAMS];
	pg_done done;
	void *arg;
	TAILQ_ENTRY(kb_call) entry;
};

static struct {
	struct event_base *base;
	struct pg_link *pg;
	TAILQ_HEAD(, kb_call) queue;
	int nqueued;
	struct kb_call *sent;
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

/* PostgreSQL answered the call in flight. */
static void
kb_link_done(struct pg_result *res, void *arg)
{
	kl.sent = NULL;
	kb_call_end(arg, res);
	if (kl.pg != NULL && !pg_connected(kl.pg))
		kb_link_fail_queued();
	kb_link_pump();
}

/* Sends the next waiting call if the connection is free. */
static void
kb_link_pump(void)
{
	struct kb_call *c;

	while (kl.sent == NULL && kl.pg != NULL &&
	    (c = TAILQ_FIRST(&kl.queue)) != NULL && pg_connected(kl.pg) &&
	    !pg_busy(kl.pg)) {
		TAILQ_REMOVE(&kl.queue, c, entry);
		kl.nqueued--;
		kl.sent = c;
		if (pg_query(kl.pg, c->sql, c->nparams,
		    (const char *const *)c->params, kb_link_done, c) == -1) {
			kl.sent = NULL;
			kb_call_end(c, NULL);
		}
	}
}

/* pg: connected (again); send what waits. */
static void
kb_link_connected(void *arg)
{
	(void)arg;
	pg_backoff_reset(kl.pg);
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

	if (kl.pg == NULL || !pg_connected(kl.pg) || !kb_ready() ||
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

/* 1 when the connection is up but KB_LINK_QUEUE_MAX queries wait; see kb.h. */
int
kb_link_busy(void)
{
	return kl.pg != NULL && pg_connected(kl.pg) &&
	    kl.nqueued >= KB_LINK_QUEUE_MAX;
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

/* Opens the kb connection (the archive's conninfo); see kb-start.c. */
void
kb_link_start(struct event_base *base)
{
	kl.base = base;
	kl.pg = pg_link_new(base, "kb", hotlined.cfg->archive.conninfo,
	    hotlined.cfg->archive.timeout_ms, kb_link_connected, NULL);
}

/* Closes it: every call waiting or in flight ends unanswered. */
void
kb_link_stop(void)
{
	struct pg_link *pg = kl.pg;

	kl.pg = NULL;
	kb_link_fail_queued();
	pg_link_free(pg);	/* the call in flight ends with NULL */
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
