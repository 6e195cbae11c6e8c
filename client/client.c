/* libhotline: length-delimited protobuf frames over blocking TCP (plain or TLS) or unix sockets. */
#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client-tls.h"
#include "frame.h"
#include "hotline.h"

#define CLIENT_NAME "libhotline/0.1"
#define CLIENT_MAX_FRAME (64u * 1024 * 1024)	/* protects the client from a runaway peer */
#define CLIENT_READ_CHUNK 16384			/* room asked for before each recv(2) */
#define CLIENT_KEEP_BUFFER (1024 * 1024)	/* larger idle read buffers are freed */

/* One event envelope received while hl_call waited for its answer. */
struct client_event {
	Hotline__Envelope *envelope;
	struct client_event *next;
};

struct hl_client {
	int fd;
	int timeout_ms;		/* default for calls; <= 0: wait forever */
	uint64_t last_id;	/* the next hl_call request gets last_id + 1 */
	int broken;		/* 0, or the HL_ERR_IO/PROTOCOL that ruined the stream */
	uint8_t *buf;		/* read buffer: bytes [start, end) are not parsed yet */
	size_t start, end, size;
	size_t missing;		/* bytes still needed to finish the frame at start */
	struct client_event *head, *tail;	/* queued events, oldest first */
	struct client_tls *tls;	/* NULL: plain; else every byte goes through it */
	char request_key[HL_REQUEST_KEY_MAX + 1];	/* of the last hl_call */
};

/* Host and port, or a unix socket path, parsed from an address string. */
struct client_addr {
	int is_unix;
	char host[256];
	char port[8];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static int client_fail(struct hl_client *, struct hl_error *, int,
    const char *, ...) __attribute__((format(printf, 4, 5)));

/*
 * Fills err (if not NULL) with code and a message, and returns -1. An I/O or
 * protocol error also marks c (if not NULL) unusable: its stream is lost.
 */
static int
client_fail(struct hl_client *c, struct hl_error *err, int code,
    const char *fmt, ...)
{
	va_list ap;

	if (c != NULL && (code == HL_ERR_IO || code == HL_ERR_PROTOCOL))
		c->broken = code;
	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	err->message_en[0] = '\0';
	err->field[0] = '\0';
	err->state = HOTLINE__TICKET_STATE__TICKET_STATE_UNSPECIFIED;
	return -1;
}

/* Copies the daemon's Error into err; an unspecified code counts as internal. */
static int
client_fail_remote(const Hotline__Error *e, struct hl_error *err)
{
	if (err == NULL)
		return -1;
	if (e == NULL)
		return client_fail(NULL, err, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL,
		    "empty error from the daemon");
	err->code = (int)e->code;
	if (e->code == HOTLINE__ERROR_CODE__ERROR_CODE_UNSPECIFIED)
		err->code = HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL;
	snprintf(err->message, sizeof err->message, "%s",
	    e->message != NULL ? e->message : "");
	snprintf(err->message_en, sizeof err->message_en, "%s",
	    e->message_en != NULL ? e->message_en : "");
	snprintf(err->field, sizeof err->field, "%s",
	    e->field != NULL ? e->field : "");
	err->state = e->state;
	return -1;
}

/* Returns the monotonic clock in milliseconds. */
static int64_t
client_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Turns a timeout (< 0: forever) into a deadline (-1: none). */
static int64_t
client_deadline(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : client_now() + timeout_ms;
}

/* Returns the client's default timeout for a call, -1 meaning forever. */
static int
client_default_timeout(const struct hl_client *c)
{
	return c->timeout_ms > 0 ? c->timeout_ms : -1;
}

/* Returns the milliseconds left before deadline, for poll(2). */
static int
client_remaining(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - client_now();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* Waits for events on fd: 1 when ready, 0 at the deadline, -1 with errno. */
static int
client_wait(int fd, short events, int64_t deadline)
{
	struct pollfd pfd;
	int n;

	for (;;) {
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, client_remaining(deadline));
		if (n >= 0)
			return n > 0;
		if (errno != EINTR)
			return -1;
	}
}

/* Checks that c can be used; returns 0, or -1 with err filled. */
static int
client_usable(struct hl_client *c, struct hl_error *err)
{
	if (c == NULL)
		return client_fail(NULL, err, HL_ERR_USAGE, "no client");
	if (c->broken != 0)
		return client_fail(NULL, err, c->broken,
		    "connection unusable after an earlier error");
	return 0;
}

/* Names an envelope body case for messages, e.g. "hello_ok". */
const char *
hl_body_name(Hotline__Envelope__BodyCase body)
{
	const ProtobufCFieldDescriptor *f;

	f = protobuf_c_message_descriptor_get_field(
	    &hotline__envelope__descriptor, (unsigned)body);
	return f != NULL ? f->name : "nothing";
}

/* Parses a decimal port 1..65535 into out; returns 0 or -1. */
static int
client_parse_port(const char *s, char out[8])
{
	size_t i, len = strlen(s);
	long port;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	port = strtol(s, NULL, 10);
	if (port < 1 || port > 65535)
		return -1;
	memcpy(out, s, len + 1);
	return 0;
}

/* Parses a unix socket path into a; returns 0, or -1 with err filled. */
static int
client_parse_unix(const char *path, struct client_addr *a, struct hl_error *err)
{
	size_t len = strlen(path);

	if (len == 0)
		return client_fail(NULL, err, HL_ERR_USAGE, "empty unix socket path");
	if (len >= sizeof a->path)
		return client_fail(NULL, err, HL_ERR_USAGE,
		    "unix socket path longer than %zu bytes", sizeof a->path - 1);
	a->is_unix = 1;
	memcpy(a->path, path, len + 1);
	return 0;
}

/* Splits "host:port" or "[v6]:port" into a; returns 0, or -1 with err filled. */
static int
client_parse_tcp(const char *address, struct client_addr *a,
    struct hl_error *err)
{
	const char *host = address, *colon, *end;

	if (address[0] == '[') {
		host = address + 1;
		end = strchr(host, ']');
		if (end == NULL || end[1] != ':')
			return client_fail(NULL, err, HL_ERR_USAGE,
			    "bad address %s: expected [v6addr]:port", address);
		colon = end + 1;
	} else {
		colon = strrchr(address, ':');
		if (colon == NULL)
			return client_fail(NULL, err, HL_ERR_USAGE,
			    "bad address %s: no port", address);
		if (strchr(address, ':') != colon)
			return client_fail(NULL, err, HL_ERR_USAGE,
			    "bad address %s: write IPv6 as [addr]:port", address);
		end = colon;
	}
	if (end == host || (size_t)(end - host) >= sizeof a->host)
		return client_fail(NULL, err, HL_ERR_USAGE,
		    "bad address %s: bad host", address);
	if (client_parse_port(colon + 1, a->port) == -1)
		return client_fail(NULL, err, HL_ERR_USAGE,
		    "bad address %s: bad port", address);
	memcpy(a->host, host, (size_t)(end - host));
	a->host[end - host] = '\0';
	a->is_unix = 0;
	return 0;
}

/* Parses any address form hl_connect accepts. */
static int
client_parse_address(const char *address, struct client_addr *a,
    struct hl_error *err)
{
	if (address == NULL || address[0] == '\0')
		return client_fail(NULL, err, HL_ERR_USAGE, "empty address");
	if (strncmp(address, "unix:", 5) == 0)
		return client_parse_unix(address + 5, a, err);
	if (address[0] == '/' || address[0] == '.')
		return client_parse_unix(address, a, err);
	return client_parse_tcp(address, a, err);
}

/* Finishes a non-blocking connect on fd; returns 0, or -1 with err filled. */
static int
client_connect_finish(int fd, int64_t deadline, const char *what,
    struct hl_error *err)
{
	int soerr = 0, r;
	socklen_t len = sizeof soerr;

	r = client_wait(fd, POLLOUT, deadline);
	if (r == 0)
		return client_fail(NULL, err, HL_ERR_TIMEOUT,
		    "connect to %s timed out", what);
	if (r == -1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		return client_fail(NULL, err, HL_ERR_IO, "connect to %s: %s",
		    what, strerror(errno));
	if (soerr != 0)
		return client_fail(NULL, err, HL_ERR_IO, "connect to %s: %s",
		    what, strerror(soerr));
	return 0;
}

/* Opens a socket and connects it to sa before deadline; returns the fd or -1. */
static int
client_connect_sockaddr(int family, const struct sockaddr *sa, socklen_t salen,
    int64_t deadline, const char *what, struct hl_error *err)
{
	int fd, flags, r = 0;

	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return client_fail(NULL, err, HL_ERR_IO, "socket: %s",
		    strerror(errno));
	if (connect(fd, sa, salen) == -1) {
		if (errno == EINPROGRESS)
			r = client_connect_finish(fd, deadline, what, err);
		else
			r = client_fail(NULL, err, HL_ERR_IO,
			    "connect to %s: %s", what, strerror(errno));
	}
	if (r == -1) {
		close(fd);
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1) {
		client_fail(NULL, err, HL_ERR_IO, "fcntl: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Connects to a unix socket; returns the fd or -1. */
static int
client_connect_unix(const char *path, int64_t deadline, struct hl_error *err)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	return client_connect_sockaddr(AF_UNIX, (struct sockaddr *)&sun,
	    sizeof sun, deadline, path, err);
}

/* Connects to the first address of host:port that answers; returns the fd or -1. */
static int
client_connect_tcp(const char *host, const char *port, int64_t deadline,
    struct hl_error *err)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, one = 1, r;
	char what[sizeof ((struct client_addr *)0)->host + 16];

	snprintf(what, sizeof what, strchr(host, ':') != NULL ? "[%s]:%s" :
	    "%s:%s", host, port);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0)
		return client_fail(NULL, err, r == EAI_MEMORY ? HL_ERR_NOMEM :
		    HL_ERR_IO, "%s: %s", host, gai_strerror(r));
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next)
		fd = client_connect_sockaddr(ai->ai_family, ai->ai_addr,
		    ai->ai_addrlen, deadline, what, err);
	freeaddrinfo(res);
	if (fd != -1)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* Connects to address, over TLS when tls is not NULL; see hotline.h. */
static struct hl_client *
client_connect(const char *address, int timeout_ms, const struct hl_tls *tls,
    struct hl_error *err)
{
	struct client_addr a;
	struct hl_client *c;
	int64_t deadline;
	char msg[512];
	int fd, code;

	if (client_parse_address(address, &a, err) == -1)
		return NULL;
	if (tls != NULL && a.is_unix) {
		client_fail(NULL, err, HL_ERR_USAGE, "TLS needs a TCP address, "
		    "not %s", address);
		return NULL;
	}
	deadline = client_deadline(timeout_ms > 0 ? timeout_ms : -1);
	if (a.is_unix)
		fd = client_connect_unix(a.path, deadline, err);
	else
		fd = client_connect_tcp(a.host, a.port, deadline, err);
	if (fd == -1)
		return NULL;
	if ((c = calloc(1, sizeof *c)) == NULL) {
		close(fd);
		client_fail(NULL, err, HL_ERR_NOMEM, "out of memory");
		return NULL;
	}
	c->fd = fd;
	c->timeout_ms = timeout_ms;
	if (tls != NULL && (c->tls = client_tls_start(fd, a.host, tls, deadline,
	    client_wait, &code, msg, sizeof msg)) == NULL) {
		client_fail(NULL, err, code, "%s: %s", address, msg);
		hl_close(c);
		return NULL;
	}
	return c;
}

/* Connects to address; see hotline.h. */
struct hl_client *
hl_connect(const char *address, int timeout_ms, struct hl_error *err)
{
	return client_connect(address, timeout_ms, NULL, err);
}

/* Connects to address over TLS; see hotline.h. */
struct hl_client *
hl_connect_tls(const char *address, int timeout_ms, const struct hl_tls *tls,
    struct hl_error *err)
{
	static const struct hl_tls defaults;

	return client_connect(address, timeout_ms, tls != NULL ? tls :
	    &defaults, err);
}

/* Closes the connection and frees the client, its buffer and queued events. */
void
hl_close(struct hl_client *c)
{
	struct client_event *ev;

	if (c == NULL)
		return;
	while ((ev = c->head) != NULL) {
		c->head = ev->next;
		hl_envelope_free(ev->envelope);
		free(ev);
	}
	client_tls_free(c->tls);
	close(c->fd);
	free(c->buf);
	free(c);
}

/* Returns the socket. */
int
hl_fd(const struct hl_client *c)
{
	return c != NULL ? c->fd : -1;
}

/*
 * Sends up to len bytes without blocking: the count, or -1 with errno
 * (EAGAIN: wait for *want) and, for TLS failures, msg.
 */
static ssize_t
client_send(struct hl_client *c, const uint8_t *p, size_t len, short *want,
    char *msg, size_t msglen)
{
	*want = POLLOUT;
	if (c->tls != NULL)
		return client_tls_write(c->tls, p, len, want, msg, msglen);
	return send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/*
 * Receives up to len bytes without blocking: the count, 0 at the end, or
 * -1 with errno (EAGAIN: wait for *want) and, for TLS failures, msg.
 */
static ssize_t
client_recv(struct hl_client *c, uint8_t *p, size_t len, short *want,
    char *msg, size_t msglen)
{
	*want = POLLIN;
	if (c->tls != NULL)
		return client_tls_read(c->tls, p, len, want, msg, msglen);
	return recv(c->fd, p, len, MSG_DONTWAIT);
}

/* Writes all len bytes before deadline; returns 0, or -1 with err filled. */
static int
client_write(struct hl_client *c, const uint8_t *p, size_t len,
    int64_t deadline, struct hl_error *err)
{
	size_t done = 0;
	short want = POLLOUT;
	char msg[320] = "";
	ssize_t n;
	int r;

	while (done < len) {
		r = client_wait(c->fd, want, deadline);
		if (r == -1)
			return client_fail(c, err, HL_ERR_IO, "poll: %s",
			    strerror(errno));
		if (r == 0 && done == 0)
			return client_fail(c, err, HL_ERR_TIMEOUT,
			    "write timed out");
		if (r == 0)	/* half a frame went out: the stream is lost */
			return client_fail(c, err, HL_ERR_IO,
			    "write timed out in the middle of a frame");
		n = client_send(c, p + done, len - done, &want, msg, sizeof msg);
		if (n == -1 && c->tls != NULL && errno == EIO)
			return client_fail(c, err, HL_ERR_IO, "%s", msg);
		if (n == -1 && errno != EINTR && errno != EAGAIN &&
		    errno != EWOULDBLOCK)
			return client_fail(c, err, HL_ERR_IO, "write: %s",
			    strerror(errno));
		if (n > 0)
			done += (size_t)n;
	}
	return 0;
}

/* Packs env into one frame and writes it before deadline. */
static int
client_send_frame(struct hl_client *c, const Hotline__Envelope *env,
    int64_t deadline, struct hl_error *err)
{
	uint8_t *frame;
	size_t len, hlen;
	int r;

	if (env == NULL || !protobuf_c_message_check(&env->base))
		return client_fail(NULL, err, HL_ERR_USAGE,
		    "not a valid envelope");
	len = hotline__envelope__get_packed_size(env);
	if ((frame = malloc(FRAME_HEADER_MAX + len)) == NULL)
		return client_fail(NULL, err, HL_ERR_NOMEM, "out of memory");
	hlen = frame_encode_header(len, frame);
	hotline__envelope__pack(env, frame + hlen);
	r = client_write(c, frame, hlen + len, deadline, err);
	free(frame);
	return r;
}

/* Writes a fresh random request key (32 hex digits) into c->request_key; 0 or -1. */
static int
client_new_request_key(struct hl_client *c, struct hl_error *err)
{
	unsigned char bytes[16];
	size_t i;

	if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
		return client_fail(NULL, err, HL_ERR_IO,
		    "no random bytes for a request key: %s", strerror(errno));
	for (i = 0; i < sizeof bytes; i++)
		snprintf(c->request_key + 2 * i, 3, "%02x", bytes[i]);
	return 0;
}

/*
 * Sends env with its request key, or with a fresh one (not a hello) that
 * env keeps only while it is packed; c->request_key is the key sent.
 */
static int
client_keyed_send(struct hl_client *c, Hotline__Envelope *env,
    int64_t deadline, struct hl_error *err)
{
	char *given = env->request_key;
	int r;

	if (given != NULL && given[0] != '\0') {
		snprintf(c->request_key, sizeof c->request_key, "%s", given);
		return client_send_frame(c, env, deadline, err);
	}
	c->request_key[0] = '\0';
	if (env->body_case == HOTLINE__ENVELOPE__BODY_HELLO)
		return client_send_frame(c, env, deadline, err);
	if (client_new_request_key(c, err) == -1)
		return -1;
	env->request_key = c->request_key;
	r = client_send_frame(c, env, deadline, err);
	env->request_key = given;
	return r;
}

/* Makes room for want more bytes after the unread ones; returns 0 or -1. */
static int
client_reserve(struct hl_client *c, size_t want)
{
	size_t size;
	uint8_t *p;

	if (c->start > 0) {
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->start = 0;
	}
	if (c->size - c->end >= want)
		return 0;
	size = c->size > 0 ? c->size * 2 : CLIENT_READ_CHUNK;
	if (size < c->end + want)
		size = c->end + want;
	if ((p = realloc(c->buf, size)) == NULL)
		return -1;
	c->buf = p;
	c->size = size;
	return 0;
}

/* Forgets a large read buffer once it holds nothing unread. */
static void
client_trim(struct hl_client *c)
{
	if (c->start != c->end)
		return;
	c->start = c->end = 0;
	if (c->size > CLIENT_KEEP_BUFFER) {
		free(c->buf);
		c->buf = NULL;
		c->size = 0;
	}
}

/*
 * Takes one whole frame from the read buffer: 1 with *env set, 0 when more
 * bytes are needed (c->missing says how many, when known), -1 on garbage.
 */
static int
client_take(struct hl_client *c, Hotline__Envelope **env,
    struct hl_error *err)
{
	size_t avail = c->end - c->start, body = 0, hlen = 0;
	enum frame_status st;

	c->missing = 0;
	if (avail == 0)
		return 0;
	st = frame_decode_header(c->buf + c->start, avail, CLIENT_MAX_FRAME,
	    &body, &hlen);
	if (st == FRAME_NEED_MORE)
		return 0;
	if (st == FRAME_TOO_LARGE)
		return client_fail(c, err, HL_ERR_PROTOCOL,
		    "frame of %zu bytes is over the client's limit of %u",
		    body, CLIENT_MAX_FRAME);
	if (st != FRAME_OK)
		return client_fail(c, err, HL_ERR_PROTOCOL, "%s",
		    frame_status_name(st));
	if (avail - hlen < body) {
		c->missing = body - (avail - hlen);
		return 0;
	}
	*env = hotline__envelope__unpack(NULL, body, c->buf + c->start + hlen);
	c->start += hlen + body;
	client_trim(c);
	if (*env == NULL)
		return client_fail(c, err, HL_ERR_PROTOCOL,
		    "undecodable frame of %zu bytes", body);
	return 1;
}

/* Reads what the socket has before deadline: 1 on data, 0 at the deadline, -1 on error. */
static int
client_fill(struct hl_client *c, int64_t deadline, struct hl_error *err)
{
	short want = POLLIN;
	char msg[320] = "";
	ssize_t n;
	int r;

	if (client_reserve(c, c->missing > CLIENT_READ_CHUNK ? c->missing :
	    CLIENT_READ_CHUNK) == -1)
		return client_fail(NULL, err, HL_ERR_NOMEM, "out of memory");
	for (;;) {
		/* TLS may hold decrypted bytes the socket no longer shows. */
		if (!client_tls_pending(c->tls) &&
		    (r = client_wait(c->fd, want, deadline)) <= 0)
			return r == 0 ? 0 : client_fail(c, err, HL_ERR_IO,
			    "poll: %s", strerror(errno));
		n = client_recv(c, c->buf + c->end, c->size - c->end, &want, msg,
		    sizeof msg);
		if (n > 0) {
			c->end += (size_t)n;
			return 1;
		}
		if (n == 0)
			return client_fail(c, err, HL_ERR_IO, c->end > c->start ?
			    "connection closed in the middle of a frame" :
			    "connection closed by the daemon");
		if (c->tls != NULL && errno == EIO)
			return client_fail(c, err, HL_ERR_IO, "%s", msg);
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			return client_fail(c, err, HL_ERR_IO, "read: %s",
			    strerror(errno));
	}
}

/* Returns the next frame: 1 with *env set, 0 at the deadline, -1 on error. */
static int
client_read(struct hl_client *c, int64_t deadline, Hotline__Envelope **env,
    struct hl_error *err)
{
	int r;

	for (;;) {
		if ((r = client_take(c, env, err)) != 0)
			return r;
		if ((r = client_fill(c, deadline, err)) <= 0)
			return r;
	}
}

/* Appends an event envelope to the queue; frees it and returns -1 if out of memory. */
static int
client_enqueue(struct hl_client *c, Hotline__Envelope *env,
    struct hl_error *err)
{
	struct client_event *ev;

	if ((ev = malloc(sizeof *ev)) == NULL) {
		hl_envelope_free(env);
		return client_fail(NULL, err, HL_ERR_NOMEM,
		    "out of memory queueing an event");
	}
	ev->envelope = env;
	ev->next = NULL;
	if (c->tail != NULL)
		c->tail->next = ev;
	else
		c->head = ev;
	c->tail = ev;
	return 0;
}

/* Removes and returns the oldest queued event envelope, or NULL. */
static Hotline__Envelope *
client_dequeue(struct hl_client *c)
{
	struct client_event *ev = c->head;
	Hotline__Envelope *env;

	if (ev == NULL)
		return NULL;
	c->head = ev->next;
	if (c->head == NULL)
		c->tail = NULL;
	env = ev->envelope;
	free(ev);
	return env;
}

/* An Error with id 0 concerns the whole connection, whatever was asked. */
static int
client_is_connection_error(const Hotline__Envelope *env)
{
	return env->id == 0 &&
	    env->body_case == HOTLINE__ENVELOPE__BODY_ERROR;
}

/*
 * Reads frames until the answer to request id arrives, queueing events.
 * Answers with other ids are late answers to requests that timed out:
 * they are dropped.
 */
static int
client_await(struct hl_client *c, uint64_t id, int64_t deadline,
    Hotline__Envelope **reply, struct hl_error *err)
{
	Hotline__Envelope *env;
	int r;

	for (;;) {
		r = client_read(c, deadline, &env, err);
		if (r == 0)
			return client_fail(c, err, HL_ERR_TIMEOUT,
			    "no answer to request %llu in time",
			    (unsigned long long)id);
		if (r == -1)
			return -1;
		if (env->body_case == HOTLINE__ENVELOPE__BODY_EVENT) {
			if (client_enqueue(c, env, err) == -1)
				return -1;
		} else if (env->id == id || client_is_connection_error(env))
			break;
		else
			hl_envelope_free(env);
	}
	if (env->body_case == HOTLINE__ENVELOPE__BODY_ERROR) {
		client_fail_remote(env->error, err);
		hl_envelope_free(env);
		return -1;
	}
	if (reply != NULL)
		*reply = env;
	else
		hl_envelope_free(env);
	return 0;
}

/* Sends request with the next id and waits for its answer; see hotline.h. */
int
hl_call(struct hl_client *c, Hotline__Envelope *request,
    Hotline__Envelope **reply, struct hl_error *err)
{
	int64_t deadline;

	if (reply != NULL)
		*reply = NULL;
	if (client_usable(c, err) == -1)
		return -1;
	if (request == NULL)
		return client_fail(NULL, err, HL_ERR_USAGE, "no request");
	deadline = client_deadline(client_default_timeout(c));
	request->id = ++c->last_id;
	if (client_keyed_send(c, request, deadline, err) == -1)
		return -1;
	return client_await(c, request->id, deadline, reply, err);
}

/* Returns the request key of the last hl_call; see hotline.h. */
const char *
hl_last_request_key(const struct hl_client *c)
{
	return c->request_key;
}

/* Says hello and checks for HelloOk; see hotline.h. */
int
hl_hello(struct hl_client *c, Hotline__Role role, const char *principal,
    const char *credential, Hotline__Envelope **ok, struct hl_error *err)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__Hello hello = HOTLINE__HELLO__INIT;

	if (ok != NULL)
		*ok = NULL;
	hello.version = HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION;
	hello.role = role;
	hello.principal = (char *)(principal != NULL ? principal : "");
	hello.credential = (char *)(credential != NULL ? credential : "");
	hello.client = (char *)CLIENT_NAME;
	env.body_case = HOTLINE__ENVELOPE__BODY_HELLO;
	env.hello = &hello;
	if (hl_call(c, &env, &reply, err) == -1)
		return -1;
	if (reply->body_case != HOTLINE__ENVELOPE__BODY_HELLO_OK) {
		client_fail(c, err, HL_ERR_PROTOCOL,
		    "expected hello_ok, got %s",
		    hl_body_name(reply->body_case));
		hl_envelope_free(reply);
		return -1;
	}
	if (ok != NULL)
		*ok = reply;
	else
		hl_envelope_free(reply);
	return 0;
}

/* Returns the next event, queued or read within timeout_ms; see hotline.h. */
int
hl_next_event(struct hl_client *c, int timeout_ms, Hotline__Envelope **event,
    struct hl_error *err)
{
	Hotline__Envelope *env;
	int64_t deadline;
	int r;

	*event = NULL;
	if (c != NULL && (*event = client_dequeue(c)) != NULL)
		return 1;
	if (client_usable(c, err) == -1)
		return -1;
	deadline = client_deadline(timeout_ms < 0 ?
	    client_default_timeout(c) : timeout_ms);
	for (;;) {
		if ((r = client_read(c, deadline, &env, err)) <= 0)
			return r;
		if (env->body_case == HOTLINE__ENVELOPE__BODY_EVENT) {
			*event = env;
			return 1;
		}
		if (client_is_connection_error(env)) {
			client_fail_remote(env->error, err);
			hl_envelope_free(env);
			return -1;
		}
		hl_envelope_free(env);	/* a late answer: nobody waits for it */
	}
}

/* Writes one frame as is; see hotline.h. */
int
hl_send(struct hl_client *c, const Hotline__Envelope *frame,
    struct hl_error *err)
{
	if (client_usable(c, err) == -1)
		return -1;
	return client_send_frame(c, frame,
	    client_deadline(client_default_timeout(c)), err);
}

/* Writes bytes unframed; see hotline.h. */
int
hl_send_raw(struct hl_client *c, const void *bytes, size_t len,
    struct hl_error *err)
{
	if (client_usable(c, err) == -1)
		return -1;
	if (bytes == NULL && len > 0)
		return client_fail(NULL, err, HL_ERR_USAGE, "no bytes");
	return client_write(c, bytes, len,
	    client_deadline(client_default_timeout(c)), err);
}

/* Returns the next frame of any kind, bypassing the event queue; see hotline.h. */
int
hl_recv(struct hl_client *c, int timeout_ms, Hotline__Envelope **frame,
    struct hl_error *err)
{
	*frame = NULL;
	if (client_usable(c, err) == -1)
		return -1;
	return client_read(c, client_deadline(timeout_ms < 0 ?
	    client_default_timeout(c) : timeout_ms), frame, err);
}

/* Frees an envelope handed out by the library. */
void
hl_envelope_free(Hotline__Envelope *env)
{
	if (env != NULL)
		hotline__envelope__free_unpacked(env, NULL);
}

/* Names an error code: local ones and the protocol's. */
const char *
hl_error_name(int code)
{
	static const char *const remote[] = {
		"unspecified", "bad_request", "unauthenticated", "forbidden",
		"not_found", "conflict", "unavailable", "too_large",
		"rate_limited", "internal", "version_mismatch"
	};

	switch (code) {
	case HL_ERR_IO:
		return "io";
	case HL_ERR_PROTOCOL:
		return "protocol";
	case HL_ERR_TIMEOUT:
		return "timeout";
	case HL_ERR_NOMEM:
		return "nomem";
	case HL_ERR_USAGE:
		return "usage";
	}
	if (code >= 0 && (size_t)code < sizeof remote / sizeof remote[0])
		return remote[code];
	return "unknown";
}

/* Names a ticket state: "dispatched". */
const char *
hl_state_name(Hotline__TicketState state)
{
	switch (state) {
	case HOTLINE__TICKET_STATE__TICKET_STATE_UNSPECIFIED:
		return "unspecified";
	case HOTLINE__TICKET_STATE__TICKET_STATE_REGISTERED:
		return "registered";
	case HOTLINE__TICKET_STATE__TICKET_STATE_TRIAGE:
		return "triage";
	case HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED:
		return "dispatched";
	case HOTLINE__TICKET_STATE__TICKET_STATE_ACCEPTED:
		return "accepted";
	case HOTLINE__TICKET_STATE__TICKET_STATE_REPLIED:
		return "replied";
	case HOTLINE__TICKET_STATE__TICKET_STATE_SUSPENDED:
		return "suspended";
	case HOTLINE__TICKET_STATE__TICKET_STATE_AWAITING_CALLBACK:
		return "awaiting_callback";
	case HOTLINE__TICKET_STATE__TICKET_STATE_CLOSED:
		return "closed";
	case HOTLINE__TICKET_STATE__TICKET_STATE_MERGED:
		return "merged";
	case HOTLINE__TICKET_STATE__TICKET_STATE_TRANSFERRED:
		return "transferred";
	default:
		return "unknown";
	}
}

/* Names a role: "agent". */
const char *
hl_role_name(Hotline__Role role)
{
	static const char *const names[] = {
		"unspecified", "agent", "dispatcher", "department",
		"supervisor", "admin"
	};

	if ((unsigned)role < sizeof names / sizeof names[0])
		return names[role];
	return "unknown";
}

/* Names a ticket type: "complaint". */
const char *
hl_type_name(Hotline__TicketType type)
{
	static const char *const names[] = {
		"unspecified", "consultation", "help", "complaint", "report",
		"suggestion", "praise"
	};

	if ((unsigned)type < sizeof names / sizeof names[0])
		return names[type];
	return "unknown";
}
