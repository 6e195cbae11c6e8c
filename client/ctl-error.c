/* hotlinectl's errors: usage, local and the daemon's, as text on standard error or, with -j, as JSON; exit statuses. */
#include <stdarg.h>
#include <stdio.h>

#include "ctl.h"

/* Set by -j: errors too are printed as JSON, on standard output. */
int ctl_json_errors;

/* Prints the usage of the running command (with -j also as a JSON error) and returns the usage status. */
int
ctl_usage(const struct ctl *ctl)
{
	char line[1024];

	snprintf(line, sizeof line, "%s%s%s%s", ctl_lang == CTL_LANG_EN ?
	    "usage: hotlinectl [options] " : "用法：hotlinectl [选项] ",
	    ctl->command->name, ctl->command->usage[0] != '\0' ? " " : "",
	    ctl->command->usage);
	if (ctl_json_errors)
		ctl_json_error("usage", line, NULL, NULL);
	fprintf(stderr, "%s\n", line);
	return CTL_EXIT_USAGE;
}

/* Prints an error as {"error": {"code", "message", "field"?, "state"?}} on standard output. */
void
ctl_json_error(const char *code, const char *message, const char *field,
    const char *state)
{
	ctl_json_error2(code, message, NULL, field, state);
}

/* The same with the daemon's English text as "message_en" (omitted when NULL or empty). */
void
ctl_json_error2(const char *code, const char *message, const char *message_en,
    const char *field, const char *state)
{
	json_t *obj;

	if (message_en != NULL && message_en[0] == '\0')
		message_en = NULL;
	obj = json_pack("{s:{s:s, s:s, s:s*, s:s*, s:s*}}", "error", "code",
	    code, "message", message, "message_en", message_en, "field", field,
	    "state", state);
	if (obj != NULL)
		json_dumpf(obj, stdout, JSON_COMPACT);
	json_decref(obj);
	fputc('\n', stdout);
	fflush(stdout);
}

/*
 * Formats fmt (ZH_EN pairs allowed, lang.h) into message and keeps the
 * language in force.
 */
static void
ctl_vformat(char *message, size_t len, const char *fmt, va_list ap)
{
	char both[1024];

	vsnprintf(both, sizeof both, fmt, ap);
	lang_pick(both, ctl_lang == CTL_LANG_EN ? LANG_EN : LANG_ZH, message,
	    len);
}

/* Says what is wrong with the command line (fmt: ZH_EN pairs allowed), then prints its usage. */
int
ctl_usage_error(const struct ctl *ctl, const char *fmt, ...)
{
	char message[512];
	int json = ctl_json_errors, rc;
	va_list ap;

	va_start(ap, fmt);
	ctl_vformat(message, sizeof message, fmt, ap);
	va_end(ap);
	if (json)
		ctl_json_error("usage", message, NULL, NULL);
	fprintf(stderr, "hotlinectl: %s: %s\n", ctl->command->name, message);
	ctl_json_errors = 0;		/* one JSON error a run */
	rc = ctl_usage(ctl);
	ctl_json_errors = json;
	return rc;
}

/*
 * Reports an error found before or without the daemon (code names it in
 * JSON: "usage", "io"): as JSON with -j, else as text on standard error;
 * fmt may hold ZH_EN pairs. Returns status.
 */
int
ctl_fail_local(int status, const char *code, const char *fmt, ...)
{
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	ctl_vformat(message, sizeof message, fmt, ap);
	va_end(ap);
	if (ctl_json_errors)
		ctl_json_error(code, message, NULL, NULL);
	else
		fprintf(stderr, "hotlinectl: %s\n", message);
	return status;
}

/*
 * Returns err's text in the language in force: the daemon's English
 * (message_en) under English, its Chinese (message) otherwise or when it
 * sent no English (an older daemon).
 */
const char *
ctl_error_text(const struct hl_error *err)
{
	if (ctl_lang == CTL_LANG_EN && err->message_en[0] != '\0')
		return err->message_en;
	return err->message;
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

/*
 * Prints an error: with -j as JSON on standard output (the protocol's
 * names: {"error": {"code": "conflict", "message", "field", "state"}}),
 * else as "hotlinectl: <what>: <message> (field: X)" on standard error in
 * the language in force. Returns the exit status.
 */
int
ctl_fail(const struct hl_error *err)
{
	int conflict = err->code == HOTLINE__ERROR_CODE__ERROR_CODE_CONFLICT &&
	    err->state != HOTLINE__TICKET_STATE__TICKET_STATE_UNSPECIFIED;

	if (ctl_json_errors) {
		ctl_json_error2(hl_error_name(err->code), err->message,
		    err->message_en, err->field[0] != '\0' ? err->field : NULL,
		    conflict ? hl_state_name(err->state) : NULL);
		return ctl_exit_status(err->code);
	}
	if (err->code < 0 && ctl_lang != CTL_LANG_EN) {
		/* The client library's own words are English: a line apart. */
		fprintf(stderr, "hotlinectl: %s\n  %s\n", ctl_name(
		    ctl_error_codes, err->code), err->message);
		return ctl_exit_status(err->code);
	}
	fprintf(stderr, "hotlinectl: %s: %s", ctl_name(ctl_error_codes,
	    err->code), ctl_error_text(err));
	if (err->field[0] != '\0')
		fprintf(stderr, CTL_T(ERROR_FIELD), err->field);
	if (conflict)
		fprintf(stderr, CTL_T(ERROR_STATE), ctl_name(ctl_states,
		    err->state));
	fputc('\n', stderr);
	return ctl_exit_status(err->code);
}
