/*
 * fuzz-config covers config_load on arbitrary main files (libconfig syntax,
 * every group and key config.c reads, the calendar and policies groups of
 * calendar.c, credential hashes): the input is written as hotlined.conf in
 * a private directory that also holds a fixed valid catalogue
 * (catalogue.conf, one entry: Hyperscan's compile takes a good part of a
 * second under ASan for the larger ones, fuzz-catalogue's job) and the
 * shipped year files (calendar/2025.json, calendar/2026.json), so the
 * seeds' routing.catalogue = "catalogue.conf" and calendar.dir =
 * "calendar" find them. Checks: a refusal says why and gives no config; an
 * accepted config holds what config.c promises (a compiled catalogue, a
 * calendar and policies, listeners, max_field <= max_frame, every principal
 * found by its id with a valid hash, a department principal's department
 * configured); config_free releases it all (LeakSanitizer).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static char *conf_path;

/* Writes the fixed catalogue and calendar beside where inputs go. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char catalogue[] = "entries = ( { keywords = [\"停水\"]; "
	    "department = \"water\"; } );\n";
	char *path;

	(void)argc;
	(void)argv;
	path = fuzz_tmppath("catalogue.conf");
	fuzz_write(path, catalogue, strlen(catalogue));
	free(path);
	fuzz_copy_calendar();
	conf_path = fuzz_tmppath("hotlined.conf");
	return 0;
}

/* Checks what an accepted config promises. */
static void
check_config(const struct config *c)
{
	const struct principal *p;
	size_t i;

	FUZZ_CHECK(c->catalogue != NULL);
	FUZZ_CHECK(c->calendar != NULL && c->policies != NULL);
	FUZZ_CHECK(c->nlistens > 0);
	FUZZ_CHECK(c->limits.max_field <= c->limits.max_frame);
	for (i = 0; i < c->nprincipals; i++) {
		p = &c->principals[i];
		FUZZ_CHECK(config_principal(c, p->id) != NULL);
		/* A credential, a certificate mapping, or both. */
		FUZZ_CHECK(p->credential != NULL ? auth_hash_valid(p->credential) :
		    p->cert_cn != NULL || p->has_cert_sha256);
		FUZZ_CHECK(config_role_name(p->role) != NULL);
		if (p->role == HOTLINE__ROLE__ROLE_DEPARTMENT)
			FUZZ_CHECK(config_department(c, p->department) != NULL);
	}
	for (i = 0; i < c->ndepartments; i++)
		FUZZ_CHECK(config_department(c, c->departments[i].id) ==
		    &c->departments[i]);
}

/* One input: the main file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c;
	char err[1024];

	fuzz_write(conf_path, data, size);
	err[0] = '\0';
	c = config_load(conf_path, err, sizeof err);
	if (c == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		fuzz_refused(err);
		return 0;
	}
	check_config(c);
	config_free(c);
	return 0;
}
