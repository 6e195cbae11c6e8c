/* Unit tests of nbayes.c: tokens, training, Laplace smoothing, unseen tokens, ranking and the flat counters. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"
#include "nbayes.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define EPS 1e-9

/* The tokens of one text, joined by "|". */
struct joined {
	char buf[1024];
	size_t len;
};

/* Token callback: appends the token to a struct joined. */
static void
join_token(const char *token, size_t len, void *arg)
{
	struct joined *j = arg;

	assert_true(j->len + len + 2 < sizeof j->buf);
	if (j->len > 0)
		j->buf[j->len++] = '|';
	memcpy(j->buf + j->len, token, len);
	j->len += len;
	j->buf[j->len] = '\0';
}

/* Asserts the tokens of text, joined by "|", and their count. */
static void
check_tokens(const char *text, const char *want, size_t count)
{
	struct joined j = { "", 0 };

	assert_int_equal(nbayes_tokens(text, join_token, &j), count);
	assert_string_equal(j.buf, want);
}

static void
test_tokens(void **state)
{
	(void)state;
	check_tokens("停水", "停|水|停水", 3);
	check_tokens("停水 ktv噪音", "停|水|停水|ktv|噪|ktv噪|音|噪音", 8);
	check_tokens("3号楼", "3|号|3号|楼|号楼", 5);
	check_tokens("", "", 0);
	check_tokens("   ", "", 0);
	/* ASCII punctuation separates like a space (the text is not normalised). */
	check_tokens("水,电", "水|电", 2);
}

static void
test_tokens_long_ascii(void **state)
{
	(void)state;
	/* A phone number is dropped and separates what is around it. */
	check_tokens("电话13800138000打不通", "电|话|电话|打|不|打不|通|不通", 8);
	check_tokens("2024年", "2024|年|2024年", 3);
	check_tokens("12345热线", "热|线|热线", 3);
	check_tokens("abcdefghij", "", 0);
	check_tokens("abcdefgh", "abcdefgh", 1);
}

/* Passes exactly len bytes in a heap block, so ASan sees over-reads. */
static size_t
count_bytes(const char *bytes, size_t len)
{
	struct joined j = { "", 0 };
	char *in = malloc(len + 1);
	size_t n;

	assert_non_null(in);
	memcpy(in, bytes, len);
	in[len] = '\0';
	n = nbayes_tokens(in, join_token, &j);
	free(in);
	return n;
}

static void
test_tokens_invalid_utf8(void **state)
{
	(void)state;
	assert_int_equal(count_bytes("\xe4\xb8", 2), 0);
	assert_int_equal(count_bytes("中\xe4", 4), 1);
	assert_int_equal(count_bytes("中\xff国", 7), 2);	/* no bigram across */
	assert_int_equal(count_bytes("\xf0\x9f", 2), 0);
	assert_int_equal(count_bytes("\x80\x80", 2), 0);
}

static const char *const utility_labels[] = { "water", "power", "gas", "jyj" };

/* A toy training set: three utilities, a few complaints each. */
static struct nbayes *
toy_model(void)
{
	static const struct { const char *text, *label; } examples[] = {
		{ "家里停水了 水龙头没有水", "water" },
		{ "自来水发黄 水质很差", "water" },
		{ "水管爆了 小区停水", "water" },
		{ "水压太小 楼上没水", "water" },
		{ "突然停电 家里没电", "power" },
		{ "电费太贵 电表走得快", "power" },
		{ "小区经常跳闸停电", "power" },
		{ "电压不稳 灯一闪一闪", "power" },
		{ "燃气费太贵 燃气表有问题", "gas" },
		{ "厨房有煤气味 怀疑漏气", "gas" },
		{ "天然气停气了 做不了饭", "gas" },
	};
	struct nbayes *nb = nbayes_new(utility_labels, N(utility_labels));
	size_t i;

	for (i = 0; i < N(examples); i++)
		assert_true(nbayes_train(nb, examples[i].text,
		    examples[i].label) > 0);
	return nb;
}

/* Asserts the best label for text. */
static void
check_best(const struct nbayes *nb, const char *text, const char *want)
{
	double prob[N(utility_labels)];
	struct nbayes_rank r[3];

	nbayes_posterior(nb, text, prob);
	assert_true(nbayes_rank(prob, N(utility_labels), r, 3) > 0);
	assert_string_equal(nbayes_label(nb, r[0].label), want);
}

static void
test_learns_toy_set(void **state)
{
	struct nbayes *nb = toy_model();

	(void)state;
	assert_int_equal(nbayes_docs(nb, 0), 4);
	assert_int_equal(nbayes_docs(nb, 2), 3);
	assert_int_equal(nbayes_docs(nb, 3), 0);
	check_best(nb, "我们楼停水两天了", "water");
	check_best(nb, "这个月电费怎么这么多", "power");
	check_best(nb, "闻到煤气味", "gas");
	check_best(nb, "水龙头流出来的水发黄", "water");
	check_best(nb, "晚上老是跳闸", "power");
	nbayes_free(nb);
}

static void
test_probabilities(void **state)
{
	struct nbayes *nb = toy_model();
	double prob[N(utility_labels)], sum = 0;
	struct nbayes_rank r[4];
	size_t i, n;

	(void)state;
	nbayes_posterior(nb, "停水", prob);
	for (i = 0; i < N(utility_labels); i++) {
		assert_true(prob[i] >= 0 && prob[i] <= 1);
		sum += prob[i];
	}
	assert_float_equal(sum, 1.0, EPS);
	assert_float_equal(prob[3], 0.0, 0.0);	/* jyj: no examples */
	n = nbayes_rank(prob, N(utility_labels), r, 4);
	assert_int_equal(n, 3);			/* jyj is left out */
	assert_int_equal(r[0].label, 0);
	assert_true(r[0].prob > 0.5);
	assert_true(r[0].prob >= r[1].prob && r[1].prob >= r[2].prob);
	nbayes_free(nb);
}

/* A model built by hand to check Laplace smoothing to the digit. */
static struct nbayes *
tiny_model(void)
{
	static const char *const labels[] = { "a", "b" };
	struct nbayes *nb = nbayes_new(labels, 2);

	assert_int_equal(nbayes_add_docs(nb, "a", 1), 0);
	assert_int_equal(nbayes_add_docs(nb, "b", 3), 0);
	assert_int_equal(nbayes_add_count(nb, "a", "水", strlen("水"), 2), 0);
	assert_int_equal(nbayes_add_count(nb, "b", "电", strlen("电"), 1), 0);
	assert_int_equal(nbayes_add_count(nb, "b", "气", strlen("气"), 4), 0);
	return nb;
}

static void
test_smoothing(void **state)
{
	struct nbayes *nb = tiny_model();
	double ll[2], want_a, want_b;

	(void)state;
	/* V = 3; tokens a = 2, b = 5; docs 1 and 3 of 4, priors 2/6 and 4/6. */
	assert_int_equal(nbayes_vocabulary(nb), 3);
	assert_int_equal(nbayes_label_tokens(nb, 0), 2);
	assert_int_equal(nbayes_label_tokens(nb, 1), 5);
	assert_int_equal(nbayes_loglik(nb, "水", ll), 1);
	want_a = log(2.0 / 6) + log((2.0 + 1) / (2 + 3));
	want_b = log(4.0 / 6) + log((0.0 + 1) / (5 + 3));
	assert_float_equal(ll[0], want_a, EPS);
	assert_float_equal(ll[1], want_b, EPS);
	/* With alpha 0.5 the unseen (b, 水) pair gets 0.5 / (5 + 1.5). */
	nbayes_set_alpha(nb, 0.5);
	nbayes_loglik(nb, "水", ll);
	assert_float_equal(ll[1], log(4.0 / 6) + log(0.5 / 6.5), EPS);
	assert_float_equal(ll[0], log(2.0 / 6) + log(2.5 / 3.5), EPS);
	nbayes_free(nb);
}

static void
test_unseen_tokens(void **state)
{
	struct nbayes *nb = tiny_model();
	double ll[2], ll2[2];

	(void)state;
	/* 龙 and 水龙 are unknown: the text scores exactly like "水". */
	nbayes_loglik(nb, "水", ll);
	assert_int_equal(nbayes_loglik(nb, "水龙", ll2), 1);
	assert_float_equal(ll[0], ll2[0], EPS);
	assert_float_equal(ll[1], ll2[1], EPS);
	/* Nothing known: only the priors remain. */
	assert_int_equal(nbayes_loglik(nb, "龙虎 xyz", ll), 0);
	assert_float_equal(ll[0], log(2.0 / 6), EPS);
	assert_float_equal(ll[1], log(4.0 / 6), EPS);
	nbayes_free(nb);
}

static void
test_temperature(void **state)
{
	struct nbayes *nb = tiny_model();
	double ll[2], p[2];

	(void)state;
	nbayes_loglik(nb, "水", ll);
	nbayes_set_temperature(nb, 1);
	nbayes_posterior(nb, "水", p);
	assert_float_equal(p[0], 1 / (1 + exp(ll[1] - ll[0])), EPS);
	nbayes_set_temperature(nb, 4);
	nbayes_posterior(nb, "水", p);
	assert_float_equal(p[0], 1 / (1 + exp((ll[1] - ll[0]) / 4)), EPS);
	assert_true(p[0] > 0.5);
	nbayes_free(nb);
}

static void
test_no_examples(void **state)
{
	struct nbayes *nb = nbayes_new(utility_labels, N(utility_labels));
	double prob[N(utility_labels)];
	struct nbayes_rank r[2];
	size_t i;

	(void)state;
	assert_int_equal(nbayes_posterior(nb, "停水", prob), 0);
	for (i = 0; i < N(utility_labels); i++)
		assert_float_equal(prob[i], 0.0, 0.0);
	assert_int_equal(nbayes_rank(prob, N(utility_labels), r, 2), 0);
	assert_int_equal(nbayes_train(nb, "停水", "nobody"), -1);
	assert_int_equal(nbayes_add_docs(nb, "nobody", 1), -1);
	assert_int_equal(nbayes_add_count(nb, "water", "", 0, 1), -1);
	assert_int_equal(nbayes_add_count(nb, "water",
	    "一二三四五六七八九", strlen("一二三四五六七八九"), 1), -1);
	assert_int_equal(nbayes_vocabulary(nb), 0);
	nbayes_free(nb);
}

static void
test_rank(void **state)
{
	const double prob[] = { 0.1, 0.3, 0.0, 0.3, 0.25, 0.05 };
	struct nbayes_rank r[3];

	(void)state;
	assert_int_equal(nbayes_rank(prob, N(prob), r, 3), 3);
	assert_int_equal(r[0].label, 1);	/* tie with 3: lower index first */
	assert_int_equal(r[1].label, 3);
	assert_int_equal(r[2].label, 4);
	assert_float_equal(r[2].prob, 0.25, 0.0);
	assert_int_equal(nbayes_rank(prob, N(prob), r, 1), 1);
	assert_int_equal(r[0].label, 1);
}

/* Prior knowledge: counts without examples, weighted; a label scores before its first example. */
static void
test_add_text(void **state)
{
	struct nbayes *nb = toy_model();
	double prob[N(utility_labels)];
	struct nbayes_rank r[1];

	(void)state;
	assert_int_equal(nbayes_add_text(nb, "学校 老师", "jyj", 3), 6);
	assert_int_equal(nbayes_docs(nb, 3), 0);
	assert_int_equal(nbayes_label_tokens(nb, 3), 18);
	assert_int_equal(nbayes_count(nb, 3, "老师", strlen("老师")), 3);
	nbayes_posterior(nb, "孩子的老师", prob);
	assert_int_equal(nbayes_rank(prob, N(utility_labels), r, 1), 1);
	assert_string_equal(nbayes_label(nb, r[0].label), "jyj");
	assert_int_equal(nbayes_add_text(nb, "学校", "nobody", 1), -1);
	nbayes_free(nb);
}

/* Copies one counter into another model (the Redis round trip). */
static void
copy_count(const char *label, const char *token, size_t len, uint64_t count,
    void *arg)
{
	assert_int_equal(nbayes_add_count(arg, label, token, len, count), 0);
}

static void
test_flat_counters_round_trip(void **state)
{
	struct nbayes *nb = toy_model(), *copy;
	double p1[N(utility_labels)], p2[N(utility_labels)];
	size_t i;

	(void)state;
	copy = nbayes_new(utility_labels, N(utility_labels));
	for (i = 0; i < N(utility_labels); i++)
		nbayes_add_docs(copy, utility_labels[i], nbayes_docs(nb, i));
	nbayes_foreach_count(nb, copy_count, copy);
	assert_int_equal(nbayes_vocabulary(copy), nbayes_vocabulary(nb));
	for (i = 0; i < N(utility_labels); i++)
		assert_int_equal(nbayes_label_tokens(copy, i),
		    nbayes_label_tokens(nb, i));
	assert_int_equal(nbayes_count(copy, 0, "停水", strlen("停水")), 2);
	assert_int_equal(nbayes_count(copy, 1, "停水", strlen("停水")), 0);
	nbayes_posterior(nb, "楼里停电又停水", p1);
	nbayes_posterior(copy, "楼里停电又停水", p2);
	for (i = 0; i < N(utility_labels); i++)
		assert_float_equal(p1[i], p2[i], EPS);
	nbayes_free(nb);
	nbayes_free(copy);
}

/* Thousands of distinct tokens: the table grows and keeps every count. */
static void
test_many_tokens(void **state)
{
	static const char *const labels[] = { "x", "y" };
	struct nbayes *nb = nbayes_new(labels, 2);
	char text[8];
	uint32_t cp;

	(void)state;
	for (cp = 0x4e00; cp < 0x4e00 + 5000; cp++) {
		text[0] = (char)(0xe0 | cp >> 12);
		text[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		text[2] = (char)(0x80 | (cp & 0x3f));
		text[3] = '\0';
		assert_int_equal(nbayes_train(nb, text, cp % 2 ? "x" : "y"), 1);
	}
	assert_int_equal(nbayes_vocabulary(nb), 5000);
	assert_int_equal(nbayes_label_tokens(nb, 0), 2500);
	assert_int_equal(nbayes_count(nb, 1, "一", strlen("一")), 1);
	assert_int_equal(nbayes_count(nb, 0, "一", strlen("一")), 0);
	assert_int_equal(nbayes_count(nb, 0, "丁", strlen("丁")), 1);
	nbayes_free(nb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_tokens_long_ascii),
		cmocka_unit_test(test_tokens_invalid_utf8),
		cmocka_unit_test(test_learns_toy_set),
		cmocka_unit_test(test_probabilities),
		cmocka_unit_test(test_smoothing),
		cmocka_unit_test(test_unseen_tokens),
		cmocka_unit_test(test_temperature),
		cmocka_unit_test(test_no_examples),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_add_text),
		cmocka_unit_test(test_flat_counters_round_trip),
		cmocka_unit_test(test_many_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
