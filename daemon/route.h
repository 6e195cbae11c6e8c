/* Routing a ticket by the catalogue and the logistic model together (route.c), pure. */
#ifndef ROUTE_H
#define ROUTE_H

#include <stddef.h>

struct catalogue;
struct catalogue_entry;
struct classify_result;
struct department;
struct model_shares;
struct model_vec;
struct route_map;

/*
 * The model's labels. A department whose catalogue entries are all bound
 * to one and the same district is that district's government (区政府):
 * what it owns it owns for its district only (属地). With two such
 * departments or more, the model has one label for them all, "the
 * ticket's own district government", and route_expand gives that label's
 * probability to the government of the ticket's district (split evenly
 * among them when the district is unknown). So the model learns what a
 * 属地 matter says, never that tickets of a district go to its government.
 * Every other department is a label of its own.
 */
struct route_map *route_map_new(const struct catalogue_entry *entries,
    size_t nentries, const struct department *departments, size_t nd);
void route_map_free(struct route_map *);
size_t route_map_nlabels(const struct route_map *);
/* The label of department (an index of departments), or -1. */
int route_map_label(const struct route_map *, size_t department);
/* Returns 1 if department is a district government. */
int route_map_is_local(const struct route_map *, size_t department);
/* Per-department probabilities prob[nd] from the labels' lprob. */
void route_expand(const struct route_map *, const double *lprob,
    const char *district, double *prob);
/*
 * The catalogue's share of the evidence (suggestion score / res->total)
 * for each label it names, the governments' shares summed.
 */
void route_shares(const struct classify_result *res,
    const struct department *departments, const struct route_map *,
    struct model_shares *out);
/*
 * The model's text of a ticket, as examples are stored: normal form title,
 * "\n", normal form content (normalised text has no newline), each cut at
 * a character boundary. No district: districts are not word evidence. A
 * new string.
 */
char *route_text(const char *ntitle, const char *ncontent);
/* Splits route_text's form (no "\n": all content) into new strings. */
void route_split(const char *text, char **title, char **content);
/* The model's features of a ticket (model.h), with the catalogue's segmenters. */
void route_features(const struct catalogue *, const char *ntitle,
    const char *ncontent, struct model_vec *v);
/*
 * Re-ranks res (from classify_ticket) by the model's probabilities prob
 * (model_predict, indexed like departments): suggestions best first, each
 * with its probability as confidence; departments the catalogue did not
 * name only from 1%. confidence is the top probability, auto_dispatch is
 * confidence >= threshold and no emergency. Sets res->catalogue_confidence.
 */
void route_result(struct classify_result *res,
    const struct department *departments, size_t nd, const double *prob,
    size_t examples, double threshold);

#endif
