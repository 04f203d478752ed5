# Large data through pipes: 20 MiB of zeros through cat, numbers, dd blocks.
head -c 20971520 /dev/zero | cat | md5sum
head -c 20971520 /dev/zero | cat | cat | wc -c
seq 1 500000 | cat | md5sum
seq 1 500000 | wc -c
dd if=/dev/zero bs=65536 count=160 2>/dev/null | cat | cat | wc -c
head -c 2097152 /dev/zero | tr '\0' 'a' | tail -c 5; echo
