/* The model's text of a ticket, as examples store it; no I/O. */
#include <stdlib.h>

#include "blend.h"
#include "normalize.h"
#include "route.h"

/* See hotlined.h: normalised title, a newline, normalised content, cut. */
char *
blend_text(const char *title, const char *content)
{
	char *nt = normalize_text(title), *nc = normalize_text(content);
	char *text = route_text(nt, nc);

	free(nt);
	free(nc);
	return text;
}
