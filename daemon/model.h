/* The routing model: L2-regularised logistic regression (liblinear) over words and character bigrams, stacked on the catalogue and calibrated by cross-validation; a pure core. */
#ifndef MODEL_H
#define MODEL_H

#include <stddef.h>
#include <stdint.h>

struct segmenter;

/*
 * Features of a ticket (normal form title and content, segment.h's words):
 *   "w" + word      each word of the title and of the content
 *   "t" + word      each word of the title again: a title says what the
 *                   ticket is about, the content also says much else
 *   "b" + 2 chars   each two adjacent characters (no space between them)
 * Place names (the districts and streets of the configuration, given to
 * model_features as a segmenter's user words) are left out, words and
 * bigrams alike: a district is routing evidence of its own (the catalogue's
 * district-bound entries, 属地), never a word that pulls every ticket of a
 * district to its government. Words and bigrams with an ASCII digit
 * (phone and ticket numbers, dates) are left out too. Each distinct
 * feature is hashed (FNV-1a) to 1 .. MODEL_DIM and weighs 1; the vector is
 * then scaled to length 1.
 */
#define MODEL_DIM (1u << 17)
#define MODEL_TEXT_MAX 4096	/* bytes of title and of content read */

/*
 * Scores. For department d, z(d) is the logistic regression's decision
 * value (one-vs-rest, liblinear's L2R_LR with cost C) and share(d) the
 * catalogue's share of the evidence (classify.c: score / total; 0 if the
 * catalogue does not name d). The probability is
 *
 *   P(d) = softmax over departments of  z(d) / T + beta * share(d)
 *
 * T (temperature) and beta (how far to trust the catalogue) are fitted by
 * k-fold cross-validation over the real examples and the samples (not the
 * catalogue's keywords; samples held out by group, see MODEL_SAMPLE): the pair that
 * minimises the log-loss of the held-out predictions. Then the
 * auto-dispatch threshold is the lowest confidence (top P) at which the
 * held-out predictions at or above it were right at least as often as the
 * precision target at the lower end of the precision's one-sided 95%
 * interval, with coverage the share of them; a group of samples counts as
 * one observation (model.c, model_fit_threshold). A department with no
 * example at all has z = MODEL_Z_ABSENT. Each department is trained
 * against the rest apart, on the features the examples have (model.c).
 */
#define MODEL_C 128.0		/* long texts: features of length 1/sqrt(n), see make eval */
#define MODEL_FOLDS 5
#define MODEL_MIN_HELD 30	/* fewer real and sample examples: defaults below */
#define MODEL_T_DEFAULT 1.0
#define MODEL_BETA_DEFAULT 4.0
#define MODEL_Z_ABSENT (-8.0)

/* A sparse feature vector: sorted indexes (1-based), values. */
struct model_vec {
	uint32_t *index;
	float *value;
	size_t n;
};

/* The catalogue's shares of one ticket: up to MODEL_SHARES departments. */
#define MODEL_SHARES 5
struct model_shares {
	int label[MODEL_SHARES];
	float share[MODEL_SHARES];
	int n;
};

/*
 * What an example is, for cross-validation (model_example.seed):
 *   MODEL_REAL      a ticket (imported history, a dispatcher's correction):
 *                   held out in a fold of its own, round robin;
 *   MODEL_KEYWORDS  a catalogue entry's keywords: trained on, never held
 *                   out (it is not a ticket);
 *   MODEL_SAMPLE    a seed file's example demand: held out with its whole
 *                   group (model_group: its department and category), so
 *                   the model that judges it has seen none of the examples
 *                   written about the same matter. Samples are written by
 *                   one hand, a few per matter, in similar words: held out
 *                   one by one, each would be judged by a model that saw its
 *                   siblings, and the threshold set on them would be far
 *                   too confident for citizens' own words.
 */
#define MODEL_REAL 0
#define MODEL_KEYWORDS 1
#define MODEL_SAMPLE 2

/* One training example. */
struct model_example {
	struct model_vec vec;
	struct model_shares shares;
	int label;		/* department index */
	int seed;		/* MODEL_REAL, MODEL_KEYWORDS or MODEL_SAMPLE */
	uint32_t group;		/* MODEL_SAMPLE: model_group's */
};

/* The group of a seed file's example: a hash of its department and category. */
uint32_t model_group(const char *department, const char *category);

/* What cross-validation measured at training. */
struct model_fit {
	double temperature, beta;
	double threshold;	/* confidence for auto-dispatch */
	double precision;	/* expected at the threshold (held-out) */
	double coverage;	/* share of tickets auto-dispatched */
	double ece;		/* expected calibration error, held-out */
	double top1;		/* held-out top-1 accuracy */
	double top3;		/* ... the right department among three */
	double catalogue_top1;	/* the catalogue's top share alone */
	size_t held;		/* examples held out (0: defaults) */
};

struct lrmodel;

/*
 * Fills v with the features of title and content (normal form, each cut at
 * MODEL_TEXT_MAX bytes) as above; seg cuts the words, places (may be NULL)
 * holds the place names as its user words. v's arrays are new; free them
 * with model_vec_free. Thread-safe (segmenters are read-only).
 */
void model_features(struct model_vec *v, const struct segmenter *seg,
    const struct segmenter *places, const char *title, const char *content);
void model_vec_free(struct model_vec *);
/* A deep copy of v into to. */
void model_vec_copy(struct model_vec *to, const struct model_vec *v);

/*
 * Trains on x[0 .. n-1] over nlabels departments, fitting T, beta and the
 * auto-dispatch threshold for precision target (0..1) by MODEL_FOLDS-fold
 * cross-validation as described above. Slow (seconds for 10^5 examples):
 * run it off the event loop; it touches nothing but its arguments and the
 * new model. Never NULL (allocation aborts).
 */
struct lrmodel *model_train(const struct model_example *x, size_t n,
    size_t nlabels, double target);
/*
 * With on, every model_train in progress, in any thread, stops at its next
 * step (a fold or the final fit) and returns a model that ranks nothing:
 * for shutdown, which must not wait seconds for a model nobody will use.
 * Off again (0) for the trainings after it.
 */
void model_cancel(int on);
/*
 * Moves the calling thread to SCHED_IDLE, or where that is refused lowers
 * its priority by MODEL_NICE (Linux's per-thread nice): a training thread
 * calls it first, so that the event loop is not kept waiting (issue 13:
 * request p99 at most 5 ms while retraining). A task of normal policy
 * waking on a core where a SCHED_IDLE thread runs preempts it at once; a
 * nice thread could keep the core for the rest of its slice (perf sched
 * on the loop thread while training: wake-ups onto the nice 19 thread's
 * core waited up to 24 ms). The thread still gets every cycle that nothing
 * else wants. Priority is not all: learn.c's thread also pauses while the
 * loop has requests in hand (train-yield.h). Returns 0, or -1 with errno
 * set; the training runs either way.
 */
#define MODEL_NICE 10
int model_thread_background(void);
void model_free(struct lrmodel *);
/* What cross-validation measured when m was trained. */
const struct model_fit *model_fit(const struct lrmodel *m);
size_t model_nlabels(const struct lrmodel *m);
/*
 * Examples m was trained on (seeds included), real ones (tickets, not
 * seeds) and the seed file's samples.
 */
size_t model_examples(const struct lrmodel *m);
size_t model_real_examples(const struct lrmodel *m);
size_t model_sample_examples(const struct lrmodel *m);
/*
 * Fills prob[0 .. nlabels-1] with P(d) for a ticket's features and the
 * catalogue's shares (NULL: none). Read-only on m: any number of threads
 * may score with one model at once.
 */
void model_predict(const struct lrmodel *m, const struct model_vec *v,
    const struct model_shares *shares, double *prob);
/* The logistic regression's decision values z(d) alone. */
void model_decision(const struct lrmodel *m, const struct model_vec *v,
    double *z);

#endif
