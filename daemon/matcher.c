/* Keywords and expressions compiled into one Hyperscan database, literals by their shared tails so the compile stays fast, and scanning text with it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs/hs.h>

#include "matcher.h"
#include "xarray.h"
#include "xmalloc.h"

/*
 * Hyperscan looks for a tail of each literal, not the whole: the compile
 * time grows with the number of distinct literals, and faster than
 * linearly (about 12 us each at 4,000, 30 to 40 us each at 40,000), while
 * a catalogue's keywords share their tails: "小区电梯故障", "学校电梯故障"
 * and "电梯故障" can be one literal, "电梯故障", confirmed in full with one
 * memcmp when Hyperscan finds it (Hyperscan itself filters on at most 8
 * bytes of a literal and confirms the rest; this moves the confirmation
 * to our side, where it costs nothing at compile time).
 *
 * A literal's tail is its shortest ending of MATCHER_TAIL_MIN,
 * MATCHER_TAIL_MIN + MATCHER_TAIL_STEP, ... bytes that at most
 * MATCHER_GROUP literals share, or the whole literal: a tail found in a
 * text costs at most MATCHER_GROUP comparisons (more only for duplicates).
 */
#define MATCHER_TAIL_MIN 6	/* two CJK characters */
#define MATCHER_TAIL_STEP 3	/* one more CJK character */
#define MATCHER_GROUP 16
#define MATCHER_NONE ((size_t)-1)

/* What matcher_scan hands to Hyperscan's callback. */
struct matcher_run {
	const struct matcher *m;
	const char *text;
	matcher_hit hit;
	void *arg;
};

/* Returns the length of the tail of literal i that Hyperscan looks for. */
static size_t
matcher_tail_len(const struct matcher *m, size_t i)
{
	return m->tail[i];
}

/* Orders literal indexes (into the matcher arg) by their text read backwards. */
static int
matcher_cmp_reversed(const void *a, const void *b, void *arg)
{
	const struct matcher *m = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	size_t i = m->len[x], j = m->len[y];

	while (i > 0 && j > 0) {
		unsigned char cx = (unsigned char)m->text[x][--i];
		unsigned char cy = (unsigned char)m->text[y][--j];

		if (cx != cy)
			return cx < cy ? -1 : 1;
	}
	if (i != j)
		return i < j ? -1 : 1;
	return (x > y) - (x < y);
}

/* Returns the number of bytes that literals x and y end with alike. */
static size_t
matcher_common_suffix(const struct matcher *m, size_t x, size_t y)
{
	size_t i = m->len[x], j = m->len[y], n = 0;

	while (i > 0 && j > 0 && m->text[x][--i] == m->text[y][--j])
		n++;
	return n;
}

/*
 * Returns 1 if more than MATCHER_GROUP of the sorted literals share the
 * last t bytes of lit[k]; cs[j] is the common suffix of lit[j - 1] and
 * lit[j].
 */
static int
matcher_crowded(const size_t *cs, size_t nlit, size_t k, size_t t)
{
	size_t n = 1, j;

	for (j = k; j > 0 && cs[j] >= t && n <= MATCHER_GROUP; j--)
		n++;
	for (j = k + 1; j < nlit && cs[j] >= t && n <= MATCHER_GROUP; j++)
		n++;
	return n > MATCHER_GROUP;
}

/* Chooses each literal's tail (m->tail); lit holds the nlit literals. */
static void
matcher_choose_tails(struct matcher *m, size_t *lit, size_t nlit)
{
	size_t *cs = xcalloc(nlit + 1, sizeof *cs), k, t;

	xqsort_r(lit, nlit, sizeof *lit, matcher_cmp_reversed, m);
	for (k = 1; k < nlit; k++)
		cs[k] = matcher_common_suffix(m, lit[k - 1], lit[k]);
	for (k = 0; k < nlit; k++) {
		for (t = MATCHER_TAIL_MIN; t < m->len[lit[k]] &&
		    matcher_crowded(cs, nlit, k, t); t += MATCHER_TAIL_STEP)
			;
		m->tail[lit[k]] = t < m->len[lit[k]] ? t : m->len[lit[k]];
	}
	free(cs);
}

/* Orders literal indexes (into the matcher arg) by tail, then by index. */
static int
matcher_cmp_tail(const void *a, const void *b, void *arg)
{
	const struct matcher *m = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	size_t lx = matcher_tail_len(m, x), ly = matcher_tail_len(m, y);
	int c = memcmp(m->text[x] + m->len[x] - lx, m->text[y] + m->len[y] - ly,
	    lx < ly ? lx : ly);

	if (c == 0)
		c = (lx > ly) - (lx < ly);
	return c != 0 ? c : (x > y) - (x < y);
}

/* Returns 1 if literals i and j have the same tail. */
static int
matcher_same_tail(const struct matcher *m, size_t i, size_t j)
{
	size_t li = matcher_tail_len(m, i), lj = matcher_tail_len(m, j);

	return li == lj && memcmp(m->text[i] + m->len[i] - li,
	    m->text[j] + m->len[j] - lj, li) == 0;
}

/*
 * Links every literal to the next one with the same tail (m->same_next)
 * and returns the first of each tail, *ngroups of them: only these tails
 * are compiled.
 */
static size_t *
matcher_group_tails(struct matcher *m, const struct matcher_expr *exprs,
    size_t n, size_t *ngroups)
{
	size_t *lit = xcalloc(n + 1, sizeof *lit), *first, nlit = 0, i;

	for (i = 0; i < n; i++)
		if (!exprs[i].regex)
			lit[nlit++] = i;
	matcher_choose_tails(m, lit, nlit);
	xqsort_r(lit, nlit, sizeof *lit, matcher_cmp_tail, m);
	first = xcalloc(nlit + 1, sizeof *first);
	*ngroups = 0;
	for (i = 0; i < nlit; i++)
		if (i > 0 && matcher_same_tail(m, lit[i], lit[i - 1]))
			m->same_next[lit[i - 1]] = lit[i];
		else
			first[(*ngroups)++] = lit[i];
	free(lit);
	return first;
}

/*
 * Returns a literal tail as a Hyperscan expression: every ASCII byte that
 * is not a letter or digit is written \xHH, other bytes (UTF-8 sequences)
 * stay as they are. A new string.
 */
static char *
matcher_escape(const char *literal, size_t len)
{
	char *out = xmalloc(4 * len + 1), *o = out;
	const unsigned char *s = (const unsigned char *)literal;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] >= 0x80 || (s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))
			*o++ = (char)s[i];
		else
			o += sprintf(o, "\\x%02x", s[i]);
	}
	*o = '\0';
	return out;
}

/* Records a Hyperscan compile error; *bad gets the expression at fault or MATCHER_NONE. */
static void
matcher_error(hs_compile_error_t *cerr, const unsigned *ids, size_t n,
    size_t *bad, char *err, size_t errlen)
{
	*bad = MATCHER_NONE;
	if (cerr == NULL) {
		snprintf(err, errlen, "cannot compile");
		return;
	}
	if (cerr->expression >= 0 && (size_t)cerr->expression < n)
		*bad = ids[cerr->expression];
	snprintf(err, errlen, "%s", cerr->message);
	hs_free_compile_error(cerr);
}

/*
 * Compiles the regular expressions (UTF-8, Unicode classes, one report
 * per scan) and the literal tails of groups[0 .. ngroups-1] (every
 * occurrence reported) into m->db. Returns 0 or -1.
 */
static int
matcher_compile_db(struct matcher *m, const struct matcher_expr *exprs,
    size_t n, const size_t *groups, size_t ngroups, size_t *bad, char *err,
    size_t errlen)
{
	char **texts = xcalloc(n + 1, sizeof *texts);
	unsigned *flags = xcalloc(n + 1, sizeof *flags);
	unsigned *ids = xcalloc(n + 1, sizeof *ids);
	hs_compile_error_t *cerr = NULL;
	size_t i, k = 0, tail;
	int rc = 0;

	for (i = 0; i < n; i++)
		if (exprs[i].regex) {
			texts[k] = xstrdup(exprs[i].text);
			flags[k] = HS_FLAG_SINGLEMATCH | HS_FLAG_UTF8 |
			    HS_FLAG_UCP;
			ids[k++] = (unsigned)i;
		}
	for (i = 0; i < ngroups; i++) {
		tail = matcher_tail_len(m, groups[i]);
		texts[k] = matcher_escape(m->text[groups[i]] +
		    m->len[groups[i]] - tail, tail);
		ids[k++] = (unsigned)groups[i];
	}
	if (hs_compile_multi((const char *const *)texts, flags, ids,
	    (unsigned)k, HS_MODE_BLOCK, NULL, &m->db, &cerr) != HS_SUCCESS) {
		matcher_error(cerr, ids, k, bad, err, errlen);
		rc = -1;
	} else if (hs_alloc_scratch(m->db, &m->scratch) != HS_SUCCESS) {
		snprintf(err, errlen, "cannot allocate scratch");
		rc = -1;
	}
	for (i = 0; i < k; i++)
		free(texts[i]);
	free(texts);
	free(flags);
	free(ids);
	return rc;
}

/*
 * Compiles exprs[0 .. n-1] (n at most UINT_MAX) for matcher_scan, which
 * reports each by its index. A literal matches its bytes exactly; a
 * regular expression is UTF-8 with Unicode classes. The texts are not
 * copied: they must outlive m. Returns 0, or -1 with Hyperscan's reason in
 * err and *bad set to the index of the expression at fault (or (size_t)-1
 * when none is). With n == 0, m has no database and finds nothing.
 */
int
matcher_compile(struct matcher *m, const struct matcher_expr *exprs, size_t n,
    size_t *bad, char *err, size_t errlen)
{
	size_t *groups, ngroups, i;
	int rc;

	memset(m, 0, sizeof *m);
	*bad = MATCHER_NONE;
	if (n == 0)
		return 0;
	m->text = xcalloc(n, sizeof *m->text);
	m->len = xcalloc(n, sizeof *m->len);
	m->tail = xcalloc(n, sizeof *m->tail);
	m->same_next = xcalloc(n, sizeof *m->same_next);
	for (i = 0; i < n; i++) {
		m->text[i] = exprs[i].text;
		m->len[i] = exprs[i].regex ? 0 : strlen(exprs[i].text);
		m->same_next[i] = MATCHER_NONE;
	}
	groups = matcher_group_tails(m, exprs, n, &ngroups);
	rc = matcher_compile_db(m, exprs, n, groups, ngroups, bad, err,
	    errlen);
	free(groups);
	if (rc == -1)
		matcher_free(m);
	return rc;
}

/* Frees what m holds (not the texts); m can be compiled again. */
void
matcher_free(struct matcher *m)
{
	hs_free_scratch(m->scratch);
	hs_free_database(m->db);
	free(m->text);
	free(m->len);
	free(m->tail);
	free(m->same_next);
	memset(m, 0, sizeof *m);
}

/* See matcher.h. */
int
matcher_reader(const struct matcher *m, struct matcher *out)
{
	*out = *m;
	out->scratch = NULL;
	if (m->db == NULL)
		return 0;
	if (hs_clone_scratch(m->scratch, &out->scratch) != HS_SUCCESS) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* Frees the scratch of a reader (matcher_reader); what it shares stays. */
void
matcher_reader_free(struct matcher *m)
{
	hs_free_scratch(m->scratch);
	memset(m, 0, sizeof *m);
}

/*
 * Hyperscan callback: a regular expression is reported as it is; a tail
 * reports each literal of its group that ends there in full.
 */
static int
matcher_on_match(unsigned int id, unsigned long long from,
    unsigned long long to, unsigned int flags, void *arg)
{
	const struct matcher_run *run = arg;
	const struct matcher *m = run->m;
	size_t e;

	(void)from;
	(void)flags;
	if (m->len[id] == 0) {
		run->hit(id, (size_t)to, run->arg);
		return 0;
	}
	for (e = id; e != MATCHER_NONE; e = m->same_next[e])
		if (m->len[e] <= to && memcmp(run->text + to - m->len[e],
		    m->text[e], m->len[e]) == 0)
			run->hit(e, (size_t)to, run->arg);
	return 0;
}

/*
 * Scans len bytes of text: hit(index, end, arg) for each expression found,
 * a literal once per occurrence (it is the end - strlen(literal) bytes
 * before end), a regular expression once (end: where its first match ends). Not reentrant:
 * the scratch space is m's. Returns 0, or -1 if Hyperscan failed.
 */
int
matcher_scan(const struct matcher *m, const char *text, unsigned len,
    matcher_hit hit, void *arg)
{
	struct matcher_run run = { m, text, hit, arg };

	if (m->db == NULL)
		return 0;
	return hs_scan(m->db, text, len, 0, m->scratch, matcher_on_match,
	    &run) == HS_SUCCESS ? 0 : -1;
}
