/* Legacy salted PBKDF2-HMAC-SHA256 credential hashes, still verified; libc and OpenSSL only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "auth.h"

/*
 * The stored form is "pbkdf2-sha256$<iterations>$<salt>$<key>" with salt and
 * key in standard base64 with padding, the same as
 * hashlib.pbkdf2_hmac("sha256", token, salt, iterations, 32) in Python.
 */

#define PBKDF2_MIN_ITERATIONS 1000u
#define PBKDF2_MAX_ITERATIONS 10000000u
#define PBKDF2_SALT_LEN 16	/* what pbkdf2_hash makes */
#define PBKDF2_SALT_MIN 8		/* what pbkdf2_verify accepts */
#define PBKDF2_SALT_MAX 64
#define PBKDF2_KEY_LEN 32
#define PBKDF2_B64_MAX 128	/* longest base64 text decoded */

struct pbkdf2_parsed {
	unsigned iterations;
	unsigned char salt[PBKDF2_SALT_MAX];
	size_t saltlen;
	unsigned char key[PBKDF2_KEY_LEN];
};

/* Derives the PBKDF2_KEY_LEN-byte key for token; returns 0, or -1 on failure. */
static int
pbkdf2_derive(const char *token, const unsigned char *salt, size_t saltlen,
    unsigned iterations, unsigned char *key)
{
	if (PKCS5_PBKDF2_HMAC(token, (int)strlen(token), salt, (int)saltlen,
	    (int)iterations, EVP_sha256(), PBKDF2_KEY_LEN, key) != 1)
		return -1;
	return 0;
}

/*
 * Decodes the len base64 characters at in into out (room for outmax bytes).
 * Only the canonical encoding is accepted: it must re-encode to the same
 * text. Returns the number of bytes, or -1.
 */
static int
pbkdf2_b64_decode(const char *in, size_t len, unsigned char *out, size_t outmax)
{
	unsigned char bytes[PBKDF2_B64_MAX];
	char again[PBKDF2_B64_MAX + 1];
	int n;

	if (len == 0 || len % 4 != 0 || len > PBKDF2_B64_MAX)
		return -1;
	n = EVP_DecodeBlock(bytes, (const unsigned char *)in, (int)len);
	if (n < 0)
		return -1;
	if (in[len - 1] == '=')
		n--;
	if (in[len - 2] == '=')
		n--;
	if (n <= 0 || (size_t)n > outmax)
		return -1;
	EVP_EncodeBlock((unsigned char *)again, bytes, n);
	if (strlen(again) != len || memcmp(again, in, len) != 0)
		return -1;
	memcpy(out, bytes, (size_t)n);
	return n;
}

/* Parses the decimal iteration count (len characters at s); returns 0 or -1. */
static int
pbkdf2_parse_iterations(const char *s, size_t len, unsigned *iterations)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 8 || s[0] == '0')
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < PBKDF2_MIN_ITERATIONS || v > PBKDF2_MAX_ITERATIONS)
		return -1;
	*iterations = (unsigned)v;
	return 0;
}

/* Splits and decodes a stored hash string; returns 0, or -1 if malformed. */
static int
pbkdf2_parse(const char *stored, struct pbkdf2_parsed *p)
{
	const char *iter, *salt, *key;
	int n;

	if (stored == NULL ||
	    strncmp(stored, PBKDF2_PREFIX, strlen(PBKDF2_PREFIX)) != 0)
		return -1;
	iter = stored + strlen(PBKDF2_PREFIX);
	if ((salt = strchr(iter, '$')) == NULL)
		return -1;
	salt++;
	if ((key = strchr(salt, '$')) == NULL)
		return -1;
	key++;
	if (pbkdf2_parse_iterations(iter, (size_t)(salt - 1 - iter),
	    &p->iterations) == -1)
		return -1;
	n = pbkdf2_b64_decode(salt, (size_t)(key - 1 - salt), p->salt,
	    sizeof p->salt);
	if (n < PBKDF2_SALT_MIN)
		return -1;
	p->saltlen = (size_t)n;
	if (pbkdf2_b64_decode(key, strlen(key), p->key, sizeof p->key) !=
	    PBKDF2_KEY_LEN)
		return -1;
	return 0;
}

/*
 * Returns a newly allocated hash string for token with a fresh random salt,
 * or NULL if iterations is out of range or the random source failed.
 */
char *
pbkdf2_hash(const char *token, unsigned iterations)
{
	unsigned char salt[PBKDF2_SALT_LEN], key[PBKDF2_KEY_LEN];
	char salt64[4 * ((PBKDF2_SALT_LEN + 2) / 3) + 1];
	char key64[4 * ((PBKDF2_KEY_LEN + 2) / 3) + 1];
	char *out;
	size_t outlen;

	if (iterations < PBKDF2_MIN_ITERATIONS ||
	    iterations > PBKDF2_MAX_ITERATIONS)
		return NULL;
	if (RAND_bytes(salt, sizeof salt) != 1)
		return NULL;
	if (pbkdf2_derive(token, salt, sizeof salt, iterations, key) == -1)
		return NULL;
	EVP_EncodeBlock((unsigned char *)salt64, salt, sizeof salt);
	EVP_EncodeBlock((unsigned char *)key64, key, sizeof key);
	OPENSSL_cleanse(key, sizeof key);
	outlen = strlen(PBKDF2_PREFIX) + 8 + 1 + strlen(salt64) + 1 +
	    strlen(key64) + 1;
	if ((out = malloc(outlen)) == NULL)
		return NULL;
	snprintf(out, outlen, "%s%u$%s$%s", PBKDF2_PREFIX, iterations, salt64,
	    key64);
	return out;
}

/* Returns 1 if stored is a well-formed hash string that pbkdf2_verify accepts. */
int
pbkdf2_valid(const char *stored)
{
	struct pbkdf2_parsed p;

	return pbkdf2_parse(stored, &p) == 0;
}

/* Returns 1 if token matches stored (compared in constant time), else 0. */
int
pbkdf2_verify(const char *stored, const char *token)
{
	struct pbkdf2_parsed p;
	unsigned char key[PBKDF2_KEY_LEN];
	int ok;

	if (token == NULL || pbkdf2_parse(stored, &p) == -1)
		return 0;
	if (pbkdf2_derive(token, p.salt, p.saltlen, p.iterations, key) == -1)
		return 0;
	ok = CRYPTO_memcmp(key, p.key, sizeof key) == 0;
	OPENSSL_cleanse(key, sizeof key);
	return ok;
}
