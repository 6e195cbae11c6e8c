/* Strict UTF-8 checking and code point counting for untrusted text. */
#include <stddef.h>
#include <string.h>

#include "hotlined.h"

/*
 * Returns the length of the well-formed, non-NUL sequence at s (at most len
 * bytes available), or 0 if it is malformed. The ranges are those of
 * Unicode's table of well-formed byte sequences: they exclude overlongs,
 * surrogates and code points above U+10FFFF.
 */
static size_t
utf8_sequence(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] == 0x00)
		return 0;
	if (s[0] < 0x80)
		return 1;
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
	if (len < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* Returns the length of the well-formed sequence at s (len bytes left), or 0 if malformed. */
size_t
utf8_next(const char *s, size_t len)
{
	return len == 0 ? 0 : utf8_sequence((const unsigned char *)s, len);
}

/* Returns 1 if the len bytes at s are well-formed UTF-8 without NUL bytes. */
int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (len > 0) {
		if ((n = utf8_sequence(p, len)) == 0)
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
