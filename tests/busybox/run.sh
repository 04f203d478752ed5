#!/bin/bash
# tests/busybox/run.sh - the BusyBox script suite.
#
#   tests/busybox/run.sh [--bless] [--kernel linux|synthos|synthos-off|both|all] [CASE...]
#
# Each case is tests/busybox/cases/NAME.sh (a BusyBox sh script) with its
# expected output (stdout and stderr together) in NAME.expected; a case must
# also exit 0. All cases run in ONE guest boot per kernel (tools/run-in-guest
# --file), on Debian's Linux 6.1 (the reference), on synthos and on synthos
# with synth=off (generic paths only), the QEMUs side by side (default: all
# three). Prints per case:
#   PASS busybox-linux:NAME | FAIL busybox-linux:NAME: why   (Linux vs .expected)
#   PASS busybox:NAME       | FAIL busybox:NAME: why         (synthos vs .expected
#                                                            and vs Linux)
#   PASS busybox-synthoff:NAME ...                            (the same, synth=off)
# --bless writes NAME.expected from Linux's output (for a new case; read
# it before committing). Outputs and console logs: build/test-logs/busybox/.
# Environment: BB_TIMEOUT (whole guest run, default 900 s), BB_CASE_TIMEOUT
# (per case, default 120 s).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
out=$LOGDIR/busybox
mkdir -p "$out"

bless= kernels="linux synthos synthos-off"
while [ $# -gt 0 ]; do
	case "$1" in
	--bless) bless=1; shift ;;
	--kernel) case "$2" in both) kernels="linux synthos" ;; all) kernels="linux synthos synthos-off" ;;
		  *) kernels=$2 ;; esac; shift 2 ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
	for f in "$here"/cases/*.sh; do cases+=("$(basename "$f" .sh)"); done
fi
for c in "${cases[@]}"; do
	[ -f "$here/cases/$c.sh" ] || { echo "run.sh: no case $c" >&2; exit 2; }
done

# Build once, before the two runs start side by side.
make -s -C "$TOP" kernel guest >&2 || { fail busybox:build "make kernel guest failed"; exit 1; }

# run KERNEL: one boot, all cases; then split into $out/KERNEL/NAME.{out,status}.
run() {
	local k=$1 d=$out/$1 kopt=(--kernel "$1")
	# synthos-off: the same kernel with synth=off (generic paths only)
	[ "$k" = synthos-off ] && kopt=(--kernel synthos --append synth=off)
	rm -rf "$d"; mkdir -p "$d"
	"$TOP/tools/run-in-guest" --no-build "${kopt[@]}" --timeout "${BB_TIMEOUT:-900}" \
		--log "$out/$k.console.log" \
		--file "$here/cases:bb" --file "$here/guest-run.sh:bb-run.sh" \
		-- env BB_CASE_TIMEOUT="${BB_CASE_TIMEOUT:-120}" sh /root/bb-run.sh /root/bb "${cases[@]}" \
		> "$out/$k.raw" 2> "$out/$k.stderr"
	echo $? > "$out/$k.rig-status"
	awk -v d="$d" '
		/^@@BB-BEGIN / { name = $2; f = d "/" name ".out"; printf "" > f; sep = ""; inside = 1; next }
		inside && /^@@BB-END / { close(f); print $3 > (d "/" name ".status"); close(d "/" name ".status"); inside = 0; next }
		inside && index($0, "@@BB-END ") {
			# output without a final newline: the marker shares its last line
			i = index($0, "@@BB-END "); printf "%s%s", sep, substr($0, 1, i - 1) > f; close(f)
			split(substr($0, i), a, " "); print a[3] > (d "/" name ".status"); close(d "/" name ".status")
			inside = 0; next
		}
		inside { printf "%s%s", sep, $0 > f; sep = "\n" }
		/^@@BB-DONE/ { print "done" > (d "/DONE") }
	' "$out/$k.raw"
	# Each line is printed with its newline deferred to the next one; the last
	# line before the marker is the one the guest added, so it is dropped.
	# Files of complete lines get their final newline back:
	local f
	for f in "$d"/*.out; do
		[ -e "$f" ] || continue
		[ -s "$f" ] && printf '\n' >> "$f"
	done
}

for k in $kernels; do run "$k" & done
wait

# first_diff A B: a short description of the first differing line.
first_diff() {
	diff "$1" "$2" | awk 'NR <= 3 { printf "%s%s", (NR > 1 ? " / " : ""), $0 }' | cut -c 1-200
}

# verdict SUITE KERNEL NAME [REFERENCE-KERNEL]
verdict() {
	local suite=$1 k=$2 c=$3 ref=${4:-} d=$out/$2 why=
	local o=$d/$c.out st exp=$here/cases/$c.expected
	if [ ! -f "$d/$c.status" ]; then
		if [ -f "$d/DONE" ]; then why="no result"
		else why="guest run ended before this case (run-in-guest status $(cat "$out/$k.rig-status"); see ${out#"$TOP"/}/$k.console.log)"
		fi
		fail "$suite:$c" "$why"; return
	fi
	st=$(cat "$d/$c.status")
	if [ "$st" = 143 ]; then why="exit status 143 (SIGTERM: the ${BB_CASE_TIMEOUT:-120} s case timeout?)"
	elif [ "$st" != 0 ]; then why="exit status $st"
	fi
	if [ -z "$why" ] && [ ! -f "$exp" ]; then why="no $c.expected (run.sh --bless $c)"; fi
	if [ -z "$why" ] && ! cmp -s "$o" "$exp"; then why="output differs from $c.expected: $(first_diff "$exp" "$o")"; fi
	if [ -n "$ref" ] && [ -f "$out/$ref/$c.out" ] && ! cmp -s "$o" "$out/$ref/$c.out"; then
		why="${why:+$why; }output differs from Linux's${why:+}"
		[ -z "${why%%output differs from Linux*}" ] && why="$why: $(first_diff "$out/$ref/$c.out" "$o")"
	fi
	if [ -z "$why" ]; then pass "$suite:$c"; else fail "$suite:$c" "$why"; fi
}

for c in "${cases[@]}"; do
	case " $kernels " in *" linux "*)
		if [ -n "$bless" ] && [ -f "$out/linux/$c.status" ]; then
			cp "$out/linux/$c.out" "$here/cases/$c.expected"
			echo "info busybox: blessed $c.expected (status $(cat "$out/linux/$c.status"))" >&2
		fi
		verdict busybox-linux linux "$c" ;;
	esac
done
ref=; case " $kernels " in *" linux "*) ref=linux ;; esac
case " $kernels " in *" synthos "*)
	for c in "${cases[@]}"; do verdict busybox synthos "$c" $ref; done ;;
esac
case " $kernels " in *" synthos-off "*)
	for c in "${cases[@]}"; do verdict busybox-synthoff synthos-off "$c" $ref; done ;;
esac
