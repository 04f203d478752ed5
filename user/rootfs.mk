# user/rootfs.mk - the guest root filesystem (included by the top Makefile).
#
#   make guest        build/guest-root/ and build/guest.cpio (tools/mkrootfs):
#                     BusyBox (Debian's busybox-static), every program in
#                     build/user/ as /bin/NAME, and /init (user/init/init).
#
# tools/run-in-guest boots build/guest.cpio with the command to run appended
# as a second cpio archive. Guest programs: the rootfs depends on
# $(USER_BINS) (user/user.mk's list, so `make guest` builds them first), on
# $(GUEST_PROGS) (more paths anyone may add) and on whatever else already is
# in build/user/. See docs/GUEST.md.

GUEST_ROOT := $(BUILD)/guest-root
GUEST_CPIO := $(BUILD)/guest.cpio
GUEST_PROGS ?=

.PHONY: guest
guest: $(GUEST_CPIO)

# Second expansion (enabled by the top Makefile before it includes us) lets
# user.mk, included after this file, still set USER_BINS.
$(GUEST_CPIO): tools/mkrootfs tools/mkinitrd user/rootfs.mk $(shell find user/init) \
		$(wildcard /bin/busybox) $$(USER_BINS) $$(GUEST_PROGS) $$(wildcard $(BUILD)/user/*)
	@tools/deps.sh run
	@mkdir -p $(@D)
	$(Q)tools/mkrootfs $(GUEST_ROOT) $@

# An interactive BusyBox shell in the guest (no command: /init starts a
# shell; `exit` powers off). GUEST_KERNEL=linux (default: Debian's, from
# tools/fetch-linux) or a kernel image such as build/synthos.elf.
GUEST_KERNEL ?= linux
.PHONY: guest-shell
guest-shell: $(GUEST_CPIO)
	@tools/deps.sh run
	@k='$(GUEST_KERNEL)'; extra=; \
	if [ "$$k" = linux ]; then k=$$(tools/fetch-linux --vmlinux) || exit 1; extra=panic=-1; fi; \
	echo "Guest shell on $$k. 'exit' powers off; Ctrl-A X quits QEMU."; \
	tools/qemu-run --interactive --timeout 0 --kernel "$$k" --initrd $(GUEST_CPIO) \
		--append "quiet loglevel=1 init=/init $$extra $(APPEND)"
