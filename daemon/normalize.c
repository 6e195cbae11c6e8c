/* Normalises ticket text before matching: width, case, white space, punctuation, Traditional → Simplified. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opencc/opencc.h>

#include "normalize.h"
#include "utf8.h"
#include "xmalloc.h"

/* The CJK characters whose conversion by t2s.json is looked up in a bitmap. */
#define NORMALIZE_CJK_FIRST 0x3400u
#define NORMALIZE_CJK_LAST 0x9fffu
#define NORMALIZE_CJK_COUNT (NORMALIZE_CJK_LAST - NORMALIZE_CJK_FIRST + 1)
#define NORMALIZE_T2S_ROUNDS 3	/* conversions chain at most this deep */

/* What normalisation does with one code point. */
enum normalize_class {
	NORMALIZE_KEEP,		/* copied to the output */
	NORMALIZE_SEPARATOR,	/* part of a run that becomes one space */
	NORMALIZE_DROP		/* removed without a trace */
};

/* An output buffer being filled; it never needs more bytes than the input. */
struct normalize_out {
	char *buf;
	size_t len;
	int pending_space;	/* a separator was seen since the last character */
	int traditional;	/* a character t2s.json changes was written */
};

static opencc_t normalize_cc;	/* NULL: no T→S conversion */
/* Bit i set: t2s.json changes U+3400 + i. Valid while normalize_cc is set. */
static unsigned char normalize_trad[NORMALIZE_CJK_COUNT / 8];

/* Maps full-width ASCII and the ideographic space to plain ASCII. */
static uint32_t
normalize_width(uint32_t cp)
{
	if (cp >= 0xff01 && cp <= 0xff5e)
		return cp - 0xfee0;
	if (cp == 0x3000)
		return ' ';
	return cp;
}

/* Returns 1 for invisible format characters, which are removed. */
static int
normalize_is_format(uint32_t cp)
{
	return cp == 0xad || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
	    (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xfeff;
}

/*
 * Returns 1 for white space, controls, punctuation and symbols outside
 * ASCII: Latin-1 signs, general punctuation and spaces, arrows, maths,
 * technical and geometric symbols, dingbats, CJK punctuation (except
 * 々 〆 〇, which are parts of words), vertical, compatibility and small
 * forms, the half-width CJK punctuation and the full-width signs ￥ ￡ ￠.
 */
static int
normalize_is_separator(uint32_t cp)
{
	if (cp <= 0xbf)
		return 1;	/* callers handle ASCII before asking */
	if (cp == 0xd7 || cp == 0xf7)
		return 1;
	if ((cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x2190 && cp <= 0x2bff))
		return 1;
	if (cp >= 0x3000 && cp <= 0x303f)
		return cp < 0x3005 || cp > 0x3007;
	if ((cp >= 0xfe10 && cp <= 0xfe1f) || (cp >= 0xfe30 && cp <= 0xfe6f))
		return 1;
	if ((cp >= 0xff5f && cp <= 0xff65) || (cp >= 0xffe0 && cp <= 0xffee))
		return 1;
	return cp == 0xfffd;
}

/* Classifies cp, already folded to half width. */
static enum normalize_class
normalize_classify(uint32_t cp)
{
	if (cp < 0x80)
		return ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z')) ? NORMALIZE_KEEP :
		    NORMALIZE_SEPARATOR;
	if (normalize_is_format(cp))
		return NORMALIZE_DROP;
	if (normalize_is_separator(cp))
		return NORMALIZE_SEPARATOR;
	return NORMALIZE_KEEP;
}

/* Returns 1 if t2s.json changes cp on its own. */
static int
normalize_is_traditional(uint32_t cp)
{
	uint32_t i;

	if (normalize_cc == NULL || cp < NORMALIZE_CJK_FIRST ||
	    cp > NORMALIZE_CJK_LAST)
		return 0;
	i = cp - NORMALIZE_CJK_FIRST;
	return (normalize_trad[i / 8] >> (i % 8)) & 1;
}

/* Appends a kept character, preceded by one space if separators came first. */
static void
normalize_put(struct normalize_out *o, uint32_t cp)
{
	if (o->pending_space && o->len > 0)
		o->buf[o->len++] = ' ';
	o->pending_space = 0;
	if (cp >= 'A' && cp <= 'Z')
		cp += 'a' - 'A';
	o->len += utf8_encode(cp, o->buf + o->len);
	if (normalize_is_traditional(cp))
		o->traditional = 1;
}

/* Returns 1 if the well-formed text contains a character t2s.json changes. */
static int
normalize_has_traditional(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t left = strlen(text), n;
	uint32_t cp;

	for (; left > 0; s += n, left -= n) {
		if ((n = utf8_decode((const char *)s, left, &cp)) == 0)
			n = 1;
		else if (normalize_is_traditional(cp))
			return 1;
	}
	return 0;
}

/*
 * Runs the text through t2s.json until it no longer changes, at most
 * NORMALIZE_T2S_ROUNDS times: a few conversions chain (薴 → 苧 → 苎), and
 * normalising must be idempotent. Keeps the text as it is if OpenCC fails.
 */
static char *
normalize_t2s(char *text)
{
	char *conv, *out;
	int round;

	for (round = 0; round < NORMALIZE_T2S_ROUNDS; round++) {
		conv = opencc_convert_utf8(normalize_cc, text, strlen(text));
		if (conv == NULL)
			break;
		if (strcmp(conv, text) == 0) {
			opencc_convert_utf8_free(conv);
			break;
		}
		out = xstrdup(conv);
		opencc_convert_utf8_free(conv);
		free(text);
		text = out;
		if (!normalize_has_traditional(text))
			break;
	}
	return text;
}

/* Returns the normal form of utf8 as a new string; see normalize.h. */
char *
normalize_text(const char *utf8)
{
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	size_t left = strlen((const char *)s), n;
	struct normalize_out o = { xmalloc(left + 1), 0, 0, 0 };
	uint32_t cp;

	while (left > 0) {
		if ((n = utf8_decode((const char *)s, left, &cp)) == 0) {
			n = 1;		/* a malformed byte separates */
			cp = ' ';
		}
		s += n;
		left -= n;
		cp = normalize_width(cp);
		switch (normalize_classify(cp)) {
		case NORMALIZE_KEEP:
			normalize_put(&o, cp);
			break;
		case NORMALIZE_SEPARATOR:
			o.pending_space = 1;
			break;
		case NORMALIZE_DROP:
			break;
		}
	}
	o.buf[o.len] = '\0';
	if (o.traditional)
		return normalize_t2s(o.buf);
	return o.buf;
}

/*
 * Marks in normalize_trad every CJK character that t2s.json changes, by
 * converting all of them at once, one per line (no dictionary entry spans a
 * newline). Returns 0, or -1 with err set.
 */
static int
normalize_build_table(char *err, size_t errlen)
{
	char *in = xmalloc(NORMALIZE_CJK_COUNT * 4 + 1), *out, *p, *q, *pe, *qe;
	size_t len = 0, i;
	int rc = 0;

	for (i = 0; i < NORMALIZE_CJK_COUNT; i++) {
		len += utf8_encode(NORMALIZE_CJK_FIRST + (uint32_t)i,
		    in + len);
		in[len++] = '\n';
	}
	in[len] = '\0';
	memset(normalize_trad, 0, sizeof normalize_trad);
	if ((out = opencc_convert_utf8(normalize_cc, in, len)) == NULL) {
		snprintf(err, errlen, "opencc: %s", opencc_error());
		free(in);
		return -1;
	}
	for (i = 0, p = in, q = out; i < NORMALIZE_CJK_COUNT; i++) {
		pe = strchr(p, '\n');
		if ((qe = strchr(q, '\n')) == NULL) {
			snprintf(err, errlen, "opencc: t2s.json output has "
			    "fewer lines than its input");
			rc = -1;
			break;
		}
		if (pe - p != qe - q || memcmp(p, q, (size_t)(pe - p)) != 0)
			normalize_trad[i / 8] |= (unsigned char)(1u << (i % 8));
		p = pe + 1;
		q = qe + 1;
	}
	opencc_convert_utf8_free(out);
	free(in);
	return rc;
}

/* Opens OpenCC's t2s.json and builds the table; see normalize.h. */
int
normalize_init(char *err, size_t errlen)
{
	opencc_t cc;

	if (normalize_cc != NULL)
		return 0;
	cc = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
	if (cc == (opencc_t)-1) {
		snprintf(err, errlen, "opencc: cannot open %s: %s",
		    OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP, opencc_error());
		return -1;
	}
	normalize_cc = cc;
	if (normalize_build_table(err, errlen) == -1) {
		normalize_free();
		return -1;
	}
	return 0;
}

/* Closes OpenCC; Traditional text is left alone until the next init. */
void
normalize_free(void)
{
	if (normalize_cc == NULL)
		return;
	opencc_close(normalize_cc);
	normalize_cc = NULL;
}

/* Returns 1 if T→S conversion is active. */
int
normalize_t2s_ready(void)
{
	return normalize_cc != NULL;
}
