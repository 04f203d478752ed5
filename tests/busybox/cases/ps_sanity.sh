# ps shows processes, including a background sleep, and PID 1.
# ash reports a background job killed by a signal ("Terminated", "Killed",
# ...) whenever it happens to reap it: a race, on Linux too. Those reports
# are left out; the exit statuses are what is checked.
# The background child may not have exec'd sleep yet when the shell goes
# on (it is still "sh" then): wait until it has, or 5 s, before looking.
{
	sleep 7 & p=$!
	i=0
	until ps -o pid,comm | awk -v p=$p '$1 == p {print $2}' | grep -qx sleep ||
	      [ $i -ge 50 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	ps > out
	grep -c '^ *1 ' out
	awk -v p=$p '$1 == p' out | grep -c sleep
	head -n 1 out | awk '{print $1}'
	ps -o pid,comm | awk -v p=$p '$1 == p {print $2}'
	kill $p; wait $p
	ps | awk -v p=$p '$1 == p' | wc -l
} 2>&1 | grep -vxE '(Terminated|Killed|Hangup)'
