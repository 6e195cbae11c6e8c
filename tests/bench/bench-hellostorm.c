/* Wrong hellos from many addresses beside a logged-in client's pings: its latency idle and during the storm, and a right hello's (run-hellostorm.sh). */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hotline.h"
#include "common.h"
#include "frame.h"
#include "latency.h"
#include "side.h"

#define MAX_STORMERS 256

/* The command line. */
struct options {
	const char *address;	/* the logged-in client's (unix:...) */
	int port;		/* the TCP port the storm hits on 127.0.0.x */
	long addresses;		/* source addresses 127.0.0.2 ... */
	long stormers;		/* threads, each with one hello in flight */
	long pings;		/* per phase ... */
	long seconds;		/* ... or for at most this long */
	const char *victim;	/* principal the storm names (a real-cost hash) */
};

/* The storm: what it saw, when to stop. */
struct storm {
	const struct options *o;
	volatile int stop;
	long sent, refused, limited, unavailable, other;
	pthread_mutex_t lock;
};

/* One stormer thread: its index. */
struct stormer {
	struct storm *s;
	long index;
};

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-hellostorm -a address -p tcp_port "
	    "[-A addresses] [-t threads] [-n pings] [-s seconds] [-v principal]\n");
	exit(2);
}

/* Reads the command line. */
static void
parse_options(struct options *o, int argc, char *argv[])
{
	int ch;

	memset(o, 0, sizeof *o);
	o->addresses = 100;
	o->stormers = 16;
	o->pings = 2000;
	o->seconds = 20;
	o->victim = "storm01";
	while ((ch = getopt(argc, argv, "a:p:A:t:n:s:v:")) != -1) {
		switch (ch) {
		case 'a': o->address = optarg; break;
		case 'p': o->port = (int)bench_atol("-p", optarg, 1, 65535); break;
		case 'A': o->addresses = bench_atol("-A", optarg, 1, 250); break;
		case 't': o->stormers = bench_atol("-t", optarg, 1,
		    MAX_STORMERS); break;
		case 'n': o->pings = bench_atol("-n", optarg, 10, 1000000); break;
		case 's': o->seconds = bench_atol("-s", optarg, 1, 3600); break;
		case 'v': o->victim = optarg; break;
		default: usage();
		}
	}
	if (o->address == NULL || o->port == 0)
		usage();
}

/* Encodes a hello of principal with a wrong token into buf; returns its length. */
static size_t
wrong_hello(const char *principal, long serial, uint8_t *buf, size_t cap)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__Hello h = HOTLINE__HELLO__INIT;
	char token[64];
	size_t body, header;

	snprintf(token, sizeof token, "wrong-%ld", serial);
	h.version = HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION;
	h.principal = (char *)principal;
	h.credential = token;
	h.client = "bench-hellostorm";
	env.body_case = HOTLINE__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	env.id = 1;
	body = hotline__envelope__get_packed_size(&env);
	if (body + FRAME_HEADER_MAX > cap)
		bench_die("hello too large");
	header = frame_encode_header(body, buf);
	hotline__envelope__pack(&env, buf + header);
	return header + body;
}

/* Sends one wrong hello from source address 127.0.0.<src>; returns the answer's error code, or -1. */
static int
storm_once(const struct options *o, int src, long serial)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	uint8_t buf[4096];
	size_t len = wrong_hello(o->victim, serial, buf, sizeof buf), got = 0;
	size_t body_len, header_len;
	Hotline__Envelope *env;
	ssize_t n;
	int fd, code = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	sa.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)src);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1)
		goto out;
	sa.sin_addr.s_addr = htonl(0x7f000001u);
	sa.sin_port = htons((uint16_t)o->port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    write(fd, buf, len) != (ssize_t)len)
		goto out;
	while (got < sizeof buf && (n = read(fd, buf + got,
	    sizeof buf - got)) > 0)
		got += (size_t)n;
	if (frame_decode_header(buf, got, sizeof buf, &body_len,
	    &header_len) != FRAME_OK || header_len + body_len > got)
		goto out;
	env = hotline__envelope__unpack(NULL, body_len, buf + header_len);
	if (env != NULL && env->body_case == HOTLINE__ENVELOPE__BODY_ERROR)
		code = env->error->code;
	if (env != NULL)
		hotline__envelope__free_unpacked(env, NULL);
out:
	close(fd);
	return code;
}

/* A stormer: wrong hellos one after another, over its share of the addresses. */
static void *
stormer_run(void *arg)
{
	struct stormer *st = arg;
	struct storm *s = st->s;
	long i, serial = 0;
	int code;

	for (i = st->index; !s->stop; i += s->o->stormers) {
		code = storm_once(s->o, 2 + (int)(i % s->o->addresses),
		    ++serial);
		pthread_mutex_lock(&s->lock);
		s->sent++;
		if (code == HOTLINE__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED)
			s->refused++;
		else if (code == HOTLINE__ERROR_CODE__ERROR_CODE_RATE_LIMITED)
			s->limited++;
		else if (code == HOTLINE__ERROR_CODE__ERROR_CODE_UNAVAILABLE)
			s->unavailable++;
		else
			s->other++;
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

/* Times n pings of c (fewer if seconds run out); prints p50, p99 and the maximum, labelled. */
static void
measure(struct hl_client *c, long n, long seconds, const char *label)
{
	int64_t end = bench_now_us() + (int64_t)seconds * 1000000;
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__Ping ping = HOTLINE__PING__INIT;
	struct latency lat;
	struct hl_error err;
	int64_t t0;
	long i;

	latency_init(&lat);
	env.body_case = HOTLINE__ENVELOPE__BODY_PING;
	env.ping = &ping;
	for (i = 0; i < n && bench_now_us() < end; i++) {
		t0 = bench_now_us();
		if (hl_call(c, &env, &reply, &err) == -1)
			bench_die("ping: %s", err.message);
		latency_add(&lat, bench_now_us() - t0);
		hl_envelope_free(reply);
	}
	printf("%s: pings=%ld p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", label, i,
	    latency_ms(&lat, 50), latency_ms(&lat, 99), latency_max_ms(&lat));
	latency_free(&lat);
}

/* Times a right hello of principal (token "<principal>-test"); prints it, labelled. */
static void
right_hello(const char *address, const char *principal, const char *label)
{
	int64_t t0 = bench_now_us();
	struct hl_client *c = side_login(address, principal);

	printf("%s: right hello as %s ms=%.1f\n", label, principal,
	    (double)(bench_now_us() - t0) / 1000.0);
	hl_close(c);
}

/* The idle phase, then the same pings during the storm. */
int
main(int argc, char *argv[])
{
	struct stormer st[MAX_STORMERS];
	pthread_t t[MAX_STORMERS];
	struct options o;
	struct storm s;
	struct hl_client *agent;
	int64_t t0;
	double secs;
	long i;

	bench_set_name(argv[0]);
	parse_options(&o, argc, argv);
	agent = side_login(o.address, "agent01");
	measure(agent, o.pings, o.seconds, "idle");
	memset(&s, 0, sizeof s);
	s.o = &o;
	pthread_mutex_init(&s.lock, NULL);
	for (i = 0; i < o.stormers; i++) {
		st[i].s = &s;
		st[i].index = i;
		if (pthread_create(&t[i], NULL, stormer_run, &st[i]) != 0)
			bench_die("pthread_create failed");
	}
	t0 = bench_now_us();
	sleep(1);
	measure(agent, o.pings, o.seconds, "storm");
	right_hello(o.address, o.victim, "storm");
	right_hello(o.address, "agent02", "storm");
	s.stop = 1;
	for (i = 0; i < o.stormers; i++)
		pthread_join(t[i], NULL);
	secs = (double)(bench_now_us() - t0) / 1e6;
	printf("storm: addresses=%ld threads=%ld seconds=%.1f hellos=%ld "
	    "(%.0f/s) unauthenticated=%ld rate_limited=%ld unavailable=%ld "
	    "other=%ld\n", o.addresses, o.stormers, secs, s.sent,
	    (double)s.sent / secs, s.refused, s.limited, s.unavailable,
	    s.other);
	hl_close(agent);
	return 0;
}
