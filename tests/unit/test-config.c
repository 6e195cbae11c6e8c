/*
 * Unit tests of config.c: the demo configuration, defaults, and the exact
 * error messages (file:line: key: why) for bad files written to a temporary
 * directory. The demo files are found under $HOTLINE_SRCDIR (set by
 * tests/run.sh; default: the current directory, the top of the source tree).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hotlined.h"
#include "unit-files.h"

/* "agent01-demo" hashed with 1000 iterations (fast to load). */
#define HASH "pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$" \
	"l1ckukn1W0wca9wc50whRnQBSLP41tHfus5fejRHhTI="

/* A valid main file, one line per part so that errors have known lines. */
#define LISTEN "listen = ( { address = \"127.0.0.1:7345\"; } );\n"	/* 1 */
#define REDIS "redis = { host = \"127.0.0.1\"; port = 6390; };\n"	/* 2 */
#define ROUTING "routing = { catalogue = \"catalogue.conf\"; };\n"	/* 3 */
#define DEPTS "departments = ( { id = \"zjj\"; name = \"住建局\"; },\n" \
	"  { id = \"water\"; name = \"供水公司\"; } );\n"		/* 4-5 */
#define AGENT "{ id = \"agent01\"; role = \"agent\"; credential = \"" \
	HASH "\"; }"
#define PRINCIPALS "principals = ( " AGENT " );\n"			/* 6 */
#define BASE LISTEN REDIS ROUTING DEPTS
#define GOOD BASE PRINCIPALS
#define CATALOGUE "entries = ( { keywords = [\"停水\"]; " \
	"department = \"water\"; } );\n"

/* A small category tree (分类与代码) on one line. */
#define CATEGORIES "categories = ( { code = \"11\"; name = \"公用事业\"; }, " \
	"{ code = \"1101\"; name = \"供水\"; }, " \
	"{ code = \"110101\"; name = \"停水\"; } );\n"

struct files {
	char dir[64];
	char main[128];
	char catalogue[128];
};

/* Writes text to path. */
static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Makes a temporary directory holding hotlined.conf and catalogue.conf. */
static void
files_make(struct files *f, const char *main_text, const char *catalogue_text)
{
	snprintf(f->dir, sizeof f->dir, "/tmp/test-config-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->main, sizeof f->main, "%s/hotlined.conf", f->dir);
	snprintf(f->catalogue, sizeof f->catalogue, "%s/catalogue.conf", f->dir);
	write_file(f->main, main_text);
	if (catalogue_text != NULL)
		write_file(f->catalogue, catalogue_text);
}

/* Removes what files_make made. */
static void
files_remove(struct files *f)
{
	unlink(f->main);
	unlink(f->catalogue);
	assert_int_equal(rmdir(f->dir), 0);
}

/* Loads main_text with catalogue_text; the load must succeed. */
static struct config *
load_ok(const char *main_text, const char *catalogue_text)
{
	struct files f;
	struct config *conf;
	char err[512] = "";

	files_make(&f, main_text, catalogue_text);
	conf = config_load(f.main, err, sizeof err);
	if (conf == NULL)
		fail_msg("unexpected error: %s", err);
	files_remove(&f);
	return conf;
}

/*
 * Loads main_text with catalogue_text; the load must fail with want, in
 * which "%s" stands for the temporary directory.
 */
static void
load_fails(const char *main_text, const char *catalogue_text, const char *want)
{
	struct files f;
	char err[512] = "", expected[512];

	files_make(&f, main_text, catalogue_text);
	assert_null(config_load(f.main, err, sizeof err));
	snprintf(expected, sizeof expected, want, f.dir);
	assert_string_equal(err, expected);
	files_remove(&f);
}

#define REST REDIS ROUTING DEPTS PRINCIPALS
#define FP "08:0E:47:6A:A9:BC:96:01:43:B3:16:69:E4:39:17:96:" \
	"59:53:CE:9A:AE:7B:B7:0F:6F:B6:4B:0B:CC:C0:91:18"

/*
 * TLS listeners, the plaintext rule, certificate principals and the auth
 * group load; mistakes in them are refused with the key at fault.
 */
static void
test_security_keys(void **state)
{
	struct files f;
	struct config *conf;
	char err[512] = "";

	(void)state;
	files_make(&f, "listen = ( { address = \"0.0.0.0:7443\"; tls = { "
	    "cert = \"s.pem\"; key = \"/k/s.key\"; client_ca = \"ca.pem\"; "
	    "require_client_cert = true; }; },\n"
	    "  { address = \"10.1.2.3:7345\"; plaintext_nonloopback = true; },\n"
	    "  { address = \"[::1]:7345\"; } );\n" REDIS ROUTING DEPTS
	    "principals = ( " AGENT ", { id = \"t\"; role = \"department\"; "
	    "department = \"zjj\"; cert_cn = \"terminal 7\"; },\n"
	    "{ id = \"u\"; role = \"agent\"; cert_sha256 = \"" FP "\"; } );\n"
	    "auth = { cache_entries = 0; failures_burst = 3; };\n", CATALOGUE);
	conf = config_load(f.main, err, sizeof err);
	if (conf == NULL)
		fail_msg("%s", err);
	assert_non_null(conf->listens[0].tls);
	assert_non_null(strstr(conf->listens[0].tls->cert, f.dir));
	assert_string_equal(conf->listens[0].tls->key, "/k/s.key");
	assert_int_equal(conf->listens[0].tls->require_client_cert, 1);
	assert_null(conf->listens[1].tls);
	assert_null(conf->listens[2].tls);
	assert_string_equal(config_principal(conf, "t")->cert_cn, "terminal 7");
	assert_null(config_principal(conf, "t")->credential);
	assert_int_equal(config_principal(conf, "u")->has_cert_sha256, 1);
	assert_int_equal(config_principal(conf, "u")->cert_sha256[31], 0x18);
	assert_int_equal(conf->auth.cache_entries, 0);
	assert_int_equal(conf->auth.failures_burst, 3);
	assert_int_equal(conf->auth.failures_per_minute, 6);
	config_free(conf);
	files_remove(&f);

	load_fails("listen = ( { address = \"192.0.2.1:7345\"; } );\n" REST,
	    CATALOGUE, "%s/hotlined.conf:1: listen[0]: plain TCP on the "
	    "non-loopback address 192.0.2.1: add tls = { cert = \"...\"; key = "
	    "\"...\"; } or, to send tokens and tickets unencrypted on purpose, "
	    "plaintext_nonloopback = true");
	load_fails("listen = ( { address = \"[::]:7345\"; } );\n" REST,
	    CATALOGUE, "%s/hotlined.conf:1: listen[0]: plain TCP on the "
	    "non-loopback address ::: add tls = { cert = \"...\"; key = "
	    "\"...\"; } or, to send tokens and tickets unencrypted on purpose, "
	    "plaintext_nonloopback = true");
	load_fails("listen = ( { address = \"127.0.0.1:1\"; tls = { "
	    "cert = \"c\"; }; } );\n" REST, CATALOGUE,
	    "%s/hotlined.conf:1: listen[0].tls.key: missing");
	load_fails("listen = ( { address = \"127.0.0.1:1\"; tls = { "
	    "cert = \"c\"; key = \"k\"; require_client_cert = true; }; } );\n"
	    REST, CATALOGUE, "%s/hotlined.conf:1: listen[0].tls: "
	    "require_client_cert needs client_ca");
	load_fails("listen = ( { unix = \"/tmp/x.sock\"; tls = { cert = \"c\"; "
	    "key = \"k\"; }; } );\n" REST, CATALOGUE,
	    "%s/hotlined.conf:1: listen[0].tls: only for TCP listeners");
	load_fails(BASE "principals = (\n{ id = \"u\"; role = \"agent\"; "
	    "cert_sha256 = \"08:0E\"; } );\n", CATALOGUE,
	    "%s/hotlined.conf:7: principals[0].cert_sha256: not 64 hex digits "
	    "(openssl x509 -noout -fingerprint -sha256 prints them)");
	load_fails(BASE "principals = (\n{ id = \"u\"; role = \"agent\"; "
	    "cert_cn = \"x\"; },\n{ id = \"v\"; role = \"agent\"; "
	    "cert_cn = \"x\"; } );\n", CATALOGUE, "%s/hotlined.conf:8: "
	    "principals[1].cert_cn: \"x\" already maps to principal \"u\"");
	load_fails(BASE "principals = (\n{ id = \"u\"; role = \"agent\"; } "
	    ");\n", CATALOGUE, "%s/hotlined.conf:7: principals[0].credential: "
	    "missing");
}

/* The demo configuration loads: departments, principals, defaults, listener. */
static void
test_demo_loads(void **state)
{
	char path[1024], err[512] = "";
	struct config *conf;

	(void)state;
	conf = config_load(unit_path("conf/hotlined.conf", path, sizeof path),
	    err, sizeof err);
	if (conf == NULL)
		fail_msg("demo config: %s", err);
	assert_int_equal(conf->nlistens, 1);
	assert_string_equal(conf->listens[0].host, "127.0.0.1");
	assert_int_equal(conf->listens[0].port, 7345);
	assert_null(conf->listens[0].unix_path);
	assert_string_equal(conf->redis.host, "127.0.0.1");
	assert_int_equal(conf->redis.port, 6390);
	assert_null(conf->redis.password);
	assert_true(conf->ndepartments >= 14);
	assert_string_equal(config_department(conf, "zjj")->name, "住建局");
	assert_string_equal(config_department(conf, "gaj")->name, "公安局");
	assert_true(conf->nentries >= 60);
	assert_non_null(conf->catalogue);
	assert_int_equal(config_principal(conf, "agent01")->role,
	    HOTLINE__ROLE__ROLE_AGENT);
	assert_int_equal(config_principal(conf, "dispatcher01")->role,
	    HOTLINE__ROLE__ROLE_DISPATCHER);
	assert_int_equal(config_principal(conf, "supervisor01")->role,
	    HOTLINE__ROLE__ROLE_SUPERVISOR);
	assert_int_equal(config_principal(conf, "admin01")->role,
	    HOTLINE__ROLE__ROLE_ADMIN);
	assert_string_equal(config_principal(conf, "zjj-02")->department, "zjj");
	assert_null(config_principal(conf, "agent01")->department);
	assert_null(config_principal(conf, "nobody"));
	config_free(conf);
}

/* Every demo principal's token is "<id>-demo", and every department has a terminal. */
static void
test_demo_principals(void **state)
{
	char path[1024], err[512] = "", token[128], id[64];
	const struct principal *p;
	struct config *conf;
	size_t i;

	(void)state;
	conf = config_load(unit_path("conf/hotlined.conf", path, sizeof path),
	    err, sizeof err);
	assert_non_null(conf);
	assert_non_null(config_principal(conf, "agent02"));
	for (i = 0; i < conf->nprincipals; i++) {
		p = &conf->principals[i];
		snprintf(token, sizeof token, "%s-demo", p->id);
		assert_int_equal(auth_hash_legacy(p->credential), 0);
		assert_int_equal(auth_verify(p->credential, token), 1);
		if (i == 0)	/* argon2id at full cost: one wrong token is enough */
			assert_int_equal(auth_verify(p->credential, "demo"),
			    0);
	}
	for (i = 0; i < conf->ndepartments; i++) {
		snprintf(id, sizeof id, "%s-01", conf->departments[i].id);
		p = config_principal(conf, id);
		assert_non_null(p);
		assert_int_equal(p->role, HOTLINE__ROLE__ROLE_DEPARTMENT);
		assert_string_equal(p->department, conf->departments[i].id);
	}
	config_free(conf);
}

/* Classifies text with the demo catalogue and returns the top department id. */
static const char *
demo_top(const struct config *conf, const char *title, const char *content,
    const char *district, struct classify_result *r)
{
	assert_int_equal(classify_text(conf->catalogue, &conf->routing, title,
	    content, district, r), 0);
	return r->nsuggestions > 0 ? r->suggestions[0].department->id : "";
}

/* The demo catalogue routes common demands sensibly. */
static void
test_demo_routing(void **state)
{
	char path[1024], err[512] = "";
	struct classify_result r;
	struct config *conf;

	(void)state;
	conf = config_load(unit_path("conf/hotlined.conf", path, sizeof path),
	    err, sizeof err);
	assert_non_null(conf);
	assert_string_equal(demo_top(conf, "小区停水", "从早上停水到现在，没有通知",
	    "台江区", &r), "water");
	/* 施工噪声 is 住建局's in docs/demo-city.md (生态环境局 acceptable). */
	assert_string_equal(demo_top(conf, "工地扰民", "旁边工地夜间施工，噪音很大",
	    "仓山区", &r), "zjj");
	assert_string_equal(demo_top(conf, "广场舞扰民", "每晚广场舞音响声音太大",
	    "鼓楼区", &r), "cgj");
	assert_string_equal(demo_top(conf, "讨薪", "公司拖欠工资三个月", "", &r),
	    "rsj");
	/* A gas smell now: the gas company's emergency line, not dispatched. */
	assert_string_equal(demo_top(conf, "燃气泄漏", "楼道里有很重的煤气味",
	    "晋安区", &r), "gas");
	assert_non_null(r.emergency);
	assert_string_equal(r.emergency->kind, "gas_leak");
	assert_string_equal(r.emergency->transfer_to, "96777");
	assert_int_equal(r.auto_dispatch, 0);
	assert_string_equal(r.suggestions[0].category, "110303");
	assert_string_equal(category_find(conf->categories, conf->ncategories,
	    r.suggestions[0].category)->label, "公用事业/燃气/燃气泄漏");
	assert_string_equal(demo_top(conf, "物业不作为", "物业公司不管小区卫生",
	    "", &r), "zjj");
	assert_string_equal(demo_top(conf, "补办身份证", "身份证丢了怎么补办",
	    "", &r), "gaj");
	assert_string_equal(demo_top(conf, "拆迁补偿", "拆迁补偿款迟迟不到位",
	    "马尾区", &r), "mawei");
	assert_string_equal(demo_top(conf, "拆迁补偿", "拆迁补偿款迟迟不到位",
	    "鼓楼区", &r), "gulou");
	assert_string_equal(demo_top(conf, "咨询", "请问今天天气怎么样", "", &r),
	    "");
	assert_int_equal(r.auto_dispatch, 0);
	config_free(conf);
}

/* A districts line (line 7) of the GOOD main file's departments' city. */
#define DISTRICT(rest) "districts = ( { name = \"鼓楼区\"; " rest " } );\n"
#define GOV "government = \"zjj\"; "
#define STREETS "streets = [\"东街街道\", \"南街街道\"];"

/*
 * The districts group (区县 and 街道) loads strictly: every key checked, a
 * known government, unique names and streets; catalogue entries may name
 * only its districts and their streets; without it, both are free text.
 */
static void
test_districts_group(void **state)
{
	struct config *conf;
	const char *field, *why;

	(void)state;
	conf = load_ok(GOOD DISTRICT(GOV STREETS), CATALOGUE);
	assert_int_equal(conf->ndistricts, 1);
	assert_int_equal(conf->districts[0].nstreets, 2);
	assert_int_equal(config_place_check(conf, "台江区", "", &field, &why),
	    -1);
	assert_string_equal(field, "district");
	config_free(conf);
	conf = load_ok(GOOD, CATALOGUE);
	assert_int_equal(config_place_check(conf, "台江区", "任何街道", &field,
	    &why), 0);
	config_free(conf);
	load_fails(GOOD DISTRICT("government = \"gulou\"; " STREETS),
	    CATALOGUE, "%s/hotlined.conf:7: districts[0].government: unknown "
	    "department \"gulou\"");
	load_fails(GOOD DISTRICT(GOV "streets = [];"), CATALOGUE,
	    "%s/hotlined.conf:7: districts[0].streets: must not be empty");
	load_fails(GOOD DISTRICT(GOV "streets = [\"东街街道\", \"东街街道\"];"),
	    CATALOGUE, "%s/hotlined.conf:7: districts[0].streets[1]: "
	    "duplicate street \"东街街道\" in 鼓楼区");
	load_fails(GOOD DISTRICT(GOV STREETS " town = \"x\";"), CATALOGUE,
	    "%s/hotlined.conf:7: districts[0].town: unknown key");
	load_fails(GOOD "districts = ();\n", CATALOGUE,
	    "%s/hotlined.conf:7: districts: must not be empty");
	load_fails(GOOD "districts = ( { name = \"鼓楼区\"; " GOV STREETS
	    " }, { name = \"鼓楼区\"; " GOV STREETS " } );\n", CATALOGUE,
	    "%s/hotlined.conf:7: districts[1].name: duplicate district "
	    "\"鼓楼区\"");
	load_fails(GOOD DISTRICT(GOV STREETS), "entries = ( { keywords = "
	    "[\"停水\"]; districts = [\"鼓楼\"]; department = \"water\"; } );\n",
	    "%s/catalogue.conf:1: entries[0].districts[0]: unknown district "
	    "\"鼓楼\": not in the districts group");
	load_fails(GOOD DISTRICT(GOV STREETS), "entries = ( { keywords = "
	    "[\"停水\"]; districts = [\"鼓楼区\"]; streets = [\"琅岐镇\"]; "
	    "department = \"water\"; } );\n",
	    "%s/catalogue.conf:1: entries[0].streets[0]: \"琅岐镇\" is not a "
	    "street of the entry's districts");
}

/* A minimal file gets every documented default. */
static void
test_defaults(void **state)
{
	struct config *conf;

	(void)state;
	conf = load_ok(GOOD, CATALOGUE);
	assert_int_equal(conf->redis.db, 0);
	assert_null(conf->redis.password);
	assert_null(conf->redis.unix_path);
	assert_int_equal(conf->redis.timeout_ms, 2000);
	assert_int_equal(conf->redis.feed_maxlen, 10000);
	assert_int_equal(conf->limits.max_frame, 262144);
	assert_int_equal(conf->limits.max_field, 65536);
	assert_int_equal(conf->limits.max_connections, 10000);
	assert_int_equal(conf->limits.output_limit, 8388608);
	assert_int_equal(conf->limits.requests_per_turn, 32);
	assert_int_equal(conf->limits.drain_timeout_ms, 5000);
	assert_int_equal(conf->limits.max_store_pending, 10000);
	assert_int_equal(conf->limits.write_timeout_ms, 60000);
	assert_true(conf->routing.dispatch_threshold == 0.6);
	assert_true(conf->routing.prior == 1.0);
	assert_int_equal(conf->nentries, 1);
	assert_true(conf->entries[0].weight == 1.0);
	assert_string_equal(conf->entries[0].category, "");
	assert_int_equal(conf->entries[0].ndistricts, 0);
	assert_string_equal(config_principal(conf, "agent01")->credential, HASH);
	config_free(conf);
}

/* Explicit values are taken, int64 and int-for-float included. */
static void
test_values(void **state)
{
	struct config *conf;

	(void)state;
	conf = load_ok(BASE PRINCIPALS
	    "limits = { max_frame = 1048576L; max_field = 1024; "
	    "max_connections = 5; output_limit = 65536; requests_per_turn = 1; "
	    "drain_timeout_ms = 0; max_store_pending = 10; "
	    "write_timeout_ms = 0; };\n",
	    CATALOGUE);
	assert_int_equal(conf->limits.max_frame, 1048576);
	assert_int_equal(conf->limits.max_field, 1024);
	assert_int_equal(conf->limits.max_connections, 5);
	assert_int_equal(conf->limits.output_limit, 65536);
	assert_int_equal(conf->limits.requests_per_turn, 1);
	assert_int_equal(conf->limits.drain_timeout_ms, 0);
	assert_int_equal(conf->limits.max_store_pending, 10);
	assert_int_equal(conf->limits.write_timeout_ms, 0);
	config_free(conf);

	conf = load_ok(LISTEN
	    "redis = { unix = \"/tmp/r.sock\"; db = 3; password = \"s3cret\"; "
	    "timeout_ms = 100; feed_maxlen = 100; };\n"
	    "routing = { catalogue = \"catalogue.conf\"; prior = 2; "
	    "dispatch_threshold = 1; };\n" DEPTS PRINCIPALS, CATALOGUE);
	assert_string_equal(conf->redis.unix_path, "/tmp/r.sock");
	assert_null(conf->redis.host);
	assert_int_equal(conf->redis.db, 3);
	assert_string_equal(conf->redis.password, "s3cret");
	assert_int_equal(conf->redis.timeout_ms, 100);
	assert_int_equal(conf->redis.feed_maxlen, 100);
	assert_true(conf->routing.prior == 2.0);
	assert_true(conf->routing.dispatch_threshold == 1.0);
	config_free(conf);
}

/* Listeners: IPv6 in brackets, unix sockets with octal modes. */
static void
test_listeners(void **state)
{
	struct config *conf;

	(void)state;
	conf = load_ok("listen = ( { address = \"[::1]:7000\"; },\n"
	    "{ unix = \"/tmp/h.sock\"; },\n"
	    "{ unix = \"/tmp/h2.sock\"; mode = 0600; },\n"
	    "{ unix = \"/tmp/h3.sock\"; mode = \"0640\"; } );\n"
	    REDIS ROUTING DEPTS PRINCIPALS, CATALOGUE);
	assert_int_equal(conf->nlistens, 4);
	assert_string_equal(conf->listens[0].host, "::1");
	assert_int_equal(conf->listens[0].port, 7000);
	assert_string_equal(conf->listens[1].unix_path, "/tmp/h.sock");
	assert_int_equal(conf->listens[1].unix_mode, 0660);
	assert_int_equal(conf->listens[2].unix_mode, 0600);
	assert_int_equal(conf->listens[3].unix_mode, 0640);
	config_free(conf);
}

/* Bad listeners are refused with the key named. */
static void
test_listen_errors(void **state)
{
	(void)state;
	load_fails("listen = ( { address = \"localhost:7345\"; } );\n"
	    REDIS ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:1: listen[0].address: \"localhost:7345\" is not "
	    "\"IPv4:port\" or \"[IPv6]:port\"");
	load_fails("listen = ( { address = \"127.0.0.1:70000\"; } );\n"
	    REDIS ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:1: listen[0].address: \"127.0.0.1:70000\" is not "
	    "\"IPv4:port\" or \"[IPv6]:port\"");
	load_fails("listen = (\n{ address = \"127.0.0.1:1\"; unix = \"/x\"; } );\n"
	    REDIS ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:2: listen[0]: give either address or unix");
	load_fails("listen = ( { unix = \"/x\"; mode = 0800; } );\n"
	    REDIS ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:1: listen[0].mode: must be octal digits "
	    "0000..0777, e.g. 0660");
	load_fails("listen = ( );\n" REDIS ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:1: listen: must not be empty");
	load_fails(REDIS ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf: listen: missing");
}

/* Typos are errors, at the top level and inside groups. */
static void
test_unknown_keys(void **state)
{
	(void)state;
	load_fails(GOOD "listne = 1;\n", CATALOGUE,
	    "%s/hotlined.conf:7: listne: unknown key");
	load_fails(LISTEN "redis = { host = \"h\"; port = 1; prot = 2; };\n"
	    ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:2: redis.prot: unknown key");
	load_fails(GOOD, "entries = ( { keywords = [\"x\"]; "
	    "department = \"zjj\"; wieght = 2.0; } );\n",
	    "%s/catalogue.conf:1: entries[0].wieght: unknown key");
}

/* Numbers out of range or of the wrong type. */
static void
test_range_errors(void **state)
{
	(void)state;
	load_fails(GOOD "limits = { max_frame = 1000; };\n", CATALOGUE,
	    "%s/hotlined.conf:7: limits.max_frame: must be between 1024 and "
	    "67108864");
	load_fails(GOOD "limits = { max_frame = 2048;\n max_field = 4096; };\n",
	    CATALOGUE,
	    "%s/hotlined.conf:8: limits.max_field: must be between 64 and 2048");
	load_fails(GOOD "limits = { max_connections = \"10\"; };\n", CATALOGUE,
	    "%s/hotlined.conf:7: limits.max_connections: must be an integer");
	load_fails(LISTEN REDIS "routing = { catalogue = \"catalogue.conf\"; "
	    "dispatch_threshold = 1.5; };\n" DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:3: routing.dispatch_threshold: must be between "
	    "0 and 1");
	load_fails(LISTEN REDIS "routing = { catalogue = \"catalogue.conf\"; "
	    "prior = -0.5; };\n" DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:3: routing.prior: must be 0 or more");
	load_fails(LISTEN "redis = { host = \"h\"; port = 6379; timeout_ms = 50; };\n"
	    ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:2: redis.timeout_ms: must be between 100 and 60000");
}

/* The assessment group: defaults, weights, and what is refused. */
static void
test_assessment(void **state)
{
	struct config *conf;

	(void)state;
	conf = load_ok(GOOD, CATALOGUE);
	assert_true(conf->assessment.weights[STATS_RESPONSE] == 30);
	assert_true(conf->assessment.weights[STATS_ON_TIME] == 0);
	assert_int_equal(conf->assessment.min_tickets, 10);
	config_free(conf);
	conf = load_ok(GOOD "assessment = { min_tickets = 0; weights = { "
	    "on_time = 2.5; reopens = 1; }; };\n", CATALOGUE);
	assert_true(conf->assessment.weights[STATS_ON_TIME] == 2.5);
	assert_true(conf->assessment.weights[STATS_REOPENS] == 1);
	assert_true(conf->assessment.weights[STATS_RESPONSE] == 0);
	assert_int_equal(conf->assessment.min_tickets, 0);
	config_free(conf);
	load_fails(GOOD "assessment = { weights = { speed = 1; }; };\n",
	    CATALOGUE, "%s/hotlined.conf:7: assessment.weights.speed: unknown key");
	load_fails(GOOD "assessment = { weights = { response = 0; }; };\n",
	    CATALOGUE, "%s/hotlined.conf:7: assessment.weights: at least one "
	    "weight must be above 0");
	load_fails(GOOD "assessment = { weights = { response = -1; }; };\n",
	    CATALOGUE, "%s/hotlined.conf:7: assessment.weights.response: must be "
	    "between 0 and 1000");
	load_fails(GOOD "assessment = { min_tickets = -1; };\n", CATALOGUE,
	    "%s/hotlined.conf:7: assessment.min_tickets: must be between 0 and "
	    "1000000");
}

/* Sentinels instead of an address, and strict mode (redis.wait_replicas). */
static void
test_redis_sentinels(void **state)
{
	struct config *conf;

	(void)state;
	conf = load_ok(LISTEN "redis = { sentinels = [\"127.0.0.1:26379\", "
	    "\"[::1]:26380\"]; master = \"hotline\"; wait_replicas = 1; "
	    "timeout_ms = 3000; wait_timeout_ms = 1000; };\n"
	    ROUTING DEPTS PRINCIPALS, CATALOGUE);
	assert_null(conf->redis.unix_path);
	assert_null(conf->redis.host);
	assert_int_equal(conf->redis.nsentinels, 2);
	assert_string_equal(conf->redis.sentinels[0].host, "127.0.0.1");
	assert_int_equal(conf->redis.sentinels[0].port, 26379);
	assert_string_equal(conf->redis.sentinels[1].host, "::1");
	assert_int_equal(conf->redis.sentinels[1].port, 26380);
	assert_string_equal(conf->redis.master, "hotline");
	assert_int_equal(conf->redis.wait_replicas, 1);
	assert_int_equal(conf->redis.wait_timeout_ms, 1000);
	config_free(conf);
	/* Strict mode is off by default; WAIT's timeout is half the link's. */
	conf = load_ok(GOOD, CATALOGUE);
	assert_int_equal(conf->redis.nsentinels, 0);
	assert_int_equal(conf->redis.wait_replicas, 0);
	assert_int_equal(conf->redis.wait_timeout_ms, 1000);
	config_free(conf);
}

/* Sentinels go alone and with a master name; WAIT ends before the watchdog. */
static void
test_redis_sentinel_errors(void **state)
{
	(void)state;
	load_fails(LISTEN "redis = { sentinels = [\"127.0.0.1:26379\"]; "
	    "master = \"m\"; host = \"h\"; };\n" ROUTING DEPTS PRINCIPALS,
	    CATALOGUE, "%s/hotlined.conf:2: redis.host: give either sentinels "
	    "(with master) or host and port");
	load_fails(LISTEN "redis = { sentinels = [\"127.0.0.1:26379\"]; };\n"
	    ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:2: redis.master: missing");
	load_fails(LISTEN "redis = { sentinels = [\"sentinel1:26379\"]; "
	    "master = \"m\"; };\n" ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:2: redis.sentinels[0]: \"sentinel1:26379\" is "
	    "not \"IPv4:port\" or \"[IPv6]:port\"");
	load_fails(LISTEN "redis = { host = \"h\"; port = 1; master = \"m\"; };\n"
	    ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:2: redis.master: only with redis.sentinels");
	load_fails(LISTEN "redis = { host = \"h\"; port = 1; wait_replicas = 1; "
	    "wait_timeout_ms = 2000; };\n" ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:2: redis.wait_timeout_ms: must be below "
	    "redis.timeout_ms (2000)");
}

/* Required keys and groups. */
static void
test_missing(void **state)
{
	(void)state;
	load_fails(LISTEN "redis = { host = \"h\"; };\n" ROUTING DEPTS PRINCIPALS,
	    CATALOGUE, "%s/hotlined.conf:2: redis.port: missing");
	load_fails(LISTEN ROUTING DEPTS PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf: redis: missing");
	load_fails(LISTEN REDIS "routing = { prior = 1.0; };\n" DEPTS PRINCIPALS,
	    CATALOGUE, "%s/hotlined.conf:3: routing.catalogue: missing");
	load_fails(BASE, CATALOGUE, "%s/hotlined.conf: principals: missing");
	load_fails(LISTEN REDIS ROUTING "departments = ( );\n" PRINCIPALS,
	    CATALOGUE, "%s/hotlined.conf:4: departments: must not be empty");
}

/* Department ids: format, uniqueness; names: UTF-8. */
static void
test_department_errors(void **state)
{
	(void)state;
	load_fails(LISTEN REDIS ROUTING
	    "departments = ( { id = \"ZJJ\"; name = \"住建局\"; } );\n" PRINCIPALS,
	    CATALOGUE, "%s/hotlined.conf:4: departments[0].id: \"ZJJ\" is not "
	    "1..32 characters of a-z 0-9 _ -");
	load_fails(LISTEN REDIS ROUTING
	    "departments = ( { id = \"zjj\"; name = \"住建局\"; },\n"
	    "{ id = \"zjj\"; name = \"又一个\"; } );\n" PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:5: departments[1].id: duplicate department \"zjj\"");
	load_fails(LISTEN REDIS ROUTING
	    "departments = ( { id = \"zjj\"; name = \"\xe4\xbd\"; } );\n"
	    PRINCIPALS, CATALOGUE,
	    "%s/hotlined.conf:4: departments[0].name: not valid UTF-8");
	load_fails(LISTEN REDIS ROUTING
	    "departments = ( { id = \"zjj\"; name = \"\"; } );\n" PRINCIPALS,
	    CATALOGUE, "%s/hotlined.conf:4: departments[0].name: must not be "
	    "empty");
}

/* Principals: roles, departments, credentials, ids. */
static void
test_principal_errors(void **state)
{
	(void)state;
	load_fails(BASE "principals = ( " AGENT ",\n"
	    "{ id = \"x-01\"; role = \"department\"; department = \"xyz\"; "
	    "credential = \"" HASH "\"; } );\n", CATALOGUE,
	    "%s/hotlined.conf:7: principals[1].department: unknown department "
	    "\"xyz\"");
	load_fails(BASE "principals = (\n"
	    "{ id = \"x-01\"; role = \"department\"; credential = \"" HASH
	    "\"; } );\n", CATALOGUE,
	    "%s/hotlined.conf:7: principals[0].department: missing (required "
	    "for role department)");
	load_fails(BASE "principals = (\n"
	    "{ id = \"a\"; role = \"agent\"; department = \"zjj\"; "
	    "credential = \"" HASH "\"; } );\n", CATALOGUE,
	    "%s/hotlined.conf:7: principals[0].department: only principals of "
	    "role department have one");
	load_fails(BASE "principals = (\n"
	    "{ id = \"a\"; role = \"boss\"; credential = \"" HASH "\"; } );\n",
	    CATALOGUE, "%s/hotlined.conf:7: principals[0].role: unknown role "
	    "\"boss\" (agent, dispatcher, department, supervisor or admin)");
	load_fails(BASE "principals = (\n"
	    "{ id = \"a\"; role = \"agent\"; credential = \"a-demo\"; } );\n",
	    CATALOGUE, "%s/hotlined.conf:7: principals[0].credential: not an "
	    "argon2id hash (make one with hotlinectl passwd)");
	load_fails(BASE "principals = ( " AGENT ",\n" AGENT " );\n", CATALOGUE,
	    "%s/hotlined.conf:7: principals[1].id: duplicate principal "
	    "\"agent01\"");
	load_fails(BASE "principals = (\n"
	    "{ id = \"a b\"; role = \"agent\"; credential = \"" HASH "\"; } );\n",
	    CATALOGUE, "%s/hotlined.conf:7: principals[0].id: \"a b\" is not "
	    "1..64 characters of A-Z a-z 0-9 _ . -");
}

/* Catalogue entries: departments, weights, keywords, districts. */
static void
test_catalogue_errors(void **state)
{
	char cat[1024], want[512], kw[258];

	(void)state;
	load_fails(GOOD, "entries = (\n"
	    "{ keywords = [\"停水\"]; department = \"water\"; },\n"
	    "{ keywords = [\"漏水\"]; department = \"xyz\"; } );\n",
	    "%s/catalogue.conf:3: entries[1].department: unknown department "
	    "\"xyz\"");
	load_fails(GOOD, "entries = (\n"
	    "{ keywords = [\"停水\"]; department = \"water\"; weight = 0; } );\n",
	    "%s/catalogue.conf:2: entries[0].weight: must be above 0");
	load_fails(GOOD, "entries = (\n"
	    "{ keywords = []; department = \"water\"; } );\n",
	    "%s/catalogue.conf:2: entries[0].keywords: must not be empty");
	load_fails(GOOD, "entries = (\n"
	    "{ keywords = [\"停水\", \"\"]; department = \"water\"; } );\n",
	    "%s/catalogue.conf:2: entries[0].keywords[1]: must not be empty");
	load_fails(GOOD, "entries = (\n"
	    "{ keywords = [\"停水\"]; districts = [\"\xff\"]; "
	    "department = \"water\"; } );\n",
	    "%s/catalogue.conf:2: entries[0].districts[0]: not valid UTF-8");
	load_fails(GOOD, "entries = ( { keywords = \"停水\"; "
	    "department = \"water\"; } );\n",
	    "%s/catalogue.conf:1: entries[0].keywords: must be a list of "
	    "strings [ ... ]");
	load_fails(GOOD, "entries = ( { department = \"water\"; } );\n",
	    "%s/catalogue.conf:1: entries[0].keywords: missing");
	memset(kw, 'a', 257);
	kw[257] = '\0';
	snprintf(cat, sizeof cat, "entries = ( { keywords = [\"%s\"]; "
	    "department = \"water\"; } );\n", kw);
	snprintf(want, sizeof want, "%%s/catalogue.conf:1: "
	    "entries[0].keywords[0]: longer than 256 bytes");
	load_fails(GOOD, cat, want);
}

/*
 * Categories: an entry names a minor class's code, and gets its label; an
 * unknown code, a middle class's or a malformed tree is refused, naming the
 * entry or the code.
 */
static void
test_categories(void **state)
{
	struct config *conf;

	(void)state;
	conf = load_ok(GOOD, CATEGORIES "entries = ( { keywords = [\"停水\"]; "
	    "department = \"water\"; category = \"110101\"; } );\n");
	assert_int_equal(conf->ncategories, 3);
	assert_string_equal(conf->entries[0].category, "110101");
	assert_string_equal(category_find(conf->categories, conf->ncategories,
	    "110101")->label, "公用事业/供水/停水");
	assert_string_equal(category_find(conf->categories, conf->ncategories,
	    "1101")->label, "公用事业/供水");
	config_free(conf);
	load_fails(GOOD, CATEGORIES "entries = (\n"
	    "{ keywords = [\"停水\"]; department = \"water\"; },\n"
	    "{ keywords = [\"漏水\"]; department = \"water\"; "
	    "category = \"110199\"; } );\n",
	    "%s/catalogue.conf:4: entries[1].category: \"110199\" is not the "
	    "code of a minor class (小类) in categories");
	load_fails(GOOD, CATEGORIES "entries = (\n"
	    "{ keywords = [\"停水\"]; department = \"water\"; "
	    "category = \"1101\"; } );\n",
	    "%s/catalogue.conf:3: entries[0].category: \"1101\" is not the "
	    "code of a minor class (小类) in categories");
	load_fails(GOOD, "categories = ( { code = \"11\"; name = \"公用事业\"; },"
	    "\n{ code = \"110101\"; name = \"停水\"; } );\nentries = ();\n",
	    "%s/catalogue.conf:1: categories: code \"110101\": its parent "
	    "class is not listed");
	load_fails(GOOD, "categories = ( { code = \"1\"; name = \"x\"; } );\n"
	    "entries = ();\n", "%s/catalogue.conf:1: categories: code \"1\": a "
	    "code is 2, 4 or 6 digits (大类, 中类, 小类)");
	load_fails(GOOD, "categories = ( { code = \"11\"; name = \"a\"; },\n"
	    "{ code = \"11\"; name = \"b\"; } );\nentries = ();\n",
	    "%s/catalogue.conf:1: categories: code \"11\": the code is listed "
	    "twice");
}

/* The catalogue path is relative to the main file's directory; absolute paths work. */
static void
test_catalogue_path(void **state)
{
	struct files f;
	struct config *conf;
	char main_text[1024], err[512] = "";

	(void)state;
	files_make(&f, GOOD, CATEGORIES "entries = ( { keywords = [\"停水\"]; "
	    "districts = [\"台江区\", \"鼓楼区\"]; department = \"water\"; "
	    "category = \"110101\"; weight = 2.5; } );\n");
	conf = config_load(f.main, err, sizeof err);
	assert_non_null(conf);
	assert_int_equal(conf->entries[0].ndistricts, 2);
	assert_string_equal(conf->entries[0].districts[1], "鼓楼区");
	assert_string_equal(conf->entries[0].category, "110101");
	assert_true(conf->entries[0].weight == 2.5);
	config_free(conf);
	snprintf(main_text, sizeof main_text, LISTEN REDIS
	    "routing = { catalogue = \"%s\"; };\n" DEPTS PRINCIPALS,
	    f.catalogue);
	write_file(f.main, main_text);
	conf = config_load(f.main, err, sizeof err);
	assert_non_null(conf);
	config_free(conf);
	files_remove(&f);
}

/* Unreadable files and syntax errors name the file (and the line). */
static void
test_file_errors(void **state)
{
	char err[512] = "";

	(void)state;
	assert_null(config_load("/nonexistent/hotlined.conf", err, sizeof err));
	assert_string_equal(err, "/nonexistent/hotlined.conf: cannot read: "
	    "No such file or directory");
	load_fails(GOOD, NULL, "%s/catalogue.conf: cannot read: No such file "
	    "or directory");
	load_fails(LISTEN "redis = { host = ; };\n", CATALOGUE,
	    "%s/hotlined.conf:2: syntax error");
}

/* An empty catalogue loads and classifies nothing. */
static void
test_empty_catalogue(void **state)
{
	struct classify_result r;
	struct config *conf;

	(void)state;
	conf = load_ok(GOOD, "entries = ( );\n");
	assert_int_equal(conf->nentries, 0);
	assert_int_equal(classify_text(conf->catalogue, &conf->routing, "停水",
	    "停水", "", &r), 0);
	assert_int_equal(r.nsuggestions, 0);
	config_free(conf);
}

/* Role names are those of the file. */
static void
test_role_names(void **state)
{
	(void)state;
	assert_string_equal(config_role_name(HOTLINE__ROLE__ROLE_AGENT), "agent");
	assert_string_equal(config_role_name(HOTLINE__ROLE__ROLE_DISPATCHER),
	    "dispatcher");
	assert_string_equal(config_role_name(HOTLINE__ROLE__ROLE_DEPARTMENT),
	    "department");
	assert_string_equal(config_role_name(HOTLINE__ROLE__ROLE_SUPERVISOR),
	    "supervisor");
	assert_string_equal(config_role_name(HOTLINE__ROLE__ROLE_ADMIN), "admin");
	assert_string_equal(config_role_name(HOTLINE__ROLE__ROLE_UNSPECIFIED),
	    "unspecified");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_loads),
		cmocka_unit_test(test_demo_principals),
		cmocka_unit_test(test_demo_routing),
		cmocka_unit_test(test_districts_group),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_listeners),
		cmocka_unit_test(test_listen_errors),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_range_errors),
		cmocka_unit_test(test_assessment),
		cmocka_unit_test(test_redis_sentinels),
		cmocka_unit_test(test_redis_sentinel_errors),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_department_errors),
		cmocka_unit_test(test_principal_errors),
		cmocka_unit_test(test_catalogue_errors),
		cmocka_unit_test(test_catalogue_path),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_empty_catalogue),
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_security_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
