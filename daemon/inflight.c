/* Counts each principal's requests waiting for Redis and holds its connections' reading at its bound, so one principal cannot fill Redis's links (a fair share). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"

/*
 * An open-addressed table of principal ids (as they said hello) and how
 * many of their requests wait for a script's answer. A slot once used
 * keeps its id (the ids are the configured principals', so the table
 * stays small) and is found again by it; the table doubles when half full.
 */
struct inflight_slot {
	char id[72];			/* "" when never used */
	int n;
	int waiting;			/* its connections in inflight_waiting */
};

static struct inflight_slot *inflight_slots;
static size_t inflight_size, inflight_used;
static int inflight_busy;		/* principals with n > 0 */

/*
 * Connections not read while their principal is at its bound, oldest
 * first: each answer of a principal lets its first waiting connection read
 * again (server_resume), so its connections take turns.
 */
static TAILQ_HEAD(, conn) inflight_waiting =
    TAILQ_HEAD_INITIALIZER(inflight_waiting);

/* Returns the slot of id in a table of size slots (a free one if absent). */
static struct inflight_slot *
inflight_find(struct inflight_slot *t, size_t size, const char *id)
{
	size_t i = auth_limit_hash(id) & (size - 1);

	while (t[i].id[0] != '\0' && strcmp(t[i].id, id) != 0)
		i = (i + 1) & (size - 1);
	return &t[i];
}

/* Doubles the table (or makes the first one), keeping every slot. */
static void
inflight_grow(void)
{
	size_t size = inflight_size == 0 ? 64 : inflight_size * 2, i;
	struct inflight_slot *t = xcalloc(size, sizeof *t), *to;

	for (i = 0; i < inflight_size; i++)
		if (inflight_slots[i].id[0] != '\0') {
			to = inflight_find(t, size, inflight_slots[i].id);
			*to = inflight_slots[i];
		}
	free(inflight_slots);
	inflight_slots = t;
	inflight_size = size;
}

/*
 * Counts one more request of principal id waiting for Redis. The bound is
 * not checked here but before a connection's next frame is read
 * (inflight_hold), so a request once read is never refused half-way.
 */
void
inflight_take(const char *id)
{
	struct inflight_slot *s;

	if ((inflight_used + 1) * 2 > inflight_size)
		inflight_grow();
	s = inflight_find(inflight_slots, inflight_size, id);
	if (s->id[0] == '\0') {
		snprintf(s->id, sizeof s->id, "%s", id);
		inflight_used++;
	}
	if (s->n++ == 0)
		inflight_busy++;
}

/* One request of principal id got its answer (or its link failed). */
void
inflight_give(const char *id)
{
	struct inflight_slot *s;
	struct conn *c;

	if (inflight_size == 0)
		return;
	s = inflight_find(inflight_slots, inflight_size, id);
	if (s->id[0] != '\0' && s->n > 0 && --s->n == 0)
		inflight_busy--;
	if (s->waiting == 0)
		return;
	TAILQ_FOREACH(c, &inflight_waiting, principal_wait)
		if (strcmp(c->principal, id) == 0) {
			inflight_forget(c);
			server_resume(c);
			break;
		}
}

/*
 * c was read and is not held: if its principal has room and another of its
 * connections waits, that one is resumed. A resumed connection that took
 * no slot (its frames needed no Redis) so hands the turn on, and no
 * connection waits while its principal has room.
 */
void
inflight_pass(struct conn *c)
{
	struct inflight_slot *s;
	struct conn *w;

	if (!c->authenticated || inflight_size == 0)
		return;
	s = inflight_find(inflight_slots, inflight_size, c->principal);
	if (s->waiting == 0 ||
	    s->n >= hotlined.cfg->limits.max_principal_pending)
		return;
	TAILQ_FOREACH(w, &inflight_waiting, principal_wait)
		if (w != c && strcmp(w->principal, c->principal) == 0) {
			inflight_forget(w);
			server_resume(w);
			break;
		}
}

/*
 * Before c's next frame is read: returns 1, with c queued to be resumed by
 * its principal's next answer, when limits.max_principal_pending of the
 * principal's requests wait for Redis; else 0. The caller then stops
 * reading c (c->paused), so a flood waits in its own socket, costing the
 * daemon nothing, instead of being read and refused.
 */
int
inflight_hold(struct conn *c)
{
	struct inflight_slot *s;

	if (!c->authenticated || inflight_size == 0)
		return 0;
	s = inflight_find(inflight_slots, inflight_size, c->principal);
	if (s->id[0] == '\0' ||
	    s->n < hotlined.cfg->limits.max_principal_pending)
		return 0;
	if (!c->principal_waiting) {
		c->principal_waiting = 1;
		s->waiting++;
		TAILQ_INSERT_TAIL(&inflight_waiting, c, principal_wait);
	}
	return 1;
}

/*
 * The priority of c's events: LOOP_LAST while its principal has a quarter
 * of limits.max_principal_pending or more waiting for Redis (a flood is
 * served when nobody else waits), else LOOP_NORMAL.
 */
enum loop_priority
inflight_priority(const struct conn *c)
{
	const struct inflight_slot *s;
	int share = hotlined.cfg->limits.max_principal_pending / 4;

	if (!c->authenticated || inflight_size == 0)
		return LOOP_NORMAL;
	s = inflight_find(inflight_slots, inflight_size, c->principal);
	return s->id[0] != '\0' && s->n >= (share > 0 ? share : 1) ?
	    LOOP_LAST : LOOP_NORMAL;
}

/* Returns how many principals have requests waiting for Redis. */
int
inflight_principals(void)
{
	return inflight_busy;
}

/* Takes c out of the queue of held connections (resumed or closed). */
void
inflight_forget(struct conn *c)
{
	struct inflight_slot *s;

	if (!c->principal_waiting)
		return;
	c->principal_waiting = 0;
	TAILQ_REMOVE(&inflight_waiting, c, principal_wait);
	s = inflight_find(inflight_slots, inflight_size, c->principal);
	if (s->waiting > 0)
		s->waiting--;
}

/* Frees the table (at exit). */
void
inflight_free(void)
{
	free(inflight_slots);
	inflight_slots = NULL;
	inflight_size = inflight_used = 0;
	inflight_busy = 0;
}
