/* Credential hashes: argon2id, and legacy PBKDF2 verified (auth.c, auth-pbkdf2.c; pure core). */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>

/*
 * Contract: strings in, newly allocated strings out (the caller frees
 * them); no state kept between calls, so any thread may call them. The
 * per-process cache and the failure limit that use these are the shell's
 * (auth-cache.c, auth-limit.c in hotlined.h): they read the configuration
 * in force.
 */

/* auth.c: salted slow hashes of principals' credentials (argon2id). */
/*
 * argon2id's cost: OWASP's first recommendation (19 MiB, 2 passes, 1 lane),
 * about 30 ms of one core per verification; auth-cache.c keeps reconnects
 * from paying it again.
 */
#define AUTH_DEFAULT_MEMORY_KIB 19456
#define AUTH_DEFAULT_PASSES 2
#define AUTH_DEFAULT_LANES 1
/* What a stored string may ask for (bounds the cost of one verification). */
#define AUTH_MIN_MEMORY_KIB 8
#define AUTH_MAX_MEMORY_KIB 1048576
#define AUTH_MAX_PASSES 64
#define AUTH_MAX_LANES 16

struct auth_cost {
	unsigned memory_kib;	/* m */
	unsigned passes;	/* t */
	unsigned lanes;		/* p */
};

/*
 * Returns a newly allocated "$argon2id$v=19$m=..,t=..,p=..$salt$hash" for
 * token with a fresh 16-byte random salt and a 32-byte hash; cost NULL means
 * the defaults above. NULL if the cost is out of range, the random source
 * failed or memory ran out.
 */
char *auth_hash(const char *token, const struct auth_cost *cost);
/* Returns 1 if stored is a well-formed hash string that auth_verify accepts. */
int auth_hash_valid(const char *stored);
/* Returns 1 if stored is a legacy pbkdf2-sha256 string (still accepted). */
int auth_hash_legacy(const char *stored);
/* Reads an argon2id string's cost into *cost; returns 0, or -1 if not one. */
int auth_hash_cost(const char *stored, struct auth_cost *cost);
/*
 * Returns 1 if token matches stored (argon2id, or legacy PBKDF2; compared in
 * constant time), else 0. Slow on purpose: see auth-cache.c.
 */
int auth_verify(const char *stored, const char *token);

/* auth-pbkdf2.c: the legacy hashes, verified so existing configs keep working. */
#define PBKDF2_PREFIX "pbkdf2-sha256$"
/*
 * Returns a newly allocated "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"
 * for token with a fresh random salt, or NULL if iterations is outside
 * 1000..10000000 or the random source failed. For tests; hotlinectl passwd
 * makes argon2id strings.
 */
char *pbkdf2_hash(const char *token, unsigned iterations);
int pbkdf2_valid(const char *stored);
int pbkdf2_verify(const char *stored, const char *token);

#endif
