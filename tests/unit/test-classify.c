/* Unit tests of classify.c: catalogue compilation with Hyperscan and the scoring of Chinese text. */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct department depts[] = {
	{ "cgj", "城管局" },
	{ "gaj", "公安局" },
	{ "jtysj", "交通运输局" },
	{ "rsj", "人社局" },
	{ "sthjj", "生态环境局" },
	{ "water", "供水公司" },
	{ "zjj", "住建局" },
};

static char *kw_noise[] = { "施工噪声", "噪音" };
static char *kw_night[] = { "夜间施工" };
static char *kw_water[] = { "停水", "水压" };
static char *kw_wage[] = { "拖欠工资", "欠薪" };
static char *kw_stall[] = { "占道经营", "噪音" };
static char *kw_property[] = { "物业" };
static char *kw_bus[] = { "公交" };
static char *kw_hukou[] = { "户口" };
static char *gulou[] = { "鼓楼区" };
static char *two_districts[] = { "台江区", "仓山区" };

static struct catalogue_entry entries[] = {
	/* 0 */ { kw_noise, N(kw_noise), NULL, 0, "sthjj", "生态环境/噪声污染", 2.0, NULL, 0, NULL, 0 },
	/* 1 */ { kw_night, N(kw_night), gulou, 1, "cgj", "城市管理/夜间施工", 3.0, NULL, 0, NULL, 0 },
	/* 2 */ { kw_water, N(kw_water), NULL, 0, "water", "公用事业/供水", 1.0, NULL, 0, NULL, 0 },
	/* 3 */ { kw_wage, N(kw_wage), NULL, 0, "rsj", "劳动保障/欠薪", 2.5, NULL, 0, NULL, 0 },
	/* 4 */ { kw_stall, N(kw_stall), two_districts, 2, "cgj", "城市管理/占道经营", 1.0, NULL, 0, NULL, 0 },
	/* 5 */ { kw_property, N(kw_property), NULL, 0, "zjj", "城乡建设/物业管理", 1.0, NULL, 0, NULL, 0 },
	/* 6 */ { kw_bus, N(kw_bus), NULL, 0, "jtysj", "", 1.0, NULL, 0, NULL, 0 },
	/* 7 */ { kw_hukou, N(kw_hukou), NULL, 0, "gaj", "公安/户籍", 1.0, NULL, 0, NULL, 0 },
	/* 8 */ { kw_noise, 1, NULL, 0, "sthjj", "生态环境/建筑施工", 0.5, NULL, 0, NULL, 0 },
};

static const struct routing_spec routing = { .dispatch_threshold = 0.6,
	.prior = 1.0 };

/* Compiles the test catalogue for each test. */
static int
setup(void **state)
{
	char err[256];

	*state = catalogue_compile(entries, N(entries), depts, N(depts), err,
	    sizeof err);
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	catalogue_free(*state);
	return 0;
}

/* Classifies and fails the test if Hyperscan did. */
static void
classify(void **state, const char *title, const char *content,
    const char *district, struct classify_result *r)
{
	assert_int_equal(classify_text(*state, &routing, title, content,
	    district, r), 0);
}

/* Returns 1 if keyword is among s's matched keywords. */
static int
has_keyword(const struct classify_suggestion *s, const char *keyword)
{
	size_t i;

	for (i = 0; i < s->nmatched; i++)
		if (strcmp(s->matched[i], keyword) == 0)
			return 1;
	return 0;
}

/* One Chinese keyword in the content routes to its department. */
static void
test_chinese_match(void **state)
{
	struct classify_result r;

	classify(state, "反映问题", "单位拖欠工资三个月了", "", &r);
	assert_int_equal(r.nsuggestions, 1);
	assert_ptr_equal(r.suggestions[0].department, &depts[3]);
	assert_string_equal(r.suggestions[0].department->name, "人社局");
	assert_true(r.suggestions[0].score == 2.5);
	assert_string_equal(r.suggestions[0].category, "劳动保障/欠薪");
	assert_int_equal(r.suggestions[0].nmatched, 1);
	assert_string_equal(r.suggestions[0].matched[0], "拖欠工资");
	assert_true(r.confidence == 2.5 / 3.5);
	assert_int_equal(r.auto_dispatch, 1);
}

/* Text without any keyword gives nothing, confidence 0 and no dispatch. */
static void
test_no_match(void **state)
{
	struct classify_result r;

	classify(state, "咨询", "请问办理居住证需要什么材料", "鼓楼区", &r);
	assert_int_equal(r.nsuggestions, 0);
	assert_true(r.confidence == 0);
	assert_int_equal(r.auto_dispatch, 0);
	classify(state, NULL, NULL, NULL, &r);
	assert_int_equal(r.nsuggestions, 0);
}

/* An entry counts once however many of its keywords match; all of them are listed. */
static void
test_entry_counts_once(void **state)
{
	struct classify_result r;

	classify(state, "停水", "又停水了，来水后水压也很低，停水没有通知", "", &r);
	assert_int_equal(r.nsuggestions, 1);
	assert_string_equal(r.suggestions[0].department->id, "water");
	/* once, as a title match: twice its weight */
	assert_true(r.suggestions[0].score == 2.0);
	assert_int_equal(r.suggestions[0].nmatched, 2);
	assert_true(has_keyword(&r.suggestions[0], "停水"));
	assert_true(has_keyword(&r.suggestions[0], "水压"));
	assert_true(r.confidence == 2.0 / 3.0);
	assert_int_equal(r.auto_dispatch, 1);
}

/*
 * Two entries of one department add up, the lighter at half its weight;
 * the category is the heavier entry's; a keyword shared by both is listed
 * once.
 */
static void
test_entries_add_up(void **state)
{
	struct classify_result r;

	classify(state, "", "施工噪声扰民", "", &r);
	assert_int_equal(r.nsuggestions, 1);
	assert_string_equal(r.suggestions[0].department->id, "sthjj");
	assert_true(r.suggestions[0].score == 2.0 + 0.5 * 0.5);
	assert_string_equal(r.suggestions[0].category, "生态环境/噪声污染");
	assert_int_equal(r.suggestions[0].nmatched, 1);
	assert_string_equal(r.suggestions[0].matched[0], "施工噪声");
}

/* An entry with districts applies only in them. */
static void
test_district(void **state)
{
	struct classify_result r;
	const char *text = "工地夜间施工，噪音很大";

	classify(state, "", text, "鼓楼区", &r);
	assert_int_equal(r.nsuggestions, 2);
	assert_string_equal(r.suggestions[0].department->id, "cgj");
	assert_true(r.suggestions[0].score == 3.0);
	assert_string_equal(r.suggestions[1].department->id, "sthjj");
	assert_true(r.suggestions[1].score == 2.0);
	assert_true(r.confidence == 3.0 / 6.0);

	classify(state, "", text, "台江区", &r);
	assert_int_equal(r.nsuggestions, 2);
	assert_string_equal(r.suggestions[0].department->id, "sthjj");
	assert_string_equal(r.suggestions[1].department->id, "cgj");
	assert_true(r.suggestions[1].score == 1.0);
	assert_string_equal(r.suggestions[1].category, "城市管理/占道经营");
	assert_int_equal(r.suggestions[1].nmatched, 1);
	assert_string_equal(r.suggestions[1].matched[0], "噪音");

	classify(state, "", text, "", &r);
	assert_int_equal(r.nsuggestions, 1);
	assert_string_equal(r.suggestions[0].department->id, "sthjj");
	classify(state, "", text, "鼓楼", &r);
	assert_int_equal(r.nsuggestions, 1);
}

/* Equal scores are ordered by department id; more than five are cut to five. */
static void
test_ranking(void **state)
{
	struct classify_result r;
	const char *ids[] = { "gaj", "jtysj", "water", "zjj" };
	size_t i;

	classify(state, "拖欠工资", "户口 公交 物业 停水", "", &r);
	assert_int_equal(r.nsuggestions, 5);
	assert_string_equal(r.suggestions[0].department->id, "rsj");
	for (i = 0; i < N(ids); i++) {
		assert_string_equal(r.suggestions[i + 1].department->id, ids[i]);
		assert_true(r.suggestions[i + 1].score == 1.0);
	}
	assert_string_equal(r.suggestions[2].category, "");

	classify(state, "拖欠工资", "户口 公交 物业 停水 噪音", "", &r);
	assert_int_equal(r.nsuggestions, CLASSIFY_MAX_SUGGESTIONS);
	assert_string_equal(r.suggestions[0].department->id, "rsj");
	assert_string_equal(r.suggestions[1].department->id, "sthjj");
	assert_string_equal(r.suggestions[4].department->id, "water");
	/* zjj was cut but still counts in the confidence: 5 / (11 + 1) */
	assert_true(r.confidence == 5.0 / 12.0);
}

/* Title and content are scanned separately: no keyword across the boundary. */
static void
test_title_content_boundary(void **state)
{
	struct classify_result r;

	classify(state, "小区停", "水两天了", "", &r);
	assert_int_equal(r.nsuggestions, 0);
	classify(state, "小区停水", "", "", &r);
	assert_int_equal(r.nsuggestions, 1);
	classify(state, "", "小区停水", "", &r);
	assert_int_equal(r.nsuggestions, 1);
}

/* A keyword in both title and content is counted once, as a title match (twice its weight). */
static void
test_title_and_content(void **state)
{
	struct classify_result r;

	classify(state, "欠薪", "老板欠薪不还", "", &r);
	assert_int_equal(r.nsuggestions, 1);
	assert_true(r.suggestions[0].score == 5.0);
	assert_int_equal(r.suggestions[0].nmatched, 1);
}

/*
 * The title is the demand: its match outweighs the same weight in the
 * content; and one specific entry outweighs several generic ones said in
 * passing (a department's other entries count at half).
 */
static void
test_title_and_passing_words(void **state)
{
	struct classify_result r;

	/* water 1 and zjj 1: the one in the title counts 2 */
	classify(state, "停水", "物业说没办法", "", &r);
	assert_string_equal(r.suggestions[0].department->id, "water");
	assert_true(r.suggestions[0].score == 2.0);
	assert_true(r.suggestions[1].score == 1.0);
	classify(state, "物业不管", "小区又停水了", "", &r);
	assert_string_equal(r.suggestions[0].department->id, "zjj");
	assert_true(r.suggestions[0].score == 2.0);
	/* rsj 2.5 against cgj 3 + 1 (鼓楼区): 3 + 0.5 */
	classify(state, "", "夜间施工 占道经营 拖欠工资", "台江区", &r);
	assert_string_equal(r.suggestions[0].department->id, "rsj");
	classify(state, "", "夜间施工 噪音 拖欠工资", "鼓楼区", &r);
	assert_string_equal(r.suggestions[0].department->id, "cgj");
	assert_true(r.suggestions[0].score == 3.0);
}

/* Nothing carries over from one classification to the next. */
static void
test_no_leftovers(void **state)
{
	struct classify_result r;

	classify(state, "停水", "物业不管，水压低", "", &r);
	assert_int_equal(r.nsuggestions, 2);
	classify(state, "", "物业", "", &r);
	assert_int_equal(r.nsuggestions, 1);
	assert_string_equal(r.suggestions[0].department->id, "zjj");
	assert_true(r.suggestions[0].score == 1.0);
	assert_int_equal(r.suggestions[0].nmatched, 1);
	assert_true(r.confidence == 0.5);
}

/* The dispatch threshold is inclusive. */
static void
test_threshold(void **state)
{
	struct routing_spec strict = { .dispatch_threshold = 0.61,
	    .prior = 1.0 };
	struct routing_spec exact = { .dispatch_threshold = 0.6, .prior = 1.0 };
	struct routing_spec no_prior = { .dispatch_threshold = 1.0,
	    .prior = 0.0 };
	struct classify_result r;

	/* gaj 1, prior 1: 1 / 2 */
	assert_int_equal(classify_text(*state, &exact, "", "户口 户口 户口",
	    "", &r), 0);
	assert_true(r.confidence == 0.5);
	assert_int_equal(r.auto_dispatch, 0);
	/* cgj 3 (鼓楼区 夜间施工) + gaj 1, prior 1: 3 / 5 = 0.6 */
	assert_int_equal(classify_text(*state, &exact, "", "夜间施工 户口",
	    "鼓楼区", &r), 0);
	assert_true(r.confidence == 0.6);
	assert_int_equal(r.auto_dispatch, 1);
	assert_int_equal(classify_text(*state, &strict, "", "夜间施工 户口",
	    "鼓楼区", &r), 0);
	assert_int_equal(r.auto_dispatch, 0);
	assert_int_equal(classify_text(*state, &no_prior, "", "户口", "", &r),
	    0);
	assert_true(r.confidence == 1.0);
	assert_int_equal(r.auto_dispatch, 1);
}

/* At most CLASSIFY_MAX_MATCHED distinct keywords are listed. */
static void
test_matched_limit(void **state)
{
	char *many[] = { "一号", "二号", "三号", "四号", "五号", "六号",
	    "七号", "八号", "九号", "十号" };
	struct catalogue_entry e[] = {
		{ many, N(many), NULL, 0, "zjj", "城乡建设", 1.0, NULL, 0, NULL, 0 },
	};
	struct classify_result r;
	struct catalogue *cat;
	char err[256];

	(void)state;
	cat = catalogue_compile(e, N(e), depts, N(depts), err, sizeof err);
	assert_non_null(cat);
	assert_int_equal(classify_text(cat, &routing, "十号九号八号七号六号",
	    "五号四号三号二号一号", "", &r), 0);
	assert_int_equal(r.nsuggestions, 1);
	assert_int_equal(r.suggestions[0].nmatched, CLASSIFY_MAX_MATCHED);
	assert_string_equal(r.suggestions[0].matched[0], "一号");
	assert_string_equal(r.suggestions[0].matched[7], "八号");
	assert_true(r.suggestions[0].score == 2.0);	/* in the title */
	catalogue_free(cat);
}

/* Between equally heavy entries the category of the first in the catalogue wins. */
static void
test_category_tie(void **state)
{
	struct catalogue_entry e[] = {
		{ kw_property, N(kw_property), NULL, 0, "zjj", "城乡建设/物业管理", 2.0, NULL, 0, NULL, 0 },
		{ kw_water, N(kw_water), NULL, 0, "zjj", "城乡建设/二次供水", 2.0, NULL, 0, NULL, 0 },
	};
	struct classify_result r;
	struct catalogue *cat;
	char err[256];

	(void)state;
	cat = catalogue_compile(e, N(e), depts, N(depts), err, sizeof err);
	assert_non_null(cat);
	assert_int_equal(classify_text(cat, &routing, "停水", "物业不管", "",
	    &r), 0);
	assert_int_equal(r.nsuggestions, 1);
	/* 停水 in the title counts 4, 物业 in the content 2 at half */
	assert_true(r.suggestions[0].score == 5.0);
	assert_string_equal(r.suggestions[0].category, "城乡建设/物业管理");
	/* keywords are listed in catalogue order, not in order of appearance */
	assert_int_equal(r.suggestions[0].nmatched, 2);
	assert_string_equal(r.suggestions[0].matched[0], "物业");
	assert_string_equal(r.suggestions[0].matched[1], "停水");
	catalogue_free(cat);
}

/* An empty catalogue compiles and matches nothing. */
static void
test_empty_catalogue(void **state)
{
	struct classify_result r;
	struct catalogue *cat;
	char err[256];

	(void)state;
	cat = catalogue_compile(NULL, 0, depts, N(depts), err, sizeof err);
	assert_non_null(cat);
	r.nsuggestions = 99;
	r.confidence = 9;
	assert_int_equal(classify_text(cat, &routing, "停水", "噪音", "",
	    &r), 0);
	assert_int_equal(r.nsuggestions, 0);
	assert_true(r.confidence == 0);
	assert_int_equal(r.auto_dispatch, 0);
	catalogue_free(cat);
}

/* An entry naming an unknown department is refused with its index and department. */
static void
test_unknown_department(void **state)
{
	struct catalogue_entry e[] = {
		{ kw_water, N(kw_water), NULL, 0, "water", "", 1.0, NULL, 0, NULL, 0 },
		{ kw_bus, N(kw_bus), NULL, 0, "xyz", "", 1.0, NULL, 0, NULL, 0 },
	};
	char err[256] = "";

	(void)state;
	assert_null(catalogue_compile(e, N(e), depts, N(depts), err,
	    sizeof err));
	assert_string_equal(err, "entry 1: unknown department \"xyz\"");
}

/* Entries without keywords or with an empty keyword are refused. */
static void
test_bad_entries(void **state)
{
	char *empty[] = { "停水", "" };
	struct catalogue_entry none[] = {
		{ NULL, 0, NULL, 0, "water", "", 1.0, NULL, 0, NULL, 0 },
	};
	struct catalogue_entry blank[] = {
		{ empty, N(empty), NULL, 0, "water", "", 1.0, NULL, 0, NULL, 0 },
	};
	char err[256] = "";

	(void)state;
	assert_null(catalogue_compile(none, 1, depts, N(depts), err,
	    sizeof err));
	assert_string_equal(err, "entry 0: no keywords");
	assert_null(catalogue_compile(blank, 1, depts, N(depts), err,
	    sizeof err));
	assert_string_equal(err, "entry 0: empty keyword");
}

/* Many entries and keywords compile into one database and all still match. */
static void
test_large_catalogue(void **state)
{
	static struct catalogue_entry e[500];
	static char words[500][2][32];
	static char *kw[500][2];
	struct classify_result r;
	struct catalogue *cat;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < N(e); i++) {
		snprintf(words[i][0], sizeof words[i][0], "关键词%zu号", i);
		snprintf(words[i][1], sizeof words[i][1], "别名%zu乙", i);
		kw[i][0] = words[i][0];
		kw[i][1] = words[i][1];
		e[i] = (struct catalogue_entry){ kw[i], 2, NULL, 0,
		    depts[i % N(depts)].id, "", 1.0 + (double)(i % 3), NULL, 0, NULL, 0 };
	}
	cat = catalogue_compile(e, N(e), depts, N(depts), err, sizeof err);
	assert_non_null(cat);
	assert_int_equal(classify_text(cat, &routing, "别名499乙",
	    "关键词7号和关键词14号", "", &r), 0);
	/*
	 * 499 % 7 = 2 → jtysj, weight 1 + 499 % 3 = 2, twice in the title;
	 * 7 and 14 → cgj, 3 + 2 at half; the tie goes by id.
	 */
	assert_int_equal(r.nsuggestions, 2);
	assert_string_equal(r.suggestions[0].department->id, "cgj");
	assert_true(r.suggestions[0].score == 4.0);
	assert_string_equal(r.suggestions[1].department->id, "jtysj");
	assert_true(r.suggestions[1].score == 4.0);
	catalogue_free(cat);
}

/* Texts the reader test classifies: title, content, district. */
static const char *const reader_texts[][3] = {
	{ "工地夜间施工噪音", "晚上十点以后还在施工，噪音很大", "鼓楼区" },
	{ "停水", "小区停水两天了，水压也低", "" },
	{ "拖欠工资", "老板欠薪三个月了", "台江区" },
	{ "", "路边占道经营，噪音扰民", "仓山区" },
	{ "户口迁移", "想问一下户口怎么迁，公交能到吗", "" },
};
#define READER_ROUNDS 300	/* classifications of each text per thread */

/* Returns 1 if a and b are the same classification. */
static int
result_same(const struct classify_result *a, const struct classify_result *b)
{
	size_t i, k;

	if (a->nsuggestions != b->nsuggestions || a->total != b->total ||
	    a->confidence != b->confidence)
		return 0;
	for (i = 0; i < a->nsuggestions; i++) {
		if (a->suggestions[i].department != b->suggestions[i].department ||
		    a->suggestions[i].score != b->suggestions[i].score ||
		    a->suggestions[i].nmatched != b->suggestions[i].nmatched)
			return 0;
		for (k = 0; k < a->suggestions[i].nmatched; k++)
			if (strcmp(a->suggestions[i].matched[k],
			    b->suggestions[i].matched[k]) != 0)
				return 0;
	}
	return 1;
}

/* One thread's part of the reader test: its catalogue, what to expect, how many differed. */
struct reader_run {
	const struct catalogue *cat;
	const struct classify_result *expect;
	int differed;
};

/* Classifies every reader text READER_ROUNDS times with run->cat, counting results unlike run->expect. */
static void *
reader_thread(void *arg)
{
	struct reader_run *run = arg;
	struct classify_result r;
	size_t round, t;

	for (round = 0; round < READER_ROUNDS; round++)
		for (t = 0; t < N(reader_texts); t++)
			if (classify_text(run->cat, &routing, reader_texts[t][0],
			    reader_texts[t][1], reader_texts[t][2], &r) != 0 ||
			    !result_same(&r, &run->expect[t]))
				run->differed++;
	return NULL;
}

/*
 * A reader (catalogue_reader: the training thread's, learn.c) classifies
 * as its catalogue does, in another thread while the catalogue classifies
 * on, and freeing it leaves the catalogue whole.
 */
static void
test_reader(void **state)
{
	struct classify_result expect[N(reader_texts)];
	struct reader_run mine = { *state, expect, 0 }, other;
	struct catalogue *reader;
	pthread_t th;
	size_t t;

	for (t = 0; t < N(reader_texts); t++)
		classify(state, reader_texts[t][0], reader_texts[t][1],
		    reader_texts[t][2], &expect[t]);
	assert_int_equal(expect[0].suggestions[0].department - depts, 0);
	assert_int_equal(expect[1].suggestions[0].department - depts, 5);
	reader = catalogue_reader(*state);
	assert_non_null(reader);
	other = (struct reader_run){ reader, expect, 0 };
	assert_int_equal(pthread_create(&th, NULL, reader_thread, &other), 0);
	reader_thread(&mine);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(other.differed, 0);
	assert_int_equal(mine.differed, 0);
	catalogue_free(reader);
	mine.differed = 0;
	reader_thread(&mine);
	assert_int_equal(mine.differed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chinese_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_counts_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entries_add_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_district, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ranking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_title_content_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_title_and_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_title_and_passing_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_leftovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader, setup, teardown),
		cmocka_unit_test(test_matched_limit),
		cmocka_unit_test(test_category_tie),
		cmocka_unit_test(test_empty_catalogue),
		cmocka_unit_test(test_unknown_department),
		cmocka_unit_test(test_bad_entries),
		cmocka_unit_test(test_large_catalogue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
