# diff and patch.
printf 'a\nb\nc\nd\n' > x; printf 'a\nB\nc\nd\ne\n' > y
diff x y; echo "diff $?"
diff -u x y | tail -n +3
diff -u x y > p; patch x < p >/dev/null; cmp x y && echo patched
diff x x; echo "same $?"
