/* A ticket's clocks (限时办结): their state as stored with the ticket, and the due times they give; pure. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "xmalloc.h"

/* A supervision order (督办) without a limit of its own runs this long. */
static const struct limit supervision_default = { LIMIT_WORK_DAYS, 3 };

/* Parses a decimal instant or count; absent or empty gives def. */
static int64_t
field_int(const char *value, int64_t def)
{
	return value != NULL && *value != '\0' ? strtoll(value, NULL, 10) : def;
}

/* Parses "5wd,3wd" into the clock's extensions; skips what does not parse. */
static void
clock_read_extensions(struct clock *c, const char *list)
{
	char *copy, *item, *save = NULL;
	const char *why;

	if (list == NULL || *list == '\0')
		return;
	copy = xstrdup(list);
	for (item = strtok_r(copy, ",", &save); item != NULL &&
	    c->nextensions < CLOCK_MAX_EXTENSIONS;
	    item = strtok_r(NULL, ",", &save))
		if (limit_parse(item, &c->extensions[c->nextensions], &why) == 0)
			c->nextensions++;
	free(copy);
}

/*
 * Reads a ticket's clock from its hash fields through get (NULL for an
 * absent field). A ticket that was never dispatched has no clock:
 * dispatched_at is 0. clock_left, clock_suspended and clock_ext absent
 * read as a running clock (-1, 0, none), clock_base absent as
 * dispatched_at: the scripts leave them out of the hash when they are so
 * (fields.lua's FIELD_DEFAULT and FIELD_SAME_AS).
 */
void
clock_read(struct clock *c, clock_getter get, void *arg)
{
	const char *why, *limit = get(arg, "clock_limit");

	memset(c, 0, sizeof *c);
	c->dispatched_at = field_int(get(arg, "dispatched_at"), 0);
	c->base = field_int(get(arg, "clock_base"), c->dispatched_at);
	c->left = field_int(get(arg, "clock_left"), -1);
	c->suspended = field_int(get(arg, "clock_suspended"), 0) != 0;
	c->gen = field_int(get(arg, "clock_gen"), 0);
	if (limit == NULL || limit_parse(limit, &c->limit, &why) == -1)
		c->dispatched_at = 0;
	clock_read_extensions(c, get(arg, "clock_ext"));
}

/* Starts fresh clocks at now with the policy's completion limit (派单, 改派, 重办). */
void
clock_start(struct clock *c, const struct policy *p, int64_t now)
{
	int64_t gen = c->gen;

	memset(c, 0, sizeof *c);
	c->gen = gen;
	c->dispatched_at = now;
	c->base = now;
	c->limit = p->complete;
	c->left = -1;
}

/* Adds an approved extension (延期); returns -1 if there are too many. */
int
clock_extend(struct clock *c, const struct limit *extension)
{
	if (c->nextensions >= CLOCK_MAX_EXTENSIONS)
		return -1;
	c->extensions[c->nextensions++] = *extension;
	return 0;
}

/*
 * Where a suspended or resumed clock stands at t. Natural and working-hours
 * limits: at t, to the millisecond. Working-days limits count whole days
 * (民法典 art. 201: the day a period starts is not counted, and so neither
 * is the day it is suspended or resumed, which 中止 makes a start again;
 * art. 203: its last day ends at close of business): the rest of t's
 * working day is set aside on suspend and on resume alike. So a suspend
 * followed at once by a resume leaves a close-of-business due time where
 * it was, instead of carrying a few milliseconds into the next morning.
 */
static int64_t
clock_anchor(const struct clock *c, const struct calendar *cal, int64_t t)
{
	return c->limit.unit == LIMIT_WORK_DAYS ? deadline_day_end(cal, t) : t;
}

/* Stops the completion clock at now, keeping the time left (挂起). */
void
clock_suspend(struct clock *c, const struct calendar *cal,
    const struct policy *p, int64_t now)
{
	struct clock_dues d;
	int64_t at;

	clock_dues(c, cal, p, &d);
	at = clock_anchor(c, cal, now);
	c->left = deadline_remaining(cal, &c->limit, at, d.complete_due);
	if (c->left < 0)	/* already late: nothing is left (-1 would mean the whole limit) */
		c->left = 0;
	c->suspended = 1;
	c->nextensions = 0;	/* they are in the time left now */
}

/* Restarts a suspended clock at now with the time that was left. */
void
clock_resume(struct clock *c, int64_t now)
{
	c->base = now;
	c->suspended = 0;
}

/*
 * The warning point (黄灯) of a resumed clock due at due: as far before due
 * as the policy puts it for the whole limit, not a fraction of what was
 * left (an urgent 24 h ticket is warned 6 h before due, however long it
 * was suspended); clamped to [base, due]. A working-days limit with
 * warn_before counts back from due as deadline_warn_at does.
 */
static int64_t
clock_warn_resumed(const struct clock *c, const struct calendar *cal,
    const struct policy *p, int64_t due)
{
	int64_t full_due, full_warn, before, warn;

	if (c->limit.unit == LIMIT_WORK_DAYS &&
	    p->warn_before.unit == LIMIT_WORK_DAYS &&
	    p->warn_before.amount < c->limit.amount)
		return deadline_warn_at(cal, c->base, due, &c->limit, p);
	full_due = deadline_due(cal, c->dispatched_at, &c->limit);
	full_warn = deadline_warn_at(cal, c->dispatched_at, full_due,
	    &c->limit, p);
	before = deadline_remaining(cal, &c->limit, full_warn, full_due);
	warn = limit_natural(&c->limit) ? deadline_shift(due, -before) :
	    deadline_add_working_ms(cal, due, -before);
	if (warn < c->base)
		return c->base < due ? c->base : due;
	return warn > due ? due : warn;
}

/*
 * Computes the due times of c under policy p. Without a clock everything
 * is 0; while suspended the completion clock has no due time.
 */
void
clock_dues(const struct clock *c, const struct calendar *cal,
    const struct policy *p, struct clock_dues *d)
{
	int i;

	memset(d, 0, sizeof *d);
	if (c->dispatched_at == 0)
		return;
	d->sign_due = deadline_due(cal, c->dispatched_at, &p->sign);
	d->return_until = deadline_due(cal, c->dispatched_at,
	    &p->return_window);
	if (c->suspended)
		return;
	if (c->left >= 0)
		d->complete_due = deadline_resume(cal, &c->limit,
		    clock_anchor(c, cal, c->base), c->left);
	else
		d->complete_due = deadline_due(cal, c->base, &c->limit);
	for (i = 0; i < c->nextensions; i++)
		d->complete_due = deadline_due(cal, d->complete_due,
		    &c->extensions[i]);
	if (c->left >= 0)
		d->warn_at = clock_warn_resumed(c, cal, p, d->complete_due);
	else
		d->warn_at = deadline_warn_at(cal, c->base, d->complete_due,
		    &c->limit, p);
}

/* Time left to complete at now (the time kept while suspended); 0 without a clock. */
int64_t
clock_remaining(const struct clock *c, const struct calendar *cal,
    const struct policy *p, int64_t now)
{
	struct clock_dues d;

	if (c->dispatched_at == 0)
		return 0;
	if (c->suspended)
		return c->left;
	clock_dues(c, cal, p, &d);
	return deadline_remaining(cal, &c->limit, now, d.complete_due);
}

/* Returns 1 if extension is no longer than the policy's maximum, measured from now. */
int
clock_extension_allowed(const struct calendar *cal, const struct policy *p,
    const struct limit *extension, int64_t now)
{
	return deadline_due(cal, now, extension) <=
	    deadline_due(cal, now, &p->max_extension);
}

/* The due time of a supervision order (督办) issued at now; limit NULL: the default. */
int64_t
clock_supervision_due(const struct calendar *cal, const struct limit *limit,
    int64_t now)
{
	return deadline_due(cal, now, limit != NULL ? limit :
	    &supervision_default);
}

/* Adds name = value to the list of fields to store. */
static void
fields_add(struct clock_fields *f, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fields_add(struct clock_fields *f, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (f->n >= CLOCK_MAX_FIELDS)
		fatalx("clock: too many fields");
	f->name[f->n] = name;
	va_start(ap, fmt);
	vsnprintf(f->value[f->n], sizeof f->value[f->n], fmt, ap);
	va_end(ap);
	f->n++;
}

/*
 * Writes c and its dues d as the hash fields they are stored in: the clock
 * itself (so a calendar reload can compute the dues again) and the dues.
 */
void
clock_fields(const struct clock *c, const struct clock_dues *d,
    struct clock_fields *f)
{
	char limit[16], ext[CLOCK_MAX_EXTENSIONS * 8 + 1] = "";
	size_t used = 0;
	int i;

	f->n = 0;
	limit_format(&c->limit, limit, sizeof limit);
	for (i = 0; i < c->nextensions; i++) {
		char one[16];

		limit_format(&c->extensions[i], one, sizeof one);
		used += (size_t)snprintf(ext + used, sizeof ext - used, "%s%s",
		    i == 0 ? "" : ",", one);
	}
	fields_add(f, "dispatched_at", "%lld", (long long)c->dispatched_at);
	fields_add(f, "clock_base", "%lld", (long long)c->base);
	fields_add(f, "clock_limit", "%s", limit);
	fields_add(f, "clock_left", "%lld", (long long)c->left);
	fields_add(f, "clock_suspended", "%d", c->suspended);
	fields_add(f, "clock_ext", "%s", ext);
	fields_add(f, "sign_due", "%lld", (long long)d->sign_due);
	fields_add(f, "complete_due", "%lld", (long long)d->complete_due);
	fields_add(f, "warn_at", "%lld", (long long)d->warn_at);
	fields_add(f, "return_until", "%lld", (long long)d->return_until);
}

/*
 * Writes the timers to arm for c's dues as "sign=<ms>,warn=<ms>,..." for
 * transition.lua: the sign timer only while the ticket waits to be signed,
 * none while suspended.
 */
void
clock_timers(const struct clock_dues *d, int awaiting_sign, char *out,
    size_t outlen)
{
	int n = 0;

	out[0] = '\0';
	if (awaiting_sign && d->sign_due != 0)
		n += snprintf(out + n, outlen - (size_t)n, "sign=%lld,",
		    (long long)d->sign_due);
	if (d->warn_at != 0)
		n += snprintf(out + n, outlen - (size_t)n, "warn=%lld,",
		    (long long)d->warn_at);
	if (d->complete_due != 0)
		snprintf(out + n, outlen - (size_t)n, "overdue=%lld",
		    (long long)d->complete_due);
}
