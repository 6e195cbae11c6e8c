/* Hides confidential (保密) callers in any answer before it leaves as JSON: the web shows no confidential caller's name or phone. */
#include <stdlib.h>

#include "web.h"

/* Drops a string field (free_unpacked skips NULL; JSON then leaves it out). */
static void
web_mask_string(char **s)
{
	if (*s != NULL && *s != protobuf_c_empty_string)
		free(*s);
	*s = NULL;
}

/* Masks the message field f of msg, one value or each of a repeated one. */
static void
web_mask_field(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
	char *member = (char *)msg + f->offset;
	ProtobufCMessage **subs;
	size_t i, n;

	if (f->label != PROTOBUF_C_LABEL_REPEATED) {
		if (*(ProtobufCMessage **)member != NULL)
			web_mask(*(ProtobufCMessage **)member);
		return;
	}
	n = *(size_t *)((char *)msg + f->quantifier_offset);
	subs = *(ProtobufCMessage ***)member;
	for (i = 0; i < n; i++)
		web_mask(subs[i]);
}

/*
 * Walks msg (an unpacked message, owned by the caller) and removes the
 * caller's name and phone of every confidential Ticket in it, however
 * deep: timelines, overdue lists and events alike.
 */
void
web_mask(ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	Hotline__Ticket *t;
	unsigned i;

	if (d == &hotline__ticket__descriptor) {
		t = (Hotline__Ticket *)msg;
		if (t->confidential) {
			web_mask_string(&t->caller_name);
			web_mask_string(&t->caller_phone);
		}
	}
	for (i = 0; i < d->n_fields; i++)
		if (d->fields[i].type == PROTOBUF_C_TYPE_MESSAGE)
			web_mask_field(msg, &d->fields[i]);
}
