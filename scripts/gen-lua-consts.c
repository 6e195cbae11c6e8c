/*
 * "gen-lua-consts keys" writes keys.lua instead: the Redis key builders
 * (KEY.ticket(number)) from daemon/keys.h's formats.
 *
 * Writes the Lua library consts.lua (standard output): the protocol's
 * numbers the scripts use (states, events, closures, ...) taken from the
 * protobuf-c descriptors of proto/hotline.proto, and the life-cycle table's
 * own words (effects, assisting departments' states) from daemon/ticket.c,
 * so no script types a state as a bare number. Run at build time
 * (Makefile); scripts/embed-lua.sh pastes the result where a script says
 * "-- @include consts.lua".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hotline.pb-c.h"
#include "keys.h"
#include "ticket.h"

/* The protocol's enums the scripts need, in the order they are written. */
static const ProtobufCEnumDescriptor *const enums[] = {
	&hotline__ticket_state__descriptor,
	&hotline__event_kind__descriptor,
	&hotline__closure__descriptor,
	&hotline__triage_reason__descriptor,
	&hotline__callback_result__descriptor,
	&hotline__repeat_reason__descriptor,
};

/* Writes "TicketState" as "TICKET_STATE" into out (the values' prefix). */
static void
upper_snake(const char *camel, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *camel != '\0' && n + 2 < outlen; camel++) {
		if (n > 0 && isupper((unsigned char)*camel))
			out[n++] = '_';
		out[n++] = (char)toupper((unsigned char)*camel);
	}
	out[n] = '\0';
}

/* Makes t's unknown keys an error, so a misspelt constant cannot read as nil. */
static void
strict(const char *table)
{
	printf("setmetatable(%s, {__index = function(_, k)\n"
	    "  error('consts.lua: no %s.' .. tostring(k))\n"
	    "end})\n", table, table);
}

/* Writes one enum as a table of its values (prefix cut) as strings. */
static void
write_enum(const ProtobufCEnumDescriptor *d)
{
	char table[64], prefix[80];
	unsigned i;

	upper_snake(d->short_name, table, sizeof table);
	snprintf(prefix, sizeof prefix, "%s_", table);
	printf("local %s = {\n", table);
	for (i = 0; i < d->n_values; i++) {
		const char *name = d->values[i].name;

		if (strncmp(name, prefix, strlen(prefix)) == 0)
			name += strlen(prefix);
		printf("  %s = '%d',\n", name, d->values[i].value);
	}
	printf("}\n");
	strict(table);
}

/* Writes "decide_extension" upper-cased into out. */
static void
upper(const char *name, char *out, size_t outlen)
{
	size_t j;

	for (j = 0; name[j] != '\0' && j + 1 < outlen; j++)
		out[j] = (char)toupper((unsigned char)name[j]);
	out[j] = '\0';
}

/*
 * Writes the history names of ticket.c's actions (the table's .name:
 * ACTION.SIGN is 'sign'), each once: intake's and triage's dispatch share
 * one.
 */
static void
write_actions(void)
{
	const struct transition *t, *u;
	int a, b;
	char up[64];

	printf("local ACTION = {\n");
	for (a = 0; (t = ticket_transition((enum ticket_action)a)) != NULL;
	    a++) {
		for (b = 0; b < a; b++)
			if ((u = ticket_transition((enum ticket_action)b)) !=
			    NULL && strcmp(u->name, t->name) == 0)
				break;
		if (b < a)
			continue;
		upper(t->name, up, sizeof up);
		printf("  %s = '%s',\n", up, t->name);
	}
	printf("}\n");
	strict("ACTION");
}

/* Writes the effect words of ticket.c's table (transition.lua's "effects"). */
static void
write_effects(void)
{
	const char *name;
	unsigned bit;
	size_t i;
	char up[64];

	printf("local EFFECT = {\n");
	for (i = 0; (name = ticket_effect_name(i, &bit)) != NULL; i++) {
		upper(name, up, sizeof up);
		printf("  %s = '%s',\n", up, name);
	}
	printf("}\n");
	strict("EFFECT");
}

/* Writes an assisting department's states (ht:assist:<number> values). */
static void
write_assist(void)
{
	printf("local ASSIST = {\n"
	    "  NONE = '%d',\n  DISPATCHED = '%d',\n  ACCEPTED = '%d',\n"
	    "  REPLIED = '%d',\n}\n", ASSIST_NONE, ASSIST_DISPATCHED,
	    ASSIST_ACCEPTED, ASSIST_REPLIED);
	strict("ASSIST");
}

/* Writes keys.lua: KEY.name is the key, or a function of its parts. */
static void
write_keys(void)
{
	const char *name, *format;
	char lower[64];
	size_t i, j;

	printf("-- keys.lua: hotline's Redis keys for the scripts; generated at "
	    "build time by scripts/gen-lua-consts.c from daemon/keys.h: do "
	    "not edit.\n"
	    "--\n"
	    "-- KEY.ticket(number) is 'ht:ticket:<number>'; KEY.triage is "
	    "'ht:triage'. A name that is not here is an error, not nil.\n"
	    "local function key_format(fmt)\n"
	    "  if not string.find(fmt, '%%s', 1, true) then return fmt end\n"
	    "  return function(...) return string.format(fmt, ...) end\n"
	    "end\n"
	    "local KEY = {\n");
	for (i = 0; (format = keys_script_key(i, &name)) != NULL; i++) {
		for (j = 0; name[j] != '\0' && j + 1 < sizeof lower; j++)
			lower[j] = (char)tolower((unsigned char)name[j]);
		lower[j] = '\0';
		printf("  %s = key_format('%s'),\n", lower, format);
	}
	printf("}\n");
	strict("KEY");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc > 1 && strcmp(argv[1], "keys") == 0) {
		write_keys();
		return ferror(stdout) ? 1 : 0;
	}

	printf("-- consts.lua: the protocol's numbers and the life-cycle "
	    "table's words for the scripts; generated at build time by "
	    "scripts/gen-lua-consts.c from proto/hotline.proto and "
	    "daemon/ticket.c: do not edit.\n"
	    "--\n"
	    "-- Values are strings, as Redis stores them (a state is '9', "
	    "not 9).\n"
	    "-- A name that is not here is an error, not nil.\n");
	for (i = 0; i < sizeof enums / sizeof enums[0]; i++)
		write_enum(enums[i]);
	write_actions();
	write_effects();
	write_assist();
	return ferror(stdout) ? 1 : 0;
}
