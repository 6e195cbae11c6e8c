/* The one UTF-8 decoder: strict checking, decoding, encoding and counting of untrusted text. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

/*
 * Decodes the well-formed sequence at s (len bytes available) into *cp;
 * returns its length, or 0 if it is malformed or len is 0. The ranges are
 * those of Unicode's table of well-formed byte sequences: they exclude
 * overlongs, surrogates and code points above U+10FFFF.
 */
size_t
utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;		/* overlong 3-byte forms */
	else if (s[0] == 0xed)
		hi = 0x9f;		/* surrogates U+D800..U+DFFF */
	else if (s[0] == 0xf0)
		lo = 0x90;		/* overlong 4-byte forms */
	else if (s[0] == 0xf4)
		hi = 0x8f;		/* above U+10FFFF */
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	*cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if (i >= 2 && (s[i] < 0x80 || s[i] > 0xbf))
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return n;
}

/* Writes cp as UTF-8 at out; returns the number of bytes (1..4). */
size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Returns the length of the well-formed, non-NUL sequence at s (len bytes left), or 0 if malformed. */
size_t
utf8_next(const char *s, size_t len)
{
	uint32_t cp;

	return len == 0 || s[0] == '\0' ? 0 : utf8_decode(s, len, &cp);
}

/* Returns the bytes of the character at s (left > 0 bytes remain): 1 for a malformed byte. */
size_t
utf8_char_len(const char *s, size_t left)
{
	size_t n = utf8_next(s, left);

	return n == 0 ? 1 : n;
}

/* Returns 1 if the len bytes at s are well-formed UTF-8 without NUL bytes. */
int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (len > 0) {
		if ((n = utf8_next((const char *)p, len)) == 0)
			return 0;
		p += n;
		len -= n;
	}
	return 1;
}

/* Returns the number of code points in valid UTF-8 s. */
size_t
utf8_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0;

	for (; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80)
			count++;
	return count;
}

/* Returns the bytes of the longest prefix of s, at most max, that ends between two characters. */
size_t
utf8_prefix(const char *s, size_t max)
{
	size_t len = strlen(s), at = 0, n;

	while (at < len && (n = utf8_next(s + at, len - at)) > 0 &&
	    at + n <= max)
		at += n;
	return at;
}

/* Drops the bytes of malformed sequences from s in place (what a cut or a format made). */
void
utf8_scrub(char *s)
{
	size_t len = strlen(s), in = 0, out = 0, n;

	while (in < len) {
		if ((n = utf8_next(s + in, len - in)) == 0) {
			in++;
			continue;
		}
		memmove(s + out, s + in, n);
		in += n;
		out += n;
	}
	s[out] = '\0';
}
