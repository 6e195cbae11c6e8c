# hotline: hotlined (daemon), libhotline + hotlinectl (client), tests, benchmarks.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(PREFIX)/etc
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DESTDIR ?=
# The release, reported by hotlined and hotlinectl --version.
VERSION = 0.2.0

CC ?= cc
WARNINGS = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
SANITIZE ?=
# Sanitizer builds live in their own directory so they never mix with plain objects.
B = build$(if $(SANITIZE),-$(subst $(comma),-,$(SANITIZE)))
comma := ,

# opencc: Traditional -> Simplified Chinese for classification; phrase-aware and
# maintained, it does this better than any table we would write.
# icu-i18n: ICU's Chinese calendar gives the lunar dates of 春节, 端午 and 中秋 for
# the years whose holiday notice is not out yet (daemon/statutory.c).
# libargon2: argon2id credential hashes (the reference implementation, Debian's
# libargon2-dev); OpenSSL 3.0 has no argon2 and libsodium would be a second crypto
# library for one function.
# libpq: the archive in PostgreSQL (issue 16), through its asynchronous API.
# friso: Chinese word segmentation (its lexicon; daemon/segment.c). liblinear:
# L2-regularised logistic regression for the routing model (no pkg-config file).
PKGS = libevent libevent_openssl hiredis libprotobuf-c libhs libconfig jansson openssl opencc \
	libargon2 icu-i18n libpq friso
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

SAN_FLAGS = $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -fPIC $(WARNINGS) $(CFLAGS) $(SAN_FLAGS) \
	-DHOTLINED_CONF='"$(SYSCONFDIR)/hotline/hotlined.conf"' -DHOTLINE_VERSION='"$(VERSION)"' \
	-MMD -MP -I$(B)/proto -Iproto -Idaemon -Iclient $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)
LIBS = $(PKG_LIBS) -llinear -lm -pthread

# Generated sources: protobuf-c code and the embedded Lua scripts.
PROTO_C = $(B)/proto/hotline.pb-c.c
PROTO_H = $(B)/proto/hotline.pb-c.h
SCRIPTS_C = $(B)/gen/scripts.c
LUA = $(sort $(wildcard daemon/scripts/*.lua))
LUA_LIB = $(sort $(wildcard daemon/scripts/lib/*.lua))
LUA_CONSTS = $(B)/gen/lua/consts.lua
LUA_KEYS = $(B)/gen/lua/keys.lua
# The web page's files, compiled into hotlined (scripts/embed-web.sh).
WEB_C = $(B)/gen/web-files.c
WEB_FILES = $(sort $(wildcard daemon/web/*))
# The archive's schema migrations, embedded like the scripts (archive-schema.c).
SQL_C = $(B)/gen/sql.c
SQL = $(sort $(wildcard daemon/sql/*.sql))

# The pure core (libhotline-core.a): daemon modules that never touch the event
# loop, the store or a connection, each with its own header (README: Layout).
# It links without libevent, hiredis and libpq (CORE_LIBS); tests/layering.py
# checks that no core object uses a shell symbol.
CORE_MODULES = archive-terms auth auth-pbkdf2 blend bounds calendar category classify clock \
	deadline kb-good kb-keys kb-passage kb-terms kb-words log matcher model normalize now repeat route segment \
	simhash stats statutory stream-cursor tense ticket train-yield utf8 validate xarray xmalloc lang
CORE_SRCS = $(patsubst %,daemon/%.c,$(CORE_MODULES)) $(sort $(wildcard daemon/config*.c))
CORE_PKGS = libprotobuf-c libhs libconfig jansson openssl opencc libargon2 icu-i18n friso
CORE_LIBS = $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null) -llinear -lm -pthread
# The shell: the daemon's loop, store, connections, operations (daemon/hotlined.h).
DAEMON_SRCS = $(filter-out daemon/main.c $(CORE_SRCS),$(sort $(wildcard daemon/*.c)))
CLIENT_LIB_SRCS = client/client.c client/client-tls.c proto/frame.c
CTL_SRCS = $(sort $(wildcard client/ctl*.c) client/hotlinectl.c client/json.c client/csv.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
CORE_OBJS = $(call obj,$(CORE_SRCS)) $(B)/obj/proto/hotline.pb-c.o
DAEMON_OBJS = $(call obj,$(DAEMON_SRCS) proto/frame.c client/json.c) $(B)/obj/gen/scripts.o \
	$(B)/obj/gen/web-files.o $(B)/obj/gen/sql.o
CLIENT_LIB_OBJS = $(call obj,$(CLIENT_LIB_SRCS)) $(B)/obj/proto/hotline.pb-c.o
CTL_OBJS = $(call obj,$(CTL_SRCS))

UNIT_SRCS = $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS = $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_SRCS))
# Unit tests of pure modules: linked with the core alone (no libevent, hiredis).
UNIT_CORE = archive-terms auth bounds calendar classify clock config deadline emergency \
	eval-frozen kb-terms matcher model normalize patterns repeat segment simhash stats \
	statutory tense ticket train-yield utf8 csv ctl-stats ctl-i18n layering lang
UNIT_CORE_BINS = $(patsubst %,$(B)/tests/unit/test-%,$(UNIT_CORE))
INTEG_SRCS = $(sort $(wildcard tests/integration/test-*.c))
INTEG_BINS = $(patsubst tests/integration/%.c,$(B)/tests/integration/%,$(INTEG_SRCS))
HARNESS_OBJS = $(call obj,tests/integration/harness.c tests/integration/harness-use.c \
	tests/integration/harness-fault.c \
	tests/integration/harness-pg.c)

HOTLINED = $(B)/hotlined
HOTLINECTL = $(B)/hotlinectl
LIBHOTLINE_A = $(B)/libhotline.a
LIBCORE = $(B)/libhotline-core.a
LIBHOTLINE_SO = $(B)/libhotline.so.1

.PHONY: all deps run test test-build unit integration install clean check-config
# Keep test and harness objects between builds instead of treating them as intermediates.
.SECONDARY:
all: $(HOTLINED) $(HOTLINECTL) $(LIBHOTLINE_A) $(LIBHOTLINE_SO) \
	$(B)/include/hotline/hotline.h

deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh $(B)

# On CI (CI=true or 1, as CI services set it) make test adds two passes to the
# plain one, counted in the same final line: every test again built with
# ASan+UBSan (build-address-undefined/), and the unit tests (the pure cores)
# under valgrind. A SANITIZE= build runs only its own pass.
CI_PASSES = $(if $(SANITIZE),,$(filter true 1 yes,$(CI)))

test: deps
	@$(MAKE) --no-print-directory test-build
	$(if $(CI_PASSES),@$(MAKE) --no-print-directory SANITIZE=address$(comma)undefined test-build)
	@$(if $(CI_PASSES),HOTLINE_TEST_SANITIZED=build-address-undefined HOTLINE_TEST_VALGRIND=1) \
		tests/run.sh $(B)

# Builds what make test runs, in $(B).
test-build: all $(UNIT_BINS) $(INTEG_BINS)

unit: $(UNIT_BINS)
	@tests/run.sh $(B) unit

integration: all $(INTEG_BINS)
	@tests/run.sh $(B) integration

check-config: $(HOTLINED)
	$(HOTLINED) -n -f conf/hotlined.conf

# One run of protoc-c makes both files (a grouped target: never run twice).
$(PROTO_C) $(PROTO_H) &: proto/hotline.proto
	@mkdir -p $(B)/proto
	protoc-c --c_out=$(B)/proto -Iproto proto/hotline.proto

$(SCRIPTS_C): $(LUA) $(LUA_LIB) $(LUA_CONSTS) $(LUA_KEYS) scripts/embed-lua.sh
	@mkdir -p $(B)/gen
	scripts/embed-lua.sh -I $(dir $(LUA_CONSTS)) $(LUA) > $@.tmp && mv $@.tmp $@

# The scripts' constants (consts.lua) from the proto's descriptors and ticket.c's
# table, and their key builders (keys.lua) from daemon/keys.h.
$(B)/gen/gen-lua-consts: $(call obj,scripts/gen-lua-consts.c daemon/ticket.c \
	daemon/keys.c) $(B)/obj/proto/hotline.pb-c.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(shell pkg-config --libs libprotobuf-c)

$(LUA_CONSTS): $(B)/gen/gen-lua-consts
	@mkdir -p $(dir $@)
	$< > $@.tmp && mv $@.tmp $@

$(LUA_KEYS): $(B)/gen/gen-lua-consts
	@mkdir -p $(dir $@)
	$< keys > $@.tmp && mv $@.tmp $@

# Every object waits for the generated header.
$(B)/obj/%.o: %.c $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/obj/proto/hotline.pb-c.o: $(PROTO_C)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(WEB_C): $(WEB_FILES) scripts/embed-web.sh
	@mkdir -p $(B)/gen
	scripts/embed-web.sh $(WEB_FILES) > $@.tmp && mv $@.tmp $@

$(B)/obj/gen/web-files.o: $(WEB_C)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(SQL_C): $(SQL) scripts/embed-sql.sh
	@mkdir -p $(B)/gen
	scripts/embed-sql.sh $(SQL) > $@.tmp && mv $@.tmp $@

$(B)/obj/gen/sql.o: $(SQL_C)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/obj/gen/scripts.o: $(SCRIPTS_C)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBCORE): $(CORE_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/libhotlined.a: $(DAEMON_OBJS)
	rm -f $@ && ar rcs $@ $^

$(HOTLINED): $(B)/obj/daemon/main.o $(B)/libhotlined.a $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(LIBHOTLINE_A): $(CLIENT_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(LIBHOTLINE_SO): $(CLIENT_LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,libhotline.so.1 -o $@ $^ \
		$(shell pkg-config --libs libprotobuf-c openssl)

# hotlinectl: its own objects, the client library and the core (auth hashes), no libevent.
$(HOTLINECTL): $(CTL_OBJS) $(LIBHOTLINE_A) $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CORE_LIBS)

$(B)/include/hotline/hotline.h: client/hotline.h $(PROTO_H) proto/frame.h
	@mkdir -p $(dir $@)
	cp client/hotline.h $(PROTO_H) proto/frame.h $(dir $@)

$(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(B)/libhotlined.a $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA_LIBS)

$(UNIT_CORE_BINS): $(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CORE_LIBS) $(CMOCKA_LIBS)
# The layering test reads both archives with nm (tests/layering.py).
$(B)/tests/unit/test-layering: | $(B)/libhotlined.a tests/layering.py

# The client library's unit test links libhotline as well as the daemon's archive.
$(B)/tests/unit/test-client: $(LIBHOTLINE_A)
# hotlinectl's pure helpers are tested on their own objects.
$(B)/tests/unit/test-csv: $(B)/obj/client/csv.o
$(B)/tests/unit/test-ctl-stats: $(call obj,client/csv.c client/ctl-stats-format.c client/ctl-report-csv.c \
	client/ctl-i18n.c)
$(B)/tests/unit/test-ctl-i18n: $(call obj,client/ctl-i18n.c client/ctl-stats-format.c client/ctl-suggest.c)

$(B)/tests/integration/%: $(B)/obj/tests/integration/%.o $(HARNESS_OBJS) $(LIBHOTLINE_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA_LIBS)


# Installs the programs, library, headers, man pages, a systemd unit and a
# working configuration tree (the demo city's: edit it before real use). An
# existing configuration is never overwritten: each file is installed only
# where it is missing, and always as <name>.example beside it.
CONF_FILES = conf/hotlined.conf conf/catalogue.conf $(wildcard conf/seeds.tsv) conf/lexicon.txt
ETC = $(DESTDIR)$(SYSCONFDIR)/hotline

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR)/hotline $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(ETC)/calendar $(DESTDIR)$(PREFIX)/share/hotline \
		$(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 755 $(HOTLINED) $(DESTDIR)$(SBINDIR)/hotlined
	install -m 755 $(HOTLINECTL) $(DESTDIR)$(BINDIR)/hotlinectl
	install -m 644 $(LIBHOTLINE_A) $(DESTDIR)$(LIBDIR)/libhotline.a
	install -m 755 $(LIBHOTLINE_SO) $(DESTDIR)$(LIBDIR)/libhotline.so.1
	ln -sf libhotline.so.1 $(DESTDIR)$(LIBDIR)/libhotline.so
	install -m 644 $(B)/include/hotline/*.h $(DESTDIR)$(INCLUDEDIR)/hotline/
	install -m 644 proto/hotline.proto $(DESTDIR)$(PREFIX)/share/hotline/
	install -m 644 man/hotlinectl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/hotlined.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/hotlined.8 $(DESTDIR)$(MANDIR)/man8/
	@# The installed config talks to a system Redis on its default port
	@# (make run's private Redis uses 6390).
	sed 's/^\(  port = \)6390;.*/\16379;            # 1..65535: the system Redis/' \
		conf/hotlined.conf > $(ETC)/hotlined.conf.example
	chmod 640 $(ETC)/hotlined.conf.example
	@# A real install (no DESTDIR) lets the service's group read it, once the group exists.
	if [ -z "$(DESTDIR)" ] && getent group hotline >/dev/null; then \
		chgrp hotline $(ETC)/hotlined.conf.example; fi
	for f in $(filter-out conf/hotlined.conf,$(CONF_FILES)); do \
		install -m 644 $$f $(ETC)/$$(basename $$f).example || exit 1; done
	for f in $(notdir $(CONF_FILES)); do \
		[ -e $(ETC)/$$f ] || cp -p $(ETC)/$$f.example $(ETC)/$$f || exit 1; done
	for f in conf/calendar/*.json; do \
		[ -e $(ETC)/calendar/$$(basename $$f) ] || \
		install -m 644 $$f $(ETC)/calendar/ || exit 1; done
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		conf/systemd/hotlined.service.in > $(DESTDIR)$(SYSTEMDDIR)/hotlined.service
	chmod 644 $(DESTDIR)$(SYSTEMDDIR)/hotlined.service
	install -m 644 conf/systemd/hotline.sysusers $(DESTDIR)$(SYSUSERSDIR)/hotline.conf

clean:
	rm -rf build build-*

# Benchmarks and the classifier's evaluation keep their rules beside their sources.
-include tests/bench/bench.mk tests/bench/timers.mk tests/eval/eval.mk tests/eval/kb-eval.mk tests/fuzz/fuzz.mk

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
