/* The shipped calendar (conf/calendar of the source tree) for the unit tests that compute with it. */
#ifndef UNIT_CALENDAR_H
#define UNIT_CALENDAR_H

#include <stdio.h>

#include "deadline.h"
#include "unit-files.h"

/*
 * Returns a new calendar with the shipped year files and, when statutory
 * is set, the computed statutory holidays of the years without a notice;
 * NULL (the error printed) if they do not load. calendar_free it.
 */
static inline struct calendar *
unit_calendar(int statutory)
{
	struct calendar *cal = calendar_new();
	char dir[4096], err[512] = "";

	unit_path("conf/calendar", dir, sizeof dir);
	if (calendar_load_dir(cal, dir, err, sizeof err) == -1 ||
	    (statutory && calendar_compute_statutory(cal, err,
	    sizeof err) == -1)) {
		fprintf(stderr, "calendar: %s\n", err);
		calendar_free(cal);
		return NULL;
	}
	return cal;
}

#endif
