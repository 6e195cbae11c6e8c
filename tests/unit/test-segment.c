/* Unit tests of segment.c and of the catalogue's word-boundary confirmation: keywords count only as whole words. */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hotlined.h"
#include "segment.h"
#include "normalize.h"
#include "unit-files.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define THREAD_ROUNDS 300

/* Writes text's words into buf as "a/b/c". */
static void
words_of(const struct segmenter *seg, const char *text, char *buf,
    size_t buflen)
{
	struct segment_word w[64];
	size_t n = segment_split(seg, text, strlen(text), w, N(w)), i, at = 0;

	assert_true(n <= N(w));
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(buf + at, buflen - at, "%s%.*s",
		    i > 0 ? "/" : "", (int)w[i].len, text + w[i].offset);
}

/* Asserts text segments as expected with the user words of seg. */
static void
assert_words(const struct segmenter *seg, const char *text,
    const char *expected)
{
	char buf[512];

	words_of(seg, text, buf, sizeof buf);
	if (strcmp(buf, expected) != 0)
		fail_msg("\"%s\" segmented \"%s\", expected \"%s\"", text, buf,
		    expected);
}

/*
 * The lexicon cuts common words; user words are taken as units; spaces
 * separate; ASCII runs stay whole; a user word that would start inside a
 * longer lexicon word is not cut out of it (forward maximum matching).
 */
static void
test_split(void **state)
{
	const char *user[] = { "迁户", "燃气泄漏", "鼓楼区", "东街街道",
	    "住建局", "太长了" "太长了" "太长了" "太长了" "太长了" "太长了",
	    "有 空格", "x" };
	char err[256];
	struct segmenter *seg = segment_new(user, N(user), err, sizeof err);

	(void)state;
	assert_non_null(seg);
	assert_int_equal(segment_nwords(seg), 5);
	assert_words(seg, "拆迁户的补偿款", "拆迁/户/的/补偿/款");
	assert_words(seg, "办理迁户手续", "办理/迁户/手续");
	assert_words(seg, "很浓的煤气味 燃气泄漏了", "很/浓的/煤气/味/燃气泄漏/了");
	assert_words(seg, "鼓楼区东街街道停水", "鼓楼区/东街街道/停水");
	assert_words(seg, "ktv扰民 拨打12345热线", "ktv/扰民/拨打/12345/热线");
	assert_words(seg, "  ", "");
	segment_free(seg);
}

/* segment_bounds: a substring is whole words exactly when both ends are marked. */
static void
test_bounds(void **state)
{
	const char *text = "提供电子档";
	unsigned char marks[32];
	char err[256];
	struct segmenter *seg = segment_new(NULL, 0, err, sizeof err);

	(void)state;
	assert_non_null(seg);
	segment_bounds(seg, text, strlen(text), marks);
	assert_true(marks[0] & SEGMENT_START);		/* 提供 */
	assert_true(marks[6] & SEGMENT_END);
	assert_false(marks[3] & SEGMENT_START);		/* 供电 starts inside 提供 */
	assert_true(marks[strlen(text)] & SEGMENT_END);
	segment_free(seg);
}

/* What each thread of test_threads does. */
struct thread_arg {
	const struct segmenter *seg;
	int same;
};

/* Segments one text many times; same stays 1 if every result agrees. */
static void *
thread_main(void *p)
{
	struct thread_arg *a = p;
	const char *text = "我家楼下的餐馆每天晚上噪音很大 拆迁户安置小区物业收费不合理";
	char first[512], again[512];
	int i;

	a->same = 1;
	words_of(a->seg, text, first, sizeof first);
	for (i = 0; i < THREAD_ROUNDS; i++) {
		words_of(a->seg, text, again, sizeof again);
		a->same &= strcmp(first, again) == 0;
	}
	return NULL;
}

/* Several threads segment with one segmenter at once (run under TSan/ASan too). */
static void
test_threads(void **state)
{
	const char *user[] = { "餐馆噪音" };
	struct thread_arg a[4];
	pthread_t t[4];
	char err[256];
	struct segmenter *seg = segment_new(user, 1, err, sizeof err);
	size_t i;

	(void)state;
	assert_non_null(seg);
	for (i = 0; i < N(t); i++) {
		a[i].seg = seg;
		assert_int_equal(pthread_create(&t[i], NULL, thread_main, &a[i]),
		    0);
	}
	for (i = 0; i < N(t); i++) {
		pthread_join(t[i], NULL);
		assert_true(a[i].same);
	}
	segment_free(seg);
}

static struct department depts[] = {
	{ "gaj", "公安局" },
	{ "power", "供电公司" },
	{ "mzj", "民政局" },
	{ "jtj", "交警支队" },
	{ "rsj", "人社局" },
};

static char *kw_hukou[] = { "迁户", "户口" };
static char *kw_power[] = { "供电", "停电" };
static char *kw_poor[] = { "困人", "低保" };
static char *kw_light[] = { "绿灯" };
static char *kw_raw[] = { "*欠薪" };

static struct catalogue_entry entries[] = {
	{ kw_hukou, N(kw_hukou), NULL, 0, "gaj", "", 1.0, NULL, 0, NULL, 0 },
	{ kw_power, N(kw_power), NULL, 0, "power", "", 1.0, NULL, 0, NULL, 0 },
	{ kw_poor, N(kw_poor), NULL, 0, "mzj", "", 1.0, NULL, 0, NULL, 0 },
	{ kw_light, N(kw_light), NULL, 0, "jtj", "", 1.0, NULL, 0, NULL, 0 },
	{ kw_raw, N(kw_raw), NULL, 0, "rsj", "", 1.0, NULL, 0, NULL, 0 },
};

static const struct routing_spec routing = { .dispatch_threshold = 0.6,
	.prior = 1.0 };

/* Returns the best department for content, or "" when nothing matched. */
static const char *
best(const struct catalogue *cat, const char *content)
{
	struct classify_result r;

	assert_int_equal(classify_text(cat, &routing, "", content, "", &r), 0);
	return r.nsuggestions > 0 ? r.suggestions[0].department->id : "";
}

/*
 * The four misroutings measured on citizens' messages are gone: a keyword
 * inside another word does not count; the same keyword as a word does; a
 * raw keyword ("*欠薪") still matches inside a word.
 */
static void
test_whole_words(void **state)
{
	char err[256];
	struct catalogue *cat = catalogue_compile(entries, N(entries), depts,
	    N(depts), err, sizeof err);

	(void)state;
	assert_non_null(cat);
	assert_string_equal(best(cat, "我们是拆迁户 补偿款没到位"), "");
	assert_string_equal(best(cat, "有关部门给违建开绿灯"), "");
	assert_string_equal(best(cat, "请对方提供电子档"), "");
	assert_string_equal(best(cat, "村里贫困人口的补助"), "");
	assert_string_equal(best(cat, "想办理迁户"), "gaj");
	assert_string_equal(best(cat, "小区经常停电 供电不稳"), "power");
	assert_string_equal(best(cat, "路口绿灯时间太短"), "jtj");
	assert_string_equal(best(cat, "老板恶意欠薪水"), "rsj");
	catalogue_free(cat);
}

/*
 * A domain lexicon's words (segment_extend) are cut whole where friso's
 * lexicon cuts them badly (不作为 as 不作 / 为), the segmenter's own words
 * kept.
 */
static void
test_lexicon_words(void **state)
{
	static const char *const mine[] = { "闽江" };
	static const char *const lexicon[] = { "不作为", "不干活", "占道经营" };
	char err[256];
	struct segmenter *seg = segment_new(mine, N(mine), err, sizeof err),
	    *more;

	(void)state;
	assert_non_null(seg);
	assert_words(seg, "物业公司不作为", "物业/公司/不作/为");
	assert_words(seg, "收费不干活", "收费/不干/活");
	more = segment_extend(seg, lexicon, N(lexicon), err, sizeof err);
	assert_non_null(more);
	assert_int_equal(segment_nwords(more), 4);
	assert_words(more, "物业公司不作为", "物业/公司/不作为");
	assert_words(more, "收费不干活", "收费/不干活");
	assert_words(more, "闽江占道经营", "闽江/占道经营");
	assert_words(seg, "物业公司不作为", "物业/公司/不作/为");	/* unchanged */
	segment_free(more);
	segment_free(seg);
}

/*
 * The demo config's routing.lexicon (conf/lexicon.txt) reaches the routing
 * segmenter; every word of the file is whole in a segmenter made of it
 * alone. A lexicon word that would hide a catalogue keyword (路口绿灯 holds
 * 绿灯) is left out of the catalogue's segmenter: the keyword still routes.
 */
static void
test_lexicon_demo(void **state)
{
	char path[1024], err[512] = "";
	struct config *conf;
	struct segmenter *seg;
	const struct segmenter *route_seg;
	static const char *const hides[] = { "路口绿灯", "不作为" };
	struct catalogue *cat;
	size_t i;

	(void)state;
	conf = config_load(unit_path("conf/hotlined.conf", path, sizeof path),
	    err, sizeof err);
	if (conf == NULL)
		fail_msg("demo config: %s", err);
	assert_true(conf->routing.nlexicon >= 50);
	route_seg = catalogue_segmenter(conf->catalogue);
	assert_words(route_seg, "物业公司不作为", "物业公司/不作为");
	assert_words(route_seg, "占道经营", "占道经营");
	seg = segment_new((const char *const *)conf->routing.lexicon,
	    conf->routing.nlexicon, err, sizeof err);
	assert_non_null(seg);
	for (i = 0; i < conf->routing.nlexicon; i++)
		assert_words(seg, conf->routing.lexicon[i],
		    conf->routing.lexicon[i]);
	segment_free(seg);
	config_free(conf);

	cat = catalogue_compile(entries, N(entries), depts, N(depts), err,
	    sizeof err);
	assert_non_null(cat);
	assert_int_equal(catalogue_add_lexicon(cat, hides, N(hides), err,
	    sizeof err), 0);
	assert_string_equal(best(cat, "路口绿灯时间太短"), "jtj");
	assert_words(catalogue_segmenter(cat), "物业不作为", "物业/不作为");
	catalogue_free(cat);
}

/* Loads a config whose routing.lexicon file holds text (NULL: no file): NULL with err, or the config. */
static struct config *
lexicon_load(const char *text, char *err, size_t errlen)
{
	char dir[] = "/tmp/test-segment-XXXXXX", path[3][96];
	const char *const body[3] = {
		"listen = ( { address = \"127.0.0.1:7345\"; } );\n"
		"redis = { host = \"127.0.0.1\"; port = 6390; };\n"
		"routing = { catalogue = \"catalogue.conf\"; "
		"lexicon = \"lexicon.txt\"; };\n"
		"departments = ( { id = \"zjj\"; name = \"住建局\"; } );\n"
		"principals = ( { id = \"agent01\"; role = \"agent\"; "
		"credential = \"pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$"
		"l1ckukn1W0wca9wc50whRnQBSLP41tHfus5fejRHhTI=\"; } );\n",
		"entries = ( { keywords = [\"物业\"]; department = \"zjj\"; } );\n",
		text,
	};
	const char *const name[3] = { "hotlined.conf", "catalogue.conf",
	    "lexicon.txt" };
	struct config *conf;
	FILE *f;
	int i;

	assert_non_null(mkdtemp(dir));
	for (i = 0; i < 3; i++) {
		snprintf(path[i], sizeof path[i], "%s/%s", dir, name[i]);
		if (body[i] == NULL)
			continue;
		assert_non_null(f = fopen(path[i], "w"));
		assert_int_equal(fwrite(body[i], 1, strlen(body[i]), f),
		    strlen(body[i]));
		assert_int_equal(fclose(f), 0);
	}
	conf = config_load(path[0], err, errlen);
	for (i = 0; i < 3; i++)
		unlink(path[i]);
	rmdir(dir);
	return conf;
}

/* A lexicon's comments, blank lines and spaces around words are fine; a missing file is skipped (as routing.seeds); a bad line is refused with the file and line. */
static void
test_lexicon_errors(void **state)
{
	char err[512];
	struct config *conf;

	(void)state;
	assert_int_equal(normalize_init(err, sizeof err), 0);	/* 幹 -> 干 */
	conf = lexicon_load("# 注释\n\n  不作为 \n不幹活\n", err, sizeof err);
	if (conf == NULL)
		fail_msg("lexicon: %s", err);
	assert_int_equal(conf->routing.nlexicon, 2);
	assert_string_equal(conf->routing.lexicon[1], "不干活");	/* normal form */
	config_free(conf);
	conf = lexicon_load(NULL, err, sizeof err);
	if (conf == NULL)
		fail_msg("no lexicon file: %s", err);
	assert_int_equal(conf->routing.nlexicon, 0);
	config_free(conf);
	assert_null(lexicon_load("不作为\n不 干活\n", err, sizeof err));
	assert_non_null(strstr(err, "lexicon.txt:2: routing.lexicon: a word is"));
	assert_null(lexicon_load("不\n", err, sizeof err));
	assert_non_null(strstr(err, "lexicon.txt:1: routing.lexicon:"));
	assert_null(lexicon_load("不作为\n\xff\xfe\n", err, sizeof err));
	assert_non_null(strstr(err, "lexicon.txt:2: routing.lexicon: not valid "
	    "UTF-8"));
	assert_null(lexicon_load("一二三四五六七八九十一二三四五六七\n", err,
	    sizeof err));
	assert_non_null(strstr(err, "lexicon.txt:1: routing.lexicon: a word is"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_whole_words),
		cmocka_unit_test(test_lexicon_words),
		cmocka_unit_test(test_lexicon_demo),
		cmocka_unit_test(test_lexicon_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
