/* Unit tests of archive-terms.c: the search terms of a text (segmented words, bigrams of long CJK words, ASCII words) as tsvector and tsquery literals. */
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

/* Text is cut into words, once each; punctuation and spaces only separate. */
static void
test_words_cjk(void **state)
{
	(void)state;
	vector_is("小区停水三天了", "'小区' '停水' '三天' '了'");
	vector_is("停水，停水。", "'停水'");
	vector_is("物业。水", "'物业' '水'");
	vector_is("", "");
}

/* A word of three or more characters adds its bigrams: 物业 inside 物业管理 is found. */
static void
test_long_words(void **state)
{
	(void)state;
	vector_is("物业管理差", "'物业管理' '物业' '业管' '管理' '差'");
	vector_is("朝阳区", "'朝阳区' '朝阳' '阳区'");
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

/*
 * A query is every word with & (segmented like the text, without bigrams,
 * so a word matches the word, not its pieces); a word of one CJK character
 * is a prefix.
 */
static void
test_query(void **state)
{
	(void)state;
	query_is("停水 物业", "'停水' & '物业'");
	query_is("小区停水", "'小区' & '停水'");
	query_is("物业管理", "'物业管理'");
	query_is("水", "'水':*");
	query_is("电梯 3", "'电梯' & '3'");
	query_is("，。 ", NULL);
}

/* What a query finds is what the text's terms hold: every query term is among them. */
static void
test_query_in_text(void **state)
{
	static const char *texts[][2] = {
		{ "朝阳区幸福里小区3号楼停水", "幸福里 停水" },
		{ "物业费太贵物业管理差", "物业" },
		{ "自来水公司今天停水通知", "自来水 停水" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		char *v = archive_tsvector(texts[i][0]);
		char *q = archive_tsquery(texts[i][1]), *p = q, *end;

		while ((p = strchr(p, '\'')) != NULL) {
			char term[64];

			end = strchr(p + 1, '\'');
			assert_non_null(end);
			assert_true(end - p + 2 < (long)sizeof term);
			memcpy(term, p, (size_t)(end - p + 1));
			term[end - p + 1] = '\0';	/* "'word'" */
			assert_non_null(strstr(v, term));
			p = end + 1;
		}
		free(v);
		free(q);
	}
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
		cmocka_unit_test(test_words_cjk),
		cmocka_unit_test(test_long_words),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_query_in_text),
		cmocka_unit_test(test_traditional),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
