/* The knowledge base's user words: terms of the city's public services that friso's lexicon lacks (医保, 社保卡, 网约车, ...), so that the kb's term extraction keeps them whole; and the function words a question's terms leave out. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "xmalloc.h"

/*
 * Normal form (normalize_text: simplified, lower case), at most
 * SEGMENT_USER_CHARS characters. Changing the list changes the terms of
 * every article: the daemon re-terms the stored versions once when it sees
 * a list other than the one they were made with (kb-reindex.c).
 */
static const char *const kb_user_words[] = {
	"医保", "医保卡", "社保卡", "电子社保卡", "医保电子凭证", "医保目录",
	"医保报销", "职工医保", "居民医保", "城乡居民医保", "门诊统筹",
	"大病保险", "生育保险", "失业保险", "失业金", "生育津贴", "异地就医",
	"新农合", "门特", "特殊病", "五险一金", "灵活就业", "社保补缴",
	"断缴", "转移接续", "养老金认证", "生存认证", "待遇认证",
	"公积金贷款", "商业贷款", "组合贷款", "网签", "不动产证", "维修基金",
	"物业费", "保障房", "公租房", "廉租房", "人才公寓", "人才补贴",
	"购房补贴", "契税补贴", "创业补贴", "创业担保贷款", "就业补贴",
	"技能补贴", "积分落户", "积分入学", "随迁子女", "托育", "残疾证",
	"低保户", "特困", "临时救助", "高龄津贴", "老年卡", "敬老卡", "公交卡",
	"退役军人", "个税", "一网通办", "网约车", "电动车", "电动自行车",
	"车管所", "准生证",
};

/* The list above and the domain lexicon's words after it (kb_words_lexicon). */
static const char **kb_all_words;
static size_t kb_nall_words;

/* Adds the domain lexicon's words (copied) to the list; see kb.h. */
void
kb_words_lexicon(const char *const *w, size_t n)
{
	size_t base = sizeof kb_user_words / sizeof kb_user_words[0], i;

	for (i = base; i < kb_nall_words; i++)
		free((char *)kb_all_words[i]);
	free(kb_all_words);
	kb_all_words = xcalloc(base + n + 1, sizeof *kb_all_words);
	memcpy(kb_all_words, kb_user_words, sizeof kb_user_words);
	for (i = 0; i < n; i++)
		kb_all_words[base + i] = xstrdup(w[i]);
	kb_nall_words = base + n;
}

/* The user words and their number. */
const char *const *
kb_words(size_t *n)
{
	if (kb_all_words != NULL) {
		*n = kb_nall_words;
		return kb_all_words;
	}
	*n = sizeof kb_user_words / sizeof kb_user_words[0];
	return kb_user_words;
}


/*
 * Function words (虚词) and the words every question is made of (pronouns,
 * particles, question words, modal verbs, "请问", "咨询"), normal form: they
 * tell nothing about which article answers, so a query leaves them out of
 * its terms (kb_terms_query) and a match on them alone is no match. The
 * articles keep them (their postings cost little and are never read), but
 * not in their key terms (kb-keys.c): changing the list makes those again
 * (kb_words_fingerprint).
 */
static const char *const kb_function_words[] = {
	/* pronouns and demonstratives */
	"我", "你", "您", "他", "她", "它", "我们", "你们", "他们", "她们",
	"咱", "咱们", "俺", "自己", "人家", "大家", "别人", "本人", "这", "那",
	"这个", "那个", "这些", "那些", "这样", "那样", "这种", "那种", "这边",
	"那边", "这里", "那里", "这儿", "那儿", "这么", "那么", "其", "此",
	"该", "各", "每", "某", "一个", "个", "些", "一些", "一点", "一下",
	/* particles */
	"的", "地", "得", "了", "着", "过", "吗", "呢", "吧", "啊", "呀", "嘛",
	"哦", "哈", "啦", "么", "呗", "哇", "噢", "喔", "嗯", "之", "等", "等等",
	/* prepositions and conjunctions */
	"在", "从", "向", "往", "对", "把", "被", "给", "跟", "和", "与", "及",
	"或", "或者", "还是", "而", "并", "但", "但是", "可是", "因为", "所以",
	"如果", "要是", "的话", "就", "才", "也", "都", "还", "又", "再", "很",
	"太", "挺", "最", "更", "已经", "正在", "一直", "然后", "还有", "就是",
	"关于", "对于",
	/* question words */
	"哪", "哪里", "哪儿", "哪些", "哪个", "什么", "怎么", "怎么样", "怎样",
	"怎么办", "如何", "为什么", "为啥", "啥", "多少", "几", "多久", "是否",
	"是不是", "有没有", "能不能", "可不可以", "会不会", "要不要", "行不行",
	"什么时候", "时候",
	/* modal and all-purpose verbs */
	"是", "有", "没有", "没", "不", "不是", "不能", "不会", "不要", "别",
	"可以", "能", "能够", "会", "要", "想", "需要", "应该", "请问", "问",
	"问问", "请", "咨询", "请教", "了解", "知道", "告诉", "说", "弄", "搞",
	"现在", "今天", "昨天", "明天",
};

/* 1 if the len bytes at s are a function word (normal form). */
int
kb_function_word(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < sizeof kb_function_words / sizeof kb_function_words[0];
	    i++)
		if (kb_function_words[i][0] == s[0] &&
		    strlen(kb_function_words[i]) == len &&
		    memcmp(kb_function_words[i], s, len) == 0)
			return 1;
	return 0;
}

/* Folds the n words of w, in order, into the FNV-1a hash h. */
static unsigned long long
kb_words_hash(unsigned long long h, const char *const *w, size_t n)
{
	const unsigned char *p;
	size_t i;

	for (i = 0; i < n; i++) {
		for (p = (const unsigned char *)w[i]; *p != '\0'; p++)
			h = (h ^ *p) * 1099511628211ULL;
		h = (h ^ '\n') * 1099511628211ULL;
	}
	return h;
}

/*
 * A fingerprint of the user words and, after a line "key terms", the
 * function words (they shape the stored key terms, kb-keys.c), stored
 * beside the terms made with them. Terms stored before key terms were
 * recorded another fingerprint, so the first start after that change
 * makes every version's key terms (kb-reindex.c).
 */
unsigned long long
kb_words_fingerprint(void)
{
	static const char *const mark[] = { "key terms" };
	size_t n;
	const char *const *w = kb_words(&n);
	unsigned long long h;

	h = kb_words_hash(14695981039346656037ULL, w, n);
	h = kb_words_hash(h, mark, 1);
	return kb_words_hash(h, kb_function_words, sizeof kb_function_words /
	    sizeof kb_function_words[0]);
}
