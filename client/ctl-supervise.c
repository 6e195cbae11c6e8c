/* hotlinectl commands of the supervision office (督办/考核): urge, supervise, exempt. */
#include <getopt.h>
#include <stdio.h>

#include "ctl.h"

/* urge NUMBER TEXT: 催办, a reminder pushed to the department. */
int
ctl_urge(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__UrgeRequest ur = HOTLINE__URGE_REQUEST__INIT;
	const struct ctl_opt opts[] = { { NULL, NULL, NULL, 0 } };
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 2)) != 0)
		return rc;
	ur.number = argv[optind];
	ur.text = argv[optind + 1];
	req.body_case = HOTLINE__ENVELOPE__BODY_URGE;
	req.urge = &ur;
	return ctl_exchange_ticket(ctl, &req);
}

/* supervise NUMBER TEXT [--limit LIMIT]: 督办, an order with its own deadline. */
int
ctl_supervise(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__SuperviseRequest sr = HOTLINE__SUPERVISE_REQUEST__INIT;
	const struct ctl_opt opts[] = {
		{ "limit", &sr.limit, NULL, 0 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 2)) != 0)
		return rc;
	if (sr.limit[0] != '\0' && !ctl_time_limit_valid(sr.limit))
		return ctl_usage_error(ctl, "--limit %s" CTL_NOT_LIMIT("2wd"),
		    sr.limit);
	sr.number = argv[optind];
	sr.text = argv[optind + 1];
	req.body_case = HOTLINE__ENVELOPE__BODY_SUPERVISE;
	req.supervise = &sr;
	return ctl_exchange_ticket(ctl, &req);
}

/* exempt NUMBER --reason TEXT: 免考核, out of the departments' assessment. */
int
ctl_exempt(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ExemptRequest er = HOTLINE__EXEMPT_REQUEST__INIT;
	const struct ctl_opt opts[] = {
		{ "reason", &er.reason, NULL, 1 },
		{ NULL, NULL, NULL, 0 }
	};
	int rc;

	if ((rc = ctl_parse(ctl, argc, argv, opts, 1)) != 0)
		return rc;
	er.number = argv[optind];
	req.body_case = HOTLINE__ENVELOPE__BODY_EXEMPT;
	req.exempt = &er;
	return ctl_exchange_ticket(ctl, &req);
}
