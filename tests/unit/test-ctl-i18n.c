/* Unit tests of hotlinectl's languages (ctl-i18n.c), display width (ctl-stats-format.c) and nearest command (ctl-suggest.c). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "ctl.h"

#define HOUR_MS (3600 * 1000LL)
#define MINUTE_MS (60 * 1000LL)

/* --lang, then HOTLINE_LANG, then LC_ALL, LC_MESSAGES, LANG; nothing set is Chinese. */
static void
test_lang_choose(void **state)
{
	(void)state;
	assert_int_equal(ctl_lang_choose(NULL, NULL, NULL, NULL, NULL),
	    CTL_LANG_ZH);
	assert_int_equal(ctl_lang_choose(NULL, NULL, "", "", ""), CTL_LANG_ZH);
	assert_int_equal(ctl_lang_choose(NULL, NULL, NULL, NULL,
	    "zh_CN.UTF-8"), CTL_LANG_ZH);
	assert_int_equal(ctl_lang_choose(NULL, NULL, NULL, NULL, "C"),
	    CTL_LANG_EN);
	assert_int_equal(ctl_lang_choose(NULL, NULL, NULL, NULL, "C.UTF-8"),
	    CTL_LANG_EN);
	assert_int_equal(ctl_lang_choose(NULL, NULL, NULL, NULL, "POSIX"),
	    CTL_LANG_EN);
	assert_int_equal(ctl_lang_choose(NULL, NULL, NULL, NULL, "en_US.UTF-8"),
	    CTL_LANG_EN);
	/* LC_ALL overrides LANG, LC_MESSAGES too. */
	assert_int_equal(ctl_lang_choose(NULL, NULL, "C", NULL, "zh_CN.UTF-8"),
	    CTL_LANG_EN);
	assert_int_equal(ctl_lang_choose(NULL, NULL, NULL, "zh_TW.UTF-8", "C"),
	    CTL_LANG_ZH);
	/* HOTLINE_LANG over the locale, --lang over both. */
	assert_int_equal(ctl_lang_choose(NULL, "zh", "C", NULL, NULL),
	    CTL_LANG_ZH);
	assert_int_equal(ctl_lang_choose("en", "zh", NULL, NULL, "zh_CN"),
	    CTL_LANG_EN);
	/* A HOTLINE_LANG that is no language is skipped. */
	assert_int_equal(ctl_lang_choose(NULL, "klingon", "C", NULL, NULL),
	    CTL_LANG_EN);
}

/* --lang takes zh, zh_CN…, en, C, and nothing else. */
static void
test_lang_parse(void **state)
{
	enum ctl_lang l = CTL_LANG_EN;

	(void)state;
	assert_int_equal(ctl_lang_parse("zh", &l), 0);
	assert_int_equal(l, CTL_LANG_ZH);
	assert_int_equal(ctl_lang_parse("en", &l), 0);
	assert_int_equal(l, CTL_LANG_EN);
	assert_int_equal(ctl_lang_parse("zh_CN.UTF-8", &l), 0);
	assert_int_equal(l, CTL_LANG_ZH);
	assert_int_equal(ctl_lang_parse("fr", &l), -1);
	assert_int_equal(ctl_lang_parse("", &l), -1);
}

/* Durations: days only when asked, hours past 24 otherwise, minutes under a day. */
static void
test_duration(void **state)
{
	char out[64];

	(void)state;
	ctl_duration_text(2 * 24 * HOUR_MS + 3 * HOUR_MS + 5 * MINUTE_MS, 1,
	    CTL_LANG_EN, out, sizeof out);
	assert_string_equal(out, "2d3h");
	ctl_duration_text(2 * 24 * HOUR_MS + 3 * HOUR_MS + 5 * MINUTE_MS, 1,
	    CTL_LANG_ZH, out, sizeof out);
	assert_string_equal(out, "2天3小时");
	ctl_duration_text(2 * 24 * HOUR_MS + 3 * HOUR_MS + 5 * MINUTE_MS, 0,
	    CTL_LANG_EN, out, sizeof out);
	assert_string_equal(out, "51h5m");
	ctl_duration_text(-(12 * HOUR_MS + 30 * MINUTE_MS), 1, CTL_LANG_ZH,
	    out, sizeof out);
	assert_string_equal(out, "12小时30分钟");
	ctl_duration_text(3 * 24 * HOUR_MS, 1, CTL_LANG_EN, out, sizeof out);
	assert_string_equal(out, "3d");
	ctl_duration_text(45 * MINUTE_MS + 59999, 0, CTL_LANG_ZH, out,
	    sizeof out);
	assert_string_equal(out, "45分钟");
	ctl_duration_text(59999, 0, CTL_LANG_EN, out, sizeof out);
	assert_string_equal(out, "under 1m");
	ctl_duration_text(0, 1, CTL_LANG_ZH, out, sizeof out);
	assert_string_equal(out, "不到1分钟");
	ctl_duration_text(5 * HOUR_MS, 1, CTL_LANG_EN, out, 2);
	assert_string_equal(out, "5");		/* cut, never overrun */
}

/* Steps, fields and enums are named in the language in force; unknown ones as recorded. */
static void
test_names(void **state)
{
	(void)state;
	ctl_lang = CTL_LANG_ZH;
	assert_string_equal(ctl_step_name("sign"), "签收");
	assert_string_equal(ctl_step_name("return"), "退单");
	assert_string_equal(ctl_step_name("decide_extension"), "延期审批");
	assert_string_equal(ctl_step_name("reply_assist"), "协办回复");
	assert_string_equal(ctl_step_name("brand_new_step"), "brand_new_step");
	assert_string_equal(ctl_field_label("sign_due"), "签收期限");
	assert_string_equal(ctl_field_label("x_new"), "x_new");
	assert_string_equal(ctl_name(ctl_states,
	    HOTLINE__TICKET_STATE__TICKET_STATE_AWAITING_CALLBACK), "待回访");
	assert_string_equal(CTL_T(NUMBER), "工单编号");
	ctl_lang = CTL_LANG_EN;
	assert_string_equal(ctl_step_name("sign"), "signed");
	assert_string_equal(ctl_name(ctl_states,
	    HOTLINE__TICKET_STATE__TICKET_STATE_AWAITING_CALLBACK),
	    "awaiting callback");
	assert_string_equal(ctl_name(ctl_states, 99), "-");
	assert_string_equal(CTL_T(NUMBER), "number");
	ctl_lang = CTL_LANG_ZH;
	assert_true(ctl_field_is_time("callback_base"));
	assert_true(ctl_field_is_time("some_new_at"));
	assert_false(ctl_field_is_time("clock_left"));
	assert_true(ctl_field_is_flag("disputed"));
	assert_ptr_equal(ctl_field_names("closure"), ctl_closures);
	assert_null(ctl_field_names("dept"));
}

/* Every message has both languages: a missing entry would print nothing. */
static void
test_catalogue_complete(void **state)
{
	int m;

	(void)state;
	for (m = 0; m < CTL_M_COUNT; m++) {
		ctl_lang = CTL_LANG_EN;
		assert_true(ctl_msg((enum ctl_msg)m)[0] != '\0');
		ctl_lang = CTL_LANG_ZH;
		assert_true(ctl_msg((enum ctl_msg)m)[0] != '\0');
	}
}

/* ctl_char_width agrees with glibc's wcwidth(3) in a UTF-8 locale for what hotlinectl prints. */
static void
test_width_like_glibc(void **state)
{
	static const unsigned long sample[] = {
		'a', '0', ' ', 0xe9 /* é */, 0x2014 /* — */, 0x00b7,
		0x4e00, 0x9fa5, 0x4f4f /* 住 */, 0x3001 /* 、 */, 0x3002,
		0xff08 /* （ */, 0xff1a /* ： */, 0x300c /* 「 */, 0x00d7 /* × */,
		0x2192 /* → */, 0x2026 /* … */, 0xac00, 0x3042, 0x30a2,
		0x0301 /* combining acute */, 0x200b, 0x1f600, 0x20000,
	};
	size_t i;

	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		skip();		/* no UTF-8 locale to compare with */
		return;
	}
	for (i = 0; i < sizeof sample / sizeof sample[0]; i++) {
		int w = wcwidth((wchar_t)sample[i]);

		if (ctl_char_width(sample[i]) != w)
			fail_msg("U+%04lX: ours %d, wcwidth %d", sample[i],
			    ctl_char_width(sample[i]), w);
	}
	setlocale(LC_CTYPE, "C");
	assert_int_equal(ctl_display_width("督办(到期 12-09 18:00)"), 22);
	assert_int_equal(ctl_display_width("e\xcc\x81"), 1);	/* é as e + U+0301 */
}

/* The nearest command: a prefix, else a small edit distance, else none. */
static void
test_nearest(void **state)
{
	static const char *const names[] = { "ping", "show", "watch", "list",
	    "dispatch", "redispatch", "supervise", "scorecard", "sign" };
	const size_t n = sizeof names / sizeof names[0];

	(void)state;
	assert_int_equal(ctl_edit_distance("pnig", "ping"), 1);	/* a swap */
	assert_int_equal(ctl_edit_distance("", "ping"), 4);
	assert_int_equal(ctl_edit_distance("kitten", "sitting"), 3);
	assert_string_equal(ctl_nearest("pnig", names, n), "ping");
	assert_string_equal(ctl_nearest("dispach", names, n), "dispatch");
	assert_string_equal(ctl_nearest("superviser", names, n), "supervise");
	assert_string_equal(ctl_nearest("wat", names, n), "watch");
	assert_string_equal(ctl_nearest("score", names, n), "scorecard");
	assert_null(ctl_nearest("zzzzzzzz", names, n));
	assert_null(ctl_nearest("", names, n));
	assert_null(ctl_nearest("x", names, n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lang_choose),
		cmocka_unit_test(test_lang_parse),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_catalogue_complete),
		cmocka_unit_test(test_width_like_glibc),
		cmocka_unit_test(test_nearest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
