/* Converts any protobuf-c message to a jansson value by walking its descriptor. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#include "ctl.h"

/* Returns a pointer to the member of msg at offset. */
static const void *
json_pb_member(const ProtobufCMessage *msg, unsigned offset)
{
	return (const char *)msg + offset;
}

/* Writes the prefix of an enum's value names, "TicketState" → "TICKET_STATE_". */
static void
json_pb_enum_prefix(const char *type, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *type != '\0' && n + 3 < outlen; type++) {
		if (isupper((unsigned char)*type) && n > 0)
			out[n++] = '_';
		out[n++] = (char)toupper((unsigned char)*type);
	}
	out[n++] = '_';
	out[n] = '\0';
}

/* Names an enum value "dispatched"; a value without the usual prefix stays a number. */
static json_t *
json_pb_enum(const ProtobufCEnumDescriptor *ed, int value)
{
	const ProtobufCEnumValue *v;
	char prefix[128], name[128];
	size_t plen, i;

	v = protobuf_c_enum_descriptor_get_value(ed, value);
	if (v == NULL)
		return json_integer(value);
	json_pb_enum_prefix(ed->short_name, prefix, sizeof prefix);
	plen = strlen(prefix);
	if (strncmp(v->name, prefix, plen) != 0 || v->name[plen] == '\0')
		return json_integer(value);
	for (i = 0; v->name[plen + i] != '\0' && i + 1 < sizeof name; i++)
		name[i] = (char)tolower((unsigned char)v->name[plen + i]);
	name[i] = '\0';
	return json_string(name);
}

/* A uint64 above JSON's integer range is written as a decimal string. */
static json_t *
json_pb_uint64(uint64_t v)
{
	char buf[32];

	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return json_string(buf);
}

/* A double, or null for NaN and infinities, which JSON cannot hold. */
static json_t *
json_pb_real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* A string; null if it is not valid UTF-8. */
static json_t *
json_pb_string(const char *s)
{
	json_t *v = json_string(s != NULL ? s : "");

	return v != NULL ? v : json_null();
}

/* Bytes as standard base64, as protobuf's JSON mapping writes them. */
static json_t *
json_pb_bytes(const ProtobufCBinaryData *b)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out;
	size_t i, o = 0;
	uint32_t w;
	json_t *v;

	if ((out = malloc((b->len + 2) / 3 * 4 + 1)) == NULL)
		return NULL;
	for (i = 0; i < b->len; i += 3) {
		w = (uint32_t)b->data[i] << 16;
		if (i + 1 < b->len)
			w |= (uint32_t)b->data[i + 1] << 8;
		if (i + 2 < b->len)
			w |= b->data[i + 2];
		out[o++] = digits[(w >> 18) & 63];
		out[o++] = digits[(w >> 12) & 63];
		out[o++] = i + 1 < b->len ? digits[(w >> 6) & 63] : '=';
		out[o++] = i + 2 < b->len ? digits[w & 63] : '=';
	}
	out[o] = '\0';
	v = json_string(out);
	free(out);
	return v;
}

/* Converts one value of field f stored at p. */
static json_t *
json_pb_value(const ProtobufCFieldDescriptor *f, const void *p)
{
	const ProtobufCMessage *sub;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return json_integer(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return json_pb_uint64(*(const uint64_t *)p);
	case PROTOBUF_C_TYPE_FLOAT:
		return json_pb_real(*(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE:
		return json_pb_real(*(const double *)p);
	case PROTOBUF_C_TYPE_BOOL:
		return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM:
		return json_pb_enum(f->descriptor, *(const int *)p);
	case PROTOBUF_C_TYPE_STRING:
		return json_pb_string(*(char *const *)p);
	case PROTOBUF_C_TYPE_BYTES:
		return json_pb_bytes(p);
	case PROTOBUF_C_TYPE_MESSAGE:
		sub = *(ProtobufCMessage *const *)p;
		return sub != NULL ? json_from_protobuf(sub) : json_null();
	}
	return json_null();
}

/* Returns the size of one element of a repeated field of type t. */
static size_t
json_pb_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return sizeof(uint64_t);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	default:
		return sizeof(uint32_t);	/* 32-bit integers, float, enum */
	}
}

/* Converts a repeated field into an array. */
static json_t *
json_pb_repeated(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
	size_t n = *(const size_t *)json_pb_member(msg, f->quantifier_offset);
	const char *elems = *(const char *const *)json_pb_member(msg, f->offset);
	size_t i, size = json_pb_size(f->type);
	json_t *a = json_array(), *v;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		v = json_pb_value(f, elems + i * size);
		if (v == NULL || json_array_append_new(a, v) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* Says whether f appears: a oneof member when chosen, a message when set. */
static int
json_pb_present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		return *(const uint32_t *)json_pb_member(msg,
		    f->quantifier_offset) == f->id;
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return 1;
	if (f->type == PROTOBUF_C_TYPE_MESSAGE ||
	    f->type == PROTOBUF_C_TYPE_STRING)
		return *(void *const *)json_pb_member(msg, f->offset) != NULL;
	if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset != 0)
		return *(const protobuf_c_boolean *)json_pb_member(msg,
		    f->quantifier_offset);
	return 1;
}

/* Converts msg field by field, in field number order; see ctl.h. */
json_t *
json_from_protobuf(const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	const ProtobufCFieldDescriptor *f;
	json_t *obj = json_object(), *v;
	unsigned i;

	if (obj == NULL)
		return NULL;
	for (i = 0; i < d->n_fields; i++) {
		f = &d->fields[i];
		if (!json_pb_present(msg, f))
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED)
			v = json_pb_repeated(msg, f);
		else
			v = json_pb_value(f, json_pb_member(msg, f->offset));
		if (v == NULL || json_object_set_new(obj, f->name, v) == -1) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}
