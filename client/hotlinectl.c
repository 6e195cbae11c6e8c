/* hotlinectl: global options, the command table, and the request/reply plumbing. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/* Every subcommand: name, usage, whether it says hello, handler. */
static const struct ctl_command ctl_commands[] = {
	{ "ping", "", 1, ctl_ping },
	{ "classify", "[--district D] TITLE [CONTENT]", 1, ctl_classify },
	{ "create", "--call-id ID --phone P [--name N] [--confidential]\n"
	    "\t[--district D] [--street S] [--address A] --type T\n"
	    "\t[--urgency U] [--channel C] --title TITLE --content TEXT",
	    1, ctl_create },
	{ "show", "NUMBER", 1, ctl_show },
	{ "caller", "PHONE [--limit N]", 1, ctl_caller },
	{ "watch", "[--cursor ID] [--count N] [--idle SECONDS]", 1, ctl_watch },
	{ "list", "[--limit N]", 1, ctl_list },
	{ "sign", "NUMBER [--note TEXT]", 1, ctl_sign },
	{ "reply", "NUMBER --result TEXT [--solved | --unsolved]", 1, ctl_reply },
	{ "passwd", "", 0, ctl_passwd },
};

#define CTL_NCOMMANDS (sizeof ctl_commands / sizeof ctl_commands[0])

/* Prints the synopsis of the global options to f and returns status. */
static int
ctl_synopsis(FILE *f, int status)
{
	fputs("usage: hotlinectl [-j] [-a address] [-u principal] [-t token] "
	    "[-r role]\n\t[-T timeout_ms] command [args]\n", f);
	return status;
}

/* Prints the whole usage text to f and returns status. */
static int
ctl_main_usage(FILE *f, int status)
{
	size_t i;

	ctl_synopsis(f, status);
	fputs("commands:\n", f);
	for (i = 0; i < CTL_NCOMMANDS; i++)
		fprintf(f, "  %s%s%s\n", ctl_commands[i].name,
		    ctl_commands[i].usage[0] != '\0' ? " " : "",
		    ctl_commands[i].usage);
	fputs("types: consultation help complaint report suggestion praise\n"
	    "\t(咨询 求助 投诉 举报 建议 表扬)\n"
	    "urgencies: normal urgent critical (一般 紧急 特急)\n"
	    "channels: phone web app wechat mailbox\n"
	    "roles: agent dispatcher department supervisor admin\n", f);
	return status;
}

/* Prints the usage of the running command and returns the usage status. */
int
ctl_usage(const struct ctl *ctl)
{
	fprintf(stderr, "usage: hotlinectl [options] %s%s%s\n",
	    ctl->command->name, ctl->command->usage[0] != '\0' ? " " : "",
	    ctl->command->usage);
	return CTL_EXIT_USAGE;
}

/* Says what is wrong with the command line, then prints its usage. */
int
ctl_usage_error(const struct ctl *ctl, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hotlinectl: %s: ", ctl->command->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return ctl_usage(ctl);
}

/* Maps an error code to hotlinectl's exit status. */
static int
ctl_exit_status(int code)
{
	if (code == HL_ERR_USAGE)
		return CTL_EXIT_USAGE;
	if (code == HL_ERR_NOMEM)
		return CTL_EXIT_FAILURE;
	if (code < 0)
		return CTL_EXIT_CONNECTION;
	if (code > 255 - CTL_EXIT_REMOTE)	/* a newer daemon's code */
		code = HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL;
	return CTL_EXIT_REMOTE + code;
}

/* Prints an error as "hotlinectl: <code>: <message> (field: X)"; returns the exit status. */
int
ctl_fail(const struct hl_error *err)
{
	fprintf(stderr, "hotlinectl: %s: %s", hl_error_name(err->code),
	    err->message);
	if (err->field[0] != '\0')
		fprintf(stderr, " (field: %s)", err->field);
	if (err->code == HOTLINE__ERROR_CODE__ERROR_CODE_CONFLICT &&
	    err->state != HOTLINE__TICKET_STATE__TICKET_STATE_UNSPECIFIED)
		fprintf(stderr, " (state: %s)", hl_state_name(err->state));
	fputc('\n', stderr);
	return ctl_exit_status(err->code);
}

/* Connects and, if the command needs it, says hello; returns 0 or an exit status. */
int
ctl_open(struct ctl *ctl)
{
	struct hl_error err;

	ctl->client = hl_connect(ctl->address, ctl->timeout_ms, &err);
	if (ctl->client == NULL)
		return ctl_fail(&err);
	if (ctl->command->hello && hl_hello(ctl->client, ctl->role,
	    ctl->principal, ctl->token, NULL, &err) == -1)
		return ctl_fail(&err);
	return 0;
}

/* Sends req and checks the answer's kind; returns 0 with *reply, or an exit status. */
int
ctl_call(struct ctl *ctl, Hotline__Envelope *req,
    Hotline__Envelope__BodyCase expected, Hotline__Envelope **reply)
{
	struct hl_error err;

	if (hl_call(ctl->client, req, reply, &err) == -1)
		return ctl_fail(&err);
	if ((*reply)->body_case != expected) {
		fprintf(stderr, "hotlinectl: protocol: expected %s, got %s\n",
		    hl_body_name(expected), hl_body_name((*reply)->body_case));
		hl_envelope_free(*reply);
		*reply = NULL;
		return CTL_EXIT_CONNECTION;
	}
	return 0;
}

/* Returns the message inside an envelope's body, or NULL. */
static const ProtobufCMessage *
ctl_body(const Hotline__Envelope *env)
{
	const ProtobufCFieldDescriptor *f;

	f = protobuf_c_message_descriptor_get_field(
	    &hotline__envelope__descriptor, (unsigned)env->body_case);
	if (f == NULL)
		return NULL;
	return *(ProtobufCMessage *const *)((const char *)env + f->offset);
}

/* Prints msg as JSON on one line (compact) or indented; returns an exit status. */
int
ctl_print_json(const ProtobufCMessage *msg, int compact)
{
	json_t *obj;
	int r;

	if (msg == NULL || (obj = json_from_protobuf(msg)) == NULL) {
		fputs("hotlinectl: out of memory\n", stderr);
		return CTL_EXIT_FAILURE;
	}
	r = json_dumpf(obj, stdout, JSON_REAL_PRECISION(15) |
	    (compact ? JSON_COMPACT : JSON_INDENT(2)));
	json_decref(obj);
	fputc('\n', stdout);
	fflush(stdout);
	return r == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILURE;
}

/* Prints a reply: its body as JSON with -j, else through text; returns an exit status. */
int
ctl_output(const struct ctl *ctl, const Hotline__Envelope *reply,
    ctl_text_fn text)
{
	if (ctl->json)
		return ctl_print_json(ctl_body(reply), 0);
	text(reply);
	return CTL_EXIT_OK;
}

/* Connects, sends req, checks and prints the answer; returns the exit status. */
int
ctl_exchange(struct ctl *ctl, Hotline__Envelope *req,
    Hotline__Envelope__BodyCase expected, ctl_text_fn text)
{
	Hotline__Envelope *reply;
	int rc;

	if ((rc = ctl_open(ctl)) != 0)
		return rc;
	if ((rc = ctl_call(ctl, req, expected, &reply)) != 0)
		return rc;
	rc = ctl_output(ctl, reply, text);
	hl_envelope_free(reply);
	return rc;
}

/* Parses a decimal number up to max; returns 0, or -1 if s is not one. */
int
ctl_parse_number(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return 0;
}

/*
 * Parses the options of a command whose only option is "--name VALUE" (name
 * NULL: it has none; "--" still ends the options). Sets *value if given.
 * Returns 0 with optind at the first argument, or -1 on another option.
 */
int
ctl_options(int argc, char **argv, const char *name, char **value)
{
	const struct option longopts[] = {
		{ name, required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts + (name == NULL),
	    NULL)) != -1) {
		if (ch != 'o')
			return -1;
		*value = optarg;
	}
	return 0;
}

/* Parses "--limit N" and exactly one argument; returns 0 or -1. */
int
ctl_limit_options(int argc, char **argv, int nargs, uint32_t *limit)
{
	unsigned long v = 0;
	char *arg = NULL;

	if (ctl_options(argc, argv, "limit", &arg) == -1 ||
	    argc - optind != nargs ||
	    (arg != NULL && ctl_parse_number(arg, UINT32_MAX, &v) == -1))
		return -1;
	*limit = (uint32_t)v;
	return 0;
}

/* Parses -r: a role name; returns 0, or -1 if unknown. */
static int
ctl_parse_role(const char *s, Hotline__Role *role)
{
	int r;

	for (r = HOTLINE__ROLE__ROLE_AGENT; r <= HOTLINE__ROLE__ROLE_ADMIN; r++) {
		if (strcmp(s, hl_role_name((Hotline__Role)r)) == 0) {
			*role = (Hotline__Role)r;
			return 0;
		}
	}
	return -1;
}

/* Fills ctl with the defaults and the environment. */
static void
ctl_defaults(struct ctl *ctl)
{
	memset(ctl, 0, sizeof *ctl);
	ctl->address = getenv("HOTLINE_ADDR");
	if (ctl->address == NULL || ctl->address[0] == '\0')
		ctl->address = CTL_DEFAULT_ADDRESS;
	ctl->principal = getenv("HOTLINE_USER");
	ctl->token = getenv("HOTLINE_TOKEN");
	ctl->role = HOTLINE__ROLE__ROLE_UNSPECIFIED;
	ctl->timeout_ms = CTL_DEFAULT_TIMEOUT_MS;
}

/* Applies one global option; returns 0, or -1 on a bad value. */
static int
ctl_global_option(struct ctl *ctl, int ch, const char *arg)
{
	unsigned long v;

	switch (ch) {
	case 'a':
		ctl->address = arg;
		return 0;
	case 'u':
		ctl->principal = arg;
		return 0;
	case 't':
		ctl->token = arg;
		return 0;
	case 'j':
		ctl->json = 1;
		return 0;
	case 'r':
		if (ctl_parse_role(arg, &ctl->role) == 0)
			return 0;
		fprintf(stderr, "hotlinectl: unknown role %s\n", arg);
		return -1;
	case 'T':
		if (ctl_parse_number(arg, 86400000, &v) == 0) {
			ctl->timeout_ms = (int)v;
			return 0;
		}
		fprintf(stderr, "hotlinectl: bad timeout %s\n", arg);
		return -1;
	}
	return -1;
}

/* Parses the options before the command; returns 0, 1 for --help, or -1. */
static int
ctl_globals(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "address", required_argument, NULL, 'a' },
		{ "user", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ "role", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "+a:u:t:r:jT:h", longopts,
	    NULL)) != -1) {
		if (ch == 'h')
			return 1;
		if (ctl_global_option(ctl, ch, optarg) == -1)
			return -1;
	}
	return 0;
}

/* Finds a command by name, or NULL. */
static const struct ctl_command *
ctl_find(const char *name)
{
	size_t i;

	for (i = 0; i < CTL_NCOMMANDS; i++)
		if (strcmp(ctl_commands[i].name, name) == 0)
			return &ctl_commands[i];
	return NULL;
}

/* Parses the global options and runs one command. */
int
main(int argc, char **argv)
{
	struct ctl ctl;
	char name[64];
	int rc;

	ctl_defaults(&ctl);
	if ((rc = ctl_globals(&ctl, argc, argv)) == 1)
		return ctl_main_usage(stdout, CTL_EXIT_OK);
	if (rc == -1)
		return ctl_synopsis(stderr, CTL_EXIT_USAGE);
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return ctl_main_usage(stderr, CTL_EXIT_USAGE);
	if ((ctl.command = ctl_find(argv[0])) == NULL) {
		fprintf(stderr, "hotlinectl: unknown command %s\n", argv[0]);
		return ctl_main_usage(stderr, CTL_EXIT_USAGE);
	}
	snprintf(name, sizeof name, "hotlinectl %s", ctl.command->name);
	argv[0] = name;		/* getopt's messages name the command */
	rc = ctl.command->run(&ctl, argc, argv);
	hl_close(ctl.client);
	return rc;
}
