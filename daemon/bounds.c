/* Holds every time argument of a request (instants, spans, hours, offsets) to a sane range: one table, checked before any handler runs. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bounds.h"
#include "lang.h"
#include "deadline.h"

enum bounds_kind {
	BOUNDS_INSTANT,		/* ms since the epoch, a date a request may name */
	BOUNDS_INSTANT_OR_0,	/* the same, or 0 for "no bound" */
	BOUNDS_SPAN,		/* ms, > 0, at most ten years */
	BOUNDS_HOURS,		/* hours, finite, 0 .. ten years */
	BOUNDS_OFFSET,		/* items to skip */
};

/* One time argument of one request message. */
struct bounds_row {
	const ProtobufCMessageDescriptor *message;
	const char *field;
	enum bounds_kind kind;
};

#define BOUNDS_HOURS_MAX (3653.0 * 24)	/* ten years */
#define BOUNDS_OFFSET_MAX 1000000u

/*
 * Every int64, uint64 and double field of a request (periods are strings,
 * held to the same dates by stats_period_parse). test-bounds walks the
 * protocol and fails when a request has such a field missing here.
 */
static const struct bounds_row bounds_rows[] = {
	{ .message = &hotline__deadline_request__descriptor, .field = "from",
	    .kind = BOUNDS_INSTANT },
	{ .message = &hotline__shift_clock_request__descriptor,
	    .field = "advance_ms", .kind = BOUNDS_SPAN },
	{ .message = &hotline__overdue_request__descriptor,
	    .field = "min_late_hours", .kind = BOUNDS_HOURS },
	{ .message = &hotline__overdue_request__descriptor,
	    .field = "within_hours", .kind = BOUNDS_HOURS },
	{ .message = &hotline__breaches_request__descriptor, .field = "offset",
	    .kind = BOUNDS_OFFSET },
	{ .message = &hotline__search_request__descriptor,
	    .field = "created_from", .kind = BOUNDS_INSTANT_OR_0 },
	{ .message = &hotline__search_request__descriptor,
	    .field = "created_to", .kind = BOUNDS_INSTANT_OR_0 },
	{ .message = &hotline__search_request__descriptor,
	    .field = "closed_from", .kind = BOUNDS_INSTANT_OR_0 },
	{ .message = &hotline__search_request__descriptor,
	    .field = "closed_to", .kind = BOUNDS_INSTANT_OR_0 },
	{ .message = &hotline__kb_gaps_request__descriptor,
	    .field = "from", .kind = BOUNDS_INSTANT_OR_0 },
	{ .message = &hotline__kb_gaps_request__descriptor,
	    .field = "to", .kind = BOUNDS_INSTANT_OR_0 },
};

/* Returns the request message env carries (its oneof body), or NULL. */
static const ProtobufCMessage *
bounds_body(const ProtobufCMessage *env)
{
	const ProtobufCMessageDescriptor *d = env->descriptor;
	const ProtobufCFieldDescriptor *f;
	const uint32_t *which;
	unsigned i;

	for (i = 0; i < d->n_fields; i++) {
		f = &d->fields[i];
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0 ||
		    f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		which = (const uint32_t *)(const void *)((const char *)env +
		    f->quantifier_offset);
		if (*which == f->id)
			return *(ProtobufCMessage *const *)(const void *)
			    ((const char *)env + f->offset);
	}
	return NULL;
}

/* Checks one row's value in msg; returns a reason, or NULL when it is fine. */
static const char *
bounds_value(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
    enum bounds_kind kind)
{
	const char *at = (const char *)msg + f->offset;
	int64_t i = 0;
	double h = 0;

	if (f->type == PROTOBUF_C_TYPE_DOUBLE)
		memcpy(&h, at, sizeof h);
	else if (f->type == PROTOBUF_C_TYPE_UINT32)
		i = *(const uint32_t *)(const void *)at;
	else
		memcpy(&i, at, sizeof i);
	switch (kind) {
	case BOUNDS_INSTANT_OR_0:
		if (i == 0)
			break;
		/* FALLTHROUGH */
	case BOUNDS_INSTANT:
		if (i < DEADLINE_REQUEST_MS_MIN || i >= DEADLINE_REQUEST_MS_MAX)
			return ZH_EN("须为 2000-01-01 至 2099-12-31（北京时间）"
			    "之间的时间（毫秒时间戳）", "must be a time (ms since "
			    "the epoch) from 2000-01-01 to 2099-12-31, Beijing "
			    "time");
		break;
	case BOUNDS_SPAN:
		if (i <= 0 || i > DEADLINE_REQUEST_SPAN_MS)
			return ZH_EN("须为正数且不超过十年（毫秒）",
			    "must be positive and at most ten years (ms)");
		break;
	case BOUNDS_HOURS:
		if (!isfinite(h) || h < 0 || h > BOUNDS_HOURS_MAX)
			return ZH_EN("须为 0 至 87672（十年）之间的小时数",
			    "must be a number of hours from 0 to 87672 "
			    "(ten years)");
		break;
	case BOUNDS_OFFSET:
		if ((uint64_t)i > BOUNDS_OFFSET_MAX)
			return ZH_EN("至多为 1000000", "must be at most 1000000");
		break;
	}
	return NULL;
}

/* Checks the time arguments of request envelope env; see hotlined.h. */
int
bounds_check(const ProtobufCMessage *env, const char **field,
    const char **why)
{
	const ProtobufCMessage *body = bounds_body(env);
	const ProtobufCFieldDescriptor *f;
	size_t i;

	if (body == NULL)
		return 0;
	for (i = 0; i < sizeof bounds_rows / sizeof bounds_rows[0]; i++) {
		if (bounds_rows[i].message != body->descriptor)
			continue;
		f = protobuf_c_message_descriptor_get_field_by_name(
		    body->descriptor, bounds_rows[i].field);
		if (f != NULL && (*why = bounds_value(body, f,
		    bounds_rows[i].kind)) != NULL) {
			*field = f->name;
			return -1;
		}
	}
	return 0;
}

/* Returns the number of table rows naming field of message descriptor d. */
int
bounds_known(const ProtobufCMessageDescriptor *d, const char *field)
{
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof bounds_rows / sizeof bounds_rows[0]; i++)
		n += bounds_rows[i].message == d &&
		    strcmp(bounds_rows[i].field, field) == 0;
	return n;
}
