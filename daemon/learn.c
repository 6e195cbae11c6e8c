/* The learned routing model (naive Bayes): the catalogue's seed plus every example of the Redis stream, kept in step with it. */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "nbayes.h"

#define LEARN_BATCH 256		/* examples per read */

/*
 * The stream LEARN_STREAM is the truth; this daemon's models mirror it.
 * model is what classification uses: the catalogue's seed and every example
 * read so far (up to cursor); examples holds the examples alone, so a
 * reload can seed again without reading Redis. A full read (at start, after
 * a reconnect, or when LEARN_GENERATION changed: examples replaced or a
 * retrain asked for) builds next_model and next_examples aside and swaps
 * them in once caught up, so classification never sees half a model.
 * At most one read is in flight; a wake-up during it sets dirty.
 */
static struct {
	struct nbayes *model;
	struct nbayes *examples;
	size_t count;			/* examples in model */
	struct nbayes *next_model;	/* set while a full read runs */
	struct nbayes *next_examples;
	size_t next_count;
	char cursor[48];		/* the last stream id applied */
	char generation[32];		/* of the examples read */
	int generation_known;		/* a full read saw its first batch */
	int reading;
	int dirty;
	int restart;			/* discard the read in flight, read all */
	uint64_t epoch;			/* bumped by learn_reload */
	size_t logged;			/* count of the last swap logged, + 1 */
} ln;

static void learn_pump(void);

/*
 * A new model over the configured departments (labels in their order),
 * with the configured temperature; seeded with the catalogue if asked.
 */
struct nbayes *
learn_new_model(int seeded)
{
	const char **labels = xcalloc(cfg->ndepartments, sizeof *labels);
	struct nbayes *nb;
	size_t i;

	for (i = 0; i < cfg->ndepartments; i++)
		labels[i] = cfg->departments[i].id;
	nb = nbayes_new(labels, cfg->ndepartments);
	free(labels);
	nbayes_set_temperature(nb, cfg->routing.model_temperature);
	if (seeded)
		blend_seed(nb, cfg->entries, cfg->nentries,
		    cfg->routing.model_seed_weight);
	return nb;
}

/* Builds the seed-only model; the examples come with the first full read. */
void
learn_init(void)
{
	ln.model = learn_new_model(1);
	ln.examples = learn_new_model(0);
	snprintf(ln.cursor, sizeof ln.cursor, "0");
}

/* Frees the models of a full read in progress. */
static void
learn_drop_next(void)
{
	nbayes_free(ln.next_model);
	nbayes_free(ln.next_examples);
	ln.next_model = ln.next_examples = NULL;
	ln.next_count = 0;
}

/* Frees every model. */
void
learn_shutdown(void)
{
	learn_drop_next();
	nbayes_free(ln.model);
	nbayes_free(ln.examples);
	ln.model = ln.examples = NULL;
}

/*
 * Starts reading every example again into fresh models built aside. If a
 * read is in flight its answer belongs to the old cursor: it is discarded
 * and the full read starts when it returns.
 */
static void
learn_start_full(void)
{
	if (ln.reading) {
		ln.restart = 1;
		return;
	}
	learn_drop_next();
	ln.next_model = learn_new_model(1);
	ln.next_examples = learn_new_model(0);
	ln.generation_known = 0;
	snprintf(ln.cursor, sizeof ln.cursor, "0");
	learn_pump();
}

/* The full read caught up: its models replace the ones in use. */
static void
learn_swap(void)
{
	nbayes_free(ln.model);
	nbayes_free(ln.examples);
	ln.model = ln.next_model;
	ln.examples = ln.next_examples;
	ln.count = ln.next_count;
	ln.next_model = ln.next_examples = NULL;
	ln.next_count = 0;
	if (ln.logged != ln.count + 1)
		log_info("learned model: %zu examples (generation %s)",
		    ln.count, ln.generation);
	ln.logged = ln.count + 1;
}

/* Trains one example {id, label, text, ...} into the models being filled. */
static void
learn_apply(const redisReply *e)
{
	const char *label = e->element[1]->str, *text = e->element[2]->str;
	int full = ln.next_model != NULL;

	snprintf(ln.cursor, sizeof ln.cursor, "%s", e->element[0]->str);
	if (nbayes_train(full ? ln.next_examples : ln.examples, text,
	    label) == -1)
		return;		/* a department no longer configured */
	nbayes_train(full ? ln.next_model : ln.model, text, label);
	if (full)
		ln.next_count++;
	else
		ln.count++;
}

/* Returns 1 if e is an example as nb_read.lua returns it. */
static int
learn_entry_valid(const redisReply *e)
{
	size_t i;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 7)
		return 0;
	for (i = 0; i < e->elements; i++)
		if (e->element[i]->type != REDIS_REPLY_STRING)
			return 0;
	return 1;
}

/*
 * Checks the generation of a batch: the first batch of a full read sets
 * it; any other change means the stream was replaced or a retrain was
 * asked for. Returns 0 to apply the batch, -1 when a full read started.
 */
static int
learn_check_generation(const char *generation)
{
	if (ln.next_model != NULL && !ln.generation_known) {
		snprintf(ln.generation, sizeof ln.generation, "%s", generation);
		ln.generation_known = 1;
		return 0;
	}
	if (strcmp(generation, ln.generation) == 0)
		return 0;
	learn_start_full();
	return -1;
}

/* store: a read of the stream answered (reply NULL: Redis failed; resync reads again). */
static void
learn_read_done(redisReply *reply, void *priv)
{
	const redisReply *entries;
	size_t i;

	(void)priv;
	ln.reading = 0;
	if (ln.restart) {
		ln.restart = 0;
		learn_start_full();
		return;
	}
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements != 2 || reply->element[0]->type !=
	    REDIS_REPLY_STRING || reply->element[1]->type !=
	    REDIS_REPLY_ARRAY) {
		log_debug("learn: reading %s failed; will retry", LEARN_STREAM);
		return;
	}
	if (learn_check_generation(reply->element[0]->str) == -1)
		return;
	entries = reply->element[1];
	for (i = 0; i < entries->elements; i++)
		if (learn_entry_valid(entries->element[i]))
			learn_apply(entries->element[i]);
	if (entries->elements == LEARN_BATCH || ln.dirty) {
		ln.dirty = 0;
		learn_pump();
	} else if (ln.next_model != NULL)
		learn_swap();
}

/* Reads the examples after the cursor, unless a read is in flight. */
static void
learn_pump(void)
{
	struct store_args args = { 0 };

	if (ln.reading) {
		ln.dirty = 1;
		return;
	}
	store_args_add(&args, LEARN_STREAM);
	store_args_add(&args, LEARN_GENERATION);
	store_args_add(&args, ln.cursor);
	store_args_addf(&args, "%d", LEARN_BATCH);
	ln.reading = 1;
	if (store_script(SCRIPT_NB_READ, 2, &args, learn_read_done, NULL) == -1)
		ln.reading = 0;		/* Redis down: learn_resync reads again */
	store_args_free(&args);
}

/* Redis says examples were added (or replaced): read them. */
void
learn_wake(void)
{
	learn_pump();
}

/* Redis (re)connected: what it holds may have changed; read everything. */
void
learn_resync(void)
{
	learn_start_full();
}

/* Copies one counter into the models of learn_reload. */
static void
learn_copy_count(const char *label, const char *token, size_t len,
    uint64_t count, void *arg)
{
	struct nbayes **to = arg;

	nbayes_add_count(to[0], label, token, len, count);
	nbayes_add_count(to[1], label, token, len, count);
}

/* Returns 1 if the configured departments are exactly the labels of nb. */
static int
learn_same_labels(const struct nbayes *nb)
{
	size_t i;

	if (nbayes_nlabels(nb) != cfg->ndepartments)
		return 0;
	for (i = 0; i < cfg->ndepartments; i++)
		if (strcmp(nbayes_label(nb, i), cfg->departments[i].id) != 0)
			return 0;
	return 1;
}

/*
 * The configuration was reloaded: seeds the model again from the new
 * catalogue, with the examples it already had, over the new departments
 * (and temperature). When the departments changed, the stream is read
 * again too, since examples of a department just added were skipped.
 */
void
learn_reload(void)
{
	struct nbayes *to[2] = { learn_new_model(1), learn_new_model(0) };
	int same = learn_same_labels(ln.examples);
	size_t i;

	nbayes_foreach_count(ln.examples, learn_copy_count, to);
	for (i = 0; i < nbayes_nlabels(ln.examples); i++) {
		nbayes_add_docs(to[0], nbayes_label(ln.examples, i),
		    nbayes_docs(ln.examples, i));
		nbayes_add_docs(to[1], nbayes_label(ln.examples, i),
		    nbayes_docs(ln.examples, i));
	}
	nbayes_free(ln.model);
	nbayes_free(ln.examples);
	ln.model = to[0];
	ln.examples = to[1];
	ln.count = 0;
	for (i = 0; i < nbayes_nlabels(ln.examples); i++)
		ln.count += (size_t)nbayes_docs(ln.examples, i);
	ln.epoch++;
	if (!same || ln.next_model != NULL)
		learn_start_full();
}

/* Returns a number that changes whenever learn_reload ran. */
uint64_t
learn_epoch(void)
{
	return ln.epoch;
}

/*
 * Fills prob[0 .. cfg->ndepartments - 1] with the model's probabilities
 * for text (blend_text's form), indexed like cfg->departments. Returns the
 * number of examples behind the model.
 */
size_t
learn_posterior(const char *text, double *prob)
{
	nbayes_posterior(ln.model, text, prob);
	return ln.count;
}

/* Blends a catalogue result with the model's opinion of text. */
void
learn_classify(struct classify_result *res, const char *text)
{
	double *prob = xcalloc(cfg->ndepartments, sizeof *prob);
	size_t n = learn_posterior(text, prob);

	blend_result(res, cfg->departments, cfg->ndepartments, prob, n,
	    &cfg->routing);
	free(prob);
}
