/*
 * fuzz-dispatch covers request dispatch as one connection sees it: frames
 * read as server.c reads them, session_frame's hello, id, kind, role and
 * string checks, every operation's handler and its answers, events of a
 * watch, with the store replaced by a test double (store-double.c: its
 * replies chosen by the input) and the connection by a fake
 * (server-double.c). The config is the integration tests'
 * (tests/integration/hotlined-test.conf.in, filled in as the harness does)
 * with a smaller catalogue, loaded again by an admin's reload (reload.c's
 * thread, waited for) and swapped in as daemon-run.c's swap does.
 * The input is:
 *   byte 0    who is connected: agent01, dispatcher01, zjj-01, water-01,
 *             supervisor01 or admin01 (each as a real hello made it at
 *             start), or nobody yet (then the first frame must be a hello)
 *   byte 1    FLAG_* below: how the client and Redis behave
 *   then      frames as a client sends them (varint length, Envelope)
 *   the back  the store double's choices, taken from the end backwards
 * Checks besides ASan, UBSan and LeakSanitizer: every frame written
 * decodes with valid strings (server-double.c); what the store is given is
 * whole (store-double.c); once the client hung up and every store call was
 * answered, the connection is closed with nothing pending, so no request
 * went unanswered; a closed connection is freed at once, so later use of
 * it is a use-after-free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "frame.h"
#include "fuzz.h"
#include "normalize.h"

#define FLAG_SLOW 0x01		/* the client reads nothing */
#define FLAG_ANSWER_EACH 0x02	/* Redis answers before the next frame comes */
#define FLAG_ABRUPT 0x04	/* the connection breaks instead of a clean EOF */
#define FLAG_WAKE 0x08		/* the feed is woken after each frame */
#define FLAG_READ 0x10		/* the client reads its output after each frame */
#define FLAG_SMALL_OUTPUT 0x20	/* output_limit is SMALL_OUTPUT: cut-offs happen */
#define FLAG_SIGHUP 0x40	/* the config is reloaded after the first frame */

#define SMALL_OUTPUT 2048	/* bytes; the same check as 8 MiB, reachable */

#define MAX_STEPS 100000	/* store answers per input: more is a loop */

/*
 * The catalogue of the test config: the integration tests' departments and
 * routing (a confident match, a split one, a district's, an emergency)
 * in a few literals, since Hyperscan's compile of catalogue-test.conf
 * takes about 0.2 s under ASan, and each reload pays it.
 */
static const char small_catalogue[] =
    "categories = ( { code = \"03\"; name = \"城乡建设\"; },\n"
    "  { code = \"0301\"; name = \"物业管理\"; },\n"
    "  { code = \"030101\"; name = \"物业服务\"; },\n"
    "  { code = \"11\"; name = \"公用事业\"; },\n"
    "  { code = \"1101\"; name = \"供水\"; },\n"
    "  { code = \"110101\"; name = \"停水与水压\"; } );\n"
    "entries = (\n"
    "  { keywords = [\"停水\", \"水压低\"]; department = \"water\";\n"
    "    category = \"110101\"; weight = 5.0; },\n"
    "  { keywords = [\"漏水\"]; department = \"water\"; weight = 2.0; },\n"
    "  { keywords = [\"漏水\", \"物业\"]; department = \"zjj\";\n"
    "    category = \"030101\"; weight = 2.0; },\n"
    "  { keywords = [\"路灯\"]; department = \"cgj\"; weight = 5.0;\n"
    "    districts = [\"鼓楼区\"]; }\n"
    ");\n"
    "emergencies = (\n"
    "  { keywords = [\"着火了\"]; except = [\"着火了吗\"]; kind = \"fire\";\n"
    "    name = \"火警\"; transfer_to = \"119\"; }\n"
    ");\n";

/* A principal of the test config and the session its hello gave. */
struct identity {
	const char *id;
	role_t role;
	char principal[72];
	char department[40];
};

static struct identity identities[] = {
	{ "agent01", 0, "", "" },
	{ "dispatcher01", 0, "", "" },
	{ "zjj-01", 0, "", "" },
	{ "water-01", 0, "", "" },
	{ "supervisor01", 0, "", "" },
	{ "admin01", 0, "", "" },
};
#define NIDENTITIES (sizeof identities / sizeof identities[0])

/*
 * A loop turn passed: *c's output is written (unless its client is slow)
 * and, once closed, *c is freed, as server.c's conn_free does then.
 */
static void
loop_turn(struct conn **c)
{
	if (*c != NULL && !(*c)->closed)
		server_double_turn(*c);
	if (*c != NULL && (*c)->closed) {
		server_double_free(*c);
		*c = NULL;
	}
}

/*
 * Answers one queued store call, or swaps in a reload once its thread is
 * done (c may be NULL); returns 0 if nothing was waiting.
 */
static int
step(struct conn **c)
{
	if (reload_busy())
		reload_wait();
	else if (!store_double_step())
		return 0;
	if (c != NULL)
		loop_turn(c);
	return 1;
}

/* Answers every queued store call (and the calls their callbacks make). */
static void
drain(struct conn **c)
{
	unsigned long n = 0;

	while (step(c))
		FUZZ_CHECK(++n < MAX_STEPS);
}

/* Returns a hello for principal id (token "<id>-test"), decoded as from the wire. */
static Hotline__Envelope *
hello_envelope(const char *id)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__Hello h = HOTLINE__HELLO__INIT;
	Hotline__Envelope *out;
	char token[64];
	uint8_t *buf;
	size_t len;

	snprintf(token, sizeof token, "%s-test", id);
	h.version = HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION;
	h.principal = (char *)id;
	h.credential = token;
	h.client = "fuzz-dispatch";
	env.id = 1;
	env.body_case = HOTLINE__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	len = hotline__envelope__get_packed_size(&env);
	buf = xmalloc(len);
	hotline__envelope__pack(&env, buf);
	out = hotline__envelope__unpack(NULL, len, buf);
	free(buf);
	return out;
}

/* Says hello as identity i through session_frame and keeps the session it gave. */
static void
identity_hello(struct identity *i)
{
	struct conn *c = server_double_conn(0);

	session_frame(c, hello_envelope(i->id));
	drain(&c);
	if (c == NULL || !c->authenticated) {
		fprintf(stderr, "fuzz-dispatch: hello as %s failed\n", i->id);
		exit(1);
	}
	i->role = c->role;
	memcpy(i->principal, c->principal, sizeof i->principal);
	memcpy(i->department, c->department, sizeof i->department);
	server_close(c);
	drain(&c);
	loop_turn(&c);
}

/*
 * The swap after a reload (SIGHUP, ReloadRequest, compiled by reload.c's
 * thread), handed to reload_init: the model and the deadlines follow, as
 * daemon-run.c's swap does.
 */
static int
fuzz_swap(struct config *fresh, char *err, size_t errlen)
{
	struct config *old;

	(void)err;
	(void)errlen;
	/* This input's output limit (FLAG_SMALL_OUTPUT) stays. */
	fresh->limits.output_limit = hotlined.cfg->limits.output_limit;
	old = daemon_swap_config(fresh);
	learn_reload();
	if (recompute_fingerprint(fresh) != recompute_fingerprint(old))
		recompute_start();
	config_free(old);
	return 0;
}

/* Gives c identity k's session, or none (k past the table). */
static void
identity_apply(struct conn *c, unsigned k)
{
	const struct identity *i;

	if (k >= NIDENTITIES)
		return;
	i = &identities[k];
	c->authenticated = 1;
	c->role = i->role;
	memcpy(c->principal, i->principal, sizeof c->principal);
	memcpy(c->department, i->department, sizeof c->department);
}

/* Loads the test config, the clock, the model and the sessions of every identity. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[1024], *path, *catalogue;
	size_t i;

	(void)argc;
	(void)argv;
	if (normalize_init(err, sizeof err) == -1)
		fprintf(stderr, "fuzz-dispatch: %s\n", err);
	catalogue = fuzz_tmppath("catalogue.conf");
	fuzz_write(catalogue, small_catalogue, strlen(small_catalogue));
	path = fuzz_test_config(catalogue);
	free(catalogue);
	if ((hotlined.cfg = config_load(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "fuzz-dispatch: %s\n", err);
		exit(1);
	}
	free(path);
	if ((hotlined.base = event_base_new()) == NULL)
		exit(1);
	reload_init(fuzz_swap);
	timer_init(hotlined.base);
	learn_init();
	for (i = 0; i < NIDENTITIES; i++)
		identity_hello(&identities[i]);
	return 0;
}

/*
 * Reads one frame from the front of in with server.c's reader
 * (frame_read_envelope), as conn_next_frame does. Returns 1 with *env; 0
 * if the input ends first (*partial: inside a frame); -1 after a framing
 * fault (c is closing).
 */
static int
next_frame(struct conn *c, struct fuzz_input *in, Hotline__Envelope **env,
    int *partial)
{
	size_t avail = (size_t)(in->end - in->p);
	struct fuzz_stream s = { in->p, NULL };
	struct frame_read f;
	enum frame_status st;

	st = frame_read_envelope(fuzz_pull, &s, avail,
	    hotlined.cfg->limits.max_frame,
	    &f);
	fuzz_stream_done(&s);
	*partial = avail > 0 && st != FRAME_OK && st != FRAME_NOT_ENVELOPE;
	if (st == FRAME_OK || st == FRAME_NOT_ENVELOPE)
		in->p += f.frame_len;
	if (st == FRAME_NEED_MORE)
		return 0;
	if (st != FRAME_OK) {
		server_fatal(c, frame_status_code(st), f.message);
		return -1;
	}
	*env = f.env;
	return 1;
}

/* Wakes the feed c's role watches (feed.c's feed_key), as a PUBLISH would. */
static void
wake_feed(const struct conn *c)
{
	char feed[64];

	if (c->role == HOTLINE__ROLE__ROLE_DEPARTMENT)
		snprintf(feed, sizeof feed, "ht:dept:%s:feed", c->department);
	else if (c->role == HOTLINE__ROLE__ROLE_SUPERVISOR)
		snprintf(feed, sizeof feed, "ht:supervision:feed");
	else
		snprintf(feed, sizeof feed, "ht:centre:feed");
	feed_wake(feed);
}

/* Waits, as a paused reader does, until c's backlog shrank; returns 0 if it did not. */
static int
wait_backlog(struct conn **c)
{
	unsigned long n = 0;

	if ((*c)->npending < SESSION_MAX_PENDING)
		return 1;
	(*c)->paused = 1;
	while (*c != NULL && (*c)->paused && step(c))
		FUZZ_CHECK(++n < MAX_STEPS);
	return *c != NULL && !(*c)->paused;
}

/* Events between two frames, as flags say; first: after the first frame. */
static void
between_frames(struct conn **c, unsigned flags, int first)
{
	const struct config *old = hotlined.cfg;

	if (first && (flags & FLAG_SIGHUP)) {
		reload_start(NULL, NULL);
		reload_wait();
		FUZZ_CHECK(hotlined.cfg != old);
	}
	if (flags & FLAG_ANSWER_EACH) {
		loop_turn(c);
		drain(c);
	}
	if (*c != NULL && (flags & FLAG_WAKE))
		wake_feed(*c);
	if (*c != NULL && (flags & FLAG_READ))
		server_double_drained(*c);
	loop_turn(c);
}

/* Feeds c the frames of in until they end or c closes; returns 1 if the input ended inside a frame. */
static int
read_frames(struct conn **c, struct fuzz_input *in, unsigned flags)
{
	Hotline__Envelope *env;
	int partial = 0, n = 0;

	while (*c != NULL && !(*c)->closing && wait_backlog(c)) {
		if (next_frame(*c, in, &env, &partial) != 1)
			break;
		session_frame(*c, env);
		if ((*c)->closed)
			loop_turn(c);
		else
			between_frames(c, flags, n++ == 0);
	}
	return partial;
}

/* The client is gone: a broken connection, or an EOF as conn_eof sees it. */
static void
hang_up(struct conn **c, unsigned flags, int partial)
{
	if (*c == NULL || (*c)->closing)
		return;
	if (flags & FLAG_ABRUPT)
		server_close(*c);
	else if (partial)
		server_fatal(*c, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "truncated frame: the connection ended inside a frame");
	else
		server_close_after_flush(*c);
	loop_turn(c);
}

/*
 * Everything is answered: a connection still open must be a slow one whose
 * unsent output holds it (server.c's linger timer then closes it); any
 * other means a request never got its answer.
 */
static void
finish(struct conn **c, unsigned flags)
{
	loop_turn(c);
	drain(c);
	if (*c != NULL) {
		FUZZ_CHECK((*c)->npending == 0);
		FUZZ_CHECK(flags & FLAG_SLOW);
		server_close(*c);
		drain(c);
		loop_turn(c);
	}
	FUZZ_CHECK(*c == NULL);
	FUZZ_CHECK(store_double_pending() == 0);
}

/* Puts the shared test clock back to the wall clock (a shift_clock may have moved it). */
static void
clock_reset(void)
{
	store_double_source(NULL);
	timer_set_offset(0);
	drain(NULL);
}

/* One input: a connection, its frames, the store's answers, the hang-up. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct conn *c;
	size_t output_limit;
	unsigned flags;
	int partial;

	if (size < 2)
		return 0;
	clock_reset();
	flags = data[1];
	in.p = data + 2;
	in.end = data + size;
	store_double_source(&in);
	output_limit = hotlined.cfg->limits.output_limit;
	if (flags & FLAG_SMALL_OUTPUT)
		hotlined.cfg->limits.output_limit = SMALL_OUTPUT;
	c = server_double_conn(flags & FLAG_SLOW);
	identity_apply(c, data[0] % (NIDENTITIES + 1));
	partial = read_frames(&c, &in, flags);
	hang_up(&c, flags, partial);
	finish(&c, flags);
	hotlined.cfg->limits.output_limit = output_limit;
	store_double_source(NULL);
	return 0;
}
