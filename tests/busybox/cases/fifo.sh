# Named pipes between background writers and readers.
mkfifo p
[ -p p ] && echo is-fifo
(seq 1 1000 > p) &
wc -l < p
wait
(echo from-writer > p) & cat p; wait
(cat p > got) & seq 1 50000 > p; wait; wc -l < got
exec 3<> p; echo through-rw >&3; read -r l <&3; echo "$l"; exec 3>&-
