#!/bin/sh
# guest-run.sh - runs inside the guest (tests/busybox/run.sh packs it with
# the cases): each case NAME.sh in a fresh directory under /tmp, stdin
# /dev/null, stdout and stderr together, at most $BB_CASE_TIMEOUT seconds
# (default 60). Prints, per case:
#   @@BB-BEGIN NAME
#   <output>
#   (a newline)@@BB-END NAME STATUS
# and @@BB-DONE at the end. Arguments: the cases directory, then optional
# case names (default: all).
dir=${1:-/root/bb}
shift
[ $# -gt 0 ] || set -- $(cd "$dir" && ls *.sh | sed 's/\.sh$//')
for name in "$@"; do
	w=/tmp/bb.$name
	rm -rf "$w"; mkdir -p "$w"; cd "$w" || exit 1
	timeout "${BB_CASE_TIMEOUT:-120}" sh "$dir/$name.sh" > "/tmp/bb-out.$name" 2>&1 < /dev/null
	st=$?
	cd /
	echo "@@BB-BEGIN $name"
	cat "/tmp/bb-out.$name"
	printf '\n@@BB-END %s %d\n' "$name" "$st"
	rm -rf "$w" "/tmp/bb-out.$name"
done
echo "@@BB-DONE"
