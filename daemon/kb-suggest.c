/* 知识库建议: the good articles for a demand's words beside classify's and create's answers; the search starts with the request and runs while it is classified and stored, waited for at most kb.suggest_wait_ms from its start (else marked pending for the client to ask kb_search), never an error. */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "hotlined.h"
#include "archive.h"
#include "kb.h"
#include "kb-sql.h"

/*
 * One request's search. Owned by the request (r->suggest) and, while the
 * query runs, by the query too: whichever lets go last frees it.
 *
 * It goes through two events in either order: the search ends (answered,
 * or given up at kb.suggest_wait_ms), and the request's answer is ready
 * (kb_suggest_answer, which holds it in out until the search ends). The
 * answer goes out when both happened; a create's miss counts as a gap
 * once both are known (the search found nothing good, the answer was a
 * new consultation).
 */
struct kb_suggest {
	struct request *r;		/* NULL once the request is freed */
	Hotline__Envelope__BodyCase body;	/* CLASSIFIED or CREATED, once held */
	ProtobufCMessage *out;		/* the held answer's body, until sent */
	char *terms;			/* the query's (kb_search_args) */
	struct kb_terms *q;		/* the same, segmented once */
	struct event *timer;		/* kb.suggest_wait_ms from the start */
	Hotline__KbHit **hits;		/* the search's, until sent */
	size_t nhits;
	int querying;			/* the query is queued or in flight */
	int ended;			/* answered, or given up (pending) */
	int pending;			/* ended without hits in time, or the link was busy */
	int answered;			/* PostgreSQL answered: good is known */
	int good;			/* good articles found */
	int held;			/* kb_suggest_answer was called */
	int gap;			/* a miss counts as a gap (a new consultation) */
	int counted;			/* the gap was counted */
};

/* Frees n hits and their array. */
static void
kb_suggest_hits_free(Hotline__KbHit **hits, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		hotline__kb_hit__free_unpacked(hits[i], NULL);
	free(hits);
}

/* Frees a job. */
static void
kb_suggest_free(struct kb_suggest *s)
{
	if (s->timer != NULL)
		event_free(s->timer);
	if (s->out != NULL)
		protobuf_c_message_free_unpacked(s->out, NULL);
	kb_suggest_hits_free(s->hits, s->nhits);
	kb_terms_free(s->q);
	free(s->terms);
	free(s);
}

/*
 * See kb.h: the request was freed. Its wait ends; a query still waiting
 * for the connection is taken back; the job goes now unless its query
 * runs (then kb_suggest_done frees it).
 */
void
kb_suggest_forget(struct kb_suggest *s)
{
	s->r = NULL;
	evtimer_del(s->timer);
	if (s->querying && kb_link_cancel(s))
		s->querying = 0;
	if (!s->querying)
		kb_suggest_free(s);
}

/* Counts a create's miss as a gap (无匹配) once the search and the answer are both known. */
static void
kb_suggest_count_gap(struct kb_suggest *s)
{
	if (s->gap && s->answered && s->good == 0 && !s->counted) {
		s->counted = 1;
		kb_search_missed_terms(s->terms);
	}
}

/* Puts the hits (or that they are pending) on the held reply. */
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

/*
 * Sends the held answer with the search's hits (or marked pending) once
 * the search has ended. The request may be freed inside request_answer
 * (and the job with it unless its query runs): the caller touches s
 * after only while s->querying.
 */
static void
kb_suggest_send(struct kb_suggest *s)
{
	ProtobufCMessage *out = s->out;
	struct request *r = s->r;

	if (!s->held || !s->ended || out == NULL)
		return;
	kb_suggest_set(s, s->hits, s->nhits, s->pending);
	s->hits = NULL;		/* the reply's now */
	s->nhits = 0;
	s->out = NULL;
	if (r == NULL || r->conn == NULL || r->frame != NULL) {
		protobuf_c_message_free_unpacked(out, NULL);
		return;
	}
	answer_body(r, s->body, out);
}

/*
 * kb_link: the search answered (res NULL: it could not). Hits (with their
 * passages) are made only for an answer that may still carry them.
 */
static void
kb_suggest_done(struct pg_result *res, void *arg)
{
	struct kb_suggest *s = arg;
	size_t n = 0;

	s->querying = 0;
	if (res != NULL && !pg_ok(res))
		log_warnx("kb: suggestions: %s", pg_error(res));
	if (res != NULL && pg_ok(res)) {
		s->answered = 1;
		if (!s->ended && s->r != NULL && (!s->held || s->out != NULL)) {
			s->hits = kb_hits(res, s->q, 1, &n);
			s->nhits = s->hits != NULL ? n : 0;
			s->good = (int)n;
		} else
			s->good = kb_good_rows(res, s->q);
		kb_suggest_count_gap(s);
	}
	if (s->r == NULL) {
		kb_suggest_free(s);	/* the request went first */
		return;
	}
	if (s->ended)
		return;		/* answered pending already */
	s->ended = 1;
	s->pending = 0;		/* answered, or failed: nothing to ask again */
	evtimer_del(s->timer);
	kb_suggest_send(s);	/* may free s */
}

/*
 * PostgreSQL took longer than kb.suggest_wait_ms: the answer goes without,
 * pending. A search still waiting for the connection is taken back (the
 * client asks kb_search itself), so searches nobody waits for do not pile
 * up behind each other; one already sent runs on (a create's miss is
 * still counted).
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
	s->ended = 1;
	s->pending = 1;
	kb_suggest_send(s);	/* may free s unless querying */
}

/* Starts r's search for title and content in district; see kb.h. */
void
kb_suggest_begin(struct request *r, const char *title, const char *content,
    const char *district)
{
	struct timeval tv = { hotlined.cfg->kb.suggest_wait_ms / 1000,
	    hotlined.cfg->kb.suggest_wait_ms % 1000 * 1000 };
	struct kb_search_args a = { 0 };
	struct kb_suggest *s;
	char *words;

	if (r->suggest != NULL || hotlined.cfg->kb.suggest == 0 ||
	    !kb_ready())
		return;
	words = xasprintf("%s %s", title, content);
	if (kb_search_args(&a, words, district,
	    (unsigned)hotlined.cfg->kb.suggest) == -1 || a.terms == NULL) {
		free(words);
		return;
	}
	free(words);
	s = xcalloc(1, sizeof *s);
	s->r = r;
	s->q = a.q;
	s->querying = 1;
	s->terms = xstrdup(a.terms);
	s->timer = evtimer_new(kb_event_base(), kb_suggest_timeout, s);
	evtimer_add(s->timer, &tv);
	r->suggest = s;
	if (kb_link_query(kb_search_sql, 4, a.params, kb_suggest_done, s) ==
	    -1) {
		s->querying = 0;
		s->ended = 1;
		s->pending = kb_link_busy();
		evtimer_del(s->timer);
	}
	free(a.terms);
}

/* Answers r with out and the search's suggestions; see kb.h. */
void
kb_suggest_answer(struct request *r, Hotline__Envelope__BodyCase body,
    void *out, int gap)
{
	struct kb_suggest *s = r->suggest;

	if (s == NULL || s->held) {
		answer_body(r, body, out);
		return;
	}
	s->held = 1;
	s->body = body;
	s->out = out;
	s->gap = gap;
	kb_suggest_count_gap(s);
	kb_suggest_send(s);	/* at once if the search has ended */
}

/* Answers a create with out (taken): suggestions for a new consultation without a direct answer; see kb.h. */
void
kb_suggest_create(struct request *r, Hotline__CreateReply *out)
{
	if (out->duplicate)
		answer_body(r, HOTLINE__ENVELOPE__BODY_CREATED, out);
	else
		kb_suggest_answer(r, HOTLINE__ENVELOPE__BODY_CREATED, out, 1);
}

/* Whether a create asks for suggestions: a consultation without a direct answer. */
int
kb_suggest_wanted(const Hotline__CreateRequest *q)
{
	return q->type == HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION &&
	    q->direct_answer[0] == '\0';
}
