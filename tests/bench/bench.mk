# Benchmarks (make bench): the measuring programs of tests/bench and the driver tests/bench/run.sh.
# Every tests/bench/bench-*.c is one program; the other .c files there are linked into each.
# A program may use libhotline and the daemon's own code (build/libhotlined.a, build/libhotline-core.a) alike.

BENCH_SRCS = $(sort $(wildcard tests/bench/bench-*.c))
BENCH_BINS = $(patsubst tests/bench/%.c,$(B)/tests/bench/%,$(BENCH_SRCS))
BENCH_LIB_OBJS = $(call obj,$(filter-out $(BENCH_SRCS),$(sort $(wildcard tests/bench/*.c))))
# Programs the parts use; every other bench-<part>.c is a part: make bench-<part>.
# timers has its own driver, tests/bench/run-timers.sh (timers.mk): BullMQ beside it.
BENCH_HELPERS = limit port ready timers budget fairshare search hellostorm
BENCH_PARTS = $(filter-out $(BENCH_HELPERS),$(patsubst tests/bench/bench-%.c,%,$(BENCH_SRCS)))

.PHONY: bench bench-build bench-archive $(addprefix bench-,$(BENCH_PARTS))

bench-build: all $(BENCH_BINS)

bench: deps
	@$(MAKE) --no-print-directory bench-build
	@tests/bench/run.sh $(B)
	@tests/bench/run-timers.sh $(B)

# The archive (PostgreSQL): its own servers and driver; bench-search is its program.
bench-archive: deps
	@$(MAKE) --no-print-directory bench-build
	@tests/bench/run-archive.sh $(B)

$(addprefix bench-,$(BENCH_PARTS)): deps
	@$(MAKE) --no-print-directory bench-build
	@tests/bench/run.sh $(B) $(patsubst bench-%,%,$@)

$(B)/tests/bench/%: $(B)/obj/tests/bench/%.o $(BENCH_LIB_OBJS) $(LIBHOTLINE_A) \
    $(B)/libhotlined.a $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
