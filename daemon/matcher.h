/* Literals and regular expressions in one Hyperscan database (matcher.c; pure core). */
#ifndef MATCHER_H
#define MATCHER_H

#include <stddef.h>

/*
 * Contract: matcher_compile keeps pointers to the expressions' texts (they
 * must outlive the matcher) and owns its database and scratch, freed by
 * matcher_free. matcher_scan uses the matcher's one scratch: one thread
 * at a time per matcher (the daemon's loop).
 */

/* matcher.c: literals and expressions in one Hyperscan database. */
struct hs_database;
struct hs_scratch;

struct matcher_expr {
	const char *text;	/* NUL-terminated, not empty */
	int regex;		/* 1: a regular expression; 0: a literal */
};

/* Compiled expressions; see matcher_compile. */
struct matcher {
	struct hs_database *db;		/* NULL when there are no expressions */
	struct hs_scratch *scratch;
	const char **text;		/* per expression, not owned */
	size_t *len;			/* per expression; 0 for an expression */
	size_t *tail;			/* per literal: bytes compiled */
	size_t *same_next;		/* per literal: the next with its tail */
};

/* Called by matcher_scan with the index of an expression found and the byte offset where it ends. */
typedef void (*matcher_hit)(size_t index, size_t end, void *arg);

int matcher_compile(struct matcher *, const struct matcher_expr *, size_t n,
    size_t *bad, char *err, size_t errlen);
void matcher_free(struct matcher *);
/*
 * Makes out a second reader of m for another thread: m's database and
 * texts, a scratch of its own (hs_clone_scratch). m must outlive it; free
 * it with matcher_reader_free, never matcher_free. Returns 0, or -1 when
 * Hyperscan has no memory.
 */
int matcher_reader(const struct matcher *m, struct matcher *out);
void matcher_reader_free(struct matcher *);
int matcher_scan(const struct matcher *, const char *text, unsigned len,
    matcher_hit, void *arg);

#endif
