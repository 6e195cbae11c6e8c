/* The libconfig reader shared by config*.c and calendar.c: keys, groups, typed values, messages (pure core). */
#ifndef CONFIG_READ_H
#define CONFIG_READ_H

#include <stddef.h>

#include <libconfig.h>

#include "config.h"

/*
 * Contract: for config*.c and calendar.c only. Every reader returns 0, or
 * -1 with one line "file:line: key: message" in the reader's err (the
 * line left out when libconfig has none); the first error ends the load.
 * Strings it copies are the caller's (free); borrowed ones live as long as
 * the libconfig tree. No state: any thread, one reader per file.
 */

#define CONFIG_KEY_MAX 128
#define CONFIG_KEYWORD_MAX 256		/* bytes in one catalogue keyword */
#define CONFIG_PATTERN_MAX 1024		/* bytes in one catalogue pattern */
#define CONFIG_TRANSFER_CHARS "0123456789"
#define CONFIG_DEPARTMENT_ID_MAX 32
#define CONFIG_PRINCIPAL_ID_MAX 64
#define CONFIG_PLACE_MAX 100		/* characters of a district or street, as create's */
#define CONFIG_DEPARTMENT_ID_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"
#define CONFIG_PRINCIPAL_ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
	"abcdefghijklmnopqrstuvwxyz0123456789_.-"

/* Flags of the getters below. */
#define CONFIG_REQUIRED 0x1	/* missing is an error */
#define CONFIG_NONEMPTY 0x2	/* an empty string or list is an error */

/* Where error messages go while one file is read. */
struct config_reader {
	const char *file;
	char *err;
	size_t errlen;
};

/* A group setting being read, with its key path for messages. */
struct config_group {
	const struct config_reader *r;
	const config_setting_t *s;
	char key[CONFIG_KEY_MAX];	/* "principals[3]"; "" for the root */
};

/* config-read.c */
int config_fail(const struct config_reader *r, const config_setting_t *s,
    const char *key, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void config_keyf(char *key, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void config_key(char *key, const char *prefix, const char *name);
const config_setting_t *config_member(const struct config_group *g,
    const char *name);
int config_find(const struct config_group *g, const char *name, int flags,
    const config_setting_t **out);
int config_check_keys(const struct config_group *g, const char *const *allowed);
int config_group_init(struct config_group *g, const struct config_reader *r,
    const config_setting_t *s, const char *key);
int config_subgroup(const struct config_group *parent, const char *name,
    int flags, struct config_group *g);
int config_element(const struct config_group *parent,
    const config_setting_t *list, const char *name, unsigned i,
    struct config_group *g);
int config_list(const struct config_group *g, const char *name, int flags,
    const config_setting_t **out);
int config_int_value(const struct config_reader *r, const config_setting_t *s,
    const char *key, long long min, long long max, long long *out);
int config_int(const struct config_group *g, const char *name, long long def,
    long long min, long long max, long long *out);
int config_flag(const struct config_group *g, const char *name, long long def,
    long long *out);
int config_float(const struct config_group *g, const char *name, double def,
    double min, double max, double *out);
int config_check_string(const struct config_reader *r,
    const config_setting_t *s, const char *key, int flags, const char **out);
int config_string(const struct config_group *g, const char *name, int flags,
    char **out);
int config_string_ref(const struct config_group *g, const char *name,
    const char **out);
int config_strings(const struct config_group *g, const char *name, int flags,
    size_t maxlen, char ***out, size_t *n);
int config_id_ok(const char *s, size_t max, const char *allowed);
char *config_dirname(const char *path);
char *config_relative(const char *base, const char *path);

/* config-lexicon.c: routing.lexicon's file into conf->routing.lexicon. */
int config_load_lexicon(struct config *, const struct config_group *routing);

/* config-keys.c: the table of plain keys (integers, flags, numbers, strings). */
enum config_key_type { CONFIG_KEY_INT, CONFIG_KEY_FLAG, CONFIG_KEY_NUMBER,
	CONFIG_KEY_STRING };
/* How the value is stored in struct config (from the field's C type). */
enum config_store { CONFIG_STORE_INT, CONFIG_STORE_SIZE, CONFIG_STORE_INT64,
	CONFIG_STORE_DOUBLE, CONFIG_STORE_STRING };

struct config_key {
	const char *group;		/* "limits"; "" for the top level */
	const char *name;		/* "max_frame" */
	enum config_key_type type;
	long long def, min, max;	/* INT; FLAG: def only */
	double fdef, fmin, fmax;	/* NUMBER (fmax HUGE_VAL: no upper bound) */
	const char *min_key;		/* set: min is this earlier key's value */
	const char *max_key;		/* set: max is this earlier key's value */
	const char *def_key;		/* set: def is this earlier key's value ... */
	long long def_div;		/* ... divided by this */
	long long scale;		/* stored: the value times this (0: 1) */
	int flags;			/* STRING: CONFIG_REQUIRED, CONFIG_NONEMPTY */
	size_t offset;			/* in struct config */
	enum config_store store;
};

/*
 * Reads every key of group (in the table's order) from g into conf: the
 * default when absent, else checked against its type and bounds. Returns 0,
 * or -1 with the first error set (values read before it are stored).
 */
int config_read_keys(struct config *, const struct config_group *g,
    const char *group);
/* Fails unless every member of g is a table key of group or named in extra (NULL-terminated; may be NULL). */
int config_check_group(const struct config_group *g, const char *group,
    const char *const *extra);

/* Reads the optional group name: config_check_group, then config_read_keys. */
int config_read_group(struct config *, const struct config_group *root,
    const char *name);

/*
 * A list of groups in the file ("departments = ( { ... }, ... )") and where
 * it goes in struct config: a row per list, in the file that reads its
 * elements (CONFIG_LIST names the array and its size_t length).
 */
struct config_list {
	const char *name;		/* the list's key */
	int flags;			/* CONFIG_REQUIRED, CONFIG_NONEMPTY */
	size_t array, count, size;	/* offsets of the array and its length; element size */
	int (*read)(struct config *, size_t i, const struct config_group *g);
};
#define CONFIG_LIST(arr, n)						\
	.array = offsetof(struct config, arr),				\
	.count = offsetof(struct config, n) + 0 * sizeof(		\
	    _Generic(((struct config *)0)->n, size_t: 1)),		\
	.size = sizeof *((struct config *)0)->arr
int config_read_list(struct config *, const struct config_group *root,
    const struct config_list *);

/* config-limits.c: listeners, Redis, limits and the other scalar groups. */
int config_load_listens(struct config *, const struct config_group *root);
int config_load_redis(struct config *, const struct config_group *root);
int config_load_limits(struct config *, const struct config_group *root);
int config_load_auth(struct config *, const struct config_group *root);
int config_load_tickets(struct config *, const struct config_group *root);
int config_load_repeats(struct config *, const struct config_group *root);
int config_load_hot_spots(struct config *, const struct config_group *root);
int config_load_assessment(struct config *, const struct config_group *root);
int config_load_http(struct config *, const struct config_group *root);
int config_load_testing(struct config *, const struct config_group *root);
int config_load_archive(struct config *, const struct config_group *root);
int config_load_kb(struct config *, const struct config_group *root);
int config_load_time(struct config *, const struct config_group *root);

/* config-principals.c: departments, districts, principals. */
int config_load_departments(struct config *, const struct config_group *root);
int config_load_districts(struct config *, const struct config_group *root);
int config_load_principals(struct config *, const struct config_group *root);

/* config-catalogue.c: the routing group and the catalogue file. */
int config_load_routing(struct config *, const struct config_group *root,
    char **catalogue);
int config_load_entries(struct config *, const struct config_group *root);
int config_street_in(const struct district *, const char *street);

#endif
