# make eval: the classifier's accuracy on tests/eval/set.tsv, for the catalogue
# alone and for the catalogue with naive Bayes under 5-fold cross-validation.
# EVAL_FLAGS passes options: -v lists every misrouted ticket, -H FILE also
# trains on the whole set and tests on the tickets of FILE, -w and -t change
# the blend weight and the model's temperature (see tests/eval/eval.c).

# daemon/normalize.c uses OpenCC (Traditional → Simplified). Until the main
# Makefile's PKGS lists opencc, link it here for every program.
ifeq ($(filter opencc,$(PKGS)),)
LIBS += $(shell pkg-config --libs opencc 2>/dev/null || echo -lopencc)
endif

EVAL = $(B)/tests/eval/eval

.PHONY: eval
eval: $(EVAL)
	@$(EVAL) $(EVAL_FLAGS) conf/hotlined.conf tests/eval/set.tsv

$(EVAL): $(B)/obj/tests/eval/eval.o $(B)/libhotlined.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
