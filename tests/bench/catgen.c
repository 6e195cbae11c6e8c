/* Dispatch catalogues of any size: the demo city's real entries, then keyword combinations from phrase tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "catgen.h"
#include "common.h"
#include "ticketgen.h"

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* Things citizens call about ... */
static const char *objects[] = {
	"电梯", "楼道", "路灯", "井盖", "下水道", "化粪池", "停车场", "充电桩",
	"垃圾桶", "公厕", "公交站台", "人行道", "斑马线", "菜市场", "学校门口",
	"医院门口", "农贸市场", "消防通道", "地下车库", "小区门禁", "绿化带",
	"健身器材", "排水沟", "雨水井", "燃气管道", "自来水管", "电表箱",
	"变压器", "空调外机", "防盗网", "水泥罐车", "电动车", "快递柜",
	"外卖电动车", "临街商铺", "夜市", "烧烤摊", "餐馆", "网吧", "宾馆",
	"棋牌室", "洗车店", "加油站", "诊所", "托育机构", "驾校", "物流园",
	"仓库", "河道", "湖边步道", "公园", "山体", "村道", "桥梁", "隧道",
	"高架桥", "地铁站", "公交车", "长途客车", "停车位", "楼顶", "地下室",
	"外墙", "阳台", "二次供水水箱", "热水器", "门窗", "屋面", "装修垃圾",
	"建筑垃圾", "工地围挡", "施工便道", "广告灯箱", "户外大屏", "路边摊",
	"早餐店", "理发店", "培训班", "托管班", "篮球场", "足球场", "游泳馆",
	"社区食堂", "老年活动中心", "卫生服务站", "药房", "口腔诊所",
	"宠物店", "流浪犬", "出租屋", "群租房", "厂房", "冷库", "加工作坊",
	"沙场", "砖厂", "鱼塘", "菜地", "景区", "农家乐", "民宿",
};

/* ... what is wrong with them ... */
static const char *problems[] = {
	"损坏", "故障", "漏水", "堵塞", "噪音大", "有异味", "乱收费", "被占用",
	"缺失", "倾斜", "脱落", "积水", "冒烟", "漏电", "破损", "无人管理",
	"长期闲置", "违规改造", "违规搭建", "夜间作业", "乱停放", "堆放杂物",
	"私拉电线", "塌陷", "开裂", "停运", "不亮", "松动", "变形", "生锈",
	"虫害", "鼠患", "污水外溢", "油烟扰民", "灯光刺眼", "拥堵", "隐患多",
	"收费不合理", "服务态度差", "拒绝退费", "延误", "超载", "乱鸣笛",
	"无证经营", "价格虚高", "短斤少两", "押金难退", "卫生差", "设施老化",
	"无人维修", "占道经营", "扬尘严重", "排放污水", "深夜营业扰民",
	"消防不达标", "私自扩建", "违规经营", "擅自停业", "虚假宣传",
	"安全管理混乱",
};

/* ... and where or when. */
static const char *places[] = {
	"小区", "村里", "学校附近", "商业街", "工业园", "老城区", "新区",
	"夜间", "周末", "城中村", "安置小区", "江边", "路口", "地铁口",
	"菜场旁", "医院旁", "车站附近", "景区内", "厂区", "郊区",
};

static const char *district_names[] = {
	"鼓楼区", "台江区", "仓山区", "晋安区", "马尾区",
};

/* Returns a copy of s or dies. */
static char *
catgen_strdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		bench_die("out of memory");
	return p;
}

/* Writes combination k: object + problem first, then place + object + problem. */
static void
catgen_keyword(size_t k, char *buf, size_t len)
{
	size_t pairs = NELEM(objects) * NELEM(problems);
	size_t pair = k % pairs, place = k / pairs;

	if (place == 0)
		snprintf(buf, len, "%s%s", objects[pair / NELEM(problems)],
		    problems[pair % NELEM(problems)]);
	else
		snprintf(buf, len, "%s%s%s", places[(place - 1) % NELEM(places)],
		    objects[pair / NELEM(problems)],
		    problems[pair % NELEM(problems)]);
}

/* Returns the number of distinct combinations. */
static size_t
catgen_combinations(void)
{
	return NELEM(objects) * NELEM(problems) * (1 + NELEM(places));
}

/* Returns the code of a minor class (小类) of conf picked by g, or "" when it has none. */
static const char *
catgen_category(const struct config *conf, struct ticketgen *g)
{
	size_t i, n = 0, pick;

	for (i = 0; i < conf->ncategories; i++)
		n += strlen(conf->categories[i].code) == 6;
	if (n == 0)
		return "";
	pick = ticketgen_below(g, (unsigned)n);
	for (i = 0; i < conf->ncategories; i++)
		if (strlen(conf->categories[i].code) == 6 && pick-- == 0)
			break;
	return conf->categories[i].code;
}

/* Fills generated entry e (number i) with keywords from combination *next on. */
static void
catgen_entry(struct catalogue_entry *e, size_t i, const struct config *conf,
    struct ticketgen *g, size_t *next)
{
	const struct department *d = &conf->departments[i % conf->ndepartments];
	size_t k, total = catgen_combinations();
	char kw[256];

	e->nkeywords = 2 + ticketgen_below(g, 5);
	if ((e->keywords = calloc(e->nkeywords, sizeof *e->keywords)) == NULL)
		bench_die("out of memory");
	for (k = 0; k < e->nkeywords; k++) {
		/* A stride coprime with the total visits every combination once. */
		catgen_keyword((*next)++ * 7919 % total, kw, sizeof kw);
		e->keywords[k] = catgen_strdup(kw);
	}
	e->category = catgen_strdup(catgen_category(conf, g));
	e->department = catgen_strdup(d->id);
	e->weight = 0.5 * (double)(1 + ticketgen_below(g, 6));
	e->ndistricts = ticketgen_below(g, 10) == 0;
	e->districts = NULL;
	if (e->ndistricts == 1) {
		if ((e->districts = calloc(1, sizeof *e->districts)) == NULL)
			bench_die("out of memory");
		e->districts[0] = catgen_strdup(district_names[ticketgen_below(g,
		    NELEM(district_names))]);
	}
}

/* Builds n entries; see catgen.h. */
void
catgen_build(struct catgen *c, const struct config *conf, size_t n,
    unsigned seed)
{
	struct ticketgen g;
	size_t i, next = 0;

	if (n * 6 > catgen_combinations())
		bench_die("%zu entries need more keywords than the tables make", n);
	memset(c, 0, sizeof *c);
	if ((c->entries = calloc(n, sizeof *c->entries)) == NULL)
		bench_die("out of memory");
	c->n = n;
	c->nreal = conf->nentries < n ? conf->nentries : n;
	ticketgen_init(&g, seed);
	for (i = 0; i < c->nreal; i++)
		c->entries[i] = conf->entries[i];
	for (i = c->nreal; i < n; i++)
		catgen_entry(&c->entries[i], i, conf, &g, &next);
	for (i = 0; i < n; i++)
		c->nkeywords += c->entries[i].nkeywords;
}

/* Frees the generated entries (the borrowed ones stay with the config). */
void
catgen_free(struct catgen *c)
{
	size_t i, k;

	for (i = c->nreal; i < c->n; i++) {
		struct catalogue_entry *e = &c->entries[i];

		for (k = 0; k < e->nkeywords; k++)
			free(e->keywords[k]);
		for (k = 0; k < e->ndistricts; k++)
			free(e->districts[k]);
		free(e->keywords);
		free(e->districts);
		free(e->category);
		free(e->department);
	}
	free(c->entries);
	memset(c, 0, sizeof *c);
}

/* Writes s as a libconfig string: quoted, with backslashes and quotes escaped. */
static void
catgen_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Writes a list of n strings as "name = [ ... ]; " (nothing when n is 0). */
static void
catgen_put_list(FILE *f, const char *name, char *const *v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	fprintf(f, "%s = [", name);
	for (i = 0; i < n; i++) {
		fputs(i > 0 ? ", " : "", f);
		catgen_put_string(f, v[i]);
	}
	fputs("]; ", f);
}

/* Writes the entries as a catalogue file, with conf's categories; see catgen.h. */
void
catgen_write(const struct catgen *c, const struct config *conf, FILE *f)
{
	const struct catalogue_entry *e;
	size_t i;

	fputs("categories = (", f);
	for (i = 0; i < conf->ncategories; i++) {
		fprintf(f, "%s\n  { code = ", i > 0 ? "," : "");
		catgen_put_string(f, conf->categories[i].code);
		fputs("; name = ", f);
		catgen_put_string(f, conf->categories[i].name);
		fputs("; }", f);
	}
	fputs("\n);\nentries = (", f);
	for (i = 0; i < c->n; i++) {
		e = &c->entries[i];
		fprintf(f, "%s\n  { ", i > 0 ? "," : "");
		catgen_put_list(f, "keywords", e->keywords, e->nkeywords);
		catgen_put_list(f, "patterns", e->patterns, e->npatterns);
		catgen_put_list(f, "districts", e->districts, e->ndistricts);
		catgen_put_list(f, "streets", e->streets, e->nstreets);
		fputs("department = ", f);
		catgen_put_string(f, e->department);
		fputs("; category = ", f);
		catgen_put_string(f, e->category);
		fprintf(f, "; weight = %.6f; }", e->weight);
	}
	fputs("\n);\n", f);
}
