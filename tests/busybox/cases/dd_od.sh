# dd, od, hexdump, cmp on binary data.
printf 'ABCDEFGHIJ' > f
dd if=f bs=1 skip=2 count=3 2>/dev/null; echo
dd if=/dev/zero of=g bs=1024 count=64 2>/dev/null; wc -c < g
printf 'XY' | dd of=f bs=1 seek=4 conv=notrunc 2>/dev/null; cat f; echo
printf '\001\002\377abc' | od -An -tx1
printf 'hi\n' | od -c
printf 'abcdefghijklmnopq' | hexdump -C
printf 'a' > x; printf 'b' > y; cmp x y; echo "cmp $?"
head -c 1000 /dev/zero | od -An -tx1 | sort -u | wc -l
dd if=/dev/zero bs=4096 count=256 2>&1 >/dev/null | head -n 2 | sed 's/ in .*//; s/,.*//'
