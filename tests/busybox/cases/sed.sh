# sed: substitutions, addresses, ranges, in-place, scripts.
seq 1 10 > s
sed -n '3,5p' s | tr '\n' ' '; echo
sed '2,9d' s | tr '\n' ' '; echo
sed -n '/^1/p' s | tr '\n' ' '; echo
echo 'hello world hello' | sed 's/hello/bye/'
echo 'hello world hello' | sed 's/hello/bye/g'
echo 'a.b.c' | sed 's/\./-/2'
echo 'abc123def' | sed -E 's/([a-z]+)([0-9]+)/\2\1/'
echo 'path/to/file' | sed 's#/#\\#g'
sed -i 's/^/n/' s; head -n 3 s | tr '\n' ' '; echo
printf 'x\ny\n' | sed -e '1i\
first' -e '$a\
last'
seq 1 6 | sed -n 'n;p' | tr '\n' ' '; echo
seq 1 5 | sed '$!N;s/\n/+/' | tr '\n' ' '; echo
echo 'keep' | sed 'y/ek/EK/'
seq 1 3 | sed '=' | tr '\n' ' '; echo
