/* 知识库建议: the good articles for a demand's words beside classify's and create's answers, waited for at most kb.suggest_wait_ms (else marked pending for the client to ask kb_search), never an error. */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "hotlined.h"
#include "archive.h"
#include "kb.h"
#include "kb-sql.h"

/*
 * One answer held back for its suggestions. Owned by the request's state
 * and, while the query runs, by the query too: whichever lets go last
 * frees it. out is NULL once the answer went out.
 */
struct kb_suggest {
	struct request *r;		/* NULL once the request is freed */
	Hotline__Envelope__BodyCase body;	/* CLASSIFIED or CREATED */
	ProtobufCMessage *out;		/* the held answer's body */
	char *terms;			/* the query's (kb_search_args) */
	struct kb_terms *q;		/* the same, segmented once */
	struct event *timer;		/* kb.suggest_wait_ms */
	int querying;			/* the query is queued or in flight */
	int gap;			/* a miss counts as a gap (create) */
};

/* Frees a job. */
static void
kb_suggest_free(struct kb_suggest *s)
{
	if (s->timer != NULL)
		event_free(s->timer);
	if (s->out != NULL)
		protobuf_c_message_free_unpacked(s->out, NULL);
	kb_terms_free(s->q);
	free(s->terms);
	free(s);
}

/* The request was freed: the job goes with it unless its query still runs. */
static void
kb_suggest_forget(void *arg)
{
	struct kb_suggest *s = arg;

	s->r = NULL;
	if (!s->querying)
		kb_suggest_free(s);
}

/* Sets the hits (or that they are pending) on the held reply. */
static void
kb_suggest_set(struct kb_suggest *s, Hotline__KbHit **hits, size_t n,
    int pending)
{
	if (s->body == HOTLINE__ENVELOPE__BODY_CLASSIFIED) {
		((Hotline__ClassifyReply *)s->out)->kb_suggestions = hits;
		((Hotline__ClassifyReply *)s->out)->n_kb_suggestions = n;
		((Hotline__ClassifyReply *)s->out)->kb_pending = pending;
	} else {
		((Hotline__CreateReply *)s->out)->kb_suggestions = hits;
		((Hotline__CreateReply *)s->out)->n_kb_suggestions = n;
		((Hotline__CreateReply *)s->out)->kb_pending = pending;
	}
}

/* Frees n hits and their array. */
static void
kb_suggest_hits_free(Hotline__KbHit **hits, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		hotline__kb_hit__free_unpacked(hits[i], NULL);
	free(hits);
}

/*
 * Sends the held answer with n hits (taken), or marked pending. The request
 * may be freed inside request_answer (and the job with it when no query
 * runs): the caller touches s after only while s->querying.
 */
static void
kb_suggest_send(struct kb_suggest *s, Hotline__KbHit **hits, size_t n,
    int pending)
{
	ProtobufCMessage *out = s->out;
	struct request *r = s->r;

	if (out == NULL) {
		kb_suggest_hits_free(hits, n);
		return;
	}
	evtimer_del(s->timer);
	kb_suggest_set(s, hits, n, pending);
	s->out = NULL;
	if (r == NULL || r->conn == NULL || r->frame != NULL) {
		protobuf_c_message_free_unpacked(out, NULL);
		return;
	}
	answer_body(r, s->body, out);
}

/*
 * kb_link: the search answered (res NULL: it could not). A search without
 * a good article is a gap (无匹配) whether or not the answer waited for it;
 * hits (with their passages) are made only for an answer still held.
 */
static void
kb_suggest_done(struct pg_result *res, void *arg)
{
	struct kb_suggest *s = arg;
	Hotline__KbHit **hits = NULL;
	size_t n = 0;

	s->querying = 0;
	if (res != NULL && !pg_ok(res))
		log_warnx("kb: suggestions: %s", pg_error(res));
	if (res != NULL && pg_ok(res)) {
		if (s->r != NULL && s->out != NULL)
			hits = kb_hits(res, s->q, 1, &n);
		else
			n = (size_t)kb_good_rows(res, s->q);
		if (n == 0 && s->gap)
			kb_search_missed_terms(s->terms);
		if (hits == NULL)
			n = 0;
	}
	if (s->r == NULL) {
		kb_suggest_hits_free(hits, n);
		kb_suggest_free(s);	/* the request went first */
		return;
	}
	kb_suggest_send(s, hits, n, 0);	/* may free s */
}

/*
 * PostgreSQL took longer than kb.suggest_wait_ms: answer without, pending.
 * A search still waiting for the connection is taken back (the client asks
 * kb_search itself), so searches nobody waits for do not pile up behind
 * each other; one already sent runs on (a create's miss is still counted).
 */
static void
kb_suggest_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct kb_suggest *s = arg;

	(void)fd;
	(void)what;
	log_debug("kb: suggestions not ready in %d ms; answered pending",
	    hotlined.cfg->kb.suggest_wait_ms);
	if (kb_link_cancel(s))
		s->querying = 0;
	kb_suggest_send(s, NULL, 0, 1);	/* may free s unless querying */
}

/* Answers r with out and its suggestions; see kb.h. */
void
kb_suggest_answer(struct request *r, Hotline__Envelope__BodyCase body,
    void *out, const char *title, const char *content, const char *district)
{
	struct timeval tv = { hotlined.cfg->kb.suggest_wait_ms / 1000,
	    hotlined.cfg->kb.suggest_wait_ms % 1000 * 1000 };
	struct kb_search_args a = { 0 };
	struct kb_suggest *s;
	char *words;

	if (hotlined.cfg->kb.suggest == 0 || !kb_ready()) {
		answer_body(r, body, out);
		return;
	}
	words = xasprintf("%s %s", title, content);
	if (kb_search_args(&a, words, district,
	    (unsigned)hotlined.cfg->kb.suggest) == -1 || a.terms == NULL) {
		free(words);
		answer_body(r, body, out);
		return;
	}
	free(words);
	s = xcalloc(1, sizeof *s);
	s->r = r;
	s->body = body;
	s->out = out;
	s->q = a.q;
	s->querying = 1;
	s->gap = body == HOTLINE__ENVELOPE__BODY_CREATED;
	s->terms = xstrdup(a.terms);
	s->timer = evtimer_new(kb_event_base(), kb_suggest_timeout, s);
	evtimer_add(s->timer, &tv);
	r->state = s;
	r->state_free = kb_suggest_forget;
	/* Last: done may run before it returns (and free s). */
	if (kb_link_query(kb_search_sql, 4, a.params, kb_suggest_done, s) ==
	    -1) {
		s->querying = 0;
		kb_suggest_send(s, NULL, 0, kb_link_busy());
	}
	free(a.terms);
}

/* Answers a create with out (taken): suggestions for a new consultation without a direct answer; see kb.h. */
void
kb_suggest_create(struct request *r, Hotline__CreateReply *out)
{
	const Hotline__CreateRequest *q = r->in->create;

	if (out->duplicate || q->type !=
	    HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION ||
	    q->direct_answer[0] != '\0')
		answer_body(r, HOTLINE__ENVELOPE__BODY_CREATED, out);
	else
		kb_suggest_answer(r, HOTLINE__ENVELOPE__BODY_CREATED, out,
		    q->title, q->content, q->district);
}
