# patch.mk - hosted tests of the patcher (synth/patch.c), with hand-made
# stencils and with the real ones tools/stencil generates from the templates.
UNIT_TESTS += patch
patch_SRCS := synth/patch.c
patch_HOST_CFLAGS := -Isynth -I$(BUILD)/gen
$(BUILD)/unit/test_patch: $(BUILD)/gen/stencils.h synth/stencil.h
