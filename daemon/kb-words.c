/* The knowledge base's user words: terms of the city's public services that friso's lexicon lacks (医保, 社保卡, 网约车, ...), so that the kb's term extraction keeps them whole. */
#include <stddef.h>

#include "kb.h"

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

/* The user words and their number. */
const char *const *
kb_words(size_t *n)
{
	*n = sizeof kb_user_words / sizeof kb_user_words[0];
	return kb_user_words;
}

/* A fingerprint of the list (FNV-1a of the words in order), stored beside the terms made with it. */
unsigned long long
kb_words_fingerprint(void)
{
	unsigned long long h = 14695981039346656037ULL;
	size_t i, n;
	const char *const *w = kb_words(&n);
	const unsigned char *p;

	for (i = 0; i < n; i++) {
		for (p = (const unsigned char *)w[i]; *p != '\0'; p++)
			h = (h ^ *p) * 1099511628211ULL;
		h = (h ^ '\n') * 1099511628211ULL;
	}
	return h;
}
