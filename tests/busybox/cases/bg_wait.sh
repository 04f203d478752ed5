# Background jobs and wait: all jobs, one job, statuses, $!.
for i in 1 2 3 4 5; do (sleep 0.$i; echo "job $i" > out.$i) & done
wait
cat out.1 out.2 out.3 out.4 out.5
(sleep 0.2; exit 7) & p=$!
wait $p; echo "status $?"
(exit 3) & a=$!; (exit 4) & b=$!
wait $b; echo "b $?"; wait $a; echo "a $?"
sleep 0.1 & [ "$!" -gt 1 ] && echo "bang is a pid"
wait
sh -c 'sleep 0.3 & echo started; wait; echo done-waiting'
