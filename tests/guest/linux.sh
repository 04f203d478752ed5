#!/bin/bash
# linux.sh - the guest rootfs and tools/run-in-guest on Debian's Linux kernel
# (tools/fetch-linux): BusyBox, the guest programs of build/user/, and the
# rig itself (exit status, arguments, files, timeout, a guest that never
# reaches the command). One "PASS linux:NAME" / "FAIL linux:NAME: why" line
# per check, and "linux-usertests:NAME" for each test of usertests (quick and
# slow sets: -a; the slow set adds about 10 s).
#
# Part of tests/run-all (make test); alone: tests/guest/linux.sh
# Outputs and console logs: build/test-logs/guest/linux-*.
. "$(dirname "$0")/../lib.sh"
G=$LOGDIR/guest
mkdir -p "$G"
KERNEL=${LINUX_KERNEL:-linux}   # run-in-guest's name for Debian's kernel

# rig NAME TIMEOUT [run-in-guest options] -- CMD...: boots Linux, runs CMD.
# Output in $G/linux-NAME.out (console log .console, run-in-guest's messages
# .err); sets $status and $out.
rig() {
	local name=$1 timeout=$2
	shift 2
	out=$G/linux-$name.out
	"$TOP/tools/run-in-guest" --no-build --kernel "$KERNEL" --timeout "$timeout" \
		--log "$G/linux-$name.console" "$@" > "$out" 2> "$G/linux-$name.err"
	status=$?
}
# why: the status and the first line of run-in-guest's message, for a FAIL.
why() {
	local msg
	msg=$(head -1 "${out%.out}.err")
	echo "exit status $status${msg:+ ($msg)}; output in ${out#"$TOP"/}"
}
# expect NAME WANT-STATUS WANT-OUTPUT: the last rig's status and exact output.
expect() {
	local name=$1 want_status=$2 want=$3
	if [ "$status" = "$want_status" ] && [ "$(cat "$out"; echo x)" = "${want}x" ]; then
		pass "linux:$name"
	elif [ "$status" != "$want_status" ]; then
		fail "linux:$name" "wanted status $want_status, got $(why)"
	else
		fail "linux:$name" "unexpected output: $(head -c 200 "$out" | tr '\n' '|'); see ${out#"$TOP"/}"
	fi
}

# ---- the rootfs and the kernel --------------------------------------------------
if make -s -C "$TOP" guest > "$G/linux-build.log" 2>&1; then
	pass linux:build
else
	fail linux:build "make guest failed (see ${G#"$TOP"/}/linux-build.log); using what is there"
fi
if img=$("$TOP/tools/fetch-linux" --vmlinux 2> "$G/linux-fetch.log") && [ -f "$img" ]; then
	pass linux:kernel
	echo "info linux: $("$TOP/tools/fetch-linux" --version) ($img)" >&2
else
	fail linux:kernel "tools/fetch-linux failed: $(tail -1 "$G/linux-fetch.log")"
	exit 0
fi
[ -f "$TOP/build/guest.cpio" ] || { fail linux:rootfs "no build/guest.cpio"; exit 0; }

# ---- BusyBox ------------------------------------------------------------------------
rig busybox-pipeline 120 -- /bin/busybox sh -c 'seq 1 100000 | grep 7 | wc -l'
expect busybox-pipeline 0 "40951
"

rig busybox-script 120 -- sh -c '
	cd /tmp && for i in 3 1 2; do echo "line $i" >> f; done
	sort f | sed "s/line/L/" | tr "\n" " "; echo
	awk "{ s += \$2 } END { print \"sum\", s }" f
	[ -c /dev/null ] && grep -q "^proc /proc" /proc/mounts && echo mounts ok
	x=$(echo sub); echo "$x ${#x} $((6 * 7))"'
expect busybox-script 0 "L 1 L 2 L 3 
sum 6
mounts ok
sub 3 42
"

# ---- the rig itself -------------------------------------------------------------------
# Arguments reach the command unchanged; --file puts files in place; stdin
# is at end of file; output without a final newline stays so; status 3.
printf 'file one\n' > "$G/linux-rig-file.txt"
rig rig-contract 120 --file "$G/linux-rig-file.txt" --file "$G/linux-rig-file.txt:/etc/two" -- \
	sh -c 'cat linux-rig-file.txt /etc/two; cat; printf "[%s]" "$@"; exit 3' sh "a  b" "it's" '$x' ''
expect rig-contract 3 "file one
file one
[a  b][it's][\$x][]"

rig rig-timeout 15 -- sh -c 'echo started; sleep 1000'
expect rig-timeout 124 "started"

# A kernel that panics before /init (no such init): 125, quickly.
rig rig-no-init 60 --append "rdinit=/nonexistent init=/nonexistent" -- true
expect rig-no-init 125 ""

# ---- the guest programs of build/user/ --------------------------------------------------
for p in hello mtcount usertests; do
	[ -x "$TOP/build/user/$p" ] || echo "info linux: no build/user/$p; its checks are skipped" >&2
done

if [ -x "$TOP/build/user/hello" ]; then
	rig hello 120 -- hello
	expect hello 0 "hello, world
"
fi

if [ -x "$TOP/build/user/mtcount" ]; then
	rig mtcount 300 -- mtcount
	expect mtcount 0 "mtcount: 160000 (expected 160000)
"
fi

# usertests -a: one check per test. A test may print PASS in the
# first run and FAIL in the leak check's second run: it fails then.
if [ -x "$TOP/build/user/usertests" ]; then
	rig usertests 1200 -- usertests -a -T 4
	awk '
	/^(PASS|FAIL) [A-Za-z0-9_]+/ {
		name = $2; sub(/:$/, "", name)
		if (!(name in res)) order[n++] = name
		# the first FAIL line (of either run) is the reason
		if (!(name in res) || ($1 == "FAIL" && !(name in failed))) res[name] = $0
		if ($1 == "FAIL") failed[name] = 1
	}
	END {
		for (i = 0; i < n; i++) {
			line = res[order[i]]
			if (line ~ /^PASS/) print "PASS linux-usertests:" order[i]
			else { sub(/^FAIL [^:]*: ?/, "", line); print "FAIL linux-usertests:" order[i] ": " line }
		}
	}' "$out"
	if [ "$status" = 0 ] && grep -qE '^usertests: [0-9]+ passed, 0 failed' "$out"; then
		pass linux:usertests
	else
		fail linux:usertests "$(why)"
	fi
fi
exit 0
