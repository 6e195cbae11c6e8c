/* The daemon's clocks: wall time with the test clock's offset, and monotonic time (now.c; pure core). */
#ifndef NOW_H
#define NOW_H

#include <stdint.h>

/*
 * Contract: now_ms is the one "now" of tickets, deadlines and timers: the
 * machine's real time plus the test clock's offset (testing.clock_control,
 * set through now_set_offset by timer.c when Redis says it moved). The
 * offset is written and read on the daemon's loop thread only. The
 * monotonic functions measure durations and ages (the test clock does not
 * move them) and may be called from any thread.
 */

/* Milliseconds since the epoch, plus the test clock's offset. */
int64_t now_ms(void);
/* Sets the test clock's offset (ms); returns the previous one. */
int64_t now_set_offset(int64_t offset);
/* Milliseconds on the monotonic clock. */
int64_t now_mono_ms(void);
/* Microseconds on the monotonic clock. */
int64_t now_mono_us(void);

#endif
