/* Starts a command (hotlined) if given, and times it until a ping says the store is ready, then a show and a department's list are answered. */
#include <sys/wait.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "hotline.h"

#define POLL_US 2000

/* Prints how to call this program and exits 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-ready -a address [-u principal] "
	    "[-t seconds] [-n number] [-d principal] [-- command [arg ...]]\n"
	    "  -n  then show this ticket (as -u's principal): show_ms=\n"
	    "  -d  then list this department principal's tickets: list_ms=\n");
	exit(2);
}

/* Sleeps a little between attempts. */
static void
pause_briefly(void)
{
	bench_sleep_until_us(bench_now_us() + POLL_US);
}

/*
 * Starts argv in a child; its standard output goes to our standard error,
 * so a caller reading our output does not wait for the child to exit.
 */
static pid_t
start(char *argv[])
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		bench_die("fork failed");
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "bench-ready: exec %s failed\n", argv[0]);
		_exit(127);
	}
	return pid;
}

/* Says hello as principal; returns the client, or NULL if it is not serving yet. */
static struct hl_client *
try_login(const char *address, const char *principal, char *server,
    size_t len)
{
	struct hl_client *c;
	Hotline__Envelope *ok;
	char token[96];

	if ((c = hl_connect(address, 1000, NULL)) == NULL)
		return NULL;
	if (hl_hello(c, HOTLINE__ROLE__ROLE_UNSPECIFIED, principal,
	    bench_demo_token(principal, token, sizeof token), &ok, NULL) == -1) {
		hl_close(c);
		return NULL;
	}
	snprintf(server, len, "%s", ok->hello_ok->server);
	hl_envelope_free(ok);
	return c;
}

/* Returns 1 if a ping through c says the store is ready, 0 if not, -1 on error. */
static int
ping_ready(struct hl_client *c)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *reply;
	Hotline__Ping ping = HOTLINE__PING__INIT;
	int ready;

	env.body_case = HOTLINE__ENVELOPE__BODY_PING;
	env.ping = &ping;
	if (hl_call(c, &env, &reply, NULL) == -1)
		return -1;
	ready = reply->body_case == HOTLINE__ENVELOPE__BODY_PONG &&
	    reply->pong->store_ready;
	hl_envelope_free(reply);
	return ready;
}

/* Sends one request of body kind through c; dies unless the answer is of kind want. Returns how many tickets a list held. */
static size_t
call_expect(struct hl_client *c, Hotline__Envelope__BodyCase body, void *msg,
    Hotline__Envelope__BodyCase want, const char *what)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *reply;
	struct hl_error err;
	size_t n = 0;

	env.body_case = body;
	env.show = msg;		/* every member of the body union is a pointer */
	if (hl_call(c, &env, &reply, &err) == -1)
		bench_die("%s: %s", what, err.message);
	if (reply->body_case != want)
		bench_die("%s: unexpected answer (body %d)", what,
		    (int)reply->body_case);
	if (want == HOTLINE__ENVELOPE__BODY_TICKETS)
		n = reply->tickets->n_tickets;
	hl_envelope_free(reply);
	return n;
}

/* Shows ticket number through c; dies unless it is answered with the ticket. */
static void
show_ticket(struct hl_client *c, const char *number)
{
	Hotline__ShowRequest q = HOTLINE__SHOW_REQUEST__INIT;

	q.number = (char *)number;
	call_expect(c, HOTLINE__ENVELOPE__BODY_SHOW, &q,
	    HOTLINE__ENVELOPE__BODY_TICKET, "show");
}

/* Logs in as a department principal and lists its open tickets; dies unless some are listed. */
static void
list_department(const char *address, const char *principal)
{
	Hotline__ListRequest q = HOTLINE__LIST_REQUEST__INIT;
	struct hl_client *c;
	char server[64];

	if ((c = try_login(address, principal, server, sizeof server)) == NULL)
		bench_die("%s could not log in", principal);
	if (call_expect(c, HOTLINE__ENVELOPE__BODY_LIST, &q,
	    HOTLINE__ENVELOPE__BODY_TICKETS, "list") == 0)
		bench_die("list: %s has no open tickets", principal);
	hl_close(c);
}

/* Waits until address serves principal and its store is ready, or dies at deadline; returns the session. */
static struct hl_client *
wait_ready(const char *address, const char *principal, int64_t deadline,
    pid_t child, char *server, size_t len)
{
	struct hl_client *c = NULL;
	int r = 0, status;

	while (r != 1) {
		if (bench_now_us() > deadline)
			bench_die("%s not ready in time", address);
		if (child > 0 && waitpid(child, &status, WNOHANG) == child)
			bench_die("the command exited (status %d)", status);
		if (c == NULL &&
		    (c = try_login(address, principal, server, len)) == NULL) {
			pause_briefly();
			continue;
		}
		if ((r = ping_ready(c)) == -1) {
			hl_close(c);
			c = NULL;
		}
		if (r != 1)
			pause_briefly();
	}
	return c;
}

/* Starts the command, if any, and prints its pid, the ms to serving and the server's name. */
int
main(int argc, char *argv[])
{
	const char *address = NULL, *principal = "agent01", *number = NULL,
	    *department = NULL;
	struct hl_client *c;
	double ready_ms, show_ms = 0, list_ms = 0;
	double seconds = 30;
	char server[64] = "";
	int64_t t0;
	pid_t pid = 0;
	int ch, status;

	bench_set_name(argv[0]);
	while ((ch = getopt(argc, argv, "a:d:n:t:u:")) != -1) {
		switch (ch) {
		case 'a':
			address = optarg;
			break;
		case 'u':
			principal = optarg;
			break;
		case 'n':
			number = optarg;
			break;
		case 'd':
			department = optarg;
			break;
		case 't':
			seconds = bench_atof("-t", optarg, 0.1, 3600);
			break;
		default:
			usage();
		}
	}
	if (address == NULL)
		usage();
	signal(SIGPIPE, SIG_IGN);
	t0 = bench_now_us();
	if (optind < argc)
		pid = start(argv + optind);
	c = wait_ready(address, principal, t0 + (int64_t)(seconds * 1e6), pid,
	    server, sizeof server);
	ready_ms = (bench_now_us() - t0) / 1000.0;
	if (number != NULL) {
		show_ticket(c, number);
		show_ms = (bench_now_us() - t0) / 1000.0;
	}
	hl_close(c);
	if (department != NULL) {
		list_department(address, department);
		list_ms = (bench_now_us() - t0) / 1000.0;
	}
	if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid)
		bench_die("the command exited (status %d): something else "
		    "answers at %s", status, address);
	printf("pid=%ld ms=%.1f show_ms=%.1f list_ms=%.1f server=%s\n",
	    (long)pid, ready_ms, show_ms, list_ms, server);
	return 0;
}
