# free, uptime, /proc/meminfo, /proc/uptime, /proc/loadavg: stable facts only.
free | awk 'NR == 1 {print $1, $2} NR == 2 {print $1, ($2 > 100000 ? "total-ok" : "small"), ($4 > 0 ? "free-ok" : "nofree")}'
free -m | awk 'NR == 2 {print ($2 >= 400 && $2 <= 512) ? "total-MiB-ok" : "total " $2}'
grep -E '^(MemTotal|MemFree):' /proc/meminfo | awk '{print $1, $3}'
uptime | grep -q 'load average' && echo uptime-load
awk '{print NF, ($1 > 0 ? "up" : "zero")}' /proc/uptime
awk '{print NF}' /proc/loadavg
t1=$(cut -d' ' -f1 /proc/uptime); sleep 0.5; t2=$(cut -d' ' -f1 /proc/uptime)
awk -v a=$t1 -v b=$t2 'BEGIN {print (b > a ? "uptime-advances" : "stuck " a " " b)}'
