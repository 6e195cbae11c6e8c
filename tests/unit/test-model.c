/* Unit tests of model.c and route.c: features, training, calibration, the 属地 label. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"
#include "model.h"
#include "route.h"
#include "segment.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define PER 20			/* examples per department */

/* Features of title and content; asserts the segmenters are made. */
static void
features(struct model_vec *v, const char *title, const char *content,
    const char *const *places, size_t nplaces)
{
	char err[128];
	struct segmenter *seg = segment_new(places, nplaces, err, sizeof err);
	struct segmenter *pl = segment_new(places, nplaces, err, sizeof err);

	assert_non_null(seg);
	assert_non_null(pl);
	model_features(v, seg, pl, title, content);
	segment_free(seg);
	segment_free(pl);
}

/*
 * Place names and numbers add nothing: the same demand from two districts,
 * with two phone numbers, has the same features; the title counts apart.
 */
static void
test_features(void **state)
{
	const char *places[] = { "鼓楼区", "台江区" };
	struct model_vec a, b, c;

	(void)state;
	features(&a, "", "鼓楼区小区停水 电话13900000001", places, 2);
	features(&b, "", "台江区小区停水 电话13900000002", places, 2);
	features(&c, "小区停水", "", places, 2);
	assert_true(a.n > 0);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.index, b.index, a.n * sizeof *a.index);
	assert_true(c.n > 0);
	assert_true(c.n != a.n || memcmp(c.index, a.index,
	    a.n * sizeof *a.index) != 0);
	model_vec_free(&a);
	model_vec_free(&b);
	model_vec_free(&c);
}

/* Training data: what two departments' tickets say. */
static const char *const water[] = { "小区停水了", "家里没水", "水压太低",
	"自来水发黄", "水管爆了" };
static const char *const noise[] = { "工厂噪音大", "机器声音吵", "半夜施工噪音",
	"广场舞太吵", "厂房震动噪声" };

/*
 * Trained on two departments with enough examples to hold out, the model
 * ranks a new ticket right, is calibrated (T and beta fitted; 40 verdicts
 * cannot show 97% precision at the 95% bound, so nothing is dispatched at
 * once: a threshold above 1), and
 * leaves a department with no example at a probability near 0.
 */
static void
test_train(void **state)
{
	struct model_example x[2 * PER];
	const struct model_fit *f;
	struct lrmodel *m;
	struct model_vec v;
	double p[3];
	size_t i;

	(void)state;
	for (i = 0; i < PER; i++) {
		features(&x[i].vec, "", water[i % N(water)], NULL, 0);
		features(&x[PER + i].vec, "", noise[i % N(noise)], NULL, 0);
		x[i].label = 0;
		x[PER + i].label = 1;
		x[i].seed = x[PER + i].seed = 0;
		x[i].shares.n = x[PER + i].shares.n = 0;
	}
	m = model_train(x, 2 * PER, 3, 0.97);
	f = model_fit(m);
	assert_int_equal(f->held, 2 * PER);
	/* Each text's copies fall in one fold: held out, it was never seen. */
	if (!(f->top1 >= 0.75))
		fail_msg("top-1 %.3f, T %.2f, threshold %.3f", f->top1,
		    f->temperature, f->threshold);
	assert_true(f->threshold > 1.0);
	assert_int_equal(model_real_examples(m), 2 * PER);
	features(&v, "", "又停水了 没水", NULL, 0);
	model_predict(m, &v, NULL, p);
	assert_true(p[0] > p[1]);
	assert_true(p[2] < 0.01);
	assert_true(p[0] + p[1] + p[2] > 0.999 && p[0] + p[1] + p[2] < 1.001);
	model_vec_free(&v);
	for (i = 0; i < 2 * PER; i++)
		model_vec_free(&x[i].vec);
	model_free(m);
}

/* Trains on copies of each text: as real examples, or as samples grouped by text. */
static struct lrmodel *
train_copies(int kind)
{
	static const char *const texts[2][5] = {
		{ "小区停水了", "自来水发黄", "水表走得快", "水压太低", "供水管爆了" },
		{ "工厂噪音大", "机器声音吵", "冷却塔噪声", "厂房震动", "排放废气" },
	};
	struct model_example x[2 * 5 * 4];
	struct lrmodel *m;
	size_t d, t, c, n = 0;
	char group[8];

	for (d = 0; d < 2; d++)
		for (t = 0; t < 5; t++)
			for (c = 0; c < 4; c++, n++) {
				memset(&x[n], 0, sizeof x[n]);
				features(&x[n].vec, "", texts[d][t], NULL, 0);
				x[n].label = (int)d;
				x[n].seed = kind;
				snprintf(group, sizeof group, "%zu", t);
				x[n].group = model_group(d == 0 ? "water" :
				    "sthjj", group);
			}
	m = model_train(x, n, 2, 0.97);
	for (t = 0; t < n; t++)
		model_vec_free(&x[t].vec);
	return m;
}

/*
 * Seed file samples are held out by whole group: four copies of one text
 * held out one by one vouch for each other (every copy is "right" with a
 * model that saw its siblings); held out together, they are judged by a
 * model that saw none of them, as a citizen's new wording would be. And
 * samples are not real examples.
 */
static void
test_samples_by_group(void **state)
{
	struct lrmodel *real = train_copies(MODEL_REAL);
	struct lrmodel *samples = train_copies(MODEL_SAMPLE);
	const struct model_fit *fr = model_fit(real), *fs = model_fit(samples);

	(void)state;
	assert_int_equal(model_real_examples(real), 40);
	assert_int_equal(model_sample_examples(real), 0);
	assert_int_equal(model_real_examples(samples), 0);
	assert_int_equal(model_sample_examples(samples), 40);
	assert_int_equal(fr->held, 40);
	assert_int_equal(fs->held, 40);
	if (!(fr->top1 > 0.99 && fs->top1 < fr->top1))
		fail_msg("held-out top-1: %.3f as real examples, %.3f as "
		    "grouped samples", fr->top1, fs->top1);
	model_free(real);
	model_free(samples);
}

/*
 * Trains 2 x 50 samples, "停水" or "噪音" and one character of its own,
 * in groups of groupsize samples; returns the threshold fitted.
 */
static double
threshold_of_samples(size_t groupsize)
{
	static const char marks[] = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
	    "戌亥金木水火土日月星山川云雨风雪春夏秋冬东南西北上中下左右前";
	struct model_example x[2 * 50];
	struct segmenter *seg, *pl;
	struct lrmodel *m;
	char err[128], text[32];
	size_t d, k, n = 0;
	double t;

	seg = segment_new(NULL, 0, err, sizeof err);
	pl = segment_new(NULL, 0, err, sizeof err);
	assert_non_null(seg);
	assert_non_null(pl);
	for (d = 0; d < 2; d++)
		for (k = 0; k < 50; k++, n++) {
			memset(&x[n], 0, sizeof x[n]);
			snprintf(text, sizeof text, "%s%.3s", d == 0 ? "停水" :
			    "噪音", marks + 3 * k);
			model_features(&x[n].vec, seg, pl, "", text);
			x[n].label = (int)d;
			x[n].seed = MODEL_SAMPLE;
			snprintf(text, sizeof text, "%zu", k / groupsize);
			x[n].group = model_group(d == 0 ? "water" : "sthjj",
			    text);
		}
	m = model_train(x, n, 2, 0.97);
	assert_true(model_fit(m)->held == n);
	if (model_fit(m)->top1 < 0.99)
		fail_msg("held-out top-1 %.3f", model_fit(m)->top1);
	t = model_fit(m)->threshold;
	for (k = 0; k < n; k++)
		model_vec_free(&x[k].vec);
	model_free(m);
	segment_free(seg);
	segment_free(pl);
	return t;
}

/*
 * Day one (samples, no real example): the threshold needs the samples'
 * precision at the lower end of its 95% interval, a group counting as one
 * observation. 100 samples right in 100 groups set a threshold; the same
 * samples right in 10 groups of 10 cannot show 97% and dispatch nothing
 * at once (threshold above 1).
 */
static void
test_day_one_threshold(void **state)
{
	double many = threshold_of_samples(1), few = threshold_of_samples(10);

	(void)state;
	if (!(many <= 1 && few > 1))
		fail_msg("thresholds %.3f (100 groups), %.3f (10 groups)",
		    many, few);
}

/*
 * The district governments share one label, given to the ticket's own
 * district's government, split among them when the district is unknown.
 */
static void
test_local_label(void **state)
{
	static struct department depts[] = {
		{ "water", "供水公司" }, { "gulou", "鼓楼区政府" },
		{ "taijiang", "台江区政府" },
	};
	static char *kw[] = { "拆迁" }, *d1[] = { "鼓楼区" }, *d2[] = { "台江区" };
	static struct catalogue_entry e[] = {
		{ .keywords = kw, .nkeywords = 1, .districts = d1,
		  .ndistricts = 1, .department = "gulou", .weight = 1 },
		{ .keywords = kw, .nkeywords = 1, .districts = d2,
		  .ndistricts = 1, .department = "taijiang", .weight = 1 },
		{ .keywords = kw, .nkeywords = 1, .department = "water",
		  .weight = 1 },
	};
	struct route_map *map = route_map_new(e, N(e), depts, N(depts));
	double lprob[2], prob[3];

	(void)state;
	assert_int_equal(route_map_nlabels(map), 2);
	assert_int_equal(route_map_label(map, 1), route_map_label(map, 2));
	assert_true(route_map_is_local(map, 1));
	assert_false(route_map_is_local(map, 0));
	lprob[route_map_label(map, 0)] = 0.2;
	lprob[route_map_label(map, 1)] = 0.8;
	route_expand(map, lprob, "台江区", prob);
	assert_true(prob[2] == 0.8 && prob[1] == 0 && prob[0] == 0.2);
	route_expand(map, lprob, "", prob);
	assert_true(prob[1] == 0.4 && prob[2] == 0.4);
	route_map_free(map);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_train),
		cmocka_unit_test(test_samples_by_group),
		cmocka_unit_test(test_day_one_threshold),
		cmocka_unit_test(test_local_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
