/* Shared by the routing benchmarks (bench-classify, bench-retrain): a model of the catalogue's keywords and one whole classification as the daemon makes it. */
#ifndef BENCH_ROUTEBENCH_H
#define BENCH_ROUTEBENCH_H

#include <stddef.h>

struct bench_ticket;
struct catalogue;
struct catalogue_entry;
struct config;
struct lrmodel;
struct route_map;

/*
 * Trains the routing model on entries[0 .. n-1], each entry's keywords as
 * one seed of its department (as learn.c does), over the labels of map;
 * cat is the compiled catalogue whose segmenters cut the words.
 */
struct lrmodel *routebench_seeded(const struct catalogue *cat,
    const struct config *conf, const struct catalogue_entry *entries,
    size_t n, const struct route_map *map);
/*
 * One classification as the daemon makes it (op-intake.c, learn.c):
 * normalise, catalogue, word segmentation and features, the model, the
 * ranking. lprob and prob have room for map's labels and conf's
 * departments. Returns its wall time in microseconds.
 */
double routebench_one(const struct catalogue *cat, const struct config *conf,
    const struct route_map *map, const struct lrmodel *m,
    const struct bench_ticket *t, double *lprob, double *prob);

#endif
