/* Text normalisation applied to tickets and catalogue keywords before matching. */
#ifndef NORMALIZE_H
#define NORMALIZE_H

#include <stddef.h>

/*
 * The normal form of a text, in this order:
 *
 *   - malformed UTF-8 (overlongs, surrogates, truncated or stray bytes) is
 *     never read past the end of the string; each bad byte acts as a
 *     separator (like a space);
 *   - full-width ASCII U+FF01..U+FF5E becomes U+0021..U+007E, the
 *     ideographic space U+3000 becomes a space;
 *   - ASCII letters are lower-cased (after the full-width fold, so "ＫＴＶ"
 *     gives "ktv");
 *   - punctuation and symbols, ASCII and Chinese alike (，。、；：？！“”‘’
 *     《》【】（）…—·, the small and vertical forms, Latin-1 signs), control
 *     characters and every kind of white space are separators; a run of
 *     separators becomes one space, and none is left at either end. A
 *     separator is kept (not removed) so that no keyword or n-gram is
 *     formed across a sentence boundary: "没水。压力" must not match "水压";
 *   - invisible format characters (zero-width space and joiners, word
 *     joiner, byte order mark, soft hyphen) are removed outright;
 *   - Traditional characters become Simplified with OpenCC's t2s.json
 *     (phrase-aware: 頭髮 → 头发, 乾淨 → 干净 but 乾隆 stays). OpenCC is
 *     slow (about 8 MB/s), so it only runs on a text that contains at least
 *     one CJK character (U+3400..U+9FFF) that t2s.json changes; the set of
 *     such characters is computed from OpenCC itself by normalize_init.
 *
 * Digits, letters, CJK characters and emoji are otherwise kept unchanged.
 * Normalising twice gives the same text as normalising once.
 */

/*
 * Opens OpenCC's t2s.json and computes the set of characters it converts.
 * Returns 0, or -1 (with a reason in err) if OpenCC cannot be used; the
 * other normalisation steps work without it, and normalize_text then leaves
 * Traditional characters alone. Calling it again after success does nothing.
 */
int normalize_init(char *err, size_t errlen);
/* Closes OpenCC; normalize_init may be called again afterwards. */
void normalize_free(void);
/* Returns 1 if normalize_init succeeded and T→S conversion is active. */
int normalize_t2s_ready(void);
/*
 * Returns the normal form of the NUL-terminated utf8 (NULL counts as ""),
 * a new string the caller frees. Never fails (allocation aborts).
 */
char *normalize_text(const char *utf8);

#endif
