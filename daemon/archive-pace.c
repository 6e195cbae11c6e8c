/* The archiver's pace: it yields to a saturated foreground (Redis always busy with queued requests), letting the lag grow up to a bound, and catches up once the load falls. */
#include <event2/event.h>

#include "hotlined.h"
#include "archive.h"

#define PACE_SAMPLE_MS 10	/* how often Redis's queue is looked at */
/*
 * The mean of store_pending() over about the last 500 ms (an exponential
 * mean of its 10 ms samples, weight 1/50 each). The archiver's own calls
 * are at most two or three of it; requests of clients queue behind each
 * other only when Redis cannot keep up with them.
 */
#define PACE_WEIGHT 50
#define PACE_SATURATED 4.0	/* a mean this high: the foreground is saturated */
#define PACE_RELAXED 2.0	/* yielding ends below this */

static struct {
	struct event *sample;
	double mean;
	int yielding;
	int64_t since_ms;	/* when the current yield began */
	long long yields;	/* times the archiver began to yield */
} pace;

/* Timer: one sample of Redis's queue. */
static void
pace_sample(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	pace.mean += ((double)store_pending() - pace.mean) / PACE_WEIGHT;
}

/* Starts sampling; see archive.h. */
void
archive_pace_start(struct event_base *base)
{
	struct timeval tv = { 0, PACE_SAMPLE_MS * 1000 };

	pace.sample = event_new(base, -1, EV_PERSIST, pace_sample, NULL);
	evtimer_add(pace.sample, &tv);
}

void
archive_pace_stop(void)
{
	if (pace.sample != NULL)
		event_free(pace.sample);
	pace.sample = NULL;
}

/* Whether to read no new batch now; see archive.h. */
int
archive_pace_yield(int64_t lag_ms)
{
	int64_t now = archive_wall_ms();
	int was = pace.yielding;

	if (pace.yielding)
		pace.yielding = pace.mean >= PACE_RELAXED;
	else
		pace.yielding = pace.mean >= PACE_SATURATED;
	if (pace.yielding && lag_ms >= hotlined.cfg->archive.yield_ms)
		pace.yielding = 0;	/* bounded: back at full pace */
	if (pace.yielding && !was) {
		pace.since_ms = now;
		pace.yields++;
		log_debug("archive: Redis saturated (%.1f requests waiting on "
		    "average): yielding", pace.mean);
	} else if (!pace.yielding && was) {
		log_debug("archive: yielded %lld ms, lag %lld ms: catching up",
		    (long long)(now - pace.since_ms), (long long)lag_ms);
	}
	return pace.yielding;
}

int
archive_pace_yielding(void)
{
	return pace.yielding;
}

long long
archive_pace_yields(void)
{
	return pace.yields;
}
