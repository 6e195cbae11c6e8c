/* Every time argument of a request held to a sane range (bounds.c; pure core). */
#ifndef BOUNDS_H
#define BOUNDS_H

#include "hotline.pb-c.h"

/*
 * Contract: reads the envelope only; *field and *why point to static
 * storage. No state: any thread.
 */

/* bounds.c: every time argument of a request held to a sane range. */
/*
 * Checks the time arguments of request envelope env (instants, spans,
 * hours, offsets) against one table. Returns 0, or -1 with *field set to
 * the offending field's name and *why to a reason (static storage).
 */
int bounds_check(const ProtobufCMessage *env, const char **field,
    const char **why);
/* Returns the number of table rows naming field of message descriptor d. */
int bounds_known(const ProtobufCMessageDescriptor *d, const char *field);

#endif
