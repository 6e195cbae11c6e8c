/* hotlinectl commands of department terminals (承办单位): watch, list, sign, reply, return, extend, suspend, notes. */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

#define CTL_WATCH_SLICE_MS 250	/* how often a watch checks for ^C */

/* What a running watch was asked to do, and where it is. */
struct ctl_watch {
	unsigned long count;	/* stop after this many events; 0: never */
	long idle_ms;		/* stop after this long without one; -1: never */
	char *cursor;		/* the last event id seen, to resume from */
};

static volatile sig_atomic_t ctl_watch_stop;

/* Notes SIGINT or SIGTERM; the watch loop stops at its next slice. */
static void
ctl_watch_signal(int sig)
{
	(void)sig;
	ctl_watch_stop = 1;
}

/* Catches SIGINT and SIGTERM so a watch can print its cursor on the way out. */
static void
ctl_watch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ctl_watch_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Returns the monotonic clock in milliseconds. */
static int64_t
ctl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns when the watch gives up waiting, -1 for never. */
static int64_t
ctl_watch_deadline(const struct ctl_watch *w)
{
	return w->idle_ms < 0 ? -1 : ctl_now() + w->idle_ms;
}

/* Returns how long to wait for the next event before checking again. */
static int
ctl_watch_slice(int64_t idle_end)
{
	int64_t left;

	if (idle_end < 0)
		return CTL_WATCH_SLICE_MS;
	left = idle_end - ctl_now();
	if (left < 0)
		return 0;
	return left < CTL_WATCH_SLICE_MS ? (int)left : CTL_WATCH_SLICE_MS;
}

/* Remembers id as the cursor to resume from; returns 0, or -1 if out of memory. */
static int
ctl_watch_cursor(struct ctl_watch *w, const char *id)
{
	char *copy;

	if (id == NULL || id[0] == '\0')
		return 0;
	if ((copy = strdup(id)) == NULL) {
		fputs("hotlinectl: out of memory\n", stderr);
		return -1;
	}
	free(w->cursor);
	w->cursor = copy;
	return 0;
}

/* Parses watch's options; returns 0 or a usage status. */
static int
ctl_watch_options(const struct ctl *ctl, int argc, char **argv,
    Hotline__WatchRequest *wr, struct ctl_watch *w)
{
	static const struct option longopts[] = {
		{ "cursor", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "idle", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long v;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'c')
			wr->cursor = optarg;
		else if (ch == 'n' && ctl_parse_number(optarg, ULONG_MAX, &v) == 0 &&
		    v > 0)
			w->count = v;
		else if (ch == 'i' && ctl_parse_number(optarg, 2000000, &v) == 0)
			w->idle_ms = (long)v * 1000;
		else
			return ctl_usage(ctl);
	}
	return optind == argc ? 0 : ctl_usage(ctl);
}

/* Tells the user that events were lost and the open tickets must be listed again. */
static void
ctl_watch_relist(void)
{
	puts(CTL_T(RELIST));
}

/* Prints where the stream starts and whether the terminal must re-list. */
static int
ctl_watch_start(const struct ctl *ctl, const Hotline__WatchReply *wr,
    struct ctl_watch *w)
{
	if (ctl_watch_cursor(w, wr->cursor) == -1)
		return CTL_EXIT_FAILURE;
	if (ctl->json)
		return ctl_print_json(&wr->base, 1);
	printf(CTL_T(WATCHING), w->cursor != NULL ? w->cursor : "-");
	putchar('\n');
	if (wr->relist)
		ctl_watch_relist();
	fflush(stdout);
	return CTL_EXIT_OK;
}

/* Prints one event and moves the cursor past it. */
static int
ctl_watch_event(const struct ctl *ctl, struct ctl_watch *w,
    const Hotline__Event *ev)
{
	if (ctl_watch_cursor(w, ev->id) == -1)
		return CTL_EXIT_FAILURE;
	if (ctl->json)
		return ctl_print_json(&ev->base, 1);
	ctl_print_event(ev);
	if (ev->kind == HOTLINE__EVENT_KIND__EVENT_KIND_RELIST)
		ctl_watch_relist();
	fflush(stdout);
	return CTL_EXIT_OK;
}

/* Prints events until the count, the idle limit, a signal or an error. */
static int
ctl_watch_loop(struct ctl *ctl, struct ctl_watch *w)
{
	Hotline__Envelope *ev;
	struct hl_error err;
	unsigned long seen = 0;
	int64_t idle_end = ctl_watch_deadline(w);
	int r;

	while (!ctl_watch_stop && (w->count == 0 || seen < w->count)) {
		r = hl_next_event(ctl->client, ctl_watch_slice(idle_end), &ev,
		    &err);
		if (r == -1)
			return ctl_fail(&err);
		if (r == 0) {
			if (idle_end >= 0 && ctl_now() >= idle_end)
				break;
			continue;
		}
		seen++;
		r = ctl_watch_event(ctl, w, ev->event);
		hl_envelope_free(ev);
		if (r != CTL_EXIT_OK)
			return r;
		idle_end = ctl_watch_deadline(w);
	}
	return CTL_EXIT_OK;
}

/* Prints the cursor to resume from. */
static void
ctl_watch_end(const struct ctl *ctl, const struct ctl_watch *w)
{
	json_t *obj;

	if (!ctl->json) {
		printf(CTL_T(CURSOR), w->cursor != NULL ? w->cursor : "-");
		putchar('\n');
		return;
	}
	obj = json_pack("{s:s?}", "cursor", w->cursor);
	if (obj != NULL)
		json_dumpf(obj, stdout, JSON_COMPACT);
	json_decref(obj);
	fputc('\n', stdout);
}

/* watch [--cursor ID] [--count N] [--idle SECONDS]: prints pushed events. */
int
ctl_watch(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_watch w = { 0, -1, NULL };
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__WatchRequest wr = HOTLINE__WATCH_REQUEST__INIT;
	int rc;

	if ((rc = ctl_watch_options(ctl, argc, argv, &wr, &w)) != 0)
		return rc;
	req.body_case = HOTLINE__ENVELOPE__BODY_WATCH;
	req.watch = &wr;
	if ((rc = ctl_open(ctl)) != 0 || (rc = ctl_call(ctl, &req,
	    HOTLINE__ENVELOPE__BODY_WATCHING, &reply)) != 0)
		return rc;
	ctl_watch_signals();
	rc = ctl_watch_start(ctl, reply->watching, &w);
	hl_envelope_free(reply);
	if (rc == CTL_EXIT_OK)
		rc = ctl_watch_loop(ctl, &w);
	ctl_watch_end(ctl, &w);
	free(w.cursor);
	return rc;
}

/*
 * list [--department D] [--limit N] [--cursor C]: a page of a department's
 * open tickets, oldest first (a terminal: its own; dispatchers and
 * supervisors: the one named).
 */
int
ctl_list(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ListRequest lr = HOTLINE__LIST_REQUEST__INIT;
	char *limit = NULL, *cursor = NULL, *department = NULL;
	const struct ctl_opt opts[] = {
		{ "limit", &limit, NULL, 0 },
		{ "cursor", &cursor, NULL, 0 },
		{ "department", &department, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	unsigned long v = 0;
	int rc;

	ctl_page_command(ctl->command->name, argc, argv);
	if ((rc = ctl_parse(ctl, argc, argv, opts, 0)) != 0)
		return rc;
	if (limit != NULL && ctl_parse_number(limit, UINT32_MAX, &v) == -1)
		return ctl_usage(ctl);
	lr.limit = (uint32_t)v;
	if (cursor != NULL)
		lr.cursor = cursor;
	if (department != NULL)
		lr.department = department;
	req.body_case = HOTLINE__ENVELOPE__BODY_LIST;
	req.list = &lr;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_TICKETS,
	    ctl_text_tickets);
}

/* sign NUMBER [--note TEXT]: signs for a ticket (签收). */
int
ctl_sign(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__SignRequest sr = HOTLINE__SIGN_REQUEST__INIT;

	if (ctl_options(argc, argv, "note", &sr.note) == -1 ||
	    argc - optind != 1)
		return ctl_usage(ctl);
	sr.number = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_SIGN;
	req.sign = &sr;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_TICKET,
	    ctl_text_ticket);
}

/* Parses reply's options into rr; returns 0 or a usage status. */
static int
ctl_reply_options(const struct ctl *ctl, int argc, char **argv,
    Hotline__ReplyRequest *rr)
{
	static const struct option longopts[] = {
		{ "result", required_argument, NULL, 'r' },
		{ "solved", no_argument, NULL, 's' },
		{ "unsolved", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'r')
			rr->result = optarg;
		else if (ch == 's' || ch == 'u')
			rr->solved = ch == 's';
		else
			return ctl_usage(ctl);
	}
	if (argc - optind != 1)
		return ctl_usage(ctl);
	if (rr->result == NULL)
		return ctl_usage_error(ctl, "--result" ZH_EN(" 为必填项",
		    " is required"));
	rr->number = argv[optind];
	return 0;
}

/* reply NUMBER --result TEXT [--solved | --unsolved]: 办结回复. */
int
ctl_reply(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ReplyRequest rr = HOTLINE__REPLY_REQUEST__INIT;
	int rc;

	rr.result = NULL;
	rr.solved = 1;
	if ((rc = ctl_reply_options(ctl, argc, argv, &rr)) != 0)
		return rc;
	req.body_case = HOTLINE__ENVELOPE__BODY_REPLY;
	req.reply = &rr;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_TICKET,
	    ctl_text_ticket);
}

/* return NUMBER --reason TEXT --basis TEXT: 退单, back to the centre. */
int
ctl_return(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ReturnRequest rr = HOTLINE__RETURN_REQUEST__INIT;
	const struct ctl_opt opts[] = {
		{ "reason", &rr.reason, NULL, 1 },
		{ "basis", &rr.basis, NULL, 1 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	rr.number = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_RETURN_TICKET;
	req.return_ticket = &rr;
	return ctl_exchange_ticket(ctl, &req);
}

/* extend NUMBER --by LIMIT --reason TEXT: 延期申请. */
int
ctl_extend(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ExtendRequest er = HOTLINE__EXTEND_REQUEST__INIT;
	const struct ctl_opt opts[] = {
		{ "by", &er.extension, NULL, 1 },
		{ "reason", &er.reason, NULL, 1 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	if (!ctl_time_limit_valid(er.extension))
		return ctl_usage_error(ctl, "--by %s" CTL_NOT_LIMIT("5wd"),
		    er.extension);
	er.number = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_EXTEND;
	req.extend = &er;
	return ctl_exchange_ticket(ctl, &req);
}

/* suspend NUMBER --reason TEXT: 挂起, the clock stops. */
int
ctl_suspend(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__SuspendRequest sr = HOTLINE__SUSPEND_REQUEST__INIT;
	const struct ctl_opt opts[] = {
		{ "reason", &sr.reason, NULL, 1 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	sr.number = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_SUSPEND;
	req.suspend = &sr;
	return ctl_exchange_ticket(ctl, &req);
}

/* resume NUMBER [--note TEXT]: takes a suspended ticket up again. */
int
ctl_resume(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ResumeRequest rr = HOTLINE__RESUME_REQUEST__INIT;
	const struct ctl_opt opts[] = {
		{ "note", &rr.note, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	rr.number = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_RESUME;
	req.resume = &rr;
	return ctl_exchange_ticket(ctl, &req);
}

/* note NUMBER TEXT: a progress note (进展). */
int
ctl_note(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__NoteRequest nr = HOTLINE__NOTE_REQUEST__INIT;
	const struct ctl_opt opts[] = { { NULL, NULL, NULL, 0 } };
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 2)) != 0)
		return rc;
	nr.number = argv[optind];
	nr.text = argv[optind + 1];
	req.body_case = HOTLINE__ENVELOPE__BODY_NOTE;
	req.note = &nr;
	return ctl_exchange_ticket(ctl, &req);
}

/* answer NUMBER TEXT: answers the supervision order (督办反馈). */
int
ctl_answer(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__SupervisionAnswer sa = HOTLINE__SUPERVISION_ANSWER__INIT;
	const struct ctl_opt opts[] = { { NULL, NULL, NULL, 0 } };
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 2)) != 0)
		return rc;
	sa.number = argv[optind];
	sa.text = argv[optind + 1];
	req.body_case = HOTLINE__ENVELOPE__BODY_ANSWER_SUPERVISION;
	req.answer_supervision = &sa;
	return ctl_exchange_ticket(ctl, &req);
}
