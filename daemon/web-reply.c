/* The web side's answers: security headers on every one, JSON bodies, errors in the protocol's own Error shape. */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "web.h"

/*
 * The page's Content-Security-Policy: its own files only, no inline script
 * or style, no frames, forms and fetches only to this origin.
 */
#define WEB_CSP "default-src 'none'; script-src 'self'; style-src 'self'; " \
	"img-src 'self' data:; connect-src 'self'; font-src 'self'; " \
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* Sets the Content-Type and the headers every web answer carries. */
void
web_headers(struct evhttp_request *req, const char *type)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Content-Security-Policy", WEB_CSP);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
}

/* Answers req with value as JSON (taking value). */
void
web_json(struct evhttp_request *req, int code, json_t *value)
{
	struct evbuffer *out = evbuffer_new();
	char *text = value != NULL ? json_dumps(value, JSON_COMPACT) : NULL;

	web_headers(req, "application/json; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	if (text == NULL)
		code = 500;
	evbuffer_add_printf(out, "%s\n", text != NULL ? text :
	    "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}");
	evhttp_send_reply(req, code, code < 300 ? "OK" : "Error", out);
	evbuffer_free(out);
	free(text);
	json_decref(value);
}

/* The HTTP status of a protocol error code. */
int
web_status(Hotline__ErrorCode code)
{
	switch (code) {
	case HOTLINE__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED:
		return 401;
	case HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN:
		return 403;
	case HOTLINE__ERROR_CODE__ERROR_CODE_NOT_FOUND:
		return 404;
	case HOTLINE__ERROR_CODE__ERROR_CODE_CONFLICT:
		return 409;
	case HOTLINE__ERROR_CODE__ERROR_CODE_TOO_LARGE:
		return 413;
	case HOTLINE__ERROR_CODE__ERROR_CODE_RATE_LIMITED:
		return 429;
	case HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE:
		return 503;
	case HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL:
		return 500;
	default:
		return 400;
	}
}

/* Answers req with {"error": Error}, the protocol's Error as JSON; message may hold ZH_EN pairs (message Chinese, message_en English). */
void
web_error(struct evhttp_request *req, Hotline__ErrorCode code,
    const char *field, const char *message)
{
	Hotline__Error err = HOTLINE__ERROR__INIT;
	json_t *body = json_object();

	err.code = code;
	err.message = request_text(message, LANG_ZH);
	err.message_en = request_text(message, LANG_EN);
	err.field = (char *)(field != NULL ? field : "");
	json_object_set_new(body, "error", json_from_protobuf(&err.base));
	free(err.message);
	free(err.message_en);
	web_json(req, web_status(code), body);
}

static LIST_HEAD(, web_pending) web_pendings =
    LIST_HEAD_INITIALIZER(web_pendings);

/* Remembers that wp->req waits for an answer (web_stop forgets it). */
void
web_pending_add(struct web_pending *wp, struct evhttp_request *req)
{
	wp->req = req;
	LIST_INSERT_HEAD(&web_pendings, wp, entry);
}

/* wp is answered or given up: off the list. */
void
web_pending_remove(struct web_pending *wp)
{
	LIST_REMOVE(wp, entry);
	wp->req = NULL;
}

/* The listener is being freed (with its requests): every waiting one is forgotten. */
void
web_pending_forget_all(void)
{
	struct web_pending *wp;

	while ((wp = LIST_FIRST(&web_pendings)) != NULL) {
		web_pending_remove(wp);
		if (wp->forget != NULL)
			wp->forget(wp);
	}
}
