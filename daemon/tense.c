/* Whether an emergency's wording tells of a danger going on now, from the words around it and the ticket's framing; a pure core. */
#include <string.h>

#include "tense.h"

#define TENSE_N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Words that, in the same clause as the match, say it is not a danger
 * going on now: something over ("上次火警演练", "去年家里着火后的赔偿"), a
 * fear or a what-if ("万一着火", "担心会着火", "火灾隐患"), a near miss or a
 * denial ("差点晕倒", "不是着火"), hearsay ("新闻里电动车着火"). 刚才 and
 * 刚刚 are not among them: "刚才着火了" is now.
 */
static const char *const tense_not_now[] = {
	/* over */
	"上次", "上回", "去年", "前年", "上个月", "上周", "上星期", "以前",
	"之前", "曾经", "当年", "那年", "那次", "年前", "月前", "过去",
	"昨天", "昨晚", "前天", "前几天", "当时", "事后", "后来", "有一次",
	"幸好", "幸亏", "还好",
	/* a drill */
	"演练", "演习",
	/* a fear, a what-if */
	"万一", "一旦", "如果", "假如", "要是", "担心", "害怕", "生怕",
	"怕", "隐患", "以免", "防止", "预防", "容易", "可能会", "真着火",
	"真的着火", "真要",
	/* a near miss, a denial, hearsay */
	"差点", "差一点", "险些", "不是", "没有看到", "没看到", "新闻",
	"听说", "事件",
};

/* Time words that set a match's frame to now. */
static const char *const tense_now_words[] = {
	"现在", "正在", "刚刚", "刚才", "此刻", "此时", "这会儿", "还在",
	"马上", "眼下",
};

/*
 * Words of today: they end a past frame ("上周停过水 今天……"), but a
 * complaint tells of today too ("今天上午在医院晕倒 医生态度很差"), so
 * they leave the match with no time word of its own (TENSE_NONE).
 */
static const char *const tense_today_words[] = {
	"今天", "今晚", "今早", "今天早上", "今天上午", "今天下午", "目前",
};

/*
 * Time words that set a match's frame to the past, or to what keeps
 * happening (a habit is a complaint, not a call for help now: "晚上经常有人
 * 抢劫", "这个弯道经常有车撞上护栏").
 */
static const char *const tense_past_words[] = {
	/* past */
	"上次", "上回", "去年", "前年", "上个月", "上月", "上周", "上星期",
	"上礼拜", "昨天", "昨晚", "昨日", "前天", "前晚", "前几天",
	"前段时间", "前阵子", "那天", "那次", "那晚", "当时", "曾经",
	"有一次", "年前", "月前", "周前", "天前", "后来", "事后",
	/* a habit */
	"经常", "常常", "总是", "老是", "每天", "天天", "每次", "每年",
	"每到", "时常", "时不时", "动不动", "多次", "好几次", "屡次", "频繁",
	"三天两头",
};

/*
 * Words that make a ticket a report about an event already handled or
 * about how a service responded, a question or praise, rather than a
 * call for help now.
 */
static const char *const tense_report_words[] = {
	/* a complaint, a suggestion, a question, praise */
	"投诉", "建议", "整改", "不合理", "收费", "咨询", "请问", "想问",
	"想了解", "表扬", "感谢",
	/* the response */
	"出警", "处警", "才到", "才赶到", "才过来", "才派车", "迟迟",
	/* a drill */
	"演练", "演习",
	/* the aftermath */
	"送到医院", "送往医院", "送医院", "抢救过来", "住院", "出院", "医药费",
	"赔偿", "理赔", "事故认定", "认定书", "立案", "破案", "结案",
	"手术后", "术后", "医疗事故", "医疗纠纷", "道歉", "调查",
};

/* Returns 1 if one of the n words occurs in the len bytes at s. */
static int
tense_any(const char *s, size_t len, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memmem(s, len, words[i], strlen(words[i])) != NULL)
			return 1;
	return 0;
}

/* Returns 1 if the clause of text around [start, end) says it is not now. */
int
tense_clause_not_now(const char *text, size_t len, size_t start, size_t end)
{
	size_t a = start, b = end;

	if (end > len || start > end)
		return 0;
	while (a > 0 && text[a - 1] != ' ')
		a--;
	while (b < len && text[b] != ' ')
		b++;
	return tense_any(text + a, b - a, tense_not_now,
	    TENSE_N(tense_not_now));
}

/*
 * Returns the start of the last occurrence of one of the n words wholly
 * inside [from, to) of text, or (size_t)-1.
 */
static size_t
tense_last(const char *text, size_t from, size_t to, const char *const *words,
    size_t n)
{
	size_t best = (size_t)-1, i, wl;
	const char *p, *s;

	for (i = 0; i < n; i++) {
		wl = strlen(words[i]);
		s = text + from;
		while ((p = memmem(s, (size_t)(text + to - s), words[i], wl)) !=
		    NULL) {
			if (best == (size_t)-1 || (size_t)(p - text) > best)
				best = (size_t)(p - text);
			s = p + 1;
		}
	}
	return best;
}

/* The time frame of a match ending at end (see tense.h). */
enum tense_frame
tense_frame(const char *text, size_t len, size_t end)
{
	size_t from, now, past, today;

	if (end > len)
		end = len;
	from = end > TENSE_REACH ? end - TENSE_REACH : 0;
	now = tense_last(text, from, end, tense_now_words,
	    TENSE_N(tense_now_words));
	past = tense_last(text, from, end, tense_past_words,
	    TENSE_N(tense_past_words));
	today = tense_last(text, from, end, tense_today_words,
	    TENSE_N(tense_today_words));
	/* (size_t)-1 is "none": compare as one past the text's start */
	now += 1;
	past += 1;
	today += 1;
	if (now == 0 && past == 0)
		return TENSE_NONE;
	if (now > past && now > today)
		return TENSE_NOW;
	if (past > now && past > today)
		return TENSE_PAST;
	return TENSE_NONE;
}

/* Returns 1 if title or content reads as a report (see tense.h). */
int
tense_report(const char *title, const char *content)
{
	return (title != NULL && tense_any(title, strlen(title),
	    tense_report_words, TENSE_N(tense_report_words))) ||
	    (content != NULL && tense_any(content, strlen(content),
	    tense_report_words, TENSE_N(tense_report_words)));
}
