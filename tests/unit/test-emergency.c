/* Unit tests of emergencies: matching in the catalogue's scan (classify.c) and the transfer in the life-cycle table (ticket.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hotlined.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define S(x) HOTLINE__TICKET_STATE__TICKET_STATE_##x

static struct department depts[] = {
	{ "water", "供水公司" },
	{ "wjw", "卫健委" },
};

static const struct routing_spec routing = { .dispatch_threshold = 0.6,
	.prior = 1.0 };

static char *kw_water[] = { "停水" };
static char *kw_ambulance[] = { "救护车" };
static struct catalogue_entry entries[] = {
	{ .keywords = kw_water, .nkeywords = 1, .department = "water",
	  .category = "公用事业/供水", .weight = 5.0 },
	{ .keywords = kw_ambulance, .nkeywords = 1, .department = "wjw",
	  .category = "卫生健康/急救", .weight = 5.0 },
};

static char *fire_kw[] = { "火灾" };
static char *fire_except[] = { "火灾隐患" };
static char *fire_pat[] = { "(^|[^不])着火" };
static char *medical_kw[] = { "晕倒", "昏迷" };
static char *crime_pat[] = { "(正在|有人)(打架|抢劫)" };
static struct emergency emergencies[] = {
	{ .keywords = fire_kw, .nkeywords = 1, .except = fire_except,
	  .nexcept = 1, .kind = "fire", .name = "火警", .transfer_to = "119" },
	{ .patterns = fire_pat, .npatterns = 1, .kind = "fire", .name = "火警",
	  .transfer_to = "119" },
	{ .keywords = medical_kw, .nkeywords = 2, .kind = "medical",
	  .name = "急救", .transfer_to = "120" },
	{ .patterns = crime_pat, .npatterns = 1, .kind = "crime",
	  .name = "匪警", .transfer_to = "110" },
};

/* Compiles the test catalogue with its emergencies. */
static int
setup(void **state)
{
	char err[256];

	*state = catalogue_build(entries, N(entries), emergencies,
	    N(emergencies), depts, N(depts), err, sizeof err);
	return *state == NULL ? -1 : 0;
}

/* Frees the test catalogue. */
static int
teardown(void **state)
{
	catalogue_free(*state);
	return 0;
}

/* Classifies normalised content; asserts success. */
static void
run(void **state, const char *text, struct classify_result *r)
{
	assert_int_equal(classify_text(*state, &routing, "", text, "", r), 0);
}

/* An emergency is flagged with its number and words, and is never auto-dispatched. */
static void
test_flagged(void **state)
{
	struct classify_result r;

	run(state, "小区停水 楼下有人晕倒了 已经昏迷", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "medical");
	assert_string_equal(r.emergency->transfer_to, "120");
	assert_int_equal(r.nemergency_matched, 2);
	assert_string_equal(r.emergency_matched[0], "晕倒");
	assert_string_equal(r.emergency_matched[1], "昏迷");
	/* The catalogue still ranks, but nothing is dispatched. */
	assert_string_equal(r.suggestions[0].department->id, "water");
	assert_true(r.confidence > 0.8);
	assert_false(r.auto_dispatch);
}

/*
 * A clause of the past or of a drill is no emergency ("上次火警演练",
 * "去年着火"); the same words in another clause, or now, still are.
 */
static void
test_past_and_drills(void **state)
{
	struct classify_result r;

	run(state, "上次火警演练 楼道堆满杂物", &r);
	assert_null(r.emergency);
	run(state, "去年家里着火 保险一直不赔", &r);
	assert_null(r.emergency);
	run(state, "之前有人晕倒 社区医院不管", &r);
	assert_null(r.emergency);
	run(state, "去年修过 现在楼上着火了", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "fire");
	run(state, "刚才楼下有人晕倒了", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "medical");
}

/*
 * A fear, a what-if, a near miss, a denial or hearsay in the clause is no
 * emergency either ("万一着火", "差点晕倒", "不是着火"); the danger said as
 * going on in another clause still is.
 */
static void
test_not_now(void **state)
{
	static const char *const none[] = {
		"楼道堆满电动车 万一着火大家都跑不出来",
		"一旦着火 消防车根本开不进来",
		"我们很担心会着火",
		"排队太久 有位老人差点晕倒",
		"来电人说不是着火 是在烧垃圾",
		"新闻里电动车着火的事太多了",
		"没看到有人晕倒 就是味道大",
		"有个老人被车撞了 幸好没昏迷",
	};
	struct classify_result r;
	size_t i;

	for (i = 0; i < N(none); i++) {
		run(state, none[i], &r);
		if (r.emergency != NULL)
			fail_msg("\"%s\" flagged as %s", none[i],
			    r.emergency->kind);
	}
	run(state, "万一出事怎么办 现在楼下着火了", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "fire");
	run(state, "差点摔倒 刚才楼下有人晕倒了", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "medical");
}

/* The first configured emergency that matches wins. */
static void
test_first_wins(void **state)
{
	struct classify_result r;

	run(state, "有人打架 还有人晕倒 楼上着火了", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "fire");
	/* A pattern is shown by its line's name and number, not as written. */
	assert_string_equal(r.emergency_matched[0], "火警 119");
	assert_int_equal(r.nemergency_matched, 1);
}

/* except cancels only its own emergency; a pattern can refuse a preceding character. */
static void
test_except_and_negation(void **state)
{
	struct classify_result r;

	run(state, "楼道堆放杂物 有火灾隐患", &r);
	assert_null(r.emergency);
	run(state, "有火灾隐患 现在已经着火了", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "fire");
	assert_string_equal(r.emergency_matched[0], "火警 119");
	run(state, "停水了 热水器打不着火", &r);
	assert_null(r.emergency);
	assert_true(r.auto_dispatch);
	run(state, "着火", &r);
	assert_non_null(r.emergency);
}

/*
 * The time frame: the time word nearest before the match, up to about two
 * clauses back, decides. A past or a habit there is no emergency; a word
 * of now after it is.
 */
static void
test_time_frame(void **state)
{
	static const char *const none[] = {
		"上周六晚上十点多 我们小区门口有人打架 闹了半个小时",
		"前几天在菜市场 我妈突然晕倒 后来医院说是低血糖",
		"这条街晚上经常有人打架 路灯也不亮",
		"每天早高峰地铁里人太多 总有人晕倒",
	};
	struct classify_result r;
	size_t i;

	for (i = 0; i < N(none); i++) {
		run(state, none[i], &r);
		if (r.emergency != NULL)
			fail_msg("\"%s\" flagged as %s", none[i],
			    r.emergency->kind);
	}
	run(state, "上周也停过水 现在楼下有人打架", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "crime");
	run(state, "以前从没这样 今天一进门就看到我爸晕倒在厨房", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "medical");
}

/*
 * A ticket that reads as a report about a handled event or a service
 * (投诉, 出警, 才到, 住院, 赔偿, 演练) is no emergency through a danger word
 * with no time word of its own; with a word of now it still is.
 */
static void
test_report_about_a_service(void **state)
{
	static const char *const none[] = {
		"派出所出警太慢 有人打架 打电话四十分钟警察才到",
		"物业搞消防演练 广播说着火了 老人孩子都吓坏了",
		"我爸晕倒送到医院 医院收费不透明 要求给个说法",
		"有人打架把我儿子打伤了 对方不肯赔偿医药费",
	};
	struct classify_result r;
	size_t i;

	for (i = 0; i < N(none); i++) {
		run(state, none[i], &r);
		if (r.emergency != NULL)
			fail_msg("\"%s\" flagged as %s", none[i],
			    r.emergency->kind);
	}
	/* 今天 ends a past frame but is no word of now */
	run(state, "今天上午在社区医院排队时我妈晕倒了 医生态度很差 我要投诉",
	    &r);
	assert_null(r.emergency);
	run(state, "上周停过水 今天楼道里有人晕倒 怎么叫都不应", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "medical");
	run(state, "上次投诉过出警慢 现在楼下又有人打架", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "crime");
	/* the same danger word, no report: flagged */
	run(state, "楼道里有人晕倒 怎么叫都不应", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "medical");
}

/* Nothing is left over between classifications (the scratch state is reset). */
static void
test_no_leftovers(void **state)
{
	struct classify_result r;

	run(state, "正在抢劫", &r);
	assert_string_equal(r.emergency->kind, "crime");
	run(state, "停水", &r);
	assert_null(r.emergency);
	assert_int_equal(r.nemergency_matched, 0);
	assert_true(r.auto_dispatch);
}

/* An emergency without keywords and patterns, or without a number, is refused. */
static void
test_bad_emergencies(void **state)
{
	struct emergency none[] = { { .kind = "fire", .transfer_to = "119" } };
	struct emergency no_number[] = { { .keywords = fire_kw, .nkeywords = 1,
	    .kind = "fire", .transfer_to = "" } };
	char err[256] = "";

	(void)state;
	assert_null(catalogue_build(entries, N(entries), none, 1, depts,
	    N(depts), err, sizeof err));
	assert_string_equal(err, "emergency 0: no keywords or patterns");
	assert_null(catalogue_build(entries, N(entries), no_number, 1, depts,
	    N(depts), err, sizeof err));
	assert_string_equal(err, "emergency 0: kind and transfer_to are "
	    "required");
}

/* 转警: from registered, by the agent, to transferred, telling no department; then final. */
static void
test_transfer_transition(void **state)
{
	static const Hotline__TicketState states[] = { S(UNSPECIFIED),
	    S(REGISTERED), S(TRIAGE), S(DISPATCHED), S(CLOSED), S(MERGED),
	    S(TRANSFERRED) };
	static const role_t roles[] = { HOTLINE__ROLE__ROLE_AGENT,
	    HOTLINE__ROLE__ROLE_DISPATCHER, HOTLINE__ROLE__ROLE_DEPARTMENT,
	    HOTLINE__ROLE__ROLE_SUPERVISOR, HOTLINE__ROLE__ROLE_ADMIN };
	const struct transition *t = ticket_transition(TICKET_TRANSFER);
	int a;
	size_t s, r;

	(void)state;
	assert_non_null(t);
	assert_string_equal(t->name, "transfer");
	assert_int_equal(t->to, S(TRANSFERRED));
	assert_int_equal(t->department_event, 0);
	assert_int_equal(t->centre_event, 0);
	assert_int_equal(t->supervision_event, 0);
	assert_int_equal(t->effects, 0);
	for (s = 0; s < N(states); s++)
		for (r = 0; r < N(roles); r++)
			assert_int_equal(ticket_check(TICKET_TRANSFER,
			    states[s], roles[r]) == TICKET_ALLOWED,
			    states[s] == S(REGISTERED) &&
			    roles[r] == HOTLINE__ROLE__ROLE_AGENT);
	/* Final: no action of the table applies to a transferred ticket. */
	for (a = TICKET_CREATE; a <= TICKET_TRANSFER; a++)
		for (r = 0; r < N(roles); r++)
			assert_int_not_equal(ticket_check(a, S(TRANSFERRED),
			    roles[r]), TICKET_ALLOWED);
	assert_string_equal(ticket_state_name(S(TRANSFERRED)), "transferred");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_past_and_drills, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_now, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_frame, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_report_about_a_service,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_wins, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_except_and_negation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_leftovers, setup,
		    teardown),
		cmocka_unit_test(test_bad_emergencies),
		cmocka_unit_test(test_transfer_transition),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
