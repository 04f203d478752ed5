# user/user.mk - guest programs: static musl binaries in build/user/<name>.
# Included by the top Makefile. The same binaries run on synthos and on
# Linux, so everything is built with musl-gcc -static (Debian: musl-tools,
# installed through tools/deps.sh when missing).
#
#   make userprogs                      all of them
#   make build/user/usertests           one of them
#   build/user/usertests -a             run the ABI tests natively (Linux host)
#
# usertests is built from user/usertests/*.c; every other program is one
# file user/<name>.c. USER_BINS lists the binaries (for the rootfs rules);
# usertests finds hello and echoargs in its own directory at run time.

USER_CC      := musl-gcc
USER_CFLAGS  := -std=gnu11 -static -O2 -Wall -Wextra -Werror -MMD -MP
USER_SINGLE  := mtcount hello echoargs synthstat fdfuzz
USER_PROGS   := usertests $(USER_SINGLE)
USER_BINS    := $(USER_PROGS:%=$(BUILD)/user/%)

USERTESTS_SRCS := $(sort $(wildcard user/usertests/*.c))
USERTESTS_OBJS := $(USERTESTS_SRCS:user/%.c=$(BUILD)/user/obj/%.o)

.PHONY: userprogs
userprogs: $(USER_BINS)

# musl-gcc missing: ask tools/deps.sh (group "build") for it, then insist.
$(BUILD)/user/.musl-ok:
	@mkdir -p $(@D)
	@command -v $(USER_CC) >/dev/null 2>&1 || tools/deps.sh build
	@command -v $(USER_CC) >/dev/null 2>&1 || { \
		echo "user.mk: $(USER_CC) not found; install Debian's musl-tools" >&2; exit 1; }
	@touch $@

$(BUILD)/user/obj/%.o: user/%.c | $(BUILD)/user/.musl-ok
	@mkdir -p $(@D)
	@echo "  MUSLCC  $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/user/usertests: $(USERTESTS_OBJS)
	@echo "  LD      $@"
	$(Q)$(USER_CC) -static -o $@ $(USERTESTS_OBJS)

$(USER_SINGLE:%=$(BUILD)/user/%): $(BUILD)/user/%: $(BUILD)/user/obj/%.o
	@echo "  LD      $@"
	$(Q)$(USER_CC) -static -o $@ $<

-include $(USERTESTS_OBJS:.o=.d) $(USER_SINGLE:%=$(BUILD)/user/obj/%.d)
