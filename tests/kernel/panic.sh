#!/bin/bash
# panic.sh - the deliberately crashing self-tests must produce a full panic
# report (cause, registers, symbolized backtrace) and end QEMU with the
# panic status, not hang. This checks the harness's failure path itself.
. "$(dirname "$0")/../lib.sh"

# crash NAME EXPECTED-REGEX...: boots ktest=NAME and checks the report.
crash() {
	local test=$1
	shift
	local name=panic:$test log=$LOGDIR/panic-$test.log
	boot "$log" --timeout 60 --append "ktest=$test"
	if [ "$status" != 37 ]; then
		fail "$name" "expected a panic (37), got $(status_name "$status"); log in ${log#$TOP/}"
		return
	fi
	local re
	for re in 'KERNEL PANIC' '\] RIP: |\] RSP: ' 'Backtrace:' \
		  '\[<ffffffff8[0-9a-f]+>\] [a-z_]+\+0x[0-9a-f]+/0x[0-9a-f]+' \
		  'ktest_run\+0x' 'end of panic report' "$@"; do
		if ! has "$log" "$re"; then
			fail "$name" "report lacks /$re/; log in ${log#$TOP/}"
			return
		fi
	done
	pass "$name"
}

crash panic_null_deref 'page fault \(#PF\)' 'CR2\): 0x0+$|NULL pointer' \
	'RIP: 0010:[0-9a-f]+ ktest_fn_panic_null_deref\+' 'RAX: [0-9a-f]{16} RBX:'
crash panic_explicit 'PANIC: deliberate panic from a self-test \(value 7\)' \
	'\] ktest_fn_panic_explicit\+'
crash panic_invalid_opcode 'invalid opcode \(#UD\)' 'RIP: 0010:[0-9a-f]+ ktest_fn_panic_invalid_opcode\+'
crash panic_stack_overflow 'double fault \(#DF\)' 'kernel stack overflow' 'recurse_forever[.a-z0-9]*\+'
crash panic_write_to_text 'page fault \(#PF\)' 'write to a page without permission'

# A failing self-test ends QEMU with the failure status (35), not success.
log=$LOGDIR/ktest-unknown.log
boot "$log" --timeout 60 --append "ktest=no_such_test"
check panic:unknown_test_fails "expected status 35, got $(status_name "$status")" \
	test "$status" = 35
