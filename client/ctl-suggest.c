/* hotlinectl's nearest command to a mistyped one: edit distance over the command names. */
#include <string.h>

#include "ctl.h"

#define CTL_SUGGEST_MAX 32	/* names longer than this are never suggested */

/* Returns the edit distance (insert, delete, substitute, swap neighbours) between a and b. */
size_t
ctl_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best;
	size_t d[CTL_SUGGEST_MAX + 1][CTL_SUGGEST_MAX + 1];

	if (la > CTL_SUGGEST_MAX || lb > CTL_SUGGEST_MAX)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/*
 * Returns the name of names (n of them) nearest to typed: the one it
 * begins, or else the one with the smallest edit distance if that is at
 * most a third of the longer word (at least 1, at most 3); NULL when none
 * is near enough. Ties go to the first in names.
 */
const char *
ctl_nearest(const char *typed, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t i, d, bestd = (size_t)-1, len, limit;

	if (typed[0] == '\0')
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(names[i], typed, strlen(typed)) == 0)
			return names[i];
	for (i = 0; i < n; i++) {
		len = strlen(names[i]) > strlen(typed) ? strlen(names[i]) :
		    strlen(typed);
		limit = len / 3 < 1 ? 1 : len / 3 > 3 ? 3 : len / 3;
		d = ctl_edit_distance(typed, names[i]);
		if (d <= limit && d < bestd) {
			best = names[i];
			bestd = d;
		}
	}
	return best;
}
