/* hotlinectl: global options, the command table and main; ctl.c holds the request/reply plumbing. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl-learn.h"
#include "ctl-stats.h"

/* Global long options without a letter, below CTL_OPT_BASE and past any character. */
#define CTL_OPT_TLS 200
#define CTL_OPT_CA 201
#define CTL_OPT_CERT 202
#define CTL_OPT_KEY 203
#define CTL_OPT_SERVER_NAME 204
#define CTL_OPT_LANG 205
#define CTL_OPT_REQUEST_KEY 206

#define ANYONE "anyone"
#define AGENT "agent (话务员)"
#define DISPATCHER "dispatcher (派单员)"
#define DEPARTMENT "department (承办单位)"
#define SUPERVISOR "supervisor (督办)"
#define ADMIN "admin (test installations)"
#define OPERATOR "admin (管理员)"

/* Every subcommand, grouped by who uses it: group, name, usage, hello, handler. */
static const struct ctl_command ctl_commands[] = {
	{ ANYONE, "ping", "", 1, ctl_ping },
	{ ANYONE, "show", "NUMBER", 1, ctl_show },
	{ ANYONE, "watch", "[--cursor ID] [--count N] [--idle SECONDS]", 1,
	    ctl_watch },
	{ ANYONE, "passwd", "[--generate] [--memory KIB] [--passes N]", 0,
	    ctl_passwd },
	{ ANYONE, "deadline", "--from TIME --limit LIMIT", 1, ctl_deadline },
	{ ANYONE, "search", "[--words W] [--number PREFIX] [--phone P]\n"
	    "\t[--district D] [--street S] [--category C] [--dept D] [--type T]\n"
	    "\t[--urgency U] [--state S] [--from DAY] [--to DAY]\n"
	    "\t[--closed-from DAY] [--closed-to DAY] [--overdue] [--warned]\n"
	    "\t[--open] [--relevance] [--limit N] [--cursor C]", 1, ctl_search },
	{ ANYONE, "kb", "search [--district D] [--limit N] WORDS |\n"
	    "\timport FILE | export [--out FILE] |\n"
	    "\tgaps [--from DAY] [--to DAY] [--limit N] | draft ID FILE |\n"
	    "\tsubmit|publish|send-back|flag|retire [--version N] [--note T] ID"
	    " |\n\tretire-document DOCUMENT", 1, ctl_kb },
	{ AGENT, "classify", "[--district D] TITLE [CONTENT]", 1,
	    ctl_classify },
	{ AGENT, "create", "--call-id ID --phone P [--name N] [--confidential]\n"
	    "\t[--district D] [--street S] [--address A] --type T\n"
	    "\t[--urgency U] [--channel C] --title TITLE --content TEXT\n"
	    "\t[--answer TEXT [--kb ID@VERSION]]\n"
	    "\t[--not-emergency --reason TEXT]", 1,
	    ctl_create },
	{ AGENT, "caller", "PHONE [--limit N] [--cursor C]", 1, ctl_caller },
	{ AGENT, "callback", "NUMBER --result RESULT [--comment TEXT]", 1,
	    ctl_callback },
	{ DISPATCHER, "triage", "[--limit N] [--cursor C]", 1, ctl_triage },
	{ DISPATCHER, "dispatch", "NUMBER --to DEPT [--assist DEPT]...\n"
	    "\t[--category CODE] [--note TEXT]", 1, ctl_dispatch },
	{ DISPATCHER, "redispatch", "NUMBER --to DEPT [--assist DEPT]...\n"
	    "\t[--category CODE] [--note TEXT]", 1, ctl_redispatch },
	{ DISPATCHER, "extension", "NUMBER --approve | --reject [--note TEXT]",
	    1, ctl_extension },
	{ DISPATCHER, "review", "NUMBER --approve [--note TEXT] | "
	    "--send-back --note TEXT", 1, ctl_review },
	{ DISPATCHER, "merge", "NUMBER --into MASTER [--note TEXT]", 1,
	    ctl_merge },
	{ DISPATCHER, "invalidate", "NUMBER --reason TEXT", 1, ctl_invalidate },
	{ DEPARTMENT, "list", "[--department D] [--limit N] [--cursor C]", 1,
	    ctl_list },
	{ DEPARTMENT, "sign", "NUMBER [--note TEXT]", 1, ctl_sign },
	{ DEPARTMENT, "reply", "NUMBER --result TEXT [--solved | --unsolved]",
	    1, ctl_reply },
	{ DEPARTMENT, "return", "NUMBER --reason TEXT --basis TEXT", 1,
	    ctl_return },
	{ DEPARTMENT, "extend", "NUMBER --by LIMIT --reason TEXT", 1,
	    ctl_extend },
	{ DEPARTMENT, "suspend", "NUMBER --reason TEXT", 1, ctl_suspend },
	{ DEPARTMENT, "resume", "NUMBER [--note TEXT]", 1, ctl_resume },
	{ DEPARTMENT, "note", "NUMBER TEXT", 1, ctl_note },
	{ DEPARTMENT, "answer", "NUMBER TEXT", 1, ctl_answer },
	{ SUPERVISOR, "urge", "NUMBER TEXT", 1, ctl_urge },
	{ SUPERVISOR, "supervise", "NUMBER TEXT [--limit LIMIT]", 1,
	    ctl_supervise },
	{ SUPERVISOR, "exempt", "NUMBER --reason TEXT", 1, ctl_exempt },
	{ CTL_ASSESSMENT, "scorecard", "[--period P] DEPT", 1, ctl_scorecard },
	{ CTL_ASSESSMENT, "ranking", "[--period P]", 1, ctl_ranking },
	{ CTL_ASSESSMENT, "hot", "[--period P] [--by category|district] "
	    "[--limit N]", 1, ctl_hot },
	{ CTL_ASSESSMENT, "overdue", "[--dept D] [--district X] [--category C]\n"
	    "\t[--type T] [--late HOURS] [--limit N] [--cursor C]", 1, ctl_overdue },
	{ CTL_ASSESSMENT, "warnings", "--within HOURS [--dept D] [--district X]\n"
	    "\t[--category C] [--type T] [--limit N] [--cursor C]", 1,
	    ctl_warnings },
	{ CTL_ASSESSMENT, "breaches", "[--period P] [--dept D] [--limit N] "
	    "[--offset N]", 1, ctl_breaches },
	{ CTL_ASSESSMENT, "timeline", "NUMBER", 1, ctl_timeline },
	{ CTL_ASSESSMENT, "report", "[--period P] [--csv FILE] [--json]", 1,
	    ctl_report },
	{ ADMIN, "clock", "--advance DURATION", 1, ctl_clock },
	{ OPERATOR, "reload", "", 1, ctl_reload },
	{ OPERATOR, "calendar", "import FILE | status [YEAR [YEAR]]", 1,
	    ctl_calendar },
	{ CTL_LEARNING, "export-examples", "[--cursor ID] [--out FILE]", 1,
	    ctl_export_examples },
	{ CTL_LEARNING, "import-examples", "[--replace] [FILE]", 1,
	    ctl_import_examples },
	{ CTL_LEARNING, "retrain", "", 1, ctl_retrain },
	{ CTL_LEARNING, "evaluate", "[--folds K]", 1, ctl_evaluate },
};

#define CTL_NCOMMANDS (sizeof ctl_commands / sizeof ctl_commands[0])

/* The usage headings of the command groups, one language per line: key (the table's group), English, Chinese. */
static const struct {
	const char *key, *en, *zh;
} ctl_groups[] = {
	{ .key = ANYONE, .en = "anyone", .zh = "所有角色" },
	{ .key = AGENT, .en = "agent", .zh = "话务员" },
	{ .key = DISPATCHER, .en = "dispatcher", .zh = "派单员" },
	{ .key = DEPARTMENT, .en = "department", .zh = "承办单位" },
	{ .key = SUPERVISOR, .en = "supervisor", .zh = "督办" },
	{ .key = ADMIN, .en = "admin (test installations)",
	    .zh = "管理员（测试环境）" },
	{ .key = OPERATOR, .en = "admin", .zh = "管理员" },
	{ .key = CTL_ASSESSMENT, .en = "supervision queries: supervisor, "
	    "dispatcher, admin; a department its own",
	    .zh = "统一督办、统一考核：督办、派单员、管理员；承办单位仅本单位" },
	{ .key = CTL_LEARNING, .en = "learning: dispatcher, admin",
	    .zh = "学习：派单员、管理员" },
};

/* Names a command group in the language in force (its key if not in ctl_groups). */
static const char *
ctl_group_name(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof ctl_groups / sizeof ctl_groups[0]; i++)
		if (strcmp(ctl_groups[i].key, key) == 0)
			return ctl_lang == CTL_LANG_EN ? ctl_groups[i].en :
			    ctl_groups[i].zh;
	return key;
}

/* Prints the synopsis of the global options to f and returns status. */
static int
ctl_synopsis(FILE *f, int status)
{
	fputs(ctl_lang == CTL_LANG_EN ? "usage: " : "用法：", f);
	fputs("hotlinectl [-j] [-a address] [-u principal] [-t token] "
	    "[-r role]\n\t[-T timeout_ms] [--lang zh|en] [--tls] [--ca file] "
	    "[--cert file]\n\t[--key file] [--server-name name] "
	    "[--request-key key] command "
	    "[args]\n", f);
	return status;
}

/* The environment and the words of the arguments, in English. */
static const char ctl_usage_env_en[] =
    "environment (the options override it):\n"
    "  HOTLINE_ADDR   -a: host:port or a unix socket path (default "
    CTL_DEFAULT_ADDRESS ")\n"
    "  HOTLINE_USER   -u: the principal, as in hotlined.conf\n"
    "  HOTLINE_TOKEN  -t: its token\n"
    "  HOTLINE_LANG   --lang: zh or en; else the locale (LC_ALL,\n"
    "                 LC_MESSAGES, LANG): zh_* Chinese, C or en_*\n"
    "                 English, nothing set Chinese\n"
    "  HOTLINE_TLS, HOTLINE_CA, HOTLINE_CERT, HOTLINE_KEY,\n"
    "  HOTLINE_SERVER_NAME: --tls, --ca, --cert, --key, --server-name\n"
    "-j prints every answer, and every error, as JSON on standard output\n";

/* The same in Chinese. */
static const char ctl_usage_env_zh[] =
    "环境变量（命令行选项优先）：\n"
    "  HOTLINE_ADDR   -a：host:port 或 unix 套接字路径（默认 "
    CTL_DEFAULT_ADDRESS "）\n"
    "  HOTLINE_USER   -u：登录账号，即 hotlined.conf 中的 principal\n"
    "  HOTLINE_TOKEN  -t：该账号的令牌\n"
    "  HOTLINE_LANG   --lang：zh 或 en；未设置时按区域设置（LC_ALL、\n"
    "                 LC_MESSAGES、LANG）：zh_* 中文，C 或 en_* 英文，\n"
    "                 都未设置为中文\n"
    "  HOTLINE_TLS、HOTLINE_CA、HOTLINE_CERT、HOTLINE_KEY、\n"
    "  HOTLINE_SERVER_NAME：同 --tls、--ca、--cert、--key、--server-name\n"
    "-j：所有应答和错误都以 JSON 输出到标准输出\n";

/* The words the commands take, in English. */
static const char ctl_usage_words_en[] =
    "\ntypes: consultation help complaint report suggestion praise\n"
    "urgencies: normal urgent critical\n"
    "channels: phone web app wechat mailbox\n"
    "callback results: satisfied basic unsatisfied unreachable\n"
    "limits: a number and a unit: m h d (natural time),\n"
    "\twh wd (working hours, working days), e.g. 5wd\n"
    "times: Beijing time (CST, +08:00) YYYY-MM-DDTHH:MM or\n"
    "\t\"YYYY-MM-DD HH:MM\", or now (the daemon's clock)\n"
    "durations: numbers with units s m h d (natural time),\n"
    "\te.g. 90m, 1d6h\n"
    "roles: agent dispatcher department supervisor admin\n"
    "periods: 2026-11-22 (day), 2026-W47 (ISO week), 2026-11 (month,\n"
    "\tthe default: this month), 2026-Q3, 2026, 2026-07-01..2026-09-30,\n"
    "\tor today, this-week, this-month, this-quarter, this-year and\n"
    "\tyesterday, last-week, last-month, last-quarter, last-year,\n"
    "\tBeijing time\n";

/* The same in Chinese; both the Chinese and the English words are accepted. */
static const char ctl_usage_words_zh[] =
    "\n类型：咨询 求助 投诉 举报 建议 表扬\n"
    "\t（或 consultation help complaint report suggestion praise）\n"
    "紧急程度：一般 紧急 特急（或 normal urgent critical）\n"
    "渠道：电话 网站 移动端 微信 信箱（或 phone web app wechat mailbox）\n"
    "回访结果：满意 基本满意 不满意 未联系上\n"
    "\t（或 satisfied basic unsatisfied unreachable）\n"
    "时限：数字加单位：m h d（自然时间），wh wd（工作小时、\n"
    "\t工作日），如 5wd\n"
    "时间：北京时间 YYYY-MM-DDTHH:MM 或 \"YYYY-MM-DD HH:MM\"，\n"
    "\t或 now（服务端时钟）\n"
    "时长：数字加单位 s m h d（自然时间），如 90m、1d6h\n"
    "角色：agent dispatcher department supervisor admin\n"
    "统计周期：2026-11-22（日）、2026-W47（ISO 周）、2026-11（月，\n"
    "\t默认本月）、2026-Q3、2026、2026-07-01..2026-09-30，\n"
    "\t或 今天 本周 本月 本季度 今年、昨天 上周 上月 上季度 去年\n"
    "\t（today this-week … last-year），北京时间\n";

/* Prints the whole usage text to f, in the language in force, and returns status. */
static int
ctl_main_usage(FILE *f, int status)
{
	int en = ctl_lang == CTL_LANG_EN;
	size_t i;

	ctl_synopsis(f, status);
	fputs(en ? ctl_usage_env_en : ctl_usage_env_zh, f);
	fputs(en ? "commands:" : "命令：", f);
	for (i = 0; i < CTL_NCOMMANDS; i++) {
		if (i == 0 || strcmp(ctl_commands[i].group,
		    ctl_commands[i - 1].group) != 0)
			fprintf(f, "\n %s%s\n", ctl_group_name(
			    ctl_commands[i].group), en ? ":" : "：");
		fprintf(f, "  %s%s%s\n", ctl_commands[i].name,
		    ctl_commands[i].usage[0] != '\0' ? " " : "",
		    ctl_commands[i].usage);
	}
	fputs(en ? ctl_usage_words_en : ctl_usage_words_zh, f);
	return status;
}

/* Parses -r: a role name; returns 0, or -1 if unknown. */
static int
ctl_parse_role(const char *s, Hotline__Role *role)
{
	int r;

	for (r = HOTLINE__ROLE__ROLE_AGENT; r <= HOTLINE__ROLE__ROLE_ADMIN; r++) {
		if (strcmp(s, hl_role_name((Hotline__Role)r)) == 0) {
			*role = (Hotline__Role)r;
			return 0;
		}
	}
	return -1;
}

/* Returns environment variable name, or NULL when unset or empty. */
static const char *
ctl_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* Fills ctl with the defaults and the environment. */
static void
ctl_defaults(struct ctl *ctl)
{
	memset(ctl, 0, sizeof *ctl);
	ctl->address = getenv("HOTLINE_ADDR");
	if (ctl->address == NULL || ctl->address[0] == '\0')
		ctl->address = CTL_DEFAULT_ADDRESS;
	ctl->principal = getenv("HOTLINE_USER");
	ctl->token = getenv("HOTLINE_TOKEN");
	ctl->role = HOTLINE__ROLE__ROLE_UNSPECIFIED;
	ctl->timeout_ms = CTL_DEFAULT_TIMEOUT_MS;
	ctl->tls_opts.ca_file = ctl_env("HOTLINE_CA");
	ctl->tls_opts.cert_file = ctl_env("HOTLINE_CERT");
	ctl->tls_opts.key_file = ctl_env("HOTLINE_KEY");
	ctl->tls_opts.server_name = ctl_env("HOTLINE_SERVER_NAME");
	ctl->tls = ctl_env("HOTLINE_TLS") != NULL &&
	    strcmp(ctl_env("HOTLINE_TLS"), "0") != 0;
}

/* Applies one global option; returns 0, or -1 on a bad value. */
static int
ctl_global_option(struct ctl *ctl, int ch, const char *arg)
{
	unsigned long v;

	switch (ch) {
	case 'a':
		ctl->address = arg;
		return 0;
	case 'u':
		ctl->principal = arg;
		return 0;
	case 't':
		ctl->token = arg;
		return 0;
	case 'j':
		ctl->json = 1;
		return 0;
	case 'r':
		if (ctl_parse_role(arg, &ctl->role) == 0)
			return 0;
		fprintf(stderr, ctl_lang == CTL_LANG_EN ? "hotlinectl: unknown "
		    "role %s\n" : "hotlinectl: 无法识别的角色 %s\n", arg);
		return -1;
	case CTL_OPT_TLS:
		ctl->tls = 1;
		return 0;
	case CTL_OPT_CA:
		ctl->tls_opts.ca_file = arg;
		return 0;
	case CTL_OPT_CERT:
		ctl->tls_opts.cert_file = arg;
		return 0;
	case CTL_OPT_KEY:
		ctl->tls_opts.key_file = arg;
		return 0;
	case CTL_OPT_SERVER_NAME:
		ctl->tls_opts.server_name = arg;
		return 0;
	case CTL_OPT_LANG:
		if (ctl_lang_parse(arg, &ctl_lang) == 0)
			return 0;
		fprintf(stderr, ctl_lang == CTL_LANG_EN ? "hotlinectl: --lang %s: "
		    "zh or en\n" : "hotlinectl: --lang %s：须为 zh 或 en\n", arg);
		return -1;
	case CTL_OPT_REQUEST_KEY:
		ctl->request_key = arg;
		return 0;
	case 'T':
		if (ctl_parse_number(arg, 86400000, &v) == 0) {
			ctl->timeout_ms = (int)v;
			return 0;
		}
		fprintf(stderr, ctl_lang == CTL_LANG_EN ? "hotlinectl: bad "
		    "timeout %s\n" : "hotlinectl: 超时值有误 %s\n", arg);
		return -1;
	}
	return -1;
}

/* Parses the options before the command; returns 0, 1 for --help, 2 for --version, or -1. */
static int
ctl_globals(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "address", required_argument, NULL, 'a' },
		{ "user", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ "role", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "tls", no_argument, NULL, CTL_OPT_TLS },
		{ "ca", required_argument, NULL, CTL_OPT_CA },
		{ "cert", required_argument, NULL, CTL_OPT_CERT },
		{ "key", required_argument, NULL, CTL_OPT_KEY },
		{ "server-name", required_argument, NULL, CTL_OPT_SERVER_NAME },
		{ "lang", required_argument, NULL, CTL_OPT_LANG },
		{ "request-key", required_argument, NULL, CTL_OPT_REQUEST_KEY },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "+a:u:t:r:jT:h", longopts,
	    NULL)) != -1) {
		if (ch == 'h')
			return 1;
		if (ch == 'V')
			return 2;
		if (ctl_global_option(ctl, ch, optarg) == -1)
			return -1;
	}
	/* A CA, a client certificate or a server name means TLS. */
	if (ctl->tls_opts.ca_file != NULL || ctl->tls_opts.cert_file != NULL ||
	    ctl->tls_opts.server_name != NULL)
		ctl->tls = 1;
	return 0;
}

/* Finds a command by name, or NULL. */
static const struct ctl_command *
ctl_find(const char *name)
{
	size_t i;

	for (i = 0; i < CTL_NCOMMANDS; i++)
		if (strcmp(ctl_commands[i].name, name) == 0)
			return &ctl_commands[i];
	return NULL;
}

/* Says a command is unknown and names the nearest one; returns the usage status. */
static int
ctl_unknown(const char *typed)
{
	const char *names[CTL_NCOMMANDS], *near;
	size_t i;

	for (i = 0; i < CTL_NCOMMANDS; i++)
		names[i] = ctl_commands[i].name;
	near = ctl_nearest(typed, names, CTL_NCOMMANDS);
	if (ctl_json_errors) {
		char message[256];

		snprintf(message, sizeof message, CTL_T(UNKNOWN_COMMAND), typed);
		ctl_json_error("usage", message, NULL, NULL);
	}
	fputs("hotlinectl: ", stderr);
	fprintf(stderr, CTL_T(UNKNOWN_COMMAND), typed);
	fputs(ctl_lang == CTL_LANG_EN ? "; " : "；", stderr);
	if (near != NULL)
		fprintf(stderr, CTL_T(DID_YOU_MEAN), near);
	else
		fputs(CTL_T(SEE_HELP), stderr);
	fputc('\n', stderr);
	return CTL_EXIT_USAGE;
}

/* Parses the global options and runs one command. */
int
main(int argc, char **argv)
{
	struct ctl ctl;
	char name[64];
	int rc;

	ctl_defaults(&ctl);
	ctl_lang = ctl_lang_choose(NULL, getenv("HOTLINE_LANG"),
	    getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG"));
	if ((rc = ctl_globals(&ctl, argc, argv)) == 1)
		return ctl_main_usage(stdout, CTL_EXIT_OK);
	if (rc == 2) {
		printf("hotlinectl %s (protocol %d)\n", HOTLINE_VERSION,
		    HOTLINE__PROTOCOL_VERSION__PROTOCOL_VERSION);
		return CTL_EXIT_OK;
	}
	if (rc == -1)
		return ctl_synopsis(stderr, CTL_EXIT_USAGE);
	ctl_json_errors = ctl.json;
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return ctl_main_usage(stderr, CTL_EXIT_USAGE);
	if ((ctl.command = ctl_find(argv[0])) == NULL)
		return ctl_unknown(argv[0]);
	snprintf(name, sizeof name, "hotlinectl %s", ctl.command->name);
	argv[0] = name;		/* getopt's messages name the command */
	rc = ctl.command->run(&ctl, argc, argv);
	hl_close(ctl.client);
	return rc;
}
