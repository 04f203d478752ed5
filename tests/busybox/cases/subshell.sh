# Subshells and command substitution: isolation of cwd, variables, exit.
cd /tmp
(cd /; pwd)
pwd
v=outer
(v=inner; echo "$v")
echo "$v"
(exit 3); echo "sub exit $?"
echo "$(echo "$(echo nested $(echo deep))")"
echo `echo back` `expr 2 + 3`
n=$(seq 1 5 | wc -l); echo "n=$n"
( trap 'echo sub-trap' EXIT; echo in-sub )
x=$( (echo a; echo b) | tr '\n' ' '); echo "$x"
echo "$$" > pid; ( [ "$$" = "$(cat pid)" ] && echo same-dollar-dollar )
sh -c 'echo $PPID' > ppid; [ "$(cat ppid)" = "$$" ] && echo ppid-ok
