/* Checks that every string of a decoded message is UTF-8 and not too long. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hotlined.h"

struct validate_ctx {
	size_t max_bytes;
	const char **field;
	const char **why;
};

static int validate_message(const ProtobufCMessage *,
    const struct validate_ctx *);

/* Returns a pointer to the member at offset in msg. */
static const void *
validate_member(const ProtobufCMessage *msg, unsigned offset)
{
	return (const char *)msg + offset;
}

/*
 * Returns 1 if field f of msg is to be looked at: a oneof member only when
 * it is the one set (its case equals the field's number), anything else
 * always (absent strings and messages are NULL pointers, skipped later).
 */
static int
validate_present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
	const uint32_t *oneof_case;

	if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0)
		return 1;
	oneof_case = validate_member(msg, f->quantifier_offset);
	return *oneof_case == f->id;
}

/* Checks one string value (NULL counts as empty) of field f. */
static int
validate_string(const char *s, const ProtobufCFieldDescriptor *f,
    const struct validate_ctx *ctx)
{
	size_t len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len > ctx->max_bytes) {
		*ctx->field = f->name;
		*ctx->why = "too long";
		return -1;
	}
	if (!utf8_valid(s, len)) {
		*ctx->field = f->name;
		*ctx->why = "not valid UTF-8";
		return -1;
	}
	return 0;
}

/* Checks value, the address of one string or message element of field f. */
static int
validate_value(const void *value, const ProtobufCFieldDescriptor *f,
    const struct validate_ctx *ctx)
{
	if (f->type == PROTOBUF_C_TYPE_STRING)
		return validate_string(*(char *const *)value, f, ctx);
	if (*(ProtobufCMessage *const *)value == NULL)
		return 0;
	return validate_message(*(ProtobufCMessage *const *)value, ctx);
}

/*
 * Checks field f of msg. A repeated field is a count and an array of
 * pointers, to strings or to messages: it is walked as char pointers and
 * validate_value reads each element with its real type.
 */
static int
validate_field(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
    const struct validate_ctx *ctx)
{
	const void *member = validate_member(msg, f->offset);
	const char *const *array;
	const size_t *count;
	size_t i;

	if (f->label != PROTOBUF_C_LABEL_REPEATED)
		return validate_value(member, f, ctx);
	count = validate_member(msg, f->quantifier_offset);
	array = *(const char *const *const *)member;
	for (i = 0; i < *count; i++)
		if (validate_value(array + i, f, ctx) == -1)
			return -1;
	return 0;
}

/* Checks every string and nested message of msg. */
static int
validate_message(const ProtobufCMessage *msg, const struct validate_ctx *ctx)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	const ProtobufCFieldDescriptor *f;
	unsigned i;

	for (i = 0; i < d->n_fields; i++) {
		f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_STRING &&
		    f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (!validate_present(msg, f))
			continue;
		if (validate_field(msg, f, ctx) == -1)
			return -1;
	}
	return 0;
}

/*
 * Walks msg and all nested messages: every string must be valid UTF-8 and at
 * most max_bytes long. Returns 0, or -1 with *field naming the offending
 * field (descriptor storage) and *why saying what is wrong.
 */
int
validate_strings(const ProtobufCMessage *msg, size_t max_bytes,
    const char **field, const char **why)
{
	struct validate_ctx ctx = { max_bytes, field, why };

	*field = NULL;
	*why = NULL;
	return validate_message(msg, &ctx);
}
