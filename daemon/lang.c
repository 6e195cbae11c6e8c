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
};

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
