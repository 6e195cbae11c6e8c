/* The web page's login sessions: a principal's token for an HttpOnly cookie, kept in Redis so any hotlined serves it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "auth-worker.h"
#include "script-args.h"
#include "web.h"

#define WEB_TOKEN_BYTES 32		/* 256 random bits: not guessable */
#define WEB_TOKEN_HEX (2 * WEB_TOKEN_BYTES)
#define WEB_KEY_PREFIX KEY_WEB_SESSION_PREFIX

/* The refusal of a principal whose role the page is not for. */
#define WEB_FOR_VIEWERS ZH_EN("网页仅供督办、管理员和承办单位使用", \
	"the web page is for supervisors, admins and departments")

/* A login or a session look-up waiting for Redis. */
struct web_session_call {
	struct web_pending wp;		/* first: the pending list's entry */
	web_found found;		/* look-up: who to tell */
	void *arg;
	char token[WEB_TOKEN_HEX + 1];	/* login: the cookie's new token */
	char principal[72];		/* login: who logged in */
};

/*
 * Returns 1 if p may log in to the page: supervisors and admins (the
 * supervision page), departments (their own view: the op table gives them
 * only their own figures, tickets and feed). Agents and dispatchers work
 * in their own clients.
 */
int
web_may_view(const struct principal *p)
{
	return p->role == HOTLINE__ROLE__ROLE_SUPERVISOR ||
	    p->role == HOTLINE__ROLE__ROLE_ADMIN ||
	    p->role == HOTLINE__ROLE__ROLE_DEPARTMENT;
}

/* Who p is, for the page: {"logged_in": true, "principal", "role", "department", "session_seconds"}. */
json_t *
web_principal_json(const struct principal *p)
{
	return json_pack("{s:b, s:s, s:s, s:s, s:i}", "logged_in", 1,
	    "principal", p->id, "role",
	    config_role_name(p->role), "department",
	    p->department != NULL ? p->department : "", "session_seconds",
	    WEB_SESSION_TTL_S);
}

/* Writes the Redis key of a session token: its SHA-256, never the token. */
static void
web_session_key(const char *token, char *out, size_t outlen)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	size_t i, n;

	EVP_Digest(token, strlen(token), md, &mdlen, EVP_sha256(), NULL);
	n = (size_t)snprintf(out, outlen, "%s", WEB_KEY_PREFIX);
	for (i = 0; i < mdlen && n + 3 <= outlen; i++, n += 2)
		snprintf(out + n, outlen - n, "%02x", md[i]);
}

/*
 * Copies the session token of req's Cookie header into token; returns 0,
 * or -1 if there is none of the right form (64 hex digits).
 */
static int
web_cookie_token(struct evhttp_request *req, char token[WEB_TOKEN_HEX + 1])
{
	const char *h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Cookie"), *v;
	size_t n;

	for (v = h; v != NULL && (v = strstr(v, WEB_COOKIE "=")) != NULL;
	    v += strlen(WEB_COOKIE "=")) {
		if (v != h && v[-1] != ' ' && v[-1] != ';')
			continue;
		v += strlen(WEB_COOKIE "=");
		n = strspn(v, "0123456789abcdef");
		if (n != WEB_TOKEN_HEX || (v[n] != '\0' && v[n] != ';'))
			return -1;
		memcpy(token, v, WEB_TOKEN_HEX);
		token[WEB_TOKEN_HEX] = '\0';
		return 0;
	}
	return -1;
}

/* Runs web_session.lua (op, then extra arguments) for sc; -1 if Redis is not there. */
static int
web_session_script(struct web_session_call *sc, const char *token,
    const char *op, const char *principal, store_cb cb)
{
	struct store_args args = { 0 };
	char key[sizeof WEB_KEY_PREFIX + 64];
	int rc;

	web_session_key(token, key, sizeof key);
	store_args_add(&args, key);
	script_args_web_session(&args, op, principal, WEB_SESSION_TTL_S);
	rc = store_ready() ? store_script(SCRIPT_WEB_SESSION, 1, &args, cb, sc) :
	    -1;
	store_args_free(&args);
	return rc;
}

/* Frees sc after its Redis answer. */
static void
web_session_done(struct web_session_call *sc)
{
	if (sc->wp.req != NULL)
		web_pending_remove(&sc->wp);
	free(sc);
}

/* Answers that Redis is not there. */
static void
web_unavailable(struct evhttp_request *req)
{
	web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE, NULL,
	    ZH_EN("存储暂不可用，请稍后重试",
	    "storage is unreachable; retry later"));
}

/* store: a session's principal came (or not). */
static void
web_session_got(redisReply *reply, void *priv)
{
	struct web_session_call *sc = priv;
	struct evhttp_request *req = sc->wp.req;
	const struct principal *p = NULL;

	if (req == NULL)
		;	/* the listener stopped */
	else if (reply == NULL || reply->type == REDIS_REPLY_ERROR)
		web_unavailable(req);
	else if (reply->type == REDIS_REPLY_STRING &&
	    (p = config_principal(hotlined.cfg, reply->str)) != NULL &&
	    !web_may_view(p))
		web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN, NULL,
		    WEB_FOR_VIEWERS);
	else {
		/* No session (expired, or its principal left the configuration): p NULL. */
		web_pending_remove(&sc->wp);
		sc->found(req, p, sc->arg);
	}
	web_session_done(sc);
}

/* Finds the principal of req's session cookie; see web.h. */
void
web_session_find(struct evhttp_request *req, web_found found, void *arg)
{
	struct web_session_call *sc;
	char token[WEB_TOKEN_HEX + 1];

	if (web_cookie_token(req, token) == -1) {
		found(req, NULL, arg);
		return;
	}
	sc = xcalloc(1, sizeof *sc);
	sc->found = found;
	sc->arg = arg;
	web_pending_add(&sc->wp, req);
	if (web_session_script(sc, token, "get", NULL, web_session_got) == -1) {
		web_unavailable(req);
		web_session_done(sc);
	}
}

/* Sets (or with max_age 0 clears) the session cookie on req's answer; Secure under TLS. */
static void
web_set_cookie(struct evhttp_request *req, const char *token, int max_age)
{
	char cookie[256];

	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Max-Age=%d; HttpOnly; "
	    "SameSite=Strict%s", WEB_COOKIE, token, max_age,
	    http_tls_on() ? "; Secure" : "");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie",
	    cookie);
}

/* store: the new session is kept; the answer sets the cookie. */
static void
web_login_stored(redisReply *reply, void *priv)
{
	struct web_session_call *sc = priv;
	struct evhttp_request *req = sc->wp.req;
	const struct principal *p = config_principal(hotlined.cfg,
	    sc->principal);

	if (req == NULL)
		;
	else if (reply == NULL || reply->type == REDIS_REPLY_ERROR ||
	    p == NULL)
		web_unavailable(req);
	else {
		web_set_cookie(req, sc->token, WEB_SESSION_TTL_S);
		log_info("web: %s \"%s\" logged in", config_role_name(p->role),
		    p->id);
		web_json(req, 200, web_principal_json(p));
	}
	web_session_done(sc);
}

/* A login whose token the worker pool checks (auth-worker.h). */
struct web_login_call {
	struct web_pending wp;		/* first: the pending list's entry */
	char principal[72];		/* "" when unknown */
	char key[80];			/* "http <address>": its allowance */
	char who[96];			/* "principal <id>" */
	char esc[100];			/* the name tried, escaped for the log */
};

static void web_login_accepted(struct evhttp_request *,
    const struct principal *);

/* The check of lc ended (ok: the token was right): answers its login if req is still there. */
static void
web_login_checked(int ok, void *arg)
{
	struct web_login_call *lc = arg;
	struct evhttp_request *req = lc->wp.req;
	const struct principal *p = NULL;

	auth_limit_unhold(lc->key);
	if (lc->principal[0] != '\0') {
		auth_limit_unhold(lc->who);
		p = config_principal(hotlined.cfg, lc->principal);
	}
	if (req != NULL)
		web_pending_remove(&lc->wp);
	if (req == NULL)
		;	/* the listener stopped */
	else if (!ok || p == NULL) {
		/* Never the token: only who tried, from where. */
		if (p != NULL)
			auth_limit_failed(lc->who);
		log_warnx("web %s: failed login as \"%s\" (%d more failures "
		    "allowed)", lc->key + 5, lc->esc,
		    auth_limit_failed(lc->key));
		web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
		    "token", ZH_EN("账号或令牌错误",
		    "unknown principal or wrong token"));
	} else if (!web_may_view(p))
		web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN, "principal",
		    WEB_FOR_VIEWERS);
	else
		web_login_accepted(req, p);
	free(lc);
}

/*
 * Reads the login form {"principal", "token"} of req and starts checking
 * it as a hello is checked (auth-worker.h: on the worker pool, an unknown
 * principal at the cost of a wrong token, the failed-login allowance of
 * the address's HTTP side and of the principal); the answer is sent when
 * the check ends (bad form, rate limited, wrong credential, or the login).
 */
static void
web_login_check(struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *id = NULL, *token = NULL;
	const struct principal *p;
	struct web_login_call *lc;
	char addr[64];
	json_t *form;
	int started;

	form = json_loadb((const char *)evbuffer_pullup(in, -1), len, 0, NULL);
	if (form == NULL || json_unpack(form, "{s:s, s:s}", "principal", &id,
	    "token", &token) == -1 || strlen(id) > 64 || strlen(token) > 256) {
		json_decref(form);
		web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "principal", ZH_EN("请发送 JSON {\"principal\": ..., \"token\": ...}",
		    "send JSON {\"principal\": ..., \"token\": ...}"));
		return;
	}
	lc = xcalloc(1, sizeof *lc);
	http_peer_address(req, addr, sizeof addr);
	snprintf(lc->key, sizeof lc->key, "http %s", addr);
	p = config_principal(hotlined.cfg, id);
	snprintf(lc->principal, sizeof lc->principal, "%s", p != NULL ? p->id :
	    "");
	snprintf(lc->who, sizeof lc->who, "principal %s", lc->principal);
	log_escape(id, lc->esc, sizeof lc->esc);
	if ((p != NULL && !auth_limit_allowed(lc->who)) ||
	    (!auth_remembered(p, token) && (!auth_limit_allowed(lc->key) ||
	    !auth_limit_room(lc->key) || (p != NULL &&
	    !auth_limit_room(lc->who))))) {
		json_decref(form);
		free(lc);
		web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_RATE_LIMITED, NULL,
		    ZH_EN("该地址或该账号登录失败次数过多，请稍后再试",
		    "too many failed logins from this address or for this "
		    "principal; try again later"));
		return;
	}
	web_pending_add(&lc->wp, req);
	auth_limit_hold(lc->key);
	if (p != NULL)
		auth_limit_hold(lc->who);
	started = auth_check_start(p, token, web_login_checked, lc);
	json_decref(form);
	if (started == 1)
		web_login_checked(1, lc);
	else if (started == -1) {
		web_pending_remove(&lc->wp);
		auth_limit_unhold(lc->key);
		if (p != NULL)
			auth_limit_unhold(lc->who);
		free(lc);
		web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE, NULL,
		    ZH_EN("正在核验的登录过多，请稍后再试",
		    "too many logins are being checked; try again in a moment"));
	}
}

/*
 * Returns 1 if req is a POST of JSON. A cross-site form cannot send that
 * type without the browser asking first (CORS), so with SameSite=Strict
 * no other site can log a browser in or out.
 */
static int
web_posted_json(struct evhttp_request *req)
{
	const char *type = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Content-Type");

	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST && type != NULL &&
	    strncasecmp(type, "application/json", 16) == 0)
		return 1;
	web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, NULL,
	    ZH_EN("请以 POST 发送 JSON 正文（Content-Type: application/json）",
	    "POST a JSON body (Content-Type: application/json)"));
	return 0;
}

/* POST /api/v1/session: logs in; a right token gets a new session cookie (web_login_accepted). */
void
web_login(struct evhttp_request *req, void *arg)
{
	(void)arg;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET) {
		web_whoami(req, NULL);
		return;
	}
	if (web_posted_json(req))
		web_login_check(req);
}

/* p's token was right: makes a session in Redis; its answer sets the cookie. */
static void
web_login_accepted(struct evhttp_request *req, const struct principal *p)
{
	unsigned char raw[WEB_TOKEN_BYTES];
	struct web_session_call *sc;
	size_t i;

	if (RAND_bytes(raw, sizeof raw) != 1) {
		web_error(req, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    ZH_EN("无法为会话取得随机数",
		    "no random bytes for a session"));
		return;
	}
	sc = xcalloc(1, sizeof *sc);
	for (i = 0; i < sizeof raw; i++)
		snprintf(sc->token + 2 * i, 3, "%02x", raw[i]);
	snprintf(sc->principal, sizeof sc->principal, "%s", p->id);
	web_pending_add(&sc->wp, req);
	if (web_session_script(sc, sc->token, "put", p->id,
	    web_login_stored) == -1) {
		web_unavailable(req);
		web_session_done(sc);
	}
}

/* store: the session is gone. */
static void
web_logout_done(redisReply *reply, void *priv)
{
	struct web_session_call *sc = priv;

	if (sc->wp.req != NULL && (reply == NULL ||
	    reply->type == REDIS_REPLY_ERROR))
		web_unavailable(sc->wp.req);
	else if (sc->wp.req != NULL) {
		web_set_cookie(sc->wp.req, "", 0);
		web_json(sc->wp.req, 200, json_object());
	}
	web_session_done(sc);
}

/* POST /api/v1/logout: ends the cookie's session in Redis and clears the cookie. */
void
web_logout(struct evhttp_request *req, void *arg)
{
	struct web_session_call *sc;
	char token[WEB_TOKEN_HEX + 1];

	(void)arg;
	if (!web_posted_json(req))
		return;
	if (web_cookie_token(req, token) == -1) {
		web_set_cookie(req, "", 0);
		web_json(req, 200, json_object());
		return;
	}
	sc = xcalloc(1, sizeof *sc);
	web_pending_add(&sc->wp, req);
	if (web_session_script(sc, token, "drop", NULL, web_logout_done) == -1) {
		web_unavailable(req);
		web_session_done(sc);
	}
}

/* Answers who the session's principal is, or that nobody is logged in. */
static void
web_whoami_found(struct evhttp_request *req, const struct principal *p,
    void *arg)
{
	(void)arg;
	web_json(req, 200, p != NULL ? web_principal_json(p) :
	    json_pack("{s:b}", "logged_in", 0));
}

/* GET /api/v1/session: who is logged in ({"logged_in": false} if nobody: not an error for the page). */
void
web_whoami(struct evhttp_request *req, void *arg)
{
	(void)arg;
	web_session_find(req, web_whoami_found, NULL);
}
