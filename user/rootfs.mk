# user/rootfs.mk - the guest root filesystem (included by the top Makefile).
#
#   make guest        build/guest-root/ and build/guest.cpio (tools/mkrootfs):
#                     BusyBox (Debian's busybox-static), every program in
#                     build/user/ as /bin/NAME, and /init (user/init/init).
#
# tools/run-in-guest boots build/guest.cpio with the command to run appended
# as a second cpio archive. Guest programs: the rootfs depends on
# $(GUEST_PROGS) (user.mk may add its programs' paths to it, so that
# `make guest` builds them first) and on whatever already is in build/user/.
# See docs/GUEST.md.

GUEST_ROOT := $(BUILD)/guest-root
GUEST_CPIO := $(BUILD)/guest.cpio
GUEST_PROGS ?=

.PHONY: guest
guest: $(GUEST_CPIO)

# Second expansion (enabled by the top Makefile before it includes us) lets
# user.mk, included after this file, still add to GUEST_PROGS.
$(GUEST_CPIO): tools/mkrootfs tools/mkinitrd user/rootfs.mk $(shell find user/init) \
		$(wildcard /bin/busybox) $$(GUEST_PROGS) $$(wildcard $(BUILD)/user/*)
	@mkdir -p $(@D)
	$(Q)tools/mkrootfs $(GUEST_ROOT) $@
