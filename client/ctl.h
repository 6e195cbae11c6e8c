/* Shared declarations of hotlinectl, grouped by the file that defines them. */
#ifndef HOTLINE_CTL_H
#define HOTLINE_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "hotline.h"
#include "ctl-i18n.h"

/* Exit statuses. */
#define CTL_EXIT_OK 0
#define CTL_EXIT_FAILURE 1	/* a local failure, e.g. out of memory */
#define CTL_EXIT_USAGE 2
#define CTL_EXIT_CONNECTION 3	/* connect, I/O, protocol or timeout */
#define CTL_EXIT_REMOTE 10	/* plus the daemon's Hotline__ErrorCode */

#define CTL_DEFAULT_ADDRESS "127.0.0.1:7345"
#define CTL_DEFAULT_TIMEOUT_MS 10000

#define CTL_UTC_OFFSET (8 * 3600)	/* Asia/Shanghai: UTC+8 all year, no DST */
#define CTL_LABEL "%-14s"		/* a ticket field's label, then its value */
#define CTL_LABEL_COLUMNS 16		/* ctl_label: columns of a label and its gap */

struct ctl_command;

/* Global options and the session, shared by every command. */
struct ctl {
	const char *address;
	const char *principal;
	const char *token;
	Hotline__Role role;		/* ROLE_UNSPECIFIED: the configured one */
	int json;			/* print reply bodies as JSON */
	int timeout_ms;			/* connect and per-call limit; 0: forever */
	int tls;			/* connect with TLS (--tls, or ca/cert given) */
	struct hl_tls tls_opts;		/* --ca, --cert, --key, --server-name */
	const struct ctl_command *command;
	struct hl_client *client;	/* NULL until ctl_open() */
	const char *request_key;	/* --request-key: the first call's, to retry */
};

/*
 * One subcommand, found by name in hotlinectl.c's table. run gets argv
 * starting at the command's name, parses its own options (reporting usage
 * errors before connecting) and returns the exit status.
 */
struct ctl_command {
	const char *group;		/* who uses it, a heading of the usage */
	const char *name;
	const char *usage;		/* arguments, after the name */
	int hello;			/* connect and say hello before requests */
	int (*run)(struct ctl *, int argc, char **argv);
};

/*
 * A "--name VALUE" option (text set) or a "--name" flag (flag set) of a
 * command, for ctl_parse; a required one must be given and not be empty.
 */
struct ctl_opt {
	const char *name;
	char **text;
	int *flag;
	int required;
};

#define CTL_MAX_OPTS 24		/* options of one command given to ctl_parse */
#define CTL_OPT_BASE 256	/* ctl_parse's getopt values, past any character */

/* Prints a reply in text form; the reply's body case is already checked. */
typedef void (*ctl_text_fn)(const Hotline__Envelope *);

/* ctl.c: the plumbing (connect, hello, request and answer). */
int ctl_open(struct ctl *);
int ctl_call(struct ctl *, Hotline__Envelope *, Hotline__Envelope__BodyCase,
    Hotline__Envelope **);
int ctl_exchange(struct ctl *, Hotline__Envelope *,
    Hotline__Envelope__BodyCase, ctl_text_fn);
int ctl_exchange_ticket(struct ctl *, Hotline__Envelope *);

/* ctl-error.c: errors as text or JSON (-j), and exit statuses. */
extern int ctl_json_errors;	/* set by -j */
int ctl_usage(const struct ctl *);
int ctl_usage_error(const struct ctl *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
int ctl_fail(const struct hl_error *);
int ctl_fail_local(int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ctl_json_error(const char *code, const char *message, const char *field,
    const char *state);
void ctl_json_error2(const char *code, const char *message,
    const char *message_en, const char *field, const char *state);
const char *ctl_error_text(const struct hl_error *);

/* ctl-options.c: a command's options and arguments. */
int ctl_parse_number(const char *, unsigned long max, unsigned long *);
int ctl_options(int argc, char **argv, const char *name, char **value);
int ctl_limit_options(int argc, char **argv, int nargs, uint32_t *limit);
int ctl_page_options(int argc, char **argv, int nargs, uint32_t *limit,
    char **cursor);
int ctl_parse(const struct ctl *, int argc, char **argv,
    const struct ctl_opt *, int nargs);
int ctl_time_limit_valid(const char *);

/* ctl-print.c */
int ctl_print_json(const ProtobufCMessage *, int compact);
int ctl_output(const struct ctl *, const Hotline__Envelope *, ctl_text_fn);
void ctl_format_local(int64_t ms, const char *fmt, char *out, size_t outlen);
void ctl_format_time(int64_t ms, char *out, size_t outlen);
void ctl_format_short(int64_t ms, char *out, size_t outlen);
void ctl_print_provisional(void);
/* ctl-reason.c */
const char *ctl_weekday(const char *);
void ctl_format_due(int64_t ms, char *out, size_t outlen);
void ctl_reason(const Hotline__DeadlineStep *, char *out, size_t outlen);
void ctl_print_ticket(const Hotline__Ticket *);
void ctl_print_history(const Hotline__Ticket *);
void ctl_print_routing(const Hotline__Routing *);
/* ctl-kb.c: 知识库建议 beside classify and create. */
void ctl_kb_print_suggestions(Hotline__KbHit *const *, size_t, int pending);
void ctl_kb_complete(struct ctl *, const char *title, const char *content,
    const char *district, Hotline__KbHit ***hits, size_t *n,
    protobuf_c_boolean *pending);
void ctl_print_list(const Hotline__TicketList *);
/* ctl-page.c: the command a page was asked with, and the hint to the next page. */
void ctl_page_command(const char *name, int argc, char **argv);
void ctl_print_next_page(const char *cursor);
void ctl_print_event(const Hotline__Event *);
void ctl_text_ticket(const Hotline__Envelope *);
void ctl_text_tickets(const Hotline__Envelope *);
const char *ctl_or_dash(const char *);
void ctl_label(const char *);
void ctl_assist_progress(const Hotline__Ticket *, const char *dept,
    const Hotline__HistoryEntry **signed_at,
    const Hotline__HistoryEntry **replied_at);
void ctl_list_marks(const Hotline__Ticket *, char *out, size_t outlen);
int ctl_change_text(const char *field, const char *value, char *out,
    size_t outlen);

/* ctl-kb.c */
int ctl_kb(struct ctl *, int, char **);

/* ctl-search.c */
int ctl_search(struct ctl *, int, char **);

/* ctl-agent.c */
int ctl_classify(struct ctl *, int, char **);
int ctl_create(struct ctl *, int, char **);
int ctl_show(struct ctl *, int, char **);
int ctl_caller(struct ctl *, int, char **);
int ctl_callback(struct ctl *, int, char **);

/* ctl-dispatch.c */
int ctl_triage(struct ctl *, int, char **);
int ctl_dispatch(struct ctl *, int, char **);
int ctl_redispatch(struct ctl *, int, char **);
int ctl_extension(struct ctl *, int, char **);
int ctl_review(struct ctl *, int, char **);
int ctl_merge(struct ctl *, int, char **);
int ctl_invalidate(struct ctl *, int, char **);

/* ctl-department.c */
int ctl_watch(struct ctl *, int, char **);
int ctl_list(struct ctl *, int, char **);
int ctl_sign(struct ctl *, int, char **);
int ctl_reply(struct ctl *, int, char **);
int ctl_return(struct ctl *, int, char **);
int ctl_extend(struct ctl *, int, char **);
int ctl_suspend(struct ctl *, int, char **);
int ctl_resume(struct ctl *, int, char **);
int ctl_note(struct ctl *, int, char **);
int ctl_answer(struct ctl *, int, char **);

/* ctl-misc.c */
int ctl_ping(struct ctl *, int, char **);
int ctl_reload(struct ctl *, int, char **);
int ctl_calendar(struct ctl *, int, char **);
int ctl_passwd(struct ctl *, int, char **);

/* ctl-time.c */
int ctl_parse_local_time(const char *, int64_t *);
int ctl_deadline(struct ctl *, int, char **);
int ctl_clock(struct ctl *, int, char **);
void ctl_format_duration(int64_t ms, int days, char *out, size_t outlen);
void ctl_print_breaches(const Hotline__Ticket *);
void ctl_print_deadlines(const Hotline__Ticket *);
void ctl_list_due(const Hotline__Ticket *, char *out, size_t outlen);

/* ctl-supervise.c */
int ctl_urge(struct ctl *, int, char **);
int ctl_supervise(struct ctl *, int, char **);
int ctl_exempt(struct ctl *, int, char **);

/* ctl-stats-format.c: display width (East Asian Wide: 2 columns) */
int ctl_char_width(unsigned long);
size_t ctl_display_width(const char *);
void ctl_print_padded(FILE *, const char *, size_t width, int right);

/* ctl-suggest.c */
size_t ctl_edit_distance(const char *, const char *);
const char *ctl_nearest(const char *typed, const char *const *names,
    size_t n);

/* json.c */
/*
 * Converts msg to a new JSON object: fields by their .proto names, enums by
 * their lowercase short names ("dispatched"), 64-bit integers as integers,
 * repeated fields as arrays, set nested messages as objects, and of a oneof
 * only the member that is set. Returns NULL when out of memory.
 */
json_t *json_from_protobuf(const ProtobufCMessage *msg);

#endif
