/* Unit tests of auth.c: PBKDF2-SHA256 credential hashes, checked against Python's hashlib. */
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

/* A fresh hash verifies its own token and no other. */
static void
test_roundtrip(void **state)
{
	char *h = auth_hash("agent01-demo", 1000);

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
	char *h = auth_hash("x", AUTH_DEFAULT_ITERATIONS);
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
	char *a = auth_hash("same", 1000), *b = auth_hash("same", 1000);

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
	assert_null(auth_hash("t", 999));
	assert_null(auth_hash("t", 10000001));
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
