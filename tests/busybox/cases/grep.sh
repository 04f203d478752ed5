# grep options.
printf 'apple\nBanana\ncherry\napple pie\ndate\n' > g
grep apple g
grep -c apple g
grep -v a g
grep -i banana g
grep -n e g
grep -E '^(a|d)' g
grep -o 'an' g | wc -l
grep -w apple g
grep -x apple g
grep -l apple g /dev/null
grep -q nothing g; echo "status $?"
grep -e cherry -e date g
grep -F 'e p' g
grep -r apple . | sort
echo 'a1b22c333' | grep -oE '[0-9]+'
