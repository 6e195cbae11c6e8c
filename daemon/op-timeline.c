/* One ticket's SLA timeline (限时办结 at a glance): each deadline, when it was met and by how many working hours, and the steps. */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "archive.h"

/* Where in the history the current round (the last dispatch) starts. */
static size_t
timeline_round_start(const Hotline__Ticket *t)
{
	size_t i, start = 0;

	for (i = 0; i < t->n_history; i++) {
		const char *a = t->history[i]->action;

		if (strcmp(a, "dispatch") == 0 || strcmp(a, "redispatch") == 0 ||
		    strcmp(a, "reopen") == 0)
			start = i;
	}
	return start;
}

/*
 * Returns the time of the last step named action (or or_action) from index
 * from on, or 0: a reply sent back and given again is met by the last one.
 */
static int64_t
timeline_met(const Hotline__Ticket *t, size_t from, const char *action,
    const char *or_action)
{
	int64_t at = 0;
	size_t i;

	for (i = from; i < t->n_history; i++)
		if (strcmp(t->history[i]->action, action) == 0 ||
		    (or_action != NULL &&
		    strcmp(t->history[i]->action, or_action) == 0))
			at = t->history[i]->at;
	return at;
}

/* Adds a deadline due at due (none when 0), met at met (0: not yet). */
static void
timeline_deadline(Hotline__TimelineReply *out, const char *name, int64_t due,
    int64_t met, int64_t now)
{
	Hotline__TimelineDeadline *d;
	int64_t until = met != 0 ? met : now;

	if (due <= 0)
		return;
	d = xmalloc(sizeof *d);
	hotline__timeline_deadline__init(d);
	d->deadline = xstrdup(name);
	d->due_at = due;
	d->met_at = met;
	d->late = until > due;
	d->margin_hours = (double)deadline_working_ms(hotlined.cfg->calendar,
	    until, due) / (double)DEADLINE_HOUR_MS;
	out->deadlines[out->n_deadlines++] = d;
}

/* Moves the ticket's history into the reply as steps. */
static void
timeline_steps(Hotline__TimelineReply *out, Hotline__Ticket *t)
{
	Hotline__TimelineStep *s;
	size_t i;

	out->steps = xcalloc(t->n_history + 1, sizeof *out->steps);
	for (i = 0; i < t->n_history; i++) {
		s = xmalloc(sizeof *s);
		hotline__timeline_step__init(s);
		s->at = t->history[i]->at;
		s->what = xstrdup(t->history[i]->action);
		s->principal = xstrdup(t->history[i]->principal);
		s->department = xstrdup(t->history[i]->department);
		s->note = xstrdup(t->history[i]->note);
		out->steps[out->n_steps++] = s;
		hotline__history_entry__free_unpacked(t->history[i], NULL);
	}
	free(t->history);
	t->history = NULL;
	t->n_history = 0;
}

/* Fills the deadlines of the current round, the callback and the 督办 order. */
static void
timeline_deadlines(Hotline__TimelineReply *out, const Hotline__Ticket *t)
{
	size_t round = timeline_round_start(t);
	int64_t now = now_ms();

	out->deadlines = xcalloc(4, sizeof *out->deadlines);
	timeline_deadline(out, "sign", t->sign_due_at,
	    timeline_met(t, round, "sign", NULL), now);
	timeline_deadline(out, "complete", t->complete_due_at,
	    timeline_met(t, round, "reply", NULL), now);
	timeline_deadline(out, "callback", t->callback_due_at,
	    timeline_met(t, round, "callback", "reopen"), now);
	if (t->supervision != NULL)
		timeline_deadline(out, "supervision", t->supervision->due_at,
		    t->supervision->answered_at, now);
}

/* Answers r with t's timeline, taking t (from Redis or the archive); see archive.h. */
void
timeline_answer(struct request *r, Hotline__Ticket *t)
{
	Hotline__TimelineReply *out;

	out = xmalloc(sizeof *out);
	hotline__timeline_reply__init(out);
	timeline_deadlines(out, t);
	timeline_steps(out, t);
	out->exempt = t->exempt;
	out->ticket = t;
	answer_body(r, HOTLINE__ENVELOPE__BODY_TIMELINE_REPLY, out);
}

/* show.lua answered {ticket hash, history, merged}. */
static void
timeline_done(struct request *r, redisReply *reply)
{
	Hotline__Ticket *t = show_ticket(r, reply);

	if (t != NULL)
		timeline_answer(r, t);
}

/* One ticket's SLA timeline; departments see only their own tickets; an archived ticket's is read from PostgreSQL (archive-read.c). */
void
op_timeline(struct request *r)
{
	show_read(r, r->in->timeline->number, timeline_done);
}
