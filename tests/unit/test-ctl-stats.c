/* Unit tests of hotlinectl's supervision formatting (ctl-stats-format.c) and the report's CSV (ctl-report-csv.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl-stats.h"

/* Returns a rate of num/den with its value, as the daemon sends it. */
static Hotline__Rate
rate(uint64_t num, uint64_t den)
{
	Hotline__Rate r = HOTLINE__RATE__INIT;

	r.numerator = num;
	r.denominator = den;
	r.value = den > 0 ? (double)num / (double)den : 0;
	return r;
}

/* A defined rate prints as "value% (num/den)", a percentage, and a number for spreadsheets. */
static void
test_rate_defined(void **state)
{
	Hotline__Rate r = rate(7, 8);
	char out[64];

	(void)state;
	ctl_format_rate(&r, out, sizeof out);
	assert_string_equal(out, "87.5% (7/8)");
	ctl_format_percent(&r, out, sizeof out);
	assert_string_equal(out, "87.5%");
	ctl_format_rate_number(&r, out, sizeof out);
	assert_string_equal(out, "87.5");
	r = rate(2, 3);
	ctl_format_rate_number(&r, out, sizeof out);
	assert_string_equal(out, "66.7");
	r = rate(5, 5);
	ctl_format_rate(&r, out, sizeof out);
	assert_string_equal(out, "100.0% (5/5)");
}

/* A rate over nothing (or no rate at all) is undefined: "—" in text, empty in the CSV. */
static void
test_rate_undefined(void **state)
{
	Hotline__Rate r = rate(0, 0);
	char out[64];

	(void)state;
	assert_false(ctl_rate_defined(&r));
	assert_false(ctl_rate_defined(NULL));
	ctl_format_rate(&r, out, sizeof out);
	assert_string_equal(out, "—");
	ctl_format_percent(NULL, out, sizeof out);
	assert_string_equal(out, "—");
	ctl_format_rate_number(&r, out, sizeof out);
	assert_string_equal(out, "");
	r = rate(0, 4);
	assert_true(ctl_rate_defined(&r));
	ctl_format_rate(&r, out, sizeof out);
	assert_string_equal(out, "0.0% (0/4)");
}

/* Averages print with one decimal, or the placeholder over no tickets. */
static void
test_hours(void **state)
{
	char out[32];

	(void)state;
	ctl_format_hours(2.25, 4, "—", out, sizeof out);
	assert_string_equal(out, "2.2");	/* round half to even in binary */
	ctl_format_hours(20.06, 1, "—", out, sizeof out);
	assert_string_equal(out, "20.1");
	ctl_format_hours(0, 0, "—", out, sizeof out);
	assert_string_equal(out, "—");
	ctl_format_hours(0, 0, "", out, sizeof out);
	assert_string_equal(out, "");
}

/* Margins say early, late or left in working hours. */
static void
test_margin(void **state)
{
	char out[64];

	(void)state;
	ctl_lang = CTL_LANG_EN;
	ctl_format_margin(7.75, 1, out, sizeof out);
	assert_string_equal(out, "early by 7.8 wh");
	ctl_format_margin(-3, 1, out, sizeof out);
	assert_string_equal(out, "late by 3.0 wh");
	ctl_format_margin(-0.5, 0, out, sizeof out);
	assert_string_equal(out, "late by 0.5 wh");
	ctl_format_margin(2, 0, out, sizeof out);
	assert_string_equal(out, "2.0 wh left");
	ctl_lang = CTL_LANG_ZH;
	ctl_format_margin(7.75, 1, out, sizeof out);
	assert_string_equal(out, "提前 7.8 工作小时");
	ctl_format_margin(-3, 1, out, sizeof out);
	assert_string_equal(out, "超时 3.0 工作小时");
	ctl_format_margin(2, 0, out, sizeof out);
	assert_string_equal(out, "剩 2.0 工作小时");
}

/* The default period is the month in Beijing time, whatever the machine's zone. */
static void
test_default_period(void **state)
{
	char out[16];

	(void)state;
	ctl_default_period(1795305600, out, sizeof out);	/* 2026-11-22 00:00 UTC */
	assert_string_equal(out, "2026-11");
	ctl_default_period(1798761600 - 8 * 3600, out, sizeof out);	/* 2027-01-01 00:00 +08 */
	assert_string_equal(out, "2027-01");
	ctl_default_period(1798761600 - 8 * 3600 - 1, out, sizeof out);
	assert_string_equal(out, "2026-12");
}

/* Relative periods name the period around now in Beijing time, across year ends. */
static void
test_relative_period(void **state)
{
	const time_t nov22 = 1795305600;		/* 2026-11-22 08:00 +08, a Sunday */
	const time_t new_year = 1798761600 - 8 * 3600;	/* 2027-01-01 00:00 +08 */
	char out[16] = "untouched";

	(void)state;
	assert_int_equal(ctl_relative_period("2026-11", nov22, out, sizeof out),
	    0);
	assert_string_equal(out, "untouched");
	assert_int_equal(ctl_relative_period("this-month", nov22, out,
	    sizeof out), 1);
	assert_string_equal(out, "2026-11");
	ctl_relative_period("本季度", nov22, out, sizeof out);
	assert_string_equal(out, "2026-Q4");
	ctl_relative_period("last-quarter", nov22, out, sizeof out);
	assert_string_equal(out, "2026-Q3");
	ctl_relative_period("today", nov22, out, sizeof out);
	assert_string_equal(out, "2026-11-22");
	ctl_relative_period("this-week", nov22, out, sizeof out);
	assert_string_equal(out, "2026-W47");
	ctl_relative_period("last-week", nov22, out, sizeof out);
	assert_string_equal(out, "2026-W46");
	ctl_relative_period("this-year", nov22, out, sizeof out);
	assert_string_equal(out, "2026");
	ctl_relative_period("last-month", new_year, out, sizeof out);
	assert_string_equal(out, "2026-12");
	ctl_relative_period("last-quarter", new_year, out, sizeof out);
	assert_string_equal(out, "2026-Q4");
	ctl_relative_period("yesterday", new_year, out, sizeof out);
	assert_string_equal(out, "2026-12-31");
	ctl_relative_period("去年", new_year, out, sizeof out);
	assert_string_equal(out, "2026");
	ctl_relative_period("this-month", new_year - 1, out, sizeof out);
	assert_string_equal(out, "2026-12");		/* 23:59:59 +08 */
}

/* The report is named after the period's form. */
static void
test_report_name(void **state)
{
	(void)state;
	assert_string_equal(ctl_report_name("2026-Q3"), "季度通报");
	assert_string_equal(ctl_report_name("2026-11"), "月度通报");
	assert_string_equal(ctl_report_name("2026"), "年度通报");
	assert_string_equal(ctl_report_name("2026-W47"), "周通报");
	assert_string_equal(ctl_report_name("2026-11-22"), "日通报");
	assert_string_equal(ctl_report_name("2026-07-01..2026-09-30"), "通报");
}

/* Chinese characters take two columns, ASCII and the dash one; padding fills to the width. */
static void
test_display_width(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(ctl_display_width(""), 0);
	assert_int_equal(ctl_display_width("zjj"), 3);
	assert_int_equal(ctl_display_width("住建局 zjj"), 10);
	assert_int_equal(ctl_display_width("按时签收率"), 10);
	assert_int_equal(ctl_display_width("—"), 1);
	assert_int_equal(ctl_display_width("（）"), 4);	/* full-width */
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	ctl_print_padded(f, "排名", 6, 1);
	ctl_print_padded(f, "住建局", 8, 0);
	ctl_print_padded(f, "toolongtext", 4, 0);
	fputc('|', f);
	fclose(f);
	assert_string_equal(buf, "  排名住建局  toolongtext|");
	free(buf);
}

/* A department of the test CSV, with counters and indicators. */
struct dept {
	Hotline__DepartmentScore s;
	Hotline__Department d;
	Hotline__Counters c;
	Hotline__Indicators in;
	Hotline__Rate r[6];
};

/* Fills a department: ranked rank (0: too few), received, and one defined rate. */
static void
dept_init(struct dept *x, const char *id, const char *name, uint32_t rank,
    uint64_t received)
{
	Hotline__DepartmentScore s = HOTLINE__DEPARTMENT_SCORE__INIT;
	Hotline__Department d = HOTLINE__DEPARTMENT__INIT;
	Hotline__Counters c = HOTLINE__COUNTERS__INIT;
	Hotline__Indicators in = HOTLINE__INDICATORS__INIT;
	size_t i;

	x->s = s, x->d = d, x->c = c, x->in = in;
	for (i = 0; i < 6; i++)
		x->r[i] = rate(0, 0);
	x->d.id = (char *)id;
	x->d.name = (char *)name;
	x->c.received = received;
	x->c.signed_ = received;
	x->c.overdue = 1;
	x->r[0] = rate(7, 8);
	x->in.response = &x->r[0], x->in.on_time = &x->r[1];
	x->in.resolution = &x->r[2], x->in.satisfaction = &x->r[3];
	x->in.returns = &x->r[4], x->in.reopens = &x->r[5];
	x->in.avg_sign_hours = 1.5;
	x->s.department = &x->d;
	x->s.counters = &x->c;
	x->s.indicators = &x->in;
	x->s.score = rank ? 92.25 : 40;
	x->s.rank = rank;
	x->s.too_few = rank == 0;
}

/* The report's CSV: BOM, Chinese header, one CRLF row per department, undefined rates empty. */
static void
test_report_csv(void **state)
{
	Hotline__ScorecardReply r = HOTLINE__SCORECARD_REPLY__INIT;
	Hotline__DepartmentScore *list[2];
	struct dept a, b;
	char *buf = NULL, *row;
	size_t len = 0;
	FILE *f;

	(void)state;
	dept_init(&a, "zjj", "住建局", 1, 8);
	dept_init(&b, "cgj", "城管局, 执法", 0, 1);	/* a comma: quoted */
	list[0] = &a.s, list[1] = &b.s;
	r.departments = list;
	r.n_departments = 2;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(ctl_report_csv(f, &r), 0);
	fclose(f);
	assert_memory_equal(buf, "\xef\xbb\xbf", 3);
	assert_non_null(strstr(buf, "排名,单位,得分,受理/派单量,按时签收率,按时办结率,"
	    "解决率,满意率,退单率,重办率,平均签收时长(工作小时),"
	    "平均办结时长(工作小时),超期,签收超时,延期,免考核,"));
	assert_non_null(row = strstr(buf, "\r\n1,住建局,92.2,8,87.5,,,,,,1.5,,1,0,0,0,"));
	assert_non_null(strstr(row, ",zjj,\r\n"));
	assert_non_null(row = strstr(buf, "\r\n,\"城管局, 执法\",40.0,1,87.5,"));
	assert_non_null(strstr(row, ",cgj,样本不足，不参与排名\r\n"));
	assert_int_equal(buf[len - 1], '\n');
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_defined),
		cmocka_unit_test(test_rate_undefined),
		cmocka_unit_test(test_hours),
		cmocka_unit_test(test_margin),
		cmocka_unit_test(test_default_period),
		cmocka_unit_test(test_relative_period),
		cmocka_unit_test(test_report_name),
		cmocka_unit_test(test_display_width),
		cmocka_unit_test(test_report_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
