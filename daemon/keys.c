/* The keys the scripts build (keys.h's KEYS_FOR_SCRIPTS) as a table, for the generator of keys.lua and its test; pure. */
#include <stddef.h>

#include "keys.h"

#define KEY_ROW(id) { .name = #id, .format = KEY_##id },
static const struct {
	const char *name, *format;
} keys[] = {
	KEYS_FOR_SCRIPTS(KEY_ROW)
};
#undef KEY_ROW

/* Returns the format of the i-th key the scripts build and sets *name ("TICKET"); NULL past the last. */
const char *
keys_script_key(size_t i, const char **name)
{
	if (i >= sizeof keys / sizeof keys[0])
		return NULL;
	*name = keys[i].name;
	return keys[i].format;
}
