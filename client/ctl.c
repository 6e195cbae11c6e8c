/* hotlinectl's plumbing: connect and hello, a request sent and its answer checked, printed or handed back. */
#include <stdio.h>

#include "ctl.h"

/* Connects and, if the command needs it, says hello; returns 0 or an exit status. */
int
ctl_open(struct ctl *ctl)
{
	struct hl_error err;

	/*
	 * Said here, before connecting, so no failed hello is counted; a
	 * client certificate may stand for both (hotlined maps it).
	 */
	if (ctl->command->hello && ctl->tls_opts.cert_file == NULL &&
	    (ctl->principal == NULL || ctl->principal[0] == '\0'))
		return ctl_fail_local(CTL_EXIT_USAGE, "usage", "%s",
		    CTL_T(NO_USER));
	if (ctl->command->hello && ctl->tls_opts.cert_file == NULL &&
	    (ctl->token == NULL || ctl->token[0] == '\0'))
		return ctl_fail_local(CTL_EXIT_USAGE, "usage", "%s",
		    CTL_T(NO_TOKEN));
	if (ctl->tls)
		ctl->client = hl_connect_tls(ctl->address, ctl->timeout_ms,
		    &ctl->tls_opts, &err);
	else
		ctl->client = hl_connect(ctl->address, ctl->timeout_ms, &err);
	if (ctl->client == NULL)
		return ctl_fail(&err);
	if (ctl->command->hello && hl_hello(ctl->client, ctl->role,
	    ctl->principal, ctl->token, NULL, &err) == -1)
		return ctl_fail(&err);
	return 0;
}

/*
 * After an answer that leaves it open whether the request was applied
 * (unavailable, or the connection lost), says how to retry it safely.
 */
static void
ctl_retry_hint(const struct ctl *ctl, const struct hl_error *err)
{
	const char *key = hl_last_request_key(ctl->client);

	if (key[0] == '\0' || (err->code !=
	    HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE &&
	    err->code != HL_ERR_IO && err->code != HL_ERR_TIMEOUT))
		return;
	fprintf(stderr, ctl_lang == CTL_LANG_EN ? "hotlinectl: it may have "
	    "been done; to retry safely (done at most once), run the same "
	    "command with --request-key %s\n" : "hotlinectl: 此操作可能已经"
	    "完成；如需安全重试（至多执行一次），请加 --request-key %s 再运行"
	    "同一命令\n", key);
}

/* Sends req and checks the answer's kind; returns 0 with *reply, or an exit status. */
int
ctl_call(struct ctl *ctl, Hotline__Envelope *req,
    Hotline__Envelope__BodyCase expected, Hotline__Envelope **reply)
{
	struct hl_error err;
	int rc;

	if (ctl->request_key != NULL && ctl->request_key[0] != '\0')
		req->request_key = (char *)ctl->request_key;
	ctl->request_key = NULL;	/* the command's first request only */
	if (hl_call(ctl->client, req, reply, &err) == -1) {
		ctl_retry_hint(ctl, &err);
		return ctl_fail(&err);
	}
	if ((*reply)->body_case != expected) {
		rc = ctl_fail_local(CTL_EXIT_CONNECTION, "protocol",
		    ZH_EN("协议错误：应为 ", "protocol: expected ") "%s"
		    ZH_EN("，收到 ", ", got ") "%s", hl_body_name(expected),
		    hl_body_name((*reply)->body_case));
		hl_envelope_free(*reply);
		*reply = NULL;
		return rc;
	}
	return 0;
}

/* Connects, sends req, checks and prints the answer; returns the exit status. */
int
ctl_exchange(struct ctl *ctl, Hotline__Envelope *req,
    Hotline__Envelope__BodyCase expected, ctl_text_fn text)
{
	Hotline__Envelope *reply;
	int rc;

	if ((rc = ctl_open(ctl)) != 0)
		return rc;
	if ((rc = ctl_call(ctl, req, expected, &reply)) != 0)
		return rc;
	rc = ctl_output(ctl, reply, text);
	hl_envelope_free(reply);
	return rc;
}

/* Sends a request answered with a TicketReply and prints the ticket. */
int
ctl_exchange_ticket(struct ctl *ctl, Hotline__Envelope *req)
{
	return ctl_exchange(ctl, req, HOTLINE__ENVELOPE__BODY_TICKET,
	    ctl_text_ticket);
}
