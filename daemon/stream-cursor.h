/* Redis stream ids as cursors, checked (stream-cursor.c; pure core). */
#ifndef STREAM_CURSOR_H
#define STREAM_CURSOR_H

/*
 * Contract: reads s only; no state, any thread.
 */

/*
 * stream-cursor.c: 1 for "", "0" or a Redis stream id "<ms>-<seq>" (or
 * "<ms>" alone when ms_alone) with both parts at most UINT64_MAX.
 */
int stream_cursor_valid(const char *s, int ms_alone);

#endif
