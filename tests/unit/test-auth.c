/* Unit tests of auth.c and auth-pbkdf2.c: argon2id hashes, and legacy PBKDF2-SHA256 ones checked against Python's hashlib. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "hotlined.h"

/*
 * Made with Python:
 * base64.b64encode(hashlib.pbkdf2_hmac("sha256", token, salt, iterations, 32))
 */
#define PY_AGENT01 "pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$" \
	"l1ckukn1W0wca9wc50whRnQBSLP41tHfus5fejRHhTI="	/* "agent01-demo" */
#define PY_CHINESE "pbkdf2-sha256$2000$c2FsdHNhbHQ=$" \
	"pAE3oToJkEvhPDMOl+XvBF2Xk2t/7l6iZS9Tb7WD724="	/* "密码" */

/* A well-formed tail (salt and key) to build variants of the iteration count with. */
#define GOOD_TAIL "$MDEyMzQ1Njc4OWFiY2RlZg==$" \
	"l1ckukn1W0wca9wc50whRnQBSLP41tHfus5fejRHhTI="

/* A fresh legacy hash verifies its own token and no other. */
static void
test_roundtrip(void **state)
{
	char *h = pbkdf2_hash("agent01-demo", 1000);

	(void)state;
	assert_non_null(h);
	assert_int_equal(auth_hash_valid(h), 1);
	assert_int_equal(auth_verify(h, "agent01-demo"), 1);
	assert_int_equal(auth_verify(h, "agent01-demO"), 0);
	assert_int_equal(auth_verify(h, "agent01-demo "), 0);
	assert_int_equal(auth_verify(h, ""), 0);
	assert_int_equal(auth_verify(h, NULL), 0);
	free(h);
}

/* The string has the documented shape: 16-byte salt, 32-byte key, standard base64. */
static void
test_format(void **state)
{
	char *h = pbkdf2_hash("x", 20000);
	char *salt, *key;
	unsigned char bytes[64];

	(void)state;
	assert_non_null(h);
	assert_int_equal(strncmp(h, "pbkdf2-sha256$20000$", 20), 0);
	salt = h + 20;
	key = strchr(salt, '$');
	assert_non_null(key);
	assert_int_equal(key - salt, 24);
	assert_int_equal(strncmp(salt + 22, "==$", 3), 0);
	key++;
	assert_int_equal(strlen(key), 44);
	assert_int_equal(key[43], '=');
	assert_int_equal(EVP_DecodeBlock(bytes, (unsigned char *)key, 44), 33);
	free(h);
}

/* Two hashes of one token differ (fresh salt) and both verify. */
static void
test_salted(void **state)
{
	char *a = pbkdf2_hash("same", 1000), *b = pbkdf2_hash("same", 1000);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_string_not_equal(a, b);
	assert_int_equal(auth_verify(a, "same"), 1);
	assert_int_equal(auth_verify(b, "same"), 1);
	free(a);
	free(b);
}

/* Hashes made by Python's hashlib verify, Chinese tokens included. */
static void
test_python_vectors(void **state)
{
	(void)state;
	assert_int_equal(auth_hash_valid(PY_AGENT01), 1);
	assert_int_equal(auth_verify(PY_AGENT01, "agent01-demo"), 1);
	assert_int_equal(auth_verify(PY_AGENT01, "agent02-demo"), 0);
	assert_int_equal(auth_verify(PY_CHINESE, "密码"), 1);
	assert_int_equal(auth_verify(PY_CHINESE, "密碼"), 0);
}

/* A changed byte in the stored key makes the right token fail. */
static void
test_tampered_key(void **state)
{
	char h[] = PY_AGENT01;

	(void)state;
	h[strlen(h) - 3] = h[strlen(h) - 3] == 'A' ? 'B' : 'A';
	assert_int_equal(auth_hash_valid(h), 1);
	assert_int_equal(auth_verify(h, "agent01-demo"), 0);
}

/* Iteration counts: 1000..10000000 in plain decimal. */
static void
test_iterations(void **state)
{
	(void)state;
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$1000" GOOD_TAIL), 1);
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$10000000" GOOD_TAIL), 1);
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$999" GOOD_TAIL), 0);
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$10000001" GOOD_TAIL), 0);
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$01000" GOOD_TAIL), 0);
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$+1000" GOOD_TAIL), 0);
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$1e4" GOOD_TAIL), 0);
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$" GOOD_TAIL), 0);
	assert_null(pbkdf2_hash("t", 999));
	assert_null(pbkdf2_hash("t", 10000001));
}

/* Plain tokens, other schemes and broken strings are not hashes. */
static void
test_malformed(void **state)
{
	(void)state;
	assert_int_equal(auth_hash_valid(NULL), 0);
	assert_int_equal(auth_hash_valid(""), 0);
	assert_int_equal(auth_hash_valid("agent01-demo"), 0);
	assert_int_equal(auth_hash_valid("pbkdf2-sha1$1000" GOOD_TAIL), 0);
	assert_int_equal(auth_hash_valid("PBKDF2-SHA256$1000" GOOD_TAIL), 0);
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$1000"), 0);
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg=="), 0);
	assert_int_equal(auth_hash_valid(PY_AGENT01 "$extra"), 0);
	assert_int_equal(auth_verify("agent01-demo", "agent01-demo"), 0);
}

/* Salt and key must be canonical standard base64 of the right sizes. */
static void
test_base64(void **state)
{
	(void)state;
	/* no padding */
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg$"
	    "l1ckukn1W0wca9wc50whRnQBSLP41tHfus5fejRHhTI="), 0);
	/* non-zero padding bits: not the canonical encoding */
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZh==$"
	    "l1ckukn1W0wca9wc50whRnQBSLP41tHfus5fejRHhTI="), 0);
	/* URL-safe alphabet */
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$2000$c2FsdHNhbHQ=$"
	    "pAE3oToJkEvhPDMOl-XvBF2Xk2t_7l6iZS9Tb7WD724="), 0);
	/* a 4-byte salt is too short */
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$1000$c2FsdA==$"
	    "l1ckukn1W0wca9wc50whRnQBSLP41tHfus5fejRHhTI="), 0);
	/* a 31-byte and a 33-byte key */
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$"
	    "l1ckukn1W0wca9wc50whRnQBSLP41tHfus5fejRHhQ=="), 0);
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$"
	    "l1ckukn1W0wca9wc50whRnQBSLP41tHfus5fejRHhTIA"), 0);
	/* whitespace */
	assert_int_equal(auth_hash_valid("pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$"
	    " l1ckukn1W0wca9wc50whRnQBSLP41tHfus5fejRHhTI="), 0);
}

/* A cheap argon2id cost for tests; the default is checked once in test_argon2_default. */
static const struct auth_cost cheap = { 64, 1, 1 };

/* Made by libargon2 with salt 01 00 .. 00 for "pw": the PHC string of RFC 9106's argon2id. */
#define A2_PW "$argon2id$v=19$m=8,t=1,p=1$AQAAAAAAAAAAAAAAAAAAAA$" \
	"sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0"

/* A fresh argon2id hash verifies its own token and no other. */
static void
test_argon2_roundtrip(void **state)
{
	char *h = auth_hash("agent01-demo", &cheap);

	(void)state;
	assert_non_null(h);
	assert_int_equal(strncmp(h, "$argon2id$v=19$m=64,t=1,p=1$", 28), 0);
	assert_int_equal(auth_hash_valid(h), 1);
	assert_int_equal(auth_hash_legacy(h), 0);
	assert_int_equal(auth_verify(h, "agent01-demo"), 1);
	assert_int_equal(auth_verify(h, "agent01-demO"), 0);
	assert_int_equal(auth_verify(h, ""), 0);
	assert_int_equal(auth_verify(h, NULL), 0);
	free(h);
}

/* The default cost is the documented one, salts differ, and the cost reads back. */
static void
test_argon2_default(void **state)
{
	char *a = auth_hash("same", NULL), *b = auth_hash("same", &cheap);
	struct auth_cost c;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(auth_hash_cost(a, &c), 0);
	assert_int_equal(c.memory_kib, AUTH_DEFAULT_MEMORY_KIB);
	assert_int_equal(c.passes, AUTH_DEFAULT_PASSES);
	assert_int_equal(c.lanes, AUTH_DEFAULT_LANES);
	assert_string_not_equal(strrchr(a, '$'), strrchr(b, '$'));
	assert_int_equal(auth_verify(a, "same"), 1);
	assert_int_equal(auth_verify(b, "same"), 1);
	assert_int_equal(auth_hash_cost(PY_AGENT01, &c), -1);
	free(a);
	free(b);
}

/* A known string verifies; a changed hash character or parameter does not. */
static void
test_argon2_vector(void **state)
{
	char h[] = A2_PW;

	(void)state;
	assert_int_equal(auth_hash_valid(A2_PW), 1);
	assert_int_equal(auth_verify(A2_PW, "pw"), 1);
	assert_int_equal(auth_verify(A2_PW, "pW"), 0);
	h[strlen(h) - 2] = h[strlen(h) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(auth_verify(h, "pw"), 0);
	assert_int_equal(auth_verify("$argon2id$v=19$m=8,t=2,p=1$"
	    "AQAAAAAAAAAAAAAAAAAAAA$sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0",
	    "pw"), 0);
}

/* Malformed and out-of-bounds argon2 strings are refused before any hashing. */
static void
test_argon2_malformed(void **state)
{
	static const char *const bad[] = {
		"$argon2i$v=19$m=8,t=1,p=1$AQAAAAAAAAAAAAAAAAAAAA$sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0",
		"$argon2id$v=16$m=8,t=1,p=1$AQAAAAAAAAAAAAAAAAAAAA$sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0",
		"$argon2id$v=19$m=8,t=0,p=1$AQAAAAAAAAAAAAAAAAAAAA$sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0",
		"$argon2id$v=19$m=99999999,t=1,p=1$AQAAAAAAAAAAAAAAAAAAAA$sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0",
		"$argon2id$v=19$m=8,t=1,p=2$AQAAAAAAAAAAAAAAAAAAAA$sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0",
		"$argon2id$v=19$m=08,t=1,p=1$AQAAAAAAAAAAAAAAAAAAAA$sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0",
		"$argon2id$v=19$t=1,m=8,p=1$AQAAAAAAAAAAAAAAAAAAAA$sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0",
		"$argon2id$v=19$m=8,t=1,p=1$AQAA$sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0",
		"$argon2id$v=19$m=8,t=1,p=1$AQAAAAAAAAAAAAAAAAAAAA$sEzNdo9k",
		"$argon2id$v=19$m=8,t=1,p=1$AQAAAAAAAAAAAAAAAAAAAA==$sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0",
		"$argon2id$v=19$m=8,t=1,p=1$AQAAAAAAAAAAAAAAAAAAAA$sEzNdo9ks/vOM0aKMhFc9yKMg3WPk7XQ5VvEMTaajX0 ",
		"$argon2id$v=19$m=8,t=1,p=1$AQAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$",
	};
	struct auth_cost huge = { AUTH_MAX_MEMORY_KIB + 1, 1, 1 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (auth_hash_valid(bad[i]))
			fail_msg("accepted %s", bad[i]);
		assert_int_equal(auth_verify(bad[i], "pw"), 0);
	}
	assert_null(auth_hash("t", &huge));
	assert_int_equal(auth_hash_legacy(PY_AGENT01), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_salted),
		cmocka_unit_test(test_python_vectors),
		cmocka_unit_test(test_tampered_key),
		cmocka_unit_test(test_iterations),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_argon2_roundtrip),
		cmocka_unit_test(test_argon2_default),
		cmocka_unit_test(test_argon2_vector),
		cmocka_unit_test(test_argon2_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
