/* Unit tests of the catalogue's patterns and streets (classify.c) and of loading them, emergencies and the new groups (config.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hotlined.h"
#include "normalize.h"
#include "unit-files.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define BIG 10000		/* entries of the generated catalogue */

static struct department depts[] = {
	{ "cgj", "城管局" },
	{ "gulou", "鼓楼区政府" },
	{ "water", "供水公司" },
	{ "zjj", "住建局" },
};

static const struct routing_spec routing = { .dispatch_threshold = 0.6,
	.prior = 1.0 };

static char *pat_leak[] = { "楼上.{0,8}漏水" };
static char *kw_leak[] = { "漏水" };
static char *pat_unit[] = { "[0-9]+号楼.{0,4}电梯" };
static char *kw_lamp[] = { "路灯" };
static char *dongjie[] = { "东街街道" };
static char *gulou[] = { "鼓楼区" };

static struct catalogue_entry entries[] = {
	/* 0: a pattern alone */
	{ .patterns = pat_leak, .npatterns = 1, .department = "zjj",
	  .category = "城乡建设/房屋质量", .weight = 3.0 },
	/* 1: a keyword the pattern's text also has */
	{ .keywords = kw_leak, .nkeywords = 1, .department = "water",
	  .category = "公用事业/供水管网", .weight = 1.0 },
	/* 2: digits and a class */
	{ .patterns = pat_unit, .npatterns = 1, .department = "zjj",
	  .category = "城乡建设/电梯", .weight = 2.0 },
	/* 3: only in one street of one district */
	{ .keywords = kw_lamp, .nkeywords = 1, .districts = gulou,
	  .ndistricts = 1, .streets = dongjie, .nstreets = 1,
	  .department = "gulou", .category = "区县事务/路灯", .weight = 5.0 },
};

/* Classifies normalised text as content, in district and street. */
static void
run(const struct catalogue *cat, const char *text, const char *district,
    const char *street, struct classify_result *r)
{
	struct classify_input in = { "", text, district, street };

	assert_int_equal(classify_ticket(cat, &routing, &in, r), 0);
}

/* A pattern matches across characters a keyword list could not enumerate. */
static void
test_pattern_matches(void **state)
{
	struct classify_result r;
	char err[256];
	struct catalogue *cat = catalogue_compile(entries, N(entries), depts,
	    N(depts), err, sizeof err);

	(void)state;
	assert_non_null(cat);
	run(cat, "楼上卫生间一直在漏水", "", "", &r);
	assert_int_equal(r.nsuggestions, 2);
	assert_string_equal(r.suggestions[0].department->id, "zjj");
	assert_string_equal(r.suggestions[0].matched[0], "楼上.{0,8}漏水");
	assert_string_equal(r.suggestions[1].department->id, "water");
	/* . is one character (UTF-8 mode): nine of them are too many. */
	run(cat, "楼上一二三四五六七八九漏水", "", "", &r);
	assert_int_equal(r.nsuggestions, 1);
	assert_string_equal(r.suggestions[0].department->id, "water");
	run(cat, "12号楼的电梯坏了", "", "", &r);
	assert_string_equal(r.suggestions[0].category, "城乡建设/电梯");
	run(cat, "号楼的电梯坏了", "", "", &r);
	assert_int_equal(r.nsuggestions, 0);
	catalogue_free(cat);
}

/* An entry with streets counts only in them (and its districts). */
static void
test_streets(void **state)
{
	struct classify_result r;
	char err[256];
	struct catalogue *cat = catalogue_compile(entries, N(entries), depts,
	    N(depts), err, sizeof err);

	(void)state;
	run(cat, "门口路灯不亮", "鼓楼区", "东街街道", &r);
	assert_int_equal(r.nsuggestions, 1);
	assert_string_equal(r.suggestions[0].department->id, "gulou");
	run(cat, "门口路灯不亮", "鼓楼区", "南街街道", &r);
	assert_int_equal(r.nsuggestions, 0);
	run(cat, "门口路灯不亮", "台江区", "东街街道", &r);
	assert_int_equal(r.nsuggestions, 0);
	/* classify_text has no street: such entries never count there. */
	assert_int_equal(classify_text(cat, &routing, "", "门口路灯不亮",
	    "鼓楼区", &r), 0);
	assert_int_equal(r.nsuggestions, 0);
	catalogue_free(cat);
}

/* A bad pattern is refused with the entry's index, the pattern and Hyperscan's reason. */
static void
test_bad_pattern(void **state)
{
	static char *bad[] = { "好的", "(未闭合" };
	struct catalogue_entry e[] = {
		entries[1],
		{ .patterns = bad, .npatterns = 2, .department = "zjj",
		  .category = "", .weight = 1.0 },
	};
	static char *empty[] = { "a*" };
	struct catalogue_entry matches_empty[] = {
		{ .patterns = empty, .npatterns = 1, .department = "zjj",
		  .category = "", .weight = 1.0 },
	};
	char err[512] = "";

	(void)state;
	assert_null(catalogue_compile(e, N(e), depts, N(depts), err,
	    sizeof err));
	if (strncmp(err, "entry 1: pattern \"(未闭合\": hyperscan: ", 40) != 0)
		fail_msg("unexpected message: %s", err);
	assert_null(catalogue_compile(matches_empty, 1, depts, N(depts), err,
	    sizeof err));
	assert_non_null(strstr(err, "entry 0: pattern \"a*\": hyperscan:"));
}

/* Literal keywords are escaped: regular expression syntax in one is plain text. */
static void
test_keywords_are_literal(void **state)
{
	static char *kw[] = { "a.b", "(x)", "c+" };
	struct catalogue_entry e[] = {
		{ .keywords = kw, .nkeywords = 3, .department = "zjj",
		  .category = "", .weight = 1.0 },
	};
	struct classify_result r;
	char err[256];
	struct catalogue *cat = catalogue_compile(e, 1, depts, N(depts), err,
	    sizeof err);

	(void)state;
	assert_non_null(cat);
	run(cat, "axb ccc x", "", "", &r);
	assert_int_equal(r.nsuggestions, 0);
	run(cat, "here is (x) too", "", "", &r);
	assert_int_equal(r.nsuggestions, 1);
	assert_string_equal(r.suggestions[0].matched[0], "(x)");
	catalogue_free(cat);
}

/* Returns the monotonic clock in seconds. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * 10,000 generated entries (two keywords each, one in a hundred with a
 * pattern too) compile into one database that finds any of them. The time
 * is printed, not asserted: timing belongs to make bench. (Each expression
 * costs Hyperscan about as much to compile as twenty keywords.)
 */
static void
test_big_catalogue(void **state)
{
	struct catalogue_entry *e = calloc(BIG, sizeof *e);
	char **words = calloc(3 * BIG, sizeof *words);
	struct classify_result r;
	struct catalogue *cat;
	char err[256], text[128];
	double t0;
	size_t i;

	(void)state;
	for (i = 0; i < BIG; i++) {
		words[3 * i] = malloc(32);
		words[3 * i + 1] = malloc(32);
		words[3 * i + 2] = malloc(48);
		snprintf(words[3 * i], 32, "条目%zu号", i);
		snprintf(words[3 * i + 1], 32, "别名%zu乙", i);
		snprintf(words[3 * i + 2], 48, "模式%zu.{0,3}结束", i);
		e[i].keywords = &words[3 * i];
		e[i].nkeywords = 2;
		e[i].patterns = &words[3 * i + 2];
		e[i].npatterns = i % 100 == 0;
		e[i].department = depts[i % N(depts)].id;
		e[i].category = "";
		e[i].weight = 1.0;
	}
	t0 = now_s();
	cat = catalogue_compile(e, BIG, depts, N(depts), err, sizeof err);
	print_message("# %d entries, %d expressions: compiled in %.3f s\n",
	    BIG, 2 * BIG + BIG / 100, now_s() - t0);
	assert_non_null(cat);
	snprintf(text, sizeof text, "模式9900一二结束 别名7乙");
	run(cat, text, "", "", &r);
	assert_int_equal(r.nsuggestions, 2);
	catalogue_free(cat);
	for (i = 0; i < 3 * BIG; i++)
		free(words[i]);
	free(words);
	free(e);
}

/* A main file and a catalogue, for the config loader. */
#define HASH "pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$" \
	"l1ckukn1W0wca9wc50whRnQBSLP41tHfus5fejRHhTI="
#define MAIN "listen = ( { address = \"127.0.0.1:7345\"; } );\n" \
	"redis = { host = \"127.0.0.1\"; port = 6390; };\n" \
	"routing = { catalogue = \"catalogue.conf\"; };\n" \
	"departments = ( { id = \"zjj\"; name = \"住建局\"; } );\n" \
	"principals = ( { id = \"agent01\"; role = \"agent\"; credential = \"" \
	HASH "\"; } );\n"

/* Loads main_text with catalogue_text from a temporary directory; err gets why not. */
static struct config *
load(const char *main_text, const char *catalogue_text, char *err,
    size_t errlen)
{
	char dir[64], path[128], cat[128];
	struct config *conf;
	FILE *f;

	snprintf(dir, sizeof dir, "/tmp/test-patterns-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/hotlined.conf", dir);
	snprintf(cat, sizeof cat, "%s/catalogue.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(main_text, f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(f = fopen(cat, "w"));
	fputs(catalogue_text, f);
	assert_int_equal(fclose(f), 0);
	conf = config_load(path, err, errlen);
	unlink(path);
	unlink(cat);
	rmdir(dir);
	return conf;
}

/* Patterns, streets and emergencies load; the new groups have their defaults. */
static void
test_config_loads(void **state)
{
	char err[512] = "";
	struct config *conf = load(MAIN,
	    "entries = ( { patterns = [\"楼上.{0,8}漏水\"]; streets = [\"东街街道\"];"
	    " department = \"zjj\"; } );\n"
	    "emergencies = ( { keywords = [\"着火\"]; except = [\"火灾隐患\"];"
	    " kind = \"fire\"; transfer_to = \"119\"; } );\n", err, sizeof err);

	(void)state;
	if (conf == NULL)
		fail_msg("%s", err);
	assert_int_equal(conf->entries[0].npatterns, 1);
	assert_int_equal(conf->entries[0].nkeywords, 0);
	assert_string_equal(conf->entries[0].streets[0], "东街街道");
	assert_int_equal(conf->nemergencies, 1);
	assert_string_equal(conf->emergencies[0].name, "fire");
	assert_string_equal(conf->emergencies[0].except[0], "火灾隐患");
	assert_true(conf->routing.auto_dispatch_precision == 0.97);
	assert_int_equal(conf->routing.model, 1);
	assert_null(conf->routing.seeds);
	assert_true(conf->repeats.window_ms == 168LL * 3600000);
	assert_int_equal(conf->repeats.simhash_bits, 12);
	assert_int_equal(conf->hot_spots.count, 0);
	config_free(conf);
}

/* Bad catalogues are refused, naming the key (or, for an expression, the entry). */
static void
test_config_refuses(void **state)
{
	char err[512] = "";

	(void)state;
	assert_null(load(MAIN, "entries = ( { patterns = [\"(x\"]; "
	    "department = \"zjj\"; } );\n", err, sizeof err));
	assert_non_null(strstr(err, "catalogue.conf: entry 0: pattern \"(x\": "
	    "hyperscan: "));
	assert_null(load(MAIN, "entries = ( { patterns = []; "
	    "department = \"zjj\"; } );\n", err, sizeof err));
	assert_non_null(strstr(err, "entries[0].patterns: must not be empty"));
	assert_null(load(MAIN, "entries = ();\nemergencies = ( { keywords = "
	    "[\"着火\"]; kind = \"fire\"; transfer_to = \"1x9\"; } );\n", err,
	    sizeof err));
	assert_non_null(strstr(err, "emergencies[0].transfer_to: \"1x9\" is "
	    "not a number"));
	assert_null(load(MAIN, "entries = ();\nemergencies = ( { keywords = "
	    "[\"着火\"]; transfer_to = \"119\"; } );\n", err, sizeof err));
	assert_non_null(strstr(err, "emergencies[0].kind: missing"));
	assert_null(load(MAIN, "entries = ();\nemergencies = ( { patterns = "
	    "[\"[\"]; kind = \"fire\"; transfer_to = \"119\"; } );\n", err,
	    sizeof err));
	assert_non_null(strstr(err, "emergency 0: pattern \"[\": hyperscan: "));
	assert_null(load(MAIN "hot_spots = { count = 1; };\n",
	    "entries = ();\n", err, sizeof err));
	assert_non_null(strstr(err, "hot_spots.count: must be 0 (off) or at "
	    "least 2"));
	assert_null(load(MAIN "repeats = { window = 3; };\n",
	    "entries = ();\n", err, sizeof err));
	assert_non_null(strstr(err, "repeats.window: unknown key"));
}

/* The shipped demo catalogue compiles, emergencies and patterns included. */
static void
test_demo_catalogue(void **state)
{
	struct classify_result r;
	struct config *conf;
	char path[512], err[512];
	char *text;

	(void)state;
	unit_path("conf/hotlined.conf", path, sizeof path);
	conf = config_load(path, err, sizeof err);
	if (conf == NULL)
		fail_msg("%s", err);
	assert_true(conf->nemergencies > 0);
	assert_true(conf->hot_spots.count > 0);
	text = normalize_text("楼上卫生间一直在漏水，天花板都是水渍。");
	assert_int_equal(classify_text(conf->catalogue, &conf->routing, "",
	    text, "鼓楼区", &r), 0);
	assert_string_equal(r.suggestions[0].department->id, "zjj");
	assert_null(r.emergency);
	free(text);
	config_free(conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern_matches),
		cmocka_unit_test(test_streets),
		cmocka_unit_test(test_bad_pattern),
		cmocka_unit_test(test_keywords_are_literal),
		cmocka_unit_test(test_big_catalogue),
		cmocka_unit_test(test_config_loads),
		cmocka_unit_test(test_config_refuses),
		cmocka_unit_test(test_demo_catalogue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
