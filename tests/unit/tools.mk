# tools.mk - hosted tests of the kernel's symbol lookup and of tools/gensyms.
UNIT_TESTS += ksyms
ksyms_SRCS := kernel/ksyms.c
ksyms_HOST_CFLAGS := -DKSYMS_HOSTED
$(BUILD)/unit/test_ksyms: tools/gensyms tests/data/gensyms.golden $(BUILD)/tools/stencil tests/data/stencil/golden.S tests/data/stencil/bad_call.S
