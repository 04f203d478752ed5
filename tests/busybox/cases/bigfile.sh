# A large file on tmpfs: write, copy, compare, checksum, truncate.
cd /tmp
seq 1 1000000 > big
cp big big2
cmp big big2 && echo same
md5sum < big
wc -l big2 | awk '{print $1}'
cat big big > big3; wc -c < big3
head -c 5000000 /dev/urandom > rnd; cp rnd rnd2; cmp rnd rnd2 && echo random-copy-same
truncate -s 100 big2; wc -c < big2
rm -f big big2 big3 rnd rnd2
