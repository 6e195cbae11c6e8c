/* Unit tests of matcher.c: literals found exactly as a substring search finds them, however their tails are shared. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"

#define MANY 200		/* literals sharing one tail, far more than a group */

/* What one scan found: a count per expression. */
struct found {
	unsigned count[2 * MANY + 16];
};

/* matcher_hit: counts expression i. */
static void
count_hit(size_t i, size_t end, void *arg)
{
	(void)end;
	((struct found *)arg)->count[i]++;
}

/* Returns 1 if the literal occurs in text, as strstr sees it. */
static int
occurs(const char *text, const char *literal)
{
	return strstr(text, literal) != NULL;
}

/* Scans text and checks every literal against strstr; regular expressions are left alone. */
static void
check_scan(const struct matcher *m, const struct matcher_expr *e, size_t n,
    const char *text)
{
	struct found f;
	size_t i;

	memset(&f, 0, sizeof f);
	assert_int_equal(matcher_scan(m, text, (unsigned)strlen(text),
	    count_hit, &f), 0);
	for (i = 0; i < n; i++)
		if (!e[i].regex && (f.count[i] > 0) != occurs(text, e[i].text))
			fail_msg("\"%s\" in \"%s\": found %u times, strstr says "
			    "%d", e[i].text, text, f.count[i],
			    occurs(text, e[i].text));
}

/*
 * Hundreds of keywords ending alike ("...电梯故障"), a short one that is
 * their tail ("故障"), duplicates, ASCII with punctuation, and a keyword at
 * the very start of the text: each is found exactly when it occurs.
 */
static void
test_shared_tails(void **state)
{
	static char words[2 * MANY][64];
	struct matcher_expr e[2 * MANY + 8];
	static const char *const fixed[] = { "故障", "电梯故障", "电梯故障",
	    "k.t(v", "梯故", "小区一号电梯故障" };
	static const char *const texts[] = {
	    "小区一号电梯故障三天了", "电梯故障", "故障", "梯故障", "k.t(v 包厢",
	    "ktv", "楼号7电梯故障和号8电梯故障", "号199电梯故障", "号7电梯故",
	    "" };
	struct matcher m;
	char err[256];
	size_t n = 0, i, bad;

	(void)state;
	for (i = 0; i < MANY; i++) {
		snprintf(words[i], sizeof words[i], "号%zu电梯故障", i);
		e[n].text = words[i];
		e[n++].regex = 0;
		snprintf(words[MANY + i], sizeof words[i], "%zu号楼停水", i);
		e[n].text = words[MANY + i];
		e[n++].regex = 0;
	}
	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		e[n].text = fixed[i];
		e[n++].regex = 0;
	}
	e[n].text = "停水.{0,2}三天";
	e[n++].regex = 1;
	assert_int_equal(matcher_compile(&m, e, n, &bad, err, sizeof err), 0);
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		check_scan(&m, e, n, texts[i]);
	matcher_free(&m);
}

/*
 * A few keywords share the short tail "故障" that Hyperscan looks for: a
 * text with the tail but not the whole keyword finds none of them, one at
 * the very start of the text or right after another is found.
 */
static void
test_confirm(void **state)
{
	static const struct matcher_expr e[] = { { "一号电梯故障", 0 },
	    { "二号电梯故障", 0 }, { "路灯故障", 0 }, { "灯故障", 0 } };
	static const char *const texts[] = { "三号电梯故障", "一号电梯故障",
	    "二号电梯故障一号电梯故障", "号电梯故障", "路灯故障", "故障", "",
	    "一号电梯故" };
	struct matcher m;
	char err[256];
	size_t i, bad;

	(void)state;
	assert_int_equal(matcher_compile(&m, e, 4, &bad, err, sizeof err), 0);
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		check_scan(&m, e, 4, texts[i]);
	matcher_free(&m);
}

/* A bad expression is named by its index; nothing to compile finds nothing. */
static void
test_errors_and_empty(void **state)
{
	struct matcher_expr e[] = { { "停水", 0 }, { "(未闭合", 1 } };
	struct matcher m;
	struct found f;
	char err[256];
	size_t bad;

	(void)state;
	assert_int_equal(matcher_compile(&m, e, 2, &bad, err, sizeof err), -1);
	assert_int_equal(bad, 1);
	assert_true(err[0] != '\0');
	assert_int_equal(matcher_compile(&m, e, 0, &bad, err, sizeof err), 0);
	memset(&f, 0, sizeof f);
	assert_int_equal(matcher_scan(&m, "停水", 6, count_hit, &f), 0);
	assert_int_equal(f.count[0], 0);
	matcher_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_tails),
		cmocka_unit_test(test_confirm),
		cmocka_unit_test(test_errors_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
