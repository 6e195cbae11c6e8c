/* Counts each principal's requests waiting for Redis, so one principal cannot fill the shared link (a fair share). */
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
};

static struct inflight_slot *inflight_slots;
static size_t inflight_size, inflight_used;

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
 * Counts one more request of principal id waiting for Redis, unless max
 * already wait: returns 0, or -1 (nothing counted) when it is at max.
 */
int
inflight_take(const char *id, int max)
{
	struct inflight_slot *s;

	if ((inflight_used + 1) * 2 > inflight_size)
		inflight_grow();
	s = inflight_find(inflight_slots, inflight_size, id);
	if (s->id[0] == '\0') {
		snprintf(s->id, sizeof s->id, "%s", id);
		inflight_used++;
	}
	if (s->n >= max)
		return -1;
	s->n++;
	return 0;
}

/* One request of principal id got its answer (or its link failed). */
void
inflight_give(const char *id)
{
	struct inflight_slot *s;

	if (inflight_size == 0)
		return;
	s = inflight_find(inflight_slots, inflight_size, id);
	if (s->id[0] != '\0' && s->n > 0)
		s->n--;
}

/* Frees the table (at exit). */
void
inflight_free(void)
{
	free(inflight_slots);
	inflight_slots = NULL;
	inflight_size = inflight_used = 0;
}
