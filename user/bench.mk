# user/bench.mk - the benchmark (included by the top Makefile, before
# rootfs.mk and user.mk: the compiler settings and the pattern rule for
# build/user/obj/%.o come from user.mk and are used only when rules run).
#
#   make bench     build the kernel, the guest rootfs with bench in it, fetch
#                  Debian's Linux, and run tools/bench: three kernels, results
#                  in build/bench/ (report.md, report.svg, results-*.txt)
#   make bench BENCH_ARGS=--check   twice, and compare the runs (within 1%)
#
# Programs: build/user/bench (user/bench/bench.c, static musl) and
# build/user/bench-true (user/bench/true.c, no libc: what exec_tiny_static
# execs). Both go into the guest rootfs as /bin/bench, /bin/bench-true
# through GUEST_PROGS (rootfs.mk keeps what is set before it).

BENCH_BINS := $(BUILD)/user/bench $(BUILD)/user/bench-true
GUEST_PROGS += $(BENCH_BINS)
BENCH_ARGS ?=

$(BUILD)/user/bench: $(BUILD)/user/obj/bench/bench.o
	@echo "  LD      $@"
	$(Q)$(USER_CC) -static -o $@ $< -lpthread

$(BUILD)/user/obj/bench/true.o: user/bench/true.c | $(BUILD)/user/.musl-ok
	@mkdir -p $(@D)
	@echo "  MUSLCC  $<"
	$(Q)$(USER_CC) -std=gnu11 -static -O2 -Wall -Wextra -Werror -fno-stack-protector -ffreestanding -c $< -o $@

$(BUILD)/user/bench-true: $(BUILD)/user/obj/bench/true.o
	@echo "  LD      $@"
	$(Q)$(USER_CC) -static -nostdlib -nostartfiles -o $@ $<

-include $(BUILD)/user/obj/bench/bench.d

bench:
	@tools/deps.sh run
	@$(MAKE) -s kernel guest
	@tools/bench --no-build $(BENCH_ARGS)
