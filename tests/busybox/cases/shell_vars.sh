# Parameter expansion, arithmetic, special parameters, positional args.
v=/usr/local/lib/file.tar.gz
echo "${v#*/}" "${v##*/}" "${v%.*}" "${v%%.*}"
echo "${#v}" "${unset:-default}" "${unset2:=assigned}" "$unset2"
echo "${v:5:5}" "${v/local/LOCAL}" "${v//l/L}"
x=5; echo $((x * 3 + 2)) $((x << 2)) $((17 % 5)) $((x > 3 ? 1 : 0)) $((0x10)) $((010))
i=0; i=$((i + 1)); : $((i += 10)); echo "$i"
set -- a "b c" d
echo "$#" "$1" "$2"
for a in "$@"; do echo "[$a]"; done
for a in $*; do echo "<$a>"; done
shift; echo "$*"
f() { echo "f got $# args: $*"; return 3; }; f 1 2; echo "ret $?"
IFS=: read -r a b c <<EOT
x:y:z
EOT
echo "$c$b$a"
unset v; echo "${v-unset}"
readonly r=1; (r=2) 2>/dev/null || echo "readonly ok"
