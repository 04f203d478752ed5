# Redirections: >, >>, <, 2>, 2>&1, >&2, <>, exec with numbered fds.
echo one > f
echo two >> f
cat < f
ls /nonexistent 2> err; sed 's/^ls: //' err
{ echo out; echo err >&2; } > both 2>&1
sort both
{ echo out; echo err >&2; } 2>/dev/null
exec 3> f3
echo via3 >&3
exec 3>&-
cat f3
exec 4< f
read -r l1 <&4; read -r l2 <&4
exec 4<&-
echo "$l2 $l1"
echo abcdef > rw
exec 5<> rw
printf XY >&5
exec 5>&-
cat rw
: > f; wc -c < f
set -C; (echo x > f) 2>/dev/null || echo noclobber; echo y >| f; cat f; set +C
