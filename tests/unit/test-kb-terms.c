/* Unit tests of the knowledge base's pure parts: search terms (segmented words, bigrams of long words, fields as weights, a question's function words left out), the matched passage, the good-match rule and the stored key terms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "hotlined.h"
#include "kb.h"
#include "kb-sql.h"
#include "normalize.h"

static unsigned long long fingerprint_before;	/* kb_words' without the lexicon */

/* Loads OpenCC and the segmenter's lexicon once, a domain lexicon (routing.lexicon's words) added first. */
static int
setup(void **state)
{
	static const char *const lexicon[] = { "不作为" };
	char err[256];

	(void)state;
	fingerprint_before = kb_words_fingerprint();
	kb_words_lexicon(lexicon, 1);
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

/* The kb's user words (kb-words.c) and the domain lexicon's stay whole where friso's lexicon would cut them into characters. */
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

	/* the domain lexicon's words too, and they change the fingerprint */
	t = kb_terms_query("物业公司不作为");
	assert_true(has(t, "不作为"));
	assert_false(has(t, "为"));
	kb_terms_free(t);
	assert_true(kb_words_fingerprint() != fingerprint_before);
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

/* kb_idf_fn for the tests: 签注 is rare (5), every other term 1. */
static double
idf_test(const char *term, void *arg)
{
	(void)arg;
	return strcmp(term, "签注") == 0 ? 5 : 1;
}

/*
 * The article's side (kb_key_coverage): a long call holding all of one of
 * the article's questions covers it, whatever else it says; one word of it
 * (a long word's character pairs counted once) is not enough; a rare word
 * weighs more than common ones.
 */
static void
test_key_coverage(void **state)
{
	static const char *const questions[] = { "物业费涨价要业主同意吗",
	    "物业不作为怎么投诉" };
	static const char *const residence[] = { "居住证过期了怎么签注" };
	struct kb_terms *q;
	int words;
	double c;

	(void)state;
	q = kb_terms_query("我是台江的，去年刚搬进这个小区，孩子在附近上学。"
	    "我们小区的物业一直不作为，楼道垃圾两周没人清理，想投诉物业，"
	    "另外小区停车也很乱");
	c = kb_key_coverage(q, "物业服务收费和物业投诉", questions, 2, idf_test,
	    NULL, &words);
	assert_true(c >= 0.99);		/* 物业不作为怎么投诉, all of it */
	assert_true(words >= 3);
	kb_terms_free(q);

	/* one word of each question (物业, and 物业费's pairs) is not enough */
	q = kb_terms_query("我想问物业费的事情，小区停车很乱");
	c = kb_key_coverage(q, "物业服务收费和物业投诉", questions, 2, idf_test,
	    NULL, &words);
	assert_true(c == 0);
	assert_int_equal(words, 0);
	kb_terms_free(q);

	/* weighted: the rare 签注 and 居住证 cover 居住证过期了怎么签注 ... */
	q = kb_terms_query("我在闽江打工，居住证每年都要去签注吗");
	c = kb_key_coverage(q, "居住证申领", residence, 1, idf_test, NULL,
	    &words);
	assert_true(c >= 0.8 && c < 1);
	kb_terms_free(q);
	/* ... 居住证 and 过期 without it do not */
	q = kb_terms_query("我在闽江打工，居住证过期了");
	c = kb_key_coverage(q, "居住证申领", residence, 1, idf_test, NULL,
	    &words);
	assert_true(c > 0 && c < 0.8);
	kb_terms_free(q);
	assert_true(kb_idf(1, 200) > kb_idf(50, 200));
	assert_true(kb_idf(0, 200) == kb_idf(-3, 200));	/* clamped */
	assert_true(kb_idf(200, 200) > 0);
}

/* A made-up document frequency: the term's length in bytes (0 for one CJK character). */
static double
idf_by_length(const char *term, void *arg)
{
	(void)arg;
	return kb_idf(strlen(term) == 3 ? 0 : (double)strlen(term), 200);
}

/*
 * Writes the key terms (a JSON array) to terms joined by spaces, as
 * kb_search_sql returns them, and their made-up document frequencies to
 * dict ("term df ...", last to first, a term more than once), but for the
 * terms of three bytes (one CJK character): none, as kb_df knows none.
 */
static void
stored_row(json_t *a, char *terms, char *dict, size_t size)
{
	const char *t;
	size_t i;

	terms[0] = dict[0] = '\0';
	for (i = 0; i < json_array_size(a); i++) {
		t = json_string_value(json_array_get(a, i));
		snprintf(terms + strlen(terms), size - strlen(terms), "%s%s",
		    i > 0 ? " " : "", t);
		t = json_string_value(json_array_get(a, json_array_size(a) - 1 -
		    i));
		if (*t != '\0' && strlen(t) != 3)
			snprintf(dict + strlen(dict), size - strlen(dict),
			    "%s%s %zu", dict[0] != '\0' ? " " : "", t,
			    strlen(t));
	}
}

/*
 * The stored key terms (kb_key_terms, read back by kb_key_coverage_row)
 * judge a hit exactly as segmenting its title and questions does, and so
 * does the fallback for a version stored without them (segmenting, the
 * frequencies from the same dictionary); a term no version holds (absent
 * from the dictionary) and a title or question without terms are harmless.
 */
static void
test_key_terms_stored(void **state)
{
	static const char *const questions[] = { "物业费涨价要业主同意吗",
	    "的吗", "物业不作为怎么投诉" };
	static const char *const calls[] = { "我们小区的物业一直不作为，想投诉物业",
	    "物业费涨价了，业主不同意", "居住证过期了", "的" };
	struct kb_key_row r = { .n = 200, .title = "物业服务收费和物业投诉",
	    .questions = "[\"物业费涨价要业主同意吗\", \"的吗\", "
	    "\"物业不作为怎么投诉\"]" };
	char terms[4096], dict[4096];
	struct kb_terms *q;
	json_t *a;
	double want, got;
	int w1, w2;
	size_t i;

	(void)state;
	a = kb_key_terms(r.title, questions, 3);
	assert_int_equal(json_array_size(a) > 3, 1);
	stored_row(a, terms, dict, sizeof terms);
	assert_non_null(strstr(terms, "  "));	/* 的吗: no terms */
	r.terms = terms;
	r.dict = dict;
	for (i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		q = kb_terms_query(calls[i]);
		want = kb_key_coverage(q, r.title, questions, 3,
		    idf_by_length, NULL, &w1);
		if (i == 0)
			assert_true(want >= 0.99);	/* 物业不作为怎么投诉 */
		r.made = 1;
		got = kb_key_coverage_row(q, &r, &w2);
		assert_true(got == want);
		assert_int_equal(w2, w1);
		r.made = 0;		/* the same terms as a dictionary */
		got = kb_key_coverage_row(q, &r, &w2);
		assert_true(got == want);
		assert_int_equal(w2, w1);
		kb_terms_free(q);
	}
	json_decref(a);
	a = kb_key_terms("", NULL, 0);
	assert_int_equal(json_array_size(a), 0);
	json_decref(a);
	r.terms = "";
	r.dict = "";
	r.made = 1;
	q = kb_terms_query(calls[0]);
	assert_true(kb_key_coverage_row(q, &r, &w1) == 0);
	assert_int_equal(w1, 0);
	kb_terms_free(q);
}

/* The rule (kb_good): the query's coverage as before, or the article's side; never far behind the best hit. */
static void
test_good_rule(void **state)
{
	struct kb_good_row r = { .score = 50, .coverage = 0.5, .matched = 2,
	    .key_coverage = 0 };

	(void)state;
	assert_true(kb_good(&r, 5, 60));	/* covers the question */
	r.matched = 1;
	assert_false(kb_good(&r, 5, 60));	/* one minor word of it */
	assert_true(kb_good(&r, 1, 60));	/* ... unless it is the only one */
	r.coverage = 0.2;			/* a long call: little of it */
	assert_false(kb_good(&r, 30, 60));
	r.key_coverage = KB_GOOD_KEY;		/* but one question, whole */
	assert_true(kb_good(&r, 30, 60));
	r.score = 30;				/* far behind the best */
	assert_false(kb_good(&r, 30, 60));
	r.score = 50;
	r.key_coverage = KB_GOOD_KEY - 0.01;
	assert_false(kb_good(&r, 30, 60));
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
		cmocka_unit_test(test_key_coverage),
		cmocka_unit_test(test_key_terms_stored),
		cmocka_unit_test(test_good_rule),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
