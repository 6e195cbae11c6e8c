/* Recomputes the deadlines of every ticket whose clock runs, after the calendar or the policies changed. */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"

#define RECOMPUTE_BATCH 200

static struct {
	int running;
	int again;		/* another reload came meanwhile */
	char cursor[32];
	int pending;		/* clock_set.lua runs in flight */
	long scanned, updated;
} rc;

static void recompute_scan(void);

/* Mixes n bytes into an FNV-1a hash. */
static uint64_t
fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	while (n-- > 0)
		h = (h ^ *p++) * 1099511628211ULL;
	return h;
}

/* Mixes one resolved policy into h, key by key (no padding bytes). */
static uint64_t
fnv_policy(uint64_t h, const struct policy *p)
{
	const struct limit *limits[] = { &p->sign, &p->complete,
	    &p->warn_before, &p->return_window, &p->callback,
	    &p->max_extension };
	size_t i;

	for (i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		h = fnv(h, &limits[i]->unit, sizeof limits[i]->unit);
		h = fnv(h, &limits[i]->amount, sizeof limits[i]->amount);
	}
	return fnv(h, &p->warn_fraction, sizeof p->warn_fraction);
}

/*
 * Returns a fingerprint of what deadlines depend on: business hours, the
 * dated days and every resolved policy. Equal fingerprints: nothing to redo.
 */
uint64_t
recompute_fingerprint(const struct config *c)
{
	uint64_t h = 14695981039346656037ULL;
	struct policy p;
	size_t i, d;
	int type, urgency;

	for (i = 0; i < 7; i++) {
		h = fnv(h, &c->calendar->hours[i].n, sizeof(int));
		h = fnv(h, c->calendar->hours[i].iv, (size_t)
		    c->calendar->hours[i].n * sizeof c->calendar->hours[i].iv[0]);
	}
	for (i = 0; i < c->calendar->ndates; i++) {
		h = fnv(h, &c->calendar->dates[i].day, sizeof(int32_t));
		h = fnv(h, &c->calendar->dates[i].off, sizeof(int));
	}
	for (d = 0; d <= c->ndepartments; d++)
		for (type = 0; type <= 6; type++)
			for (urgency = 0; urgency <= 3; urgency++) {
				policy_for(c->policies, type, urgency,
				    d < c->ndepartments ? c->departments[d].id :
				    NULL, &p);
				h = fnv_policy(h, &p);
			}
	return h;
}

/* The walk is over. */
static void
recompute_finish(void)
{
	log_info("deadlines recomputed: %ld tickets with running clocks, %ld "
	    "changed", rc.scanned, rc.updated);
	rc.running = 0;
	if (rc.again) {
		rc.again = 0;
		recompute_start();
	}
}

/* Goes on with the next batch once this one's writes are answered. */
static void
recompute_next(void)
{
	if (rc.pending > 0)
		return;
	if (strcmp(rc.cursor, "0") == 0)
		recompute_finish();
	else
		recompute_scan();
}

/* store: clock_set.lua answered (1: stored, 0: the ticket moved on). */
static void
recompute_set_done(redisReply *r, void *priv)
{
	(void)priv;
	rc.pending--;
	if (r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 1)
		rc.updated++;
	recompute_next();
}

/* Recomputes one ticket's deadlines and stores them if it still runs a clock. */
static void
recompute_ticket(const char *number, const redisReply *hash)
{
	const char *state = record_hash_get(hash, "state");
	const char *type = record_hash_get(hash, "type");
	const char *urgency = record_hash_get(hash, "urgency");
	struct store_args args = { 0 };
	struct clock_fields f;
	struct clock_dues d;
	struct policy pol;
	struct clock c;
	char timers[192];
	int i, s = state ? atoi(state) : 0;

	if (s != HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED &&
	    s != HOTLINE__TICKET_STATE__TICKET_STATE_ACCEPTED &&
	    s != HOTLINE__TICKET_STATE__TICKET_STATE_SUSPENDED)
		return;
	clock_read(&c, record_getter, (void *)hash);
	if (c.dispatched_at == 0)
		return;
	policy_for(cfg->policies, type ? atoi(type) : 0,
	    urgency ? atoi(urgency) : 0, record_hash_get(hash, "dept"), &pol);
	clock_dues(&c, cfg->calendar, &pol, &d);
	clock_fields(&c, &d, &f);
	clock_timers(&d, s == HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED,
	    timers, sizeof timers);
	store_args_addf(&args, "ht:ticket:%s", number);
	store_args_addf(&args, "ht:history:%s", number);
	store_args_addf(&args, "%lld", (long long)c.gen);
	store_args_addf(&args, "%lld", (long long)now_ms());
	store_args_add(&args, timers);
	for (i = 0; i < f.n; i++) {	/* clock_set.lua records only what changed */
		store_args_add(&args, f.name[i]);
		store_args_add(&args, f.value[i]);
	}
	if (store_script(SCRIPT_CLOCK_SET, 2, &args, recompute_set_done,
	    NULL) == 0)
		rc.pending++;
	store_args_free(&args);
}

/* store: a batch of tickets with running clocks. */
static void
recompute_scanned(redisReply *r, void *priv)
{
	size_t i;

	(void)priv;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
		log_warnx("deadlines: recomputing stopped (storage unavailable); "
		    "it starts again when storage is back");
		rc.running = 0;
		rc.again = 1;
		return;
	}
	snprintf(rc.cursor, sizeof rc.cursor, "%s", r->element[0]->str);
	for (i = 0; i < r->element[1]->elements; i++) {
		const redisReply *e = r->element[1]->element[i];

		rc.scanned++;
		recompute_ticket(e->element[0]->str, e->element[1]);
	}
	recompute_next();
}

/* Reads the next batch of ht:clocks. */
static void
recompute_scan(void)
{
	struct store_args args = { 0 };

	store_args_add(&args, "ht:clocks");
	store_args_add(&args, rc.cursor);
	store_args_addf(&args, "%d", RECOMPUTE_BATCH);
	if (store_script(SCRIPT_CLOCK_SCAN, 1, &args, recompute_scanned,
	    NULL) == -1) {
		rc.running = 0;
		rc.again = 1;
	}
	store_args_free(&args);
}

/* Starts (or queues) a walk over every ticket with a running clock. */
void
recompute_start(void)
{
	if (rc.running) {
		rc.again = 1;
		return;
	}
	memset(&rc, 0, sizeof rc);
	rc.running = 1;
	snprintf(rc.cursor, sizeof rc.cursor, "0");
	log_info("deadlines: the calendar or the policies changed; recomputing "
	    "open tickets");
	recompute_scan();
}

/* Storage is back: carry on with a walk that Redis interrupted. */
void
recompute_resync(void)
{
	if (!rc.running && rc.again) {
		rc.again = 0;
		recompute_start();
	}
}
