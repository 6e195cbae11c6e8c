/* Checks the Redis stream ids that clients give as cursors (watch, export_examples) before Redis sees them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stream-cursor.h"

#define STREAM_CURSOR_LAST "18446744073709551615-18446744073709551615"

/* Returns 1 if the n bytes at s are a decimal number Redis takes (at most UINT64_MAX). */
static int
stream_cursor_number(const char *s, size_t n)
{
	char buf[24], *end;

	if (n == 0 || n > 20 || strspn(s, "0123456789") < n)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	(void)strtoull(buf, &end, 10);
	return errno == 0 && *end == '\0';
}

/*
 * Returns 1 for "", "0", or a stream id "<ms>-<seq>" (or "<ms>" alone when
 * ms_alone) whose parts Redis accepts, so that an out-of-range cursor is the
 * client's BAD_REQUEST, not a script error answered INTERNAL. The very
 * last id is refused too: nothing can follow it, and Redis refuses an
 * exclusive range that starts there.
 */
int
stream_cursor_valid(const char *s, int ms_alone)
{
	const char *dash = strchr(s, '-');

	if (s[0] == '\0' || strcmp(s, "0") == 0)
		return 1;
	if (strcmp(s, STREAM_CURSOR_LAST) == 0)
		return 0;
	if (dash == NULL)
		return ms_alone && stream_cursor_number(s, strlen(s));
	return stream_cursor_number(s, (size_t)(dash - s)) &&
	    stream_cursor_number(dash + 1, strlen(dash + 1));
}
