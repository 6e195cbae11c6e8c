/* hotlinectl commands for everyone: ping the daemon, hash a token for the config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ctl.h"
/* For auth_hash() and AUTH_DEFAULT_ITERATIONS, from daemon/auth.c (declarations only). */
#include "hotlined.h"

/* Prints the daemon's clock and whether its store is reachable. */
static void
ctl_ping_text(const Hotline__Envelope *reply)
{
	char when[32];

	ctl_format_time(reply->pong->server_time, when, sizeof when);
	printf("pong  server time %s  store %s\n", when,
	    reply->pong->store_ready ? "ready" : "unavailable");
}

/* ping: checks that the daemon answers. */
int
ctl_ping(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__Ping ping = HOTLINE__PING__INIT;

	if (ctl_options(argc, argv, NULL, NULL) == -1 || optind != argc)
		return ctl_usage(ctl);
	req.body_case = HOTLINE__ENVELOPE__BODY_PING;
	req.ping = &ping;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_PONG,
	    ctl_ping_text);
}

/* Prints what a reload loaded. */
static void
ctl_reload_text(const Hotline__Envelope *reply)
{
	const Hotline__ReloadReply *r = reply->reloaded;

	printf("reloaded %s: %u departments, %u principals, %u catalogue "
	    "entries\n", r->path, r->departments, r->principals,
	    r->catalogue_entries);
}

/* reload: the daemon reads its configuration again (as SIGHUP); admins only. */
int
ctl_reload(struct ctl *ctl, int argc, char **argv)
{
	Hotline__Envelope req = HOTLINE__ENVELOPE__INIT;
	Hotline__ReloadRequest reload = HOTLINE__RELOAD_REQUEST__INIT;

	if (ctl_options(argc, argv, NULL, NULL) == -1 || optind != argc)
		return ctl_usage(ctl);
	req.body_case = HOTLINE__ENVELOPE__BODY_RELOAD;
	req.reload = &reload;
	return ctl_exchange(ctl, &req, HOTLINE__ENVELOPE__BODY_RELOADED,
	    ctl_reload_text);
}

/* Reads one line from stdin, without echo on a terminal; returns it or NULL. */
static char *
ctl_read_token(void)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty) {
		fputs("token: ", stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n <= 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

/* passwd: reads a token and prints its hash for hotlined.conf. */
int
ctl_passwd(struct ctl *ctl, int argc, char **argv)
{
	char *token, *hash;

	if (ctl_options(argc, argv, NULL, NULL) == -1 || optind != argc)
		return ctl_usage(ctl);
	if ((token = ctl_read_token()) == NULL || token[0] == '\0') {
		free(token);
		return ctl_usage_error(ctl, "no token on standard input");
	}
	hash = auth_hash(token, AUTH_DEFAULT_ITERATIONS);
	explicit_bzero(token, strlen(token));
	free(token);
	if (hash == NULL) {
		fputs("hotlinectl: passwd: cannot hash: no random bytes\n", stderr);
		return CTL_EXIT_FAILURE;
	}
	puts(hash);
	free(hash);
	return CTL_EXIT_OK;
}
