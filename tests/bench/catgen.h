/* Dispatch catalogues of any size: the demo city's real entries, then keyword combinations from phrase tables. */
#ifndef BENCH_CATGEN_H
#define BENCH_CATGEN_H

#include <stddef.h>
#include <stdio.h>

/* hotlined.h is not included here: its guard does not cover all of it. */
struct catalogue_entry;
struct config;

struct catgen {
	struct catalogue_entry *entries;
	size_t n;		/* entries */
	size_t nreal;		/* the first nreal are borrowed from the config */
	size_t nkeywords;	/* over all entries */
};

/*
 * Builds n entries for conf's departments: conf's own entries first (as many
 * as fit), then generated ones with distinct keywords such as "电梯困人" or
 * "学校门口占道经营", spread over the departments round robin, each with
 * one of conf's minor categories, with weights from 0.5 to 3 and one entry
 * in ten limited to a district.
 */
void catgen_build(struct catgen *, const struct config *conf, size_t n,
    unsigned seed);
void catgen_free(struct catgen *);
/*
 * Writes the entries as a catalogue file (libconfig syntax) to f, with
 * conf's category tree, as the daemon would load it.
 */
void catgen_write(const struct catgen *, const struct config *conf, FILE *f);

#endif
