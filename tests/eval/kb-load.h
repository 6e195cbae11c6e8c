/* Loads knowledge-base articles into a harness's hotlined (tests/eval/kb-load.c). */
#ifndef KB_LOAD_H
#define KB_LOAD_H

#include <jansson.h>

struct harness;
struct hl_client;
/* Adds every owner of the articles a as a department of h's config and restarts; 0 or -1. */
int kb_load_departments(struct harness *h, json_t *a);
/* Imports the articles of a through c (a dispatcher); 0, or -1 on a failure. */
int kb_load_import(struct hl_client *c, json_t *a);

#endif
