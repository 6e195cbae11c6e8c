/* The web side's own interface (web-*.c): embedded files, sessions, answers; the rest of the daemon sees hotlined.h only. */
#ifndef WEB_H
#define WEB_H

#include <stddef.h>

/* One embedded file of the page (scripts/embed-web.sh). */
struct web_file {
	const char *path;		/* "/app.js"; NULL ends the table */
	const char *type;		/* Content-Type */
	const unsigned char *data;
	size_t len;
};

/* Terminated by an entry whose path is NULL. */
extern const struct web_file web_files[];

#ifndef WEB_FILES_ONLY
#include <sys/queue.h>

#include <jansson.h>

#include "hotlined.h"

#define WEB_SESSION_TTL_S (8 * 3600)	/* a session lasts one working day */
#define WEB_COOKIE "hotline_session"

struct evhttp_request;

/* web-reply.c: headers every answer carries, JSON and error answers. */
void web_headers(struct evhttp_request *, const char *type);
void web_json(struct evhttp_request *, int code, json_t *);
void web_error(struct evhttp_request *, Hotline__ErrorCode, const char *field,
    const char *message);
int web_status(Hotline__ErrorCode);

/*
 * A request waiting for Redis or the op table. Invariant: on the pending
 * list while req is set; evhttp frees its requests when the listener
 * stops, so web_pending_forget_all takes each off the list (req NULL),
 * then calls its forget, if set, so the owner drops what hangs on it.
 */
struct web_pending {
	struct evhttp_request *req;
	void (*forget)(struct web_pending *);
	LIST_ENTRY(web_pending) entry;
};
void web_pending_add(struct web_pending *, struct evhttp_request *);
void web_pending_remove(struct web_pending *);
void web_pending_forget_all(void);

/*
 * web-session.c. web_session_find calls found at most once: with the
 * session's principal (still in the configuration, a supervisor or admin),
 * or with NULL when there is no session (no cookie, expired); found then
 * answers req. When Redis is down or the principal may not view the page
 * the answer is sent here and found is not called.
 */
typedef void (*web_found)(struct evhttp_request *,
    const struct principal *, void *arg);
void web_session_find(struct evhttp_request *, web_found, void *arg);
void web_login(struct evhttp_request *, void *);
void web_logout(struct evhttp_request *, void *);
void web_whoami(struct evhttp_request *, void *);
int web_may_view(const struct principal *);
json_t *web_principal_json(const struct principal *);

/* client/json.c (shared with hotlinectl --json): any message as JSON. */
json_t *json_from_protobuf(const ProtobufCMessage *);

/* web-mask.c: confidential callers never leave through the web. */
void web_mask(ProtobufCMessage *);
#endif

#endif
