/* Recomputes the deadlines of every open ticket after the calendar changed (business hours or dated days). */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "keys.h"
#include "script-args.h"

#define RECOMPUTE_BATCH 200

static struct {
	int running;
	int again;		/* another reload came meanwhile */
	char cursor[32];
	int pending;		/* clock_set.lua runs in flight */
	long scanned, updated;
	char cause[96];		/* "2027年放假通知", for history notes */
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

/*
 * Returns a fingerprint of the calendar: business hours and dated days.
 * Equal fingerprints: no deadline moves. Policies are left out on purpose:
 * a changed policy applies to tickets dispatched after it, since each
 * department was told its deadlines at dispatch.
 */
uint64_t
recompute_fingerprint(const struct config *c)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < 7; i++) {
		h = fnv(h, &c->calendar->hours[i].n, sizeof(int));
		h = fnv(h, c->calendar->hours[i].iv, (size_t)
		    c->calendar->hours[i].n * sizeof c->calendar->hours[i].iv[0]);
	}
	for (i = 0; i < c->calendar->ndates; i++) {
		h = fnv(h, &c->calendar->dates[i].day, sizeof(int32_t));
		h = fnv(h, &c->calendar->dates[i].off, sizeof(int));
	}
	for (i = 0; i < c->calendar->ncomputed; i++)	/* provisional years */
		h = fnv(h, &c->calendar->computed[i].day, sizeof(int32_t));
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
		char cause[sizeof rc.cause];

		rc.again = 0;
		snprintf(cause, sizeof cause, "%s", rc.cause);
		recompute_start_because(cause);
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

/* Returns 1 if a breach flag of the ticket is set (it fired already). */
static int
flagged(const redisReply *hash, const char *flag)
{
	const char *v = record_hash_get(hash, flag);

	return v != NULL && strcmp(v, "1") == 0;
}

/* Adds "kind=due," to timers unless due is 0 or the breach already fired. */
static void
timer_unless(char *timers, size_t len, const char *kind, int64_t due,
    int fired)
{
	size_t used = strlen(timers);

	if (due != 0 && !fired)
		snprintf(timers + used, len - used, "%s=%lld,", kind,
		    (long long)due);
}

/* Adds a field to the list of fields to store. */
static void
field_add(struct clock_fields *f, const char *name, int64_t value)
{
	f->name[f->n] = name;
	snprintf(f->value[f->n++], sizeof f->value[0], "%lld",
	    (long long)value);
}

/* The completion clock's dues and timers (dispatched, accepted, suspended). */
static void
plan_main_clock(const redisReply *hash, int state, const struct policy *pol,
    struct clock_fields *f, char *timers, size_t len)
{
	struct clock_dues d;
	struct clock c;

	clock_read(&c, record_getter, (void *)hash);
	if (c.dispatched_at == 0)
		return;
	clock_dues(&c, hotlined.cfg->calendar, pol, &d);
	clock_fields(&c, &d, f);
	timer_unless(timers, len, "sign", state ==
	    HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED ? d.sign_due : 0,
	    flagged(hash, "sign_overdue"));
	timer_unless(timers, len, "warn", d.warn_at, flagged(hash, "warned"));
	timer_unless(timers, len, "overdue", d.complete_due,
	    flagged(hash, "overdue"));
}

/* The callback's clock (回访) and an unanswered supervision order's (督办). */
static void
plan_other_clocks(const redisReply *hash, int state, const struct policy *pol,
    struct clock_fields *f, char *timers, size_t len)
{
	const char *base = record_hash_get(hash, "callback_base");
	const char *at = record_hash_get(hash, "sup_at");
	const char *limit = record_hash_get(hash, "sup_limit"), *why;
	const char *answer = record_hash_get(hash, "sup_answer");
	struct limit sup;
	int64_t due;

	if (state == HOTLINE__TICKET_STATE__TICKET_STATE_AWAITING_CALLBACK &&
	    base != NULL && !flagged(hash, "callback_overdue")) {
		due = deadline_due(hotlined.cfg->calendar, strtoll(base, NULL,
		    10), &pol->callback);
		field_add(f, "callback_due", due);
		timer_unless(timers, len, "callback", due, 0);
	}
	if (at != NULL && (answer == NULL || *answer == '\0') &&
	    !flagged(hash, "sup_overdue")) {
		due = clock_supervision_due(hotlined.cfg->calendar,
		    limit != NULL &&
		    *limit != '\0' && limit_parse(limit, &sup, &why) == 0 ?
		    &sup : NULL, strtoll(at, NULL, 10));
		field_add(f, "sup_due", due);
		timer_unless(timers, len, "sup", due, 0);
	}
}

/* The deadlines a history note names, with their labels. */
static const struct {
	const char *field;
	const char *label;
} recompute_dues[] = {
	{ "complete_due", "办结" }, { "sign_due", "签收" },
	{ "warn_at", "黄灯" }, { "return_until", "退单" },
	{ "callback_due", "回访" }, { "sup_due", "督办" },
};

/*
 * Writes the history note of a recompute into note: "因2027年放假通知调整期限：
 * 办结 2027-01-05 18:00 → 2027-01-06 18:00（北京时间）",
 * one part per deadline whose value changes. Empty when none does.
 */
static void
recompute_note(const redisReply *hash, const struct clock_fields *f,
    char *note, size_t len)
{
	char from[32], to[32], parts[384];
	size_t i, used = 0;
	const char *old;
	int j;

	note[0] = parts[0] = '\0';
	for (i = 0; i < sizeof recompute_dues / sizeof recompute_dues[0]; i++)
		for (j = 0; j < f->n; j++) {
			if (strcmp(f->name[j], recompute_dues[i].field) != 0)
				continue;
			old = record_hash_get(hash, f->name[j]);
			if (old == NULL || strcmp(old, f->value[j]) == 0 ||
			    used + 64 >= sizeof parts)
				continue;
			deadline_format(strtoll(old, NULL, 10), from,
			    sizeof from);
			deadline_format(strtoll(f->value[j], NULL, 10), to,
			    sizeof to);
			used += (size_t)snprintf(parts + used, sizeof parts -
			    used, "%s%s %.16s → %.16s", used == 0 ? "" : "; ",
			    recompute_dues[i].label, from, to);
		}
	if (used > 0)
		snprintf(note, len, "因%.95s调整期限：%.383s（北京时间）", rc.cause, parts);
}

/*
 * Recomputes one open ticket's deadlines under the current calendar and
 * stores them; breaches that already fired are not armed again. A ticket
 * whose deadlines move gets one history entry saying from what to what,
 * and its departments one DEADLINE_MOVED event (clock_set.lua).
 */
static void
recompute_ticket(const char *number, const redisReply *hash)
{
	const char *state = record_hash_get(hash, "state");
	const char *type = record_hash_get(hash, "type");
	const char *urgency = record_hash_get(hash, "urgency");
	struct store_args args = { 0 };
	struct clock_fields f = { .n = 0 };
	struct policy pol;
	struct clock c;
	char timers[256] = "", note[640];
	int i, s = state ? atoi(state) : 0;

	policy_for(hotlined.cfg->policies, type ? atoi(type) : 0,
	    urgency ? atoi(urgency) : 0, record_hash_get(hash, "dept"), &pol);
	if (s == HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED ||
	    s == HOTLINE__TICKET_STATE__TICKET_STATE_ACCEPTED ||
	    s == HOTLINE__TICKET_STATE__TICKET_STATE_SUSPENDED)
		plan_main_clock(hash, s, &pol, &f, timers, sizeof timers);
	plan_other_clocks(hash, s, &pol, &f, timers, sizeof timers);
	if (f.n == 0)
		return;
	clock_read(&c, record_getter, (void *)hash);
	store_args_addf(&args, KEY_TICKET, number);
	store_args_addf(&args, KEY_HISTORY, number);
	store_args_paramf(&args, "gen", "%lld", (long long)c.gen);
	store_args_paramf(&args, "now", "%lld", (long long)now_ms());
	store_args_param(&args, "timers", timers);
	recompute_note(hash, &f, note, sizeof note);
	store_args_param(&args, "note", note[0] != '\0' ? note :
	    "calendar or policies changed");
	store_args_paramf(&args, "feed_maxlen", "%d",
	    hotlined.cfg->redis.feed_maxlen);
	store_args_add(&args, "--");
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

	store_args_add(&args, KEY_CLOCKS);
	script_args_clock_scan(&args, rc.cursor, RECOMPUTE_BATCH);
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
	recompute_start_because("工作日历变更");
}

/* The same, naming the cause in the tickets' history ("2027年放假通知"). */
void
recompute_start_because(const char *cause)
{
	if (rc.running) {
		snprintf(rc.cause, sizeof rc.cause, "%s", cause);
		rc.again = 1;
		return;
	}
	memset(&rc, 0, sizeof rc);
	snprintf(rc.cause, sizeof rc.cause, "%s", cause);
	rc.running = 1;
	snprintf(rc.cursor, sizeof rc.cursor, "0");
	log_info("deadlines: the calendar changed; recomputing open tickets");
	recompute_scan();
}

/* Storage is back: carry on with a walk that Redis interrupted. */
void
recompute_resync(void)
{
	if (!rc.running && rc.again) {
		char cause[sizeof rc.cause];

		rc.again = 0;
		snprintf(cause, sizeof cause, "%s", rc.cause);
		recompute_start_because(cause);
	}
}
