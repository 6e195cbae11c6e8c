/* Unit tests of libhotline against a fake daemon on a unix socket in a temporary directory. */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "frame.h"
#include "hotline.h"

#define TIMEOUT_MS 2000

/* The client under test and the fake daemon's end of its connection. */
struct fixture {
	char dir[64];
	char path[96];
	int listener;
	int peer;
	struct hl_client *c;
};

/* A fake daemon thread: reads one request, then writes bytes in slow chunks. */
struct slow_peer {
	int fd;
	const uint8_t *bytes;
	size_t len;
	size_t chunk;
	int delay_ms;
	int read_request;
	Hotline__Envelope *request;	/* what the client sent, if read_request */
};

/* Returns the monotonic clock in milliseconds. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps for ms milliseconds. */
static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Writes all len bytes to fd or fails the test. */
static void
peer_write(int fd, const void *bytes, size_t len)
{
	const uint8_t *p = bytes;
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

/* Reads exactly len bytes from fd; returns 0, or -1 at end of stream. */
static int
peer_read_exact(int fd, uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = read(fd, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one frame the client sent; returns it unpacked, or NULL. */
static Hotline__Envelope *
peer_read_frame(int fd)
{
	uint8_t hdr[FRAME_HEADER_MAX], *body;
	size_t n = 0, body_len = 0, hlen = 0;
	Hotline__Envelope *env;

	do {
		if (n == sizeof hdr || peer_read_exact(fd, hdr + n, 1) == -1)
			return NULL;
		n++;
	} while (frame_decode_header(hdr, n, SIZE_MAX, &body_len, &hlen) ==
	    FRAME_NEED_MORE);
	if ((body = malloc(body_len + 1)) == NULL)
		return NULL;
	env = NULL;
	if (peer_read_exact(fd, body, body_len) == 0)
		env = hotline__envelope__unpack(NULL, body_len, body);
	free(body);
	return env;
}

/* Packs env as one frame into a new buffer; *len gets its size. */
static uint8_t *
pack_frame(const Hotline__Envelope *env, size_t *len)
{
	size_t body = hotline__envelope__get_packed_size(env), hlen;
	uint8_t *frame = malloc(FRAME_HEADER_MAX + body);

	assert_non_null(frame);
	hlen = frame_encode_header(body, frame);
	hotline__envelope__pack(env, frame + hlen);
	*len = hlen + body;
	return frame;
}

/* Packs a Pong answering request id. */
static uint8_t *
pack_pong(uint64_t id, int64_t server_time, size_t *len)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__Pong pong = HOTLINE__PONG__INIT;

	pong.server_time = server_time;
	pong.store_ready = 1;
	env.id = id;
	env.body_case = HOTLINE__ENVELOPE__BODY_PONG;
	env.pong = &pong;
	return pack_frame(&env, len);
}

/* Packs a pushed event about ticket number whose content is content. */
static uint8_t *
pack_event(const char *event_id, const char *number, const char *content,
    size_t *len)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__Event ev = HOTLINE__EVENT__INIT;
	Hotline__Ticket t = HOTLINE__TICKET__INIT;

	t.number = (char *)number;
	t.content = (char *)content;
	t.state = HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED;
	ev.id = (char *)event_id;
	ev.kind = HOTLINE__EVENT_KIND__EVENT_KIND_DISPATCHED;
	ev.number = (char *)number;
	ev.ticket = &t;
	env.body_case = HOTLINE__ENVELOPE__BODY_EVENT;
	env.event = &ev;
	return pack_frame(&env, len);
}

/* Packs an Error answering request id. */
static uint8_t *
pack_error(uint64_t id, Hotline__ErrorCode code, const char *message,
    const char *field, Hotline__TicketState state, size_t *len)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__Error e = HOTLINE__ERROR__INIT;

	e.code = code;
	e.message = (char *)message;
	e.field = (char *)field;
	e.state = state;
	env.id = id;
	env.body_case = HOTLINE__ENVELOPE__BODY_ERROR;
	env.error = &e;
	return pack_frame(&env, len);
}

/* Writes a packed frame to fd and frees it. */
static void
peer_send(int fd, uint8_t *frame, size_t len)
{
	peer_write(fd, frame, len);
	free(frame);
}

/* Sends a Pong for request id. */
static void
peer_pong(int fd, uint64_t id, int64_t server_time)
{
	size_t len;
	uint8_t *frame = pack_pong(id, server_time, &len);

	peer_send(fd, frame, len);
}

/* Sends an event about ticket number. */
static void
peer_event(int fd, const char *event_id, const char *number)
{
	size_t len;
	uint8_t *frame = pack_event(event_id, number, "内容", &len);

	peer_send(fd, frame, len);
}

/* Runs a slow_peer: reads the request if asked, then dribbles the bytes out. */
static void *
slow_peer_run(void *arg)
{
	struct slow_peer *sp = arg;
	size_t off = 0, n;

	if (sp->read_request)
		sp->request = peer_read_frame(sp->fd);
	while (off < sp->len) {
		n = sp->len - off < sp->chunk ? sp->len - off : sp->chunk;
		if (send(sp->fd, sp->bytes + off, n, MSG_NOSIGNAL) != (ssize_t)n)
			break;
		off += n;
		if (sp->delay_ms > 0)
			sleep_ms(sp->delay_ms);
	}
	return NULL;
}

/* Fills a Ping request envelope. */
static void
make_ping(Hotline__Envelope *env, Hotline__Ping *ping)
{
	hotline__envelope__init(env);
	hotline__ping__init(ping);
	env->body_case = HOTLINE__ENVELOPE__BODY_PING;
	env->ping = ping;
}

/* Accepts the client's connection on the fixture's listener. */
static int
accept_peer(struct fixture *f)
{
	int fd = accept(f->listener, NULL, NULL);

	assert_true(fd >= 0);
	return fd;
}

/* Creates a private directory under /tmp; its name goes into dir. */
static void
make_temp_dir(char *dir, size_t len)
{
	size_t n = (size_t)snprintf(dir, len, "/tmp/hl-test-");

	assert_true(n + 7 <= len);
	memset(dir + n, 'X', 6);	/* mkdtemp(3) fills in these six */
	dir[n + 6] = '\0';
	assert_non_null(mkdtemp(dir));
}

/* Makes a listening unix socket in a new temp dir and connects a client to it. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct sockaddr_un sun;
	struct hl_error err;

	assert_non_null(f);
	make_temp_dir(f->dir, sizeof f->dir);
	snprintf(f->path, sizeof f->path, "%s/hotlined.sock", f->dir);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", f->path);
	f->listener = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(f->listener >= 0);
	assert_int_equal(bind(f->listener, (struct sockaddr *)&sun, sizeof sun), 0);
	assert_int_equal(listen(f->listener, 8), 0);
	f->c = hl_connect(f->path, TIMEOUT_MS, &err);
	assert_non_null(f->c);
	f->peer = accept_peer(f);
	*state = f;
	return 0;
}

/* Closes both ends and removes the temp dir. */
static int
teardown(void **state)
{
	struct fixture *f = *state;

	hl_close(f->c);
	close(f->peer);
	close(f->listener);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Unparsable addresses are usage errors, found before any socket is made. */
static void
test_bad_addresses(void **state)
{
	static const char *const bad[] = {
		"", "nocolon", "host:", ":7345", "host:0", "host:65536",
		"host:abc", "host:12x", "[::1", "[::1]7345", "[::1]:", "[]:7345",
		"::1:7345", "unix:",
		"unix:/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock",
	};
	struct hl_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&err, 0, sizeof err);
		assert_null(hl_connect(bad[i], 100, &err));
		assert_int_equal(err.code, HL_ERR_USAGE);
		assert_true(strlen(err.message) > 0);
	}
	memset(&err, 0, sizeof err);
	assert_null(hl_connect(NULL, 100, &err));
	assert_int_equal(err.code, HL_ERR_USAGE);
	assert_string_equal(err.message, "empty address");
	assert_null(hl_connect("nocolon", 100, NULL));
}

/* A unix socket that does not exist is an I/O error naming the path. */
static void
test_connect_missing_socket(void **state)
{
	struct hl_error err;

	(void)state;
	assert_null(hl_connect("unix:/nonexistent/hotlined.sock", 100, &err));
	assert_int_equal(err.code, HL_ERR_IO);
	assert_non_null(strstr(err.message, "/nonexistent/hotlined.sock"));
}

/* Listens on the loopback of family; returns the socket and its port. */
static int
tcp_listen(int family, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd = socket(family, SOCK_STREAM, 0), one = 1;

	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sizeof ss) == -1 ||
	    listen(fd, 4) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* Connects over TCP to address, checks TCP_NODELAY and one round trip. */
static void
check_tcp(int listener, const char *address)
{
	struct hl_client *c;
	struct hl_error err;
	Hotline__Envelope req, *reply;
	Hotline__Ping ping;
	int peer, nodelay = 0;
	socklen_t len = sizeof nodelay;

	c = hl_connect(address, TIMEOUT_MS, &err);
	assert_non_null(c);
	peer = accept(listener, NULL, NULL);
	assert_true(peer >= 0);
	assert_int_equal(getsockopt(hl_fd(c), IPPROTO_TCP, TCP_NODELAY,
	    &nodelay, &len), 0);
	assert_int_equal(nodelay, 1);
	peer_pong(peer, 1, 1763779200000);
	make_ping(&req, &ping);
	assert_int_equal(hl_call(c, &req, &reply, &err), 0);
	assert_int_equal(reply->body_case, HOTLINE__ENVELOPE__BODY_PONG);
	assert_int_equal(reply->pong->server_time, 1763779200000);
	hl_envelope_free(reply);
	hl_close(c);
	close(peer);
}

/* TCP over IPv4 sets TCP_NODELAY and carries frames. */
static void
test_tcp_ipv4(void **state)
{
	char address[64];
	int port, fd = tcp_listen(AF_INET, &port);

	(void)state;
	assert_true(fd >= 0);
	snprintf(address, sizeof address, "127.0.0.1:%d", port);
	check_tcp(fd, address);
	close(fd);
}

/* TCP over IPv6 with the bracketed form. */
static void
test_tcp_ipv6(void **state)
{
	char address[64];
	int port, fd = tcp_listen(AF_INET6, &port);

	(void)state;
	if (fd < 0)
		skip();
	snprintf(address, sizeof address, "[::1]:%d", port);
	check_tcp(fd, address);
	close(fd);
}

/* hl_hello sends every Hello field with request id 1 and returns HelloOk. */
static void
test_hello(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *ok, *sent;
	Hotline__HelloOk hok = HOTLINE__HELLO_OK__INIT;
	struct hl_error err;
	uint8_t *frame;
	size_t len;

	hok.version = HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION;
	hok.role = HOTLINE__ROLE__ROLE_DEPARTMENT;
	hok.principal = "zjj-01";
	hok.department = "zjj";
	env.id = 1;
	env.body_case = HOTLINE__ENVELOPE__BODY_HELLO_OK;
	env.hello_ok = &hok;
	frame = pack_frame(&env, &len);
	peer_send(f->peer, frame, len);

	assert_int_equal(hl_hello(f->c, HOTLINE__ROLE__ROLE_UNSPECIFIED,
	    "zjj-01", "s3cret", &ok, &err), 0);
	assert_int_equal(ok->id, 1);
	assert_int_equal(ok->body_case, HOTLINE__ENVELOPE__BODY_HELLO_OK);
	assert_int_equal(ok->hello_ok->role, HOTLINE__ROLE__ROLE_DEPARTMENT);
	assert_string_equal(ok->hello_ok->department, "zjj");
	hl_envelope_free(ok);

	sent = peer_read_frame(f->peer);
	assert_non_null(sent);
	assert_int_equal(sent->id, 1);
	assert_int_equal(sent->body_case, HOTLINE__ENVELOPE__BODY_HELLO);
	assert_int_equal(sent->hello->version, 1);
	assert_int_equal(sent->hello->role, HOTLINE__ROLE__ROLE_UNSPECIFIED);
	assert_string_equal(sent->hello->principal, "zjj-01");
	assert_string_equal(sent->hello->credential, "s3cret");
	assert_string_equal(sent->hello->client, "libhotline/0.1");
	hl_envelope_free(sent);
}

/* A Hello answered by anything but HelloOk is a protocol error that ruins the client. */
static void
test_hello_wrong_body(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope req, *reply = (Hotline__Envelope *)1;
	Hotline__Ping ping;
	struct hl_error err;

	peer_pong(f->peer, 1, 5);
	assert_int_equal(hl_hello(f->c, HOTLINE__ROLE__ROLE_AGENT, "a", "b",
	    NULL, &err), -1);
	assert_int_equal(err.code, HL_ERR_PROTOCOL);
	assert_string_equal(err.message, "expected hello_ok, got pong");
	make_ping(&req, &ping);
	assert_int_equal(hl_call(f->c, &req, &reply, &err), -1);
	assert_int_equal(err.code, HL_ERR_PROTOCOL);
	assert_null(reply);
}

/* A refused Hello gives the daemon's code and message. */
static void
test_hello_refused(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope *ok = (Hotline__Envelope *)1;
	struct hl_error err;
	uint8_t *frame;
	size_t len;

	frame = pack_error(1, HOTLINE__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
	    "wrong credential", "credential",
	    HOTLINE__TICKET_STATE__TICKET_STATE_UNSPECIFIED, &len);
	peer_send(f->peer, frame, len);
	assert_int_equal(hl_hello(f->c, HOTLINE__ROLE__ROLE_AGENT, "a", "b",
	    &ok, &err), -1);
	assert_null(ok);
	assert_int_equal(err.code, 2);
	assert_string_equal(err.message, "wrong credential");
	assert_string_equal(err.field, "credential");
}

/* Request ids count from 1 per client, overwriting the caller's id. */
static void
test_request_ids(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope req, *reply, *sent;
	Hotline__Ping ping;
	struct hl_error err;
	uint64_t id;

	for (id = 1; id <= 3; id++) {
		peer_pong(f->peer, id, (int64_t)id * 10);
		make_ping(&req, &ping);
		req.id = 99;
		assert_int_equal(hl_call(f->c, &req, &reply, &err), 0);
		assert_int_equal(req.id, id);
		assert_int_equal(reply->id, id);
		assert_int_equal(reply->pong->server_time, (int64_t)id * 10);
		hl_envelope_free(reply);
		sent = peer_read_frame(f->peer);
		assert_non_null(sent);
		assert_int_equal(sent->id, id);
		assert_int_equal(sent->body_case, HOTLINE__ENVELOPE__BODY_PING);
		hl_envelope_free(sent);
	}
}

/* Half a frame times out and stays buffered; the rest completes it. */
static void
test_partial_frame(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope *frame = (Hotline__Envelope *)1;
	struct hl_error err;
	uint8_t *bytes;
	size_t len;

	bytes = pack_event("1763779200000-0", "20261122000001", "小区漏水", &len);
	peer_write(f->peer, bytes, len / 2);
	assert_int_equal(hl_recv(f->c, 50, &frame, &err), 0);
	assert_null(frame);
	peer_write(f->peer, bytes + len / 2, len - len / 2);
	assert_int_equal(hl_recv(f->c, 0, &frame, &err), 1);
	assert_int_equal(frame->body_case, HOTLINE__ENVELOPE__BODY_EVENT);
	assert_string_equal(frame->event->id, "1763779200000-0");
	assert_string_equal(frame->event->ticket->content, "小区漏水");
	hl_envelope_free(frame);
	free(bytes);
}

/* A frame arriving one byte at a time, header included, comes out whole. */
static void
test_frame_byte_by_byte(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope *frame;
	struct hl_error err;
	uint8_t *bytes;
	size_t len, i;

	bytes = pack_event("7-0", "20261122000007", "一个字节一个字节", &len);
	for (i = 0; i + 1 < len; i++) {
		peer_write(f->peer, bytes + i, 1);
		assert_int_equal(hl_recv(f->c, 0, &frame, &err), 0);
	}
	peer_write(f->peer, bytes + len - 1, 1);
	assert_int_equal(hl_recv(f->c, 100, &frame, &err), 1);
	assert_string_equal(frame->event->number, "20261122000007");
	assert_string_equal(frame->event->ticket->content, "一个字节一个字节");
	hl_envelope_free(frame);
	free(bytes);
}

/* Several frames written at once come out one by one, in order. */
static void
test_several_frames_one_read(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope *frame;
	struct hl_error err;
	uint8_t all[4096], *one;
	size_t used = 0, len;
	char id[16];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof id, "%d-0", i);
		one = pack_event(id, "20261122000001", "x", &len);
		assert_true(used + len <= sizeof all);
		memcpy(all + used, one, len);
		used += len;
		free(one);
	}
	peer_write(f->peer, all, used);
	sleep_ms(20);
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof id, "%d-0", i);
		assert_int_equal(hl_recv(f->c, 0, &frame, &err), 1);
		assert_string_equal(frame->event->id, id);
		hl_envelope_free(frame);
	}
	assert_int_equal(hl_recv(f->c, 0, &frame, &err), 0);
}

/* Events that arrive before an answer are queued and handed out in order. */
static void
test_events_queued_during_call(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope req, *reply, *ev;
	Hotline__Ping ping;
	struct hl_error err;

	peer_event(f->peer, "1-0", "20261122000001");
	peer_event(f->peer, "2-0", "20261122000002");
	peer_pong(f->peer, 1, 42);
	peer_event(f->peer, "3-0", "20261122000003");
	make_ping(&req, &ping);
	assert_int_equal(hl_call(f->c, &req, &reply, &err), 0);
	assert_int_equal(reply->pong->server_time, 42);
	hl_envelope_free(reply);

	assert_int_equal(hl_next_event(f->c, 0, &ev, &err), 1);
	assert_string_equal(ev->event->id, "1-0");
	assert_string_equal(ev->event->number, "20261122000001");
	hl_envelope_free(ev);
	assert_int_equal(hl_next_event(f->c, 0, &ev, &err), 1);
	assert_string_equal(ev->event->id, "2-0");
	hl_envelope_free(ev);
	assert_int_equal(hl_next_event(f->c, 100, &ev, &err), 1);
	assert_string_equal(ev->event->id, "3-0");
	assert_int_equal(ev->event->ticket->state,
	    HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED);
	hl_envelope_free(ev);
	assert_int_equal(hl_next_event(f->c, 0, &ev, &err), 0);
	assert_null(ev);
}

/* An Error answer fills hl_error; the connection stays usable. */
static void
test_error_reply(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope req, *reply = (Hotline__Envelope *)1;
	Hotline__Ping ping;
	struct hl_error err;
	uint8_t *frame;
	size_t len;

	frame = pack_error(1, HOTLINE__ERROR_CODE__ERROR_CODE_CONFLICT,
	    "工单已签收，不能再次签收", "number",
	    HOTLINE__TICKET_STATE__TICKET_STATE_ACCEPTED, &len);
	peer_send(f->peer, frame, len);
	make_ping(&req, &ping);
	assert_int_equal(hl_call(f->c, &req, &reply, &err), -1);
	assert_null(reply);
	assert_int_equal(err.code, HOTLINE__ERROR_CODE__ERROR_CODE_CONFLICT);
	assert_string_equal(err.message, "工单已签收，不能再次签收");
	assert_string_equal(err.field, "number");
	assert_int_equal(err.state, HOTLINE__TICKET_STATE__TICKET_STATE_ACCEPTED);
	assert_string_equal(hl_error_name(err.code), "conflict");

	peer_pong(f->peer, 2, 7);
	assert_int_equal(hl_call(f->c, &req, &reply, &err), 0);
	assert_int_equal(reply->id, 2);
	hl_envelope_free(reply);
}

/* An Error with id 0 (about the connection) answers whatever call is waiting. */
static void
test_connection_error(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope req, *reply;
	Hotline__Ping ping;
	struct hl_error err;
	uint8_t *frame;
	size_t len;

	frame = pack_error(0, HOTLINE__ERROR_CODE__ERROR_CODE_TOO_LARGE,
	    "frame over 262144 bytes", "",
	    HOTLINE__TICKET_STATE__TICKET_STATE_UNSPECIFIED, &len);
	peer_send(f->peer, frame, len);
	make_ping(&req, &ping);
	assert_int_equal(hl_call(f->c, &req, &reply, &err), -1);
	assert_int_equal(err.code, HOTLINE__ERROR_CODE__ERROR_CODE_TOO_LARGE);
	assert_string_equal(err.message, "frame over 262144 bytes");
	assert_string_equal(err.field, "");
}

/* hl_next_event reports an Error with id 0 instead of waiting for events. */
static void
test_next_event_connection_error(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope *ev;
	struct hl_error err;
	uint8_t *frame;
	size_t len;

	frame = pack_error(0, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
	    "redis unreachable", "",
	    HOTLINE__TICKET_STATE__TICKET_STATE_UNSPECIFIED, &len);
	peer_send(f->peer, frame, len);
	assert_int_equal(hl_next_event(f->c, 500, &ev, &err), -1);
	assert_null(ev);
	assert_int_equal(err.code, HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE);
	assert_string_equal(err.message, "redis unreachable");
}

/* A call that gets no answer times out; the late answer is then dropped. */
static void
test_call_timeout(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope req, *reply;
	Hotline__Ping ping;
	struct hl_error err;
	struct hl_client *c;
	int64_t t0, elapsed;
	int peer;

	(void)f;
	c = hl_connect(f->path, 100, &err);
	assert_non_null(c);
	peer = accept_peer(f);
	make_ping(&req, &ping);
	t0 = now_ms();
	assert_int_equal(hl_call(c, &req, &reply, &err), -1);
	elapsed = now_ms() - t0;
	assert_int_equal(err.code, HL_ERR_TIMEOUT);
	assert_null(reply);
	assert_true(elapsed >= 95);
	assert_true(elapsed < 1500);

	peer_pong(peer, 1, 111);
	peer_pong(peer, 2, 222);
	assert_int_equal(hl_call(c, &req, &reply, &err), 0);
	assert_int_equal(req.id, 2);
	assert_int_equal(reply->pong->server_time, 222);
	hl_envelope_free(reply);
	hl_close(c);
	close(peer);
}

/* hl_next_event and hl_recv wait for their timeout and return 0. */
static void
test_event_timeout(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope *ev;
	struct hl_error err;
	int64_t t0, elapsed;

	t0 = now_ms();
	assert_int_equal(hl_next_event(f->c, 80, &ev, &err), 0);
	elapsed = now_ms() - t0;
	assert_null(ev);
	assert_true(elapsed >= 75);
	t0 = now_ms();
	assert_int_equal(hl_recv(f->c, 0, &ev, &err), 0);
	assert_true(now_ms() - t0 < 50);
}

/* The peer closing in the middle of a frame is an I/O error, and it sticks. */
static void
test_peer_closes_mid_frame(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope req, *reply;
	Hotline__Ping ping;
	struct hl_error err;
	uint8_t *bytes;
	size_t len;

	bytes = pack_pong(1, 1, &len);
	peer_write(f->peer, bytes, len - 1);
	free(bytes);
	close(f->peer);
	f->peer = -1;
	assert_int_equal(hl_recv(f->c, 1000, &reply, &err), -1);
	assert_null(reply);
	assert_int_equal(err.code, HL_ERR_IO);
	assert_string_equal(err.message,
	    "connection closed in the middle of a frame");
	make_ping(&req, &ping);
	assert_int_equal(hl_call(f->c, &req, &reply, &err), -1);
	assert_int_equal(err.code, HL_ERR_IO);
	assert_string_equal(err.message,
	    "connection unusable after an earlier error");
}

/* The peer closing between frames is an I/O error too. */
static void
test_peer_closes(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope *ev;
	struct hl_error err;

	close(f->peer);
	f->peer = -1;
	assert_int_equal(hl_next_event(f->c, 1000, &ev, &err), -1);
	assert_int_equal(err.code, HL_ERR_IO);
	assert_string_equal(err.message, "connection closed by the daemon");
}

/* Writing to a closed peer is an I/O error, not a SIGPIPE. */
static void
test_write_to_closed_peer(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope req;
	Hotline__Ping ping;
	struct hl_error err;

	close(f->peer);
	f->peer = -1;
	make_ping(&req, &ping);
	assert_int_equal(hl_send(f->c, &req, &err), -1);
	assert_int_equal(err.code, HL_ERR_IO);
	assert_non_null(strstr(err.message, "write"));
}

/* A varint longer than 10 bytes is a protocol error. */
static void
test_garbage_varint(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope *frame;
	struct hl_error err;
	uint8_t garbage[12];

	memset(garbage, 0xff, sizeof garbage);
	peer_write(f->peer, garbage, sizeof garbage);
	assert_int_equal(hl_recv(f->c, 500, &frame, &err), -1);
	assert_null(frame);
	assert_int_equal(err.code, HL_ERR_PROTOCOL);
	assert_string_equal(err.message, frame_status_name(FRAME_BAD));
}

/* A frame announced over 64 MiB is refused before it is read. */
static void
test_frame_over_limit(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope *frame;
	struct hl_error err;
	uint8_t hdr[FRAME_HEADER_MAX];
	size_t n = frame_encode_header(64u * 1024 * 1024 + 1, hdr);

	peer_write(f->peer, hdr, n);
	assert_int_equal(hl_recv(f->c, 500, &frame, &err), -1);
	assert_int_equal(err.code, HL_ERR_PROTOCOL);
	assert_non_null(strstr(err.message, "67108865"));
}

/* A whole frame that does not decode as an Envelope is a protocol error. */
static void
test_undecodable_body(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope *frame;
	struct hl_error err;
	/* field 10 (hello), length 16, but only one byte follows */
	static const uint8_t bad[] = { 0x03, 0x52, 0x10, 0x08 };

	peer_write(f->peer, bad, sizeof bad);
	assert_int_equal(hl_recv(f->c, 500, &frame, &err), -1);
	assert_int_equal(err.code, HL_ERR_PROTOCOL);
	assert_string_equal(err.message, "undecodable frame of 3 bytes");
}

/* An answer dribbled out in small chunks by another thread arrives whole. */
static void
test_slow_answer(void **state)
{
	struct fixture *f = *state;
	struct slow_peer sp;
	Hotline__Envelope req, *reply;
	Hotline__Ping ping;
	struct hl_error err;
	pthread_t th;
	uint8_t *bytes;
	size_t len;

	bytes = pack_pong(1, 1763779200123, &len);
	memset(&sp, 0, sizeof sp);
	sp.fd = f->peer;
	sp.bytes = bytes;
	sp.len = len;
	sp.chunk = 2;
	sp.delay_ms = 5;
	sp.read_request = 1;
	assert_int_equal(pthread_create(&th, NULL, slow_peer_run, &sp), 0);
	make_ping(&req, &ping);
	assert_int_equal(hl_call(f->c, &req, &reply, &err), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(reply->pong->server_time, 1763779200123);
	assert_true(reply->pong->store_ready);
	hl_envelope_free(reply);
	assert_non_null(sp.request);
	assert_int_equal(sp.request->id, 1);
	assert_int_equal(sp.request->body_case, HOTLINE__ENVELOPE__BODY_PING);
	hl_envelope_free(sp.request);
	free(bytes);
}

/* A 3 MiB event (bigger than any socket buffer) grows the read buffer. */
static void
test_large_frame(void **state)
{
	struct fixture *f = *state;
	size_t big = 3u * 1024 * 1024, len;
	struct slow_peer sp;
	Hotline__Envelope *ev;
	struct hl_error err;
	char *content;
	uint8_t *bytes;
	pthread_t th;

	content = malloc(big + 1);
	assert_non_null(content);
	memset(content, 'a', big);
	content[big] = '\0';
	content[big - 1] = 'z';
	bytes = pack_event("9-0", "20261122000009", content, &len);
	memset(&sp, 0, sizeof sp);
	sp.fd = f->peer;
	sp.bytes = bytes;
	sp.len = len;
	sp.chunk = 65536;
	assert_int_equal(pthread_create(&th, NULL, slow_peer_run, &sp), 0);
	assert_int_equal(hl_next_event(f->c, TIMEOUT_MS, &ev, &err), 1);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(strlen(ev->event->ticket->content), big);
	assert_int_equal(ev->event->ticket->content[big - 1], 'z');
	hl_envelope_free(ev);
	free(bytes);
	free(content);
}

/* hl_send keeps the caller's id; hl_send_raw writes bytes unframed. */
static void
test_send_and_send_raw(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope req, *sent;
	Hotline__Ping ping;
	struct hl_error err;
	uint8_t got[4];

	make_ping(&req, &ping);
	req.id = 42;
	assert_int_equal(hl_send(f->c, &req, &err), 0);
	sent = peer_read_frame(f->peer);
	assert_non_null(sent);
	assert_int_equal(sent->id, 42);
	assert_int_equal(sent->body_case, HOTLINE__ENVELOPE__BODY_PING);
	hl_envelope_free(sent);

	assert_int_equal(hl_send_raw(f->c, "\xff\xfe\x01\x00", 4, &err), 0);
	assert_int_equal(peer_read_exact(f->peer, got, 4), 0);
	assert_memory_equal(got, "\xff\xfe\x01\x00", 4);
}

/* Names match what hotlinectl prints and parses. */
static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(hl_error_name(HL_ERR_IO), "io");
	assert_string_equal(hl_error_name(HL_ERR_PROTOCOL), "protocol");
	assert_string_equal(hl_error_name(HL_ERR_TIMEOUT), "timeout");
	assert_string_equal(hl_error_name(HL_ERR_NOMEM), "nomem");
	assert_string_equal(hl_error_name(HL_ERR_USAGE), "usage");
	assert_string_equal(hl_error_name(1), "bad_request");
	assert_string_equal(hl_error_name(10), "version_mismatch");
	assert_string_equal(hl_error_name(99), "unknown");
	assert_string_equal(hl_state_name(
	    HOTLINE__TICKET_STATE__TICKET_STATE_DISPATCHED), "dispatched");
	assert_string_equal(hl_state_name(
	    HOTLINE__TICKET_STATE__TICKET_STATE_TRIAGE), "triage");
	assert_string_equal(hl_state_name(
	    HOTLINE__TICKET_STATE__TICKET_STATE_REGISTERED), "registered");
	assert_string_equal(hl_state_name((Hotline__TicketState)99), "unknown");
	assert_string_equal(hl_role_name(HOTLINE__ROLE__ROLE_AGENT), "agent");
	assert_string_equal(hl_role_name(HOTLINE__ROLE__ROLE_ADMIN), "admin");
	assert_string_equal(hl_type_name(
	    HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT), "complaint");
	assert_string_equal(hl_type_name(
	    HOTLINE__TICKET_TYPE__TICKET_TYPE_PRAISE), "praise");
}

/* NULL clients and requests are usage errors, not crashes. */
static void
test_null_arguments(void **state)
{
	struct fixture *f = *state;
	Hotline__Envelope *reply;
	struct hl_error err;

	assert_int_equal(hl_call(NULL, NULL, &reply, &err), -1);
	assert_int_equal(err.code, HL_ERR_USAGE);
	assert_int_equal(hl_call(f->c, NULL, &reply, &err), -1);
	assert_int_equal(err.code, HL_ERR_USAGE);
	assert_int_equal(hl_fd(NULL), -1);
	hl_close(NULL);
	hl_envelope_free(NULL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_connect_missing_socket),
		cmocka_unit_test(test_tcp_ipv4),
		cmocka_unit_test(test_tcp_ipv6),
		cmocka_unit_test(test_names),
		T(test_hello),
		T(test_hello_wrong_body),
		T(test_hello_refused),
		T(test_request_ids),
		T(test_partial_frame),
		T(test_frame_byte_by_byte),
		T(test_several_frames_one_read),
		T(test_events_queued_during_call),
		T(test_error_reply),
		T(test_connection_error),
		T(test_next_event_connection_error),
		T(test_call_timeout),
		T(test_event_timeout),
		T(test_peer_closes_mid_frame),
		T(test_peer_closes),
		T(test_write_to_closed_peer),
		T(test_garbage_varint),
		T(test_frame_over_limit),
		T(test_undecodable_body),
		T(test_slow_answer),
		T(test_large_frame),
		T(test_send_and_send_raw),
		T(test_null_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
