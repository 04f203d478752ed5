# tar, gzip, cpio: round trips.
mkdir -p src/sub
seq 1 5000 > src/numbers; echo hi > src/sub/hi; ln -s numbers src/link
tar cf a.tar src
tar tf a.tar | sort
gzip -9 a.tar; ls a.tar.gz
mkdir out; cd out; tar xzf ../a.tar.gz; cd ..
cmp src/numbers out/src/numbers && echo numbers-same
readlink out/src/link
seq 1 10000 | gzip | gunzip | md5sum
seq 1 10000 | gzip -c > n.gz; zcat n.gz | tail -n 1
seq 1 1000 | bzip2 | bunzip2 | wc -l
(cd src && find . | sort | cpio -o -H newc 2>/dev/null) > a.cpio
mkdir c; (cd c && cpio -i -d 2>/dev/null < ../a.cpio); cat c/sub/hi
