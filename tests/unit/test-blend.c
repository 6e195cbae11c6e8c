/* Unit tests of blend.c: the model's text of a ticket, the catalogue seed, and blending the catalogue with the model. */
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

/* Labels of the model are these ids, in this order. */
static struct department depts[] = {
	{ "cgj", "城管局" },
	{ "water", "供水公司" },
	{ "zjj", "住建局" },
};

static struct routing_spec routing = { .dispatch_threshold = 0.6,
	.prior = 1.0, .catalogue_weight = 0.5, .model_temperature = 5.0,
	.model_seed_weight = 8, .model_min_examples = 3 };

static char *kw_leak[] = { "漏水" };
static char *kw_cut[] = { "停水" };
static char *gulou[] = { "鼓楼区" };
static struct catalogue_entry entries[] = {
	{ .keywords = kw_leak, .nkeywords = 1, .department = "water",
	  .category = "公用事业/供水管网", .weight = 2.0 },
	{ .keywords = kw_leak, .nkeywords = 1, .department = "zjj",
	  .category = "城乡建设/房屋质量", .weight = 2.0 },
	{ .keywords = kw_cut, .nkeywords = 1, .districts = gulou,
	  .ndistricts = 1, .department = "water", .category = "公用事业/供水",
	  .weight = 5.0 },
};

/* Classifies content with the test catalogue into r. */
static void
classify(const char *content, struct classify_result *r)
{
	char err[256];
	struct catalogue *cat = catalogue_compile(entries, N(entries), depts,
	    N(depts), err, sizeof err);

	assert_non_null(cat);
	assert_int_equal(classify_text(cat, &routing, "", content, "鼓楼区", r),
	    0);
	catalogue_free(cat);	/* r's strings point into entries, not cat */
}

/* Without a model (or too few examples, or weight 1) the catalogue ranks alone. */
static void
test_catalogue_alone(void **state)
{
	double prob[] = { 0.0, 0.1, 0.9 };
	struct routing_spec only = routing;
	struct classify_result r;

	(void)state;
	classify("楼上漏水", &r);
	blend_result(&r, depts, N(depts), NULL, 10, &routing);
	assert_int_equal(r.model_examples, 0);
	assert_true(fabs(r.confidence - 0.4) < EPS);
	assert_true(fabs(r.catalogue_confidence - 0.4) < EPS);
	assert_true(fabs(r.suggestions[0].confidence - 0.4) < EPS);
	assert_string_equal(r.suggestions[0].department->id, "water");

	classify("楼上漏水", &r);
	blend_result(&r, depts, N(depts), prob, 2, &routing);
	assert_int_equal(r.model_examples, 0);
	assert_string_equal(r.suggestions[0].department->id, "water");
	assert_true(r.suggestions[0].model_probability == 0);

	only.catalogue_weight = 1;
	classify("楼上漏水", &r);
	blend_result(&r, depts, N(depts), prob, 100, &only);
	assert_string_equal(r.suggestions[0].department->id, "water");
	assert_true(fabs(r.confidence - 0.4) < EPS);
}

/* The blend: w x share + (1 - w) x P, ranked, and dispatched at the threshold. */
static void
test_blend(void **state)
{
	double prob[] = { 0.0, 0.1, 0.9 };
	struct classify_result r;

	(void)state;
	classify("楼上漏水", &r);	/* water 2, zjj 2: shares 0.4 each */
	blend_result(&r, depts, N(depts), prob, 3, &routing);
	assert_int_equal(r.model_examples, 3);
	assert_int_equal(r.nsuggestions, 2);
	assert_string_equal(r.suggestions[0].department->id, "zjj");
	assert_true(fabs(r.suggestions[0].confidence - 0.65) < EPS);
	assert_true(fabs(r.suggestions[0].model_probability - 0.9) < EPS);
	assert_string_equal(r.suggestions[0].category, "城乡建设/房屋质量");
	assert_string_equal(r.suggestions[0].matched[0], "漏水");
	assert_true(fabs(r.suggestions[0].score - 2.0) < EPS);
	assert_true(fabs(r.suggestions[1].confidence - 0.25) < EPS);
	assert_true(fabs(r.confidence - 0.65) < EPS);
	assert_true(fabs(r.catalogue_confidence - 0.4) < EPS);
	assert_true(r.auto_dispatch);

	/* Neither source dispatches alone at weight 0.5 and threshold 0.6. */
	prob[1] = 0.5;
	prob[2] = 0.5;
	classify("楼上漏水", &r);
	blend_result(&r, depts, N(depts), prob, 3, &routing);
	assert_false(r.auto_dispatch);
}

/* A department only the model knows is suggested, without catalogue evidence; tiny ones are not. */
static void
test_model_only(void **state)
{
	double prob[] = { 0.995, 0.004, 0.001 };
	struct classify_result r;

	(void)state;
	classify("共享单车乱停", &r);
	assert_int_equal(r.nsuggestions, 0);
	blend_result(&r, depts, N(depts), prob, 5, &routing);
	assert_int_equal(r.nsuggestions, 1);
	assert_string_equal(r.suggestions[0].department->id, "cgj");
	assert_string_equal(r.suggestions[0].category, "");
	assert_int_equal(r.suggestions[0].nmatched, 0);
	assert_true(r.suggestions[0].score == 0);
	assert_true(fabs(r.confidence - 0.4975) < EPS);
	assert_true(r.catalogue_confidence == 0);
	assert_false(r.auto_dispatch);
}

/* Whatever the blend says, an emergency is not dispatched. */
static void
test_emergency_not_dispatched(void **state)
{
	static struct emergency em = { .kind = "fire", .name = "火警",
	    .transfer_to = "119" };
	double prob[] = { 0.0, 1.0, 0.0 };
	struct classify_result r;

	(void)state;
	classify("停水", &r);
	r.emergency = &em;
	blend_result(&r, depts, N(depts), prob, 5, &routing);
	assert_true(r.confidence > 0.9);
	assert_false(r.auto_dispatch);
}

/* The model's text: normalised district, title and content, cut at a character. */
static void
test_text(void **state)
{
	char *t, *big;
	size_t i;

	(void)state;
	t = blend_text("鼓楼区", "ＫＴＶ噪音", "太吵了！！");
	assert_string_equal(t, "鼓楼区 ktv噪音 太吵了");
	free(t);
	t = blend_text(NULL, "只有标题", NULL);
	assert_string_equal(t, "只有标题");
	free(t);
	big = malloc(3 * 2000 + 1);
	for (i = 0; i < 2000; i++)
		memcpy(big + 3 * i, "水", 3);
	big[3 * 2000] = '\0';
	t = blend_text("", "", big);
	assert_true(strlen(t) <= BLEND_TEXT_MAX);
	assert_int_equal(strlen(t), BLEND_TEXT_MAX / 3 * 3);
	assert_true(utf8_valid(t, strlen(t)));
	free(t);
	free(big);
}

/* The seed adds the catalogue's keywords and districts to the model, weighted. */
static void
test_seed(void **state)
{
	const char *labels[] = { "cgj", "water", "zjj" };
	struct nbayes *nb = nbayes_new(labels, 3);
	double prob[3];

	(void)state;
	blend_seed(nb, entries, N(entries), 8);
	assert_int_equal(nbayes_count(nb, 1, "漏水", strlen("漏水")), 8);
	assert_int_equal(nbayes_count(nb, 2, "漏水", strlen("漏水")), 8);
	assert_int_equal(nbayes_count(nb, 1, "停水", strlen("停水")), 8);
	assert_int_equal(nbayes_count(nb, 1, "鼓楼", strlen("鼓楼")), 8);
	assert_int_equal(nbayes_count(nb, 0, "停水", strlen("停水")), 0);
	assert_int_equal(nbayes_docs(nb, 1), 0);
	nbayes_posterior(nb, "停水", prob);
	assert_true(prob[1] > prob[0] && prob[1] > prob[2]);
	nbayes_free(nb);
	nb = nbayes_new(labels, 3);
	blend_seed(nb, entries, N(entries), 0);
	assert_int_equal(nbayes_vocabulary(nb), 0);
	nbayes_free(nb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_alone),
		cmocka_unit_test(test_blend),
		cmocka_unit_test(test_model_only),
		cmocka_unit_test(test_emergency_not_dispatched),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_seed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
