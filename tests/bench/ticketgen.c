/* Realistic 12345 tickets: citizens' demands in Chinese, built from phrase tables of the demo city. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "ticketgen.h"

#define T(x) (1u << HOTLINE__TICKET_TYPE__TICKET_TYPE_##x)
#define CONSULT T(CONSULTATION)
#define HELP T(HELP)
#define COMPLAIN T(COMPLAINT)
#define REPORT T(REPORT)
#define SUGGEST T(SUGGESTION)
#define PRAISE T(PRAISE)

/*
 * One kind of demand as citizens phrase it. Facts carry the words the
 * catalogue (conf/catalogue.conf) routes on, as real demands do; a few kinds
 * carry none or weak ones and land in triage (待派单), as they would.
 * districts limits where the demand arises ("" = anywhere).
 */
struct scenario {
	unsigned types;
	const char *districts;
	const char *titles[4];
	const char *facts[7];
};

static const struct scenario scenarios[] = {
	/* 住建局 */
	{ COMPLAIN | HELP, "", { "小区物业不作为，楼道垃圾长期无人清理",
	    "物业公司只收费不服务", "物业管理混乱，业主意见很大" },
	  { "小区物业公司每年按时收取物业费，但楼道垃圾经常一两周都没人清理。",
	    "小区门禁和监控等设施损坏后，物业迟迟不安排维修。",
	    "业主多次到物业服务中心反映，工作人员态度敷衍。",
	    "小区至今没有成立业主委员会，业主的意见无处表达。",
	    "物业公司擅自将小区公共区域出租收费，收益去向不明。" } },
	{ COMPLAIN | HELP, "", { "新房墙体开裂、楼上漏水", "商品房质量问题，开发商维修不力" },
	  { "去年刚交房的商品房，入住不到一年就出现多处墙体开裂。",
	    "每逢下雨，卫生间和阳台都会渗水，天花板已经发霉。",
	    "多次联系开发商维修，对方只是简单修补，问题反复出现。",
	    "{s}担心房屋质量存在问题，要求开发商彻底整改。" } },
	{ COMPLAIN | HELP, "", { "开发商延期交房，至今没有明确说法", "楼盘停工，担心烂尾" },
	  { "购房合同约定{d}交房，{c}房地产开发商至今仍未交房。",
	    "工地已经停工数月，业主担心项目变成烂尾楼。",
	    "开发商对延期交房的违约金问题避而不谈。",
	    "上百户业主每月要还房贷，同时还要在外租房，负担很重。" } },
	{ CONSULT, "", { "咨询公租房申请条件", "咨询人才房申请", "咨询住房保障政策" },
	  { "{s}想了解本市公租房的申请条件和需要准备的材料。",
	    "{s}询问外地户籍在本市工作满几年可以申请人才房。",
	    "{s}询问住房保障资格审核大概需要多长时间。",
	    "{s}询问申请成功后租金标准是多少。" } },
	{ HELP | SUGGEST, "", { "老旧小区加装电梯进展缓慢", "希望尽快加装电梯" },
	  { "小区属于老旧小区改造范围，楼里多是七八十岁的老人，上下楼非常困难。",
	    "加装电梯的方案已经征得大部分业主同意，但审批一直没有进展。",
	    "低楼层个别住户反对，协调了很长时间没有结果。" } },
	/* 生态环境局 */
	{ COMPLAIN | REPORT, "", { "工地夜间施工扰民", "附近工地深夜打桩" },
	  { "{r}附近的建筑工地每天晚上十点以后仍在施工，打桩声音很大。",
	    "夜间施工一直持续到凌晨一两点，居民根本无法入睡。",
	    "{s}不清楚该工地是否办理了夜间施工许可。",
	    "工地运输车辆进出频繁，鸣笛声不断。" } },
	{ REPORT | COMPLAIN, "", { "工厂偷排污水，河水发黑发臭", "举报企业排污" },
	  { "附近的{c}化工厂晚上偷排废水，排口就在河边。",
	    "河道污染严重，水面发黑，夏天散发刺鼻气味。",
	    "河里的鱼大量死亡，周边居民意见很大。",
	    "{s}称该厂白天停工，一到深夜就开始排放。" } },
	{ COMPLAIN | REPORT, "", { "有人露天焚烧垃圾", "焚烧废旧轮胎，气味刺鼻" },
	  { "有人经常在{r}旁的空地上露天焚烧垃圾和废旧轮胎。",
	    "焚烧产生的废气有刺鼻气味，附近居民不敢开窗。",
	    "浓烟飘进附近的小学，孩子们上课都受影响。" } },
	/* 人社局 */
	{ HELP | COMPLAIN, "", { "公司拖欠工资三个月", "讨要工资无果", "装修公司欠薪" },
	  { "{s}在{c}装修公司工作，公司已经拖欠工资{n}个月。",
	    "老板{p}一直以资金周转困难为由不发工资，共有{N}名工人被欠薪，合计{m}。",
	    "{s}曾多次找公司讨薪，对方只说再等一等。",
	    "工人们当初没有签订劳动合同，担心维权困难。",
	    "临近年关，工人们急着拿钱回老家过年。" } },
	{ CONSULT, "", { "咨询失业金申领", "咨询养老保险缴纳", "咨询社保转移" },
	  { "{s}询问失业金的申领条件和领取期限。",
	    "{s}想了解社保断缴后对养老保险有什么影响。",
	    "{s}询问灵活就业人员如何缴纳社会保险。",
	    "{s}从外省调到本市工作，询问社保关系如何转移接续。" } },
	{ COMPLAIN | HELP, "", { "被公司无故辞退，不给补偿", "公司长期不付加班费" },
	  { "{s}称{c}科技公司{d}以业绩不达标为由将其辞退，没有支付经济补偿。",
	    "公司长期要求员工加班，却从未支付加班费。",
	    "{s}希望了解如何申请劳动仲裁。" } },
	/* 市场监管局 */
	{ COMPLAIN | REPORT, "", { "餐馆饭菜不干净，吃后腹泻", "举报餐馆卫生差" },
	  { "{s}{d}在{c}餐馆就餐后出现腹泻呕吐，怀疑是食品安全问题。",
	    "该餐馆后厨卫生条件差，{s}看到部分食材已经变质。",
	    "{s}还发现该店没有张贴任何证照，疑似无证经营。",
	    "同桌就餐的几位朋友也出现了类似症状。" } },
	{ COMPLAIN | HELP, "", { "健身房关门，预付卡退不了", "商家跑路，会员退款无门" },
	  { "{s}{d}在小区附近的{c}健身房办了预付卡，还有{m}余额未使用。",
	    "健身房突然关门，商家跑路，联系不上负责人。",
	    "多名会员要求退款，均没有结果。",
	    "{s}手上有办卡时的收据和聊天记录。" } },
	{ COMPLAIN, "", { "超市标价与结算价不一致", "超市多收钱" },
	  { "{c}超市货架上的明码标价与收银结算价格不一致，结账时多收钱。",
	    "{s}向收银员提出后，对方只退了差价，没有任何解释。",
	    "{s}认为该超市存在价格欺诈行为。" } },
	{ HELP | COMPLAIN, "", { "小区电梯故障频发，多次困人", "电梯经常停运" },
	  { "小区{b}的电梯经常出现故障，本月已经发生{n}次电梯困人。",
	    "维保单位每次只是简单处理，没有彻底排查。",
	    "居民担心这些特种设备存在安全问题，不敢乘坐。" } },
	/* 交通运输局 */
	{ COMPLAIN, "", { "出租车拒载绕路", "的士不打表，要求一口价" },
	  { "{s}{d}{t}在火车站打车时遭遇出租车拒载。",
	    "另一名司机故意绕路，还不打表，要求一口价。",
	    "{s}已经记下车牌号{k}，要求严肃处理。" } },
	{ SUGGEST | COMPLAIN, "", { "公交末班车时间太早", "建议加密公交班次" },
	  { "附近公交线路的末班车晚上八点就停运，下班晚的市民无车可坐。",
	    "该线路发车间隔过长，高峰期要等半个多小时。",
	    "建议增加班次，并把末班车时间延长到晚上十点。" } },
	/* 教育局 */
	{ CONSULT, "", { "咨询小学入学划片", "咨询孩子入学政策" },
	  { "{s}孩子今年满六周岁，想了解小学入学的划片范围。",
	    "{s}询问租房家庭的孩子能否在租住地就近入学。",
	    "{s}询问学位申请需要提供哪些材料。" } },
	{ REPORT, "", { "举报培训机构违规补课", "周末违规开展学科培训" },
	  { "小区附近有培训机构在周末违规组织学科类补课。",
	    "该机构收费高昂，还要求家长一次性缴纳全年费用。",
	    "上课地点设在居民楼内，消防条件也不达标。" } },
	{ COMPLAIN, "", { "幼儿园收费名目多", "幼儿园强制购买用品" },
	  { "孩子就读的幼儿园除了保教费外还收取各种名目的费用。",
	    "园方要求家长统一购买指定的园服和教材。",
	    "家长们对收费标准有疑问，园方不予解释。" } },
	/* 卫健委 */
	{ COMPLAIN, "", { "医院挂号难，接诊敷衍", "看病排队时间太长" },
	  { "{s}{d}带老人到医院看病，排队挂号等了{n}个多小时。",
	    "接诊医生态度冷淡，没有仔细询问病情就开了检查单。",
	    "{s}对该院的服务流程很不满意。" } },
	{ CONSULT, "", { "咨询疫苗接种", "咨询儿童预防接种" },
	  { "{s}询问孩子的预防接种应该到哪个社区卫生服务中心。",
	    "{s}想了解成人接种疫苗是否需要提前预约。",
	    "{s}询问接种后出现发热应该怎么处理。" } },
	/* 医保局 */
	{ CONSULT | HELP, "", { "异地就医报销问题", "咨询医保报销比例" },
	  { "{s}的父亲在外地住院，想了解异地就医如何备案。",
	    "{s}询问医保门诊统筹的报销比例和起付线。",
	    "{s}反映医保卡在定点药房无法正常结算。" } },
	/* 城管局 */
	{ COMPLAIN, "", { "小区门口流动摊贩占道经营", "摊贩占用人行道" },
	  { "每天傍晚小区门口都有{N}个流动摊贩占道经营。",
	    "摊贩占用人行道，行人只能走到机动车道上，非常危险。",
	    "烧烤摊油烟很大，收摊后垃圾随地乱扔。" } },
	{ REPORT, "", { "举报楼顶违章搭建", "顶楼住户私自加盖" },
	  { "小区{b}的顶楼住户在楼顶加盖房屋，属于违章建筑。",
	    "违法建设已经施工了一个多月，楼下住户担心房屋安全。",
	    "施工人员晚上偷偷运材料上楼，白天关门停工。" } },
	{ COMPLAIN, "", { "广场舞声音太大", "广场活动扰民" },
	  { "小区附近广场每天晚上都有人跳广场舞，高音喇叭声音很大。",
	    "活动一直持续到晚上十点以后，影响居民休息。",
	    "{s}曾上前劝说，对方不予理睬。" } },
	{ HELP, "", { "路灯不亮，井盖缺失", "道路设施损坏无人修" },
	  { "{r}附近的路灯已经坏了{n}个星期，晚上一片漆黑。",
	    "路边有一个井盖缺失，只用树枝简单遮挡。",
	    "前几天已经有骑电动车的市民在那里摔倒。" } },
	{ COMPLAIN, "", { "垃圾清运不及时", "垃圾桶满溢无人管" },
	  { "小区门口的垃圾桶经常满溢，垃圾堆积{n}天无人清运。",
	    "天气炎热，垃圾散发臭味，蚊蝇滋生。",
	    "垃圾分类点的工作人员经常不在岗。" } },
	/* 自然资源局 */
	{ CONSULT | HELP, "", { "房产证迟迟办不下来", "咨询不动产登记" },
	  { "{s}购买的商品房已经交房{n}年，至今办不了产权证。",
	    "{s}询问办理不动产登记需要准备哪些材料。",
	    "开发商称手续还在办理中，但一直没有具体时间。" } },
	/* 民政局 */
	{ HELP | CONSULT, "", { "家庭困难申请低保", "咨询临时救助" },
	  { "{s}家庭生活困难，丈夫患重病，想申请最低生活保障。",
	    "{s}询问低保和临时救助的申请条件。",
	    "孩子还在读书，家里只靠{s}打零工维持生活。" } },
	{ CONSULT, "", { "咨询高龄补贴申领", "咨询居家养老服务" },
	  { "{s}父亲今年满八十周岁，想了解高龄补贴如何申领。",
	    "{s}询问社区居家养老服务的收费标准。",
	    "{s}想了解附近有没有公办养老院可以入住。" } },
	/* 供水、供电、燃气 */
	{ HELP, "", { "小区突然停水", "停水没有提前通知" },
	  { "小区从今天早上开始停水，事先没有收到任何通知。",
	    "家里有老人小孩，没水做饭洗澡，生活非常不便。",
	    "{s}询问什么时候能恢复供水。" } },
	{ COMPLAIN | HELP, "", { "自来水发黄有异味", "家中水质异常" },
	  { "最近{n}天家里的自来水发黄，烧开后还有沉淀。",
	    "{s}担心水质问题影响家人健康。",
	    "同一栋楼的其他住户也有同样情况。" } },
	{ HELP | COMPLAIN, "", { "小区频繁停电", "电压不稳烧坏电器" },
	  { "这个月小区已经停电{n}次，每次持续{n}个多小时。",
	    "电压不稳导致家里的冰箱和空调损坏。",
	    "{s}询问是否是线路老化造成的，什么时候能彻底解决。" } },
	{ HELP, "", { "楼道有燃气味", "怀疑燃气泄漏" },
	  { "{s}闻到楼道里有很浓的燃气味，怀疑燃气泄漏。",
	    "{s}已经按照提示开窗通风，并离开了房间。",
	    "{s}希望燃气公司马上派人上门检查。" } },
	/* 公安局 (非紧急) */
	{ CONSULT, "", { "咨询户口迁移", "咨询补办身份证", "咨询办理居住证" },
	  { "{s}想把户口从外地迁到本市，询问落户的条件。",
	    "{s}询问身份证丢失后如何补办。",
	    "{s}询问办理居住证需要哪些材料。" } },
	{ COMPLAIN, "", { "小区周边违章停车严重", "乱停车堵塞消防通道" },
	  { "小区周边道路违章停车现象严重，消防通道经常被堵。",
	    "早晚高峰车辆乱停车，造成交通拥堵。",
	    "{s}希望在高峰时段加强巡查。" } },
	{ HELP, "", { "遭遇电信诈骗", "网购被骗" },
	  { "{s}{d}接到自称客服的电话，被骗转账{m}。",
	    "{s}已经向派出所报案，想了解案件进展。",
	    "{s}希望提醒其他市民提高警惕。" } },
	/* 区政府 */
	{ COMPLAIN | HELP, "", { "征收补偿款迟迟未到位", "安置房交付一再推迟" },
	  { "{s}家的房屋去年被列入征收范围，签订协议已经一年。",
	    "还有{m}拆迁补偿款至今没有到位。",
	    "安置房交付时间一再推迟，{s}一家只能在外租房。" } },
	{ COMPLAIN | HELP, "晋安区马尾区", { "宅基地建房审批难", "村务不公开" },
	  { "{s}想在自家宅基地上翻建房屋，村委会一直不给办理。",
	    "{s}认为村务公开不到位，村干部处事不公。",
	    "{s}家的老房子年久失修，雨季漏雨严重。" } },
	{ COMPLAIN, "马尾区", { "码头附近海漂垃圾多", "岸线垃圾无人清理" },
	  { "码头附近的海漂垃圾越来越多，退潮后一片狼藉。",
	    "渔船停靠后随意丢弃生活垃圾。" } },
	/* No clear department: these wait for a dispatcher (待派单). */
	{ COMPLAIN, "", { "楼上装修噪音大", "邻居装修扰民" },
	  { "楼上住户装修，每天{t}就开始电钻敲打，噪音很大。",
	    "{s}上楼沟通过几次，对方态度强硬。",
	    "{s}家里有高考的孩子，急需安静的学习环境。" } },
	{ HELP, "", { "邻里纠纷请求调解", "邻居长期占用公共走道" },
	  { "{s}与邻居因公共走道堆放杂物的问题发生纠纷。",
	    "双方多次协商没有结果，希望有关单位出面调解。" } },
	{ PRAISE, "", { "表扬社区网格员", "感谢社区工作人员" },
	  { "台风期间，社区网格员挨家挨户排查隐患。",
	    "工作人员耐心细致，帮助独居老人转移到安全地点。",
	    "{s}特意致电，对他们的辛勤付出表示感谢。" } },
	{ SUGGEST, "", { "建议增设公共厕所", "建议完善便民设施" },
	  { "附近的滨江步道每天晚上散步的人很多，但周边没有公共厕所。",
	    "{s}建议在步道中段增设一处公共厕所和几张休息座椅。" } },
	{ SUGGEST, "", { "建议小学门口设置红绿灯", "建议完善上学路交通设施" },
	  { "小学门口的马路车流量大，没有红绿灯，孩子们上学过马路很危险。",
	    "{s}建议增设交通信号灯，并在上下学时段安排人员值守。" } },
	{ PRAISE, "", { "表扬供水抢修及时", "感谢抢修人员连夜施工" },
	  { "{d}小区水管爆裂，抢修人员冒雨连夜施工。",
	    "第二天一早就恢复了供水，居民们都很感动。" } },
};

/* The demo city's districts (conf/hotlined.conf) with their streets and towns. */
static const struct {
	const char *name;
	unsigned weight;
	const char *streets[7];
} districts[] = {
	{ "鼓楼区", 25, { "东街街道", "南街街道", "温泉街道", "五凤街道", "鼓东街道",
	    "水部街道", "华大街道" } },
	{ "台江区", 20, { "茶亭街道", "上海街道", "宁化街道", "鳌峰街道", "义洲街道",
	    "苍霞街道" } },
	{ "仓山区", 25, { "仓前街道", "三叉街街道", "金山街道", "上渡街道", "城门镇",
	    "盖山镇" } },
	{ "晋安区", 20, { "茶园街道", "象园街道", "王庄街道", "岳峰镇", "新店镇",
	    "鼓山镇" } },
	{ "马尾区", 10, { "罗星街道", "马尾镇", "亭江镇", "琅岐镇" } },
};

static const char *communities[] = {
	"金桥花园", "闽江新村", "福新花园", "榕城公寓", "安泰小区", "江滨花园",
	"白马新村", "五一新村", "香榭丽舍", "金山碧水", "融侨锦江", "王庄新村",
	"岳峰新城", "东方名城", "左海公馆", "南江滨小区", "西湖新村", "鳌峰苑",
};

static const char *roads[] = {
	"五一中路", "八一七北路", "六一南路", "工业路", "福马路", "江滨西大道",
	"杨桥东路", "湖东路", "华林路", "则徐大道", "连江北路", "首山路",
};

/* Fillers of the slots in phrases: {s} who called, {n} a few, {N} many, {d} a date, {t} a time, {m} money, {c} a firm's name, {p} a person, {b} a building, {r} a road, {k} a plate, {w} a weekday. */
static const char *few[] = { "两", "三", "四", "五", "六", "七", "八", "九" };
static const char *many[] = { "十几", "二十多", "三十多", "四十多", "五十多", "上百" };
static const char *times[] = {
	"早上七点", "早上八点半", "上午九点多", "上午十点", "中午十二点",
	"下午两点", "下午三点半", "下午五点", "傍晚六点", "晚上七点",
	"晚上八点多", "晚上九点半", "晚上十点", "晚上十一点", "凌晨一点",
	"凌晨三点",
};
static const char *firms[] = {
	"鑫源", "恒达", "宏发", "福顺", "万家", "永盛", "金海", "嘉禾", "瑞丰",
	"华联", "兴隆", "佳美", "顺达", "天和", "盛世", "闽榕", "海峡", "东方",
	"新华", "百佳", "鸿运", "立信", "旺达", "汇通",
};
static const char *titles_of_people[] = {
	"某", "师傅", "经理", "阿姨", "主任", "老板", "女士", "先生",
};
static const char *subjects[] = {
	"来电人", "来电人", "市民", "该市民", "诉求人", "其",
};
static const char *weekdays[] = {
	"周一", "周二", "周三", "周四", "周五", "周六", "周日",
};

static const char *surnames[] = {
	"陈", "林", "黄", "张", "吴", "王", "李", "郑", "刘", "杨", "许", "郭",
};

static const char *durations[] = {
	"该问题已经持续两个多月。", "从上周开始就出现这种情况。",
	"近半个月来几乎每天如此。", "今年以来已经多次出现。",
	"这种情况已经持续一年多了。", "最近三四天情况尤其严重。",
};

static const char *impacts[] = {
	"严重影响了周边居民的正常生活。", "给居民出行带来很大不便。",
	"老人和小孩尤其受影响。", "{s}认为存在较大的隐患。",
	"已经影响到附近商户的正常营业。",
};

static const char *attempts[] = {
	"{s}曾多次向有关单位反映，但问题一直没有得到解决。",
	"此前已拨打过热线，至今没有明显改善。",
	"{s}也联系过相关负责人，对方答复会处理，但没有下文。",
};

/* What citizens tell of their own case: no catalogue keywords, slots filled anew each time. */
static const char *narratives[] = {
	"{d}{t}左右，{s}又一次碰到这种情况。",
	"据{s}回忆，最早是在{d}发现的，当时没太在意。",
	"{s}家住{b}，家里{n}口人，其中有一位老人行动不便。",
	"{s}说{d}那天{p}也在场，可以证明当时的情况。",
	"{s}在{d}已经反映过一次，对方答复{n}个工作日内处理，但一直没有消息。",
	"截至来电时，这种情况已经持续了{N}天。",
	"{s}称，{w}和周末尤其明显，{t}前后最严重。",
	"{s}还提到，隔壁{p}家里也是同样的情况。",
	"{s}补充，具体位置在{r}附近，从路口往里走一两百米。",
	"{s}说，为这件事已经请了{n}次假，耽误了不少工作。",
	"{s}表示，{d}曾与{p}当面沟通过，对方口头答应会解决。",
	"{s}称手机里保存有{N}张照片和{n}段视频，可以发给工作人员。",
	"{s}说自己{d}晚上几乎一夜没睡。",
	"{s}表示，前后已经打了{n}次电话，每次都说在处理。",
	"{s}反映，{d}{t}前后又出现了一次，持续了{n}个多小时。",
	"{s}希望工作人员在{t}以后联系，白天不方便接电话。",
	"{s}说{p}曾经答应过{d}之前给答复，但到现在也没有下文。",
	"{s}表示，自己在{c}贸易公司上班，白天不在家。",
	"据{s}讲，{d}有工作人员来看过一次，拍了照就走了。",
	"{s}说{r}一带也有类似情况。",
	"{s}表示，已经把情况写成书面材料，共{n}页。",
	"{s}希望在{d}之前能有一个处理结果。",
	"{s}称自己{N}年前就搬到这里住，以前从没遇到过这种事。",
	"{s}提到，{w}上午{p}也打过电话反映。",
	"{s}表示，这件事让家里{n}个孩子都受了影响。",
	"{s}说，{d}当天还专门去{r}看了一下，情况确实如此。",
	"{s}情绪比较激动，说已经等了{n}个星期。",
	"{s}希望处理结果能在{n}天内告知。",
	"{s}说{b}的{N}户人家都签了名，希望一起解决。",
	"{s}记得{d}{w}的{t}，情况最为严重。",
	"{s}称，{p}让其去找{c}服务中心，那边又让其打热线。",
	"{s}说这件事前后花了{m}，到现在还没有结果。",
};

/* Details citizens add; free of catalogue keywords, so they only lengthen. */
static const char *details[] = {
	"{s}表示，周边不少居民也遇到了同样的问题。",
	"{s}称已经拍照留存，可以配合有关单位调查。",
	"{s}情绪比较激动，认为有关单位相互推诿。",
	"{s}希望工作人员能到现场实地查看。",
	"{s}表示家中有年迈的父母，行动不便。",
	"{s}称此事已经反映过多次，一直没有结果。",
	"{s}希望有关单位能给出明确的处理时限。",
	"据{s}描述，该情况在周末尤为明显。",
	"{s}表示愿意配合有关单位的工作。",
	"{s}担心问题拖下去会越来越严重。",
	"{s}称已经在网上留言，但没有得到回复。",
	"{s}表示，如果问题得不到解决，将继续反映。",
	"{s}希望相关情况能够得到重视。",
	"{s}提到，附近还有一所小学，孩子们每天都要经过。",
	"{s}称邻居们已经联名写了一份情况说明。",
	"{s}上班时间不方便接听电话，请尽量在晚上联系。",
	"{s}表示理解有关单位的难处，但希望尽快有个说法。",
	"据{s}介绍，这一带人口密集，来往人员较多。",
	"{s}说，这件事已经影响到家人的身体健康。",
	"{s}称曾到街道办事处当面反映，工作人员做了登记。",
	"{s}希望有关单位处理时注意方式方法，避免引发矛盾。",
	"{s}表示，问题发生后已经第一时间告知了社区网格员。",
	"{s}称，附近的商户和居民对此都有意见。",
	"{s}补充说明，具体位置在路口往东约一百米处。",
	"{s}表示，之前也有人反映过，但情况没有改善。",
	"{s}希望能公开处理结果，给周边居民一个交代。",
	"{s}称，当天还有其他居民在场，可以作证。",
	"{s}提出，希望有关单位建立长效管理机制。",
	"{s}对热线的工作表示感谢，期待早日解决。",
	"{s}说自己是退休职工，平时都在家，随时可以联系。",
	"{s}表示，事情的经过已经整理成文字材料，可以提供。",
	"{s}反复强调，希望这次能够真正解决问题。",
};

/* Details of consultations and of praise. */
static const char *consult_details[] = {
	"{s}表示自己对相关政策不太了解。",
	"{s}希望能提供具体的咨询电话。",
	"{s}称在网上查到的信息前后不一致。",
	"{s}希望工作人员能说明办理时限。",
	"{s}询问是否可以在网上办理。",
	"{s}表示下周就要去办理，比较着急。",
	"{s}询问是否需要本人到场。",
	"{s}希望能一次性告知所需材料，避免来回跑。",
};

static const char *praise_details[] = {
	"{s}表示，这样的工作作风值得肯定。",
	"{s}希望把感谢转达给相关工作人员。",
	"{s}说，周边居民对此都很满意。",
	"{s}表示，以前总觉得办事难，这次改变了看法。",
	"{s}特别提到，工作人员全程耐心解释，没有一句怨言。",
};

/* Openers and closing requests by ticket type (index = Hotline__TicketType). */
static const char *openers[][2] = {
	{ "市民来电反映：", "来电人反映：" },
	{ "市民来电咨询：", "来电人咨询：" },
	{ "市民来电求助：", "来电人求助：" },
	{ "市民来电反映：", "来电人投诉：" },
	{ "市民来电举报：", "来电人实名举报：" },
	{ "市民来电建议：", "来电人提出建议：" },
	{ "市民来电表扬：", "来电人致电表扬：" },
};

static const char *asks[][2] = {
	{ "请相关部门尽快处理。", "请有关单位尽快核实。" },
	{ "请相关部门予以解答。", "希望工作人员告知具体的办理流程。" },
	{ "希望相关部门尽快帮助解决。", "请有关单位尽快安排人员处理。" },
	{ "要求相关部门尽快核实处理，并回复来电人。",
	  "希望相关部门加强监管，杜绝此类情况再次发生。" },
	{ "要求相关部门依法查处。", "请相关部门尽快调查核实，依法处理。" },
	{ "建议相关部门研究采纳。", "希望有关单位予以考虑。" },
	{ "希望对相关工作人员给予表扬。", "特此致电表示感谢。" },
};

/* Ticket types by share of a city hotline's calls, in percent. */
static const struct {
	Hotline__TicketType type;
	unsigned percent;
} type_mix[] = {
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION, 30 },
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_HELP, 20 },
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT, 33 },
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_REPORT, 6 },
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_SUGGESTION, 7 },
	{ HOTLINE__TICKET_TYPE__TICKET_TYPE_PRAISE, 4 },
};

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* Text being built: bytes, their count and the characters so far. */
struct text {
	char *buf;
	size_t len, cap, chars;
};

/* Starts the generator from seed. */
void
ticketgen_init(struct ticketgen *g, uint64_t seed)
{
	g->state = seed;
}

/* Returns 64 random bits (splitmix64). */
uint64_t
ticketgen_rand(struct ticketgen *g)
{
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Returns a uniform integer in [0, n). */
size_t
ticketgen_below(struct ticketgen *g, size_t n)
{
	return n == 0 ? 0 : (size_t)(ticketgen_rand(g) % n);
}

/* Counts the characters of UTF-8 text (bytes that do not continue one). */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Appends s if it fits within max characters; returns 0, or -1 if not. */
static int
text_add(struct text *t, const char *s, size_t max_chars)
{
	size_t len = strlen(s), chars = utf8_chars(s);

	if (t->chars + chars > max_chars || t->len + len + 1 > t->cap)
		return -1;
	memcpy(t->buf + t->len, s, len + 1);
	t->len += len;
	t->chars += chars;
	return 0;
}

/* Writes the filler of slot c (see the tables) into buf. */
static void
slot_fill(struct ticketgen *g, char c, char *buf, size_t len)
{
	switch (c) {
	case 's':
		snprintf(buf, len, "%s", subjects[ticketgen_below(g,
		    NELEM(subjects))]);
		break;
	case 'n':
		snprintf(buf, len, "%s", few[ticketgen_below(g, NELEM(few))]);
		break;
	case 'N':
		snprintf(buf, len, "%s", many[ticketgen_below(g, NELEM(many))]);
		break;
	case 'd':
		snprintf(buf, len, "%u月%u日", 1 + (unsigned)ticketgen_below(g, 12),
		    1 + (unsigned)ticketgen_below(g, 28));
		break;
	case 't':
		snprintf(buf, len, "%s", times[ticketgen_below(g, NELEM(times))]);
		break;
	case 'm':
		snprintf(buf, len, "%u元", 100 * (3 + (unsigned)ticketgen_below(g,
		    800)));
		break;
	case 'c':
		snprintf(buf, len, "%s", firms[ticketgen_below(g, NELEM(firms))]);
		break;
	case 'p':
		snprintf(buf, len, "%s%s", surnames[ticketgen_below(g,
		    NELEM(surnames))], titles_of_people[ticketgen_below(g,
		    NELEM(titles_of_people))]);
		break;
	case 'b':
		snprintf(buf, len, "%u号楼%u单元", 1 + (unsigned)ticketgen_below(g,
		    40), 1 + (unsigned)ticketgen_below(g, 4));
		break;
	case 'r':
		snprintf(buf, len, "%s%u号", roads[ticketgen_below(g,
		    NELEM(roads))], 1 + (unsigned)ticketgen_below(g, 400));
		break;
	case 'k':
		snprintf(buf, len, "闽A%c%04u", 'A' + (int)ticketgen_below(g, 26),
		    (unsigned)ticketgen_below(g, 10000));
		break;
	case 'w':
		snprintf(buf, len, "%s", weekdays[ticketgen_below(g,
		    NELEM(weekdays))]);
		break;
	default:
		buf[0] = '\0';
	}
}

/* Writes tmpl into out (size len) with every {x} slot filled. */
static void
expand(struct ticketgen *g, const char *tmpl, char *out, size_t len)
{
	char fill[64];
	size_t o = 0, n;

	while (*tmpl != '\0' && o + 1 < len) {
		if (tmpl[0] != '{' || tmpl[1] == '\0' || tmpl[2] != '}') {
			out[o++] = *tmpl++;
			continue;
		}
		slot_fill(g, tmpl[1], fill, sizeof fill);
		if (o + (n = strlen(fill)) + 1 >= len)
			break;
		memcpy(out + o, fill, n);
		o += n;
		tmpl += 3;
	}
	out[o] = '\0';
}

/* Appends template tmpl with its slots filled, if it fits within max characters. */
static int
text_add_filled(struct ticketgen *g, struct text *t, const char *tmpl,
    size_t max_chars)
{
	char buf[1024];

	expand(g, tmpl, buf, sizeof buf);
	return text_add(t, buf, max_chars);
}

/* Picks a ticket type by its share of calls. */
static Hotline__TicketType
pick_type(struct ticketgen *g)
{
	size_t i, r = ticketgen_below(g, 100);

	for (i = 0; i < NELEM(type_mix); i++) {
		if (r < type_mix[i].percent)
			return type_mix[i].type;
		r -= type_mix[i].percent;
	}
	return HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT;
}

/* Picks a scenario that fits type, uniformly. */
static const struct scenario *
pick_scenario(struct ticketgen *g, Hotline__TicketType type)
{
	size_t i, n = 0, k;

	for (i = 0; i < NELEM(scenarios); i++)
		if (scenarios[i].types & (1u << type))
			n++;
	k = ticketgen_below(g, n);
	for (i = 0; i < NELEM(scenarios); i++)
		if ((scenarios[i].types & (1u << type)) && k-- == 0)
			return &scenarios[i];
	return &scenarios[0];
}

/* Picks a district allowed by s, by population weight. */
static size_t
pick_district(struct ticketgen *g, const struct scenario *s)
{
	size_t i, total = 0, r;

	for (i = 0; i < NELEM(districts); i++)
		if (s->districts[0] == '\0' ||
		    strstr(s->districts, districts[i].name) != NULL)
			total += districts[i].weight;
	r = ticketgen_below(g, total);
	for (i = 0; i < NELEM(districts); i++) {
		if (s->districts[0] != '\0' &&
		    strstr(s->districts, districts[i].name) == NULL)
			continue;
		if (r < districts[i].weight)
			return i;
		r -= districts[i].weight;
	}
	return 0;
}

/* Counts the non-NULL entries of a short string array. */
static size_t
count_strings(const char *const *v, size_t max)
{
	size_t n = 0;

	while (n < max && v[n] != NULL)
		n++;
	return n;
}

/* Draws a target length: most demands are short, a few run long. */
static size_t
pick_length(struct ticketgen *g)
{
	double u = (double)(ticketgen_rand(g) >> 11) / 9007199254740992.0;
	double chars = 110 + -log(1 - u) * 230;

	return chars > TICKETGEN_MAX_CHARS ? TICKETGEN_MAX_CHARS : (size_t)chars;
}

/* Fills the ticket's place: district, street, address, and a sentence for the text. */
static void
fill_place(struct ticketgen *g, struct bench_ticket *t,
    const struct scenario *s, char *sentence, size_t len)
{
	size_t d = pick_district(g, s);
	const char *street = districts[d].streets[ticketgen_below(g,
	    count_strings(districts[d].streets, NELEM(districts[d].streets)))];
	const char *community = communities[ticketgen_below(g,
	    NELEM(communities))];
	const char *road = roads[ticketgen_below(g, NELEM(roads))];
	unsigned building = 1 + (unsigned)ticketgen_below(g, 30);

	snprintf(t->district, sizeof t->district, "%s", districts[d].name);
	snprintf(t->street, sizeof t->street, "%s", street);
	snprintf(t->address, sizeof t->address, "%s%s%s%u号楼",
	    districts[d].name, street, community, building);
	switch (ticketgen_below(g, 3)) {
	case 0:
		snprintf(sentence, len, "来电人居住在%s%s%s。", districts[d].name,
		    street, community);
		break;
	case 1:
		snprintf(sentence, len, "地点位于%s%s%s附近。", districts[d].name,
		    street, community);
		break;
	default:
		snprintf(sentence, len, "事发地点：%s%s%s%u号。", districts[d].name,
		    street, road, 1 + (unsigned)ticketgen_below(g, 300));
		break;
	}
}

/*
 * Adds the scenario's first fact (it states the demand), then each of the
 * others, in order, with even odds, while the text is short of target.
 */
static void
add_facts(struct ticketgen *g, struct text *x, const struct scenario *s,
    size_t target)
{
	size_t n = count_strings(s->facts, NELEM(s->facts)), i;

	for (i = 0; i < n; i++) {
		if (i > 0 && (x->chars >= target * 2 / 3 ||
		    ticketgen_below(g, 2) == 0))
			continue;
		text_add_filled(g, x, s->facts[i], TICKETGEN_MAX_CHARS);
	}
}

/* Adds entries of table (n of them), each at most once, until the text reaches target or max are in. */
static void
add_details(struct ticketgen *g, struct text *x, const char *const *table,
    size_t n, size_t target, size_t max)
{
	size_t start = ticketgen_below(g, n), step, i, added = 0;

	/* A step coprime with the table's size visits every entry once. */
	step = 1 + ticketgen_below(g, n - 1);
	while (n % step == 0 && step > 1)
		step--;
	for (i = 0; i < n && x->chars < target && added < max; i++)
		added += text_add_filled(g, x, table[(start + i * step) % n],
		    TICKETGEN_MAX_CHARS - 40) == 0;
}

/*
 * Adds what lengthens a ticket of type: the caller's own account (filled
 * slots make every one different), and a few of the sentences of its kind.
 */
static void
add_type_details(struct ticketgen *g, struct text *x, Hotline__TicketType type,
    size_t target)
{
	if (type == HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION)
		add_details(g, x, consult_details, NELEM(consult_details),
		    target, 3);
	else if (type == HOTLINE__TICKET_TYPE__TICKET_TYPE_PRAISE)
		add_details(g, x, praise_details, NELEM(praise_details), target,
		    2);
	else {
		add_details(g, x, narratives, NELEM(narratives), target,
		    NELEM(narratives));
		add_details(g, x, details, NELEM(details), target, 3);
	}
	if (x->chars < TICKETGEN_MIN_CHARS)
		add_details(g, x, narratives, NELEM(narratives),
		    TICKETGEN_MIN_CHARS, NELEM(narratives));
}

/* Writes the content: opener, place, facts, duration, impact, details, ask, closing. */
static void
fill_content(struct ticketgen *g, struct bench_ticket *t,
    const struct scenario *s, const char *place)
{
	struct text x = { t->content, 0, sizeof t->content, 0 };
	size_t target = pick_length(g);
	int short_kind = t->type == HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION ||
	    t->type == HOTLINE__TICKET_TYPE__TICKET_TYPE_PRAISE;
	int consult = t->type == HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION;

	if (short_kind && target > 260)
		target = 120 + target % 140;	/* questions and thanks are brief */
	t->content[0] = '\0';
	text_add(&x, openers[t->type][ticketgen_below(g, 2)], TICKETGEN_MAX_CHARS);
	if (!consult || ticketgen_below(g, 2) == 0)
		text_add(&x, place, TICKETGEN_MAX_CHARS);
	add_facts(g, &x, s, target);
	if (!consult && t->type != HOTLINE__TICKET_TYPE__TICKET_TYPE_PRAISE) {
		if (ticketgen_below(g, 2) == 0)
			text_add_filled(g, &x, durations[ticketgen_below(g,
			    NELEM(durations))], TICKETGEN_MAX_CHARS);
		if (x.chars < target && ticketgen_below(g, 2) == 0)
			text_add_filled(g, &x, impacts[ticketgen_below(g,
			    NELEM(impacts))], TICKETGEN_MAX_CHARS);
		if (x.chars < target && ticketgen_below(g, 2) == 0)
			text_add_filled(g, &x, attempts[ticketgen_below(g,
			    NELEM(attempts))], TICKETGEN_MAX_CHARS);
	}
	add_type_details(g, &x, t->type, target);
	text_add(&x, asks[t->type][ticketgen_below(g, 2)], TICKETGEN_MAX_CHARS);
	if (t->confidential)
		text_add(&x, "来电人要求对其个人信息保密。", TICKETGEN_MAX_CHARS);
	else if (!consult)
		text_add(&x, "来电人要求处理后回复。", TICKETGEN_MAX_CHARS);
	t->chars = x.chars;
}

/* Picks urgency, channel, confidentiality and the caller's name. */
static void
fill_caller(struct ticketgen *g, struct bench_ticket *t)
{
	size_t r = ticketgen_below(g, 100);

	t->urgency = r < 93 ? HOTLINE__URGENCY__URGENCY_NORMAL : r < 99 ?
	    HOTLINE__URGENCY__URGENCY_URGENT : HOTLINE__URGENCY__URGENCY_CRITICAL;
	r = ticketgen_below(g, 100);
	t->channel = r < 72 ? HOTLINE__CHANNEL__CHANNEL_PHONE : r < 82 ?
	    HOTLINE__CHANNEL__CHANNEL_WECHAT : r < 90 ?
	    HOTLINE__CHANNEL__CHANNEL_APP : r < 97 ?
	    HOTLINE__CHANNEL__CHANNEL_WEB : HOTLINE__CHANNEL__CHANNEL_MAILBOX;
	t->confidential = ticketgen_below(g, 100) < 20;
	if (ticketgen_below(g, 100) < 15)
		t->caller_name[0] = '\0';	/* would not give a name */
	else
		snprintf(t->caller_name, sizeof t->caller_name, "%s%s",
		    surnames[ticketgen_below(g, NELEM(surnames))],
		    ticketgen_below(g, 2) ? "先生" : "女士");
}

/* Writes the next ticket into t. */
void
ticketgen_next(struct ticketgen *g, struct bench_ticket *t)
{
	const struct scenario *s;
	char place[256];

	memset(t, 0, sizeof *t);
	t->type = pick_type(g);
	s = pick_scenario(g, t->type);
	fill_caller(g, t);
	fill_place(g, t, s, place, sizeof place);
	snprintf(t->title, sizeof t->title, "%s", s->titles[ticketgen_below(g,
	    count_strings(s->titles, NELEM(s->titles)))]);
	fill_content(g, t, s, place);
}

/* Returns n tickets made from seed. */
struct bench_ticket *
ticketgen_pool(uint64_t seed, size_t n)
{
	struct bench_ticket *pool = calloc(n, sizeof *pool);
	struct ticketgen g;
	size_t i;

	if (pool == NULL)
		bench_die("out of memory for %zu tickets", n);
	ticketgen_init(&g, seed);
	for (i = 0; i < n; i++)
		ticketgen_next(&g, &pool[i]);
	return pool;
}

/* Returns the caller of ticket seq; see ticketgen.h. */
uint64_t
ticketgen_caller(uint64_t seq)
{
	struct ticketgen g;
	uint64_t r;

	ticketgen_init(&g, seq ^ 0x5bd1e995ULL);
	r = ticketgen_rand(&g);
	if (seq < 64 || r % 10 != 0)
		return seq;
	return ticketgen_caller(seq - 1 - (r >> 8) % 48);
}

/* Writes a mobile number for caller seq; neighbouring seqs give unrelated numbers. */
void
ticketgen_phone(uint64_t seq, char *buf, size_t len)
{
	static const char *prefixes[] = { "130", "133", "135", "136", "137",
	    "138", "139", "150", "152", "158", "159", "177", "180", "186",
	    "188", "189" };
	struct ticketgen g;
	uint64_t r;

	ticketgen_init(&g, seq * 2654435761ULL + 12345);
	r = ticketgen_rand(&g);
	snprintf(buf, len, "%s%08llu", prefixes[r % NELEM(prefixes)],
	    (unsigned long long)((r >> 8) % 100000000ULL));
}

/* Points q's fields at t's text, with the given call id and phone. */
void
ticketgen_request(const struct bench_ticket *t, Hotline__CreateRequest *q,
    char *call_id, char *phone)
{
	hotline__create_request__init(q);
	q->call_id = call_id;
	q->caller_phone = phone;
	q->caller_name = (char *)t->caller_name;
	q->confidential = t->confidential;
	q->district = (char *)t->district;
	q->street = (char *)t->street;
	q->address = (char *)t->address;
	q->title = (char *)t->title;
	q->content = (char *)t->content;
	q->type = t->type;
	q->urgency = t->urgency;
	q->channel = t->channel;
}
