# bench-queues.mk - `make bench-queues`: the synthos queues (queue.h) beside
# DPDK rte_ring, Concurrency Kit ck_ring and liburcu wfcqueue, on the host.
# See tools/bench-queues/bench_queues.c and docs/QUEUES.md.
#
# Included from tests/unit/queue.mk until the top Makefile includes
# tools/*/*.mk itself; then drop that line there.
BENCHQ_PKGS := dpdk-dev libck-dev liburcu-dev valgrind pkg-config

.PHONY: bench-queues
bench-queues:
	@tools/deps.sh benchq 2>/dev/null || { \
	  missing=; for p in $(BENCHQ_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	  done; \
	  if [ -n "$$missing" ]; then \
	    echo "bench-queues: needs the Debian packages:$$missing"; \
	    echo "  (tools/deps.sh has no 'benchq' group yet: apt-get install$$missing)"; \
	    exit 1; fi; }
	@$(MAKE) -s $(BUILD)/tools/bench_queues
	@$(BUILD)/tools/bench_queues $(BENCHQ_ARGS)

$(BUILD)/tools/bench_queues: tools/bench-queues/bench_queues.c include/synthos/queue.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -pthread \
		-Iinclude $$(pkg-config --cflags libdpdk liburcu) -o $@ $< \
		$$(pkg-config --libs liburcu) -lrte_ring -lrte_eal -lck
