# Timers beside BullMQ (make bench-timers): builds bench-timers and runs tests/bench/run-timers.sh.
# Included by the Makefile after bench.mk; bench-timers links like the other bench programs.

# bench.mk's pattern rule builds the program (bench-build); this adds its run.
.PHONY: bench-timers

bench-timers: deps
	@$(MAKE) --no-print-directory bench-build
	@tests/bench/run-timers.sh $(B)
