# find and xargs over a small tree.
mkdir -p t/a/b t/c
for f in t/x.txt t/a/y.txt t/a/b/z.txt t/c/w.log t/a/v.log; do echo "$f" > "$f"; done
find t -name '*.txt' | sort
find t -type d | sort
find t -type f -name '*.log' | sort | xargs cat
find t -type f | sort | xargs -n 2 echo
find t -name '*.txt' -exec wc -c {} \; | sort
find t -mindepth 2 -maxdepth 2 | sort
find t -newer t/x.txt -o -name x.txt | wc -l
echo 1 2 3 4 5 | xargs -n 1 | sort -r | xargs
printf 'a\0b c\0' | xargs -0 -n 1 echo
find t -type f | xargs rm; find t | sort
