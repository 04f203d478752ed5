# awk: fields, patterns, arrays, printf, functions, BEGIN/END.
seq 1 100 | awk '{s += $1} END {print s}'
printf 'a 1\nb 2\na 3\nc 4\nb 5\n' | awk '{t[$1] += $2} END {for (k in t) print k, t[k]}' | sort
echo 'x:y:z' | awk -F: '{print $2, NF}'
awk 'BEGIN {printf "%5.2f|%-4s|%03d|%x\n", 3.14159, "ab", 7, 255}'
awk 'BEGIN {s = "hello world"; print length(s), substr(s, 7), index(s, "o"), toupper(s)}'
awk 'BEGIN {n = split("a,b,c", arr, ","); print n, arr[3]}'
echo 'foo bar foo' | awk '{gsub(/foo/, "baz"); print}'
awk 'function fib(n) { return n < 2 ? n : fib(n-1) + fib(n-2) } BEGIN { print fib(20) }'
seq 1 10 | awk 'NR % 3 == 0' | tr '\n' ' '; echo
seq 1 5 | awk '$1 > 2 && $1 < 5 {print "in", $1}'
printf 'one two\nthree four\n' | awk '{print $NF; print NR": "$0}'
awk 'BEGIN {x = 2*2*2*2*2*2*2*2*2*2; print x, int(7/2), 7%3}'
echo 'a b c' | awk '{$2 = "X"; print; print NF}'
awk 'BEGIN {while (i < 3) {i++; printf "%d ", i}; print ""}'
