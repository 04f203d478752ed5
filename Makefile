# synthos build. `make` builds build/synthos.elf; see README.md for the rest.
#
# Layout of the build: kernel objects in build/k/, hosted unit tests in
# build/unit/. The image is linked twice: the second link embeds the symbol
# table (tools/gensyms) that the panic backtrace uses. The symbol table sits
# after .text, so text addresses cannot move between the two links; the
# build checks that they did not.

ifeq ($(V),1)
Q :=
else
Q := @
endif

ARCH      := x86_64
BUILD     := build
CC        := gcc
LD        := ld
OBJCOPY   := objcopy
NM        := nm

KINC      := -Iinclude -Iarch/$(ARCH)/include
KCFLAGS   := -std=gnu11 -O2 -g -ffreestanding -nostdinc \
	     -isystem $(shell $(CC) -print-file-name=include) \
	     -mno-red-zone -mgeneral-regs-only -mcmodel=kernel -fno-pic -fno-pie \
	     -fno-stack-protector -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	     -fno-asynchronous-unwind-tables -fno-strict-aliasing -fcf-protection=none \
	     -fno-common -Wall -Wextra -Werror -Wno-unused-parameter $(KINC) -MMD -MP
KASFLAGS  := -g -D__ASSEMBLY__ $(KINC) -MMD -MP
KLDFLAGS  := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	     --no-warn-rwx-segments -T arch/$(ARCH)/linker.ld

KSRC_C    := $(sort $(wildcard kernel/*.c kernel/*/*.c arch/$(ARCH)/*.c synth/*.c))
KSRC_S    := $(sort $(wildcard arch/$(ARCH)/*.S))
KOBJS     := $(KSRC_C:%.c=$(BUILD)/k/%.o) $(KSRC_S:%.S=$(BUILD)/k/%.o) \
	     $(BUILD)/k/gen/syscall_table.o

.PHONY: all kernel unit test run debug iso bench clean deps initrds
all: kernel

# Install missing Debian packages (tools/deps.sh; quiet when all present).
deps:
	@tools/deps.sh run test iso debug

kernel: $(BUILD)/synthos.elf

$(BUILD)/k/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.o: %.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# Pass 1: no symbols. Pass 2: the symbols of pass 1 embedded.
$(BUILD)/synthos.pass1.elf: $(KOBJS) $(BUILD)/k/ksyms-empty.o arch/$(ARCH)/linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/k/ksyms-empty.o

$(BUILD)/k/ksyms-empty.S: tools/gensyms
	@mkdir -p $(@D)
	$(Q)tools/gensyms < /dev/null > $@

$(BUILD)/k/ksyms.S: $(BUILD)/synthos.pass1.elf tools/gensyms
	@echo "  SYMS    $@"
	$(Q)$(NM) -n --defined-only $< | tools/gensyms > $@

$(BUILD)/k/ksyms.o $(BUILD)/k/ksyms-empty.o: %.o: %.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/synthos.elf: $(BUILD)/synthos.pass1.elf $(BUILD)/k/ksyms.o
	@echo "  LD      $@"
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/k/ksyms.o
	$(Q)tools/check-image $(BUILD)/synthos.pass1.elf $@

# ---- synthesis templates -> stencils (docs/SYNTHESIS.md) --------------------
# Templates are compiled like the kernel but with -mcmodel=large (64-bit
# immediates for holes), no jump tables and nothing but .text; tools/stencil
# turns their relocations into holes in build/gen/stencils.h.
TEMPLATES := $(sort $(wildcard synth/templates/*.c))
TEMPLATES_S := $(sort $(wildcard synth/templates/*.S))
TOBJS     := $(TEMPLATES:synth/templates/%.c=$(BUILD)/synth/%.o) \
	     $(TEMPLATES_S:synth/templates/%.S=$(BUILD)/synth/%.o)
TCFLAGS   := $(filter-out -mcmodel=kernel,$(KCFLAGS)) -mcmodel=large \
	     -fno-jump-tables -fno-optimize-sibling-calls -Isynth/templates

# Fast bodies (fastc_*.c) run with the user's R8-R11 live (fast_frame.S
# does not save them) and may be abandoned at a faulting user access
# (synth_fast_abort drops their stack, so nothing they saved would be
# restored): the compiler may use only RAX, RCX, RDX, RSI and RDI.
TFASTFLAGS := -fomit-frame-pointer -ffixed-r8 -ffixed-r9 -ffixed-r10 -ffixed-r11 \
	      -ffixed-rbx -ffixed-rbp -ffixed-r12 -ffixed-r13 -ffixed-r14 -ffixed-r15

$(BUILD)/synth/%.o: synth/templates/%.c synth/templates/template.h Makefile
	@mkdir -p $(@D)
	@echo "  CC      $< (template)"
	$(Q)$(CC) $(TCFLAGS) $(if $(filter fastc_%,$(notdir $<)),$(TFASTFLAGS)) -c $< -o $@

$(BUILD)/synth/%.o: synth/templates/%.S synth/templates/leaf.inc
	@mkdir -p $(@D)
	@echo "  AS      $< (template)"
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/tools/stencil: tools/stencil.c
	@tools/deps.sh build
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -O2 -Wall -Wextra -Werror -o $@ $< -lelf

$(BUILD)/gen/stencils.h: $(BUILD)/tools/stencil $(TOBJS)
	@mkdir -p $(@D)
	@echo "  STENCIL $@"
	$(Q)$(BUILD)/tools/stencil $@ $(TOBJS)

$(BUILD)/k/synth/synth.o $(BUILD)/k/synth/code_cache.o: $(BUILD)/gen/stencils.h
# Templates depend on the headers they include (arch/percpu.h's offsets...).
-include $(TOBJS:.o=.d)
$(BUILD)/k/synth/%.o: KCFLAGS += -Isynth -I$(BUILD)/gen

# The syscall dispatch and name tables come from the data file.
$(BUILD)/gen/syscall_table.c: kernel/syscalls.tbl tools/gensyscalls
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)tools/gensyscalls $< > $@

$(BUILD)/k/gen/syscall_table.o: $(BUILD)/gen/syscall_table.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

-include $(KOBJS:.o=.d)

# ---- hosted unit tests (ASan + UBSan) --------------------------------------
# Each tests/unit/*.mk adds names to UNIT_TESTS and sets <name>_SRCS (the
# kernel sources under test) and optionally <name>_HOST_CFLAGS.
HOST_CC     := gcc
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	       -fsanitize=address,undefined -fno-sanitize-recover=all \
	       -fno-omit-frame-pointer -Itests/unit/host/include -Iinclude -Itests/unit
UNIT_TESTS  :=
include $(sort $(wildcard tests/unit/*.mk))

.SECONDEXPANSION:
$(BUILD)/unit/test_%: tests/unit/test_%.c tests/unit/ut_main.c tests/unit/ut.h $$($$*_SRCS) $$(wildcard include/synthos/*.h tests/unit/host/include/arch/*.h)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $($*_HOST_CFLAGS) -o $@ tests/unit/test_$*.c tests/unit/ut_main.c $($*_SRCS)

unit: $(UNIT_TESTS:%=$(BUILD)/unit/test_%)
	@fail=0; for t in $^; do $$t || fail=1; done; exit $$fail

# Guest programs (user/user.mk) and root filesystems (user/rootfs.mk).
-include $(sort $(wildcard user/*.mk))

# ---- initrds ------------------------------------------------------------------
# build/guest.cpio (user/rootfs.mk): what `make run` boots -- BusyBox, the
# project's guest programs and /init.
# build/test-initrd.cpio: the known tree tests/data/initrd that the tests check.
$(BUILD)/test-initrd.cpio: $(shell find tests/data/initrd) tools/mkinitrd
	@mkdir -p $(@D)
	$(Q)tools/mkinitrd tests/data/initrd $@

initrds: $(BUILD)/test-initrd.cpio

# ---- run, test, debug, iso -----------------------------------------------------
APPEND ?=
run:
	@tools/deps.sh run
	@$(MAKE) -s kernel guest
	@echo "Booting synthos in QEMU (TCG) into a BusyBox shell. 'poweroff' or 'exit' powers off; Ctrl-A X quits QEMU."
	@tools/qemu-run --interactive --timeout 0 --initrd $(BUILD)/guest.cpio --append "init=/init $(APPEND)"

test:
	@tools/deps.sh run test iso
	@$(MAKE) -s kernel initrds guest
	@tests/run-all

debug:
	@tools/deps.sh run debug
	@$(MAKE) -s kernel guest
	@echo "QEMU waits for gdb on localhost:1234. In another terminal: gdb -x tools/gdbinit"
	@tools/qemu-run --interactive --timeout 0 --gdb --initrd $(BUILD)/guest.cpio --append "init=/init $(APPEND)"

# A GRUB (multiboot2) rescue image: BIOS boot from CD/USB or `qemu -cdrom`.
ISO ?= $(BUILD)/synthos.iso
ISO_APPEND ?=
ISO_INITRD ?= $(BUILD)/guest.cpio
iso: kernel $(ISO_INITRD)
	@tools/deps.sh iso
	$(Q)tools/mkiso $(BUILD)/synthos.elf $(ISO_INITRD) "$(ISO_APPEND)" $(ISO)
	@echo "  ISO     $(ISO)"

clean:
	rm -rf $(BUILD)
