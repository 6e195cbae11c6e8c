/* hotline's Redis keys and channels, each format written once: C formats them from here, and the scripts' builders (keys.lua: KEY.ticket(n)) are generated from the same list. */
#ifndef KEYS_H
#define KEYS_H

/*
 * A format's "%s" are its parts, in order (a ticket number, a department
 * id, a day yyyymmdd, ...); a format without one is a key of its own.
 * hotline runs on one Redis primary, not a cluster: scripts may derive
 * other tickets' keys from these formats.
 */

/* A ticket, by its number. */
#define KEY_TICKET_PREFIX	"ht:ticket:"		/* + number: KEY_TICKET */
#define KEY_TICKET		KEY_TICKET_PREFIX "%s"	/* hash: the ticket */
#define KEY_HISTORY		"ht:history:%s"		/* list: JSON entries (history.lua) */
#define KEY_ASSIST		"ht:assist:%s"		/* hash: assisting department -> part */
#define KEY_MERGED		"ht:merged:%s"		/* set: tickets merged into it */
#define KEY_COUNTED		"ht:counted:%s"		/* list: what it added to department counters */

/* Intake (create.lua). */
#define KEY_CALLID		"ht:callid:%s"		/* call id -> number: earlier versions' */
#define KEY_CALLIDS		"ht:callids:%s"		/* hash: call id -> number (callids.lua) */
#define KEY_SEQ			"ht:seq:%s"		/* day: the day's sequence */
#define KEY_CALLER		"ht:caller:%s"		/* phone: the caller's tickets */
#define KEY_RECENT		"ht:recent:%s"		/* district: recent tickets, for repeats */
#define KEY_HOT			"ht:hot:%s:%s"		/* district, matter: a burst's tickets */
#define KEY_HOT_SENT		"ht:hotsent:%s:%s"	/* district, matter: 高频件 told */
#define KEY_REQUEST		"ht:reqkey:%s:%s"	/* principal, request key: a step made */

/* Where tickets wait, and who hears of them. */
#define KEY_TRIAGE		"ht:triage"		/* zset: tickets waiting for a dispatcher */
#define KEY_DEPT_OPEN		"ht:dept:%s:open"	/* zset: a department's open tickets */
#define KEY_DEPT_FEED		"ht:dept:%s:feed"	/* stream: a department's events */
#define KEY_CENTRE_FEED		"ht:centre:feed"	/* stream: the dispatchers' events */
#define KEY_SUPERVISION_FEED	"ht:supervision:feed"	/* stream: the supervisors' events */
#define KEY_WAKE		"ht:wake"		/* channel: scripts PUBLISH what changed */

/* Clocks and timers. */
#define KEY_TIMERS		"ht:timers"		/* zset: "<number>:<kind>:<tag>" by due time */
#define KEY_CLOCKS		"ht:clocks"		/* set: tickets whose deadlines a calendar change moves */
#define KEY_CLOCK		"ht:clock"		/* wake-up: the clock offset changed */
#define KEY_CLOCK_OFFSET	"ht:clock:offset"	/* the test clock's offset (ms) */
#define KEY_CALENDAR		"ht:calendar"		/* wake-up: a calendar year was imported */
#define KEY_CALENDAR_YEARS	"ht:calendar:years"	/* hash: year -> imported calendar */
#define KEY_REPLICATED		"ht:replicated"		/* channel: strict mode's barrier */

/* The supervision office's counters (stats.lua). */
#define KEY_STATS		"ht:stats:%s:%s"	/* period, scope: counters */
#define KEY_STATS_STATES	"ht:stats:states"	/* hash: state -> tickets in it */
#define KEY_BREACHES		"ht:breaches:%s"	/* day: list of breaches */
#define KEY_DUE			"ht:due:%s"		/* "sign", "complete": by deadline */
#define KEY_DUE_DEPT		"ht:due:%s:%s"		/* the same, for one department */

/* The routing model's examples (learn.c) and the archive's outbox (outbox.lua). */
#define KEY_NB_EXAMPLES		"ht:nb:examples"	/* stream: dispatchers' labels */
#define KEY_NB_GEN		"ht:nb:gen"		/* bumped: every daemon reads again */
#define KEY_WEB_SESSION_PREFIX	"ht:web:session:"	/* + the session's hash */
#define KEY_OUTBOX		"ht:outbox"		/* stream: changes for the archive */
#define KEY_OUTBOX_MAX		"ht:outbox:max"		/* its bound (archive.outbox_max) */
#define KEY_ARCHIVE_BACKFILLED	"ht:archive:backfilled"	/* set once the backfill ended */
#define KEY_ARCHIVE_TRIMS	"ht:archive:trims"	/* how often outbox.lua trimmed */
#define KEY_KB_NOTICES		"ht:kb:notices"		/* sorted set: kb notices delivered lately (kb_notice.lua) */

/*
 * The keys the scripts build, by name: X(NAME) is KEY_NAME, and keys.lua's
 * KEY.name (lower case): a function of the parts, or the key itself.
 */
#define KEYS_FOR_SCRIPTS(X) \
	X(TICKET) X(HISTORY) X(ASSIST) X(MERGED) X(COUNTED) X(CALLID) X(CALLIDS) \
	X(CALLER) X(HOT) X(HOT_SENT) X(REQUEST) X(TRIAGE) X(DEPT_OPEN) \
	X(DEPT_FEED) X(CENTRE_FEED) X(SUPERVISION_FEED) X(WAKE) X(TIMERS) \
	X(CLOCKS) X(CLOCK) X(CALENDAR) X(STATS) X(STATS_STATES) X(BREACHES) \
	X(DUE) X(DUE_DEPT) X(NB_EXAMPLES) X(OUTBOX) X(OUTBOX_MAX) \
	X(ARCHIVE_BACKFILLED) X(ARCHIVE_TRIMS) X(KB_NOTICES)

#include <stddef.h>

/* keys.c: the list above as a table (the generator of keys.lua, tests). */
const char *keys_script_key(size_t, const char **name);

#endif
