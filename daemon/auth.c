/* Principals' credential hashes: argon2id in the PHC string form (libargon2), legacy PBKDF2 still verified. */
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <openssl/rand.h>

#include "auth.h"

/*
 * The stored form is libargon2's encoded string, the PHC form
 * "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>" with salt and
 * hash in standard base64 without padding. What argon2_hash in Python's
 * argon2-cffi or the argon2(1) tool print is accepted as it is.
 */
#define AUTH_ARGON2_PREFIX "$argon2id$v=19$"
#define AUTH_SALT_LEN 16	/* what auth_hash makes */
#define AUTH_HASH_LEN 32
#define AUTH_SALT_MIN 8		/* bytes; what auth_hash_valid accepts */
#define AUTH_SALT_MAX 64
#define AUTH_HASH_MIN 16
#define AUTH_HASH_MAX 64
#define AUTH_B64_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/* Reads "<name>=<decimal>" at *s into *v within min..max; advances *s. */
static int
auth_param(const char **s, char name, unsigned long min, unsigned long max,
    unsigned long *v)
{
	const char *p = *s;
	unsigned long n = 0;
	size_t digits = 0;

	if (p[0] != name || p[1] != '=')
		return -1;
	for (p += 2; *p >= '0' && *p <= '9' && digits < 10; p++, digits++)
		n = n * 10 + (unsigned long)(*p - '0');
	if (digits == 0 || (digits > 1 && p[-(long)digits] == '0') ||
	    n < min || n > max)
		return -1;
	*v = n;
	*s = p;
	return 0;
}

/* Checks unpadded base64 of len characters that decodes to min..max bytes. */
static int
auth_b64_ok(const char *s, size_t len, size_t min, size_t max)
{
	size_t bytes = len / 4 * 3 + (len % 4 == 0 ? 0 : len % 4 - 1);

	if (len % 4 == 1 || strspn(s, AUTH_B64_CHARS) < len)
		return 0;
	return bytes >= min && bytes <= max;
}

/*
 * Parses an argon2id string's parameters into cost (NULL: not wanted) and
 * checks salt and hash; returns 0 or -1.
 */
static int
auth_argon2_parse(const char *stored, struct auth_cost *cost)
{
	const char *s = stored + strlen(AUTH_ARGON2_PREFIX), *hash;
	unsigned long m, t, p;

	if (auth_param(&s, 'm', AUTH_MIN_MEMORY_KIB, AUTH_MAX_MEMORY_KIB,
	    &m) == -1 || *s++ != ',' ||
	    auth_param(&s, 't', 1, AUTH_MAX_PASSES, &t) == -1 || *s++ != ',' ||
	    auth_param(&s, 'p', 1, AUTH_MAX_LANES, &p) == -1 || *s++ != '$')
		return -1;
	if (m < 8 * p || (hash = strchr(s, '$')) == NULL ||
	    !auth_b64_ok(s, (size_t)(hash - s), AUTH_SALT_MIN, AUTH_SALT_MAX) ||
	    !auth_b64_ok(hash + 1, strlen(hash + 1), AUTH_HASH_MIN,
	    AUTH_HASH_MAX))
		return -1;
	if (cost != NULL) {
		cost->memory_kib = (unsigned)m;
		cost->passes = (unsigned)t;
		cost->lanes = (unsigned)p;
	}
	return 0;
}

/* Returns 1 if stored starts like an argon2id string. */
static int
auth_is_argon2(const char *stored)
{
	return strncmp(stored, AUTH_ARGON2_PREFIX,
	    strlen(AUTH_ARGON2_PREFIX)) == 0;
}

/* See hotlined.h. */
char *
auth_hash(const char *token, const struct auth_cost *cost)
{
	static const struct auth_cost dflt = { AUTH_DEFAULT_MEMORY_KIB,
	    AUTH_DEFAULT_PASSES, AUTH_DEFAULT_LANES };
	unsigned char salt[AUTH_SALT_LEN];
	size_t len;
	char *out;

	if (cost == NULL)
		cost = &dflt;
	if (token == NULL || cost->memory_kib < AUTH_MIN_MEMORY_KIB ||
	    cost->memory_kib > AUTH_MAX_MEMORY_KIB || cost->passes < 1 ||
	    cost->passes > AUTH_MAX_PASSES || cost->lanes < 1 ||
	    cost->lanes > AUTH_MAX_LANES || cost->memory_kib < 8 * cost->lanes)
		return NULL;
	if (RAND_bytes(salt, sizeof salt) != 1)
		return NULL;
	len = argon2_encodedlen(cost->passes, cost->memory_kib, cost->lanes,
	    sizeof salt, AUTH_HASH_LEN, Argon2_id);
	if ((out = malloc(len)) == NULL)
		return NULL;
	if (argon2id_hash_encoded(cost->passes, cost->memory_kib, cost->lanes,
	    token, strlen(token), salt, sizeof salt, AUTH_HASH_LEN, out,
	    len) != ARGON2_OK) {
		free(out);
		return NULL;
	}
	return out;
}

/* See hotlined.h. */
int
auth_hash_valid(const char *stored)
{
	if (stored == NULL)
		return 0;
	if (auth_is_argon2(stored))
		return auth_argon2_parse(stored, NULL) == 0;
	return pbkdf2_valid(stored);
}

/* See hotlined.h. */
int
auth_hash_legacy(const char *stored)
{
	return stored != NULL && !auth_is_argon2(stored) &&
	    pbkdf2_valid(stored);
}

/* See hotlined.h. */
int
auth_hash_cost(const char *stored, struct auth_cost *cost)
{
	if (stored == NULL || !auth_is_argon2(stored))
		return -1;
	return auth_argon2_parse(stored, cost);
}

/* See hotlined.h. */
int
auth_verify(const char *stored, const char *token)
{
	if (stored == NULL || token == NULL)
		return 0;
	if (!auth_is_argon2(stored))
		return pbkdf2_verify(stored, token);
	if (auth_argon2_parse(stored, NULL) == -1)
		return 0;
	/* libargon2 compares in constant time and wipes its buffers. */
	return argon2id_verify(stored, token, strlen(token)) == ARGON2_OK;
}
