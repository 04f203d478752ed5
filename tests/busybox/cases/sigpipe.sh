# SIGPIPE: writers stop when the reader is gone.
yes | head -n 3
yes | head -c 100000 | wc -c
sh -c 'yes; echo "yes exited $?" >&2' 2>st | head -n 1; cat st
(seq 1 1000000; echo "seq status $?" >&2) 2>st2 | head -n 2; cat st2
sh -c 'trap "" PIPE; yes 2>/dev/null; echo "ignored PIPE: status $?" >&2' 2>st3 | head -n 1; cat st3
