/* Loads knowledge-base articles into a harness's hotlined (make eval-kb, make bench-kb): the articles' owners as departments, then the import in requests under limits.max_field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../integration/harness.h"
#include "kb-load.h"

#define KB_LOAD_CHUNK (40 * 1024)	/* bytes of articles per import */
#define KB_LOAD_DEPTS 64
#define KB_LOAD_TRIES 100	/* of 100 ms while the archive is unreachable */

/* Adds every owner of the articles as a department of the test config. */
int
kb_load_departments(struct harness *h, json_t *a)
{
	char add[4096] = "{ id = \"cgj\"; name = \"城管局\"; }", *owners[KB_LOAD_DEPTS];
	size_t i, k, n = 0;
	json_t *e;

	json_array_foreach(a, i, e) {
		const char *o = json_string_value(json_object_get(e, "owner"));

		if (o == NULL || strcmp(o, "zjj") == 0 || strcmp(o, "sthjj") ==
		    0 || strcmp(o, "water") == 0 || strcmp(o, "cgj") == 0)
			continue;
		for (k = 0; k < n && strcmp(owners[k], o) != 0; k++)
			;
		if (k == n && n < KB_LOAD_DEPTS)
			owners[n++] = (char *)o;
	}
	for (k = 0; k < n; k++)
		snprintf(add + strlen(add), sizeof add - strlen(add),
		    ",\n\t{ id = \"%s\"; name = \"%s\"; }", owners[k], owners[k]);
	if (harness_edit_config(&h->main, "{ id = \"cgj\"; name = \"城管局\"; }",
	    add) == -1)
		return -1;
	return harness_restart(h);
}

/* Imports the articles of a through c in chunks; -1 on a failure. */
int
kb_load_import(struct hl_client *c, json_t *a)
{
	Hotline__KbImportRequest q = HOTLINE__KB_IMPORT_REQUEST__INIT;
	json_t *chunk = json_array(), *e;
	Hotline__Envelope *rep;
	struct hl_error err;
	size_t i, bytes = 0;
	char *text;
	unsigned added = 0;
	int tries;

	json_array_foreach(a, i, e) {
		text = json_dumps(e, JSON_COMPACT);
		bytes += strlen(text);
		free(text);
		json_array_append(chunk, e);
		if (bytes < KB_LOAD_CHUNK && i + 1 < json_array_size(a))
			continue;
		q.json = json_dumps(chunk, JSON_COMPACT);
		/* after a restart the archive connects in the background */
		for (tries = 0; (rep = harness_call(c, BODY(KB_IMPORT), &q,
		    &err)) == NULL && err.code == ERR(UNAVAILABLE) &&
		    tries < KB_LOAD_TRIES; tries++)
			harness_sleep_ms(100);
		free(q.json);
		json_array_clear(chunk);
		bytes = 0;
		if (rep == NULL) {
			fprintf(stderr, "kb-load: import: %s\n", err.message);
			json_decref(chunk);
			return -1;
		}
		added += rep->kb_imported->added;
		for (size_t k = 0; k < rep->kb_imported->n_refused; k++)
			fprintf(stderr, "kb-load: refused %s\n",
			    rep->kb_imported->refused[k]);
		hl_envelope_free(rep);
	}
	json_decref(chunk);
	printf("kb: imported %u articles\n", added);
	fflush(stdout);
	return 0;
}

