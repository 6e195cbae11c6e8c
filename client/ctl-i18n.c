/* hotlinectl's message catalogue in Chinese and English: the language choice, names of enums, steps and fields, labels and phrases, durations. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctl.h"

enum ctl_lang ctl_lang = CTL_LANG_ZH;

/* Names of enums: the protocol's value, English, Chinese. */
#define N(v, e, z) { .value = (v), .en = (e), .zh = (z) }
#define END { .value = 0, .en = NULL, .zh = NULL }

const struct ctl_name ctl_types[] = {
	N(HOTLINE__TICKET_TYPE__TICKET_TYPE_CONSULTATION, "consultation", "咨询"),
	N(HOTLINE__TICKET_TYPE__TICKET_TYPE_HELP, "help", "求助"),
	N(HOTLINE__TICKET_TYPE__TICKET_TYPE_COMPLAINT, "complaint", "投诉"),
	N(HOTLINE__TICKET_TYPE__TICKET_TYPE_REPORT, "report", "举报"),
	N(HOTLINE__TICKET_TYPE__TICKET_TYPE_SUGGESTION, "suggestion", "建议"),
	N(HOTLINE__TICKET_TYPE__TICKET_TYPE_PRAISE, "praise", "表扬"),
	END
};

/* Unspecified urgency and channel print as what the protocol treats them as. */
const struct ctl_name ctl_urgencies[] = {
	N(HOTLINE__URGENCY__URGENCY_NORMAL, "normal", "一般"),
	N(HOTLINE__URGENCY__URGENCY_URGENT, "urgent", "紧急"),
	N(HOTLINE__URGENCY__URGENCY_CRITICAL, "critical", "特急"),
	N(HOTLINE__URGENCY__URGENCY_UNSPECIFIED, "normal", "一般"),
	END
};

const struct ctl_name ctl_channels[] = {
	N(HOTLINE__CHANNEL__CHANNEL_PHONE, "phone", "电话"),
	N(HOTLINE__CHANNEL__CHANNEL_WEB, "web", "网站"),
	N(HOTLINE__CHANNEL__CHANNEL_APP, "app", "移动端"),
	N(HOTLINE__CHANNEL__CHANNEL_WECHAT, "wechat", "微信"),
	N(HOTLINE__CHANNEL__CHANNEL_MAILBOX, "mailbox", "信箱"),
	N(HOTLINE__CHANNEL__CHANNEL_UNSPECIFIED, "phone", "电话"),
	END
};

#define STATE(s) HOTLINE__TICKET_STATE__TICKET_STATE_##s
const struct ctl_name ctl_states[] = {
	N(STATE(REGISTERED), "registered", "已登记"),
	N(STATE(TRIAGE), "triage", "待派单"),
	N(STATE(DISPATCHED), "dispatched", "已派单"),
	N(STATE(ACCEPTED), "accepted", "已签收"),
	N(STATE(REPLIED), "replied", "已办结回复"),
	N(STATE(SUSPENDED), "suspended", "已挂起"),
	N(STATE(AWAITING_CALLBACK), "awaiting callback", "待回访"),
	N(STATE(CLOSED), "closed", "已办结"),
	N(STATE(MERGED), "merged", "已并单"),
	N(STATE(TRANSFERRED), "transferred", "已转警"),
	END
};
#undef STATE

#define KIND(k) HOTLINE__EVENT_KIND__EVENT_KIND_##k
const struct ctl_name ctl_event_kinds[] = {
	N(KIND(DISPATCHED), "new ticket", "新工单"),
	N(KIND(SIGNED), "signed", "已签收"),
	N(KIND(REPLIED), "replied", "已回复"),
	N(KIND(RELIST), "relist", "重新列出"),
	N(KIND(RETURNED), "returned", "退单"),
	N(KIND(TAKEN_AWAY), "taken away (re-dispatched or merged)",
	    "已改派或并单"),
	N(KIND(REOPENED), "reopened", "重办"),
	N(KIND(URGED), "urged", "催办"),
	N(KIND(SUPERVISED), "supervision order", "督办"),
	N(KIND(EXTENSION_REQUESTED), "extension requested", "延期申请"),
	N(KIND(EXTENSION_DECIDED), "extension decided", "延期审批"),
	N(KIND(REPLY_SENT_BACK), "reply sent back", "退回重办"),
	N(KIND(TRIAGED), "to triage", "待派单"),
	N(KIND(DISPUTED), "disputed", "争议件"),
	N(KIND(ASSIST_REPLIED), "assisting department replied", "协办回复"),
	N(KIND(SUSPENDED), "suspended", "已挂起"),
	N(KIND(RESUMED), "resumed", "恢复办理"),
	N(KIND(NOTE), "progress note", "办理进展"),
	N(KIND(SUPERVISION_ANSWERED), "supervision answered", "督办反馈"),
	N(KIND(CLOSED), "closed", "已办结"),
	N(KIND(SIGN_OVERDUE), "sign overdue", "签收超时"),
	N(KIND(WARNING), "yellow light: due soon", "黄灯 临近超期"),
	N(KIND(OVERDUE), "red light: overdue", "红灯 超期"),
	N(KIND(SUPERVISION_OVERDUE), "supervision overdue", "督办超时"),
	N(KIND(CALLBACK_OVERDUE), "callback overdue", "回访超时"),
	N(KIND(HOT_SPOT), "hot spot", "高频件"),
	N(KIND(DEADLINE_MOVED), "deadline moved", "时限变更"),
	N(KIND(KB_FLAGGED), "knowledge article flagged", "知识条目纠错"),
	N(KIND(KB_EXPIRING), "knowledge article expiring", "知识条目即将到期"),
	END
};
#undef KIND

/* The first name of a value is the one printed; "basic" is only parsed. */
const struct ctl_name ctl_callback_results[] = {
	N(HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_SATISFIED, "satisfied",
	    "满意"),
	N(HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_BASICALLY_SATISFIED,
	    "basically_satisfied", "基本满意"),
	N(HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_UNSATISFIED, "unsatisfied",
	    "不满意"),
	N(HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_UNREACHABLE, "unreachable",
	    "未联系上"),
	N(HOTLINE__CALLBACK_RESULT__CALLBACK_RESULT_BASICALLY_SATISFIED,
	    "basic", "基本满意"),
	END
};

const struct ctl_name ctl_closures[] = {
	N(HOTLINE__CLOSURE__CLOSURE_DIRECT_ANSWER, "direct answer", "直接办结"),
	N(HOTLINE__CLOSURE__CLOSURE_CALLBACK, "after callback", "回访办结"),
	N(HOTLINE__CLOSURE__CLOSURE_UNREACHABLE, "caller unreachable",
	    "回访未联系上"),
	N(HOTLINE__CLOSURE__CLOSURE_INVALID, "invalid", "无效/骚扰"),
	N(HOTLINE__CLOSURE__CLOSURE_WITH_MASTER, "with its master",
	    "随主单办结"),
	END
};

const struct ctl_name ctl_triage_reasons[] = {
	N(HOTLINE__TRIAGE_REASON__TRIAGE_REASON_LOW_CONFIDENCE,
	    "low confidence", "分类不确定"),
	N(HOTLINE__TRIAGE_REASON__TRIAGE_REASON_RETURNED, "returned", "退单"),
	N(HOTLINE__TRIAGE_REASON__TRIAGE_REASON_DISPUTED, "disputed", "争议件"),
	END
};

const struct ctl_name ctl_roles[] = {
	N(HOTLINE__ROLE__ROLE_UNSPECIFIED, "hotlined", "系统"),
	N(HOTLINE__ROLE__ROLE_AGENT, "agent", "话务员"),
	N(HOTLINE__ROLE__ROLE_DISPATCHER, "dispatcher", "派单员"),
	N(HOTLINE__ROLE__ROLE_DEPARTMENT, "department", "承办单位"),
	N(HOTLINE__ROLE__ROLE_SUPERVISOR, "supervisor", "督办"),
	N(HOTLINE__ROLE__ROLE_ADMIN, "admin", "管理员"),
	END
};

#define CODE(c) HOTLINE__ERROR_CODE__ERROR_CODE_##c
const struct ctl_name ctl_error_codes[] = {
	N(CODE(BAD_REQUEST), "bad request", "请求有误"),
	N(CODE(UNAUTHENTICATED), "unauthenticated", "身份验证失败"),
	N(CODE(FORBIDDEN), "forbidden", "无权操作"),
	N(CODE(NOT_FOUND), "not found", "未找到"),
	N(CODE(CONFLICT), "conflict with the ticket's state", "工单状态不允许"),
	N(CODE(UNAVAILABLE), "unavailable", "服务暂不可用"),
	N(CODE(TOO_LARGE), "too large", "内容过长"),
	N(CODE(RATE_LIMITED), "rate limited", "请求过于频繁"),
	N(CODE(INTERNAL), "internal error", "内部错误"),
	N(CODE(VERSION_MISMATCH), "protocol version mismatch", "协议版本不符"),
	N(HL_ERR_IO, "connection", "连接失败"),
	N(HL_ERR_PROTOCOL, "protocol", "协议错误"),
	N(HL_ERR_TIMEOUT, "timeout", "超时无应答"),
	N(HL_ERR_NOMEM, "out of memory", "内存不足"),
	N(HL_ERR_USAGE, "usage", "用法有误"),
	END
};
#undef CODE
#undef N
#undef END

/* The steps of a ticket's history (全程留痕) by the action the daemon records. */
static const struct {
	const char *action;
	const char *en;
	const char *zh;
} ctl_steps[] = {
	{ .action = "create", .en = "registered", .zh = "登记" },
	{ .action = "dispatch", .en = "dispatched", .zh = "派单" },
	{ .action = "triage", .en = "to triage", .zh = "转待派单" },
	{ .action = "answer", .en = "answered directly", .zh = "直接办结" },
	{ .action = "transfer", .en = "transferred (emergency)",
	    .zh = "转警" },
	{ .action = "redispatch", .en = "re-dispatched", .zh = "改派" },
	{ .action = "decide_extension", .en = "extension decided",
	    .zh = "延期审批" },
	{ .action = "approve_reply", .en = "reply approved", .zh = "审核通过" },
	{ .action = "send_back", .en = "reply sent back", .zh = "退回重办" },
	{ .action = "merge", .en = "merged", .zh = "并单" },
	{ .action = "invalidate", .en = "closed as invalid", .zh = "无效件" },
	{ .action = "sign", .en = "signed", .zh = "签收" },
	{ .action = "return", .en = "returned", .zh = "退单" },
	{ .action = "extend", .en = "extension requested", .zh = "延期申请" },
	{ .action = "suspend", .en = "suspended", .zh = "挂起" },
	{ .action = "resume", .en = "resumed", .zh = "恢复办理" },
	{ .action = "note", .en = "progress note", .zh = "办理进展" },
	{ .action = "reply", .en = "replied", .zh = "办结回复" },
	{ .action = "answer_supervision", .en = "supervision answered",
	    .zh = "督办反馈" },
	{ .action = "callback", .en = "called back, closed", .zh = "回访办结" },
	{ .action = "reopen", .en = "reopened (unsatisfied)",
	    .zh = "重办（回访不满意）" },
	{ .action = "callback_unreachable", .en = "callback: unreachable",
	    .zh = "回访未联系上" },
	{ .action = "urge", .en = "urged", .zh = "催办" },
	{ .action = "supervise", .en = "supervision order", .zh = "督办" },
	{ .action = "exempt", .en = "exempted from assessment",
	    .zh = "免考核" },
	{ .action = "sign_assist", .en = "signed (assisting)",
	    .zh = "协办签收" },
	{ .action = "reply_assist", .en = "replied (assisting)",
	    .zh = "协办回复" },
	{ .action = "close_with_master", .en = "closed with its master",
	    .zh = "随主单办结" },
	{ .action = "sign_overdue", .en = "sign overdue", .zh = "签收超时" },
	{ .action = "warning", .en = "yellow light", .zh = "黄灯预警" },
	{ .action = "overdue", .en = "red light: overdue", .zh = "红灯超期" },
	{ .action = "callback_overdue", .en = "callback overdue",
	    .zh = "回访超时" },
	{ .action = "supervision_overdue", .en = "supervision overdue",
	    .zh = "督办超时" },
	{ .action = "recompute", .en = "deadlines recomputed (calendar)",
	    .zh = "时限重算（日历变更）" },
};

/* How a history change's value reads. */
enum ctl_field_kind {
	CTL_FIELD_TEXT,
	CTL_FIELD_TIME,		/* ms since the epoch */
	CTL_FIELD_FLAG,		/* "0" or "1" */
	CTL_FIELD_ENUM,		/* a number named by names */
	CTL_FIELD_LEFT,		/* a stopped clock's time left; -1: it runs */
	CTL_FIELD_LIMIT		/* time limits, "5wd" or "2wd,3wd" */
};

/* The fields a history step may set (FieldChange.field), with their labels. */
static const struct {
	const char *field;
	const char *en;
	const char *zh;
	enum ctl_field_kind kind;
	const struct ctl_name *names;
} ctl_fields[] = {
#define F(f, e, z, k) { .field = f, .en = e, .zh = z, .kind = CTL_FIELD_##k }
#define E(f, e, z, n) { .field = f, .en = e, .zh = z, \
	.kind = CTL_FIELD_ENUM, .names = n }
	F("dept", "department", "主办单位", TEXT),
	F("assists", "assisting", "协办单位", TEXT),
	E("closure", "closure", "办结方式", ctl_closures),
	E("triage_reason", "triage", "待派单原因", ctl_triage_reasons),
	E("callback_result", "callback", "回访结果", ctl_callback_results),
	F("disputed", "disputed", "争议件", FLAG),
	F("master", "master", "主单", TEXT),
	F("exempt", "exempt", "免考核", FLAG),
	F("exempt_reason", "exempt reason", "免考核理由", TEXT),
	F("reply_result", "reply", "办结回复", TEXT),
	F("solved", "solved", "已解决", FLAG),
	F("return_reason", "return reason", "退单理由", TEXT),
	F("return_basis", "return basis", "退单依据", TEXT),
	F("review_note", "review note", "退回意见", TEXT),
	F("direct_answer", "direct answer", "直接答复", TEXT),
	F("callback_comment", "callback comment", "回访意见", TEXT),
	F("sup_text", "supervision", "督办内容", TEXT),
	F("sup_limit", "supervision limit", "督办时限", LIMIT),
	F("sup_by", "supervised by", "督办人", TEXT),
	F("sup_at", "supervised at", "督办时间", TIME),
	F("sup_due", "supervision due", "督办到期", TIME),
	F("sup_answer", "supervision answer", "督办反馈", TEXT),
	F("sup_answered_at", "answered at", "反馈时间", TIME),
	F("sup_overdue", "supervision overdue", "督办超时", FLAG),
	F("ext_extension", "extension", "延期时长", LIMIT),
	F("ext_reason", "extension reason", "延期理由", TEXT),
	F("ext_by", "asked by", "申请人", TEXT),
	F("ext_at", "asked at", "申请时间", TIME),
	F("dispatched_at", "dispatched at", "派单时间", TIME),
	F("clock_base", "clock from", "计时起点", TIME),
	F("clock_limit", "limit", "办结时限", LIMIT),
	F("clock_left", "time left", "剩余时间", LEFT),
	F("clock_suspended", "clock stopped", "计时暂停", FLAG),
	F("clock_ext", "extensions", "已延期", LIMIT),
	F("sign_due", "sign due", "签收期限", TIME),
	F("complete_due", "complete due", "办结期限", TIME),
	F("warn_at", "yellow light at", "黄灯预警", TIME),
	F("return_until", "return until", "退单期限", TIME),
	F("callback_due", "callback due", "回访期限", TIME),
	F("callback_base", "callback clock from", "回访计时起点", TIME),
	F("urges", "urges", "催办次数", TEXT),
	F("returns", "returns", "退单次数", TEXT),
	F("reopens", "reopens", "重办次数", TEXT),
	F("extensions", "extensions", "已延期次数", TEXT),
	F("callback_attempts", "failed callbacks", "回访未联系上次数", TEXT),
	F("district", "district", "区", TEXT),
	F("category", "category", "分类", TEXT),
#undef F
#undef E
};

#define CTL_NFIELDS (sizeof ctl_fields / sizeof ctl_fields[0])

/* The catalogue: every message in English and Chinese, by its id. */
static const struct {
	const char *en;
	const char *zh;
} ctl_messages[CTL_M_COUNT] = {
#define M(id, e, z) [CTL_M_##id] = { .en = e, .zh = z }
	M(NUMBER, "number", "工单编号"),
	M(STATE, "state", "状态"),
	M(BREACH, "breach", "超时"),
	M(TYPE, "type", "诉求类型"),
	M(URGENCY, "urgency", "紧急程度"),
	M(CHANNEL, "channel", "渠道"),
	M(CALLER, "caller", "来电人"),
	M(LOCATION, "location", "地点"),
	M(TITLE, "title", "标题"),
	M(CONTENT, "content", "内容"),
	M(DEPARTMENT, "department", "主办单位"),
	M(ASSISTING, "assisting", "协办单位"),
	M(CATEGORY, "category", "分类"),
	M(CONFIDENCE, "confidence", "分类置信度"),
	M(CREATED, "created", "登记时间"),
	M(UPDATED, "updated", "更新时间"),
	M(TRIAGE, "triage", "待派单原因"),
	M(RETURNS, "returns", "退单次数"),
	M(RETURN_REASON, "return reason", "退单理由"),
	M(RETURN_BASIS, "return basis", "退单依据"),
	M(DISPUTED, "disputed", "争议件"),
	M(EXTENSION, "extension", "延期申请"),
	M(EXTENSIONS, "extensions", "已延期次数"),
	M(URGES, "urges", "催办次数"),
	M(SUPERVISION, "supervision", "督办"),
	M(ORDER_DUE, "order due", "督办时限"),
	M(ANSWERED, "answered", "督办反馈"),
	M(REPLY, "reply", "办结回复"),
	M(REVIEW_NOTE, "sent back", "退回重办"),
	M(DIRECT_ANSWER, "direct answer", "直接办结"),
	M(CALLBACK, "callback", "回访"),
	M(REOPENS, "reopens", "重办次数"),
	M(CLOSURE, "closure", "办结方式"),
	M(MASTER, "master", "并入主单"),
	M(MERGED, "merged", "已并入"),
	M(EXEMPT, "exempt", "免考核"),
	M(HISTORY, "history", "办理过程"),
	M(SIGN_DUE, "sign due", "签收时限"),
	M(COMPLETE_DUE, "complete due", "办结时限"),
	M(WARNING_AT, "yellow light", "黄灯预警"),
	M(RETURN_UNTIL, "return until", "退单期限"),
	M(CALLBACK_DUE, "callback due", "回访时限"),
	M(ASSISTS_PROGRESS, "assists", "协办进度"),

	M(CREATED_BY, "%s by %s", "%s 由 %s 登记"),
	M(MASKED, "confidential (masked)", "保密（已隐藏）"),
	M(CONFIDENTIAL, " (confidential)", "（保密）"),
	M(YES, "yes", "是"),
	M(NO, "no", "否"),
	M(SOLVED, "solved", "已解决"),
	M(UNSOLVED, "unsolved", "未解决"),
	M(PENDING_EXTENSION, "%s awaits approval, asked by %s at %s: %s",
	    "%s 待审批，%s 于 %s 申请：%s"),
	M(SUPERVISION_BY, "%s (by %s at %s, limit %s)",
	    "%s（%s 于 %s 督办，时限 %s）"),
	M(DEFAULT_LIMIT, "default", "默认"),
	M(NOT_ANSWERED, "not yet", "待反馈"),
	M(ANSWERED_AT, "%s (at %s)", "%s（%s 反馈）"),
	M(FAILED_ATTEMPTS, " (%u failed attempts)", "（%u 次未联系上）"),
	M(FOLLOWS_MASTER, "%s (follows it)", "%s（随主单办理）"),
	M(NO_TICKET, "no ticket", "无此工单"),
	M(DAEMON, "hotlined", "系统"),
	M(ASSIST_WAITING, "not signed yet", "待签收"),
	M(ASSIST_SIGNED, "signed %s", "%s 已签收"),
	M(ASSIST_REPLIED, "replied %s: %s", "%s 已回复：%s"),

	M(RED, "red light: overdue", "红灯 超期"),
	M(RED_LATE, "red light: completed late", "红灯 超期办结"),
	M(YELLOW, "yellow light: due soon", "黄灯 临近超期"),
	M(YELLOW_PASSED, "yellow light passed", "黄灯 已预警"),
	M(SIGN_OVERDUE, "sign overdue", "签收超时"),
	M(SUPERVISION_OVERDUE, "supervision overdue", "督办超时"),
	M(CALLBACK_OVERDUE, "callback overdue", "回访超时"),
	M(LEFT, "%s left", "剩 %s"),
	M(LATE, "%s late", "超 %s"),
	M(WORKING_TIME, " (working time)", "（工作时间）"),
	M(PAST_DUE, "past due", "已过期"),
	M(PAST_DUE_WORKING, "past due (no working time since)",
	    "已过期（此后尚无工作时间）"),
	M(CLOCK_STOPPED, "clock stopped, %s on resume", "已挂起，恢复后%s"),
	M(REACHED, "reached", "已到"),
	M(MISSED, "missed", "已超时"),
	M(DUE, "due", "到期"),
	M(SIGN_BY, "sign by %s", "签收 %s 前"),
	M(COMPLETE_BY, "due %s", "办结 %s"),
	M(CALLBACK_BY, "call back by %s", "回访 %s 前"),
	M(UNDER_A_MINUTE, "under 1m", "不到1分钟"),
	M(DAYS, "d", "天"),
	M(HOURS, "h", "小时"),
	M(MINUTES, "m", "分钟"),
	M(RUNNING, "running", "计时中"),

	M(MARK_URGED, "urged", "催办"),
	M(MARK_SUPERVISED, "supervised", "督办"),
	M(MARK_REOPENED, "reopened", "重办"),
	M(MARK_EXEMPT, "exempt", "免考核"),
	M(MARK_DISPUTED, "disputed", "争议"),
	M(MARK_RED, "red", "红灯"),
	M(MARK_YELLOW, "yellow", "黄灯"),
	M(NO_TICKETS, "no tickets", "没有工单"),
	M(MORE_TICKETS, "(more tickets match: raise --limit)",
	    "（还有更多工单：加大 --limit）"),

	M(SUGGESTIONS, "suggestions", "派单建议"),
	M(NO_SUGGESTIONS, "suggestions: none", "派单建议：无"),
	M(SCORE, "score", "得分"),
	M(MATCHED, "matched", "命中"),
	M(WORDS, "words", "分词"),
	M(WORDS_MORE, " ... (%zu words)", " ……（共 %zu 词）"),
	M(SUGGESTION_CONFIDENCE, "confidence %.2f", "置信度 %.2f"),
	M(SUGGESTION_MODEL, " (model %.2f)", "（模型 %.2f）"),
	M(MODEL_ONLY, "no catalogue keyword: the learned model's suggestion",
	    "派单目录无关键词命中，仅为模型建议"),
	M(AUTO_DISPATCH, "auto-dispatch", "自动派单"),
	M(AUTO_YES, "yes: to %s %s", "是：派往 %s %s"),
	M(AUTO_NO, "no: to triage", "否：转待派单"),
	M(CREATED_AS, "created %s", "已登记 %s"),
	M(DUPLICATE_OF, "duplicate of %s", "重复登记，原工单 %s"),
	M(EMERGENCY, "EMERGENCY", "紧急警情"),
	M(EMERGENCY_TEXT, "%s %s: transfer the call to %s now, not dispatched",
	    "%s %s：立即转接 %s（转警），不派单"),
	M(REPEAT_OF, "repeat of", "疑似重复件"),
	M(SAME_CALLER, "same caller", "同一来电人"),
	M(SIMILAR_TEXT, "similar text", "内容相近"),
	M(IMPORTED, "imported %llu examples (%llu stored)",
	    "已导入 %llu 条样本（共存 %llu 条）"),

	M(WATCHING, "watching from cursor %s", "开始接收，游标 %s"),
	M(CURSOR, "cursor %s", "游标 %s"),
	M(RELIST, "relist: events after your cursor are gone; run `hotlinectl "
	    "list` (departments) or `hotlinectl triage` (dispatchers) to see "
	    "the open tickets",
	    "需重新列出：游标之后的事件已不在；请运行 `hotlinectl list`"
	    "（承办单位）或 `hotlinectl triage`（派单员）查看在办工单"),
	M(BY, "by %s", "%s"),

	M(PONG, "pong  server time %s  store %s",
	    "在线  服务器时间 %s  存储 %s"),
	M(STORE_READY, "ready", "就绪"),
	M(STORE_DOWN, "unavailable", "不可用"),

	M(ERROR_STATE, " (state: %s)", "（当前状态：%s）"),
	M(ERROR_FIELD, " (field: %s)", "（字段：%s）"),
	M(NO_TOKEN, "no token: use -t TOKEN or set HOTLINE_TOKEN",
	    "没有令牌：用 -t TOKEN 或设置 HOTLINE_TOKEN"),
	M(NO_USER, "no principal: use -u NAME or set HOTLINE_USER",
	    "没有用户名：用 -u NAME 或设置 HOTLINE_USER"),
	M(UNKNOWN_COMMAND, "unknown command %s", "没有命令 %s"),
	M(DID_YOU_MEAN, "did you mean `hotlinectl %s`?",
	    "是否要用 `hotlinectl %s`？"),
	M(SEE_HELP, "`hotlinectl -h` lists the commands",
	    "`hotlinectl -h` 列出全部命令"),
	M(S_DEPARTMENT, "department",
	    "单位"),
	M(S_PERIOD, "period",
	    "期间"),
	M(S_RANK, "rank",
	    "排名"),
	M(S_SCORE, "score",
	    "得分"),
	M(S_INDICATORS, "indicators",
	    "考核指标"),
	M(S_COUNTERS, "counters",
	    "计数"),
	M(S_AVG_SIGN, "average time to sign",
	    "平均签收时长"),
	M(S_AVG_COMPLETE, "average time to complete",
	    "平均办结时长"),
	M(S_WORKING_HOURS, " working hours",
	    " 工作小时"),
	M(S_WEIGHTS, "weights: ",
	    "权重："),
	M(S_WEIGHTS_MIN, "; ranked with at least %u received",
	    "；派单不少于 %u 件才参与排名"),
	M(S_TOO_FEW_LINE, "too few tickets (%llu received, %u needed): not ranked",
	    "样本不足（派单 %llu 件，需 %u 件）：不参与排名"),
	M(S_NO_SUCH_DEPT, "no such department in the answer",
	    "答复中没有该单位"),
	M(S_RECEIVED, "received",
	    "派单"),
	M(S_TOO_FEW, "too few",
	    "样本不足"),
	M(S_NOT_RANKED, "not ranked: fewer than %u received",
	    "不参与排名：派单少于 %u 件（样本不足）"),
	M(S_RANKING, "ranking ",
	    "排名 "),
	M(S_NO_DEPARTMENTS, "no departments",
	    "没有单位"),
	M(S_HOT, "hot %s %s (%s – %s): %llu registered",
	    "高频诉求（%s） %s（%s – %s）：受理 %llu 件"),
	M(S_BY_CATEGORY, "categories",
	    "按类别"),
	M(S_BY_DISTRICT, "districts",
	    "按区域"),
	M(S_NONE, "none",
	    "无"),
	M(S_DUE_AT, "due %s",
	    "到期 %s"),
	M(S_WH_LATE, "%.1f wh late",
	    "超时 %.1f 工作小时"),
	M(S_WH_LEFT, "due in %.1f wh",
	    "还剩 %.1f 工作小时"),
	M(S_MATCH_SHOWN, "(%u match; %zu shown: raise --limit)",
	    "（共 %u 件，显示 %zu 件：加大 --limit）"),
	M(S_MATCH, "(%u tickets)",
	    "（共 %u 件）"),
	M(S_PARTIAL, "(partial: only the 2,000 most overdue of each deadline were filtered; add --dept or --late to see the rest)",
	    "（不完整：每类时限只筛了最超期的 2000 件；加 --dept 或 --late 看其余）"),
	M(S_BREACHES_TOTAL, "%u breaches",
	    "超时 %u 次"),
	M(S_BREACHES, "breaches ",
	    "超时 "),
	M(S_RECORDED, "recorded %s",
	    "记录于 %s"),
	M(S_MET, "met %s",
	    "完成于 %s"),
	M(S_NOT_MET, "not met",
	    "未完成"),
	M(S_EARLY_BY, "early by %.1f wh",
	    "提前 %.1f 工作小时"),
	M(S_LATE_BY, "late by %.1f wh",
	    "超时 %.1f 工作小时"),
	M(S_LEFT_WH, "%.1f wh left",
	    "剩 %.1f 工作小时"),
	M(S_LATE, "LATE",
	    "超时"),
	M(S_EXEMPT, "exempt from assessment",
	    "免考核"),
	M(S_DEADLINES, "deadlines",
	    "时限"),
	M(S_STEPS, "steps",
	    "办理过程"),
	M(S_REPORT_TITLE, "12345 hotline %s%s report (%s – %s)",
	    "12345 热线 %s %s（%s – %s）"),
	M(S_CITY_TOTALS, "city totals",
	    "全市合计"),
	M(S_TOP_CATEGORIES, "top categories (%llu registered)",
	    "高频诉求 类别（受理 %llu 件）"),
	M(S_TOP_DISTRICTS, "top districts",
	    "高频诉求 区域"),
	M(S_WROTE, "wrote %s: %zu departments",
	    "已写入 %s：%zu 个单位"),
	M(T_FROM, "from",
	    "起算"),
	M(T_LIMIT, "limit",
	    "时限"),
	M(T_DUE, "due",
	    "到期"),
	M(T_DAYS, "days",
	    "逐日"),
	M(T_COUNTS, "counts",
	    "计入"),
	M(T_SKIPPED, "skipped",
	    "不计"),
	M(T_START, "start",
	    "起算日"),
	M(T_LATER, "  (later days not listed)",
	    "  （其后各日未列出）"),
	M(T_WD, "working days: the start day does not count",
	    "工作日：起算当天不计"),
	M(T_WH, "working hours: business hours on working days",
	    "工作小时：工作日的上班时间"),
	M(T_NATURAL, "natural time: around the clock",
	    "自然时间：昼夜连续计算"),
	M(T_ADVANCED, "clock advanced by %s",
	    "时钟已前移 %s"),
	M(T_SERVER_TIME, "server time",
	    "服务器时间"),
	M(T_STORE, "store %s",
	    "存储 %s"),
#undef M
};

/* Names the language of one locale variable's value; -1 when it says nothing. */
static int
ctl_lang_of_locale(const char *v)
{
	if (v == NULL || v[0] == '\0')
		return -1;
	if (strncmp(v, "zh", 2) == 0)
		return CTL_LANG_ZH;
	return CTL_LANG_EN;	/* C, POSIX, C.UTF-8, en_*, or one we lack */
}

/* Parses a language name: "zh", "zh_CN…", "en", "C"; returns 0 or -1. */
int
ctl_lang_parse(const char *s, enum ctl_lang *lang)
{
	if (strncmp(s, "zh", 2) == 0) {
		*lang = CTL_LANG_ZH;
		return 0;
	}
	if (strncmp(s, "en", 2) == 0 || strcmp(s, "C") == 0) {
		*lang = CTL_LANG_EN;
		return 0;
	}
	return -1;
}

/*
 * Chooses the language: --lang (option), then HOTLINE_LANG, then the
 * locale as POSIX orders it (LC_ALL, LC_MESSAGES, LANG): zh* is Chinese,
 * any other set value (C, POSIX, C.UTF-8, en_US…) English. With nothing
 * set, Chinese. A value that is not a language is skipped.
 */
enum ctl_lang
ctl_lang_choose(const char *option, const char *hotline_lang,
    const char *lc_all, const char *lc_messages, const char *lang)
{
	const char *locales[] = { lc_all, lc_messages, lang };
	enum ctl_lang chosen;
	size_t i;
	int l;

	if (option != NULL && ctl_lang_parse(option, &chosen) == 0)
		return chosen;
	if (hotline_lang != NULL && ctl_lang_parse(hotline_lang, &chosen) == 0)
		return chosen;
	for (i = 0; i < sizeof locales / sizeof locales[0]; i++)
		if ((l = ctl_lang_of_locale(locales[i])) != -1)
			return (enum ctl_lang)l;
	return CTL_LANG_ZH;
}

/* Returns message m in the language in force. */
const char *
ctl_msg(enum ctl_msg m)
{
	if ((unsigned)m >= CTL_M_COUNT || ctl_messages[m].en == NULL)
		return "";
	return ctl_lang == CTL_LANG_EN ? ctl_messages[m].en :
	    ctl_messages[m].zh;
}

/* Finds s (English or Chinese) in table; returns 0 with *value, or -1. */
int
ctl_name_parse(const struct ctl_name *table, const char *s, int *value)
{
	for (; table->en != NULL; table++) {
		if (strcmp(s, table->en) == 0 || strcmp(s, table->zh) == 0) {
			*value = table->value;
			return 0;
		}
	}
	return -1;
}

/* Returns the entry of table for value, or NULL. */
static const struct ctl_name *
ctl_name_find(const struct ctl_name *table, int value)
{
	for (; table->en != NULL; table++)
		if (table->value == value)
			return table;
	return NULL;
}

/* Returns the English name of value, "-" when it has none. */
const char *
ctl_name_en(const struct ctl_name *table, int value)
{
	const struct ctl_name *n = ctl_name_find(table, value);

	return n != NULL ? n->en : "-";
}

/* Returns the Chinese name of value, "" when it has none. */
const char *
ctl_name_zh(const struct ctl_name *table, int value)
{
	const struct ctl_name *n = ctl_name_find(table, value);

	return n != NULL ? n->zh : "";
}

/* Returns the name of value in the language in force, "-" when it has none. */
const char *
ctl_name(const struct ctl_name *table, int value)
{
	const struct ctl_name *n = ctl_name_find(table, value);

	if (n == NULL)
		return "-";
	return ctl_lang == CTL_LANG_EN ? n->en : n->zh;
}

/* Names a history step by its action ("sign": 签收); an unknown one as recorded. */
const char *
ctl_step_name(const char *action)
{
	size_t i;

	if (action == NULL || action[0] == '\0')
		return "-";
	for (i = 0; i < sizeof ctl_steps / sizeof ctl_steps[0]; i++)
		if (strcmp(action, ctl_steps[i].action) == 0)
			return ctl_lang == CTL_LANG_EN ? ctl_steps[i].en :
			    ctl_steps[i].zh;
	return action;
}

/* Returns the index of a history field in ctl_fields, or CTL_NFIELDS. */
static size_t
ctl_field_find(const char *field)
{
	size_t i;

	for (i = 0; i < CTL_NFIELDS; i++)
		if (strcmp(field, ctl_fields[i].field) == 0)
			break;
	return i;
}

/* Labels a history change's field ("sign_due": 签收期限); an unknown one as recorded. */
const char *
ctl_field_label(const char *field)
{
	size_t i = ctl_field_find(field);

	if (i == CTL_NFIELDS)
		return field;
	return ctl_lang == CTL_LANG_EN ? ctl_fields[i].en : ctl_fields[i].zh;
}

/* Says whether a field's kind is k; an unknown field is judged by its name's suffix. */
static int
ctl_field_kind_is(const char *field, enum ctl_field_kind k)
{
	size_t i = ctl_field_find(field), n = strlen(field);

	if (i < CTL_NFIELDS)
		return ctl_fields[i].kind == k;
	if (k == CTL_FIELD_TIME)
		return (n > 3 && strcmp(field + n - 3, "_at") == 0) ||
		    (n > 4 && strcmp(field + n - 4, "_due") == 0);
	return k == CTL_FIELD_TEXT;
}

/* Says whether a history field holds an instant (ms since the epoch). */
int
ctl_field_is_time(const char *field)
{
	return ctl_field_kind_is(field, CTL_FIELD_TIME);
}

/* Says whether a history field holds time limits ("5wd", "2wd,3wd"). */
int
ctl_field_is_limit(const char *field)
{
	return ctl_field_kind_is(field, CTL_FIELD_LIMIT);
}

/* Says whether a history field is a flag ("0" or "1"). */
int
ctl_field_is_flag(const char *field)
{
	return ctl_field_kind_is(field, CTL_FIELD_FLAG);
}

/* Returns the names of an enum field's numbers, or NULL; "clock_left" is a duration, not one. */
const struct ctl_name *
ctl_field_names(const char *field)
{
	size_t i = ctl_field_find(field);

	return i < CTL_NFIELDS ? ctl_fields[i].names : NULL;
}

/*
 * Writes the length of ms (its sign ignored) in lang: "2d3h" or "2天3小时"
 * (days only if days is set, else hours past 24), "12h30m", "45m", or
 * "under 1m". The one duration format of hotlinectl's text.
 */
void
ctl_duration_text(int64_t ms, int days, enum ctl_lang lang, char *out,
    size_t outlen)
{
	const long long minute = 60000, hour = 60 * minute, day = 24 * hour;
	long long a = ms < 0 ? -(long long)ms : (long long)ms;
	long long d = days ? a / day : 0, h = (a - d * day) / hour;
	long long m = a % hour / minute;
	const char *du = lang == CTL_LANG_EN ? "d" : "天";
	const char *hu = lang == CTL_LANG_EN ? "h" : "小时";
	const char *mu = lang == CTL_LANG_EN ? "m" : "分钟";
	size_t n = 0;

	if (a < minute) {
		snprintf(out, outlen, "%s", lang == CTL_LANG_EN ? "under 1m" :
		    "不到1分钟");
		return;
	}
	out[0] = '\0';
	if (d > 0)
		n += (size_t)snprintf(out + n, outlen - n, "%lld%s", d, du);
	if (h > 0 && n < outlen)
		n += (size_t)snprintf(out + n, outlen - n, "%lld%s", h, hu);
	if (m > 0 && d == 0 && n < outlen)
		snprintf(out + n, outlen - n, "%lld%s", m, mu);
}

/* The units of a time limit: its suffix and how Chinese names it. */
static const struct {
	const char *suffix;
	const char *zh;
} ctl_limit_units[] = {
	{ .suffix = "wd", .zh = "个工作日" },
	{ .suffix = "wh", .zh = "个工作小时" },
	{ .suffix = "d", .zh = "天" },
	{ .suffix = "h", .zh = "小时" },
	{ .suffix = "m", .zh = "分钟" },
};

/*
 * Writes time limits ("10wd", or a comma list "2wd,3wd") as the language
 * in force reads them: in English as written, in Chinese "10个工作日";
 * anything else as written.
 */
void
ctl_limit_text(const char *limits, char *out, size_t outlen)
{
	size_t n = 0, digits, len, i;
	const char *p = limits, *end;

	out[0] = '\0';
	if (ctl_lang == CTL_LANG_EN) {
		snprintf(out, outlen, "%s", limits);
		return;
	}
	while (*p != '\0' && n < outlen) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		digits = strspn(p, "0123456789");
		for (i = 0; i < sizeof ctl_limit_units /
		    sizeof ctl_limit_units[0]; i++)
			if (digits > 0 && len - digits ==
			    strlen(ctl_limit_units[i].suffix) && strncmp(p +
			    digits, ctl_limit_units[i].suffix, len - digits) == 0)
				break;
		n += (size_t)snprintf(out + n, outlen - n, "%s%.*s%s",
		    p == limits ? "" : "、", (int)(i < sizeof ctl_limit_units /
		    sizeof ctl_limit_units[0] ? digits : len), p,
		    i < sizeof ctl_limit_units / sizeof ctl_limit_units[0] ?
		    ctl_limit_units[i].zh : "");
		p += len;
		if (*p == ',')
			p++;
	}
}
