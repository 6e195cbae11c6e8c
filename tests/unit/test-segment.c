/* Unit tests of segment.c and of the catalogue's word-boundary confirmation: keywords count only as whole words. */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"
#include "segment.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_whole_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
