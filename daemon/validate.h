/* Every string field of a decoded message checked (validate.c; pure core). */
#ifndef VALIDATE_H
#define VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "hotline.pb-c.h"

/*
 * Contract: reads the message or the wire bytes only; *field and *why point
 * to static storage. No state: any thread.
 */

/* validate.c: checks every string field of a decoded message. */
/*
 * Walks msg and all nested messages: every string must be valid UTF-8 and at
 * most max_bytes long. Returns 0 if all are fine; otherwise -1 with *field
 * set to the offending field's name (static storage) and *why to a reason.
 */
int validate_strings(const ProtobufCMessage *msg, size_t max_bytes,
    const char **field, const char **why);
/*
 * Walks the encoded bytes of a message of type d: no string field may hold a
 * NUL byte or exceed max_bytes. Returns 0, or -1 with *field (NULL when the
 * bytes are malformed) and *why set.
 */
int validate_wire(const ProtobufCMessageDescriptor *d, const uint8_t *wire,
    size_t len, size_t max_bytes, const char **field, const char **why);

#endif
