/* Texts in both of hotline's languages: Chinese first, English for clients that ask for it (pure). */
#ifndef HOTLINE_LANG_H
#define HOTLINE_LANG_H

#include <stddef.h>

/* The two languages a text of the daemon's is written in. */
enum lang {
	LANG_ZH,		/* what terminals and softphones show */
	LANG_EN
};

/*
 * A text in both languages, kept in one C (or Lua) string so that it can
 * travel through a "why" pointer or a script's error reply: the marks
 * are ASCII RS, US and GS ("\30", "\31", "\29" in Lua). A message may mix
 * plain text with any number of such pairs; lang_pick() keeps one side of
 * each. A pair holds no printf conversion (a format with arguments puts
 * them outside the pairs, or uses request_error2's two formats).
 */
#define LANG_RS '\x1e'
#define LANG_US '\x1f'
#define LANG_GS '\x1d'
#define ZH_EN(zh, en) "\x1e" zh "\x1f" en "\x1d"

/* The words of every INTERNAL error: the details go to the log only. */
#define LANG_INTERNAL ZH_EN("内部错误（已记入服务端日志）", \
	"internal error (logged by the server)")
/* Errors more than one operation answers with. */
#define LANG_LEXICON ZH_EN("分词词典无法读取（已记入服务端日志）", \
	"the segmenter's lexicon cannot be read")
#define LANG_NO_WORDS ZH_EN("words 中没有可搜索的词", \
	"words has no word to search for")

/*
 * Copies text into out (outlen > 0, always terminated) keeping, of every
 * ZH_EN pair, the side of lang; a pair left open at the end is closed.
 * Returns the length written.
 */
size_t lang_pick(const char *text, enum lang lang, char *out, size_t outlen);

/* Returns 1 if text holds a ZH_EN mark, else 0. */
int lang_marked(const char *text);

/* Writes a ZH_EN pair of zh and en, texts known only at run time, into out; returns out. */
char *lang_pair(char *out, size_t outlen, const char *zh, const char *en);

/* Returns the Chinese of a role ("agent": 话务员), else role itself. */
const char *lang_role_zh(const char *role);

/* Returns the Chinese of an operation that changes a ticket ("sign": 签收), else op itself. */
const char *lang_op_zh(const char *op);

#endif
