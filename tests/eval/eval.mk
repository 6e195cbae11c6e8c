# make eval: routing quality on the old set (tests/eval/set.tsv) and on the
# hard set: top-1, top-3, auto-dispatch precision and coverage at the
# precision target, ECE, the day-one model (trained on the seeds alone,
# calibrated on the seed file's samples held out by group) on the same
# tickets, the worst departments, emergencies, time per classification and
# the stability check (tests/eval/eval.c).
#
# Variables (the lead points them at the held-out part after merge):
#   EVAL_SET    the old set, evaluated by 5-fold cross-validation
#   EVAL_DEV    the hard set's tuning part: cross-validated on its own, and
#               the training data ("imported history") for EVAL_HELD
#   EVAL_HELD   the hard set's held-out part, evaluated by a model trained
#               on the seeds and EVAL_DEV; skipped when the file is absent
#   EVAL_SEEDS  seed examples (department, category, title, content)
#   EVAL_FLAGS  more options: -v lists every miss (and every emergency
#               missed or flagged wrongly), -p the precision target, -E the
#               emergencies alone (no model: seconds)
EVAL_SET ?= tests/eval/set.tsv
EVAL_DEV ?= $(wildcard tests/eval/hard/dev.tsv)
EVAL_HELD ?= tests/eval/hard/heldout.tsv
EVAL_SEEDS ?= $(wildcard conf/seeds.tsv)
EVAL_CONF ?= conf/hotlined.conf

EVAL = $(B)/tests/eval/eval

.PHONY: eval
eval: $(EVAL)
	@$(EVAL) $(EVAL_FLAGS) $(if $(EVAL_SEEDS),-S $(EVAL_SEEDS)) $(EVAL_CONF) $(EVAL_SET)
	@$(if $(EVAL_DEV),$(EVAL) $(EVAL_FLAGS) $(if $(EVAL_SEEDS),-S $(EVAL_SEEDS)) $(EVAL_CONF) $(EVAL_DEV),echo "no hard set's dev part (EVAL_DEV): skipped")
	@$(if $(and $(EVAL_DEV),$(wildcard $(EVAL_HELD))),$(EVAL) $(EVAL_FLAGS) $(if $(EVAL_SEEDS),-S $(EVAL_SEEDS)) -T $(EVAL_DEV) $(EVAL_CONF) $(EVAL_HELD),echo "no held-out part ($(EVAL_HELD)) or no dev part: skipped")

$(EVAL): $(B)/obj/tests/eval/eval.o $(B)/libhotlined.a $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
