/* Unit tests of archive-terms.c: the search terms of a text (CJK bigrams, ASCII words) as tsvector and tsquery literals. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"
#include "archive.h"
#include "normalize.h"

/* Opens OpenCC once for the whole group (Traditional text is searched as Simplified). */
static int
group_setup(void **state)
{
	char err[256];

	(void)state;
	return normalize_init(err, sizeof err) == -1 ? -1 : 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	normalize_free();
	return 0;
}

/* Asserts archive_tsvector(text) is want. */
static void
vector_is(const char *text, const char *want)
{
	char *got = archive_tsvector(text);

	assert_string_equal(got, want);
	free(got);
}

/* Asserts archive_tsquery(text) is want (NULL: no term). */
static void
query_is(const char *text, const char *want)
{
	char *got = archive_tsquery(text);

	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

/* A run of CJK characters gives its overlapping bigrams, once each; punctuation splits runs. */
static void
test_bigrams(void **state)
{
	(void)state;
	vector_is("小区停水", "'小区' '区停' '停水'");
	vector_is("停水，停水。", "'停水'");
	vector_is("物业。水", "'物业' '水'");
	vector_is("", "");
}

/* ASCII words are whole and lower-cased, full-width folded; CJK and ASCII split where they meet. */
static void
test_words(void **state)
{
	(void)state;
	vector_is("KTV噪音 ２４小时", "'ktv' '噪音' '24' '小时'");
	vector_is("3号楼", "'3' '号楼'");
}

/* Quotes and backslashes are separators (normalize.c): no term can break out of its literal. */
static void
test_quoting(void **state)
{
	(void)state;
	vector_is("it's a\\b ' & '", "'it' 's' 'a' 'b'");
	query_is("'停水':* | '", "'停水'");
}

/* A query is every term with &; a lone CJK character is a prefix. */
static void
test_query(void **state)
{
	(void)state;
	query_is("停水 物业", "'停水' & '物业'");
	query_is("水", "'水':*");
	query_is("电梯 3", "'电梯' & '3'");
	query_is("，。 ", NULL);
}

/* Traditional characters are searched as Simplified (the text is normalised first). */
static void
test_traditional(void **state)
{
	(void)state;
	query_is("停電", "'停电'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bigrams),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_traditional),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
