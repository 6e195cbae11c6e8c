/* The JSON API (/api/v1/...): each call becomes the protocol request the op table handles, on a connection of its own; answers go back as JSON, the feed as Server-Sent Events. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "frame.h"
#include "web.h"

#define WEB_HEARTBEAT_S 10	/* an SSE comment this often keeps proxies and detection awake */
#define WEB_STALL_S 60		/* a stream's browser that reads nothing this long is cut off */
#define WEB_QUERY_MAX 2048	/* bytes of a query string */
#define BODY(x) HOTLINE__ENVELOPE__BODY_##x

/* The refusal of a method other than GET. */
#define WEB_GET_ONLY ZH_EN("只接受 GET", "GET only")

/*
 * One API path and the protocol request it makes. Its query parameters are
 * the request message's fields by their proto names (period=2026-Q3,
 * dimension=district, within_hours=8); who may call it is the op table's
 * business, as for any client.
 */
struct web_route {
	const char *path;
	Hotline__Envelope__BodyCase body;
};

static const struct web_route web_routes[] = {
	{ .path = "/api/v1/scorecard", .body = BODY(SCORECARD) },
	{ .path = "/api/v1/hot", .body = BODY(HOT) },
	{ .path = "/api/v1/overdue", .body = BODY(OVERDUE) },
	{ .path = "/api/v1/breaches", .body = BODY(BREACHES) },
	{ .path = "/api/v1/timeline", .body = BODY(TIMELINE) },
	{ .path = "/api/v1/events", .body = BODY(WATCH) },	/* SSE */
};

/*
 * One API call. conn is what the op table sees: the session's principal,
 * authenticated, with no socket (server.c hands its output to
 * web_api_write). Invariant: wp.req is set while an answer is due or the
 * stream runs; conn.closed once the call is over, freed a loop turn later.
 */
struct web_call {
	struct web_pending wp;		/* first: the pending list's entry */
	const struct web_route *route;
	struct conn conn;
	int streaming;			/* the SSE answer has started */
	struct event *beat;		/* streaming: the heartbeat */
};

static uint64_t web_call_ids;

/* Frees a call closed a loop turn ago. */
static void
web_call_free(evutil_socket_t fd, short what, void *arg)
{
	struct web_call *call = arg;

	(void)fd;
	(void)what;
	if (call->beat != NULL)
		event_free(call->beat);
	free(call);
}

/* Ends call: off the pending list, its requests detached, freed soon. Returns its request, if any. */
static struct evhttp_request *
web_call_end(struct web_call *call)
{
	struct evhttp_request *req = call->wp.req;
	struct timeval now = { 0, 0 };

	if (call->conn.closed)
		return NULL;
	if (req != NULL)
		web_pending_remove(&call->wp);
	if (call->beat != NULL)
		event_del(call->beat);
	call->conn.closed = 1;
	session_closed(&call->conn);
	event_base_once(hotlined.base, -1, EV_TIMEOUT, web_call_free, call,
	    &now);
	return req;
}

/* web_stop: the listener is going away with its requests (wp is off the list). */
static void
web_call_forget(struct web_pending *wp)
{
	web_call_end((struct web_call *)wp);
}

/* Finds the value of enum ed whose name ends in "_" + text upper-cased ("district"), or by number. */
static const ProtobufCEnumValue *
web_enum_value(const ProtobufCEnumDescriptor *ed, const char *text)
{
	size_t i, n = strlen(text), len;
	const char *name;
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (n > 0 && *end == '\0' && errno == 0 && v >= INT32_MIN &&
	    v <= INT32_MAX)
		return protobuf_c_enum_descriptor_get_value(ed, (int)v);
	for (i = 0; i < ed->n_values; i++) {
		name = ed->values[i].name;
		len = strlen(name);
		if (n == 0 || len <= n + 1 || name[len - n - 1] != '_' ||
		    strncasecmp(name + len - n, text, n) != 0)
			continue;
		return &ed->values[i];
	}
	return NULL;
}

/* Parses an unsigned decimal no larger than max; -1 if it is not one. */
static int
web_parse_unsigned(const char *text, unsigned long long max,
    unsigned long long *out)
{
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)text[0]))
		return -1;
	*out = strtoull(text, &end, 10);
	return *end != '\0' || errno != 0 || *out > max ? -1 : 0;
}

/*
 * Sets msg's field named key from the query text val. Returns 0, or -1
 * with why set (no such field, or val is not of its type).
 */
static int
web_set_field(ProtobufCMessage *msg, const char *key, const char *val,
    const char **why)
{
	const ProtobufCFieldDescriptor *f =
	    protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, key);
	const ProtobufCEnumValue *ev;
	char *member, *end;
	unsigned long long u;
	double d;

	if (f == NULL || f->label == PROTOBUF_C_LABEL_REPEATED)
		return *why = ZH_EN("没有这个参数", "no such parameter"), -1;
	member = (char *)msg + f->offset;
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		*(char **)member = xstrdup(val);
		return 0;
	case PROTOBUF_C_TYPE_UINT32:
		if (web_parse_unsigned(val, UINT32_MAX, &u) == -1)
			return *why = ZH_EN("不是范围内的整数", "not a whole number in range"), -1;
		*(uint32_t *)member = (uint32_t)u;
		return 0;
	case PROTOBUF_C_TYPE_DOUBLE:
		errno = 0;
		d = strtod(val, &end);
		if (val[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(d))
			return *why = ZH_EN("不是数字", "not a number"), -1;
		*(double *)member = d;
		return 0;
	case PROTOBUF_C_TYPE_ENUM:
		if ((ev = web_enum_value(f->descriptor, val)) == NULL)
			return *why = ZH_EN("不是可选的取值之一", "not one of the enum's values"), -1;
		*(int *)member = ev->value;
		return 0;
	default:
		return *why = ZH_EN("网页接口不接受这种类型的参数",
		    "a parameter of a type the web API does not take"), -1;
	}
}

/* Fills msg from req's query string; -1 with the offending key (copied into bad) and why. */
static int
web_fill(struct evhttp_request *req, ProtobufCMessage *msg, char *bad,
    size_t badlen, const char **why)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	struct evkeyvalq params;
	struct evkeyval *kv;
	int rc = 0;

	bad[0] = '\0';
	if (query == NULL || query[0] == '\0')
		return 0;
	if (strlen(query) > WEB_QUERY_MAX)
		return *why = ZH_EN("查询字符串过长", "the query string is too long"), -1;
	if (strcasestr(query, "%00") != NULL)	/* C strings would cut it */
		return *why = ZH_EN("参数中有 NUL 字节", "a NUL byte in a parameter"), -1;
	if (evhttp_parse_query_str(query, &params) == -1)
		return *why = ZH_EN("查询字符串格式错误", "a malformed query string"), -1;
	TAILQ_FOREACH(kv, &params, next) {
		if (web_set_field(msg, kv->key, kv->value, why) == -1) {
			snprintf(bad, badlen, "%s", kv->key);
			rc = -1;
			break;
		}
	}
	evhttp_clear_headers(&params);
	return rc;
}

/* The body message of env (the member its body_case names), or NULL. */
static ProtobufCMessage **
web_body(Hotline__Envelope *env, Hotline__Envelope__BodyCase body)
{
	const ProtobufCFieldDescriptor *f =
	    protobuf_c_message_descriptor_get_field(&hotline__envelope__descriptor,
	    (unsigned)body);

	if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
		return NULL;
	return (ProtobufCMessage **)((char *)env + f->offset);
}

/* Builds the request envelope of route from req; NULL with the answer sent if the query is bad. */
static Hotline__Envelope *
web_request(struct evhttp_request *req, const struct web_route *route)
{
	Hotline__Envelope *env = envelope_new();
	ProtobufCMessage **slot = web_body(env, route->body);
	const ProtobufCMessageDescriptor *md =
	    protobuf_c_message_descriptor_get_field(&hotline__envelope__descriptor,
	    (unsigned)route->body)->descriptor;
	const char *why, *last;
	char key[64], message[320];

	*slot = xmalloc(md->sizeof_message);
	protobuf_c_message_init(md, *slot);
	env->body_case = route->body;
	env->id = 1;
	if (web_fill(req, *slot, key, sizeof key, &why) == -1) {
		snprintf(message, sizeof message, "%s%s%s", key, key[0] != '\0' ?
		    ": " : "", why);
		web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, key,
		    message);
		hotline__envelope__free_unpacked(env, NULL);
		return NULL;
	}
	/* EventSource resumes with Last-Event-ID: the same cursor as watch. */
	last = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Last-Event-ID");
	if (route->body == BODY(WATCH) && last != NULL) {
		free(env->watch->cursor == protobuf_c_empty_string ? NULL :
		    env->watch->cursor);
		env->watch->cursor = xstrdup(last);
	}
	return env;
}

/* Sends one SSE event on call's stream: "id" (may be NULL), "event", then data as one line. */
static void
web_sse(struct web_call *call, const char *id, const char *event,
    json_t *data)
{
	struct evbuffer *out = evbuffer_new();
	char *text = data != NULL ? json_dumps(data, JSON_COMPACT) : NULL;

	if (id != NULL)
		evbuffer_add_printf(out, "id: %s\n", id);
	if (text != NULL)
		evbuffer_add_printf(out, "event: %s\ndata: %s\n\n", event, text);
	else
		evbuffer_add_printf(out, ": %s\n\n", event);	/* a comment */
	evhttp_send_reply_chunk(call->wp.req, out);
	evbuffer_free(out);
	free(text);
}

/* Ends call's stream from this side (the op table said no more). */
static void
web_stream_end(struct web_call *call)
{
	struct evhttp_request *req = call->wp.req;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);

	if (evcon != NULL)
		evhttp_connection_set_closecb(evcon, NULL, NULL);
	evhttp_request_set_on_complete_cb(req, NULL, NULL);
	web_call_end(call);
	evhttp_send_reply_end(req);
}

/* The heartbeat: a comment keeps the stream alive and finds a vanished browser; resumes a paused feed. */
static void
web_stream_beat(evutil_socket_t fd, short what, void *arg)
{
	struct web_call *call = arg;

	(void)fd;
	(void)what;
	if (call->wp.req == NULL)
		return;
	web_sse(call, NULL, "heartbeat", NULL);
	if (web_api_backlog(&call->conn) == 0)
		feed_writable(&call->conn);
}

/*
 * evhttp: the browser went away (the connection closes) or libevent
 * completed the request itself after a write error. A request detached
 * from its connection is ours to free (evhttp_send_reply_end does).
 */
static void
web_stream_gone(struct evhttp_connection *evcon, void *arg)
{
	struct web_call *call = arg;
	struct evhttp_request *req = web_call_end(call);

	(void)evcon;
	if (req != NULL && evhttp_request_get_connection(req) == NULL)
		evhttp_send_reply_end(req);
}

/* evhttp completed (and frees) the stream's request; its connection may outlive the call. */
static void
web_stream_completed(struct evhttp_request *req, void *arg)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);

	if (evcon != NULL)
		evhttp_connection_set_closecb(evcon, NULL, NULL);
	web_call_end(arg);
}

/* Starts call's SSE stream with the WatchReply as event "watching". */
static void
web_stream_start(struct web_call *call, json_t *watching)
{
	struct evhttp_request *req = call->wp.req;
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct timeval beat = { WEB_HEARTBEAT_S, 0 };
	struct timeval stall = { WEB_STALL_S, 0 };
	struct evhttp_connection *evcon;

	web_headers(req, "text/event-stream; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Accel-Buffering", "no");
	evhttp_send_reply_start(req, HTTP_OK, "OK");
	evcon = evhttp_request_get_connection(req);
	evhttp_connection_set_closecb(evcon, web_stream_gone, call);
	/* The browser sends nothing more: no read deadline; a write may take a while. */
	bufferevent_set_timeouts(evhttp_connection_get_bufferevent(evcon), NULL,
	    &stall);
	evhttp_request_set_on_complete_cb(req, web_stream_completed, call);
	call->streaming = 1;
	call->beat = event_new(hotlined.base, -1, EV_PERSIST, web_stream_beat,
	    call);
	event_add(call->beat, &beat);
	web_sse(call, NULL, "watching", watching);
}

/* Turns one answer or event for call into HTTP: JSON, or the stream's next event. */
static void
web_answer(struct web_call *call, Hotline__Envelope *env)
{
	ProtobufCMessage **body = web_body(env, env->body_case);
	json_t *json, *wrap;

	if ((body == NULL || *body == NULL) && call->streaming) {
		web_stream_end(call);
		return;
	}
	if (body == NULL || *body == NULL) {
		web_error(call->wp.req, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL,
		    NULL, ZH_EN("内部错误（应答缺少内容）",
		    "internal error (an answer without a body)"));
		web_call_end(call);
		return;
	}
	web_mask(*body);
	json = json_from_protobuf(*body);
	if (env->body_case == BODY(ERROR) && call->streaming) {
		web_sse(call, NULL, "error", json);
		json_decref(json);
		web_stream_end(call);
	} else if (env->body_case == BODY(ERROR)) {
		wrap = json_object();
		json_object_set_new(wrap, "error", json);
		web_json(call->wp.req, web_status(env->error->code), wrap);
		web_call_end(call);
	} else if (env->body_case == BODY(WATCHING)) {
		web_stream_start(call, json);
		json_decref(json);
	} else if (env->body_case == BODY(EVENT)) {
		web_sse(call, env->event->id, "event", json);
		json_decref(json);
	} else {
		web_json(call->wp.req, HTTP_OK, json);
		web_call_end(call);
	}
}

/*
 * server.c: an answer (or pushed event) frame for a web call's connection.
 * It is decoded again and sent as JSON; after a one-shot answer the call
 * ends (inside session_flush: conn.closed stops its loop).
 */
void
web_api_write(struct conn *c, const uint8_t *frame, size_t len)
{
	struct web_call *call = c->web;
	Hotline__Envelope *env;
	size_t body_len, header_len;

	if (call->wp.req == NULL)
		return;
	if (frame_decode_header(frame, len, len, &body_len, &header_len) !=
	    FRAME_OK || header_len + body_len != len ||
	    (env = hotline__envelope__unpack(NULL, body_len,
	    frame + header_len)) == NULL) {
		log_warnx("web: an answer frame did not decode");
		if (!call->streaming)
			web_error(call->wp.req,
			    HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
			    LANG_INTERNAL);
		web_call_end(call);
		return;
	}
	web_answer(call, env);
	hotline__envelope__free_unpacked(env, NULL);
}

/* Bytes waiting to go to a streaming call's browser (feed.c pauses over its mark). */
size_t
web_api_backlog(const struct conn *c)
{
	struct evhttp_connection *evcon = c->web->wp.req != NULL ?
	    evhttp_request_get_connection(c->web->wp.req) : NULL;

	return evcon != NULL ? evbuffer_get_length(bufferevent_get_output(
	    evhttp_connection_get_bufferevent(evcon))) : 0;
}

/* The session is p's: makes the call's connection and hands the request to the op table. */
static void
web_api_found(struct evhttp_request *req, const struct principal *p,
    void *arg)
{
	const struct web_route *route = arg;
	struct web_call *call;
	Hotline__Envelope *env;
	struct conn *c;
	char addr[64];

	if (p == NULL) {
		web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
		    NULL, ZH_EN("请先登录（没有会话或会话已过期）",
		    "log in first (no session, or it expired)"));
		return;
	}
	if ((env = web_request(req, route)) == NULL)
		return;
	call = xcalloc(1, sizeof *call);
	call->route = route;
	call->wp.forget = web_call_forget;
	web_pending_add(&call->wp, req);
	c = &call->conn;
	c->web = call;
	c->id = ++web_call_ids;
	http_peer_address(req, addr, sizeof addr);
	snprintf(c->peer, sizeof c->peer, "web %s", addr);
	c->authenticated = 1;
	c->role = p->role;
	snprintf(c->principal, sizeof c->principal, "%s", p->id);
	snprintf(c->department, sizeof c->department, "%s",
	    p->department != NULL ? p->department : "");
	TAILQ_INIT(&c->pending);
	session_frame(c, env);
}

/* GET /api/v1/<route>: the session first, then the op table. */
static void
web_api(struct evhttp_request *req, void *arg)
{
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, NULL,
		    WEB_GET_ONLY);
		return;
	}
	web_session_find(req, web_api_found, arg);
}

/* GET /, /app.js, ...: one embedded file of the page. */
static void
web_file(struct evhttp_request *req, void *arg)
{
	const struct web_file *f = arg;
	struct evbuffer *out;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, NULL,
		    WEB_GET_ONLY);
		return;
	}
	out = evbuffer_new();
	web_headers(req, f->type);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-cache");
	evbuffer_add_reference(out, f->data, f->len, NULL, NULL);
	evhttp_send_reply(req, HTTP_OK, "OK", out);
	evbuffer_free(out);
}

/* Registers the page's files and the API on the HTTP listener. */
void
web_start(struct evhttp *http)
{
	const struct web_file *f;
	size_t i;

	for (f = web_files; f->path != NULL; f++) {
		evhttp_set_cb(http, f->path, web_file, (void *)f);
		if (strcmp(f->path, "/index.html") == 0)
			evhttp_set_cb(http, "/", web_file, (void *)f);
	}
	evhttp_set_cb(http, "/api/v1/session", web_login, NULL);
	evhttp_set_cb(http, "/api/v1/logout", web_logout, NULL);
	for (i = 0; i < sizeof web_routes / sizeof web_routes[0]; i++)
		evhttp_set_cb(http, web_routes[i].path, web_api,
		    (void *)&web_routes[i]);
}

/* The listener stops: every waiting request and stream is forgotten (evhttp frees them). */
void
web_stop(void)
{
	web_pending_forget_all();
}
