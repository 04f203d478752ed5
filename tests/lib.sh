# tests/lib.sh - helpers shared by the test scripts (source it).
#
# Every check prints exactly one line, "PASS suite:name" or
# "FAIL suite:name: why"; tests/run-all counts them. A failing check's
# QEMU output is kept in build/test-logs/ and its path is printed.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOGDIR=$TOP/build/test-logs
mkdir -p "$LOGDIR"

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# check NAME COND-DESCRIPTION COMMAND...: PASS if COMMAND succeeds.
check() {
	local name=$1 why=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

# boot LOG [qemu-run options...]: boots, output to LOG; sets $status.
boot() {
	local log=$1
	shift
	# The serial console ends lines with CR LF; logs keep LF only.
	"$TOP/tools/qemu-run" "$@" < "${BOOT_STDIN:-/dev/null}" 2>&1 | tr -d '\r' > "$log"
	status=${PIPESTATUS[0]}
}

# boot_typed LOG DELAY INPUT [qemu-run options...]: as boot, with the bytes
# of the file INPUT typed on the serial console DELAY seconds after start
# (after the kernel is up, as a person would type).
boot_typed() {
	local log=$1 delay=$2 input=$3
	shift 3
	{ sleep "$delay"; cat "$input"; sleep 2; } |
		"$TOP/tools/qemu-run" "$@" 2>&1 | tr -d '\r' > "$log"
	status=${PIPESTATUS[1]}
}

# has LOG REGEX: the log contains a line matching the extended regex.
has() { grep -qE -- "$2" "$1"; }

status_name() {
	case $1 in
	0) echo "clean power-off" ;; 35) echo "kernel reported failure (35)" ;;
	37) echo "kernel panic (37)" ;; 124) echo "timeout: the kernel hung (124)" ;;
	*) echo "QEMU exit status $1" ;;
	esac
}
