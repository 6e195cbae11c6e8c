/* A direct answer (直接办结) citing a knowledge-base article: the citation's check, its fields for create.lua and its words in the history. */
#include <stdio.h>

#include "hotlined.h"
#include "kb.h"

/* Sets *bad and *why when the citation is not valid; see kb.h. */
void
kb_cite_check(const Hotline__CreateRequest *q, const char **bad,
    const char **why)
{
	if (q->kb_article[0] == '\0' && q->kb_version == 0)
		return;
	if (q->direct_answer[0] == '\0')
		*bad = "kb_article", *why = ZH_EN("仅用于直接办结（direct_answer）",
		    "is only with direct_answer");
	else if (!kb_id_valid(q->kb_article))
		*bad = "kb_article", *why = ZH_EN("不是知识条目编号（字母、数字、"
		    "'.'、'_' 或 '-'，至多 64 个）", "is not an article id (letters, "
		    "digits, '.', '_' or '-', at most 64)");
	else if (q->kb_version == 0 || q->kb_version > 1000000)
		*bad = "kb_version", *why = ZH_EN("须为所显示的版本号（1 或以上）",
		    "must be the version shown (1 or more)");
}

/* Adds kb_article and kb_version when the answer cites an article. */
void
kb_cite_args(struct store_args *a, const Hotline__CreateRequest *q)
{
	if (q->kb_article[0] == '\0')
		return;
	store_args_add(a, "kb_article");
	store_args_add(a, q->kb_article);
	store_args_add(a, "kb_version");
	store_args_addf(a, "%u", q->kb_version);
}

/* The history note's words for the citation; see kb.h. */
const char *
kb_cite_note(const Hotline__CreateRequest *q)
{
	static char note[128];

	if (q->kb_article[0] == '\0')
		return "";
	snprintf(note, sizeof note, "; citing 知识条目 %s 第%u版",
	    q->kb_article, q->kb_version);
	return note;
}
