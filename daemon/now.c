/* The daemon's clocks: wall time with the test clock's offset, and the one monotonic clock. */
#include <stdint.h>
#include <time.h>

#include "now.h"

static int64_t now_offset;	/* test clock (testing.clock_control) */

/* Milliseconds since the epoch on the daemons' shared clock. */
int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + now_offset;
}

/* Sets the test clock's offset; returns the one it replaces. */
int64_t
now_set_offset(int64_t offset)
{
	int64_t old = now_offset;

	now_offset = offset;
	return old;
}

/* Microseconds on the monotonic clock, for durations. */
int64_t
now_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Milliseconds on the monotonic clock, for ages and timeouts. */
int64_t
now_mono_ms(void)
{
	return now_mono_us() / 1000;
}
