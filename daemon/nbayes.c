/* Multinomial naive Bayes over character unigrams and bigrams, with flat counters and no allocation while scoring. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "nbayes.h"

#define NBAYES_LOGTAB 256	/* log(c + alpha) is tabled for c below this */
#define NBAYES_MIN_SLOTS 1024	/* power of two */

/* A token of the vocabulary: its bytes in the key arena. */
struct nbayes_key {
	uint32_t off;
	uint32_t len;
};

/* A hash table slot: hash 0 means empty; row indexes keys and counts. */
struct nbayes_slot {
	uint64_t hash;
	uint32_t row;
};

/*
 * Invariants: ntokens rows, each of nlabels counters in counts (row-major)
 * and one key; the table has nslots (a power of two) slots, at most 70%
 * full; tokens[l] is the sum of column l; total_docs the sum of docs.
 */
struct nbayes {
	char **labels;
	size_t nlabels;
	uint64_t *docs;
	uint64_t *tokens;
	uint64_t total_docs;
	double alpha;
	double temperature;
	double logtab[NBAYES_LOGTAB];	/* log(c + alpha) */

	struct nbayes_slot *slots;
	size_t nslots;
	struct nbayes_key *keys;	/* per row */
	uint32_t *counts;		/* per row, nlabels each */
	size_t ntokens;
	size_t rows_size;		/* rows allocated */
	char *arena;			/* token bytes */
	size_t arena_len;
	size_t arena_size;
};

/* One text being scored. */
struct nbayes_scoring {
	const struct nbayes *nb;
	double *loglik;
	size_t known;
};

/* One text being added. */
struct nbayes_training {
	struct nbayes *nb;
	size_t label;
	uint64_t weight;	/* added per token occurrence */
};

/* Returns the length of the ASCII letter/digit run at s, and if all digits. */
static size_t
nbayes_ascii_run(const unsigned char *s, int *digits)
{
	size_t n = 0;

	*digits = 1;
	for (;; n++) {
		if (s[n] >= '0' && s[n] <= '9')
			continue;
		if ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z')) {
			*digits = 0;
			continue;
		}
		return n;
	}
}

/* Returns the length of the non-ASCII code point at s, or 0 if malformed. */
static size_t
nbayes_char_length(const unsigned char *s)
{
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)		/* stops at the NUL, never past it */
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * Finds the unit at s: returns its length (0 at the end of the text) and sets
 * *token to 1 if it makes tokens, 0 if it only separates (spaces, ASCII
 * punctuation, malformed bytes, over-long ASCII runs).
 */
static size_t
nbayes_unit(const unsigned char *s, int *token)
{
	size_t n;
	int digits;

	*token = 0;
	if (*s == '\0')
		return 0;
	if (*s < 0x80) {
		if ((n = nbayes_ascii_run(s, &digits)) == 0)
			return 1;
		*token = n <= NBAYES_ASCII_MAX &&
		    (!digits || n <= NBAYES_DIGITS_MAX);
		return n;
	}
	if ((n = nbayes_char_length(s)) == 0)
		return 1;
	*token = 1;
	return n;
}

/* Calls cb for each unigram and bigram of text; returns how many. */
size_t
nbayes_tokens(const char *text, nbayes_token_cb cb, void *arg)
{
	const unsigned char *s = (const unsigned char *)text, *prev = NULL;
	size_t n, count = 0;
	int token;

	while ((n = nbayes_unit(s, &token)) > 0) {
		if (!token)
			prev = NULL;
		else {
			cb((const char *)s, n, arg);
			count++;
			if (prev != NULL) {
				cb((const char *)prev, (size_t)(s - prev) + n,
				    arg);
				count++;
			}
			prev = s;
		}
		s += n;
	}
	return count;
}

/* FNV-1a with a final mix; never 0, which marks an empty slot. */
static uint64_t
nbayes_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h == 0 ? 1 : h;
}

/* Returns the slot of token, or the empty slot where it would go. */
static struct nbayes_slot *
nbayes_find(const struct nbayes *nb, const char *token, size_t len,
    uint64_t h)
{
	size_t mask = nb->nslots - 1, i = (size_t)h & mask;
	struct nbayes_slot *slot;
	const struct nbayes_key *k;

	for (;; i = (i + 1) & mask) {
		slot = &nb->slots[i];
		if (slot->hash == 0)
			return slot;
		k = &nb->keys[slot->row];
		if (slot->hash == h && k->len == len &&
		    memcmp(nb->arena + k->off, token, len) == 0)
			return slot;
	}
}

/* Doubles the hash table and puts every token back. */
static void
nbayes_grow_table(struct nbayes *nb)
{
	struct nbayes_slot *old = nb->slots;
	size_t nold = nb->nslots, i, j, mask;

	nb->nslots *= 2;
	nb->slots = xcalloc(nb->nslots, sizeof *nb->slots);
	mask = nb->nslots - 1;
	for (i = 0; i < nold; i++) {
		if (old[i].hash == 0)
			continue;
		for (j = (size_t)old[i].hash & mask; nb->slots[j].hash != 0;
		    j = (j + 1) & mask)
			;
		nb->slots[j] = old[i];
	}
	free(old);
}

/* Makes room for one more row and len more arena bytes. */
static void
nbayes_reserve(struct nbayes *nb, size_t len)
{
	size_t old = nb->rows_size;

	if (nb->ntokens == nb->rows_size) {
		nb->rows_size = old == 0 ? NBAYES_MIN_SLOTS : old * 2;
		nb->keys = xrealloc(nb->keys, nb->rows_size * sizeof *nb->keys);
		nb->counts = xrealloc(nb->counts,
		    nb->rows_size * nb->nlabels * sizeof *nb->counts);
	}
	if (nb->arena_len + len > nb->arena_size) {
		while (nb->arena_len + len > nb->arena_size)
			nb->arena_size = nb->arena_size == 0 ? 8192 :
			    nb->arena_size * 2;
		nb->arena = xrealloc(nb->arena, nb->arena_size);
	}
}

/* Returns the counters of token, adding a zero row if it is new. */
static uint32_t *
nbayes_row(struct nbayes *nb, const char *token, size_t len)
{
	uint64_t h = nbayes_hash(token, len);
	struct nbayes_slot *slot = nbayes_find(nb, token, len, h);
	struct nbayes_key *k;

	if (slot->hash == 0) {
		if ((nb->ntokens + 1) * 10 > nb->nslots * 7) {
			nbayes_grow_table(nb);
			slot = nbayes_find(nb, token, len, h);
		}
		nbayes_reserve(nb, len);
		k = &nb->keys[nb->ntokens];
		k->off = (uint32_t)nb->arena_len;
		k->len = (uint32_t)len;
		xmemcpy(nb->arena + nb->arena_len, token, len);
		nb->arena_len += len;
		memset(nb->counts + nb->ntokens * nb->nlabels, 0,
		    nb->nlabels * sizeof *nb->counts);
		slot->hash = h;
		slot->row = (uint32_t)nb->ntokens++;
	}
	return nb->counts + (size_t)slot->row * nb->nlabels;
}

/* Adds n to counter c of label l, saturating at the counter's limit. */
static void
nbayes_bump(struct nbayes *nb, uint32_t *c, size_t l, uint64_t n)
{
	uint64_t sum = (uint64_t)*c + n;

	*c = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
	nb->tokens[l] += n;
}

/* A new empty model over labels (copied). */
struct nbayes *
nbayes_new(const char *const *labels, size_t nlabels)
{
	struct nbayes *nb = xcalloc(1, sizeof *nb);
	size_t i;

	nb->labels = xcalloc(nlabels, sizeof *nb->labels);
	for (i = 0; i < nlabels; i++)
		nb->labels[i] = xstrdup(labels[i]);
	nb->nlabels = nlabels;
	nb->docs = xcalloc(nlabels, sizeof *nb->docs);
	nb->tokens = xcalloc(nlabels, sizeof *nb->tokens);
	nb->nslots = NBAYES_MIN_SLOTS;
	nb->slots = xcalloc(nb->nslots, sizeof *nb->slots);
	nb->temperature = NBAYES_TEMPERATURE;
	nbayes_set_alpha(nb, NBAYES_ALPHA);
	return nb;
}

/* Frees the model. */
void
nbayes_free(struct nbayes *nb)
{
	size_t i;

	if (nb == NULL)
		return;
	for (i = 0; i < nb->nlabels; i++)
		free(nb->labels[i]);
	free(nb->labels);
	free(nb->docs);
	free(nb->tokens);
	free(nb->slots);
	free(nb->keys);
	free(nb->counts);
	free(nb->arena);
	free(nb);
}

/* Returns the number of labels. */
size_t
nbayes_nlabels(const struct nbayes *nb)
{
	return nb->nlabels;
}

/* Returns label i. */
const char *
nbayes_label(const struct nbayes *nb, size_t i)
{
	return nb->labels[i];
}

/* Returns the index of label, or -1. */
long
nbayes_label_index(const struct nbayes *nb, const char *label)
{
	size_t i;

	for (i = 0; i < nb->nlabels; i++)
		if (strcmp(nb->labels[i], label) == 0)
			return (long)i;
	return -1;
}

/* Sets the smoothing constant and refills the table of logarithms. */
void
nbayes_set_alpha(struct nbayes *nb, double alpha)
{
	size_t c;

	nb->alpha = alpha > 0 ? alpha : NBAYES_ALPHA;
	for (c = 0; c < NBAYES_LOGTAB; c++)
		nb->logtab[c] = log((double)c + nb->alpha);
}

/* Sets the softmax temperature. */
void
nbayes_set_temperature(struct nbayes *nb, double temperature)
{
	nb->temperature = temperature > 0 ? temperature : NBAYES_TEMPERATURE;
}

/* Returns V, the number of distinct tokens. */
size_t
nbayes_vocabulary(const struct nbayes *nb)
{
	return nb->ntokens;
}

/* Returns the number of examples of label i. */
uint64_t
nbayes_docs(const struct nbayes *nb, size_t i)
{
	return nb->docs[i];
}

/* Returns the token occurrences counted for label i. */
uint64_t
nbayes_label_tokens(const struct nbayes *nb, size_t i)
{
	return nb->tokens[i];
}

/* Returns the counter of (label i, token), 0 if unseen. */
uint64_t
nbayes_count(const struct nbayes *nb, size_t i, const char *token, size_t len)
{
	const struct nbayes_slot *slot;

	slot = nbayes_find(nb, token, len, nbayes_hash(token, len));
	if (slot->hash == 0)
		return 0;
	return nb->counts[(size_t)slot->row * nb->nlabels + i];
}

/* Token callback of nbayes_train: counts one occurrence. */
static void
nbayes_train_token(const char *token, size_t len, void *arg)
{
	struct nbayes_training *t = arg;
	uint32_t *row = nbayes_row(t->nb, token, len);

	nbayes_bump(t->nb, &row[t->label], t->label, t->weight);
}

/* Adds weight to the counters of text's tokens for label l. */
static long
nbayes_add_tokens(struct nbayes *nb, const char *text, size_t l,
    uint64_t weight)
{
	struct nbayes_training t;

	t.nb = nb;
	t.label = l;
	t.weight = weight;
	return (long)nbayes_tokens(text, nbayes_train_token, &t);
}

/* Adds one example of label; returns its token count, or -1. */
long
nbayes_train(struct nbayes *nb, const char *text, const char *label)
{
	long l = nbayes_label_index(nb, label);

	if (l == -1)
		return -1;
	nb->docs[l]++;
	nb->total_docs++;
	return nbayes_add_tokens(nb, text, (size_t)l, 1);
}

/* Adds weight per token of text to label, not counting an example. */
long
nbayes_add_text(struct nbayes *nb, const char *text, const char *label,
    uint64_t weight)
{
	long l = nbayes_label_index(nb, label);

	if (l == -1)
		return -1;
	return nbayes_add_tokens(nb, text, (size_t)l, weight);
}

/* Adds docs examples to label's count; returns 0, or -1 if unknown. */
int
nbayes_add_docs(struct nbayes *nb, const char *label, uint64_t docs)
{
	long l = nbayes_label_index(nb, label);

	if (l == -1)
		return -1;
	nb->docs[l] += docs;
	nb->total_docs += docs;
	return 0;
}

/* Adds count to (label, token); returns 0, or -1. */
int
nbayes_add_count(struct nbayes *nb, const char *label, const char *token,
    size_t len, uint64_t count)
{
	long l = nbayes_label_index(nb, label);
	uint32_t *row;

	if (l == -1 || len == 0 || len > NBAYES_TOKEN_MAX)
		return -1;
	if (count == 0)
		return 0;
	row = nbayes_row(nb, token, len);
	nbayes_bump(nb, &row[l], (size_t)l, count);
	return 0;
}

/* Calls cb for every non-zero counter, label by label, tokens as added. */
void
nbayes_foreach_count(const struct nbayes *nb, nbayes_count_cb cb, void *arg)
{
	const struct nbayes_key *k;
	size_t l, r;
	uint32_t c;

	for (l = 0; l < nb->nlabels; l++)
		for (r = 0; r < nb->ntokens; r++) {
			if ((c = nb->counts[r * nb->nlabels + l]) == 0)
				continue;
			k = &nb->keys[r];
			cb(nb->labels[l], nb->arena + k->off, k->len, c, arg);
		}
}

/* Token callback of nbayes_loglik: adds the numerators of a known token. */
static void
nbayes_score_token(const char *token, size_t len, void *arg)
{
	struct nbayes_scoring *sc = arg;
	const struct nbayes *nb = sc->nb;
	const struct nbayes_slot *slot;
	const uint32_t *row;
	size_t l;

	slot = nbayes_find(nb, token, len, nbayes_hash(token, len));
	if (slot->hash == 0)
		return;
	sc->known++;
	row = nb->counts + (size_t)slot->row * nb->nlabels;
	for (l = 0; l < nb->nlabels; l++)
		sc->loglik[l] += row[l] < NBAYES_LOGTAB ? nb->logtab[row[l]] :
		    log((double)row[l] + nb->alpha);
}

/* Returns the number of labels with examples or token counts. */
static size_t
nbayes_active_labels(const struct nbayes *nb)
{
	size_t l, n = 0;

	for (l = 0; l < nb->nlabels; l++)
		if (nb->docs[l] > 0 || nb->tokens[l] > 0)
			n++;
	return n;
}

/* Fills loglik per label; returns the number of known token occurrences. */
size_t
nbayes_loglik(const struct nbayes *nb, const char *text, double *loglik)
{
	struct nbayes_scoring sc = { nb, loglik, 0 };
	double v = (double)nb->ntokens, active;
	size_t l;

	for (l = 0; l < nb->nlabels; l++)
		loglik[l] = 0;
	nbayes_tokens(text, nbayes_score_token, &sc);
	active = (double)nbayes_active_labels(nb);
	for (l = 0; l < nb->nlabels; l++) {
		if (nb->docs[l] == 0 && nb->tokens[l] == 0) {
			loglik[l] = -INFINITY;
			continue;
		}
		loglik[l] += log(((double)nb->docs[l] + 1) /
		    ((double)nb->total_docs + active)) -
		    (double)sc.known * log((double)nb->tokens[l] + nb->alpha * v);
	}
	return sc.known;
}

/* Softmax of v / temperature in place; -INFINITY gives 0. */
void
nbayes_softmax(double *v, size_t n, double temperature)
{
	double max = -INFINITY, sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (i = 0; i < n; i++) {
		v[i] = isinf(max) || isinf(v[i]) ? 0 :
		    exp((v[i] - max) / temperature);
		sum += v[i];
	}
	if (sum > 0)
		for (i = 0; i < n; i++)
			v[i] /= sum;
}

/* Fills prob with P(label | text); returns the known token count. */
size_t
nbayes_posterior(const struct nbayes *nb, const char *text, double *prob)
{
	size_t known = nbayes_loglik(nb, text, prob);

	nbayes_softmax(prob, nb->nlabels, nb->temperature);
	return known;
}

/* Returns 1 if label a ranks before label b. */
static int
nbayes_before(const double *prob, size_t a, size_t b)
{
	return prob[a] > prob[b] || (prob[a] == prob[b] && a < b);
}

/* Writes the best max labels of prob, best first; returns how many. */
size_t
nbayes_rank(const double *prob, size_t nlabels, struct nbayes_rank *out,
    size_t max)
{
	size_t n = 0, i, j;

	for (i = 0; i < nlabels; i++) {
		if (!(prob[i] > 0))
			continue;
		for (j = n; j > 0 && nbayes_before(prob, i, out[j - 1].label);
		    j--)
			if (j < max)
				out[j] = out[j - 1];
		if (j < max) {
			out[j].label = i;
			out[j].prob = prob[i];
			if (n < max)
				n++;
		}
	}
	return n;
}
