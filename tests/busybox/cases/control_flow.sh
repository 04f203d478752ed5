# if/case/for/while/until, break/continue, functions with recursion, local.
for i in 1 2 3 4 5 6; do
	[ $i -eq 2 ] && continue
	[ $i -eq 5 ] && break
	echo "for $i"
done
n=0; while [ $n -lt 3 ]; do n=$((n + 1)); done; echo "while $n"
until [ $n -eq 0 ]; do n=$((n - 1)); done; echo "until $n"
for w in apple 42 -x foo.c ''; do
	case $w in
	[0-9]*) echo "number $w" ;;
	-*) echo "option $w" ;;
	*.c|*.h) echo "source $w" ;;
	'') echo "empty" ;;
	*) echo "word $w" ;;
	esac
done
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(($1 * $(fact $(($1 - 1))))); fi; }
fact 10
g() { local x=inner; echo "$x"; }; x=outer; g; echo "$x"
if false; then echo no; elif true; then echo elif; else echo else; fi
set -e; (false; echo not-here) || echo "errexit subshell"; set +e
for i in 1 2; do for j in a b; do [ $j = b ] && continue 2; echo "$i$j"; done; done
