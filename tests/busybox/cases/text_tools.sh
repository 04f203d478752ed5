# cut, tr, paste, head, tail, wc, rev, fold, expand, nl, tee.
echo 'root:x:0:0:root:/root:/bin/sh' | cut -d: -f1,6
echo 'abcdefgh' | cut -c 2-4
echo 'hello' | tr a-z A-Z
echo 'hello world' | tr -d lo
echo 'aaabbbccc' | tr -s abc
printf '1\n2\n3\n' > p1; printf 'a\nb\nc\n' > p2
paste p1 p2
paste -d, -s p1
seq 1 100 | head -n 3 | tr '\n' ' '; echo
seq 1 100 | tail -n 3 | tr '\n' ' '; echo
seq 1 100 | tail -n +98 | tr '\n' ' '; echo
printf 'one two\nthree\n' | wc
echo 'abc' | rev
echo 'abcdefghij' | fold -w 4
printf 'a\tb\n' | expand -t 4 | od -c | head -n 1
printf 'x\ny\n' | nl
echo teed | tee t1 t2 > /dev/null; cat t1 t2
echo 'a  b   c' | tr -s ' ' | cut -d' ' -f3
