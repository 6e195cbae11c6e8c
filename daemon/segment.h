/* Chinese word segmentation of normalised text: friso's lexicon plus a user word list, forward maximum matching; a pure core (no loop, no store). */
#ifndef SEGMENT_H
#define SEGMENT_H

#include <stddef.h>

/*
 * What a word is. The text is normal form (normalize_text): no punctuation,
 * single spaces. It is cut into words from left to right:
 *   - a space separates words and is never part of one;
 *   - at any other position the longest word of the user list or of friso's
 *     lexicon (its __LEX_CJK_WORDS__ files, loaded once per process from
 *     SEGMENT_LEXICON_DIR) that starts there is taken (forward maximum
 *     matching: friso's "simple mode", the one fast enough for 400-character
 *     tickets in well under a millisecond); a word may not end inside a run
 *     of ASCII letters and digits;
 *   - failing that, a maximal run of ASCII letters and digits ("ktv",
 *     "12345") is one word, and any other character is a word of its own.
 * Lexicon words are at most SEGMENT_LEXICON_CHARS characters, user words at
 * most SEGMENT_USER_CHARS (longer user words, and words with a space, are
 * ignored: they can only be sequences of words).
 *
 * Why not friso's own tokenizer: it writes into the shared lexicon's
 * entries while it segments (so two threads may not segment at once), and
 * its user words can only be added to that one shared lexicon, never
 * removed. Here the lexicon is only read (friso_dic_match), and each
 * segmenter has its own user words.
 *
 * Threads and memory: the lexicon (about 25 MB) is loaded once, by the
 * first segment_new of the process, and shared read-only by every
 * segmenter. segment_new and segment_free may be called from any thread; a
 * segmenter, once made, is never written: any number of threads may call
 * segment_split and segment_bounds on it at once. segment_shutdown frees the
 * lexicon; call it only when no segmenter is left (at exit).
 */
#define SEGMENT_LEXICON_DIR "/usr/share/friso/dict/UTF-8/"
#define SEGMENT_LEXICON_CHARS 6
#define SEGMENT_USER_CHARS 16

/* Word-boundary marks of segment_bounds. */
#define SEGMENT_START 1		/* a word starts at this byte */
#define SEGMENT_END 2		/* a word ends just before this byte */

struct segmenter;

/* One word: len bytes at offset of the text (len > 0). */
struct segment_word {
	size_t offset;
	size_t len;
};

/* Called for each word of a text, in text order. */
typedef void (*segment_word_cb)(const char *text, size_t offset, size_t len,
    void *arg);

/*
 * A segmenter with the n user words (normal form; copied; duplicates and
 * words the lexicon has are fine). Loads the lexicon on first use. Returns
 * NULL with the reason in err if the lexicon cannot be read.
 */
struct segmenter *segment_new(const char *const *words, size_t n, char *err,
    size_t errlen);
void segment_free(struct segmenter *);
/* A copy of seg with the same user words (NULL only if out of memory). */
struct segmenter *segment_dup(const struct segmenter *);
/*
 * A new segmenter with seg's user words and the n words more (as
 * segment_new takes them: a domain lexicon); NULL with err if out of memory.
 */
struct segmenter *segment_extend(const struct segmenter *seg,
    const char *const *more, size_t n, char *err, size_t errlen);
/* Number of user words kept (for logs and tests). */
size_t segment_nwords(const struct segmenter *);
/* Returns 1 if the len bytes at s are one of the segmenter's user words. */
int segment_is_word(const struct segmenter *, const char *s, size_t len);
/*
 * Calls cb for each word of the len bytes of text, in order. Returns the
 * number of words. Malformed UTF-8 bytes are words of one byte. Allocates
 * nothing.
 */
size_t segment_each(const struct segmenter *, const char *text, size_t len,
    segment_word_cb cb, void *arg);
/*
 * Writes the first max words of text into out and returns how many words
 * the text has (more than max: out holds the first max).
 */
size_t segment_split(const struct segmenter *, const char *text, size_t len,
    struct segment_word *out, size_t max);
/*
 * Sets marks[0 .. len] (len + 1 bytes, zeroed first) to SEGMENT_START and
 * SEGMENT_END bits: a substring [a, b) is a sequence of whole words exactly
 * when marks[a] & SEGMENT_START and marks[b] & SEGMENT_END.
 */
void segment_bounds(const struct segmenter *, const char *text, size_t len,
    unsigned char *marks);
/* Frees the shared lexicon; no segmenter may be left. */
void segment_shutdown(void);

#endif
