# Many short processes: fork/exec/wait in loops and in parallel.
i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i + 1)); done; echo "ran $i"
for j in $(seq 1 20); do (echo $((j * j)) > sq.$j) & done; wait
cat sq.* | awk '{s += $1} END {print s}'
seq 1 50 | xargs -n 1 -P 4 sh -c 'echo $(($0 * 2))' | awk '{s += $1} END {print s}'
n=$(for k in $(seq 1 30); do sh -c 'echo x'; done | wc -l); echo "subshells $n"
