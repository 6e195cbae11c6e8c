/* The one UTF-8 decoder: checking, decoding, encoding, counting (utf8.c; pure core). */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Contract: every function reads (or, for utf8_scrub, rewrites in place)
 * the caller's bytes and keeps nothing: any thread may call them.
 * "Well-formed" is Unicode's table of well-formed byte sequences: no
 * overlongs, surrogates or code points above U+10FFFF.
 */

/* utf8.c */
/*
 * Returns 1 if the len bytes at s are well-formed UTF-8: no overlongs,
 * surrogates, code points above U+10FFFF or NUL bytes.
 */
int utf8_valid(const char *s, size_t len);
/* Returns the number of code points in valid UTF-8 s. */
size_t utf8_length(const char *s);
/*
 * Returns the length (1-4) of the well-formed, non-NUL UTF-8 sequence at s,
 * of which len bytes may be read, or 0 if it is malformed.
 */
size_t utf8_next(const char *s, size_t len);
/*
 * The bytes of the longest prefix of s no longer than max that does not cut
 * a character: "%.*s" with it never leaves half a character.
 */
size_t utf8_prefix(const char *s, size_t max);
/* Drops malformed sequences from s in place: what goes out must be UTF-8. */
void utf8_scrub(char *s);
/*
 * Decodes the well-formed sequence at s (len bytes may be read) into *cp and
 * returns its length (1-4), or 0 if it is malformed or len is 0. A NUL byte
 * decodes as U+0000 (utf8_next refuses it).
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Writes code point cp (at most U+10FFFF) as UTF-8 at out; returns its length (1-4). */
size_t utf8_encode(uint32_t cp, char *out);
/*
 * The bytes of the character at s, of which left > 0 bytes remain: its
 * sequence's length when well-formed, else 1 (a malformed byte steps alone).
 */
size_t utf8_char_len(const char *s, size_t left);

#endif
