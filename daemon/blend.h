/* The model's text of a ticket (blend.c; pure core). */
#ifndef BLEND_H
#define BLEND_H

/*
 * Contract: returns a new string the caller frees; no state.
 */

/* blend.c: the model's text of a ticket. */
#define BLEND_TEXT_MAX 4096	/* bytes of a ticket's content the model reads */
/*
 * The model's text of a ticket as examples store it (route_text): the
 * normalised title, a newline, the normalised content. A new string.
 */
char *blend_text(const char *title, const char *content);

#endif
