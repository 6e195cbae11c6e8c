/* Unit tests of lang.c: picking Chinese or English out of texts with ZH_EN pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lang.h"

/* Returns text's side in lang (a static buffer). */
static const char *
pick(const char *text, enum lang lang)
{
	static char out[256];

	lang_pick(text, lang, out, sizeof out);
	return out;
}

/* A pair keeps one side; plain text around it stays in both. */
static void
test_pick_pairs(void **state)
{
	const char *t = "type: " ZH_EN("须为六种诉求类型之一",
	    "must be one of the six ticket types") " (3)";

	(void)state;
	assert_string_equal(pick(t, LANG_ZH), "type: 须为六种诉求类型之一 (3)");
	assert_string_equal(pick(t, LANG_EN),
	    "type: must be one of the six ticket types (3)");
	assert_int_equal(lang_marked(t), 1);
	assert_int_equal(lang_marked("plain"), 0);
	assert_string_equal(pick("plain 文字", LANG_EN), "plain 文字");
}

/* Several pairs, a pair inside a formatted argument, and marks left open. */
static void
test_pick_several(void **state)
{
	char msg[256];

	(void)state;
	snprintf(msg, sizeof msg, ZH_EN("不能", "cannot ") "%s" ZH_EN("：", ": ")
	    "%s", "x", ZH_EN("工单已签收", "the ticket is accepted"));
	/* One format, conversions outside the pairs; an argument's pair too. */
	assert_string_equal(pick(msg, LANG_ZH), "不能x：工单已签收");
	assert_string_equal(pick(msg, LANG_EN), "cannot x: the ticket is accepted");
	/* Cut short (a precision, a full buffer): what is left stays sane. */
	assert_string_equal(pick("a\x1e中", LANG_ZH), "a中");
	assert_string_equal(pick("a\x1e中", LANG_EN), "a");
	assert_string_equal(pick("a\x1f" "b\x1d", LANG_EN), "ab");
	assert_string_equal(pick("", LANG_ZH), "");
}

/* The output is always terminated and never overrun. */
static void
test_pick_bounded(void **state)
{
	char out[5];

	(void)state;
	assert_int_equal(lang_pick(ZH_EN("abcdefgh", "x"), LANG_ZH, out,
	    sizeof out), 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(lang_pick("abc", LANG_EN, out, 1), 0);
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_pairs),
		cmocka_unit_test(test_pick_several),
		cmocka_unit_test(test_pick_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
