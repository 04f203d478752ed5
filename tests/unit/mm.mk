# Hosted unit tests of the memory allocators (kernel/mm/).
# Fake physical memory comes from tests/unit/host/phys_mem.c; on the host
# libc provides memset/memcpy, so kernel/lib/string.c is not linked.
UNIT_TESTS += page_alloc slab

page_alloc_SRCS := kernel/mm/page_alloc.c \
		   tests/unit/host/klog_host.c tests/unit/host/phys_mem.c
slab_SRCS := kernel/mm/slab.c kernel/mm/page_alloc.c \
	     tests/unit/host/klog_host.c tests/unit/host/phys_mem.c

# Headers the generic rule does not know about.
$(BUILD)/unit/test_page_alloc $(BUILD)/unit/test_slab: \
	tests/unit/host/phys_mem.h tests/unit/host/host_panic.h
