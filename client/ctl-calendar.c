/* hotlinectl's calendar command: a year's holiday notice (工作日历) imported for every daemon. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

#define CTL_CALENDAR_MAX (1024 * 1024)	/* a year file is a few KiB */

/* Reads the file at path (at most CTL_CALENDAR_MAX bytes) into a string; NULL after saying why. */
static char *
ctl_calendar_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "hotlinectl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((text = malloc(CTL_CALENDAR_MAX + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(text, 1, CTL_CALENDAR_MAX + 1, f);
	if (ferror(f) || n > CTL_CALENDAR_MAX) {
		fprintf(stderr, "hotlinectl: %s: %s\n", path, ferror(f) ?
		    strerror(errno) : "longer than 1 MiB: not a year file");
		free(text);
		fclose(f);
		return NULL;
	}
	fclose(f);
	text[n] = '\0';
	return text;
}

/* Prints what an import did. */
static void
ctl_calendar_text(const Hotline__Envelope *reply)
{
	const Hotline__CalendarImportReply *r = reply->calendar_imported;

	printf("imported %u (%s): %u days change", r->year, r->provisional ?
	    "暂定 provisional: no State Council notice" :
	    "the State Council's notice", r->changed_days);
	if (r->first_changed != NULL && r->first_changed[0] != '\0')
		printf(", the first %s", r->first_changed);
	printf("\nevery hotlined takes it from Redis; open deadlines over the "
	    "changed days are recomputed in the background (each moved "
	    "ticket's history and its department's feed say so)\n");
}

/* calendar import FILE: a year file in holiday-cn's layout for every daemon (admin). */
int
ctl_calendar(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__CalendarImportRequest q = HOTLINE__CALENDAR_IMPORT_REQUEST__INIT;
	int rc;

	if (ctl_options(argc, argv, NULL, NULL) == -1 ||
	    argc - optind != 2 || strcmp(argv[optind], "import") != 0)
		return ctl_usage(ctl);
	if ((q.json = ctl_calendar_read(argv[optind + 1])) == NULL)
		return CTL_EXIT_FAILURE;
	req.body_case = HOTLINE__ENVELOPE__BODY_CALENDAR_IMPORT;
	req.calendar_import = &q;
	rc = ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_CALENDAR_IMPORTED,
	    ctl_calendar_text);
	free(q.json);
	return rc;
}
