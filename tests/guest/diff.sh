#!/bin/bash
# diff.sh - differential test: the same guest programs on Debian's Linux and
# on synthos, compared line by line. "PASS diff:NAME" when both kernels give
# the same output and exit status (for usertests: the same result line per
# test, "PASS name" or "FAIL name: reason"), "FAIL diff:NAME: why" otherwise.
#
# Until synthos runs /init this suite prints one FAIL (diff:synthos-init)
# and stops: every QEMU run has a timeout, nothing hangs.
#
# Environment:
#   DIFF_KERNEL      the kernel under test (default build/synthos.elf; any
#                    run-in-guest --kernel value: linux-vmlinuz compares
#                    Linux with itself, a check of this suite)
#   DIFF_USERTESTS   usertests' arguments (default "-a -T 4": quick and
#                    slow sets, timeouts x4 for TCG; the slow set adds only
#                    about 10 s on Linux)
#   DIFF_TIMEOUT     timeout of a usertests run in seconds (default 1200)
#   DIFF_SYNTHOFF    1 (default when testing build/synthos.elf): usertests
#                    also run on synthos with synth=off, as a third side,
#                    compared with Linux as "diff-synthoff:NAME" -- so the
#                    generic paths alone and the synthesized ones both give
#                    Linux's results
#   DIFF_SYNTHOFF_USERTESTS  its usertests arguments (default "-T 4": the
#                    quick set; the slow set's stress loops exercise the
#                    synthesizer, which synth=off does not run)
#
# Part of tests/run-all (make test); alone: tests/guest/diff.sh
# Outputs and console logs: build/test-logs/guest/diff-*.
. "$(dirname "$0")/../lib.sh"
G=$LOGDIR/guest
mkdir -p "$G"
KREF=linux
KTEST=${DIFF_KERNEL:-build/synthos.elf}
UTARGS=${DIFF_USERTESTS:--a -T 4}
UTTIMEOUT=${DIFF_TIMEOUT:-1200}

SYNTHOFF=${DIFF_SYNTHOFF:-}
[ -z "$SYNTHOFF" ] && [ "$KTEST" = build/synthos.elf ] && SYNTHOFF=1

# rig SIDE NAME TIMEOUT -- CMD...: SIDE is ref (Linux), test (synthos) or
# off (synthos with synth=off).
# Output in $G/diff-NAME.SIDE.out, exit status in .status, console log in
# .console, run-in-guest's messages in .err.
rig() {
	local side=$1 name=$2 timeout=$3 kernel
	shift 3
	local extra=()
	[ "$side" = ref ] && kernel=$KREF || kernel=$KTEST
	[ "$side" = off ] && extra=(--append synth=off)
	local base=$G/diff-$name.$side
	"$TOP/tools/run-in-guest" --no-build --kernel "$kernel" "${extra[@]}" --timeout "$timeout" \
		--log "$base.console" "$@" > "$base.out" 2> "$base.err"
	echo $? > "$base.status"
}
# both NAME TIMEOUT -- CMD...: the same command on both kernels, side by side
# (two QEMUs, one per core).
both() {
	rig ref "$@" &
	rig test "$@" &
	wait
}
# summary NAME SIDE: "status N" and run-in-guest's message, for a FAIL.
summary() {
	local base=$G/diff-$1.$2 msg
	msg=$(head -1 "$base.err" 2>/dev/null)
	echo "status $(cat "$base.status")${msg:+ ($msg)}"
}
# compare NAME [SIDE]: same exit status and output on Linux and on SIDE
# (test, the default, or off: then the check is diff-synthoff:NAME), else
# the first difference.
compare() {
	local name=$1 side=${2:-test}
	local ref=$G/diff-$1.ref test=$G/diff-$1.$side
	local rs ts
	local check=diff:$name
	[ "$side" = off ] && check=diff-synthoff:$name
	rs=$(cat "$ref.status") ts=$(cat "$test.status")
	# 124/125 with a message: run-in-guest got no answer from Linux.
	if { [ "$rs" = 124 ] || [ "$rs" = 125 ]; } && [ -s "$ref.err" ]; then
		fail "$check" "the Linux run failed: $(summary "$name" ref)"
		return 1
	fi
	if [ "$rs" = "$ts" ] && cmp -s "$ref.out" "$test.out"; then
		pass "$check"
		return 0
	elif [ "$rs" != "$ts" ]; then
		fail "$check" "exit status: Linux $rs, synthos $(summary "$name" "$side")"
	else
		local d
		d=$(diff "$ref.out" "$test.out" | grep -m2 '^[<>]' | sed 's/^</Linux:/; s/^>/synthos:/' | tr '\n' ' ')
		fail "$check" "output differs: ${d}(${ref#"$TOP"/}.out vs .$side.out)"
	fi
	return 1
}

# ---- build, then: does synthos run /init at all? ------------------------------------
targets=(guest)
[ "$KTEST" = build/synthos.elf ] && targets+=(kernel)
if ! make -s -C "$TOP" "${targets[@]}" > "$G/diff-build.log" 2>&1; then
	fail diff:build "make ${targets[*]} failed (see ${G#"$TOP"/}/diff-build.log); using what is there"
fi
[ -f "$TOP/build/guest.cpio" ] || { fail diff:rootfs "no build/guest.cpio"; exit 0; }

both init 120 -- sh -c 'echo init ok'
if [ "$(cat "$G/diff-init.ref.status")" != 0 ]; then
	fail diff:linux-init "Debian's Linux did not run the command: $(summary init ref)"
	exit 0
fi
if [ "$(cat "$G/diff-init.test.status")" != 0 ] || ! grep -qx 'init ok' "$G/diff-init.test.out"; then
	fail diff:synthos-init "$KTEST did not run a command from /init: $(summary init test); the other checks need it"
	exit 0
fi
pass diff:synthos-init

# ---- programs compared as a whole ------------------------------------------------------
both busybox-pipeline 300 -- /bin/busybox sh -c 'seq 1 100000 | grep 7 | wc -l'
compare busybox-pipeline

both busybox-script 300 -- sh -c '
	cd /tmp && for i in 3 1 2; do echo "line $i" >> f; done
	sort f | sed "s/line/L/" | tr "\n" " "; echo
	awk "{ s += \$2 } END { print \"sum\", s }" f
	ls -a /tmp; wc -c f; rm f; ls /tmp | wc -l
	x=$(echo sub); echo "$x ${#x} $((6 * 7))"
	(exit 5); echo "subshell $?"
	echo hi | { read -r y; echo "read $y"; }
	false || echo "or ok"; exit 9'
compare busybox-script

for p in hello mtcount echoargs; do
	[ -x "$TOP/build/user/$p" ] || echo "info diff: no build/user/$p; its check is skipped" >&2
done
if [ -x "$TOP/build/user/hello" ]; then
	both hello 120 -- hello
	compare hello
fi
if [ -x "$TOP/build/user/mtcount" ]; then
	both mtcount 300 -- mtcount
	compare mtcount
fi
if [ -x "$TOP/build/user/echoargs" ]; then
	both echoargs 120 -- echoargs one "two words" ''
	compare echoargs
fi

# ---- fdfuzz: the same seeded calls on all three -----------------------------------------
# user/fdfuzz.c (docs/TESTING.md): read, write, their vector and positional
# forms, lseek, dup2, close, fcntl, stores through a mapping, fork,
# threads... on /dev/null, /dev/zero, pipes and a memory file, with
# hostile buffers, counts and descriptors. Its output is a digest of every
# result, so synthos must answer every call as Linux does, with synthesized
# code (synth=on) and without. The synth=on run also says how many regions
# the synthesizer made and how many invalidations the calls raised: a fuzz
# that never reached synthesized code would prove nothing.
FUZZARGS=${DIFF_FDFUZZ:--n 20000 1 2 3 4 5 6}
if [ -x "$TOP/build/user/fdfuzz" ]; then
	# shellcheck disable=SC2086
	rig ref fdfuzz 900 -- fdfuzz $FUZZARGS &
	# shellcheck disable=SC2086
	rig test fdfuzz 900 -- fdfuzz -s $FUZZARGS &
	# shellcheck disable=SC2086
	[ "$SYNTHOFF" = 1 ] && rig off fdfuzz 900 -- fdfuzz $FUZZARGS &
	wait
	stats=$(grep -m1 '^fdfuzz: ' "$G/diff-fdfuzz.test.out")
	sed -i '/^fdfuzz: /d' "$G/diff-fdfuzz.test.out"
	read -r made inval < <(echo "$stats" | sed -n 's/^fdfuzz: \([0-9]*\) regions synthesized, \([0-9]*\) invalidations.*/\1 \2/p')
	if [ "$KTEST" != build/synthos.elf ]; then
		:       # another kernel: no synthesizer to count
	elif [ -n "$made" ] && [ "$made" -ge 1000 ] && [ "$inval" -ge 300 ]; then
		pass diff:fdfuzz-synthesized
	else
		fail diff:fdfuzz-synthesized "the fuzz should make >= 1000 regions and raise >= 300 invalidations; it said: ${stats:-nothing}"
	fi
	ok=1
	compare fdfuzz || ok=0
	if [ "$SYNTHOFF" = 1 ]; then compare fdfuzz off || ok=0; fi
	[ "$ok" = 1 ] || echo "info diff: the first call that differs: run 'fdfuzz -v -c 1' with the failing" \
		"checkpoint's seed on both sides (tools/run-in-guest [--kernel linux] -- fdfuzz ...) and diff" >&2
else
	echo "info diff: no build/user/fdfuzz; its checks are skipped" >&2
fi

# ---- usertests: one check per test -------------------------------------------------------
# results FILE: "PASS name" / "FAIL name: reason" per test, in order; a test
# that passed the first run and failed the leak check's second run fails.
results() {
	awk '
	/^(PASS|FAIL) [A-Za-z0-9_]+/ {
		name = $2; sub(/:$/, "", name)
		if (!(name in res)) order[n++] = name
		# the first FAIL line (of either run) is the reason
		if (!(name in res) || ($1 == "FAIL" && !(name in failed))) res[name] = $0
		if ($1 == "FAIL") failed[name] = 1
	}
	END { for (i = 0; i < n; i++) print order[i] "\t" res[order[i]] }' "$1"
}
# usertests_side SIDE PREFIX [subset]: one check per test of SIDE against
# Linux; with "subset", only the tests SIDE ran (a smaller set).
usertests_side() {
	local side=$1 prefix=$2 subset=${3:-} n r t rs ts line
	declare -A ref_res=() test_res=()
	local names=()
	while IFS=$'\t' read -r n line; do
		ref_res[$n]=$line
		[ -n "$subset" ] || names+=("$n")
	done < <(results "$G/diff-usertests.ref.out")
	while IFS=$'\t' read -r n line; do
		{ [ -n "$subset" ] || [ -z "${ref_res[$n]+x}" ]; } && names+=("$n")
		test_res[$n]=$line
	done < <(results "$G/diff-usertests.$side.out")
	[ ${#names[@]} -gt 0 ] || fail "$prefix:usertests" "no results: $(summary usertests ref), $(summary usertests "$side")"
	for n in "${names[@]}"; do
		r=${ref_res[$n]:-} t=${test_res[$n]:-}
		if [ -z "$t" ]; then
			fail "$prefix:$n" "no result on synthos (its run: $(summary usertests "$side"))"
		elif [ -z "$r" ]; then
			fail "$prefix:$n" "no result on Linux (its run: $(summary usertests ref))"
		elif [ "$r" = "$t" ]; then
			pass "$prefix:$n"
		else
			fail "$prefix:$n" "Linux: \"$r\", synthos: \"$t\""
		fi
	done
	rs=$(cat "$G/diff-usertests.ref.status") ts=$(cat "$G/diff-usertests.$side.status")
	if [ "$rs" = "$ts" ]; then
		pass "$prefix:usertests-status"
	else
		fail "$prefix:usertests-status" "Linux $rs, synthos $(summary usertests "$side")"
	fi
}
if [ -x "$TOP/build/user/usertests" ]; then
	# shellcheck disable=SC2086
	rig ref usertests "$UTTIMEOUT" -- usertests $UTARGS &
	# shellcheck disable=SC2086
	rig test usertests "$UTTIMEOUT" -- usertests $UTARGS &
	if [ "$SYNTHOFF" = 1 ]; then
		# shellcheck disable=SC2086
		rig off usertests "$UTTIMEOUT" -- usertests ${DIFF_SYNTHOFF_USERTESTS:--T 4} &
	fi
	wait
	usertests_side test diff
	[ "$SYNTHOFF" = 1 ] && usertests_side off diff-synthoff subset
fi
exit 0
