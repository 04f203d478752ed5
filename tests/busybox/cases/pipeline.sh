# Pipelines: long chains, exit status, pipefail, grouping.
seq 1 100000 | grep 7 | wc -l
seq 1 10 | cat | cat | cat | cat | cat | cat | cat | cat | cat | tail -n 2
true | false; echo "status $?"
false | true; echo "status $?"
set -o pipefail
false | true; echo "pipefail $?"
set +o pipefail
! true; echo "negated $?"
{ echo a; echo b; } | sort -r
echo x | { read -r v; echo "got $v"; }
seq 3 | while read -r n; do echo "line $n"; done
