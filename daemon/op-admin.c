/* Operators' operations: deadline arithmetic as the daemon's calendar does it, the test clock, reload. */
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "keys.h"
#include "script-args.h"

#define DEADLINE_MAX_STEPS 400	/* days explained at most (a 9999wd limit is longer) */

/* Collects the days of an explanation into a DeadlineReply. */
static void
deadline_collect(const struct deadline_step *st, void *arg)
{
	Hotline__DeadlineReply *out = arg;
	Hotline__DeadlineStep *s;

	if (out->n_steps >= DEADLINE_MAX_STEPS)
		return;
	s = xmalloc(sizeof *s);
	hotline__deadline_step__init(s);
	s->date = record_strdup(st->date);
	s->weekday = record_strdup(st->weekday);
	s->counts = st->kind == DEADLINE_STEP_COUNT;
	s->reason = record_strdup(st->reason);
	s->provisional = st->provisional;
	s->reason_code = st->code;
	s->day_kind = st->day_kind;
	s->holiday_name = record_strdup(st->holiday_name);
	s->statutory_only = st->statutory_only;
	s->ordinal = st->ordinal;
	s->amount = st->amount;
	s->position = st->position;
	s->counted_ms = st->counted_ms;
	s->due_at = st->due_at;
	out->steps[out->n_steps++] = s;
}

/* 限时: the due time of a limit from an instant, and each day counted or skipped. */
void
op_deadline(struct request *r)
{
	const Hotline__DeadlineRequest *q = r->in->deadline;
	Hotline__DeadlineReply *out;
	struct limit limit;
	const char *why;

	if (limit_parse(q->limit, &limit, &why) == -1) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "limit", "limit" ZH_EN("：", ": ") "%s", why);
		return;
	}
	out = xmalloc(sizeof *out);
	hotline__deadline_reply__init(out);
	out->steps = xcalloc(DEADLINE_MAX_STEPS, sizeof *out->steps);
	out->due_at = deadline_explain(hotlined.cfg->calendar, q->from, &limit,
	    deadline_collect, out);
	out->provisional = calendar_provisional_span(hotlined.cfg->calendar,
	    q->from, out->due_at);
	answer_body(r, HOTLINE__ENVELOPE__BODY_DEADLINE_REPLY, out);
}

/* reload.c: the reload of r was swapped in (err NULL) or refused; answer with what is in force. */
static void
reload_answered(struct request *r, const char *err)
{
	Hotline__ReloadReply *out;

	if (err != NULL) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    NULL, ZH_EN("重新加载被拒绝，现行配置不变：",
		    "reload refused, the configuration in force stays: ") "%s",
		    err);
		return;
	}
	out = xmalloc(sizeof *out);
	hotline__reload_reply__init(out);
	out->path = record_strdup(hotlined.cfg->path);
	out->departments = (uint32_t)hotlined.cfg->ndepartments;
	out->principals = (uint32_t)hotlined.cfg->nprincipals;
	out->catalogue_entries = (uint32_t)hotlined.cfg->nentries;
	answer_body(r, HOTLINE__ENVELOPE__BODY_RELOADED, out);
}

/*
 * Reloads the configuration (as SIGHUP), compiled off the loop: answered
 * once it is in force, or refused with its reason.
 */
void
op_reload(struct request *r)
{
	reload_start(r, reload_answered);
}

/* store: the test clock moved; answer with the new time. */
static void
shift_done(struct request *r, redisReply *reply)
{
	if (reply->type == REDIS_REPLY_INTEGER)
		timer_set_offset(reply->integer);
	op_ping(r);
}

/* Test installations only: moves the shared clock forward (testing.clock_control). */
void
op_shift_clock(struct request *r)
{
	struct store_args args = { 0 };
	int64_t advance = r->in->shift_clock->advance_ms;

	if (!hotlined.cfg->testing.clock_control) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_FORBIDDEN, NULL,
		    ZH_EN("只有测试安装才能拨动时钟（testing.clock_control）",
		    "the clock can be moved only on test installations "
		    "(testing.clock_control)"));
		return;
	}
	if (now_ms() + advance >= DEADLINE_REQUEST_MS_MAX) {	/* bounds.c: 0 < advance <= 10 years */
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "advance_ms", "advance_ms" ZH_EN("：时钟将超过 2099-12-31",
		    ": the clock would pass 2099-12-31"));
		return;
	}
	store_args_add(&args, KEY_CLOCK_OFFSET);
	script_args_clock_offset(&args, advance);
	request_script(r, SCRIPT_CLOCK_OFFSET, 1, &args, shift_done);
	store_args_free(&args);
}
