/* hotlinectl commands of the call-centre agent (话务员): classify, create, show, caller, callback. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "ctl-learn.h"

#define CTL_WORDS_SHOWN 80	/* 分词 printed: the rest is counted */

/* Prints the words the classifier cut a text into: 拆迁/补偿. */
static void
ctl_print_words(char **words, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < CTL_WORDS_SHOWN; i++)
		printf("%s%s", i == 0 ? "" : "/", words[i]);
	if (n > CTL_WORDS_SHOWN)
		printf(CTL_T(WORDS_MORE), n);
}

/* Prints a classification: the words read (title | content), then the routing. */
static void
ctl_classify_text(const Hotline__Envelope *reply)
{
	const Hotline__ClassifyReply *c = reply->classified;

	if (c->n_title_words + c->n_content_words > 0) {
		ctl_label(CTL_T(WORDS));
		ctl_print_words(c->title_words, c->n_title_words);
		if (c->n_title_words > 0 && c->n_content_words > 0)
			fputs(" | ", stdout);
		ctl_print_words(c->content_words, c->n_content_words);
		putchar('\n');
	}
	ctl_print_routing(reply->classified->routing);
	ctl_kb_print_suggestions(reply->classified->kb_suggestions,
	    reply->classified->n_kb_suggestions, reply->classified->kb_pending);
}

static void ctl_create_text(const Hotline__Envelope *);

/*
 * Sends a classify or create, completes the knowledge-base suggestions
 * its answer left pending (ctl_kb_complete), prints it; the exit status.
 */
static int
ctl_exchange_suggested(struct ctl *ctl, Hotline__Envelope *req,
    const char *title, const char *content, const char *district)
{
	int classify = req->body_case == HOTLINE__ENVELOPE__BODY_CLASSIFY;
	Hotline__Envelope *reply;
	int rc;

	if ((rc = ctl_open(ctl)) != 0 || (rc = ctl_call(ctl, req, classify ?
	    HOTLINE__ENVELOPE__BODY_CLASSIFIED : HOTLINE__ENVELOPE__BODY_CREATED,
	    &reply)) != 0)
		return rc;
	if (classify)
		ctl_kb_complete(ctl, title, content, district,
		    &reply->classified->kb_suggestions,
		    &reply->classified->n_kb_suggestions,
		    &reply->classified->kb_pending);
	else
		ctl_kb_complete(ctl, title, content, district,
		    &reply->created->kb_suggestions,
		    &reply->created->n_kb_suggestions,
		    &reply->created->kb_pending);
	rc = ctl_output(ctl, reply, classify ? ctl_classify_text :
	    ctl_create_text);
	hl_envelope_free(reply);
	return rc;
}

/* classify [--district D] TITLE [CONTENT]: asks where a demand would go. */
int
ctl_classify(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ClassifyRequest cr = HOTLINE__CLASSIFY_REQUEST__INIT;

	if (ctl_options(argc, argv, "district", &cr.district) == -1 ||
	    argc - optind < 1 || argc - optind > 2)
		return ctl_usage(ctl);
	cr.title = argv[optind];
	if (argc - optind == 2)
		cr.content = argv[optind + 1];
	req.body_case = HOTLINE__ENVELOPE__BODY_CLASSIFY;
	req.classify = &cr;
	return ctl_exchange_suggested(ctl, &req, cr.title, cr.content,
	    cr.district);
}

/* Parses an enum option of create into *value; returns 0 or a usage status. */
static int
ctl_create_enum(const struct ctl *ctl, const struct ctl_name *table,
    const char *what, const char *arg, int *value)
{
	if (ctl_name_parse(table, arg, value) == 0)
		return 0;
	return ctl_usage_error(ctl, ZH_EN("无法识别的 ", "unknown ") "%s %s",
	    what, arg);
}

/* --kb ID@VERSION: the article (and the version shown) a direct answer cites. */
static int
ctl_create_kb(const struct ctl *ctl, char *arg, Hotline__CreateRequest *cr)
{
	char *at = strrchr(arg, '@');
	unsigned long v;

	if (at == NULL || ctl_parse_number(at + 1, 1000000, &v) == -1 ||
	    v == 0 || at == arg)
		return ctl_usage_error(ctl, "--kb %s" ZH_EN(" 不是 ID@版本（kb "
		    "search 显示的版本，如 kb-rsj-0001@1）", " is not ID@VERSION (the "
		    "version kb search showed, e.g. kb-rsj-0001@1)"), arg);
	*at = '\0';
	cr->kb_article = arg;
	cr->kb_version = (uint32_t)v;
	return 0;
}

/* Applies one option of create to cr; returns 0 or a usage status. */
static int
ctl_create_option(const struct ctl *ctl, int ch, char *arg,
    Hotline__CreateRequest *cr)
{
	int v = 0, rc;

	switch (ch) {
	case 'i':
		cr->call_id = arg;
		return 0;
	case 'p':
		cr->caller_phone = arg;
		return 0;
	case 'n':
		cr->caller_name = arg;
		return 0;
	case 'C':
		cr->confidential = 1;
		return 0;
	case 'd':
		cr->district = arg;
		return 0;
	case 's':
		cr->street = arg;
		return 0;
	case 'a':
		cr->address = arg;
		return 0;
	case 'T':
		cr->title = arg;
		return 0;
	case 'x':
		cr->content = arg;
		return 0;
	case 'A':
		if (arg[0] == '\0')
			return ctl_usage_error(ctl, "--answer" ZH_EN(" 为空",
			    " is empty"));
		cr->direct_answer = arg;
		return 0;
	case 'K':
		return ctl_create_kb(ctl, arg, cr);
	case 'N':
		cr->emergency_dismissed = 1;
		return 0;
	case 'R':
		cr->emergency_dismissed_reason = arg;
		return 0;
	case 't':
		rc = ctl_create_enum(ctl, ctl_types, "type", arg, &v);
		cr->type = (Hotline__TicketType)v;
		return rc;
	case 'u':
		rc = ctl_create_enum(ctl, ctl_urgencies, "urgency", arg, &v);
		cr->urgency = (Hotline__Urgency)v;
		return rc;
	case 'c':
		rc = ctl_create_enum(ctl, ctl_channels, "channel", arg, &v);
		cr->channel = (Hotline__Channel)v;
		return rc;
	}
	return ctl_usage(ctl);
}

/* Parses create's options into cr; returns 0 or a usage status. */
static int
ctl_create_options(const struct ctl *ctl, int argc, char **argv,
    Hotline__CreateRequest *cr)
{
	static const struct option longopts[] = {
		{ "call-id", required_argument, NULL, 'i' },
		{ "phone", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "confidential", no_argument, NULL, 'C' },
		{ "district", required_argument, NULL, 'd' },
		{ "street", required_argument, NULL, 's' },
		{ "address", required_argument, NULL, 'a' },
		{ "type", required_argument, NULL, 't' },
		{ "urgency", required_argument, NULL, 'u' },
		{ "channel", required_argument, NULL, 'c' },
		{ "title", required_argument, NULL, 'T' },
		{ "content", required_argument, NULL, 'x' },
		{ "answer", required_argument, NULL, 'A' },
		{ "kb", required_argument, NULL, 'K' },
		{ "not-emergency", no_argument, NULL, 'N' },
		{ "reason", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if ((rc = ctl_create_option(ctl, ch, optarg, cr)) != 0)
			return rc;
	if (optind != argc)
		return ctl_usage_error(ctl, ZH_EN("多余的参数 ",
		    "unexpected argument ") "%s", argv[optind]);
	return 0;
}

/* Checks that create got every required option; returns 0 or a usage status. */
static int
ctl_create_required(const struct ctl *ctl, const Hotline__CreateRequest *cr)
{
	const char *missing = NULL;

	if (cr->call_id == NULL)
		missing = "--call-id";
	else if (cr->caller_phone == NULL)
		missing = "--phone";
	else if (cr->type == HOTLINE__TICKET_TYPE__TICKET_TYPE_UNSPECIFIED)
		missing = "--type";
	else if (cr->title == NULL)
		missing = "--title";
	else if (cr->content == NULL)
		missing = "--content";
	if (missing != NULL)
		return ctl_usage_error(ctl, "%s" ZH_EN(" 为必填项", " is required"),
		    missing);
	if (cr->emergency_dismissed !=
	    (cr->emergency_dismissed_reason[0] != '\0'))
		return ctl_usage_error(ctl, ZH_EN("--not-emergency（非紧急）须与 "
		    "--reason 同时给出：说明为何不是紧急警情", "--not-emergency and "
		    "--reason go together: say why the flag is false"));
	if (cr->kb_article[0] != '\0' && cr->direct_answer[0] == '\0')
		return ctl_usage_error(ctl, ZH_EN("--kb 须与 --answer（直接办结）"
		    "同时给出", "--kb goes with --answer (direct answer)"));
	if (cr->direct_answer[0] != '\0' &&
	    cr->type != HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION)
		return ctl_usage_error(ctl, ZH_EN("--answer（直接办结）仅用于 "
		    "--type 咨询", "--answer (direct answer) is only for "
		    "--type consultation"));
	return 0;
}

/* Prints the new ticket's number on its own line, the ticket, then where it went unless answered at once. */
static void
ctl_create_text(const Hotline__Envelope *reply)
{
	const Hotline__CreateReply *cr = reply->created;
	const Hotline__Ticket *t = cr->ticket;

	printf(cr->duplicate ? CTL_T(DUPLICATE_OF) : CTL_T(CREATED_AS),
	    t != NULL && t->number != NULL ? t->number : "-");
	putchar('\n');
	ctl_print_ticket(t);
	if (!cr->duplicate && (t == NULL ||
	    t->closure != HOTLINE__CLOSURE__CLOSURE_DIRECT_ANSWER))
		ctl_print_routing(cr->routing);
	ctl_kb_print_suggestions(cr->kb_suggestions, cr->n_kb_suggestions,
	    cr->kb_pending);
	ctl_print_repeat(cr);
}

/* create ...: registers a ticket (登记工单). */
int
ctl_create(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__CreateRequest cr = HOTLINE__CREATE_REQUEST__INIT;
	int rc;

	cr.call_id = cr.caller_phone = cr.title = cr.content = NULL;
	if ((rc = ctl_create_options(ctl, argc, argv, &cr)) != 0 ||
	    (rc = ctl_create_required(ctl, &cr)) != 0)
		return rc;
	req.body_case = HOTLINE__ENVELOPE__BODY_CREATE;
	req.create = &cr;
	return ctl_exchange_suggested(ctl, &req, cr.title, cr.content,
	    cr.district);
}

/* Prints a ticket with its history. */
static void
ctl_show_text(const Hotline__Envelope *reply)
{
	ctl_print_ticket(reply->ticket->ticket);
	ctl_print_history(reply->ticket->ticket);
}

/* show NUMBER: prints a ticket and its history. */
int
ctl_show(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ShowRequest sr = HOTLINE__SHOW_REQUEST__INIT;

	if (ctl_options(argc, argv, NULL, NULL) == -1 || argc - optind != 1)
		return ctl_usage(ctl);
	sr.number = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_SHOW;
	req.show = &sr;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_TICKET,
	    ctl_show_text);
}

/* caller PHONE [--limit N] [--cursor C]: a caller's earlier tickets (重复来电), newest first, a page at a time. */
int
ctl_caller(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__CallerRequest cr = HOTLINE__CALLER_REQUEST__INIT;

	ctl_page_command(ctl->command->name, argc, argv);
	if (ctl_page_options(argc, argv, 1, &cr.limit, &cr.cursor) == -1)
		return ctl_usage(ctl);
	cr.caller_phone = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_CALLER;
	req.caller = &cr;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_TICKETS,
	    ctl_text_tickets);
}

/* Parses callback's --result, English or Chinese; returns 0 or a usage status. */
static int
ctl_callback_result(const struct ctl *ctl, const char *arg,
    Hotline__CallbackResult *result)
{
	int v;

	if (ctl_name_parse(ctl_callback_results, arg, &v) == -1)
		return ctl_usage_error(ctl, ZH_EN("无法识别的回访结果 ",
		    "unknown result ") "%s", arg);
	*result = (Hotline__CallbackResult)v;
	return 0;
}

/* callback NUMBER --result RESULT [--comment TEXT]: records the 回访. */
int
ctl_callback(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__CallbackRequest cr = HOTLINE__CALLBACK_REQUEST__INIT;
	char *result = NULL;
	const struct ctl_opt opts[] = {
		{ "result", &result, NULL, 1 },
		{ "comment", &cr.comment, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0 ||
	    (rc = ctl_callback_result(ctl, result, &cr.result)) != 0)
		return rc;
	if (cr.result == HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_UNSATISFIED &&
	    cr.comment[0] == '\0')
		return ctl_usage_error(ctl, ZH_EN("不满意须用 --comment 记下市民"
		    "的原话", "unsatisfied needs --comment with the citizen's "
		    "words"));
	cr.number = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_CALLBACK;
	req.callback = &cr;
	return ctl_exchange_ticket(ctl, &req);
}
