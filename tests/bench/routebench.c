/* Shared by the routing benchmarks: a model of the catalogue's keywords and one whole classification (see routebench.h). */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "hotlined.h"
#include "model.h"
#include "normalize.h"
#include "route.h"
#include "common.h"
#include "routebench.h"
#include "ticketgen.h"

/* See routebench.h. */
struct lrmodel *
routebench_seeded(const struct catalogue *cat, const struct config *conf,
    const struct catalogue_entry *entries, size_t n,
    const struct route_map *map)
{
	struct model_example *x = calloc(n + 1, sizeof *x);
	struct lrmodel *m;
	char text[4096];
	size_t i, k, len;
	long d;

	if (x == NULL)
		bench_die("out of memory");
	for (i = 0; i < n; i++) {
		const struct catalogue_entry *e = &entries[i];

		for (k = 0, len = 0, text[0] = '\0'; k < e->nkeywords &&
		    len + strlen(e->keywords[k]) + 2 < sizeof text; k++)
			len += (size_t)sprintf(text + len, "%s ", e->keywords[k]);
		d = config_department(conf, e->department) - conf->departments;
		route_features(cat, "", text, &x[i].vec);
		route_seed_shares(map, (size_t)d, e->weight, conf->routing.prior,
		    &x[i].shares);
		x[i].label = route_map_label(map, (size_t)d);
		x[i].seed = MODEL_KEYWORDS;
	}
	m = model_train(x, n, route_map_nlabels(map),
	    conf->routing.auto_dispatch_precision);
	for (i = 0; i < n; i++)
		model_vec_free(&x[i].vec);
	free(x);
	return m;
}

/* See routebench.h. */
double
routebench_one(const struct catalogue *cat, const struct config *conf,
    const struct route_map *map, const struct lrmodel *m,
    const struct bench_ticket *t, double *lprob, double *prob)
{
	int64_t t0 = bench_now_us();
	char *nt = normalize_text(t->title), *nc = normalize_text(t->content);
	struct classify_input in = { nt, nc, t->district, t->street };
	struct classify_result res;
	struct model_shares sh;
	struct model_vec v;

	if (classify_ticket(cat, &conf->routing, &in, &res) == -1)
		bench_die("classify_ticket failed");
	route_shares(&res, conf->departments, map, &sh);
	route_features(cat, nt, nc, &v);
	model_predict(m, &v, &sh, lprob);
	route_expand(map, lprob, t->district, prob);
	route_result(&res, conf->departments, conf->ndepartments, prob,
	    model_real_examples(m), model_fit(m)->threshold);
	model_vec_free(&v);
	free(nt);
	free(nc);
	return (double)(bench_now_us() - t0);
}
