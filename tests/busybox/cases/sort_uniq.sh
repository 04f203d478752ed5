# sort and uniq options.
printf '10\n9\n100\n9\n1\n' > n
sort n | tr '\n' ' '; echo
sort -n n | tr '\n' ' '; echo
sort -rn n | tr '\n' ' '; echo
sort -un n | tr '\n' ' '; echo
printf 'b:2\na:3\nc:1\na:1\n' > kv
sort -t: -k2,2n kv | tr '\n' ' '; echo
sort -t: -k1,1 -k2,2nr kv | tr '\n' ' '; echo
printf 'a\na\nb\nc\nc\nc\n' | uniq -c
printf 'a\na\nb\nc\nc\nc\n' | uniq -d
printf 'a\na\nb\nc\nc\nc\n' | uniq -u
seq 1 1000 | sort -r | sort -n | md5sum
printf 'B\na\nC\nb\n' | sort -f | tr '\n' ' '; echo
