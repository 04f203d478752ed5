# date formatting with fixed inputs; clocks move forward.
date -u -d @0 '+%Y-%m-%d %H:%M:%S'
date -u -d @1000000000 '+%s %A %j'
TZ=UTC date -d '2020-02-29 12:34:56' '+%F %T %u'
a=$(date +%s); [ "$a" -gt 1600000000 ] && echo realtime-plausible
s=$(date +%s); sleep 1.2; e=$(date +%s); [ $((e - s)) -ge 1 ] && [ $((e - s)) -le 3 ] && echo clock-advances
touch -d '2001-01-01 00:00:00' f; stat -c %Y f | xargs -I{} date -u -d @{} +%Y
