/* Unit tests of normalize.c: width, case, white space, punctuation, Traditional → Simplified, malformed UTF-8. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"
#include "normalize.h"

/* Opens OpenCC once for the whole group. */
static int
group_setup(void **state)
{
	char err[256];

	(void)state;
	if (normalize_init(err, sizeof err) == -1) {
		fprintf(stderr, "normalize_init: %s\n", err);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	normalize_free();
	return 0;
}

/* Asserts that in normalises to want. */
static void
check(const char *in, const char *want)
{
	char *got = normalize_text(in);

	assert_string_equal(got, want);
	free(got);
}

/*
 * Asserts that the len bytes at bytes (no NUL inside) normalise to want,
 * passing them in a heap block of exactly len + 1 bytes so that the address
 * sanitizer sees any read past the end.
 */
static void
check_bytes(const char *bytes, size_t len, const char *want)
{
	char *in = malloc(len + 1);

	assert_non_null(in);
	memcpy(in, bytes, len);
	in[len] = '\0';
	check(in, want);
	free(in);
}

/* Checks a string literal's bytes with check_bytes. */
#define CHECK_BYTES(lit, want) check_bytes(lit, sizeof(lit) - 1, want)

static void
test_fullwidth(void **state)
{
	(void)state;
	check("ＡＢＣ１２３", "abc123");
	check("ＫＴＶ噪音", "ktv噪音");
	check("３号楼２单元", "3号楼2单元");
	check("电话：１３８００１３８０００", "电话 13800138000");
	check("你好　世界", "你好 世界");
	check("ａ～ｚ", "a z");
}

static void
test_case(void **state)
{
	(void)state;
	check("WiFi信号差", "wifi信号差");
	check("KTV噪音 APP无法登录", "ktv噪音 app无法登录");
	check("abc", "abc");
}

static void
test_whitespace(void **state)
{
	(void)state;
	check("  停水 \t\n 三天  ", "停水 三天");
	check("第一行\r\n第二行", "第一行 第二行");
	check("a\xc2\xa0" "b", "a b");			/* no-break space */
	check("a\xe2\x80\x83" "b", "a b");		/* em space */
	check("   ", "");
	check("", "");
	check(NULL, "");
}

static void
test_punctuation(void **state)
{
	(void)state;
	check("你好，世界！", "你好 世界");
	check("没水。压力大", "没水 压力大");
	check("“物业”《通知》【紧急】（急）……——", "物业 通知 紧急 急");
	check("一、二；三：四？", "一 二 三 四");
	check("a,b.c-d_e(f)", "a b c d e f");
	check("3.5元/吨", "3 5元 吨");
	check("「路燈」『不亮』〖急〗", "路灯 不亮 急");
	check("价格￥２０，约$3", "价格 20 约 3");
	check("张三·李四", "张三 李四");
	check("★★★差评●", "差评");
	check("①物业②停水", "物业 停水");
	/* 〇 and 々 are parts of words, not punctuation. */
	check("二〇二四年", "二〇二四年");
	check("時々", "时々");
}

static void
test_format_characters(void **state)
{
	(void)state;
	check("停\xe2\x80\x8b水", "停水");		/* zero-width space */
	check("\xef\xbb\xbf物业", "物业");		/* byte order mark */
	check("电\xc2\xad梯", "电梯");			/* soft hyphen */
}

static void
test_traditional(void **state)
{
	(void)state;
	assert_true(normalize_t2s_ready());
	check("我家樓上漏水，物業不管", "我家楼上漏水 物业不管");
	check("社區垃圾無人清運", "社区垃圾无人清运");
	check("頭髮 乾淨", "头发 干净");
	check("乾隆", "乾隆");
	check("３號樓電梯故障", "3号楼电梯故障");
	check("醫院掛號難", "医院挂号难");
	check("拖欠工資", "拖欠工资");
}

static void
test_simplified_untouched(void **state)
{
	(void)state;
	check("干 后 发 面 着 里", "干 后 发 面 着 里");
	check("医院排队挂号太难了", "医院排队挂号太难了");
	check("emoji👍保留", "emoji👍保留");
}

static void
test_invalid_utf8(void **state)
{
	(void)state;
	CHECK_BYTES("ab\xff\xfe中", "ab 中");
	CHECK_BYTES("中\xe4\xb8", "中");		/* truncated at the end */
	CHECK_BYTES("\xe4\xb8", "");
	CHECK_BYTES("\xe4", "");
	CHECK_BYTES("\xf0\x9f\x91", "");
	CHECK_BYTES("\xc0\xaf" "x", "x");		/* overlong '/' */
	CHECK_BYTES("\xed\xa0\x80" "y", "y");	/* surrogate */
	CHECK_BYTES("\xf4\x90\x80\x80z", "z");	/* above U+10FFFF */
	CHECK_BYTES("\x80\x80水", "水");		/* stray continuations */
	CHECK_BYTES("停\xe6水", "停 水");		/* bad byte separates */
	CHECK_BYTES("樓\xe6", "楼");			/* T→S after repair */
}

static void
test_idempotent(void **state)
{
	static const char *texts[] = {
		"  ＫＴＶ噪音，樓上漏水！！ ",
		"3.5元/吨（含税）",
		"頭髮乾淨 乾隆 發現 著急 後面",
		"\xef\xbb\xbf电梯\xe2\x80\x8b困人",
	};
	char *once, *twice;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		once = normalize_text(texts[i]);
		twice = normalize_text(once);
		assert_string_equal(once, twice);
		free(once);
		free(twice);
	}
}

/* Every CJK character's normal form is already normal. */
static void
test_idempotent_all_cjk(void **state)
{
	char in[8], *once, *twice;
	uint32_t cp;

	(void)state;
	for (cp = 0x4e00; cp <= 0x9fff; cp++) {
		in[0] = (char)(0xe0 | cp >> 12);
		in[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		in[2] = (char)(0x80 | (cp & 0x3f));
		in[3] = '\0';
		once = normalize_text(in);
		twice = normalize_text(once);
		assert_string_equal(once, twice);
		free(once);
		free(twice);
	}
}

/* A long text comes out whole, at most as long as it went in. */
static void
test_long_text(void **state)
{
	static const char piece[] = "小区楼下烧烤店，油烟很大！ＡＢＣ ";
	size_t n = 5000, i, len = strlen(piece);
	char *in = malloc(n * len + 1), *out;

	(void)state;
	assert_non_null(in);
	for (i = 0; i < n; i++)
		memcpy(in + i * len, piece, len);
	in[n * len] = '\0';
	out = normalize_text(in);
	assert_true(strlen(out) <= n * len);
	assert_memory_equal(out, "小区楼下烧烤店 油烟很大 abc 小区",
	    strlen("小区楼下烧烤店 油烟很大 abc 小区"));
	assert_int_equal(out[strlen(out) - 1], 'c');
	free(in);
	free(out);
}

/* Without OpenCC the other steps still run; init again restores T→S. */
static void
test_without_opencc(void **state)
{
	char err[256];

	(void)state;
	normalize_free();
	assert_false(normalize_t2s_ready());
	check("物業，ＫＴＶ", "物業 ktv");
	assert_int_equal(normalize_init(err, sizeof err), 0);
	assert_int_equal(normalize_init(err, sizeof err), 0);
	assert_true(normalize_t2s_ready());
	check("物業，ＫＴＶ", "物业 ktv");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fullwidth),
		cmocka_unit_test(test_case),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_punctuation),
		cmocka_unit_test(test_format_characters),
		cmocka_unit_test(test_traditional),
		cmocka_unit_test(test_simplified_untouched),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_idempotent_all_cjk),
		cmocka_unit_test(test_long_text),
		cmocka_unit_test(test_without_opencc),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
