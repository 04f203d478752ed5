# Files and directories: create, copy, move, link, list, remove.
mkdir -p a/b/c
echo hello > a/b/c/f.txt
cp a/b/c/f.txt a/g.txt
mv a/g.txt a/h.txt
ln -s b/c/f.txt a/link
ln a/h.txt a/hard
cat a/link a/h.txt
readlink a/link
stat -c '%n %s %h %F' a/h.txt a/link; stat -c '%n %F' a/b
ls a | sort
ls -R a | sed -n '1,20p'
rm -r a/b
ls a | sort
cat a/link 2>&1 | sed 's/^cat: //'
rm -rf a
[ -e a ] || echo gone
