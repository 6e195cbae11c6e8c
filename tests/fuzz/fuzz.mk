# libFuzzer targets (make fuzz): every tests/fuzz/fuzz-<name>.c is one target, run for a bounded time.
# Built with clang into build-fuzz/, apart from build/: ASan, UBSan and libFuzzer's coverage.
# make fuzz                   builds every target and runs each FUZZ_SECONDS (default 60)
# make fuzz FUZZ_SECONDS=10   shorter, as CI may run it
# make fuzz-build             builds only; make fuzz-seeds rewrites the generated seeds
# make fuzz-<name>            runs one target (FUZZ_SECONDS too)
# A target that finds a crash, a leak or a failed check makes `make fuzz` fail; the input is
# kept as build-fuzz/crashes/<name>-crash-<sha1> (see tests/fuzz/README.md to reproduce).

# Included once, whether from the top Makefile or with -f on the command line.
ifndef FUZZ_MK
FUZZ_MK := 1

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 25
FUZZ_FLAGS ?=
FZ = build-fuzz

FUZZ_NAMES = $(patsubst tests/fuzz/fuzz-%.c,%,$(sort $(wildcard tests/fuzz/fuzz-*.c)))
FUZZ_BINS = $(addprefix $(FZ)/fuzz-,$(FUZZ_NAMES))
FUZZ_SAN = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
	-MMD -MP -I$(FZ)/proto -Iproto -Idaemon -Iclient -Itests/fuzz $(PKG_CFLAGS)
# The daemon's code as it is; the harnesses' own code must also be warning-free.
FUZZ_DAEMON_WARN = $(filter-out -Werror,$(WARNINGS))
FUZZ_TEST_WARN = $(WARNINGS)

FUZZ_PROTO_C = $(FZ)/proto/hotline.pb-c.c
FUZZ_PROTO_H = $(FZ)/proto/hotline.pb-c.h
# The daemon without main (the loop), store (Redis) and server (sockets): doubles stand in.
FUZZ_DAEMON_SRCS = $(filter-out daemon/main.c daemon/store.c daemon/server.c, \
	$(sort $(wildcard daemon/*.c))) proto/frame.c
FUZZ_DAEMON_OBJS = $(patsubst %.c,$(FZ)/obj/%.o,$(FUZZ_DAEMON_SRCS)) \
	$(FZ)/obj/proto/hotline.pb-c.o
FUZZ_LIB = $(FZ)/libhotlined-fuzz.a
FUZZ_COMMON = $(FZ)/obj/tests/fuzz/common.o
FUZZ_DOUBLES = $(FZ)/obj/tests/fuzz/store-double.o $(FZ)/obj/tests/fuzz/server-double.o

.PHONY: fuzz fuzz-build fuzz-clang fuzz-seeds $(addprefix fuzz-,$(FUZZ_NAMES))

# Installs Debian's clang and its sanitizer runtimes when missing (as make test
# installs its packages), then stops with what to do if they still do not work.
fuzz-clang:
	@scripts/deps.sh clang libclang-rt-14-dev
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "fuzz: $(FUZZ_CC) not" \
	    "found: apt-get install -y clang libclang-rt-14-dev" \
	    "(or FUZZ_CC=clang-NN)" >&2; exit 1; }
	@echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' | \
	    $(FUZZ_CC) -x c -fsanitize=fuzzer,address,undefined -o /dev/null - \
	    2>/dev/null || { echo "fuzz: $(FUZZ_CC) cannot link" \
	    "-fsanitize=fuzzer,address,undefined: apt-get install -y" \
	    "libclang-rt-14-dev (the runtime of your clang's version)" >&2; exit 1; }

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@$(call fuzz_run,$(FUZZ_NAMES))

$(addprefix fuzz-,$(FUZZ_NAMES)): fuzz-build
	@$(call fuzz_run,$(patsubst fuzz-%,%,$@))

# Runs the targets $(1), each FUZZ_SECONDS, new inputs kept in build-fuzz/corpus/<name>
# beside the seeds; prints runs and exec/s; fails at the end if any target failed.
# -close_fd_mask=2 silences the daemon's log on stderr; libFuzzer's reports still show.
define fuzz_run
	failed=""; mkdir -p $(FZ)/crashes $(FZ)/logs; \
	for t in $(1); do \
		mkdir -p $(FZ)/corpus/$$t; \
		dict=""; [ ! -f tests/fuzz/$$t.dict ] || dict=-dict=tests/fuzz/$$t.dict; \
		log=$(FZ)/logs/$$t.log; \
		if $(FZ)/fuzz-$$t $$dict -max_total_time=$(FUZZ_SECONDS) \
		    -timeout=$(FUZZ_TIMEOUT) -print_final_stats=1 -close_fd_mask=2 \
		    -artifact_prefix=$(FZ)/crashes/$$t- $(FUZZ_FLAGS) \
		    $(FZ)/corpus/$$t tests/fuzz/corpus/$$t >$$log 2>&1; then \
			status=ok; \
		else \
			status=FAILED; failed="$$failed $$t"; tail -n 60 $$log; \
		fi; \
		runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
		rate=$$(sed -n 's/^stat::average_exec_per_sec: *//p' $$log); \
		echo "fuzz-$$t: $(FUZZ_SECONDS) s, $${runs:-?} runs," \
		    "$${rate:-?} exec/s, $$(ls $(FZ)/corpus/$$t | wc -l) inputs" \
		    "kept in $(FZ)/corpus/$$t: $$status (log: $$log)"; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "fuzz: FAILED:$$failed; inputs in $(FZ)/crashes/" >&2; exit 1; \
	fi
endef

# Rewrites the generated seeds (frames of every request kind) in tests/fuzz/corpus/.
fuzz-seeds: $(FZ)/fuzz-seeds
	mkdir -p tests/fuzz/corpus/frame tests/fuzz/corpus/dispatch
	$(FZ)/fuzz-seeds tests/fuzz/corpus

$(FUZZ_PROTO_C) $(FUZZ_PROTO_H): proto/hotline.proto
	@mkdir -p $(FZ)/proto
	protoc-c --c_out=$(FZ)/proto -Iproto proto/hotline.proto

$(FZ)/obj/tests/fuzz/%.o: tests/fuzz/%.c $(FUZZ_PROTO_H) | fuzz-clang
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_TEST_WARN) -DFUZZ_SRCDIR='"$(CURDIR)"' \
	    -c -o $@ $<

$(FZ)/obj/%.o: %.c $(FUZZ_PROTO_H) | fuzz-clang
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_DAEMON_WARN) -c -o $@ $<

$(FZ)/obj/proto/hotline.pb-c.o: $(FUZZ_PROTO_C) | fuzz-clang
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_DAEMON_OBJS)
	rm -f $@ && ar rcs $@ $^

$(FZ)/fuzz-%: $(FZ)/obj/tests/fuzz/fuzz-%.o $(FUZZ_COMMON) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -o $@ $(filter %.o,$^) $(FUZZ_LIB) $(LIBS)

# Dispatch runs the daemon's sessions: the store and the connections are doubles.
$(FZ)/fuzz-dispatch: $(FUZZ_DOUBLES)

# The seed writer is an ordinary program: libFuzzer's coverage runtime without its main.
$(FZ)/fuzz-seeds: $(FZ)/obj/tests/fuzz/seeds.o $(FUZZ_LIB)
	$(FUZZ_CC) -fsanitize=fuzzer-no-link,address,undefined -o $@ $^ $(LIBS)

-include $(shell find $(FZ)/obj -name '*.d' 2>/dev/null)

endif
