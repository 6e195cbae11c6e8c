/*
 * fuzz-catalogue covers the catalogue loader: config_load of the demo
 * config (conf/hotlined.conf, copied with its year files to a private
 * directory) whose routing.catalogue names the file holding the input
 * (entries and emergencies: keywords, Hyperscan patterns, districts,
 * streets, weights, transfer numbers), then catalogue_build's
 * normalisation and Hyperscan compile. An accepted catalogue classifies a
 * few texts; checks: a refusal says why; classify_ticket succeeds and its
 * result is sane (at most CLASSIFY_MAX_SUGGESTIONS, best first, scores
 * positive, confidence within 0..1, no auto-dispatch of an emergency);
 * config_free releases it all (LeakSanitizer).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "normalize.h"

static char *catalogue_path, *conf_path;

/* Copies the demo config beside where the inputs go (its catalogue.conf). */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256], *demo;

	(void)argc;
	(void)argv;
	if (normalize_init(err, sizeof err) == -1)
		fprintf(stderr, "fuzz-catalogue: %s\n", err);
	demo = fuzz_srcpath("conf/hotlined.conf");
	conf_path = fuzz_tmppath("hotlined.conf");
	fuzz_copy(demo, conf_path);
	free(demo);
	fuzz_copy_calendar();
	catalogue_path = fuzz_tmppath("catalogue.conf");
	return 0;
}

/* Checks a classification's result. */
static void
check_result(const struct classify_result *res)
{
	size_t i;

	FUZZ_CHECK(res->nsuggestions <= CLASSIFY_MAX_SUGGESTIONS);
	FUZZ_CHECK(res->confidence >= 0 && res->confidence <= 1);
	FUZZ_CHECK(res->emergency == NULL || !res->auto_dispatch);
	for (i = 0; i < res->nsuggestions; i++) {
		FUZZ_CHECK(res->suggestions[i].department != NULL);
		FUZZ_CHECK(res->suggestions[i].score > 0);
		FUZZ_CHECK(res->suggestions[i].nmatched <=
		    CLASSIFY_MAX_MATCHED);
		if (i > 0)
			FUZZ_CHECK(res->suggestions[i].score <=
			    res->suggestions[i - 1].score);
	}
}

/* Classifies texts that match the seeds' keywords, patterns and emergencies. */
static void
classify_some(const struct config *c)
{
	static const struct classify_input texts[] = {
		{ "停水", "小区停水三天了，水压低", "鼓楼区", "" },
		{ "噪音", "楼上漏水，天花板发霉", "台江区", "上海街道" },
		{ "着火了", "楼道里着火了，有浓烟", "鼓楼区", "东街街道" },
		{ "", "", "", "" },
	};
	struct classify_input in;
	struct classify_result res;
	size_t i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		in = texts[i];
		in.title = normalize_text(texts[i].title);
		in.content = normalize_text(texts[i].content);
		FUZZ_CHECK(classify_ticket(c->catalogue, &c->routing, &in,
		    &res) == 0);
		check_result(&res);
		free((char *)in.title);
		free((char *)in.content);
	}
}

/* One input: the catalogue file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c;
	char err[1024];

	fuzz_write(catalogue_path, data, size);
	err[0] = '\0';
	if ((c = config_load(conf_path, err, sizeof err)) == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		fuzz_refused(err);
		return 0;
	}
	classify_some(c);
	config_free(c);
	return 0;
}
