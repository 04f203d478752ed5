# lib.mk - hosted unit tests for the portable kernel library (kernel/lib/).
#
# test_string #includes kernel/lib/string.c itself, under k_ names (see
# tests/unit/host/rename.h): listing it in string_SRCS would link a second,
# unrenamed copy that takes over libc's memcpy for the whole process. So it
# is only a prerequisite here, to rebuild the test when it changes.
UNIT_TESTS += string format cmdline cpio

string_SRCS  :=
format_SRCS  := kernel/lib/format.c
cmdline_SRCS := kernel/lib/cmdline.c
cpio_SRCS    := kernel/lib/cpio.c

# test_cmdline does the same to get the kernel's strlcpy (glibc 2.36 has none).
$(BUILD)/unit/test_string $(BUILD)/unit/test_cmdline: kernel/lib/string.c \
	tests/unit/host/rename.h
