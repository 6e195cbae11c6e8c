/* Integration tests of the second hardening round (issue 14): each attack that once worked, refused now. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <locale.h>
#include <signal.h>

#include <cmocka.h>

#include "frame.h"
#include "keys.h"
#include "harness-fault.h"

static struct harness h;
static struct hl_client *agent;

HARNESS_FIXTURES(h, "agent01", agent)

/*
 * Sends env on c as one frame in which the first byte of the marker "|NUL|"
 * inside a string becomes a NUL byte: libhotline's packing stops at a NUL,
 * as C strings do, so the frame is packed whole and patched after.
 */
static void
send_with_nul(struct hl_client *c, const Hotline__Envelope *env)
{
	size_t body = hotline__envelope__get_packed_size(env), header, i;
	uint8_t *frame = malloc(body + FRAME_HEADER_MAX);
	struct hl_error err;
	int patched = 0;

	assert_non_null(frame);
	header = frame_encode_header(body, frame);
	hotline__envelope__pack(env, frame + header);
	for (i = header; i + 5 <= header + body && !patched; i++)
		if (memcmp(frame + i, "|NUL|", 5) == 0) {
			frame[i] = '\0';
			patched = 1;
		}
	assert_true(patched);
	assert_int_equal(hl_send_raw(c, frame, header + body, &err), 0);
	free(frame);
}

/* Reads the next frame of c and asserts an Error with code naming field. */
static void
expect_error_field(struct hl_client *c, int code, const char *field)
{
	Hotline__Envelope *f = NULL;
	struct hl_error err;

	assert_int_equal(hl_recv(c, HARNESS_CALL_MS, &f, &err), 1);
	assert_int_equal(f->body_case, BODY(ERROR));
	assert_int_equal(f->error->code, code);
	assert_string_equal(f->error->field, field);
	assert_non_null(strstr(f->error->message, field));
	hl_envelope_free(f);
}

/* Says hello on a fresh connection with a NUL inside principal or credential. */
static void
hello_with_nul(const char *principal, const char *credential,
    const char *field)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__Hello hello = HOTLINE__HELLO__INIT;
	char addr[HARNESS_PATH + 8];
	struct hl_client *c;

	c = harness_connect(harness_unix_address(&h.main, addr, sizeof addr));
	assert_non_null(c);
	hello.version = HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION;
	hello.principal = (char *)principal;
	hello.credential = (char *)credential;
	hello.client = "test-hardening";
	env.id = 1;
	env.body_case = BODY(HELLO);
	env.hello = &hello;
	send_with_nul(c, &env);
	expect_error_field(c, ERR(BAD_REQUEST), field);
	harness_assert_closed(c);
	hl_close(c);
}

/* Item 3: a principal or credential with a NUL and junk after it does not log in. */
static void
test_nul_in_hello(void **state)
{
	(void)state;
	hello_with_nul("agent01|NUL|evil", "agent01-test", "principal");
	hello_with_nul("agent01", "agent01-test|NUL|junk", "credential");
	harness_assert_serving(&h);
}

/*
 * Item 3: two call ids that differ only after a NUL were one call id to the
 * daemon (the second answered "duplicate", never registered); a NUL in any
 * string, nested ones too, is refused naming its field.
 */
static void
test_nul_in_request_strings(void **state)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT;
	Hotline__CreateRequest create;
	char call_id[64], phone[32], nul_id[96];

	(void)state;
	harness_create_init(&create, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "小区停水", "停水三天了");
	snprintf(nul_id, sizeof nul_id, "%s|NUL|first", call_id);
	create.call_id = nul_id;
	env.id = 41;
	env.body_case = BODY(CREATE);
	env.create = &create;
	send_with_nul(agent, &env);
	expect_error_field(agent, ERR(BAD_REQUEST), "call_id");

	create.call_id = call_id;
	create.content = "停水三天了|NUL|，后面的话不能丢";
	env.id = 42;
	send_with_nul(agent, &env);
	expect_error_field(agent, ERR(BAD_REQUEST), "content");

	/* Nothing was registered under the call id cut at the NUL. */
	assert_int_equal(harness_callid_known(&h, call_id), 0);
}

/*
 * Item 2: 高频诉求 over a period without a single ticket sorted an empty
 * array given as NULL (qsort(NULL, 0, ...)): the sanitizer build died. Both
 * dimensions answer an empty list.
 */
static void
test_hot_over_empty_period(void **state)
{
	Hotline__HotRequest req = HOTLINE__HOT_REQUEST__INIT;
	struct hl_client *sup = harness_login(&h, "supervisor01");
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	assert_non_null(sup);
	req.period = "2001-02";
	req.dimension = HOTLINE__HOT_DIMENSION__HOT_DIMENSION_DISTRICT;
	rep = harness_call(sup, BODY(HOT), &req, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->hot_list->total_registered, 0);
	assert_int_equal(rep->hot_list->n_items, 0);
	hl_envelope_free(rep);
	req.dimension = HOTLINE__HOT_DIMENSION__HOT_DIMENSION_CATEGORY;
	rep = harness_call(sup, BODY(HOT), &req, &err);
	assert_reply(rep, err);
	assert_int_equal(rep->hot_list->n_items, 0);
	hl_envelope_free(rep);
	hl_close(sup);
	harness_assert_serving(&h);
}

/* Returns 1 if s is well-formed UTF-8 (the C.UTF-8 locale is set in main). */
static int
is_utf8(const char *s)
{
	return mbstowcs(NULL, s, 0) != (size_t)-1;
}

/*
 * Item 12: "no department \"%.40s\"" cut a Chinese name inside a character,
 * and strict clients (Python's protobuf) refused the whole frame.
 */
static void
test_error_message_cut_at_character(void **state)
{
	Hotline__DispatchRequest req = HOTLINE__DISPATCH_REQUEST__INIT;
	struct hl_client *disp = harness_login(&h, "dispatcher01");
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	assert_non_null(disp);
	req.number = "20260101000001";
	/* 14 characters of 3 bytes: byte 40 is inside the 14th. */
	req.lead_department = "住建局住建局住建局住建局住建";
	rep = harness_call(disp, BODY(DISPATCH), &req, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "lead_department");
	assert_true(is_utf8(err.message));
	assert_non_null(strstr(err.message, "住建局住建局住建局住建局住」"));
	assert_true(is_utf8(err.message_en));
	assert_non_null(strstr(err.message_en, "住建局住建局住建局住建局住\""));
	hl_close(disp);
}

/* Answers BAD_REQUEST naming cursor for a watch or export from cursor. */
static void
expect_cursor_refused(struct hl_client *c, Hotline__Envelope__BodyCase body,
    const char *cursor)
{
	Hotline__WatchRequest watch = HOTLINE__WATCH_REQUEST__INIT;
	Hotline__ExportExamplesRequest export =
	    HOTLINE__EXPORT_EXAMPLES_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;

	watch.cursor = (char *)cursor;
	export.cursor = (char *)cursor;
	rep = harness_call(c, body, body == BODY(WATCH) ? (void *)&watch :
	    (void *)&export, &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "cursor");
}

/*
 * Item 12: stream ids Redis cannot hold (a part over 2^64-1) reached the
 * script and came back INTERNAL with a log line each; they are the
 * client's BAD_REQUEST.
 */
static void
test_out_of_range_cursors(void **state)
{
	static const char *const bad[] = {
		"18446744073709551616-0", "0-18446744073709551616",
		"99999999999999999999-1", "18446744073709551615-18446744073709551615",
	};
	struct hl_client *water = harness_login(&h, "water-01");
	struct hl_client *disp = harness_login(&h, "dispatcher01");
	Hotline__WatchRequest watch = HOTLINE__WATCH_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;
	size_t i;

	(void)state;
	assert_non_null(water);
	assert_non_null(disp);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		expect_cursor_refused(water, BODY(WATCH), bad[i]);
		expect_cursor_refused(disp, BODY(EXPORT_EXAMPLES), bad[i]);
	}
	/* The largest id Redis takes is still a cursor. */
	watch.cursor = "18446744073709551615-0";
	rep = harness_call(water, BODY(WATCH), &watch, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	hl_close(water);
	hl_close(disp);
}

/* Calls body kind on number as c; asserts an Error and copies its code and message. */
static void
refusal_of(struct hl_client *c, Hotline__Envelope__BodyCase body,
    const char *number, int *code, char *message, size_t len)
{
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	Hotline__TimelineRequest timeline = HOTLINE__TIMELINE_REQUEST__INIT;
	Hotline__SignRequest sign = HOTLINE__SIGN_REQUEST__INIT;
	Hotline__Envelope *rep;
	struct hl_error err;

	show.number = timeline.number = sign.number = (char *)number;
	rep = harness_call(c, body, body == BODY(SHOW) ? (void *)&show :
	    body == BODY(TIMELINE) ? (void *)&timeline : (void *)&sign, &err);
	assert_null(rep);
	*code = err.code;
	snprintf(message, len, "%s|%s", err.message, err.field);
}

/*
 * Item 13: a department heard FORBIDDEN for another department's ticket
 * and NOT_FOUND for a number that does not exist; numbers are sequential,
 * so it could count the city's tickets. Both answers are now the same.
 */
static void
test_no_existence_oracle(void **state)
{
	static const Hotline__Envelope__BodyCase kinds[] = {
		BODY(SHOW), BODY(TIMELINE), BODY(SIGN),
	};
	struct hl_client *zjj = harness_login(&h, "zjj-01");
	Hotline__Envelope *water;
	char foreign[1100], missing[1100], number[32], nonexistent[40];
	int foreign_code, missing_code;
	size_t i;

	(void)state;
	assert_non_null(zjj);
	water = harness_create(agent, "小区停水", "停水三天了，供水公司的事");
	assert_string_equal(water->created->ticket->lead_department->id,
	    "water");
	snprintf(number, sizeof number, "%s",
	    water->created->ticket->number);
	hl_envelope_free(water);
	snprintf(nonexistent, sizeof nonexistent, "%s9", number);
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		refusal_of(zjj, kinds[i], number, &foreign_code, foreign,
		    sizeof foreign);
		/* One digit more: a number the city has not reached. */
		refusal_of(zjj, kinds[i], nonexistent, &missing_code, missing,
		    sizeof missing);
		assert_int_equal(foreign_code, missing_code);
		assert_string_equal(foreign, missing);
	}
	hl_close(zjj);
}

/* Returns the value entry e changed field to, or NULL if it lists no such change. */
static const char *
changed(const Hotline__HistoryEntry *e, const char *field)
{
	size_t i;

	for (i = 0; i < e->n_changes; i++)
		if (strcmp(e->changes[i]->field, field) == 0)
			return e->changes[i]->value;
	return NULL;
}

/*
 * Item 15: a ticket dispatched at create had a dispatch entry with no
 * field changes, where a dispatcher's dispatch lists them: the department
 * and the dues are in the history now, as the ticket stores them.
 */
static void
test_auto_dispatch_lists_changes(void **state)
{
	Hotline__Envelope *made, *rep;
	const Hotline__Ticket *t;
	const Hotline__HistoryEntry *route;
	struct hl_error err;
	char due[32];

	(void)state;
	made = harness_create(agent, "小区停水", "停水一整天，请供水公司处理");
	rep = harness_show(agent, made->created->ticket->number, &err);
	assert_reply(rep, err);
	t = rep->ticket->ticket;
	assert_int_equal(t->state, STATE(DISPATCHED));
	assert_true(t->n_history >= 2);
	route = t->history[1];
	assert_string_equal(route->action, "dispatch");
	assert_non_null(changed(route, "dept"));
	assert_string_equal(changed(route, "dept"), "water");
	assert_non_null(changed(route, "sign_due"));
	snprintf(due, sizeof due, "%lld", (long long)t->sign_due_at);
	assert_string_equal(changed(route, "sign_due"), due);
	assert_non_null(changed(route, "complete_due"));
	assert_non_null(changed(route, "dispatched_at"));
	hl_envelope_free(rep);
	hl_envelope_free(made);
}

/* Creates a ticket for zjj (物业) from phone; returns its number in out. */
static void
create_zjj(const char *phone, int confidential, const char *name, char *out,
    size_t len)
{
	Hotline__CreateRequest req;
	Hotline__Envelope *rep;
	struct hl_error err;
	char call_id[96];

	harness_create_init(&req, call_id, sizeof call_id, phone, "物业不作为",
	    "小区物业公司收费不干活，楼道垃圾没人清理，电梯故障。");
	req.confidential = confidential;
	req.caller_name = (char *)name;
	rep = harness_call(agent, BODY(CREATE), &req, &err);
	assert_reply(rep, err);
	assert_string_equal(rep->created->ticket->lead_department->id, "zjj");
	snprintf(out, len, "%s", rep->created->ticket->number);
	hl_envelope_free(rep);
}

/*
 * Shows number to zjj and asserts it carries no same-caller link (a link by
 * similar text to another caller's ticket names no one) and, if 保密, no
 * caller.
 */
static void
assert_unlinkable(struct hl_client *zjj, const char *number, int confidential)
{
	Hotline__Envelope *rep;
	const Hotline__Ticket *t;
	struct hl_error err;

	rep = harness_show(zjj, number, &err);
	assert_reply(rep, err);
	t = rep->ticket->ticket;
	assert_int_not_equal(t->repeat_reason,
	    HOTLINE__REPEAT_REASON__REPEAT_REASON_SAME_CALLER);
	if (t->repeat_reason == 0)
		assert_string_equal(t->repeat_of, "");
	if (confidential) {
		assert_string_equal(t->caller_phone, "");
		assert_string_equal(t->caller_name, "");
	}
	hl_envelope_free(rep);
}

/*
 * Item 6: the same phone called about a plain ticket A and then a 保密
 * ticket B; zjj's view of B said "repeat of A, same caller", and A showed
 * the name. The other way round (保密 first) linked the same. Departments
 * see neither link, and a 保密 phone is blank (it showed 7 of 11 digits).
 * The centre still sees the link.
 */
static void
test_confidential_not_linkable(void **state)
{
	struct hl_client *zjj = harness_login(&h, "zjj-01");
	char phone[24], a[32], b[32], c[32], d[32];
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	assert_non_null(zjj);
	harness_phone(phone, sizeof phone);
	create_zjj(phone, 0, "张公开", a, sizeof a);
	create_zjj(phone, 1, "张公开", b, sizeof b);
	assert_unlinkable(zjj, b, 1);
	rep = harness_show(agent, b, &err);
	assert_reply(rep, err);
	assert_string_equal(rep->ticket->ticket->repeat_of, a);
	hl_envelope_free(rep);

	harness_phone(phone, sizeof phone);
	create_zjj(phone, 1, "李保密", c, sizeof c);
	create_zjj(phone, 0, "李保密", d, sizeof d);
	assert_unlinkable(zjj, d, 0);
	assert_unlinkable(zjj, c, 1);
	hl_close(zjj);
}

/*
 * Item 5: zjj returned a ticket, the centre gave it to water, which signed
 * and replied; zjj's show was refused, but watching from cursor "0"
 * replayed the old events with the ticket as it is now (lead water,
 * water's reply). The replayed events carry no ticket once it has left.
 */
static void
test_replay_after_ticket_left(void **state)
{
	Hotline__ReturnRequest ret = HOTLINE__RETURN_REQUEST__INIT;
	Hotline__DispatchRequest route = HOTLINE__DISPATCH_REQUEST__INIT;
	struct hl_client *zjj = harness_login(&h, "zjj-01");
	struct hl_client *water = harness_login(&h, "water-01");
	struct hl_client *disp = harness_login(&h, "dispatcher01");
	char phone[24], number[32];
	Hotline__Envelope *rep, *ev;
	struct hl_error err;
	int mine = 0;

	(void)state;
	assert_non_null(zjj);
	assert_non_null(water);
	assert_non_null(disp);
	create_zjj(harness_phone(phone, sizeof phone), 0, "王先生", number,
	    sizeof number);
	hl_envelope_free(harness_sign(zjj, number, &err));
	ret.number = number;
	ret.reason = "供水问题，不属于本单位";
	ret.basis = "三定方案";
	rep = harness_call(zjj, BODY(RETURN_TICKET), &ret, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	route.number = number;
	route.lead_department = "water";
	rep = harness_call(disp, BODY(DISPATCH), &route, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	hl_envelope_free(harness_sign(water, number, &err));
	rep = harness_reply(water, number, "供水公司的秘密答复：已抢修", &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);

	rep = harness_watch(zjj, "0", &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	while ((ev = harness_event(zjj, 1000)) != NULL) {
		if (strcmp(ev->event->number, number) == 0) {
			mine++;
			assert_null(ev->event->ticket);
		}
		hl_envelope_free(ev);
	}
	assert_true(mine >= 2);		/* dispatched to it, and taken back */
	hl_close(zjj);
	hl_close(water);
	hl_close(disp);
}

/* Sends a note on number as c with request key key (NULL: libhotline's own); returns the answer. */
static Hotline__Envelope *
note_with_key(struct hl_client *c, const char *number, const char *key,
    struct hl_error *err)
{
	Hotline__Envelope env = HOTLINE__ENVELOPE__INIT, *reply = NULL;
	Hotline__NoteRequest note = HOTLINE__NOTE_REQUEST__INIT;

	note.number = (char *)number;
	note.text = "已派人到现场查看";
	env.body_case = BODY(NOTE);
	env.note = &note;
	if (key != NULL)
		env.request_key = (char *)key;
	if (hl_call(c, &env, &reply, err) == -1)
		return NULL;
	return reply;
}

/* Counts the history entries of number whose action is action. */
static size_t
count_steps(const char *number, const char *action)
{
	Hotline__Envelope *rep;
	struct hl_error err;
	size_t i, n = 0;

	rep = harness_show(agent, number, &err);
	assert_reply(rep, err);
	for (i = 0; i < rep->ticket->ticket->n_history; i++)
		n += strcmp(rep->ticket->ticket->history[i]->action, action) == 0;
	hl_envelope_free(rep);
	return n;
}

/*
 * Item 4: a step answered "unavailable" may have been applied (Redis
 * paused past the timeout); its retry was applied again (a second
 * callback attempt, a second note). Sent again with the same request key
 * it is made once and answered with the ticket; another key is another
 * step; libhotline sends a fresh key of its own; a bad key is refused.
 */
static void
test_retry_with_request_key(void **state)
{
	struct hl_client *zjj = harness_login(&h, "zjj-01");
	char phone[24], number[32], key[HL_REQUEST_KEY_MAX + 1];
	Hotline__Envelope *rep;
	struct hl_error err;

	(void)state;
	assert_non_null(zjj);
	create_zjj(harness_phone(phone, sizeof phone), 0, "赵先生", number,
	    sizeof number);
	rep = note_with_key(zjj, number, "retry-test-1", &err);
	assert_reply(rep, err);
	assert_string_equal(hl_last_request_key(zjj), "retry-test-1");
	hl_envelope_free(rep);
	rep = note_with_key(zjj, number, "retry-test-1", &err);
	assert_reply(rep, err);
	assert_string_equal(rep->ticket->ticket->number, number);
	hl_envelope_free(rep);
	assert_int_equal(count_steps(number, "note"), 1);

	rep = note_with_key(zjj, number, NULL, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	snprintf(key, sizeof key, "%s", hl_last_request_key(zjj));
	assert_int_equal(strlen(key), 32);
	assert_int_equal(count_steps(number, "note"), 2);
	rep = note_with_key(zjj, number, key, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	assert_int_equal(count_steps(number, "note"), 2);
	rep = note_with_key(zjj, number, NULL, &err);
	assert_reply(rep, err);
	hl_envelope_free(rep);
	assert_int_equal(count_steps(number, "note"), 3);

	rep = note_with_key(zjj, number, "no spaces allowed", &err);
	assert_error(rep, err, ERR(BAD_REQUEST));
	assert_string_equal(err.field, "request_key");
	hl_close(zjj);
}

/*
 * Copies field (e.g. "cmd", "id") of the Redis client named name from
 * CLIENT LIST into out; 0, or -1 when no client has that name.
 */
static int
redis_client_field(const char *name, const char *field, char *out, size_t n)
{
	redisContext *r = harness_redis(&h);
	redisReply *rep = redisCommand(r, "CLIENT LIST");
	char want[80], key[40], *line, *save = NULL;
	const char *at;
	int rc = -1;

	assert_non_null(rep);
	assert_int_equal(rep->type, REDIS_REPLY_STRING);
	snprintf(want, sizeof want, " name=%s ", name);
	snprintf(key, sizeof key, " %s=", field);
	for (line = strtok_r(rep->str, "\n", &save); line != NULL && rc == -1;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, want) == NULL)
			continue;
		/* Every line starts with "id=": the one field without a space. */
		at = strncmp(line, key + 1, strlen(key + 1)) == 0 ? line :
		    strstr(line, key) + 1;
		if (at == (const char *)1)
			continue;
		at += strlen(key + 1);
		snprintf(out, n, "%.*s", (int)strcspn(at, " "), at);
		rc = 0;
	}
	freeReplyObject(rep);
	redisFree(r);
	return rc;
}

/* Creates a ticket through c and asserts that a show right after finds it. */
static void
create_then_show(struct hl_client *c)
{
	Hotline__Envelope *made, *shown;
	char number[32];

	made = harness_create(c, "小区停水", "读写分离之后仍能读到刚登记的工单");
	snprintf(number, sizeof number, "%s", made->created->ticket->number);
	hl_envelope_free(made);
	shown = harness_show(c, number, NULL);
	assert_int_equal(shown->body_case, BODY(TICKET));
	assert_string_equal(shown->ticket->ticket->number, number);
	hl_envelope_free(shown);
}

/*
 * Item 8: scripts that only read go on a second Redis link
 * (hotlined-reads), so writes (on hotlined-commands) never queue behind
 * them. A create does not touch the read link; the show after it runs
 * there and sees the ticket (read-your-writes); with the read link killed
 * shows still answer (on the command link) and see what was just created,
 * and the link comes back by itself.
 */
static void
test_reads_on_their_own_link(void **state)
{
	char id[32], cmd[64], kill[64];
	redisContext *r;
	redisReply *rep;
	int64_t end;

	(void)state;
	assert_int_equal(redis_client_field("hotlined-commands", "id", id,
	    sizeof id), 0);
	create_then_show(agent);
	assert_int_equal(redis_client_field("hotlined-reads", "cmd", cmd,
	    sizeof cmd), 0);
	assert_string_equal(cmd, "evalsha");

	/* The read link killed: reads go on, on the command link. */
	assert_int_equal(redis_client_field("hotlined-reads", "id", id,
	    sizeof id), 0);
	snprintf(kill, sizeof kill, "CLIENT KILL ID %s", id);
	r = harness_redis(&h);
	assert_non_null(rep = redisCommand(r, kill));
	assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
	assert_int_equal(rep->integer, 1);
	freeReplyObject(rep);
	redisFree(r);
	create_then_show(agent);
	/* It comes back by itself, and reads go on it again. */
	end = harness_now_ms() + HARNESS_WAIT_MS;
	while (harness_metric(&h.main, "hotline_store_read_ready") != 1 &&
	    harness_now_ms() < end)
		harness_sleep_ms(50);
	assert_int_equal(redis_client_field("hotlined-reads", "id", cmd,
	    sizeof cmd), 0);
	assert_string_not_equal(cmd, id);
	create_then_show(agent);
	assert_int_equal(redis_client_field("hotlined-reads", "cmd", cmd,
	    sizeof cmd), 0);
	assert_string_equal(cmd, "evalsha");
}

/* limits.max_principal_pending's default (config-keys.c). */
#define DEFAULT_PRINCIPAL_PENDING 64

/*
 * Sends n shows of number on c, then a ping round trip on other (so the
 * shows were read) and a ping on probe (the flooder's other connection);
 * returns 1 if probe's ping was answered within 300 ms, else 0.
 */
static int
probe_after_shows(struct hl_client *c, int n, const char *number,
    struct hl_client *other, struct hl_client *probe)
{
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	Hotline__Ping ping = HOTLINE__PING__INIT;
	Hotline__Envelope *f;
	struct hl_error err;
	static uint64_t id = 1000;
	int i, answered;

	show.number = (char *)number;
	for (i = 0; i < n; i++)
		assert_int_equal(harness_send(c, ++id, BODY(SHOW), &show), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(harness_send(other, ++id, BODY(PING), &ping), 0);
		assert_int_equal(hl_recv(other, HARNESS_CALL_MS, &f, &err), 1);
		assert_int_equal(f->body_case, BODY(PONG));
		hl_envelope_free(f);
	}
	assert_int_equal(harness_send(probe, ++id, BODY(PING), &ping), 0);
	answered = hl_recv(probe, 300, &f, &err) == 1;
	if (answered)
		hl_envelope_free(f);
	return answered;
}

/*
 * Item 8 at the default configuration (the harness's config sets no
 * limits.max_principal_pending): with Redis paused, a principal with 63
 * shows waiting is still read (its second connection's ping is
 * answered); at the 64th it is not (the ping waits in its socket), while
 * another principal's ping is answered and its create is read. When Redis
 * is back every show, the held ping and the create are answered, none
 * refused. With the old default (1000) the 64th show did not hold it.
 */
static void
test_default_principal_bound(void **state)
{
	Hotline__CreateRequest create;
	Hotline__Envelope *made, *f;
	struct hl_client *flood, *probe, *other;
	struct hl_error err;
	char number[32], call_id[64], phone[24];
	int i, under, at, answered = 0, refused = 0;

	(void)state;
	made = harness_create(agent, "小区停水", "停水一天");
	snprintf(number, sizeof number, "%s", made->created->ticket->number);
	hl_envelope_free(made);
	assert_non_null(flood = harness_login(&h, "agent02"));
	assert_non_null(probe = harness_login(&h, "agent02"));
	assert_non_null(other = harness_login(&h, "supervisor01"));

	assert_int_equal(fault_redis_signal(&h, SIGSTOP), 0);
	under = probe_after_shows(flood, DEFAULT_PRINCIPAL_PENDING - 1,
	    number, other, probe);
	at = probe_after_shows(flood, 1, number, other, probe);
	harness_create_init(&create, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "小区停电", "另一位话务员的来电");
	assert_int_equal(harness_send(agent, 300, BODY(CREATE), &create), 0);
	assert_int_equal(fault_redis_signal(&h, SIGCONT), 0);
	assert_int_equal(under, 1);
	assert_int_equal(at, 0);

	assert_int_equal(hl_recv(agent, HARNESS_CALL_MS, &f, &err), 1);
	assert_int_equal(f->body_case, BODY(CREATED));
	hl_envelope_free(f);
	for (i = 0; i < DEFAULT_PRINCIPAL_PENDING &&
	    hl_recv(flood, HARNESS_CALL_MS, &f, &err) == 1; i++) {
		if (f->body_case == BODY(TICKET))
			answered++;
		else if (f->body_case == BODY(ERROR) &&
		    f->error->code == ERR(RATE_LIMITED))
			refused++;
		hl_envelope_free(f);
	}
	assert_int_equal(answered, DEFAULT_PRINCIPAL_PENDING);
	assert_int_equal(refused, 0);
	assert_int_equal(hl_recv(probe, HARNESS_CALL_MS, &f, &err), 1);
	assert_int_equal(f->body_case, BODY(PONG));
	hl_envelope_free(f);
	hl_close(flood);
	hl_close(probe);
	hl_close(other);
}

/*
 * Item 8: 50 connections of one agent pipelining reads filled the shared
 * Redis link for everyone. With Redis paused, one principal's requests
 * past limits.max_principal_pending (10 here) are not even read: its
 * connections wait (a ping on a second connection of the same principal
 * is not answered) while another principal's create and ping get their
 * turn; when Redis is back every request is answered, none refused, and
 * the create is made. Before the fix the twenty past the bound were
 * refused RATE_LIMITED (and before that, queued for Redis). Runs last: it
 * restarts hotlined.
 */
static void
test_principal_fair_share(void **state)
{
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	Hotline__Ping ping = HOTLINE__PING__INIT;
	Hotline__CreateRequest create;
	Hotline__Envelope *made, *f;
	struct hl_client *flood, *flood2, *agent2;
	struct hl_error err;
	char number[32], call_id[64], phone[24];
	int i, refused = 0, answered = 0;

	(void)state;
	made = harness_create(agent, "小区停水", "停水一天");
	snprintf(number, sizeof number, "%s", made->created->ticket->number);
	hl_envelope_free(made);
	hl_close(agent);
	agent = NULL;
	assert_int_equal(harness_edit_config(&h.main, "max_connections = 1000;",
	    "max_connections = 1000; max_principal_pending = 10;"), 0);
	assert_int_equal(harness_restart(&h), 0);
	assert_non_null(agent = harness_login(&h, "agent01"));
	assert_non_null(flood = harness_login(&h, "agent02"));
	assert_non_null(flood2 = harness_login(&h, "agent02"));
	assert_non_null(agent2 = harness_login(&h, "agent01"));

	assert_int_equal(fault_redis_signal(&h, SIGSTOP), 0);
	show.number = number;
	for (i = 1; i <= 30; i++)
		assert_int_equal(harness_send(flood, (uint64_t)i, BODY(SHOW),
		    &show), 0);
	harness_create_init(&create, call_id, sizeof call_id,
	    harness_phone(phone, sizeof phone), "小区停水", "另一位话务员的来电");
	assert_int_equal(harness_send(agent, 77, BODY(CREATE), &create), 0);
	/*
	 * The other principal is served (its ping, on a second connection,
	 * is read after the flood's shows were); the flooding one's waits.
	 */
	assert_int_equal(harness_send(agent2, 78, BODY(PING), &ping), 0);
	assert_int_equal(hl_recv(agent2, HARNESS_CALL_MS, &f, &err), 1);
	assert_int_equal(f->body_case, BODY(PONG));
	hl_envelope_free(f);
	assert_int_equal(harness_send(flood2, 79, BODY(PING), &ping), 0);
	assert_int_equal(hl_recv(flood2, 300, &f, &err), 0);
	assert_int_equal(fault_redis_signal(&h, SIGCONT), 0);
	for (i = 0; i < 30 && hl_recv(flood, HARNESS_CALL_MS, &f, &err) == 1;
	    i++) {
		if (f->body_case == BODY(ERROR) &&
		    f->error->code == ERR(RATE_LIMITED))
			refused++;
		else if (f->body_case == BODY(TICKET))
			answered++;
		hl_envelope_free(f);
	}
	assert_int_equal(answered, 30);
	assert_int_equal(refused, 0);
	assert_int_equal(hl_recv(flood2, HARNESS_CALL_MS, &f, &err), 1);
	assert_int_equal(f->body_case, BODY(PONG));
	hl_envelope_free(f);
	assert_int_equal(hl_recv(agent, HARNESS_CALL_MS, &f, &err), 1);
	assert_int_equal(f->body_case, BODY(CREATED));
	hl_envelope_free(f);
	hl_close(flood);
	hl_close(flood2);
	hl_close(agent2);
}

/*
 * Returns where, among the shows Redis's slow log holds (threshold 0: every
 * command, oldest first), the first one naming number ran; -1 if none.
 */
static int
show_position(redisContext *r, const char *number, int *nshows)
{
	redisReply *log = redisCommand(r, "SLOWLOG GET 1000");
	redisReply *e, *args;
	size_t i, j;
	int pos = -1, at = 0;

	assert_non_null(log);
	assert_int_equal(log->type, REDIS_REPLY_ARRAY);
	for (i = log->elements; i-- > 0;) {
		e = log->element[i];
		if (e->elements < 6 || e->element[5]->type != REDIS_REPLY_STRING ||
		    strcmp(e->element[5]->str, "hotlined-reads") != 0)
			continue;
		args = e->element[3];
		for (j = 0; j < args->elements; j++)
			if (strstr(args->element[j]->str, KEY_TICKET_PREFIX) != NULL)
				break;
		if (j == args->elements)
			continue;	/* not a show */
		if (pos == -1 && strstr(args->element[j]->str, number) != NULL)
			pos = at;
		at++;
	}
	freeReplyObject(log);
	*nshows = at;
	return pos;
}

/*
 * Item 8: reads past the read link's window (redis.read_window, default
 * 4) wait in one lane per principal, served in turn. With Redis paused and
 * 40 of one principal's shows waiting, another principal's show runs among
 * the first reads when Redis is back, not after all 40 (it ran 41st with
 * one queue for all, 17th with a window of 16).
 * Runs after test_principal_fair_share (it raises that test's bound).
 */
static void
test_reads_take_turns(void **state)
{
	Hotline__ShowRequest show = HOTLINE__SHOW_REQUEST__INIT;
	Hotline__Ping ping = HOTLINE__PING__INIT;
	Hotline__Envelope *made, *f;
	struct hl_client *flood, *other;
	struct hl_error err;
	char mine[32], theirs[32];
	redisContext *r;
	redisReply *rep;
	int i, pos, nshows;

	(void)state;
	made = harness_create(agent, "小区停水", "停水一天");
	snprintf(mine, sizeof mine, "%s", made->created->ticket->number);
	hl_envelope_free(made);
	made = harness_create(agent, "小区停电", "停电一天");
	snprintf(theirs, sizeof theirs, "%s", made->created->ticket->number);
	hl_envelope_free(made);
	hl_close(agent);
	agent = NULL;
	assert_int_equal(harness_edit_config(&h.main,
	    "max_principal_pending = 10;", "max_principal_pending = 40;"), 0);
	assert_int_equal(harness_restart(&h), 0);
	assert_non_null(agent = harness_login(&h, "agent01"));
	assert_non_null(other = harness_login(&h, "supervisor01"));
	assert_non_null(flood = harness_login(&h, "agent02"));
	r = harness_redis(&h);
	assert_non_null(rep = redisCommand(r,
	    "CONFIG SET slowlog-log-slower-than 0 slowlog-max-len 1000"));
	freeReplyObject(rep);
	assert_non_null(rep = redisCommand(r, "SLOWLOG RESET"));
	freeReplyObject(rep);

	assert_int_equal(fault_redis_signal(&h, SIGSTOP), 0);
	show.number = theirs;
	for (i = 1; i <= 40; i++)
		assert_int_equal(harness_send(flood, (uint64_t)i, BODY(SHOW),
		    &show), 0);
	/* Two round trips on another connection: the flood's frames were read. */
	for (i = 0; i < 2; i++) {
		assert_int_equal(harness_send(other, 50 + i, BODY(PING), &ping),
		    0);
		assert_int_equal(hl_recv(other, HARNESS_CALL_MS, &f, &err), 1);
		hl_envelope_free(f);
	}
	show.number = mine;
	assert_int_equal(harness_send(agent, 99, BODY(SHOW), &show), 0);
	assert_int_equal(fault_redis_signal(&h, SIGCONT), 0);
	for (i = 0; i < 40; i++) {
		assert_int_equal(hl_recv(flood, HARNESS_CALL_MS, &f, &err), 1);
		assert_int_equal(f->body_case, BODY(TICKET));
		hl_envelope_free(f);
	}
	assert_int_equal(hl_recv(agent, HARNESS_CALL_MS, &f, &err), 1);
	assert_int_equal(f->body_case, BODY(TICKET));
	hl_envelope_free(f);

	pos = show_position(r, mine, &nshows);
	redisFree(r);
	assert_int_equal(nshows, 41);
	/* The window's 4, then one of the flood's, then its turn. */
	assert_in_range(pos, 0, 5);
	hl_close(flood);
	hl_close(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nul_in_hello),
		cmocka_unit_test(test_nul_in_request_strings),
		cmocka_unit_test(test_hot_over_empty_period),
		cmocka_unit_test(test_error_message_cut_at_character),
		cmocka_unit_test(test_out_of_range_cursors),
		cmocka_unit_test(test_no_existence_oracle),
		cmocka_unit_test(test_auto_dispatch_lists_changes),
		cmocka_unit_test(test_confidential_not_linkable),
		cmocka_unit_test(test_replay_after_ticket_left),
		cmocka_unit_test(test_retry_with_request_key),
		cmocka_unit_test(test_reads_on_their_own_link),
		cmocka_unit_test(test_default_principal_bound),
		cmocka_unit_test(test_principal_fair_share),
		cmocka_unit_test(test_reads_take_turns),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	harness_filter();
	return cmocka_run_group_tests(tests, setup, teardown);
}
