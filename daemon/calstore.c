/* The holiday notices imported into Redis (hotlinectl calendar import): stored once, laid over every hotlined's year files, open deadlines recomputed. */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "keys.h"

#define CALSTORE_KEY KEY_CALENDAR_YEARS

/* The imported years as last read from Redis: year -> the file's text. */
static struct {
	int *years;
	char **texts;
	size_t n;
	int reading;		/* an HGETALL is in flight */
	int again;		/* woken meanwhile: read once more */
} cs;

/* Frees the remembered years. */
static void
calstore_clear(void)
{
	size_t i;

	for (i = 0; i < cs.n; i++)
		free(cs.texts[i]);
	free(cs.texts);
	free(cs.years);
	cs.texts = NULL;
	cs.years = NULL;
	cs.n = 0;
}

/* Marks year in cal as imported (calendar_set_year added its mark). */
static void
calstore_mark(struct calendar *cal, int year)
{
	size_t k;

	for (k = 0; k < cal->nyears; k++)
		if (cal->years[k] == year)
			cal->marks[k].imported = 1;
}

/*
 * Lays the imported years over cal (the calendar of the year files, or one
 * they were laid over already: laying is idempotent). A stored text that
 * no longer passes the checks is skipped with a warning.
 */
void
calstore_apply(struct calendar *cal)
{
	struct calendar *year;
	char err[512], name[32];
	size_t i;

	for (i = 0; i < cs.n; i++) {
		snprintf(name, sizeof name, "%s[%d]", CALSTORE_KEY,
		    cs.years[i]);
		year = calendar_parse_year(name, cs.texts[i],
		    strlen(cs.texts[i]), err, sizeof err);
		if (year == NULL) {
			log_warnx("calendar: the imported %d is not used: %s",
			    cs.years[i], err);
			continue;
		}
		calendar_set_year(cal, year, cs.years[i]);
		calstore_mark(cal, cs.years[i]);
		calendar_free(year);
	}
}

/* Returns 1 if reply r (flat year/text pairs) holds what cs holds. */
static int
calstore_same(const redisReply *r)
{
	size_t i;

	if (r->elements / 2 != cs.n)
		return 0;
	for (i = 0; i + 1 < r->elements; i += 2)
		if (atoi(r->element[i]->str) != cs.years[i / 2] ||
		    strcmp(r->element[i + 1]->str, cs.texts[i / 2]) != 0)
			return 0;
	return 1;
}

/* Returns the lowest year of r whose text differs from what cs held, or 0. */
static int
calstore_changed_year(const redisReply *r)
{
	size_t i, j;
	int year, low = 0;

	for (i = 0; i + 1 < r->elements; i += 2) {
		year = atoi(r->element[i]->str);
		for (j = 0; j < cs.n && cs.years[j] != year; j++)
			continue;
		if ((j == cs.n || strcmp(cs.texts[j], r->element[i + 1]->str) !=
		    0) && (low == 0 || year < low))
			low = year;
	}
	return low;
}

static void calstore_read(void);

/* store: HGETALL ht:calendar:years answered; lay what changed over the calendar in force. */
static void
calstore_read_done(redisReply *r, void *priv)
{
	uint64_t before;
	size_t i;
	int year;
	char cause[64];

	(void)priv;
	cs.reading = 0;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		log_warnx("calendar: the imported years could not be read "
		    "(storage unavailable); read again when it is back");
		return;
	}
	if (!calstore_same(r)) {
		year = calstore_changed_year(r);
		calstore_clear();
		cs.n = r->elements / 2;
		cs.years = xcalloc(cs.n + 1, sizeof *cs.years);
		cs.texts = xcalloc(cs.n + 1, sizeof *cs.texts);
		for (i = 0; i < cs.n; i++) {
			cs.years[i] = atoi(r->element[2 * i]->str);
			cs.texts[i] = xstrdup(r->element[2 * i + 1]->str);
		}
		before = recompute_fingerprint(hotlined.cfg);
		calstore_apply(hotlined.cfg->calendar);
		if (recompute_fingerprint(hotlined.cfg) != before) {
			log_info("calendar: imported %d in force (%s)", year,
			    calendar_year_provisional(hotlined.cfg->calendar,
			    year) ? "provisional" : "a State Council notice");
			snprintf(cause, sizeof cause, "%d年放假通知",
			    year);
			recompute_start_because(cause);
		}
	}
	if (cs.again) {
		cs.again = 0;
		calstore_read();
	}
}

/* Reads the imported years (one read at a time). */
static void
calstore_read(void)
{
	const char *argv[] = { "HGETALL", CALSTORE_KEY };

	if (cs.reading) {
		cs.again = 1;
		return;
	}
	if (store_read(2, argv, calstore_read_done, NULL) == 0)
		cs.reading = 1;
}

/* Redis says a year was imported (ht:wake "ht:calendar"). */
void
calstore_wake(void)
{
	calstore_read();
}

/* Redis (re)connected: an import may have been missed. */
void
calstore_resync(void)
{
	calstore_read();
}

/* Frees what is remembered (at exit). */
void
calstore_shutdown(void)
{
	calstore_clear();
}
