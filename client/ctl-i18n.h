/* hotlinectl's languages: the choice of Chinese or English, and the catalogue of what it prints in both. */
#ifndef HOTLINE_CTL_I18N_H
#define HOTLINE_CTL_I18N_H

#include <stddef.h>
#include <stdint.h>

#include "lang.h"	/* ZH_EN: hotlinectl's own messages in both languages */

/* The language of hotlinectl's text; JSON keeps the protocol's names. */
enum ctl_lang {
	CTL_LANG_ZH,		/* the default: call-centre staff read Chinese */
	CTL_LANG_EN
};

/* The language in force, set once by main before any output. */
extern enum ctl_lang ctl_lang;

/* An enum value with the names hotlinectl prints and parses. */
struct ctl_name {
	int value;
	const char *en;		/* printed in English, and parsed */
	const char *zh;		/* printed in Chinese, and parsed */
};

/*
 * The messages of the catalogue (ctl-i18n.c's ctl_messages): labels of a
 * ticket's fields, words of lists, feeds and errors. An entry may be a
 * printf format; both languages then take the same arguments.
 */
enum ctl_msg {
	/* A ticket's fields (show). */
	CTL_M_NUMBER, CTL_M_STATE, CTL_M_BREACH, CTL_M_TYPE, CTL_M_URGENCY,
	CTL_M_CHANNEL, CTL_M_CALLER, CTL_M_LOCATION, CTL_M_TITLE, CTL_M_CONTENT,
	CTL_M_DEPARTMENT, CTL_M_ASSISTING, CTL_M_CATEGORY, CTL_M_CONFIDENCE,
	CTL_M_CREATED, CTL_M_UPDATED, CTL_M_TRIAGE, CTL_M_RETURNS,
	CTL_M_RETURN_REASON, CTL_M_RETURN_BASIS, CTL_M_DISPUTED,
	CTL_M_EXTENSION, CTL_M_EXTENSIONS, CTL_M_URGES, CTL_M_SUPERVISION,
	CTL_M_ORDER_DUE, CTL_M_ANSWERED, CTL_M_REPLY, CTL_M_REVIEW_NOTE,
	CTL_M_DIRECT_ANSWER, CTL_M_CALLBACK, CTL_M_REOPENS, CTL_M_CLOSURE,
	CTL_M_MASTER, CTL_M_MERGED, CTL_M_EXEMPT, CTL_M_HISTORY,
	CTL_M_SIGN_DUE, CTL_M_COMPLETE_DUE, CTL_M_WARNING_AT,
	CTL_M_RETURN_UNTIL, CTL_M_CALLBACK_DUE, CTL_M_ASSISTS_PROGRESS,
	/* Values and phrases of show. */
	CTL_M_CREATED_BY, CTL_M_MASKED, CTL_M_CONFIDENTIAL, CTL_M_YES,
	CTL_M_NO, CTL_M_SOLVED, CTL_M_UNSOLVED, CTL_M_PENDING_EXTENSION,
	CTL_M_SUPERVISION_BY, CTL_M_DEFAULT_LIMIT, CTL_M_NOT_ANSWERED,
	CTL_M_ANSWERED_AT, CTL_M_FAILED_ATTEMPTS, CTL_M_FOLLOWS_MASTER,
	CTL_M_NO_TICKET, CTL_M_DAEMON, CTL_M_ASSIST_WAITING,
	CTL_M_ASSIST_SIGNED, CTL_M_ASSIST_REPLIED,
	/* Deadlines and breaches (限时办结). */
	CTL_M_RED, CTL_M_RED_LATE, CTL_M_YELLOW, CTL_M_YELLOW_PASSED,
	CTL_M_SIGN_OVERDUE, CTL_M_SUPERVISION_OVERDUE,
	CTL_M_CALLBACK_OVERDUE, CTL_M_LEFT, CTL_M_LATE, CTL_M_WORKING_TIME,
	CTL_M_PAST_DUE, CTL_M_PAST_DUE_WORKING, CTL_M_CLOCK_STOPPED,
	CTL_M_REACHED, CTL_M_MISSED, CTL_M_DUE,
	CTL_M_SIGN_BY, CTL_M_COMPLETE_BY, CTL_M_CALLBACK_BY, CTL_M_UNDER_A_MINUTE,
	CTL_M_DAYS, CTL_M_HOURS, CTL_M_MINUTES, CTL_M_RUNNING,
	/* Marks of a list line. */
	CTL_M_MARK_URGED, CTL_M_MARK_SUPERVISED, CTL_M_MARK_REOPENED,
	CTL_M_MARK_EXEMPT, CTL_M_MARK_DISPUTED, CTL_M_MARK_RED, CTL_M_MARK_YELLOW,
	CTL_M_NO_TICKETS, CTL_M_MORE_TICKETS,
	/* Routing (classify, create). */
	CTL_M_SUGGESTIONS, CTL_M_NO_SUGGESTIONS, CTL_M_SCORE, CTL_M_MATCHED,
	CTL_M_WORDS, CTL_M_WORDS_MORE, CTL_M_SUGGESTION_CONFIDENCE,
	CTL_M_SUGGESTION_MODEL, CTL_M_MODEL_ONLY,
	CTL_M_AUTO_DISPATCH, CTL_M_AUTO_YES, CTL_M_AUTO_NO, CTL_M_CREATED_AS,
	CTL_M_DUPLICATE_OF, CTL_M_EMERGENCY, CTL_M_EMERGENCY_TEXT,
	CTL_M_REPEAT_OF, CTL_M_SAME_CALLER, CTL_M_SIMILAR_TEXT, CTL_M_IMPORTED,
	/* Feeds (watch). */
	CTL_M_WATCHING, CTL_M_CURSOR, CTL_M_RELIST, CTL_M_BY,
	/* ping, clock. */
	CTL_M_PONG, CTL_M_STORE_READY, CTL_M_STORE_DOWN,
	/* Errors and usage. */
	CTL_M_ERROR_STATE, CTL_M_ERROR_FIELD, CTL_M_NO_TOKEN,
	CTL_M_NO_USER, CTL_M_UNKNOWN_COMMAND, CTL_M_DID_YOU_MEAN,
	CTL_M_SEE_HELP,
	/* Supervision queries and reports (ctl-stats-print.c, ctl-report.c). */
	CTL_M_S_DEPARTMENT,
	CTL_M_S_PERIOD,
	CTL_M_S_RANK,
	CTL_M_S_SCORE,
	CTL_M_S_INDICATORS,
	CTL_M_S_COUNTERS,
	CTL_M_S_AVG_SIGN,
	CTL_M_S_AVG_COMPLETE,
	CTL_M_S_WORKING_HOURS,
	CTL_M_S_WEIGHTS,
	CTL_M_S_WEIGHTS_MIN,
	CTL_M_S_TOO_FEW_LINE,
	CTL_M_S_NO_SUCH_DEPT,
	CTL_M_S_RECEIVED,
	CTL_M_S_TOO_FEW,
	CTL_M_S_NOT_RANKED,
	CTL_M_S_RANKING,
	CTL_M_S_NO_DEPARTMENTS,
	CTL_M_S_HOT,
	CTL_M_S_BY_CATEGORY,
	CTL_M_S_BY_DISTRICT,
	CTL_M_S_NONE,
	CTL_M_S_DUE_AT,
	CTL_M_S_WH_LATE,
	CTL_M_S_WH_LEFT,
	CTL_M_S_MATCH_SHOWN,
	CTL_M_S_MATCH,
	CTL_M_S_PARTIAL,
	CTL_M_S_BREACHES_TOTAL,
	CTL_M_S_BREACHES,
	CTL_M_S_RECORDED,
	CTL_M_S_MET,
	CTL_M_S_NOT_MET,
	CTL_M_S_EARLY_BY,
	CTL_M_S_LATE_BY,
	CTL_M_S_LEFT_WH,
	CTL_M_S_LATE,
	CTL_M_S_EXEMPT,
	CTL_M_S_DEADLINES,
	CTL_M_S_STEPS,
	CTL_M_S_REPORT_TITLE,
	CTL_M_S_CITY_TOTALS,
	CTL_M_S_TOP_CATEGORIES,
	CTL_M_S_TOP_DISTRICTS,
	CTL_M_S_WROTE,
	/* deadline, clock (ctl-time.c). */
	CTL_M_T_FROM,
	CTL_M_T_LIMIT,
	CTL_M_T_DUE,
	CTL_M_T_DAYS,
	CTL_M_T_COUNTS,
	CTL_M_T_SKIPPED,
	CTL_M_T_START,
	CTL_M_T_LATER,
	CTL_M_T_WD,
	CTL_M_T_WH,
	CTL_M_T_NATURAL,
	CTL_M_T_ADVANCED,
	CTL_M_T_SERVER_TIME,
	CTL_M_T_STORE,
	CTL_M_COUNT
};

/* ctl-i18n.c */
extern const struct ctl_name ctl_types[];
extern const struct ctl_name ctl_urgencies[];
extern const struct ctl_name ctl_channels[];
extern const struct ctl_name ctl_states[];
extern const struct ctl_name ctl_event_kinds[];
extern const struct ctl_name ctl_callback_results[];
extern const struct ctl_name ctl_closures[];
extern const struct ctl_name ctl_triage_reasons[];
extern const struct ctl_name ctl_roles[];
extern const struct ctl_name ctl_error_codes[];
enum ctl_lang ctl_lang_choose(const char *option, const char *hotline_lang,
    const char *lc_all, const char *lc_messages, const char *lang);
int ctl_lang_parse(const char *, enum ctl_lang *);
const char *ctl_msg(enum ctl_msg);
int ctl_name_parse(const struct ctl_name *, const char *, int *);
const char *ctl_name_en(const struct ctl_name *, int);
const char *ctl_name_zh(const struct ctl_name *, int);
const char *ctl_name(const struct ctl_name *, int);
const char *ctl_step_name(const char *action);
const char *ctl_field_label(const char *field);
int ctl_field_is_time(const char *field);
int ctl_field_is_flag(const char *field);
const struct ctl_name *ctl_field_names(const char *field);
void ctl_duration_text(int64_t ms, int days, enum ctl_lang, char *out,
    size_t outlen);
int ctl_field_is_limit(const char *field);
void ctl_limit_text(const char *limits, char *out, size_t outlen);

#define CTL_T(m) ctl_msg(CTL_M_##m)	/* a message in the language in force */
/* The end of a usage error for an option that is not a time limit (example e). */
#define CTL_NOT_LIMIT(e) ZH_EN(" 不是时限（如 " e "）", \
	" is not a limit such as " e)

#endif
