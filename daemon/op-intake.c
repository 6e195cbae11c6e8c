/* The agent's operations: ping, classify, create (登记), show, caller (重复来电). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hotlined.h"
#include "archive.h"
#include "keys.h"
#include "kb.h"
#include "route.h"
#include "normalize.h"
#include "script-args.h"
#include "segment.h"
#include "simhash.h"

#define CALLER_LIMIT_DEFAULT 20
#define CALLER_LIMIT_MAX 100

/* Limits of create's fields, in code points (the frame limit bounds bytes). */
static const struct {
	const char *name;
	size_t offset;
	int required;
	size_t max_chars;
} create_fields[] = {
#define C(name, req, max) { #name, offsetof(Hotline__CreateRequest, name), req, max }
	C(call_id, 1, 128),
	C(caller_phone, 1, 32),
	C(caller_name, 0, 100),
	C(district, 0, 100),
	C(street, 0, 100),
	C(address, 0, 300),
	C(title, 1, 200),
	C(content, 1, 20000),
#undef C
};

/* Answers a ping, saying whether Redis is reachable. */
void
op_ping(struct request *r)
{
	Hotline__Pong *pong = xmalloc(sizeof *pong);

	hotline__pong__init(pong);
	pong->server_time = now_ms();
	pong->store_ready = store_ready();
	answer_body(r, HOTLINE__ENVELOPE__BODY_PONG, pong);
}

/* Copies n matched keywords or patterns into a new repeated string field. */
static char **
matched_copy(const char *const *matched, size_t n)
{
	char **out = xcalloc(n, sizeof *out);
	size_t k;

	for (k = 0; k < n; k++)
		out[k] = record_strdup(matched[k]);
	return out;
}

/* Describes a matched emergency for the agent: what, where to, and why. */
static Hotline__Emergency *
emergency_from(const struct classify_result *res)
{
	Hotline__Emergency *em = xmalloc(sizeof *em);

	hotline__emergency__init(em);
	em->kind = record_strdup(res->emergency->kind);
	em->name = record_strdup(res->emergency->name);
	em->transfer_to = record_strdup(res->emergency->transfer_to);
	em->n_matched = res->nemergency_matched;
	em->matched = matched_copy(res->emergency_matched,
	    res->nemergency_matched);
	return em;
}

/* Copies a classification into a Routing message (it outlives a reload). */
static Hotline__Routing *
routing_from(const struct classify_result *res)
{
	Hotline__Routing *rt = xmalloc(sizeof *rt);
	size_t i;

	hotline__routing__init(rt);
	rt->confidence = res->confidence;
	rt->auto_dispatch = res->auto_dispatch;
	rt->catalogue_confidence = res->catalogue_confidence;
	rt->model_examples = res->model_examples;
	if (res->emergency != NULL)
		rt->emergency = emergency_from(res);
	rt->n_suggestions = res->nsuggestions;
	rt->suggestions = xcalloc(res->nsuggestions, sizeof *rt->suggestions);
	for (i = 0; i < res->nsuggestions; i++) {
		const struct classify_suggestion *s = &res->suggestions[i];
		Hotline__Suggestion *out = xmalloc(sizeof *out);

		hotline__suggestion__init(out);
		out->department = record_department(s->department->id);
		out->score = s->score;
		out->category = record_strdup(s->category);
		out->category_name = record_strdup(record_category_label(s->category));
		out->n_matched = s->nmatched;
		out->matched = matched_copy(s->matched, s->nmatched);
		out->model_probability = s->model_probability;
		out->confidence = s->confidence;
		rt->suggestions[i] = out;
	}
	return rt;
}

/*
 * Runs the catalogue and blends it with the learned model. Returns the
 * model's text of the ticket (blend_text; the caller frees it), or NULL
 * after answering INTERNAL if Hyperscan failed.
 */
static char *
classify_or_fail(struct request *r, const struct classify_input *raw,
    struct classify_result *res)
{
	int64_t started_us = metrics_now_us();
	struct classify_input in = *raw;
	char *nt = normalize_text(raw->title), *nc = normalize_text(raw->content);
	char *text;
	int rc;

	in.title = nt;
	in.content = nc;
	rc = classify_ticket(hotlined.cfg->catalogue, &hotlined.cfg->routing,
	    &in, res);
	if (rc == -1) {
		free(nt);
		free(nc);
		log_warnx("classify: hyperscan failed");
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    ZH_EN("分类失败（已记入服务端日志）",
		    "the classifier failed (logged by the server)"));
		return NULL;
	}
	learn_classify(res, nt, nc, raw->district);
	/* Matched keywords point into the catalogue, not into the text. */
	text = route_text(nt, nc);
	free(nt);
	free(nc);
	metrics_classified(started_us);
	return text;
}

/*
 * Checks a request's district and street against the config's districts;
 * answers BAD_REQUEST naming the field and returns -1 when they are not.
 */
static int
place_check(struct request *r, const char *district, const char *street)
{
	const char *field, *why;

	if (config_place_check(hotlined.cfg, district, street, &field,
	    &why) == 0)
		return 0;
	request_error2(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, field,
	    "%s「%s」%s", "%s \"%s\" %s", field,
	    field[0] == 's' ? street : district, why);
	return -1;
}

#define CLASSIFY_WORDS_MAX 300	/* words of a title or content in the answer */

/* Returns 1 if the len bytes at s are all ASCII or CJK punctuation or spaces. */
static int
words_blank(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			if (!ispunct(c) && !isspace(c))
				return 0;
			i++;
		} else if (i + 3 <= len && (c == 0xe3 && (unsigned char)s[i + 1]
		    == 0x80)) {
			i += 3;		/* U+3000..U+303F: 、。「」 ... */
		} else if (i + 3 <= len && c == 0xef && ((unsigned char)s[i + 1]
		    == 0xbc || (unsigned char)s[i + 1] == 0xbd)) {
			i += 3;		/* full-width forms: ，！？（） ... */
		} else if (i + 3 <= len && c == 0xe2 && (unsigned char)s[i + 1]
		    == 0x80) {
			i += 3;		/* general punctuation: … “ ” — */
		} else
			return 0;
	}
	return 1;
}

/* The words of text (normal form) as the answer lists them; *n gets their number. */
static char **
words_of(const char *text, size_t *n)
{
	const struct segmenter *seg = catalogue_segmenter(hotlined.cfg->catalogue);
	struct segment_word *w;
	size_t k, i;
	char **out;

	*n = 0;
	if (seg == NULL || text[0] == '\0')
		return NULL;
	w = xcalloc(4 * CLASSIFY_WORDS_MAX, sizeof *w);
	k = segment_split(seg, text, strlen(text), w, 4 * CLASSIFY_WORDS_MAX);
	if (k > 4 * CLASSIFY_WORDS_MAX)
		k = 4 * CLASSIFY_WORDS_MAX;
	out = xcalloc(CLASSIFY_WORDS_MAX, sizeof *out);
	for (i = 0; i < k && *n < CLASSIFY_WORDS_MAX; i++)
		if (!words_blank(text + w[i].offset, w[i].len)) {
			out[*n] = xmalloc(w[i].len + 1);
			memcpy(out[*n], text + w[i].offset, w[i].len);
			out[(*n)++][w[i].len] = '\0';
		}
	free(w);
	return out;
}

/* Sets the reply's 分词 from the model's text of the ticket (route_text's form). */
static void
classify_words(Hotline__ClassifyReply *reply, const char *text)
{
	char *title, *content;

	route_split(text, &title, &content);
	reply->title_words = words_of(title, &reply->n_title_words);
	reply->content_words = words_of(content, &reply->n_content_words);
	free(title);
	free(content);
}

/* Ranks departments for a demand's text: the routing suggestion (派单建议). */
void
op_classify(struct request *r)
{
	const Hotline__ClassifyRequest *q = r->in->classify;
	struct classify_input in = { q->title, q->content, q->district,
	    q->street };
	struct classify_result res;
	Hotline__ClassifyReply *reply;
	char *text;

	if (q->title[0] == '\0' && q->content[0] == '\0') {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "content", ZH_EN("标题和内容至少填一项",
		    "title or content is required"));
		return;
	}
	if (place_check(r, q->district, q->street) == -1)
		return;
	/* 知识库建议 (kb-suggest.c): searched while this classifies */
	kb_suggest_begin(r, q->title, q->content, q->district);
	if ((text = classify_or_fail(r, &in, &res)) == NULL)
		return;
	reply = xmalloc(sizeof *reply);
	hotline__classify_reply__init(reply);
	reply->routing = routing_from(&res);
	classify_words(reply, text);
	free(text);
	kb_suggest_answer(r, HOTLINE__ENVELOPE__BODY_CLASSIFIED, reply, 0);
}

/* Returns 1 if s is a plausible phone number: digits, optional leading +, dashes. */
static int
phone_valid(const char *s)
{
	size_t i, digits = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (!(s[i] == '+' && i == 0) && s[i] != '-')
			return 0;
	}
	return digits >= 3 && digits <= 20;
}

/* Checks a create request; answers BAD_REQUEST naming the field and returns -1. */
static int
create_check(struct request *r, const Hotline__CreateRequest *q)
{
	const char *bad = NULL, *why = NULL;
	size_t i;

	for (i = 0; i < sizeof create_fields / sizeof create_fields[0]; i++) {
		const char *v = *(char *const *)((const char *)q +
		    create_fields[i].offset);

		if (create_fields[i].required && v[0] == '\0')
			why = ZH_EN("为必填项", "is required");
		else if (utf8_length(v) > create_fields[i].max_chars)
			why = ZH_EN("过长", "is too long");
		if (why != NULL) {
			bad = create_fields[i].name;
			break;
		}
	}
	if (bad == NULL && !phone_valid(q->caller_phone))
		bad = "caller_phone", why = ZH_EN("须为 3 至 20 位数字，"
		    "可带开头的 + 和连字符 -", "must be digits (3 to 20), "
		    "with an optional leading + and dashes");
	if (bad == NULL && ((int)q->type < 1 || q->type > 6))
		bad = "type", why = ZH_EN("须为六种诉求类型之一",
		    "must be one of the six ticket types");
	if (bad == NULL && ((int)q->urgency < 0 || q->urgency > 3))
		bad = "urgency", why = ZH_EN("不是已知的紧急程度",
		    "is not a known urgency");
	if (bad == NULL && ((int)q->channel < 0 || q->channel > 5))
		bad = "channel", why = ZH_EN("不是已知的来源渠道",
		    "is not a known channel");
	if (bad == NULL && q->direct_answer[0] != '\0' &&
	    q->type != HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION)
		bad = "direct_answer", why = ZH_EN("仅用于咨询件",
		    "is only for consultations");
	if (bad == NULL && utf8_length(q->direct_answer) > 5000)
		bad = "direct_answer", why = ZH_EN("过长", "is too long");
	if (bad == NULL)
		kb_cite_check(q, &bad, &why);
	if (bad == NULL && q->emergency_dismissed_reason[0] != '\0' &&
	    !q->emergency_dismissed)
		bad = "emergency_dismissed_reason", why = ZH_EN("仅在给出 "
		    "emergency_dismissed 时可填", "is only with "
		    "emergency_dismissed");
	if (bad == NULL && utf8_length(q->emergency_dismissed_reason) > 500)
		bad = "emergency_dismissed_reason", why = ZH_EN("过长",
		    "is too long");
	if (bad == NULL)
		return place_check(r, q->district, q->street);
	request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST, bad,
	    "%s %s", bad, why);
	return -1;
}

/* Adds the emergency's fields: transferred, or dismissed by the agent. */
static void
create_emergency_args(struct store_args *a, const Hotline__CreateRequest *q,
    const struct classify_result *res, enum ticket_action route)
{
	if (res->emergency == NULL)
		return;
	store_args_add(a, "emergency_kind");
	store_args_add(a, res->emergency->kind);
	if (route == TICKET_TRANSFER) {
		store_args_add(a, "transfer_to");
		store_args_add(a, res->emergency->transfer_to);
	} else if (q->emergency_dismissed) {
		store_args_add(a, "emergency_dismissed");
		store_args_add(a, "1");
	}
}

/* Adds the ticket's own fields as field/value pairs for create.lua. */
static void
create_fields_args(struct store_args *a, const Hotline__CreateRequest *q,
    const struct classify_result *res, enum ticket_action route)
{
	store_args_add(a, "call_id");
	store_args_add(a, q->call_id);
	store_args_add(a, "caller_phone");
	store_args_add(a, q->caller_phone);
	store_args_add(a, "caller_name");
	store_args_add(a, q->caller_name);
	if (q->confidential) {	/* absent: not 保密, as every reader takes it */
		store_args_add(a, "confidential");
		store_args_add(a, "1");
	}
	store_args_add(a, "district");
	store_args_add(a, q->district);
	store_args_add(a, "street");
	store_args_add(a, q->street);
	store_args_add(a, "address");
	store_args_add(a, q->address);
	store_args_add(a, "title");
	store_args_add(a, q->title);
	store_args_add(a, "content");
	store_args_add(a, q->content);
	store_args_add(a, "type");
	store_args_addf(a, "%d", q->type);
	store_args_add(a, "urgency");
	store_args_addf(a, "%d", q->urgency != 0 ? q->urgency :
	    HOTLINE__URGENCY__URGENCY_NORMAL);
	store_args_add(a, "channel");
	store_args_addf(a, "%d", q->channel != 0 ? q->channel :
	    HOTLINE__CHANNEL__CHANNEL_PHONE);
	store_args_add(a, "category");
	store_args_add(a, res->nsuggestions > 0 ?
	    res->suggestions[0].category : "");
	store_args_add(a, "confidence");
	store_args_addf(a, "%.4f", res->confidence);
	if (route == TICKET_TRIAGE) {
		store_args_add(a, "triage_reason");
		store_args_addf(a, "%d",
		    HOTLINE__TRIAGE_REASON__TRIAGE_REASON_LOW_CONFIDENCE);
	} else if (route == TICKET_ANSWER) {
		store_args_add(a, "closure");
		store_args_addf(a, "%d",
		    HOTLINE__CLOSURE__CLOSURE_DIRECT_ANSWER);
		store_args_add(a, "direct_answer");
		store_args_add(a, q->direct_answer);
		kb_cite_args(a, q);
	}
}

/*
 * The routing decision's note for the history (why dispatched or not), and
 * that the agent dismissed an emergency, if so.
 */
static void
create_route_note(struct store_args *a, const Hotline__CreateRequest *q,
    const struct classify_result *res, enum ticket_action route)
{
	char *dismissed = res->emergency != NULL && q->emergency_dismissed ?
	    xasprintf("；话务员已解除紧急标记（非紧急）%s%s",
	    q->emergency_dismissed_reason[0] != '\0' ? "：" : "",
	    q->emergency_dismissed_reason) : xstrdup("");

	if (route == TICKET_TRANSFER)
		store_args_addf(a, "转警：%s（%s），转至 %s；命中“%s”", res->emergency->name, res->emergency->kind,
		    res->emergency->transfer_to, res->emergency_matched[0]);
	else if (route == TICKET_ANSWER)
		store_args_addf(a, "直接办结：受理时当场答复%s%s",
		    kb_cite_note(q), dismissed);
	else if (route == TICKET_DISPATCH)
		store_args_addf(a, "自动派单：%s，置信度 %.2f%s", res->suggestions[0].department->name,
		    res->confidence, dismissed);
	else if (res->nsuggestions == 0)
		store_args_addf(a, "待派单：无推荐部门%s", dismissed);
	else
		store_args_addf(a, "待派单：置信度 %.2f 低于 %.2f%s",
		    res->confidence, learn_threshold(), dismissed);
	free(dismissed);
}

/*
 * Adds create.lua's timers parameter, the end of the parameters ("--"),
 * then the clock's fields: a dispatched
 * ticket's sign, completion and return clocks start now (限时办结), under
 * the policy of its type, urgency and department. dept NULL: no clocks.
 */
static void
create_clock_args(struct store_args *a, const Hotline__CreateRequest *q,
    const char *dept, int64_t now)
{
	struct clock c = { .left = -1 };
	struct clock_fields f;
	struct clock_dues d;
	struct policy pol;
	char timers[192];
	int i;

	if (dept == NULL) {
		store_args_param(a, "timers", "");
		store_args_add(a, "--");
		return;
	}
	policy_for(hotlined.cfg->policies, q->type, q->urgency, dept, &pol);
	clock_start(&c, &pol, now);
	clock_dues(&c, hotlined.cfg->calendar, &pol, &d);
	clock_timers(&d, 1, timers, sizeof timers);
	store_args_paramf(a, "timers", "%s", timers);
	store_args_add(a, "--");
	clock_fields(&c, &d, &f);
	for (i = 0; i < f.n; i++) {
		store_args_add(a, f.name[i]);
		store_args_addf(a, "%s", f.value[i]);
	}
	store_args_add(a, "st_ws");	/* the round's start, for the counters */
	store_args_addf(a, "%lld",
	    (long long)stats_working_seconds(hotlined.cfg->calendar, now));
}

/*
 * Decides where a new ticket goes: an emergency is transferred (转警) unless
 * the agent dismissed it, whatever else the request says; then a direct
 * answer closes it; then a confident classification dispatches it (a
 * dismissed emergency by its confidence alone); else triage.
 */
static enum ticket_action
create_action(const Hotline__CreateRequest *q, const struct classify_result *res)
{
	int confident = res->auto_dispatch || (res->emergency != NULL &&
	    res->confidence >= learn_threshold());

	if (res->emergency != NULL && !q->emergency_dismissed)
		return TICKET_TRANSFER;
	if (q->direct_answer[0] != '\0')
		return TICKET_ANSWER;
	if (confident && res->nsuggestions > 0)
		return TICKET_DISPATCH;
	return TICKET_TRIAGE;
}

/* Returns the matter of a ticket for hot spots: its top suggestion's category, or "". */
static const char *
create_matter(const struct classify_result *res)
{
	if (res->nsuggestions == 0 || res->suggestions[0].category == NULL)
		return "";
	return res->suggestions[0].category;
}

/*
 * Adds create.lua's arguments for repeats (重复件) and hot spots (高频件): the
 * settings, the text's SimHash as two 32-bit halves (as the district's
 * recent tickets keep it), the matter, the district, and what the daemon
 * found among the recent tickets (found NULL: nothing was looked at).
 */
static void
create_similar_args(struct store_args *a, const Hotline__CreateRequest *q,
    const struct classify_result *res, const char *text,
    const struct repeat_found *found)
{
	const struct repeats_spec *rp = &hotlined.cfg->repeats;
	const struct hot_spots_spec *hs = &hotlined.cfg->hot_spots;
	uint64_t h = simhash_text(text);

	store_args_paramf(a, "similar", "%lld,%d,%d,%lld",
	    (long long)rp->window_ms, rp->recent_max, hs->count,
	    (long long)hs->window_ms);
	store_args_paramf(a, "simhash", "%u:%u", (unsigned)(h >> 32),
	    (unsigned)(h & 0xffffffffu));
	store_args_param(a, "matter", create_matter(res));
	store_args_param(a, "district", q->district);
	store_args_param(a, "similar_repeat",
	    found != NULL ? found->repeat_of : "");
	store_args_paramf(a, "near", "%d:%s", found != NULL ? found->nnear : 0,
	    found != NULL ? found->near : "");
}

/*
 * create_args with the ticket's text (blend_text's form, for its SimHash) and
 * what the daemon found among the district's recent tickets (NULL: none).
 */
int
create_args_text(struct store_args *a, const char *principal, role_t role,
    const Hotline__CreateRequest *q, const struct classify_result *res,
    const char *text, const struct repeat_found *found, int64_t now)
{
	const struct transition *route;
	enum ticket_action action = create_action(q, res);
	int dispatch = action == TICKET_DISPATCH;
	const char *dept = dispatch ? res->suggestions[0].department->id : "";
	char day[9];

	route = ticket_transition(action);
	ticket_day(now, day);
	store_args_addf(a, KEY_CALLID, q->call_id);
	store_args_addf(a, KEY_SEQ, day);
	store_args_addf(a, KEY_CALLER, q->caller_phone);
	store_args_add(a, KEY_TRIAGE);
	store_args_addf(a, KEY_RECENT, q->district);
	if (dispatch) {
		store_args_addf(a, KEY_DEPT_OPEN, dept);
		store_args_addf(a, KEY_DEPT_FEED, dept);
	}
	store_args_paramf(a, "now", "%lld", (long long)now);
	store_args_paramf(a, "day", "%s", day);
	store_args_param(a, "principal", principal);
	store_args_paramf(a, "role", "%d", role);
	store_args_param(a, "dept", dept);
	store_args_paramf(a, "registered", "%d",
	    ticket_transition(TICKET_CREATE)->to);
	store_args_paramf(a, "to", "%d", route->to);
	store_args_param(a, "route_action", route->name);
	store_args_add(a, "route_note");
	create_route_note(a, q, res, action);
	store_args_paramf(a, "dept_event", "%d", route->department_event);
	store_args_paramf(a, "centre_event", "%d", route->centre_event);
	store_args_paramf(a, "feed_maxlen", "%d",
	    hotlined.cfg->redis.feed_maxlen);
	create_similar_args(a, q, res, text, found);
	create_clock_args(a, q, dispatch ? dept : NULL, now);
	create_fields_args(a, q, res, action);
	create_emergency_args(a, q, res, action);
	return dispatch ? 7 : 5;
}

/*
 * Builds every key and argument of create.lua (see the script's header) for
 * a ticket registered by principal at time now; returns the number of keys.
 * Benchmarks call it too, to run the very same script with the same arguments.
 */
int
create_args(struct store_args *a, const char *principal, role_t role,
    const Hotline__CreateRequest *q, const struct classify_result *res,
    int64_t now)
{
	char *text = blend_text(q->title, q->content);
	int nkeys;

	nkeys = create_args_text(a, principal, role, q, res, text, NULL, now);
	free(text);
	return nkeys;
}

/* Answers a create with out (taken). */
static void
create_answer(struct request *r, Hotline__CreateReply *out)
{
	kb_suggest_create(r, out);	/* 知识库建议 (kb-suggest.c) */
}

/* Frees a CreateReply kept in a request's state. */
static void
create_reply_free(void *reply)
{
	hotline__create_reply__free_unpacked(reply, NULL);
}

/* ticket_read.lua answered with the earlier ticket (重复件): the reply is complete. */
static void
create_repeat_done(struct request *r, redisReply *reply)
{
	Hotline__CreateReply *out = r->state;

	r->state = NULL;
	r->state_free = NULL;
	out->repeat = record_ticket(reply, 0);
	create_answer(r, out);
}

/*
 * The new ticket repeats an earlier one: reads it for the agent before
 * answering, keeping out in the request's state. If that read fails the
 * create is answered with the failure, although the ticket exists: a retry
 * with the same call id returns it (idempotency).
 */
static void
create_read_repeat(struct request *r, Hotline__CreateReply *out)
{
	struct store_args args = { 0 };

	r->state = out;
	r->state_free = create_reply_free;
	store_args_addf(&args, KEY_TICKET, out->ticket->repeat_of);
	request_script(r, SCRIPT_TICKET_READ, 1, &args, create_repeat_done);
	store_args_free(&args);
}

/* create.lua answered: {"new"|"dup", number, ticket hash}. */
static void
create_done(struct request *r, redisReply *reply)
{
	Hotline__CreateReply *out;
	Hotline__Ticket *t = NULL;
	int duplicate;

	if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3)
		t = record_ticket(reply->element[2], 0);
	if (t == NULL) {
		log_warnx("create.lua: unexpected reply");
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
		    LANG_INTERNAL);
		return;
	}
	duplicate = strcmp(reply->element[0]->str, "dup") == 0;
	out = xmalloc(sizeof *out);
	hotline__create_reply__init(out);
	out->ticket = t;
	out->duplicate = duplicate;
	if (duplicate) {
		create_answer(r, out);
		return;
	}
	out->routing = r->state;	/* built before the script ran */
	r->state = NULL;
	r->state_free = NULL;
	log_info("ticket %s created by %s: %s%s%s", t->number,
	    r->conn->principal, ticket_state_name(t->state),
	    t->repeat_of[0] != '\0' ? ", likely a repeat of " : "",
	    t->repeat_of);
	if (t->repeat_of[0] != '\0' && ticket_number_valid(t->repeat_of))
		create_read_repeat(r, out);
	else
		create_answer(r, out);
}

/* Frees a Routing kept in a request's state. */
static void
routing_free(void *routing)
{
	hotline__routing__free_unpacked(routing, NULL);
}

/*
 * A create between its classification and create.lua, while the district's
 * recent tickets are read. The result points into the configuration: if a
 * reload came in between (the epoch moved), it is classified again.
 */
struct create_job {
	struct classify_result res;
	char *text;			/* blend_text's form */
	uint64_t hash;			/* its SimHash */
	uint64_t epoch;			/* learn_epoch() when classified */
	int64_t now;
};

/* Frees a create job kept in a request's state. */
static void
create_job_free(void *arg)
{
	struct create_job *job = arg;

	free(job->text);
	free(job);
}

/* Stores the ticket, dispatching it or not, in one script. */
static void
create_send(struct request *r, const struct classify_result *res,
    const char *text, const struct repeat_found *found, int64_t now)
{
	struct store_args args = { 0 };
	int nkeys;

	r->state = routing_from(res);
	r->state_free = routing_free;
	nkeys = create_args_text(&args, r->conn->principal, r->conn->role,
	    r->in->create, res, text, found, now);
	request_script(r, SCRIPT_CREATE, nkeys, &args, create_done);
	store_args_free(&args);
}

/*
 * Returns 1 if the ticket's text is to be compared with the district's
 * recent ones: for a likely repeat, or for a similar-text hot spot when
 * the ticket has no matter of its own.
 */
static int
create_needs_recent(const Hotline__CreateRequest *q,
    const struct classify_result *res, uint64_t hash)
{
	if (q->district[0] == '\0' || hash == 0)
		return 0;
	return hotlined.cfg->repeats.window_ms > 0 ||
	    (hotlined.cfg->hot_spots.count > 0 &&
	    create_matter(res)[0] == '\0');
}

/* Compares the job's text with recent_read.lua's members. */
static void
create_compare(const struct create_job *job, const redisReply *reply,
    struct repeat_found *found)
{
	size_t n = reply->type == REDIS_REPLY_ARRAY ? reply->elements : 0;
	const char **members = xcalloc(n + 1, sizeof *members);
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (reply->element[i]->type == REDIS_REPLY_STRING)
			members[k++] = reply->element[i]->str;
	repeat_scan(found, job->hash, members, k, &hotlined.cfg->repeats,
	    &hotlined.cfg->hot_spots, job->now);
	free(members);
}

/* recent_read.lua answered: compare, then store the ticket. */
static void
create_recent_done(struct request *r, redisReply *reply)
{
	const Hotline__CreateRequest *q = r->in->create;
	struct classify_input in = { q->title, q->content, q->district,
	    q->street };
	struct create_job *job = r->state;
	struct repeat_found found;
	char *text;

	r->state = NULL;
	r->state_free = NULL;
	if (job->epoch != learn_epoch()) {
		if ((text = classify_or_fail(r, &in, &job->res)) == NULL) {
			create_job_free(job);
			return;
		}
		free(job->text);
		job->text = text;
	}
	create_compare(job, reply, &found);
	create_send(r, &job->res, job->text, &found, job->now);
	create_job_free(job);
}

/* Reads the district's recent tickets for the job, keeping it in r's state. */
static void
create_read_recent(struct request *r, struct create_job *job)
{
	const struct repeats_spec *rp = &hotlined.cfg->repeats;
	int64_t back = rp->window_ms;
	struct store_args args = { 0 };

	if (hotlined.cfg->hot_spots.count > 0 &&
	    hotlined.cfg->hot_spots.window_ms > back)
		back = hotlined.cfg->hot_spots.window_ms;
	r->state = job;
	r->state_free = create_job_free;
	store_args_addf(&args, KEY_RECENT, r->in->create->district);
	script_args_recent_read(&args, job->now - back, rp->candidates);
	request_script(r, SCRIPT_RECENT_READ, 1, &args, create_recent_done);
	store_args_free(&args);
}

/*
 * Registers a ticket (登记): classify; compare its text with the district's
 * recent tickets (repeats, hot spots) when needed; then store and dispatch
 * it in one script.
 */
void
op_create(struct request *r)
{
	const Hotline__CreateRequest *q = r->in->create;
	struct classify_input in = { q->title, q->content, q->district,
	    q->street };
	struct create_job *job;

	if (create_check(r, q) == -1)
		return;
	if (kb_suggest_wanted(q))	/* searched while this is stored */
		kb_suggest_begin(r, q->title, q->content, q->district);
	job = xcalloc(1, sizeof *job);
	if ((job->text = classify_or_fail(r, &in, &job->res)) == NULL) {
		free(job);
		return;
	}
	job->hash = simhash_text(job->text);
	job->epoch = learn_epoch();
	job->now = now_ms();
	if (create_needs_recent(q, &job->res, job->hash)) {
		create_read_recent(r, job);
		return;
	}
	create_send(r, &job->res, job->text, NULL, job->now);
	create_job_free(job);
}

/* Fills t->merged from an SMEMBERS reply (tickets merged into it). */
static void
record_merged(Hotline__Ticket *t, const redisReply *set)
{
	size_t i;

	if (set->type != REDIS_REPLY_ARRAY || set->elements == 0)
		return;
	t->merged = xcalloc(set->elements, sizeof *t->merged);
	for (i = 0; i < set->elements; i++)
		if (set->element[i]->type == REDIS_REPLY_STRING)
			t->merged[t->n_merged++] = record_strdup(
			    set->element[i]->str);
}

/* show.lua answered: {ticket hash, history, merged}. */
static void
show_done(struct request *r, redisReply *reply)
{
	Hotline__Ticket *t = show_ticket(r, reply);

	if (t == NULL)
		return;
	record_merged(t, reply->element[2]);
	answer_ticket(r, t);
}

/* Shows one ticket with its history; departments see only their own, masked. */
void
op_show(struct request *r)
{
	show_read(r, r->in->show->number, show_done);
}

/* A caller's earlier tickets, newest first (重复来电). */
void
op_caller(struct request *r)
{
	const Hotline__CallerRequest *q = r->in->caller;
	unsigned limit = q->limit == 0 ? CALLER_LIMIT_DEFAULT : q->limit;

	if (!phone_valid(q->caller_phone)) {
		request_error(r, HOTLINE__ERROR_CODE__ERROR_CODE_BAD_REQUEST,
		    "caller_phone", "caller_phone" ZH_EN(" 须为电话号码",
		    " must be a phone number"));
		return;
	}
	if (limit > CALLER_LIMIT_MAX)
		limit = CALLER_LIMIT_MAX;
	caller_page(r, limit);	/* with the archived ones (archive-caller.c) */
}
