# timeout, sleep, and kill from another process.
timeout 1 sleep 10; echo "timeout status $?"
timeout 5 sleep 0.1; echo "in time $?"
timeout -s KILL 1 sleep 10; echo "KILL status $?"
sleep 0.2; echo slept
(sleep 0.3; kill $$) & trap 'echo term-trapped' TERM; sleep 2; wait; echo after
