/* Listeners, accepted connections, frame reading, output limits and deferred freeing. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/ssl.h>

#include "frame.h"
#include "http-conn.h"
#include "hotlined.h"

#define ACCEPT_BACKOFF_MS 200
#define LINGER_MS 5000

/* One listening socket. */
struct listener {
	struct evconnlistener *evl;
	char *unix_path;		/* removed at exit */
	char name[300];
	SSL_CTX *tls;			/* NULL: plain; replaced by a reload */
};

static struct listener *listeners;
static size_t nlisteners;
static TAILQ_HEAD(, conn) conns = TAILQ_HEAD_INITIALIZER(conns);
static int nconns;

static void conn_output_forget(struct conn *);
static uint64_t next_conn_id = 1;
static struct event *accept_backoff;
static int draining;
/* Held open so that, out of descriptors, one pending connection can still be told why. */
static int reserve_fd = -1;

static void conn_read(struct conn *);

/* Writes an Error frame straight to a socket we will not keep. */
static void
refuse_fd(int fd, Hotline__ErrorCode code, const char *message)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__Error err = HOTLINE__ERROR__INIT;
	uint8_t buf[512];
	size_t n, body;

	err.code = code;
	err.message = (char *)message;
	env.body_case = HOTLINE__ENVELOPE__BODY_ERROR;
	env.error = &err;
	body = hotline__envelope__get_packed_size(&env);
	if (body + FRAME_HEADER_MAX > sizeof buf)
		return;
	n = frame_encode_header(body, buf);
	hotline__envelope__pack(&env, buf + n);
	/* Best effort: the socket is non-blocking and closed right after. */
	if (write(fd, buf, n + body) < 0)
		log_debug("refusing a connection: %s", strerror(errno));
}

/* Deferred free of a closed connection, outside its own callbacks. */
static void
conn_free(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	tls_shutdown(c);
	bufferevent_free(c->bev);
	event_free(c->resume);
	event_free(c->linger);
	event_free(c->hello_timer);
	free(c);
}

/*
 * Closes c at once: no more reads or writes, pending requests detached
 * (their Redis callbacks find conn == NULL), freed on the next loop turn.
 */
void
server_close(struct conn *c)
{
	struct timeval now = { 0, 0 };

	if (c->closed || c->web != NULL)	/* web-api.c closes its own */
		return;
	c->closed = 1;
	c->closing = 1;
	conn_output_forget(c);
	inflight_forget(c);
	TAILQ_REMOVE(&conns, c, entry);
	nconns--;
	session_closed(c);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	event_del(c->resume);
	event_del(c->linger);
	event_del(c->hello_timer);
	log_debug("connection %llu (%s) closed", (unsigned long long)c->id,
	    c->peer);
	event_base_once(hotlined.base, -1, EV_TIMEOUT, conn_free, c, &now);
	if (accept_backoff != NULL && !draining &&
	    !evtimer_pending(accept_backoff, NULL))
		server_resume_accepting();
}

/* Stops reading from c and closes it once its output is written (or after a while). */
void
server_close_after_flush(struct conn *c)
{
	struct timeval tv = { LINGER_MS / 1000, 0 };

	if (c->closed)
		return;
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 &&
	    c->npending == 0) {
		server_close(c);
		return;
	}
	evtimer_add(c->linger, &tv);
}

/* Sends an Error frame (id 0) for a framing fault, then closes c. */
void
server_fatal(struct conn *c, Hotline__ErrorCode code, const char *message)
{
	Hotline__Envelope *env = envelope_new();
	Hotline__Error *err = xmalloc(sizeof *err);

	log_info("connection %llu (%s): %s; closing",
	    (unsigned long long)c->id, c->peer, message);
	hotline__error__init(err);
	err->code = code;
	err->message = record_strdup(message);
	env->body_case = HOTLINE__ENVELOPE__BODY_ERROR;
	env->error = err;
	session_push(c, env);
	server_close_after_flush(c);
}

/* Unsent bytes of all connections (their output evbuffers), kept by conn_output_changed. */
static size_t output_unsent;
static unsigned long long output_budget_cuts;

/*
 * evbuffer: c's output grew or was written. output_unsent is the sum of
 * what these reports said of each open connection (c->output_counted), so
 * that forgetting a connection takes back exactly what it added even if a
 * report comes late.
 */
static void
conn_output_changed(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn *c = arg;

	(void)buf;
	c->output_counted += info->n_added;
	c->output_counted -= info->n_deleted;
	output_unsent += info->n_added;
	output_unsent -= info->n_deleted;
}

/* Stops counting c's unsent bytes (it is closed: they will never be sent). */
static void
conn_output_forget(struct conn *c)
{
	if (c->output_cb == NULL)
		return;
	evbuffer_remove_cb_entry(bufferevent_get_output(c->bev),
	    c->output_cb);
	c->output_cb = NULL;
	output_unsent -= c->output_counted;
	c->output_counted = 0;
}

/* Returns the open connection holding the most unsent bytes, or NULL. */
static struct conn *
conn_largest_holder(void)
{
	struct conn *c, *largest = NULL;

	TAILQ_FOREACH(c, &conns, entry)
		if (largest == NULL ||
		    server_output_length(c) > server_output_length(largest))
			largest = c;
	return largest;
}

/*
 * Keeps the unsent bytes of all clients within limits.output_budget by
 * cutting off the largest holders first: slow readers cannot take the
 * daemon's memory between them (max_connections x output_limit).
 */
static void
server_output_budget(void)
{
	static struct log_limit cuts;
	struct conn *c;

	while (output_unsent > hotlined.cfg->limits.output_budget &&
	    (c = conn_largest_holder()) != NULL &&
	    server_output_length(c) > 0) {
		output_budget_cuts++;
		log_warnx_limited(&cuts, "connection %llu (%s, %s): %zu bytes "
		    "unsent while all clients hold %zu, over limits."
		    "output_budget %zu; cutting the largest holder off (%llu "
		    "so far)", (unsigned long long)c->id, c->peer,
		    c->principal, server_output_length(c), output_unsent,
		    hotlined.cfg->limits.output_budget, output_budget_cuts);
		server_close(c);
	}
}

/* Returns the unsent bytes of all clients together. */
size_t
server_output_unsent(void)
{
	return output_unsent;
}

/* Returns how many clients were cut off for limits.output_budget. */
unsigned long long
server_output_budget_cuts(void)
{
	return output_budget_cuts;
}

/* Queues bytes for c; cuts c off if its unsent output passes the limit. */
void
server_write(struct conn *c, const uint8_t *data, size_t len)
{
	struct evbuffer *out;

	if (c->closed)
		return;
	if (c->web != NULL) {
		web_api_write(c, data, len);
		return;
	}
	out = bufferevent_get_output(c->bev);
	if (evbuffer_get_length(out) + len > hotlined.cfg->limits.output_limit) {
		log_warnx("connection %llu (%s, %s): %zu bytes unsent, over "
		    "the limit of %zu; cutting it off",
		    (unsigned long long)c->id, c->peer, c->principal,
		    evbuffer_get_length(out) + len,
		    hotlined.cfg->limits.output_limit);
		server_close(c);
		return;
	}
	evbuffer_add(out, data, len);
	server_output_budget();
}

/* Returns how many bytes wait to be written to c. */
size_t
server_output_length(const struct conn *c)
{
	if (c->web != NULL)
		return web_api_backlog(c);
	return evbuffer_get_length(bufferevent_get_output(c->bev));
}

/* Starts reading c again after session_flush brought its backlog down. */
void
server_resume(struct conn *c)
{
	if (c->closing || !c->paused)
		return;
	c->paused = 0;
	bufferevent_enable(c->bev, EV_READ);
	event_active(c->resume, EV_TIMEOUT, 0);
}

/* frame_pull over an evbuffer: its first n bytes made contiguous. */
static const uint8_t *
conn_pull(void *input, size_t n)
{
	return evbuffer_pullup(input, (ev_ssize_t)n);
}

/*
 * Reads one frame from input (proto/frame.c's frame_read_envelope) into
 * *f; its body's bytes stay in input until the caller drains f->frame_len
 * bytes. Returns 1 with a frame, 0 if more bytes are needed, -1 after a
 * framing fault (c is being closed).
 */
static int
conn_next_frame(struct conn *c, struct evbuffer *input, struct frame_read *f)
{
	enum frame_status status;

	status = frame_read_envelope(conn_pull, input,
	    evbuffer_get_length(input), hotlined.cfg->limits.max_frame, f);
	if (status == FRAME_OK)
		return 1;
	if (status == FRAME_NEED_MORE)
		return 0;
	if (status == FRAME_NOT_ENVELOPE)
		evbuffer_drain(input, f->frame_len);
	server_fatal(c, frame_status_code(status), f->message);
	return -1;
}

/*
 * Moves c's events to its principal's priority (inflight_priority) when it
 * changed. libevent refuses to move an event that is active: it is tried
 * again after the next read. TLS connections keep the normal priority
 * (bufferevent_priority_set moves only socket bufferevents).
 */
static void
conn_prioritize(struct conn *c)
{
	enum loop_priority p = inflight_priority(c);

	if ((int)p == c->priority || c->tls)
		return;
	if (bufferevent_priority_set(c->bev, (int)p) == 0 &&
	    event_priority_set(c->resume, (int)p) == 0)
		c->priority = (int)p;
}

/*
 * Handles up to requests_per_turn buffered frames of c, so one busy client
 * cannot starve the others; the rest waits for the next loop turn.
 */
static void
conn_read(struct conn *c)
{
	struct evbuffer *input = bufferevent_get_input(c->bev);
	struct frame_read f;
	int handled = 0;

	conn_prioritize(c);
	while (!c->closing &&
	    handled < hotlined.cfg->limits.requests_per_turn) {
		/*
		 * A frame after a hello waits for the hello's answer; one of
		 * a principal at its bound waits for its earlier answers.
		 */
		if (c->npending >= SESSION_MAX_PENDING || c->hello_checking ||
		    inflight_hold(c)) {
			c->paused = 1;
			bufferevent_disable(c->bev, EV_READ);
			return;
		}
		if (conn_next_frame(c, input, &f) != 1) {
			if (!c->closing)
				inflight_pass(c);
			return;
		}
		session_frame_wire(c, f.env, f.body, f.body_len);
		evbuffer_drain(input, f.frame_len);
		handled++;
	}
	if (c->closing)
		return;
	inflight_pass(c);
	if (evbuffer_get_length(input) > 0)
		event_active(c->resume, EV_TIMEOUT, 0);
}

/* bufferevent: bytes arrived. */
static void
conn_readable(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_read(arg);
}

/* Event: carry on reading what is already buffered. */
static void
conn_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_read(arg);
}

/* bufferevent: the output was written out. */
static void
conn_writable(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (c->closing && c->npending == 0) {
		server_close(c);
		return;
	}
	if (c->drained != NULL)
		c->drained(c);
}

/* Returns 1 if input starts with a frame whose bytes have not all arrived. */
static int
input_partial_frame(struct evbuffer *input)
{
	size_t avail = evbuffer_get_length(input), body_len = 0, header_len;
	size_t peek = avail < FRAME_HEADER_MAX ? avail : FRAME_HEADER_MAX;
	enum frame_status status;

	if (avail == 0)
		return 0;
	status = frame_decode_header(evbuffer_pullup(input, (ev_ssize_t)peek),
	    peek, SIZE_MAX, &body_len, &header_len);
	return status == FRAME_NEED_MORE ||
	    (status == FRAME_OK && avail < header_len + body_len);
}

/*
 * The peer stopped sending. Frames already buffered are still answered (a
 * half-closed client reads them); a frame cut short gets an error.
 */
static void
conn_eof(struct conn *c, struct evbuffer *input)
{
	size_t before;

	do {
		before = evbuffer_get_length(input);
		conn_read(c);
	} while (!c->closing && !c->paused && evbuffer_get_length(input) > 0
	    && evbuffer_get_length(input) < before);
	if (c->closing)
		return;
	if (input_partial_frame(input)) {
		server_fatal(c, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "truncated frame: the connection ended inside a frame");
		return;
	}
	server_close_after_flush(c);
}

/* bufferevent: end of file or an error. */
static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if (what & BEV_EVENT_ERROR)
		log_debug("connection %llu (%s): %s", (unsigned long long)c->id,
		    c->peer, evutil_socket_error_to_string(
		    EVUTIL_SOCKET_ERROR()));
	if (what & BEV_EVENT_ERROR) {
		if (c->tls)
			tls_log_error(c);
		server_close(c);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		/* A paused feed or unread answers: the client stopped reading. */
		log_warnx("connection %llu (%s, %s): %zu bytes unsent and none "
		    "taken for %d ms; cutting it off", (unsigned long long)c->id,
		    c->peer, c->principal, server_output_length(c),
		    hotlined.cfg->limits.write_timeout_ms);
		server_close(c);
		return;
	}
	if (what & BEV_EVENT_EOF)
		conn_eof(c, bufferevent_get_input(bev));
}

/*
 * Timer: no hello within limits.hello_timeout_ms. A connection that never
 * says who it is (or never finishes its TLS handshake) would otherwise hold
 * a slot of max_connections for ever.
 */
static void
conn_hello_expired(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	/* session.c stops it at hello; a hello being checked gets its answer. */
	if (!c->authenticated && !c->closing && !c->hello_checking)
		server_fatal(c, HOTLINE__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
		    "no hello in time");
}

/* Timer: a closing connection did not take its last frames in time. */
static void
conn_linger_expired(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	server_close(arg);
}

/* Describes a peer address for logs. */
static void
describe_peer(const struct sockaddr *sa, char *out, size_t outlen)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		port = ntohs(sin->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
		port = ntohs(sin6->sin6_port);
	} else {
		snprintf(out, outlen, "unix");
		return;
	}
	snprintf(out, outlen, "%s:%d", host, port);
}

/*
 * Bounds how long c's output may stand still: while bytes wait and none
 * can be written for limits.write_timeout_ms, conn_event cuts c off.
 */
static void
conn_set_write_timeout(struct conn *c)
{
	struct timeval tv;
	int ms = hotlined.cfg->limits.write_timeout_ms;

	if (ms <= 0)
		return;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	bufferevent_set_timeouts(c->bev, NULL, &tv);
}

/* Creates the connection state for a socket accepted by listener l. */
static void
conn_new(evutil_socket_t fd, const struct sockaddr *sa,
    const struct listener *l)
{
	struct conn *c = xcalloc(1, sizeof *c);
	struct timeval hello;
	int one = 1;

	if (sa->sa_family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->id = next_conn_id++;
	describe_peer(sa, c->peer, sizeof c->peer);
	if (l->tls != NULL) {
		c->tls = 1;
		c->bev = tls_bufferevent(hotlined.base, l->tls, fd);
	} else
		c->bev = bufferevent_socket_new(hotlined.base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		fatalx("cannot make a bufferevent for a connection");
	c->resume = event_new(hotlined.base, -1, 0, conn_resume, c);
	c->priority = LOOP_NORMAL;	/* libevent's default, the middle one */
	c->linger = evtimer_new(hotlined.base, conn_linger_expired, c);
	c->hello_timer = evtimer_new(hotlined.base, conn_hello_expired, c);
	hello.tv_sec = hotlined.cfg->limits.hello_timeout_ms / 1000;
	hello.tv_usec = (hotlined.cfg->limits.hello_timeout_ms % 1000) * 1000;
	evtimer_add(c->hello_timer, &hello);
	TAILQ_INIT(&c->pending);
	TAILQ_INSERT_TAIL(&conns, c, entry);
	nconns++;
	metrics_connection();
	/* A whole frame fits below the high-water mark; more waits in the kernel. */
	bufferevent_setwatermark(c->bev, EV_READ, 0,
	    hotlined.cfg->limits.max_frame + FRAME_HEADER_MAX);
	c->output_cb = evbuffer_add_cb(bufferevent_get_output(c->bev),
	    conn_output_changed, c);
	bufferevent_setcb(c->bev, conn_readable, conn_writable, conn_event, c);
	conn_set_write_timeout(c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	log_debug("connection %llu from %s", (unsigned long long)c->id, c->peer);
}

/* evconnlistener: a new connection, refused if we are full. */
static void
listener_accepted(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	(void)evl;
	(void)socklen;
	/* HTTP connections hold descriptors too (http-conn.c). */
	if (nconns + http_conn_count() >= hotlined.cfg->limits.max_connections ||
	    draining) {
		log_warnx("refusing a connection: %s", draining ?
		    "shutting down" : "connection limit reached");
		refuse_fd(fd, HOTLINE__ERROR_CODE__ERROR_CODE_RATE_LIMITED,
		    draining ? "server shutting down" :
		    "too many connections; try again later");
		evutil_closesocket(fd);
		return;
	}
	conn_new(fd, sa, arg);
}

/* Timer: accept again after running out of file descriptors. */
static void
accept_again(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	server_resume_accepting();
}

/* Re-enables every listener. */
void
server_resume_accepting(void)
{
	size_t i;

	for (i = 0; i < nlisteners; i++)
		evconnlistener_enable(listeners[i].evl);
}

/*
 * Out of file descriptors: frees the reserve descriptor to accept one
 * waiting connection, tells it why and closes it, then takes the reserve
 * back. Without this the waiting client would hang until a timeout.
 */
static void
refuse_one_pending(struct evconnlistener *evl)
{
	int fd;

	if (reserve_fd == -1)
		return;
	close(reserve_fd);
	fd = accept4(evconnlistener_get_fd(evl), NULL, NULL,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd != -1) {
		refuse_fd(fd, HOTLINE__ERROR_CODE__ERROR_CODE_RATE_LIMITED,
		    "server out of file descriptors; try again later");
		close(fd);
	}
	reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* evconnlistener: accept failed; on fd exhaustion pause instead of spinning. */
static void
listener_error(struct evconnlistener *evl, void *arg)
{
	struct timeval tv = { 0, ACCEPT_BACKOFF_MS * 1000 };
	int err = EVUTIL_SOCKET_ERROR();
	size_t i;

	static struct log_limit other, exhausted;

	(void)arg;
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM) {
		log_warnx_limited(&other, "accept: %s",
		    evutil_socket_error_to_string(err));
		return;
	}
	log_warnx_limited(&exhausted, "accept: %s; pausing new connections "
	    "for %d ms", evutil_socket_error_to_string(err), ACCEPT_BACKOFF_MS);
	if (err == EMFILE || err == ENFILE)
		refuse_one_pending(evl);
	for (i = 0; i < nlisteners; i++)
		evconnlistener_disable(listeners[i].evl);
	evtimer_add(accept_backoff, &tv);
}

/* Opens a unix-socket listener for l; removes a stale socket file first. */
static struct evconnlistener *
listen_unix(const struct listen_spec *ls, struct listener *l)
{
	struct sockaddr_un sun;
	struct evconnlistener *evl;
	struct stat sb;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(ls->unix_path) >= sizeof sun.sun_path) {
		log_warnx("listen: unix socket path too long: %s", ls->unix_path);
		return NULL;
	}
	strcpy(sun.sun_path, ls->unix_path);
	if (lstat(ls->unix_path, &sb) == 0 && S_ISSOCK(sb.st_mode))
		unlink(ls->unix_path);
	evl = evconnlistener_new_bind(hotlined.base, listener_accepted, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 511,
	    (struct sockaddr *)&sun, sizeof sun);
	if (evl == NULL) {
		log_warn("listen: unix:%s", ls->unix_path);
		return NULL;
	}
	if (chmod(ls->unix_path, (mode_t)ls->unix_mode) == -1)
		log_warn("listen: chmod %s", ls->unix_path);
	return evl;
}

/* Opens a TCP listener on host:port for l. */
static struct evconnlistener *
listen_tcp(const struct listen_spec *ls, struct listener *l)
{
	struct addrinfo hints, *res;
	struct evconnlistener *evl;
	char port[16];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof port, "%d", ls->port);
	if ((rc = getaddrinfo(ls->host, port, &hints, &res)) != 0) {
		log_warnx("listen: %s:%d: %s", ls->host, ls->port,
		    gai_strerror(rc));
		return NULL;
	}
	evl = evconnlistener_new_bind(hotlined.base, listener_accepted, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
	    LEV_OPT_REUSEABLE, 511, res->ai_addr, (int)res->ai_addrlen);
	freeaddrinfo(res);
	if (evl == NULL)
		log_warn("listen: %s:%d", ls->host, ls->port);
	return evl;
}

/* Opens every listener of config; returns -1 (having logged why) if one fails. */
int
server_listen(const struct config *config)
{
	size_t i;

	listeners = xcalloc(config->nlistens, sizeof *listeners);
	accept_backoff = evtimer_new(hotlined.base, accept_again, NULL);
	if (reserve_fd == -1 &&
	    (reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		log_warn("open /dev/null (the reserve descriptor)");
	for (i = 0; i < config->nlistens; i++) {
		const struct listen_spec *ls = &config->listens[i];
		struct listener *l = &listeners[nlisteners];
		char why[512];

		if (ls->tls != NULL && (l->tls = tls_context_new(ls->tls, why,
		    sizeof why)) == NULL) {
			log_warnx("listen %s:%d: %s", ls->host, ls->port, why);
			return -1;
		}
		l->evl = ls->unix_path ? listen_unix(ls, l) : listen_tcp(ls, l);
		if (l->evl == NULL) {
			SSL_CTX_free(l->tls);
			l->tls = NULL;
			return -1;
		}
		if (ls->unix_path) {
			l->unix_path = xstrdup(ls->unix_path);
			snprintf(l->name, sizeof l->name, "unix:%s",
			    ls->unix_path);
		} else
			snprintf(l->name, sizeof l->name, "%s:%d", ls->host,
			    ls->port);
		evconnlistener_set_error_cb(l->evl, listener_error);
		nlisteners++;
		log_info("listening on %s%s", l->name, l->tls != NULL ?
		    " (TLS)" : "");
	}
	return 0;
}

/* Returns the TLS spec fresh gives the running listener l, or NULL. */
static const struct tls_spec *
listener_fresh_tls(const struct listener *l, const struct config *fresh)
{
	char name[sizeof l->name];
	size_t i;

	for (i = 0; i < fresh->nlistens; i++) {
		const struct listen_spec *ls = &fresh->listens[i];

		if (ls->unix_path != NULL)
			continue;
		snprintf(name, sizeof name, "%s:%d", ls->host, ls->port);
		if (strcmp(name, l->name) == 0)
			return ls->tls;
	}
	return NULL;
}

/* Loads fresh's certificates for the running TLS listeners; see hotlined.h. */
int
server_tls_reload(const struct config *fresh, char *err, size_t errlen)
{
	SSL_CTX **next = xcalloc(nlisteners + 1, sizeof *next);
	const struct tls_spec *ts;
	char why[512];
	size_t i;
	int rc = 0;

	for (i = 0; i < nlisteners && rc == 0; i++) {
		if (listeners[i].tls == NULL)
			continue;
		if ((ts = listener_fresh_tls(&listeners[i], fresh)) == NULL) {
			log_warnx("listen %s: TLS stays as it is until a "
			    "restart (the file no longer has it there)",
			    listeners[i].name);
			continue;
		}
		if ((next[i] = tls_context_new(ts, why, sizeof why)) == NULL) {
			snprintf(err, errlen, "listen %s: %s", listeners[i].name,
			    why);
			rc = -1;
		}
	}
	for (i = 0; i < nlisteners; i++) {
		if (next[i] == NULL)
			continue;
		if (rc == 0) {
			SSL_CTX_free(listeners[i].tls);
			listeners[i].tls = next[i];
			log_info("listen %s: certificates reloaded",
			    listeners[i].name);
		} else
			SSL_CTX_free(next[i]);
	}
	free(next);
	return rc;
}

/* Closes every listener (and removes unix socket files). */
void
server_stop_listening(void)
{
	size_t i;

	for (i = 0; i < nlisteners; i++) {
		evconnlistener_free(listeners[i].evl);
		SSL_CTX_free(listeners[i].tls);
		if (listeners[i].unix_path != NULL) {
			unlink(listeners[i].unix_path);
			free(listeners[i].unix_path);
		}
	}
	free(listeners);
	listeners = NULL;
	nlisteners = 0;
	if (accept_backoff != NULL)
		event_free(accept_backoff);
	accept_backoff = NULL;
	if (reserve_fd != -1)
		close(reserve_fd);
	reserve_fd = -1;
}

/* SIGTERM: stop reading requests; connections close once answered. */
void
server_drain(void)
{
	struct conn *c, *next;

	draining = 1;
	for (c = TAILQ_FIRST(&conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		server_close_after_flush(c);
	}
}

/* Returns the number of connections still open. */
int
server_busy(void)
{
	return nconns;
}

/* Closes every connection at once (end of the drain). */
void
server_close_all(void)
{
	struct conn *c;

	while ((c = TAILQ_FIRST(&conns)) != NULL)
		server_close(c);
}
