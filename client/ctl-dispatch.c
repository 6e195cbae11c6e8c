/* hotlinectl commands of the centre's dispatcher (派单员): triage, dispatch, extensions, review, merge, invalid. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

#define CTL_MAX_ASSISTS 32	/* --assist options taken; the daemon has its own limit */

/* A dispatch's departments as given; assists point into argv. */
struct ctl_route {
	char *assists[CTL_MAX_ASSISTS];
	size_t n_assists;
};

/* triage [--limit N] [--cursor C]: the triage queue (待派单), oldest first, a page at a time. */
int
ctl_triage(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__TriageListRequest tr = HOTLINE__TRIAGE_LIST_REQUEST__INIT;

	ctl_page_command(ctl->command->name, argc, argv);
	if (ctl_page_options(argc, argv, 0, &tr.limit, &tr.cursor) == -1)
		return ctl_usage(ctl);
	req.body_case = HOTLINE__ENVELOPE__BODY_TRIAGE;
	req.triage = &tr;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_TICKETS,
	    ctl_text_tickets);
}

/* Applies one option of dispatch or redispatch; returns 0 or a usage status. */
static int
ctl_route_option(const struct ctl *ctl, int ch, char *arg,
    Hotline__DispatchRequest *dr, struct ctl_route *route)
{
	switch (ch) {
	case 't':
		dr->lead_department = arg;
		return 0;
	case 'a':
		if (route->n_assists == CTL_MAX_ASSISTS)
			return ctl_usage_error(ctl, ZH_EN("--assist 至多 ",
			    "more than ") "%d" ZH_EN(" 个", " --assist"),
			    CTL_MAX_ASSISTS);
		route->assists[route->n_assists++] = arg;
		return 0;
	case 'n':
		dr->note = arg;
		return 0;
	case 'c':
		dr->category = arg;
		return 0;
	}
	return ctl_usage(ctl);
}

/* Parses dispatch's options into dr; returns 0 or a usage status. */
static int
ctl_route_options(const struct ctl *ctl, int argc, char **argv,
    Hotline__DispatchRequest *dr, struct ctl_route *route)
{
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "assist", required_argument, NULL, 'a' },
		{ "note", required_argument, NULL, 'n' },
		{ "category", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if ((rc = ctl_route_option(ctl, ch, optarg, dr, route)) != 0)
			return rc;
	if (argc - optind != 1 || argv[optind][0] == '\0')
		return ctl_usage(ctl);
	if (dr->lead_department == NULL || dr->lead_department[0] == '\0')
		return ctl_usage_error(ctl, "--to" ZH_EN(" 为必填项",
		    " is required"));
	dr->number = argv[optind];
	dr->assisting_departments = route->assists;
	dr->n_assisting_departments = route->n_assists;
	return 0;
}

/* Sends a dispatch (派单) or a re-dispatch (改派) as body. */
static int
ctl_route_run(struct ctl *ctl, int argc, char **argv,
    Hotline__Envelope__BodyCase body)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__DispatchRequest dr = HOTLINE__DISPATCH_REQUEST__INIT;
	struct ctl_route route;
	int rc;

	route.n_assists = 0;
	if ((rc = ctl_route_options(ctl, argc, argv, &dr, &route)) != 0)
		return rc;
	req.body_case = body;
	if (body == HOTLINE__ENVELOPE__BODY_DISPATCH)
		req.dispatch = &dr;
	else
		req.redispatch = &dr;
	return ctl_exchange_ticket(ctl, &req);
}

/* dispatch NUMBER --to DEPT [--assist DEPT]... [--category CODE] [--note TEXT]: 派单. */
int
ctl_dispatch(struct ctl *ctl, int argc, char **argv)
{
	return ctl_route_run(ctl, argc, argv, HOTLINE__ENVELOPE__BODY_DISPATCH);
}

/* redispatch NUMBER --to DEPT [--assist DEPT]... [--category CODE] [--note TEXT]: 改派. */
int
ctl_redispatch(struct ctl *ctl, int argc, char **argv)
{
	return ctl_route_run(ctl, argc, argv,
	    HOTLINE__ENVELOPE__BODY_REDISPATCH);
}

/* extension NUMBER --approve | --reject [--note TEXT]: 延期审批. */
int
ctl_extension(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ExtensionDecision ed = HOTLINE__EXTENSION_DECISION__INIT;
	int approve = 0, reject = 0, rc;
	const struct ctl_opt opts[] = {
		{ "approve", NULL, &approve, 0 },
		{ "reject", NULL, &reject, 0 },
		{ "note", &ed.note, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	if (approve == reject)
		return ctl_usage_error(ctl, ZH_EN("请给出 --approve 或 "
		    "--reject", "give --approve or --reject"));
	ed.number = argv[optind];
	ed.approve = approve;
	req.body_case = HOTLINE__ENVELOPE__BODY_DECIDE_EXTENSION;
	req.decide_extension = &ed;
	return ctl_exchange_ticket(ctl, &req);
}

/* review NUMBER --approve | --send-back --note TEXT: 审核 a reply. */
int
ctl_review(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ReviewRequest rr = HOTLINE__REVIEW_REQUEST__INIT;
	int approve = 0, send_back = 0, rc;
	const struct ctl_opt opts[] = {
		{ "approve", NULL, &approve, 0 },
		{ "send-back", NULL, &send_back, 0 },
		{ "note", &rr.note, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	if (approve == send_back)
		return ctl_usage_error(ctl, ZH_EN("请给出 --approve 或 "
		    "--send-back", "give --approve or --send-back"));
	if (send_back && rr.note[0] == '\0')
		return ctl_usage_error(ctl, ZH_EN("--send-back 须带 --note",
		    "--send-back needs --note"));
	rr.number = argv[optind];
	rr.approve = approve;
	req.body_case = HOTLINE__ENVELOPE__BODY_REVIEW;
	req.review = &rr;
	return ctl_exchange_ticket(ctl, &req);
}

/* merge NUMBER --into MASTER [--note TEXT]: 并单. */
int
ctl_merge(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__MergeRequest mr = HOTLINE__MERGE_REQUEST__INIT;
	const struct ctl_opt opts[] = {
		{ "into", &mr.master, NULL, 1 },
		{ "note", &mr.note, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	mr.number = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_MERGE;
	req.merge = &mr;
	return ctl_exchange_ticket(ctl, &req);
}

/* invalidate NUMBER --reason TEXT: closes a ticket as invalid (无效/骚扰). */
int
ctl_invalidate(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__InvalidateRequest ir = HOTLINE__INVALIDATE_REQUEST__INIT;
	const struct ctl_opt opts[] = {
		{ "reason", &ir.reason, NULL, 1 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	ir.number = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_INVALIDATE;
	req.invalidate = &ir;
	return ctl_exchange_ticket(ctl, &req);
}
