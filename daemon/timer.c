/* The timer loop: sleeps until the earliest timer in Redis is due, fires what is due, and is woken when an earlier one is armed. */
#include <stdlib.h>

#include <event2/event.h>

#include "hotlined.h"
#include "keys.h"
#include "script-args.h"

#define TIMER_BATCH 500		/* timers fired per script run */
#define TIMER_SAFETY_MS 30000	/* look again at least this often */

static struct event *timer_ev;
static int firing;		/* a timer_fire.lua run is in flight */
static int again;		/* poked while firing: run once more */
static int64_t last_lag_ms;

static void timer_fire(void);

/* Sleeps until next (ms; -1: nothing armed), at most TIMER_SAFETY_MS. */
static void
timer_schedule(int64_t next)
{
	int64_t delay = next < 0 ? TIMER_SAFETY_MS : next - now_ms();
	struct timeval tv;

	if (delay < 0)
		delay = 0;
	if (delay > TIMER_SAFETY_MS)
		delay = TIMER_SAFETY_MS;
	tv.tv_sec = delay / 1000;
	tv.tv_usec = (delay % 1000) * 1000;
	evtimer_add(timer_ev, &tv);
}

/* store: timer_fire.lua answered {claimed, fired, next due, lag}. */
static void
timer_fired(redisReply *r, void *priv)
{
	long long claimed, fired, next;

	(void)priv;
	firing = 0;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 4) {
		if (r != NULL && r->type == REDIS_REPLY_ERROR)
			log_warnx("timers: %s", r->str);
		timer_schedule(-1);
		return;
	}
	claimed = r->element[0]->integer;
	fired = r->element[1]->integer;
	next = r->element[2]->integer;
	metrics_timers_fired(fired);
	if (fired > 0) {
		last_lag_ms = r->element[3]->integer;
		metrics_timer_lag(last_lag_ms);
		log_info("timers: %lld fired (lag up to %lld ms)", fired,
		    (long long)last_lag_ms);
	}
	if (claimed >= TIMER_BATCH || again) {
		again = 0;
		timer_fire();
		return;
	}
	timer_schedule(next);
}

/* Runs timer_fire.lua for everything due now. */
static void
timer_fire(void)
{
	struct store_args args = { 0 };
	int64_t now;
	char day[9];

	if (firing) {
		again = 1;
		return;
	}
	evtimer_del(timer_ev);
	now = now_ms();		/* one instant: the breaches' day is now's */
	ticket_day(now, day);
	store_args_add(&args, KEY_TIMERS);
	script_args_timer_fire(&args, now, TIMER_BATCH,
	    hotlined.cfg->redis.feed_maxlen, day);
	firing = store_script(SCRIPT_TIMER_FIRE, 1, &args, timer_fired,
	    NULL) == 0;
	store_args_free(&args);
	if (!firing)
		timer_schedule(-1);	/* Redis down: the reconnect pokes us */
}

/* Event: the earliest timer is due (or the safety interval passed). */
static void
timer_due(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	timer_fire();
}

/* A timer was armed earlier than we sleep, or Redis came back: look now. */
void
timer_poke(void)
{
	timer_fire();
}

/* Sets the test clock's offset (as Redis holds it) and fires what became due. */
void
timer_set_offset(int64_t offset)
{
	if (now_set_offset(offset) != offset)
		log_info("test clock: %lld ms ahead of the wall clock",
		    (long long)offset);
	timer_fire();
}

/* store: the test clock's offset. */
static void
timer_offset_read(redisReply *r, void *priv)
{
	(void)priv;
	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		timer_set_offset(r->integer);
}

/* Reads (advance 0) or advances the test clock shared through Redis; cb as store_script. */
int
timer_shift_clock(int64_t advance, store_cb cb, void *priv)
{
	struct store_args args = { 0 };
	int rc;

	store_args_add(&args, KEY_CLOCK_OFFSET);
	script_args_clock_offset(&args, advance);
	rc = store_script(SCRIPT_CLOCK_OFFSET, 1, &args,
	    cb != NULL ? cb : timer_offset_read, priv);
	store_args_free(&args);
	return rc;
}

/* Redis (re)connected: catch up on the test clock and on due timers. */
void
timer_resync(void)
{
	if (hotlined.cfg->testing.clock_control)
		timer_shift_clock(0, NULL, NULL);
	else
		timer_fire();
}

/* The test clock moved (ht:clock on the wake channel). */
void
timer_clock_changed(void)
{
	if (hotlined.cfg->testing.clock_control)
		timer_shift_clock(0, NULL, NULL);
}

/* Returns the largest lag of the last timers fired, in ms. */
int64_t
timer_last_lag(void)
{
	return last_lag_ms;
}

/* Creates the loop's event; firing starts once Redis is ready. */
void
timer_init(struct event_base *base)
{
	timer_ev = evtimer_new(base, timer_due, NULL);
}

/* Frees the loop's event. */
void
timer_shutdown(void)
{
	event_free(timer_ev);
}
