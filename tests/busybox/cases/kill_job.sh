# kill and wait on background processes; signals reported in status.
# ash reports a background job killed by a signal ("Terminated", "Killed",
# ...) whenever it happens to reap it: a race, on Linux too. Those reports
# are left out; the exit statuses are what is checked.
{
	sleep 30 & p=$!; sleep 0.3
	kill $p; wait $p; echo "TERM $?"
	sleep 30 & p=$!; sleep 0.3
	kill -HUP $p; wait $p; echo "HUP $?"
	sleep 30 & p=$!; sleep 0.3
	kill -0 $p && echo alive
	kill -KILL $p; wait $p; echo "KILL $?"
	kill -0 $p 2>/dev/null || echo "gone"
	sh -c 'kill -STOP $$; echo resumed' & p=$!
	sleep 0.5; kill -CONT $p; wait $p; echo "after CONT $?"
} 2>&1 | grep -vxE '(Terminated|Killed|Hangup)'
