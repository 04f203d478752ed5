# mount and df: the mounts /init made; tmpfs usable.
mount | awk '$3 == "/proc" {print $1, $5}' | head -n 1
mount | awk '$3 == "/tmp" {print $1, $5}'
grep -c ' /tmp tmpfs ' /proc/mounts
df /tmp | awk 'NR == 1 {print $1} NR == 2 {print ($2 > 0 ? "size-ok" : "size0")}'
mkdir -p /tmp/mnt-test && mount -t tmpfs none /tmp/mnt-test && echo mounted
echo data > /tmp/mnt-test/f && cat /tmp/mnt-test/f
mount | awk '$3 == "/tmp/mnt-test" {print $5}'
umount /tmp/mnt-test && echo unmounted
[ -e /tmp/mnt-test/f ] || echo file-gone-with-mount
rmdir /tmp/mnt-test
