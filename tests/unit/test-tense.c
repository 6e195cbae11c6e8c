/* Unit tests of tense.c: the clause check, the time frame of a match and a ticket's report framing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "tense.h"

/* The frame of the first occurrence of word in text (normal form), at its end. */
static enum tense_frame
frame_at(const char *text, const char *word)
{
	const char *p = strstr(text, word);

	assert_non_null(p);
	return tense_frame(text, strlen(text),
	    (size_t)(p - text) + strlen(word));
}

/* The nearest time word before the match decides; none gives TENSE_NONE. */
static void
test_frame(void **state)
{
	(void)state;
	assert_int_equal(frame_at("楼下有人打架", "打架"), TENSE_NONE);
	assert_int_equal(frame_at("现在楼下有人打架", "打架"), TENSE_NOW);
	assert_int_equal(frame_at("上周六晚上 楼下有人打架", "打架"),
	    TENSE_PAST);
	assert_int_equal(frame_at("上周停过水 现在楼下有人打架", "打架"),
	    TENSE_NOW);
	assert_int_equal(frame_at("刚才说过了 后来他就晕倒了", "晕倒"),
	    TENSE_PAST);
	/* a habit is no call for help now */
	assert_int_equal(frame_at("这条街晚上经常有人抢劫", "抢劫"),
	    TENSE_PAST);
	/* today ends a past frame without being now */
	assert_int_equal(frame_at("去年修过 今天楼道里有人晕倒", "晕倒"),
	    TENSE_NONE);
	/* inside the match counts too: the word of now ends at the match */
	assert_int_equal(frame_at("正在冒烟", "正在冒烟"), TENSE_NOW);
}

/* A time word more than TENSE_REACH bytes back no longer sets the frame. */
static void
test_reach(void **state)
{
	char text[512];

	(void)state;
	strcpy(text, "去年");
	while (strlen(text) < TENSE_REACH + 10)
		strcat(text, "我们");
	strcat(text, " 楼下着火了");
	assert_int_equal(frame_at(text, "着火"), TENSE_NONE);
}

/* The clause check reads only the clause of the match. */
static void
test_clause(void **state)
{
	const char *t = "万一着火 现在楼下着火了";
	const char *second = strstr(t + 12, "着火");	/* the second */

	(void)state;
	assert_true(tense_clause_not_now(t, strlen(t), 6, 12));
	assert_false(tense_clause_not_now(t, strlen(t),
	    (size_t)(second - t), (size_t)(second - t) + 6));
	/* out of range: no verdict */
	assert_false(tense_clause_not_now(t, 3, 6, 12));
}

/* Report framing: a complaint, a service's response, a drill, the aftermath. */
static void
test_report(void **state)
{
	(void)state;
	assert_true(tense_report("投诉派出所", "有人打架"));
	assert_true(tense_report("", "打了110 四十分钟警察才到"));
	assert_true(tense_report(NULL, "物业搞消防演练 说着火了"));
	assert_true(tense_report("老人晕倒", "送到医院后收费不透明"));
	assert_true(tense_report("表扬消防员", "冲进火场救出被困的老人"));
	assert_true(tense_report("", "请问家里老人晕倒了医保能报销多少"));
	assert_false(tense_report("楼下着火了", "烟很大 有人被困"));
	assert_false(tense_report(NULL, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_reach),
		cmocka_unit_test(test_clause),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
