# make eval-kb (and make eval): the knowledge base's search on its evaluation
# questions (tests/eval/kb/README.md), through hotlined and a private
# PostgreSQL: top-1, top-3, and how often a question no article answers still
# gets a top hit above the "no good match" cut (tests/eval/kb-eval.c).
#   KB_EVAL_SETS   the sets asked (dev: tuning; heldout: FROZEN, reported only)
#   KB_EVAL_FLAGS  -v lists every miss
KB_EVAL_ARTICLES ?= conf/kb/articles.json
KB_EVAL_SETS ?= tests/eval/kb/dev.tsv tests/eval/kb/dev-long.tsv tests/eval/kb/heldout.tsv

KB_EVAL = $(B)/tests/eval/kb-eval

.PHONY: eval-kb
eval: eval-kb
eval-kb: all $(KB_EVAL)
	@$(KB_EVAL) $(KB_EVAL_FLAGS) $(KB_EVAL_ARTICLES) $(KB_EVAL_SETS)

$(KB_EVAL): $(B)/obj/tests/eval/kb-eval.o $(B)/obj/tests/eval/kb-load.o \
    $(HARNESS_OBJS) $(LIBHOTLINE_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA_LIBS)

# make bench-kb (and make bench): kb search latency over BENCH_KB_ARTICLES articles (default
# 20,000) made from the demo ones, the dev questions as queries: the SQL before and now side by
# side, through hotlined, and classify without and with suggestions (tests/bench/kb/bench-kb.c).
BENCH_KB_ARTICLES ?= 20000
BENCH_KB = $(B)/tests/bench/kb/bench-kb

.PHONY: bench-kb
bench: bench-kb
bench-kb: all $(BENCH_KB)
	@$(BENCH_KB) $(KB_EVAL_ARTICLES) tests/eval/kb/dev.tsv $(BENCH_KB_ARTICLES)

$(BENCH_KB): $(B)/obj/tests/bench/kb/bench-kb.o $(B)/obj/tests/eval/kb-load.o \
    $(B)/obj/daemon/kb-sql.o $(HARNESS_OBJS) $(LIBHOTLINE_A) $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(CMOCKA_LIBS)
