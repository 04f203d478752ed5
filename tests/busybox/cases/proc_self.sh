# /proc/self and /proc/PID for the running shell.
[ "$(readlink /proc/self)" != "" ] && echo self-link
sh -c 'echo $$ > mypid; readlink /proc/self > selfpid'
[ "$(cat mypid)" != "$(cat selfpid)" ] && echo self-is-readlink-process
cut -d' ' -f1 /proc/$$/stat | grep -qx "$$" && echo stat-field1
tr '\0' ' ' < /proc/$$/cmdline | grep -q 'sh' && echo cmdline-sh
grep -q '^Name:' /proc/$$/status && echo status-name
grep -E '^(Pid|PPid):' /proc/$$/status | awk '{print $1}' | tr '\n' ' '; echo
[ -d /proc/1 ] && echo pid1-dir
tr '\0' ' ' < /proc/self/cmdline; echo
