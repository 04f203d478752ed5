#!/bin/bash
# tests/interactive/run.sh - the default system (what `make run` shows),
# driven through a real terminal: synthos boots build/guest.cpio under tmux
# (tools/qemu-run --interactive, the serial console on the pane's pty), and
# keys are typed with tmux send-keys and the screen read with capture-pane.
#
#   tests/interactive/run.sh [--kernel IMAGE|linux]   (default build/synthos.elf)
#
# Checks (one "PASS interactive:NAME" / "FAIL interactive:NAME: why" each):
#   boot_prompt     the welcome and a shell prompt within 60 s
#   backspace_edit  "ech0<BS>o ..." runs as echo
#   history_up      Up recalls the last command, Enter runs it again
#   ctrl_c          Ctrl-C ends `sleep 30`; the prompt is back within 1 s
#                   (CTRL_C_LIMIT=S changes the limit; make test allows 2 s
#                   of wall time, which includes tmux polling and host load)
#                   (wall time, polled every 0.05 s)
#   ctrl_z_stops    Ctrl-Z stops `sleep 40`: "Stopped", and `jobs` lists it
#   fg_resumes      `fg` continues it in the foreground; Ctrl-C ends it
#   bg_jobs_kill    `sleep 100 &`, `jobs` shows it Running, `kill %1` ends it
#   top             `top -n 2 -d 1` shows the process list (PID header, init)
#   poweroff        `poweroff` ends QEMU with status 0
# With --kernel linux (Debian's, tools/fetch-linux) the same checks are
# "interactive-linux:NAME" (a check of the test itself).
# Every wait has a timeout; QEMU has one (300 s); the tmux session is
# killed at the end whatever happens. Logs: build/test-logs/interactive/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
out=$LOGDIR/interactive
mkdir -p "$out"

kernel=$TOP/build/synthos.elf suite=interactive extra=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
if [ "$kernel" = linux ]; then
	kernel=$("$TOP/tools/fetch-linux" --vmlinux) || { fail interactive-linux:setup "no Linux kernel (tools/fetch-linux)"; exit 1; }
	suite=interactive-linux extra="quiet loglevel=1 panic=-1"
	mkopts=(guest)
else
	mkopts=(kernel guest)
fi
command -v tmux > /dev/null || { fail $suite:setup "tmux is not installed"; exit 1; }
make -s -C "$TOP" "${mkopts[@]}" >&2 || { fail $suite:setup "make ${mkopts[*]} failed"; exit 1; }

sess=synthos-interactive-$$
statusf=$out/$suite.qemu-status
screen=$out/$suite.screen.txt
rm -f "$statusf"
cleanup() {
	tmux capture-pane -p -J -S - -t "$sess" > "$screen" 2>/dev/null
	tmux kill-session -t "$sess" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmux new-session -d -s "$sess" -x 160 -y 50 \
	"cd '$TOP' && tools/qemu-run --interactive --timeout 300 --kernel '$kernel' \
	 --initrd build/guest.cpio --append 'init=/init $extra'; echo \$? > '$statusf'; sleep 600" ||
	{ fail $suite:setup "tmux new-session failed"; exit 1; }
tmux set-option -t "$sess" history-limit 20000 > /dev/null

# The whole pane (history and screen), lines joined, trailing blanks dropped.
pane() { tmux capture-pane -p -J -S - -t "$sess" 2>/dev/null | sed 's/[[:space:]]*$//'; }
# The last non-empty line of the pane.
last_line() { pane | awk 'NF { l = $0 } END { print l }'; }
# type TEXT: literal keys; key NAME...: tmux key names (Enter, BSpace, Up, C-c).
typein() { tmux send-keys -t "$sess" -l -- "$1"; }
key() { tmux send-keys -t "$sess" "$@"; }
# wait_for REGEX SECONDS [COUNT]: until COUNT (default 1) pane lines match.
wait_for() {
	local re=$1 t=$2 n=${3:-1} i=0
	while [ $i -lt $((t * 20)) ]; do
		[ "$(pane | grep -cE -- "$re")" -ge "$n" ] && return 0
		sleep 0.05; i=$((i + 1))
	done
	return 1
}
prompt_re='^[^ ]* # ?$'
# wait_prompt SECONDS: the last line is a bare prompt.
wait_prompt() {
	local t=$1 i=0
	while [ $i -lt $((t * 20)) ]; do
		last_line | grep -qE -- "$prompt_re" && return 0
		sleep 0.05; i=$((i + 1))
	done
	return 1
}
# recover: get back to a prompt after a failed step.
recover() { key C-c; sleep 0.5; key Enter; wait_prompt 5; }
now() { date +%s.%N; }

# 1. Boot to the welcome and a prompt.
if wait_for 'Welcome to synthos' 60 && wait_prompt 30; then
	pass $suite:boot_prompt
else
	fail $suite:boot_prompt "no welcome and prompt within 90 s; last line: '$(last_line)'"
	echo "info $suite: screen in ${screen#"$TOP"/}" >&2
	exit 1
fi
sleep 0.5

# 2. A typo fixed with backspace.
typein 'ech0'; sleep 0.2; key BSpace; sleep 0.2; typein 'o typo-$((40+2))'; key Enter
check $suite:backspace_edit "'ech0<BS>o typo-\$((40+2))' did not print typo-42" \
	wait_for '^typo-42$' 10
wait_prompt 5

# 3. Up recalls it.
key Up; sleep 0.3; key Enter
check $suite:history_up "Up + Enter did not run the last command again" \
	wait_for '^typo-42$' 10 2
wait_prompt 5

# 4. Ctrl-C ends a foreground sleep; the prompt is back within a second.
typein 'sleep 30'; key Enter
wait_for '# sleep 30$' 5
sleep 1
t0=$(now); key C-c
if wait_prompt 5; then
	t1=$(now)
	dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	echo "info $suite: the prompt was back ${dt} s (wall) after Ctrl-C" >&2
	typein 'echo after-int-$((2+3))'; key Enter
	if ! wait_for '^after-int-5$' 5; then
		fail $suite:ctrl_c "prompt came back but the shell did not run the next command"
	elif awk -v d="$dt" -v l="${CTRL_C_LIMIT:-1.0}" 'BEGIN { exit !(d <= l) }'; then
		pass $suite:ctrl_c
	else
		fail $suite:ctrl_c "the prompt came back after ${dt} s (more than ${CTRL_C_LIMIT:-1.0} s)"
	fi
else
	fail $suite:ctrl_c "no prompt within 5 s of Ctrl-C (sleep 30 not interrupted); last line: '$(last_line)'"
	recover
fi
wait_prompt 5

# 5. Ctrl-Z stops a foreground job; jobs lists it; fg resumes it.
typein 'sleep 40'; key Enter
wait_for '# sleep 40$' 5
sleep 1
key C-z
if wait_for 'Stopped +sleep 40' 5 && wait_prompt 5; then
	typein 'jobs'; key Enter
	if wait_for '\[1\]\+ +Stopped +sleep 40' 5 2; then
		pass $suite:ctrl_z_stops
	else
		fail $suite:ctrl_z_stops "jobs does not list the stopped sleep"
	fi
	wait_prompt 5
	typein 'fg'; key Enter
	if wait_for '^sleep 40$' 5; then
		sleep 1
		# Still running in the foreground: no prompt yet.
		if last_line | grep -qE -- "$prompt_re"; then
			fail $suite:fg_resumes "fg returned at once (the job did not keep running)"
		else
			key C-c
			if wait_prompt 3; then
				typein 'echo fg-ok-$((3+4))'; key Enter
				check $suite:fg_resumes "no output after fg and Ctrl-C" wait_for '^fg-ok-7$' 5
			else
				fail $suite:fg_resumes "Ctrl-C did not end the resumed job"
				recover
			fi
		fi
	else
		fail $suite:fg_resumes "fg did not print the job's command"
		recover
	fi
else
	fail $suite:ctrl_z_stops "Ctrl-Z did not stop sleep 40 (no 'Stopped' line and prompt within 5 s)"
	fail $suite:fg_resumes "not tried: Ctrl-Z failed"
	recover
fi
wait_prompt 5

# 6. A background job: jobs, kill %1.
typein 'sleep 100 &'; key Enter
# (ash, unlike bash, prints no "[1] PID" line for a background job.)
if wait_for '# sleep 100 &$' 5 && wait_prompt 5; then
	typein 'jobs'; key Enter
	if wait_for '^\[1\]\+ +Running +sleep 100' 5; then
		wait_prompt 5
		typein 'kill %1'; key Enter
		wait_prompt 5
		sleep 0.5
		typein 'echo left-$(ps | grep -c "[s]leep 100")'; key Enter
		if ! wait_for '^left-0$' 5; then
			fail $suite:bg_jobs_kill "kill %1 did not end the job (ps still shows sleep 100)"
		elif ! wait_for 'Terminated +sleep 100' 5; then
			fail $suite:bg_jobs_kill "the job ended but the shell did not report '[1]+ Terminated sleep 100'"
		else
			pass $suite:bg_jobs_kill
		fi
	else
		fail $suite:bg_jobs_kill "jobs did not list 'sleep 100' as Running"
	fi
else
	fail $suite:bg_jobs_kill "no prompt after 'sleep 100 &'"
fi
recover > /dev/null 2>&1 || true
wait_prompt 5

# 7. top: two refreshes, then the prompt.
typein 'top -n 2 -d 1'; key Enter
if wait_for '^ *PID +PPID +USER' 10 && wait_for '[0-9]+ +root .*(/sbin/)?init' 10 && wait_prompt 15; then
	pass $suite:top
else
	fail $suite:top "top -n 2 did not show the process list (PID header, init) and return"
	recover
fi
wait_prompt 5
# A clean screen for the rest (top leaves its last frame).
sleep 0.5

# 8. poweroff ends QEMU with status 0.
typein 'poweroff'; key Enter
i=0
while [ ! -s "$statusf" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
st=$(cat "$statusf" 2>/dev/null)
if [ "$st" = 0 ]; then
	pass $suite:poweroff
elif [ -z "$st" ]; then
	fail $suite:poweroff "QEMU still running 30 s after poweroff"
else
	fail $suite:poweroff "QEMU ended with $(status_name "$st")"
fi
echo "info $suite: screen in ${screen#"$TOP"/}" >&2
