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
	int saturated;		/* the mean passed PACE_SATURATED, not yet below PACE_RELAXED */
	int64_t since_ms;	/* when it became saturated */
	long long yields;	/* times it became saturated */
} pace;

/* Timer: one sample of Redis's queue; saturation begins or ends. */
static void
pace_sample(evutil_socket_t fd, short what, void *arg)
{
	int64_t now;

	(void)fd;
	(void)what;
	(void)arg;
	pace.mean += ((double)store_pending() - pace.mean) / PACE_WEIGHT;
	if (pace.saturated == (pace.mean >= (pace.saturated ? PACE_RELAXED :
	    PACE_SATURATED)))
		return;
	pace.saturated = !pace.saturated;
	now = archive_wall_ms();
	if (pace.saturated) {
		pace.since_ms = now;
		pace.yields++;
		log_debug("archive: Redis saturated (%.1f requests waiting on "
		    "average): yielding", pace.mean);
	} else {
		log_debug("archive: Redis no longer saturated after %lld ms: "
		    "catching up", (long long)(now - pace.since_ms));
	}
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
	return pace.saturated && lag_ms < hotlined.cfg->archive.yield_ms;
}

long long
archive_pace_yields(void)
{
	return pace.yields;
}
