# queue.mk - hosted tests of the lock-free queues (include/synthos/queue.h),
# and `make bench-queues`, the comparison with DPDK, ck and liburcu.
#
# test_queue is built by the generic rule (ASan + UBSan). test_queue_tsan is
# the same source under ThreadSanitizer, which cannot be combined with ASan,
# so it has its own rule here (an explicit rule beats the pattern rule).
UNIT_TESTS += queue queue_tsan

queue_SRCS        :=
queue_HOST_CFLAGS := -pthread

QUEUE_TSAN_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
		     -fsanitize=thread -fno-omit-frame-pointer -pthread -DQUEUE_TSAN \
		     -Itests/unit/host/include -Iinclude -Itests/unit

$(BUILD)/unit/test_queue_tsan: tests/unit/test_queue.c tests/unit/ut_main.c \
		tests/unit/ut.h include/synthos/queue.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@ (TSan)"
	$(Q)$(HOST_CC) $(QUEUE_TSAN_CFLAGS) -o $@ tests/unit/test_queue.c tests/unit/ut_main.c

$(BUILD)/unit/test_queue: include/synthos/queue.h

# `make bench-queues` (see the file for what it measures).
include tools/bench-queues/bench-queues.mk
