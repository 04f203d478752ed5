# read builtin, IFS splitting, getopts.
printf 'one two three four\n' | { read -r a b rest; echo "$a|$b|$rest"; }
printf 'a\\b\n' | { read -r x; echo "$x"; }
printf 'a\\b\n' | { read x; echo "$x"; }
printf 'x,y,,z\n' | { IFS=, read -r p q r s; echo "$p-$q-$r-$s"; }
s='  lead  trail  '; set -- $s; echo "$#:$1:$2"
IFS=:; s='a:b::c'; set -- $s; echo "$#"; IFS=' '
printf 'l1\nl2\nl3' | { n=0; while read -r l || [ -n "$l" ]; do n=$((n+1)); done; echo "lines $n"; }
parse() { OPTIND=1; while getopts 'ab:c' o "$@"; do case $o in b) echo "b=$OPTARG" ;; *) echo "opt $o" ;; esac; done; shift $((OPTIND - 1)); echo "rest $*"; }
parse -a -b val -c file1 file2
parse -ac -bX x
