/* Unit tests of the knowledge base's pure parts: search terms (segmented words, bigrams of long words, fields as weights, a question's function words left out) and the matched passage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"
#include "kb.h"
#include "normalize.h"

/* Loads OpenCC and the segmenter's lexicon once. */
static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (normalize_init(err, sizeof err) == -1 ||
	    kb_terms_init(err, sizeof err) == -1) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	return 0;
}

/* Returns 1 if the terms hold term. */
static int
has(const struct kb_terms *t, const char *term)
{
	size_t i;

	for (i = 0; i < kb_terms_count(t); i++)
		if (strcmp(kb_terms_term(t, i), term) == 0)
			return 1;
	return 0;
}

/* Words are terms, a long word adds its bigrams, punctuation and spaces are not terms. */
static void
test_terms(void **state)
{
	struct kb_terms *t = kb_terms_new();
	char *array;

	(void)state;
	kb_terms_add(t, KB_QUESTIONS, "灵活就业人员，养老保险怎么交？");
	assert_true(has(t, "养老保险"));
	assert_true(has(t, "养老"));		/* a bigram of 养老保险 */
	assert_true(has(t, "保险"));
	assert_false(has(t, "，"));
	assert_false(has(t, " "));
	array = kb_terms_array(t);
	assert_non_null(array);
	assert_true(array[0] == '{' && array[strlen(array) - 1] == '}');
	free(array);
	kb_terms_free(t);

	t = kb_terms_new();
	assert_null(kb_terms_array(t));		/* nothing to search for */
	kb_terms_add(t, KB_ANSWER, "！？。");
	assert_int_equal(kb_terms_count(t), 0);
	kb_terms_free(t);
}

/* Traditional characters and full-width letters meet their normal form. */
static void
test_normal_form(void **state)
{
	struct kb_terms *t = kb_terms_new();

	(void)state;
	kb_terms_add(t, KB_TITLE, "醫保報銷 ＡＰＰ");
	assert_true(has(t, "医保报销"));	/* 醫保報銷: a user word */
	assert_true(has(t, "报销"));		/* and its bigrams */
	assert_true(has(t, "医保"));
	assert_true(has(t, "app"));
	kb_terms_free(t);
}

/* The kb's user words (kb-words.c) stay whole where friso's lexicon would cut them into characters. */
static void
test_user_words(void **state)
{
	struct kb_terms *t = kb_terms_new();

	(void)state;
	kb_terms_add(t, KB_QUESTIONS, "医保怎么交，个税怎么退");
	assert_true(has(t, "医保"));
	assert_true(has(t, "个税"));
	assert_false(has(t, "医"));
	assert_false(has(t, "税"));
	kb_terms_free(t);
}

/* Each field is a weight: a term in the title and the answer gets positions of A and C. */
static void
test_tsvector_weights(void **state)
{
	struct kb_terms *t = kb_terms_new();
	char *v;

	(void)state;
	kb_terms_add(t, KB_TITLE, "公积金");
	kb_terms_add(t, KB_ANSWER, "公积金");
	kb_terms_add(t, KB_ANSWER, "公积金");
	v = kb_terms_tsvector(t);
	assert_non_null(strstr(v, "'公积金':1A,2C,3C"));
	free(v);
	kb_terms_free(t);
}

/* The passage is the question or answer sentence holding most of the query's terms; the title when none holds any. */
static void
test_passage(void **state)
{
	const char *questions[] = { "公积金怎么取", "租房能不能提取公积金" };
	struct kb_terms *q = kb_terms_new();
	char *p;

	(void)state;
	kb_terms_add(q, KB_QUESTIONS, "我租房子，公积金能取吗");
	p = kb_passage(q, "租房提取", questions, 2, "可以提取。每季度一次。");
	assert_string_equal(p, "租房能不能提取公积金");
	free(p);
	kb_terms_free(q);

	q = kb_terms_new();
	kb_terms_add(q, KB_QUESTIONS, "每季度");
	p = kb_passage(q, "租房提取", questions, 2, "可以提取。每季度一次。");
	assert_string_equal(p, "每季度一次。");
	free(p);
	kb_terms_free(q);

	q = kb_terms_new();
	kb_terms_add(q, KB_QUESTIONS, "护照");
	p = kb_passage(q, "租房提取", questions, 2, "可以提取。");
	assert_string_equal(p, "租房提取");
	free(p);
	kb_terms_free(q);
}

/* A question's terms leave out function words and the bigrams of one (什么时候 gives no 么时), and keep the words that say what it is about. */
static void
test_query_terms(void **state)
{
	struct kb_terms *q, *all;

	(void)state;
	q = kb_terms_query("请问我家里停水了，什么时候能来水？");
	all = kb_terms_new();
	kb_terms_add(all, KB_QUESTIONS, "请问我家里停水了，什么时候能来水？");
	assert_true(has(q, "停水"));
	assert_true(has(q, "来水"));
	assert_false(has(q, "我"));
	assert_false(has(q, "了"));
	assert_false(has(q, "什么时候"));
	assert_false(has(q, "么时"));
	assert_false(has(q, "请问"));
	assert_true(has(all, "了"));	/* articles keep them */
	assert_true(kb_terms_count(q) < kb_terms_count(all));
	kb_terms_free(q);
	kb_terms_free(all);

	/* only function words: no term at all (kb search answers BAD_REQUEST) */
	q = kb_terms_query("请问怎么办呢？");
	assert_int_equal(kb_terms_count(q), 0);
	assert_null(kb_terms_array(q));
	kb_terms_free(q);
	assert_true(kb_function_word("的", strlen("的")));
	assert_false(kb_function_word("停水", strlen("停水")));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_normal_form),
		cmocka_unit_test(test_user_words),
		cmocka_unit_test(test_tsvector_weights),
		cmocka_unit_test(test_passage),
		cmocka_unit_test(test_query_terms),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
