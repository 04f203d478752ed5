#!/bin/bash
# ktests.sh - boot synthos with ktest=all and report each in-kernel test,
# on QEMU's default CPU (qemu64) and on -cpu max (SMEP, SMAP, PCID, ...),
# and with more than 4 GiB of RAM (memory the boot page tables do not map).
# The first run uses -icount (deterministic time); the others follow the
# host's clock.
. "$(dirname "$0")/../lib.sh"

run_ktests() {
	local suite=$1
	shift
	local log=$LOGDIR/$suite.log
	boot "$log" --timeout 120 --initrd "$TOP/build/test-initrd.cpio" \
		--append "loglevel=6 ktest=all" "$@"
	local rel=${log#$TOP/}
	sed -n -e "s|^.*ktest: PASS \([A-Za-z0-9_]*\).*\$|PASS $suite:\1|p" \
	       -e "s|^.*ktest: FAIL \([A-Za-z0-9_]*\).*\$|FAIL $suite:\1: see $rel|p" "$log"
	if [ "$status" = 0 ] && has "$log" 'ktest: [0-9]+ passed, 0 failed'; then
		pass "$suite:run"
	else
		fail "$suite:run" "$(status_name "$status"); log in ${log#$TOP/}"
	fi
}

run_ktests kernel --icount
run_ktests kernel-cpu-max --cpu max
run_ktests kernel-5g --mem 5G
