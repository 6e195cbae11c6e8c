/* Remembers successful credential checks by a keyed hash, so a reconnecting client skips argon2. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "auth-worker.h"
#include "hotlined.h"

/*
 * The cache holds no token and no hash of one that could be attacked
 * offline: an entry is HMAC-SHA256(key, principal id, stored credential,
 * token) under a key drawn at random when the process starts and never
 * written anywhere. It is derived state: losing it (a restart) only costs
 * one slow verification per principal. Putting the stored credential in
 * the MAC means an entry can never match once the principal's hash
 * changed; auth_cache_reload also frees those entries at once.
 *
 * The table is set-associative: AUTH_CACHE_WAYS entries per set, the set
 * chosen by the MAC's first bytes; a full set replaces its oldest entry.
 */
#define AUTH_CACHE_WAYS 4
#define AUTH_MAC_LEN 32
#define AUTH_ID_MAX 64		/* CONFIG_PRINCIPAL_ID_MAX */

struct auth_cache_entry {
	unsigned char mac[AUTH_MAC_LEN];
	char principal[AUTH_ID_MAX + 1];	/* for invalidation on reload */
	int64_t expires_ms;			/* 0: empty */
};

static unsigned char auth_key[32];
static int auth_keyed;
static struct auth_cache_entry *auth_entries;
static size_t auth_nsets;		/* 0: caching is off */

/* Sizes the table for spec (emptying it) and draws the key once. */
static void
auth_cache_setup(const struct auth_spec *spec)
{
	size_t nsets = (size_t)spec->cache_entries / AUTH_CACHE_WAYS;

	if (!auth_keyed) {
		if (RAND_bytes(auth_key, sizeof auth_key) != 1)
			fatalx("auth cache: no random bytes for its key");
		auth_keyed = 1;
	}
	if (auth_entries != NULL && nsets == auth_nsets)
		return;
	free(auth_entries);
	auth_entries = NULL;
	auth_nsets = nsets;
	if (nsets > 0)
		auth_entries = xcalloc(nsets * AUTH_CACHE_WAYS,
		    sizeof *auth_entries);
}

/* Computes the entry MAC of (principal, its stored credential, token). */
static void
auth_cache_mac(const struct principal *p, const char *token,
    unsigned char mac[AUTH_MAC_LEN])
{
	size_t idlen = strlen(p->id) + 1, credlen = strlen(p->credential) + 1;
	size_t toklen = strlen(token), len = idlen + credlen + toklen;
	unsigned char *msg = xmalloc(len);
	unsigned maclen = AUTH_MAC_LEN;

	/* The NULs between the parts keep "ab"+"c" apart from "a"+"bc". */
	memcpy(msg, p->id, idlen);
	memcpy(msg + idlen, p->credential, credlen);
	memcpy(msg + idlen + credlen, token, toklen);
	if (HMAC(EVP_sha256(), auth_key, sizeof auth_key, msg, len, mac,
	    &maclen) == NULL)
		fatalx("auth cache: HMAC-SHA256 failed");
	OPENSSL_cleanse(msg, len);
	free(msg);
}

/* Returns the first entry of mac's set. */
static struct auth_cache_entry *
auth_cache_set(const unsigned char mac[AUTH_MAC_LEN])
{
	uint32_t h;

	memcpy(&h, mac, sizeof h);
	return &auth_entries[(h % auth_nsets) * AUTH_CACHE_WAYS];
}

/* Returns 1 if mac is in the cache and fresh. */
static int
auth_cache_find(const unsigned char mac[AUTH_MAC_LEN], int64_t now)
{
	struct auth_cache_entry *e = auth_cache_set(mac);
	int i, found = 0;

	/* Every way is compared, in constant time, whatever matches. */
	for (i = 0; i < AUTH_CACHE_WAYS; i++)
		if (e[i].expires_ms > now &&
		    CRYPTO_memcmp(e[i].mac, mac, AUTH_MAC_LEN) == 0)
			found = 1;
	return found;
}

/* Remembers mac for principal p, replacing an empty or the oldest way of its set. */
static void
auth_cache_add(const unsigned char mac[AUTH_MAC_LEN], const struct principal *p,
    int64_t now)
{
	struct auth_cache_entry *e = auth_cache_set(mac), *victim = e;
	int i;

	for (i = 0; i < AUTH_CACHE_WAYS; i++)
		if (e[i].expires_ms < victim->expires_ms)
			victim = &e[i];
	memcpy(victim->mac, mac, AUTH_MAC_LEN);
	snprintf(victim->principal, sizeof victim->principal, "%s", p->id);
	victim->expires_ms = now + (int64_t)hotlined.cfg->auth.cache_ttl_s * 1000;
}

/*
 * Checks token against principal p's stored credential: from the cache
 * when this (principal, credential, token) succeeded before, else with
 * auth_verify (slow) and remembered on success. Sets *cached (if not NULL)
 * to whether the cache answered. Returns 1 if the token is right, else 0.
 */
int
auth_check(const struct principal *p, const char *token, int *cached)
{
	unsigned char mac[AUTH_MAC_LEN];
	int64_t now;
	int ok;

	if (cached != NULL)
		*cached = 0;
	if (p == NULL || p->credential == NULL || token == NULL)
		return 0;
	auth_cache_setup(&hotlined.cfg->auth);
	if (auth_nsets == 0)
		return auth_verify(p->credential, token);
	now = now_mono_ms();
	auth_cache_mac(p, token, mac);
	if (auth_cache_find(mac, now)) {
		if (cached != NULL)
			*cached = 1;
		return 1;
	}
	if ((ok = auth_verify(p->credential, token)) == 1)
		auth_cache_add(mac, p, now);
	return ok;
}

/*
 * Returns 1 if the cache remembers token as p's right token (no slow
 * check): what may still pass an address that failed too often.
 */
int
auth_remembered(const struct principal *p, const char *token)
{
	unsigned char mac[AUTH_MAC_LEN];

	if (p == NULL || p->credential == NULL || token == NULL)
		return 0;
	auth_cache_setup(&hotlined.cfg->auth);
	if (auth_nsets == 0)
		return 0;
	auth_cache_mac(p, token, mac);
	return auth_cache_find(mac, now_mono_ms());
}

/* A check handed to the worker pool, and what its answer needs on the loop. */
struct auth_pending {
	char principal[AUTH_ID_MAX + 1];	/* "" for an unknown one */
	char *credential;			/* the hash it was checked against */
	unsigned char mac[AUTH_MAC_LEN];
	auth_worker_done done;
	void *arg;
};

/*
 * The pool answered a check of auth_check_start: a right token counts only
 * if its principal still has that credential (a reload may have come in
 * between), and is then remembered.
 */
static void
auth_check_finished(int ok, void *arg)
{
	struct auth_pending *ap = arg;
	const struct principal *p = NULL;
	auth_worker_done done = ap->done;
	void *done_arg = ap->arg;

	if (ap->principal[0] != '\0')
		p = config_principal(hotlined.cfg, ap->principal);
	if (p == NULL || p->credential == NULL ||
	    strcmp(p->credential, ap->credential) != 0)
		ok = 0;
	else if (ok) {
		auth_cache_setup(&hotlined.cfg->auth);
		if (auth_nsets > 0)
			auth_cache_add(ap->mac, p, now_mono_ms());
	}
	free(ap->credential);
	OPENSSL_cleanse(ap, sizeof *ap);
	free(ap);
	done(ok, done_arg);
}

/* Returns the stored credential an unknown principal's token is checked against, or NULL. */
static const char *
auth_decoy(void)
{
	size_t i;

	for (i = 0; i < hotlined.cfg->nprincipals; i++)
		if (hotlined.cfg->principals[i].credential != NULL)
			return hotlined.cfg->principals[i].credential;
	return NULL;
}

/* See auth-worker.h. */
int
auth_check_start(const struct principal *p, const char *token,
    auth_worker_done done, void *arg)
{
	struct auth_pending *ap;
	const char *stored;

	if (token == NULL)
		token = "";
	if (p != NULL && p->credential != NULL && auth_remembered(p, token))
		return 1;
	/* No credential (a certificate-only principal): wrong, at the same cost. */
	stored = p != NULL && p->credential != NULL ? p->credential :
	    auth_decoy();
	if (stored == NULL) {		/* nothing to check against: wrong */
		done(0, arg);
		return 0;
	}
	ap = xcalloc(1, sizeof *ap);
	if (p != NULL && p->credential != NULL) {
		snprintf(ap->principal, sizeof ap->principal, "%s", p->id);
		if (auth_nsets > 0)
			auth_cache_mac(p, token, ap->mac);
	}
	ap->credential = xstrdup(stored);
	ap->done = done;
	ap->arg = arg;
	if (auth_worker_verify(stored, token, auth_check_finished, ap) == -1) {
		free(ap->credential);
		free(ap);
		return -1;
	}
	return 0;
}

/* Returns 1 if principal id has the same credential in old and fresh. */
static int
auth_cache_unchanged(const struct config *old, const struct config *fresh,
    const char *id)
{
	const struct principal *a = config_principal(old, id);
	const struct principal *b = config_principal(fresh, id);

	return a != NULL && b != NULL && a->credential != NULL &&
	    b->credential != NULL && strcmp(a->credential, b->credential) == 0;
}

/*
 * The configuration old is being replaced by fresh: forgets the successes
 * of principals that are gone or whose credential changed, and resizes
 * the table (emptying it) if fresh asks for another size.
 */
void
auth_cache_reload(const struct config *old, const struct config *fresh)
{
	size_t i, dropped = 0;

	if (auth_entries == NULL)
		return;
	if ((size_t)fresh->auth.cache_entries / AUTH_CACHE_WAYS != auth_nsets) {
		auth_cache_setup(&fresh->auth);
		return;
	}
	for (i = 0; i < auth_nsets * AUTH_CACHE_WAYS; i++) {
		struct auth_cache_entry *e = &auth_entries[i];

		if (e->expires_ms == 0 ||
		    auth_cache_unchanged(old, fresh, e->principal))
			continue;
		OPENSSL_cleanse(e, sizeof *e);
		dropped++;
	}
	if (dropped > 0)
		log_info("auth cache: forgot %zu remembered logins of principals "
		    "removed or given a new credential", dropped);
}

/* Frees the table (at exit); the next check starts an empty one. */
void
auth_cache_free(void)
{
	if (auth_entries != NULL)
		OPENSSL_cleanse(auth_entries,
		    auth_nsets * AUTH_CACHE_WAYS * sizeof *auth_entries);
	free(auth_entries);
	auth_entries = NULL;
	auth_nsets = 0;
}
