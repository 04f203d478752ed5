# pipe_fast.mk - the synthesized pipe bodies (synth/templates/fastc_pipe.c)
# run in host threads: test_pipe_fast under ASan + UBSan (the generic rule),
# test_pipe_fast_tsan under ThreadSanitizer (its own rule, as queue.mk's).
UNIT_TESTS += pipe_fast pipe_fast_tsan

pipe_fast_SRCS        :=
pipe_fast_HOST_CFLAGS := -pthread

PIPE_FAST_DEPS := synth/templates/fastc_pipe.c synth/templates/template.h include/synthos/pipe.h
$(BUILD)/unit/test_pipe_fast: $(PIPE_FAST_DEPS)

$(BUILD)/unit/test_pipe_fast_tsan: tests/unit/test_pipe_fast.c tests/unit/ut_main.c \
		tests/unit/ut.h $(PIPE_FAST_DEPS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@ (TSan)"
	$(Q)$(HOST_CC) $(QUEUE_TSAN_CFLAGS) -DPIPE_FAST_TSAN -o $@ tests/unit/test_pipe_fast.c tests/unit/ut_main.c
