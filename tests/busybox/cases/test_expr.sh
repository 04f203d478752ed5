# test/[ and expr.
touch f; mkdir d; ln -s f l
[ -f f ] && echo file; [ -d d ] && echo dir; [ -L l ] && echo link
[ -e nothere ] || echo missing
[ -s f ] || echo empty; echo x > f; [ -s f ] && echo nonempty
[ abc = abc ] && echo streq; [ abc != abd ] && echo strne
[ -z "" ] && echo zero; [ -n x ] && echo nonzero
[ 10 -gt 9 ] && echo gt; [ 3 -le 3 ] && echo le
[ f -nt /nonexistent ] && echo newer
[ -r f -a -w f ] && echo rw; [ ! -x f ] && echo notexec
test 1 -eq 2; echo "test $?"
expr 7 + 3; expr 7 \* 6; expr 20 / 3; expr 20 % 3
expr length hello; expr substr hello 2 3; expr index hello l
expr hello : 'hel\(.*\)'
expr 3 \< 10; expr abc = abc
