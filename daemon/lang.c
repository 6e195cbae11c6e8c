/* Picks one language out of a text written with ZH_EN pairs (lang.h). */
#include <stdio.h>
#include <string.h>

#include "lang.h"

/* Returns 1 if text holds a ZH_EN mark, else 0. */
int
lang_marked(const char *text)
{
	return strpbrk(text, "\x1e\x1f\x1d") != NULL;
}

/* See lang.h. */
size_t
lang_pick(const char *text, enum lang lang, char *out, size_t outlen)
{
	enum { PLAIN, ZH, EN } side = PLAIN;
	size_t n = 0;
	const char *p;

	for (p = text; *p != '\0'; p++) {
		if (*p == LANG_RS) {
			side = ZH;
			continue;
		}
		if (*p == LANG_US) {
			side = side == PLAIN ? PLAIN : EN;
			continue;
		}
		if (*p == LANG_GS) {
			side = PLAIN;
			continue;
		}
		if ((side == ZH && lang != LANG_ZH) ||
		    (side == EN && lang != LANG_EN))
			continue;
		if (n + 1 < outlen)
			out[n++] = *p;
	}
	out[n] = '\0';
	return n;
}

/* See lang.h. */
char *
lang_pair(char *out, size_t outlen, const char *zh, const char *en)
{
	snprintf(out, outlen, "\x1e%s\x1f%s\x1d", zh, en);
	return out;
}

/* The Chinese of the operations that change a ticket, by the op table's name. */
static const struct {
	const char *op;
	const char *zh;
} lang_ops[] = {
	{ .op = "create", .zh = "登记" },
	{ .op = "callback", .zh = "回访" },
	{ .op = "triage", .zh = "转待派单" },
	{ .op = "dispatch", .zh = "派单" },
	{ .op = "redispatch", .zh = "改派" },
	{ .op = "decide_extension", .zh = "延期审批" },
	{ .op = "review", .zh = "审核办结回复" },
	{ .op = "merge", .zh = "并单" },
	{ .op = "invalidate", .zh = "作无效件办结" },
	{ .op = "sign", .zh = "签收" },
	{ .op = "reply", .zh = "办结回复" },
	{ .op = "return", .zh = "退单" },
	{ .op = "extend", .zh = "申请延期" },
	{ .op = "suspend", .zh = "挂起" },
	{ .op = "resume", .zh = "恢复办理" },
	{ .op = "note", .zh = "记录办理进展" },
	{ .op = "answer_supervision", .zh = "反馈督办" },
	{ .op = "urge", .zh = "催办" },
	{ .op = "supervise", .zh = "督办" },
	{ .op = "exempt", .zh = "免考核" },
	{ .op = "show", .zh = "查看工单" },
	{ .op = "timeline", .zh = "查看时限" },
	{ .op = "ping", .zh = "探测服务" },
	{ .op = "watch", .zh = "订阅工单动态" },
	{ .op = "classify", .zh = "分类" },
	{ .op = "caller", .zh = "查询来电人工单" },
	{ .op = "list", .zh = "列出本单位工单" },
	{ .op = "scorecard", .zh = "查看考核成绩" },
	{ .op = "hot", .zh = "查看高频诉求" },
	{ .op = "overdue", .zh = "查看超期工单" },
	{ .op = "breaches", .zh = "查看超时记录" },
	{ .op = "search", .zh = "搜索工单" },
	{ .op = "kb_search", .zh = "搜索知识库" },
	{ .op = "kb_import", .zh = "导入知识库" },
	{ .op = "kb_export", .zh = "导出知识库" },
	{ .op = "kb_draft", .zh = "起草知识条目" },
	{ .op = "kb_step", .zh = "审核知识条目" },
	{ .op = "kb_gaps", .zh = "查看知识库缺口" },
	{ .op = "deadline", .zh = "计算时限" },
	{ .op = "shift_clock", .zh = "拨动测试时钟" },
	{ .op = "reload", .zh = "重新加载配置" },
	{ .op = "calendar_import", .zh = "导入日历" },
	{ .op = "calendar_status", .zh = "查看日历状态" },
	{ .op = "export_examples", .zh = "导出分类样本" },
	{ .op = "import_examples", .zh = "导入分类样本" },
	{ .op = "retrain", .zh = "重新训练模型" },
	{ .op = "evaluate", .zh = "评估模型" },
};

/* The Chinese of the roles, by the configuration's name. */
static const struct {
	const char *role;
	const char *zh;
} lang_roles[] = {
	{ .role = "agent", .zh = "话务员" },
	{ .role = "dispatcher", .zh = "派单员" },
	{ .role = "department", .zh = "承办单位" },
	{ .role = "supervisor", .zh = "督办" },
	{ .role = "admin", .zh = "管理员" },
};

/* See lang.h. */
const char *
lang_role_zh(const char *role)
{
	size_t i;

	for (i = 0; i < sizeof lang_roles / sizeof lang_roles[0]; i++)
		if (strcmp(lang_roles[i].role, role) == 0)
			return lang_roles[i].zh;
	return role;
}

/* See lang.h. */
const char *
lang_op_zh(const char *op)
{
	size_t i;

	for (i = 0; i < sizeof lang_ops / sizeof lang_ops[0]; i++)
		if (strcmp(lang_ops[i].op, op) == 0)
			return lang_ops[i].zh;
	return op;
}
