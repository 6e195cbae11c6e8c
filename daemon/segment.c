/* Chinese word segmentation by forward maximum matching over friso's lexicon and a segmenter's own user words (see segment.h). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <friso/friso.h>

#include "segment.h"
#include "utf8.h"

#define SEGMENT_WORD 1		/* a set's flag: a whole word hashes so */
#define SEGMENT_PREFIX 2	/* ... the start of a longer word does */

/*
 * A set of 64-bit FNV-1a hashes of byte strings with their flags, open
 * addressing (key 0: empty). It only says "maybe": a word it names is
 * confirmed exactly; a prefix it names only lets the scan go on. It lets
 * forward maximum matching extend a candidate character by character,
 * hashing incrementally, and stop as soon as no longer word can start so.
 */
struct segment_set {
	uint64_t *key;
	unsigned char *flag;
	size_t mask;
};

/*
 * A segmenter: its user words in an open-addressing hash set (slots hold
 * indexes into words + 1; 0 is empty), and the longest of them in
 * characters. Never written after segment_new.
 */
struct segmenter {
	char **words;
	size_t *lens;
	size_t nwords;
	uint32_t *slots;
	size_t nslots;			/* a power of two, above 2 x nwords */
	size_t user_chars;		/* the longest user word, in characters */
	struct segment_set prefixes;	/* the user words and their prefixes */
};

/* The lexicon, loaded once per process. */
static struct {
	pthread_once_t once;
	pthread_mutex_t lock;		/* guards loading and freeing */
	friso_t friso;
	friso_config_t config;
	int failed;
	struct segment_set prefixes;	/* the lexicon's words and prefixes */
} lexicon = { PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0,
	{ NULL, NULL, 0 } };


/* Allocates a set for about n strings; 0 or -1. */
static int
segment_set_init(struct segment_set *set, size_t n)
{
	size_t slots = 64;

	while (slots < 2 * n + 2)
		slots *= 2;
	set->key = calloc(slots, sizeof *set->key);
	set->flag = calloc(slots, 1);
	set->mask = slots - 1;
	return set->key == NULL || set->flag == NULL ? -1 : 0;
}

/* Frees a set's arrays. */
static void
segment_set_free(struct segment_set *set)
{
	free(set->key);
	free(set->flag);
	memset(set, 0, sizeof *set);
}

/* One more byte into a running FNV-1a hash. */
static uint64_t
segment_fnv(uint64_t h, unsigned char c)
{
	return (h ^ c) * 1099511628211ull;
}

/* Adds flag to hash h (the table never fills: sized for every prefix). */
static void
segment_set_put(struct segment_set *set, uint64_t h, unsigned char flag)
{
	size_t i;

	h += h == 0;
	for (i = h & set->mask; set->key[i] != 0 && set->key[i] != h;
	    i = (i + 1) & set->mask)
		;
	set->key[i] = h;
	set->flag[i] |= flag;
}

/* The flags of hash h (0: none). */
static unsigned char
segment_set_get(const struct segment_set *set, uint64_t h)
{
	size_t i;

	if (set->key == NULL)
		return 0;
	h += h == 0;
	for (i = h & set->mask; set->key[i] != 0; i = (i + 1) & set->mask)
		if (set->key[i] == h)
			return set->flag[i];
	return 0;
}

/* Adds word w (len bytes) and its prefixes of a character or more. */
static void
segment_set_word(struct segment_set *set, const char *w, size_t len)
{
	uint64_t h = 14695981039346656037ull;
	size_t i = 0, c, k;

	while (i < len) {
		c = utf8_char_len((const char *)w + i, len - i);
		for (k = 0; k < c; k++)
			h = segment_fnv(h, (unsigned char)w[i + k]);
		i += c;
		segment_set_put(set, h, i < len ? SEGMENT_PREFIX :
		    SEGMENT_WORD);
	}
}

/* Fills lexicon.prefixes from friso's table of CJK words. */
static int
segment_index_lexicon(void)
{
	friso_hash_t t = lexicon.friso->dic[__LEX_CJK_WORDS__];
	hash_entry_t e;
	size_t b, n = 0;

	for (b = 0; b < t->length; b++)
		for (e = t->table[b]; e != NULL; e = e->_next)
			n += SEGMENT_LEXICON_CHARS;
	if (segment_set_init(&lexicon.prefixes, n) == -1)
		return -1;
	for (b = 0; b < t->length; b++)
		for (e = t->table[b]; e != NULL; e = e->_next)
			segment_set_word(&lexicon.prefixes, e->_key,
			    strlen(e->_key));
	return 0;
}

/* Loads friso's lexicon files listed in SEGMENT_LEXICON_DIR's friso.lex.ini. */
static void
segment_load_lexicon(void)
{
	char ini[512];
	FILE *f;

	snprintf(ini, sizeof ini, "%sfriso.lex.ini", SEGMENT_LEXICON_DIR);
	if ((f = fopen(ini, "r")) == NULL) {
		lexicon.failed = 1;
		return;
	}
	fclose(f);
	lexicon.friso = friso_new();
	lexicon.config = friso_new_config();
	friso_init_config(lexicon.config);
	lexicon.config->add_syn = 0;
	lexicon.config->max_len = SEGMENT_LEXICON_CHARS;
	lexicon.friso->charset = FRISO_UTF8;
	lexicon.friso->dic = friso_dic_new();
	friso_dic_load_from_ifile(lexicon.friso, lexicon.config,
	    (fstring)SEGMENT_LEXICON_DIR, SEGMENT_LEXICON_CHARS * 3);
	if (friso_dic_match(lexicon.friso->dic, __LEX_CJK_WORDS__,
	    (fstring)"中国") == 0 || segment_index_lexicon() == -1)
		lexicon.failed = 1;	/* unreadable files, or no memory */
}

/* pthread_once body. */
static void
segment_once(void)
{
	pthread_mutex_lock(&lexicon.lock);
	segment_load_lexicon();
	pthread_mutex_unlock(&lexicon.lock);
}

/* FNV-1a of len bytes. */
static uint32_t
segment_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* Returns 1 if the len bytes at s are a user word of seg. */
static int
segment_user_has(const struct segmenter *seg, const char *s, size_t len)
{
	size_t mask = seg->nslots - 1, i;
	uint32_t w;

	if (seg->nwords == 0)
		return 0;
	for (i = segment_hash(s, len) & mask; (w = seg->slots[i]) != 0;
	    i = (i + 1) & mask)
		if (seg->lens[w - 1] == len &&
		    memcmp(seg->words[w - 1], s, len) == 0)
			return 1;
	return 0;
}

/* Returns 1 for an ASCII letter or digit. */
static int
segment_ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* Counts the characters of a NUL-terminated word; 0 if it has a space. */
static size_t
segment_word_chars(const char *w, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len) {
		if (w[i] == ' ')
			return 0;
		i += utf8_char_len((const char *)w + i, len - i);
		n++;
	}
	return n;
}

/* Adds word w to seg's set unless it is there already; 0 or -1 (memory). */
static int
segment_add(struct segmenter *seg, const char *w, size_t len)
{
	size_t mask = seg->nslots - 1, i;

	if (segment_user_has(seg, w, len))
		return 0;
	if ((seg->words[seg->nwords] = malloc(len + 1)) == NULL)
		return -1;
	memcpy(seg->words[seg->nwords], w, len + 1);
	seg->lens[seg->nwords] = len;
	for (i = segment_hash(w, len) & mask; seg->slots[i] != 0;
	    i = (i + 1) & mask)
		;
	seg->slots[i] = (uint32_t)++seg->nwords;
	segment_set_word(&seg->prefixes, w, len);
	return 0;
}

/* Allocates seg's arrays for n words; 0 or -1. */
static int
segment_alloc(struct segmenter *seg, size_t n)
{
	seg->nslots = 16;
	while (seg->nslots < 2 * n + 2)
		seg->nslots *= 2;
	seg->words = calloc(n + 1, sizeof *seg->words);
	seg->lens = calloc(n + 1, sizeof *seg->lens);
	seg->slots = calloc(seg->nslots, sizeof *seg->slots);
	if (segment_set_init(&seg->prefixes, n * SEGMENT_USER_CHARS) == -1)
		return -1;
	return seg->words == NULL || seg->lens == NULL || seg->slots == NULL ?
	    -1 : 0;
}

/* See segment.h. */
struct segmenter *
segment_new(const char *const *words, size_t n, char *err, size_t errlen)
{
	struct segmenter *seg = NULL;
	size_t i, len, chars;

	pthread_once(&lexicon.once, segment_once);
	if (lexicon.failed) {
		snprintf(err, errlen, "cannot read the word segmenter's lexicon "
		    "%sfriso.lex.ini (Debian package friso-dict)",
		    SEGMENT_LEXICON_DIR);
		return NULL;
	}
	if (n >= UINT32_MAX / 2 || (seg = calloc(1, sizeof *seg)) == NULL ||
	    segment_alloc(seg, n) == -1)
		goto nomem;
	for (i = 0; i < n; i++) {
		len = strlen(words[i]);
		chars = segment_word_chars(words[i], len);
		if (chars < 2 || chars > SEGMENT_USER_CHARS)
			continue;
		if (segment_add(seg, words[i], len) == -1)
			goto nomem;
		if (chars > seg->user_chars)
			seg->user_chars = chars;
	}
	return seg;
nomem:
	segment_free(seg);
	snprintf(err, errlen, "out of memory for the segmenter's words");
	return NULL;
}

/* See segment.h. */
struct segmenter *
segment_dup(const struct segmenter *seg)
{
	char err[128];

	return segment_new((const char *const *)seg->words, seg->nwords, err,
	    sizeof err);
}

/* See segment.h. */
struct segmenter *
segment_extend(const struct segmenter *seg, const char *const *more,
    size_t n, char *err, size_t errlen)
{
	const char **w = calloc(seg->nwords + n + 1, sizeof *w);
	struct segmenter *out;

	if (w == NULL) {
		snprintf(err, errlen, "out of memory for the segmenter's words");
		return NULL;
	}
	memcpy(w, seg->words, seg->nwords * sizeof *w);
	memcpy(w + seg->nwords, more, n * sizeof *w);
	out = segment_new(w, seg->nwords + n, err, errlen);
	free(w);
	return out;
}

/* Frees a segmenter (NULL is fine). */
void
segment_free(struct segmenter *seg)
{
	size_t i;

	if (seg == NULL)
		return;
	for (i = 0; i < seg->nwords; i++)
		free(seg->words[i]);
	free(seg->words);
	free(seg->lens);
	free(seg->slots);
	segment_set_free(&seg->prefixes);
	free(seg);
}

/* Returns the number of user words of seg. */
size_t
segment_nwords(const struct segmenter *seg)
{
	return seg->nwords;
}

/* See segment.h. */
int
segment_is_word(const struct segmenter *seg, const char *s, size_t len)
{
	return segment_user_has(seg, s, len);
}

/* Returns 1 if the len bytes at s are a word of friso's lexicon. */
static int
segment_lexicon_has(const char *s, size_t len)
{
	char buf[SEGMENT_LEXICON_CHARS * 4 + 1];

	if (len >= sizeof buf)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return friso_dic_match(lexicon.friso->dic, __LEX_CJK_WORDS__, buf);
}

/*
 * Returns the length of the longest word of two characters or more that
 * starts at text[i] and does not end inside an ASCII run, or 0. The
 * candidate grows a character at a time while some word of the lexicon or
 * of the user list still starts so (segment_set); each word the sets name
 * is confirmed exactly.
 */
static size_t
segment_longest(const struct segmenter *seg, const char *text, size_t len,
    size_t i)
{
	uint64_t h = 14695981039346656037ull;
	size_t j = i, k, c, b, best = 0, max;
	unsigned char lf, uf;

	max = seg->user_chars > SEGMENT_LEXICON_CHARS ? seg->user_chars :
	    SEGMENT_LEXICON_CHARS;
	for (k = 1; k <= max && j < len && text[j] != ' '; k++) {
		c = utf8_char_len((const char *)text + j, len - j);
		for (b = 0; b < c; b++)
			h = segment_fnv(h, (unsigned char)text[j + b]);
		j += c;
		lf = k <= SEGMENT_LEXICON_CHARS ?
		    segment_set_get(&lexicon.prefixes, h) : 0;
		uf = segment_set_get(&seg->prefixes, h);
		if (k >= 2 && ((lf | uf) & SEGMENT_WORD) && !(j < len &&
		    segment_ascii_alnum((unsigned char)text[j]) &&
		    segment_ascii_alnum((unsigned char)text[j - 1])) &&
		    (((uf & SEGMENT_WORD) && segment_user_has(seg, text + i,
		    j - i)) || ((lf & SEGMENT_WORD) &&
		    segment_lexicon_has(text + i, j - i))))
			best = j - i;
		if (!((lf | uf) & SEGMENT_PREFIX))
			break;
	}
	return best;
}

/* Returns the length of the word at text[i] (not a space). */
static size_t
segment_next(const struct segmenter *seg, const char *text, size_t len,
    size_t i)
{
	size_t w = segment_longest(seg, text, len, i), j = i;

	if (w > 0)
		return w;
	while (j < len && segment_ascii_alnum((unsigned char)text[j]))
		j++;
	if (j > i)
		return j - i;
	return utf8_char_len((const char *)text + i, len - i);
}

/* See segment.h. */
size_t
segment_each(const struct segmenter *seg, const char *text, size_t len,
    segment_word_cb cb, void *arg)
{
	size_t i = 0, w, n = 0;

	while (i < len) {
		if (text[i] == ' ' || text[i] == '\0') {
			i++;
			continue;
		}
		w = segment_next(seg, text, len, i);
		cb(text, i, w, arg);
		n++;
		i += w;
	}
	return n;
}

/* What segment_split's callback fills. */
struct segment_fill {
	struct segment_word *out;
	size_t max, n;
};

/* segment_each callback of segment_split. */
static void
segment_fill_word(const char *text, size_t offset, size_t len, void *arg)
{
	struct segment_fill *f = arg;

	(void)text;
	if (f->n < f->max) {
		f->out[f->n].offset = offset;
		f->out[f->n].len = len;
	}
	f->n++;
}

/* See segment.h. */
size_t
segment_split(const struct segmenter *seg, const char *text, size_t len,
    struct segment_word *out, size_t max)
{
	struct segment_fill f = { out, max, 0 };

	segment_each(seg, text, len, segment_fill_word, &f);
	return f.n;
}

/* segment_each callback of segment_bounds. */
static void
segment_mark(const char *text, size_t offset, size_t len, void *arg)
{
	unsigned char *marks = arg;

	(void)text;
	marks[offset] |= SEGMENT_START;
	marks[offset + len] |= SEGMENT_END;
}

/* See segment.h. */
void
segment_bounds(const struct segmenter *seg, const char *text, size_t len,
    unsigned char *marks)
{
	memset(marks, 0, len + 1);
	segment_each(seg, text, len, segment_mark, marks);
}

/* See segment.h. */
void
segment_shutdown(void)
{
	pthread_mutex_lock(&lexicon.lock);
	if (lexicon.friso != NULL)
		friso_free(lexicon.friso);
	if (lexicon.config != NULL)
		friso_free_config(lexicon.config);
	lexicon.friso = NULL;
	lexicon.config = NULL;
	segment_set_free(&lexicon.prefixes);
	lexicon.failed = 1;	/* segment_new refuses from now on */
	pthread_mutex_unlock(&lexicon.lock);
}
