/* Multinomial naive Bayes over character unigrams and bigrams, labels = department ids. */
#ifndef NBAYES_H
#define NBAYES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Tokens. The text is normalised first (normalize_text). It is cut into
 * units: one non-ASCII code point, or one maximal run of ASCII letters and
 * digits ("ktv", "3", "12345"). Spaces, other ASCII bytes and malformed bytes
 * separate units. An ASCII run longer than NBAYES_ASCII_MAX bytes or of more
 * than NBAYES_DIGITS_MAX digits only (phone numbers, ticket numbers, ids) is
 * dropped and separates too. The tokens are every unit (unigram) and every
 * two adjacent units not separated (bigram). A token is always a substring
 * of the text, so it is also the field name kept in Redis: "水", "停水",
 * "ktv", "3号".
 */
#define NBAYES_ASCII_MAX 8
#define NBAYES_DIGITS_MAX 4
#define NBAYES_TOKEN_MAX (2 * NBAYES_ASCII_MAX)	/* bytes in a token */

/*
 * Model. For each label l: docs[l] examples and tokens[l] token occurrences;
 * for each (label, token): count. V is the number of distinct tokens seen
 * with any label, L the number of labels with examples or counts. With
 * Laplace smoothing alpha (default 1) of the counts, and add-one smoothing
 * of the prior:
 *
 *   log-likelihood(l) = log((docs[l] + 1) / (sum of docs + L))
 *       + sum over the text's tokens t known to the model (V includes t) of
 *         log((count[l][t] + alpha) / (tokens[l] + alpha * V))
 *
 * Tokens the model never saw with any label are skipped: they say nothing
 * about the label, and counting them would only favour the labels with
 * fewer tokens. A label with neither examples nor counts gets -INFINITY
 * (probability 0). Counts may also come from text that is not an example
 * (nbayes_add_text, e.g. the catalogue's keywords as prior knowledge), so a
 * label can be scored before its first example.
 *
 * Probabilities are the softmax of the log-likelihoods divided by a
 * temperature (see nbayes_set_temperature), which spreads naive Bayes'
 * notoriously overconfident posteriors into usable confidences.
 *
 * All of this is a set of flat counters, so the shared copy can live in
 * Redis and each daemon can score from an in-memory mirror (scoring needs
 * hundreds of lookups per ticket: no round trips). Suggested layout:
 *
 *   ht:nb:meta          hash: "tokenizer" → version of these token rules
 *                       and of normalize_text, "generation" → bumped by a
 *                       retrain or import (mirrors then reload)
 *   ht:nb:docs          hash: label → examples (docs[l])
 *   ht:nb:tokens        hash: label → token occurrences (tokens[l])
 *   ht:nb:c:<label>     hash per label: token → count
 *   ht:nb:examples      stream of examples: label, normalised text, who,
 *                       ticket number, kind (correction, import): the
 *                       source of truth for export, import, retraining and
 *                       cross-validation; the hashes are derived from it
 *
 * Training one example is one Lua script: XADD to the stream and HINCRBY of
 * docs, tokens and every token's count (the daemon passes the tokens from
 * nbayes_tokens), so the counters and the stream never disagree. A daemon
 * loads the hashes with nbayes_add_docs and nbayes_add_count, notes the
 * stream's last id in the same script, then follows the stream with XREAD
 * and applies new examples with nbayes_train. Prior knowledge from the
 * catalogue (nbayes_add_text) stays in memory only and is redone when the
 * catalogue is reloaded.
 */
#define NBAYES_ALPHA 1.0
#define NBAYES_TEMPERATURE 5.0	/* mean top probability ≈ accuracy, see make eval */

struct nbayes;

/* One label with its probability, for ranked lists. */
struct nbayes_rank {
	size_t label;		/* index into the model's labels */
	double prob;
};

/* Called for each token of a text: len bytes at token (not NUL-terminated). */
typedef void (*nbayes_token_cb)(const char *token, size_t len, void *arg);
/* Called for each (label, token) counter of a model. */
typedef void (*nbayes_count_cb)(const char *label, const char *token,
    size_t len, uint64_t count, void *arg);

/*
 * Calls cb for every token of normalised text, in text order (a unit's
 * unigram, then its bigram with the unit before). Returns the number of
 * tokens. Malformed UTF-8 is never read past the NUL.
 */
size_t nbayes_tokens(const char *text, nbayes_token_cb cb, void *arg);

/* A new empty model over labels (copied); labels must be distinct. */
struct nbayes *nbayes_new(const char *const *labels, size_t nlabels);
void nbayes_free(struct nbayes *);
size_t nbayes_nlabels(const struct nbayes *);
const char *nbayes_label(const struct nbayes *, size_t i);
/* Returns the index of label, or -1. */
long nbayes_label_index(const struct nbayes *, const char *label);
/* Smoothing: alpha above 0 (default NBAYES_ALPHA). */
void nbayes_set_alpha(struct nbayes *, double alpha);
/* Softmax temperature: above 0 (default NBAYES_TEMPERATURE). */
void nbayes_set_temperature(struct nbayes *, double temperature);
/* Distinct tokens (V), examples of label i, token occurrences of label i. */
size_t nbayes_vocabulary(const struct nbayes *);
uint64_t nbayes_docs(const struct nbayes *, size_t i);
uint64_t nbayes_label_tokens(const struct nbayes *, size_t i);
/* The counter of (label i, token); 0 if unseen. */
uint64_t nbayes_count(const struct nbayes *, size_t i, const char *token,
    size_t len);

/*
 * Adds one example: docs[label] += 1 and count[label][t] += 1 for every
 * token occurrence t of normalised text. Returns the number of tokens, or
 * -1 if label is unknown.
 */
long nbayes_train(struct nbayes *, const char *text, const char *label);
/*
 * Adds weight to count[label][t] for every token occurrence t of normalised
 * text without counting an example (the prior docs[label] is unchanged).
 * Returns the number of tokens, or -1 if label is unknown.
 */
long nbayes_add_text(struct nbayes *, const char *text, const char *label,
    uint64_t weight);
/*
 * Raw counters, for loading a mirror from Redis: add to docs[label], or to
 * count[label][token] and tokens[label] (tokens longer than
 * NBAYES_TOKEN_MAX bytes are refused). Return 0, or -1 if label is unknown.
 */
int nbayes_add_docs(struct nbayes *, const char *label, uint64_t docs);
int nbayes_add_count(struct nbayes *, const char *label, const char *token,
    size_t len, uint64_t count);
/* Calls cb for every non-zero (label, token) counter, labels in order. */
void nbayes_foreach_count(const struct nbayes *, nbayes_count_cb, void *);

/*
 * Fills loglik[0 .. nlabels-1] as above for normalised text. Returns the
 * number of token occurrences known to the model (0: the text says nothing
 * and only the priors differ). Allocates nothing.
 */
size_t nbayes_loglik(const struct nbayes *, const char *text, double *loglik);
/*
 * Fills prob[0 .. nlabels-1] with the probability of each label for
 * normalised text (softmax of loglik / temperature; they sum to 1, or are
 * all 0 when no label has examples). Returns what nbayes_loglik returned.
 */
size_t nbayes_posterior(const struct nbayes *, const char *text,
    double *prob);
/* Softmax of v[0 .. n-1] / temperature in place; -INFINITY gives 0. */
void nbayes_softmax(double *v, size_t n, double temperature);
/*
 * Writes the labels with the highest prob into out (at most max), best
 * first, ties by label index; labels with probability 0 are left out.
 * Returns how many were written.
 */
size_t nbayes_rank(const double *prob, size_t nlabels,
    struct nbayes_rank *out, size_t max);

#endif
