/* Checks that every string of a message is UTF-8, free of NUL bytes and not too long. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"
#include "lang.h"
#include "validate.h"

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
		*ctx->why = ZH_EN("过长", "too long");
		return -1;
	}
	if (!utf8_valid(s, len)) {
		*ctx->field = f->name;
		*ctx->why = ZH_EN("不是有效的 UTF-8", "not valid UTF-8");
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

/* Reads a varint at *p (before end) into *v; returns 0, or -1 if malformed. */
static int
validate_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	unsigned shift;

	*v = 0;
	for (shift = 0; shift < 64 && *p < end; shift += 7) {
		*v |= (uint64_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0)
			return 0;
	}
	return -1;
}

/* Skips the value of wire type wt at *p; returns 0, or -1 if malformed. */
static int
validate_skip(const uint8_t **p, const uint8_t *end, unsigned wt)
{
	uint64_t v;

	switch (wt) {
	case 0:
		return validate_varint(p, end, &v);
	case 1:
	case 5:
		v = wt == 1 ? 8 : 4;
		break;
	default:
		return -1;
	}
	if ((uint64_t)(end - *p) < v)
		return -1;
	*p += v;
	return 0;
}

/* Checks the wire bytes [p, end) of a message of type d, depth levels deep. */
static int
validate_wire_message(const ProtobufCMessageDescriptor *d, const uint8_t *p,
    const uint8_t *end, unsigned depth, const struct validate_ctx *ctx)
{
	const ProtobufCFieldDescriptor *f;
	uint64_t tag, len;

	if (depth > 32) {
		*ctx->why = ZH_EN("嵌套过深", "nested too deeply");
		return -1;
	}
	while (p < end) {
		if (validate_varint(&p, end, &tag) == -1)
			return -1;
		if ((tag & 7) != 2) {
			if (validate_skip(&p, end, (unsigned)(tag & 7)) == -1)
				return -1;
			continue;
		}
		if (validate_varint(&p, end, &len) == -1 ||
		    (uint64_t)(end - p) < len)
			return -1;
		f = tag >> 3 <= UINT32_MAX ?
		    protobuf_c_message_descriptor_get_field(d,
		    (unsigned)(tag >> 3)) : NULL;
		if (f != NULL && f->type == PROTOBUF_C_TYPE_STRING &&
		    (len > ctx->max_bytes || memchr(p, '\0', len) != NULL)) {
			*ctx->field = f->name;
			*ctx->why = len > ctx->max_bytes ? ZH_EN("过长",
			    "too long") : ZH_EN("含有 NUL 字节", "contains a NUL byte");
			return -1;
		}
		if (f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE &&
		    validate_wire_message(f->descriptor, p, p + len, depth + 1,
		    ctx) == -1)
			return -1;
		p += len;
	}
	return 0;
}

/*
 * Walks the encoded message wire (len bytes) of type d by its descriptors,
 * nested messages included: no string may hold a NUL byte (protobuf allows
 * one, but the daemon's C strings would end there and silently drop the
 * rest) or be longer than max_bytes. Returns 0, or -1 with *field naming the
 * offending field (descriptor storage; NULL if the bytes are malformed) and
 * *why saying what is wrong. Run it on every frame before validate_strings.
 */
int
validate_wire(const ProtobufCMessageDescriptor *d, const uint8_t *wire,
    size_t len, size_t max_bytes, const char **field, const char **why)
{
	struct validate_ctx ctx = { max_bytes, field, why };

	*field = NULL;
	*why = ZH_EN("protobuf 格式有误", "malformed protobuf");
	if (validate_wire_message(d, wire, wire + len, 0, &ctx) == -1)
		return -1;
	*why = NULL;
	return 0;
}
