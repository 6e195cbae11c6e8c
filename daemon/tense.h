/* Whether an emergency's wording tells of a danger going on now: clause, time frame and report cues (tense.c; pure core). */
#ifndef TENSE_H
#define TENSE_H
#include <stddef.h>

/*
 * Texts are normal form (normalize_text): punctuation became single spaces,
 * so a clause is the run between two spaces. Offsets are bytes. All
 * functions only read the text and allocate nothing; any thread may call
 * them.
 */

/* What the nearest time word before a match says. */
enum tense_frame {
	TENSE_NONE,		/* none within TENSE_REACH bytes, or 今天 */
	TENSE_NOW,		/* 现在, 正在, 刚刚, 刚才, 还在, ... */
	TENSE_PAST		/* 上周, 去年, 当时, ...; a habit: 经常, 每天 */
};

/* How far back (bytes) a time word still sets the frame of a match: about two clauses. */
#define TENSE_REACH 90

/*
 * Returns 1 if the clause of text around [start, end) says the matched
 * danger is not going on now: over ("上次", "去年"), a drill ("演练"), a
 * fear or a what-if ("万一", "担心"), a near miss, a denial or hearsay
 * ("差点", "不是", "听说").
 */
int tense_clause_not_now(const char *text, size_t len, size_t start,
    size_t end);

/*
 * The time frame of a match ending at end: the time word nearest before
 * end (inside the match included) within TENSE_REACH bytes. A word of
 * today (今天, 今晚, 目前) nearest gives TENSE_NONE: it ends a past frame
 * but does not say the danger is going on.
 */
enum tense_frame tense_frame(const char *text, size_t len, size_t end);

/*
 * Returns 1 if the ticket (title and content, either may be NULL) reads
 * as a report about an event already handled or about a service's
 * response: a complaint (投诉), a question (咨询, 请问), praise (表扬,
 * 感谢), the police's or an ambulance's response (出警, 才到), a drill,
 * the aftermath (住院, 赔偿, 理赔, 事故认定). A danger
 * word with no time word of its own then does not flag the ticket.
 */
int tense_report(const char *title, const char *content);
#endif
