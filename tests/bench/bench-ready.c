/* Starts a command (hotlined) if given, and times it until a ping through it says the store is ready. */
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
	    "[-t seconds] [-- command [arg ...]]\n");
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

/* Waits until address serves principal and its store is ready, or dies at deadline. */
static void
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
	hl_close(c);
}

/* Starts the command, if any, and prints its pid, the ms to serving and the server's name. */
int
main(int argc, char *argv[])
{
	const char *address = NULL, *principal = "agent01";
	double seconds = 30;
	char server[64] = "";
	int64_t t0;
	pid_t pid = 0;
	int ch, status;

	bench_set_name(argv[0]);
	while ((ch = getopt(argc, argv, "a:t:u:")) != -1) {
		switch (ch) {
		case 'a':
			address = optarg;
			break;
		case 'u':
			principal = optarg;
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
	wait_ready(address, principal, t0 + (int64_t)(seconds * 1e6), pid,
	    server, sizeof server);
	if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid)
		bench_die("the command exited (status %d): something else "
		    "answers at %s", status, address);
	printf("pid=%ld ms=%.1f server=%s\n", (long)pid,
	    (bench_now_us() - t0) / 1000.0, server);
	return 0;
}
