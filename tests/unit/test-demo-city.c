/*
 * Unit tests of the demo city: conf/hotlined.conf and conf/catalogue.conf
 * hold what docs/demo-city.md says (every owner with its name and terminal,
 * the districts with their governments and streets, the major classes), and
 * the catalogue covers it (every owner and every major class has entries,
 * district governments only district-bound ones). The files are found under
 * $HOTLINE_SRCDIR (set by tests/run.sh; default: the top of the tree).
 */
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
#include "unit-files.h"

#define DOC_LINES 400
#define DOC_LINE_MAX 2048

/* The demo config, loaded once for every test. */
static struct config *demo;
/* docs/demo-city.md, one line each. */
static char *doc[DOC_LINES];
static size_t ndoc;

/* Loads the demo config and reads docs/demo-city.md. */
static int
setup(void **state)
{
	char path[1024], err[512] = "", line[DOC_LINE_MAX];
	FILE *f;

	(void)state;
	demo = config_load(unit_path("conf/hotlined.conf", path, sizeof path),
	    err, sizeof err);
	if (demo == NULL) {
		fprintf(stderr, "demo config: %s\n", err);
		return -1;
	}
	if ((f = fopen(unit_path("docs/demo-city.md", path, sizeof path),
	    "r")) == NULL)
		return -1;
	while (ndoc < DOC_LINES && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		doc[ndoc++] = strdup(line);
	}
	fclose(f);
	return 0;
}

/* Frees what setup made. */
static int
teardown(void **state)
{
	size_t i;

	(void)state;
	config_free(demo);
	for (i = 0; i < ndoc; i++)
		free(doc[i]);
	return 0;
}

/*
 * Splits a table row "| a | b | c |" into at most max trimmed cells (in
 * place); returns how many, 0 for a line that is not a row.
 */
static size_t
row_cells(char *line, char **cells, size_t max)
{
	size_t n = 0;
	char *p, *end;

	if (line[0] != '|')
		return 0;
	p = line + 1;
	while (n < max && (end = strchr(p, '|')) != NULL) {
		*end = '\0';
		while (*p == ' ')
			p++;
		cells[n] = p;
		for (p = end; p > cells[n] && p[-1] == ' '; p--)
			p[-1] = '\0';
		n++;
		p = end + 1;
	}
	return n;
}

/* Returns 1 if s is a department id as the doc writes it: a-z only. */
static int
is_id(const char *s)
{
	return s[0] != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz") ==
	    strlen(s);
}

/* Counts the catalogue entries of department id. */
static size_t
entries_of(const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < demo->nentries; i++)
		n += strcmp(demo->entries[i].department, id) == 0;
	return n;
}

/*
 * Every owner of the doc's table is a department with the doc's name, a
 * terminal <id>-01 and at least one catalogue entry.
 */
static void
test_owners(void **state)
{
	char line[DOC_LINE_MAX], *cells[4], id[64];
	const struct department *d;
	const struct principal *p;
	size_t i, owners = 0;

	(void)state;
	for (i = 0; i < ndoc; i++) {
		snprintf(line, sizeof line, "%s", doc[i]);
		if (row_cells(line, cells, 4) != 3 || !is_id(cells[0]) ||
		    strcmp(cells[0], "id") == 0)
			continue;
		owners++;
		d = config_department(demo, cells[0]);
		if (d == NULL)
			fail_msg("department %s of docs/demo-city.md is missing",
			    cells[0]);
		assert_string_equal(d->name, cells[1]);
		snprintf(id, sizeof id, "%s-01", cells[0]);
		assert_non_null(p = config_principal(demo, id));
		assert_int_equal(p->role, HOTLINE__ROLE__ROLE_DEPARTMENT);
		assert_string_equal(p->department, cells[0]);
		if (entries_of(cells[0]) == 0)
			fail_msg("department %s has no catalogue entry",
			    cells[0]);
	}
	assert_true(owners >= 39);
	/* The 20 departments the demo had before keep their ids. */
	assert_non_null(config_department(demo, "zjj"));
	assert_non_null(config_department(demo, "gaj"));
	assert_non_null(config_department(demo, "water"));
	assert_int_equal(demo->ndepartments, owners + 5);
}

/* Finds the doc's row for district name; returns its streets cell (in line) or NULL. */
static char *
doc_streets(const char *name, char *line, size_t len)
{
	char *cells[3];
	size_t i, n = strlen(name);

	for (i = 0; i < ndoc; i++) {
		snprintf(line, len, "%s", doc[i]);
		if (row_cells(line, cells, 3) == 2 &&
		    strncmp(cells[0], name, n) == 0 && cells[0][n] == ' ')
			return cells[1];
	}
	return NULL;
}

/*
 * Every district of the doc is in the config with its government (a
 * department named "<district>政府" whose id the doc gives in brackets) and
 * exactly the doc's streets; every district government has entries, all of
 * them bound to its own district.
 */
static void
test_districts(void **state)
{
	char line[DOC_LINE_MAX], gov[128], *save = NULL, *tok, *streets;
	const char *field, *why;
	const struct district *d;
	size_t i, j, nstreets;

	(void)state;
	assert_int_equal(demo->ndistricts, 5);
	for (i = 0; i < demo->ndistricts; i++) {
		d = &demo->districts[i];
		streets = doc_streets(d->name, line, sizeof line);
		if (streets == NULL)
			fail_msg("district %s is not in docs/demo-city.md",
			    d->name);
		snprintf(gov, sizeof gov, "%s政府", d->name);
		assert_non_null(config_department(demo, d->government));
		assert_string_equal(config_department(demo, d->government)->name,
		    gov);
		nstreets = 0;
		for (tok = strtok_r(streets, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			assert_int_equal(config_place_check(demo, d->name, tok,
			    &field, &why), 0);
			nstreets++;
		}
		assert_int_equal(d->nstreets, nstreets);
		assert_true(entries_of(d->government) > 0);
		for (j = 0; j < demo->nentries; j++) {
			const struct catalogue_entry *e = &demo->entries[j];

			if (strcmp(e->department, d->government) != 0)
				continue;
			assert_int_equal(e->ndistricts, 1);
			assert_string_equal(e->districts[0], d->name);
		}
	}
}

/*
 * Every entry's category is a minor class of the tree, and every major
 * class of the doc's subjects line is in the tree with the doc's name and
 * has entries.
 */
static void
test_categories(void **state)
{
	const char *subjects = NULL, *p;
	char code[3], name[64];
	const struct category *c;
	size_t i, k, majors = 0, n;
	int covered;

	(void)state;
	for (i = 0; i < demo->nentries; i++) {
		assert_true(demo->entries[i].category[0] != '\0');
		assert_non_null(category_minor(demo->categories,
		    demo->ncategories, demo->entries[i].category));
	}
	for (i = 0; i < ndoc && subjects == NULL; i++)
		if (strncmp(doc[i], "01 ", 3) == 0)
			subjects = doc[i];
	assert_non_null(subjects);
	/* "01 劳动保障 · 02 市场监管 · ..." over one or more lines. */
	for (k = i - 1; k < ndoc && doc[k][0] != '\0'; k++) {
		for (p = doc[k]; *p != '\0';) {
			if (sscanf(p, "%2[0-9] %63s", code, name) != 2) {
				p++;
				continue;
			}
			majors++;
			c = category_find(demo->categories, demo->ncategories,
			    code);
			if (c == NULL)
				fail_msg("major class %s %s is missing", code,
				    name);
			assert_string_equal(c->name, name);
			covered = 0;
			for (n = 0; n < demo->nentries && !covered; n++)
				covered = strncmp(demo->entries[n].category,
				    code, 2) == 0;
			if (!covered)
				fail_msg("major class %s has no entry", code);
			p += 3 + strlen(name);
		}
	}
	assert_int_equal(majors, 23);
}

/* Records the place names config_each_place hands out. */
struct places {
	size_t districts, streets;
	int saw_gulou, saw_langqi;
};

/* Counts one place name. */
static void
count_place(const char *name, int is_street, void *arg)
{
	struct places *pl = arg;

	if (is_street)
		pl->streets++;
	else
		pl->districts++;
	pl->saw_gulou |= !is_street && strcmp(name, "鼓楼区") == 0;
	pl->saw_langqi |= is_street && strcmp(name, "琅岐镇") == 0;
}

/* A ticket's district and street are checked against the districts group. */
static void
test_places(void **state)
{
	const char *field = NULL, *why = NULL;
	struct places pl = { 0, 0, 0, 0 };

	(void)state;
	assert_int_equal(config_place_check(demo, "", "", &field, &why), 0);
	assert_int_equal(config_place_check(demo, "鼓楼区", "", &field, &why), 0);
	assert_int_equal(config_place_check(demo, "马尾区", "琅岐镇", &field,
	    &why), 0);
	assert_int_equal(config_place_check(demo, "鼓楼", "", &field, &why), -1);
	assert_string_equal(field, "district");
	assert_int_equal(config_place_check(demo, "鼓楼区", "琅岐镇", &field,
	    &why), -1);
	assert_string_equal(field, "street");
	assert_int_equal(config_place_check(demo, "", "东街街道", &field,
	    &why), -1);
	assert_string_equal(field, "district");
	assert_null(config_district(demo, "福州市"));
	assert_string_equal(config_district(demo, "晋安区")->government,
	    "jinan");
	config_each_place(demo, count_place, &pl);
	assert_int_equal(pl.districts, 5);
	assert_int_equal(pl.streets, 10 + 10 + 12 + 9 + 4);
	assert_true(pl.saw_gulou && pl.saw_langqi);
}

/* Classifies text with the demo catalogue; returns the top department id. */
static const char *
top(const char *content, const char *district, struct classify_result *r)
{
	assert_int_equal(classify_text(demo->catalogue, &demo->routing, "",
	    content, district, r), 0);
	return r->nsuggestions > 0 ? r->suggestions[0].department->id : "";
}

/*
 * The emergency lines of the doc: a gas smell now is the gas company's line,
 * not 119; a fire is 119. A district's own 属地 matter goes to its
 * government, a burst main there stays the water company's.
 */
static void
test_lines_and_owners(void **state)
{
	struct classify_result r;

	(void)state;
	top("厨房里闻到很浓的煤气味，不敢开灯", "台江区", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "gas_leak");
	assert_string_not_equal(r.emergency->transfer_to, "119");
	top("对面楼里着火了，冒了很多烟", "台江区", &r);
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->transfer_to, "119");
	assert_string_equal(top("我们小区老旧小区改造加装电梯，低层住户一直反对",
	    "仓山区", &r), "cangshan");
	assert_string_equal(top("路边水管爆裂，水冒得满街都是", "鼓楼区", &r),
	    "water");
	assert_string_equal(top("住房公积金提取一直办不下来", "", &r), "gjj");
	assert_string_equal(top("快递丢了，快递公司不肯赔", "", &r), "yzglj");
	assert_string_equal(top("楼道里好多电动车充电，飞线充电很危险", "", &r),
	    "xfzd");
}

/*
 * The demo catalogue's emergencies: a danger going on now gets its line;
 * the past, a drill, a fear or a complaint about a past call gets none
 * (issue 13: "上次火警演练", "派出所出警慢").
 */
static void
test_emergencies_now_only(void **state)
{
	static const struct {
		const char *text, *line;	/* line NULL: no emergency */
	} cases[] = {
		{ "燃气泄漏了，屋里很浓的煤气味", "96777" },
		{ "刚刚隔壁仓库冒出很大的黑烟，还能看到火光", "119" },
		{ "我爸刚才在家突然倒在地上叫不醒", "120" },
		{ "现在楼下有两个人拿着刀在追一个人", "110" },
		{ "路口两车相撞，一个骑车的人倒在地上起不来", "122" },
		{ "有个小孩刚才掉进河里了，在水里挣扎", "119" },
		{ "上次火警演练的时候消防通道被车堵死了", NULL },
		{ "派出所出警太慢，报警一个小时才来人", NULL },
		{ "去年小区着过火，到现在消防设施也没修", NULL },
		{ "楼道里堆满纸箱，万一着火大家都跑不掉", NULL },
		{ "电动车在楼道充电，我担心哪天会起火", NULL },
		{ "排队三个小时，我妈差点晕倒", NULL },
	};
	struct classify_result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		top(cases[i].text, "鼓楼区", &r);
		if (cases[i].line == NULL && r.emergency != NULL)
			fail_msg("\"%s\": flagged %s", cases[i].text,
			    r.emergency->transfer_to);
		if (cases[i].line != NULL && (r.emergency == NULL ||
		    strcmp(r.emergency->transfer_to, cases[i].line) != 0))
			fail_msg("\"%s\": %s, not %s", cases[i].text,
			    r.emergency != NULL ? r.emergency->transfer_to :
			    "no emergency", cases[i].line);
	}
}

/*
 * Whole tickets as agents write them (normalised as the daemon does):
 * the danger going on now gets its line; a complaint that tells of a past
 * event, a habit, a drill, the aftermath or a service's response gets none.
 */
static void
test_emergencies_in_tickets(void **state)
{
	static const struct {
		const char *text, *line;	/* line NULL: no emergency */
	} cases[] = {
		{ "来电人称其母亲刚才吃饭的时候突然喘不上气，脸憋得发紫，说不出话。", "120" },
		{ "来电人称其进门发现父母躺在床上叫不醒，屋里有股怪味，怀疑是煤气中毒。", "120" },
		{ "来电人称对面楼顶有一个女的坐在边上，说要跳下来，楼下围了很多人。", "110" },
		{ "来电人称其家旁边的仓库有很大的烟冒出来，能看到里面有火光，好像还有人。", "119" },
		{ "来电人称小区里施工把燃气管挖破了，一直在往外冒气，味道很大。", "96777" },
		{ "上周六晚上我们小区门口有人打架，我打了110，派出所过了四十分钟才到，人早跑了。", NULL },
		{ "物业组织消防演练，早上七点就拉警报，说着火了请大家疏散，老人孩子都吓醒了。", NULL },
		{ "我母亲心脏骤停送到医院抢救，抢救过来了，但是医院收费明细不清楚，想投诉。", NULL },
		{ "前天晚上楼道里有煤气味，打燃气公司电话，抢修的人两个小时才到，太慢了。", NULL },
		{ "我们这片城中村治安很差，晚上经常有人抢劫，路灯又不亮，女孩子都不敢出门。", NULL },
		{ "电梯一天停好几次，老人被困在电梯里半个小时，物业说是维保公司的事。", NULL },
		{ "这个弯道没有减速带，经常有车撞上护栏，有人受伤，请交警设置警示标志。", NULL },
		{ "我爸在医院做手术后大出血，医院说是正常并发症，我们觉得是医疗事故。", NULL },
	};
	struct classify_result r;
	char *text;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		text = normalize_text(cases[i].text);
		top(text, "台江区", &r);
		free(text);
		if (cases[i].line == NULL && r.emergency != NULL)
			fail_msg("\"%s\": flagged %s", cases[i].text,
			    r.emergency->transfer_to);
		if (cases[i].line != NULL && (r.emergency == NULL ||
		    strcmp(r.emergency->transfer_to, cases[i].line) != 0))
			fail_msg("\"%s\": %s, not %s", cases[i].text,
			    r.emergency != NULL ? r.emergency->transfer_to :
			    "no emergency", cases[i].line);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_districts),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_places),
		cmocka_unit_test(test_lines_and_owners),
		cmocka_unit_test(test_emergencies_now_only),
		cmocka_unit_test(test_emergencies_in_tickets),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
