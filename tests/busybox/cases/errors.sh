# Error messages from failing system calls (strerror text) must agree.
cat /nonexistent 2>&1
mkdir d; mkdir d 2>&1
touch d/f; rmdir d 2>&1
ln -s a b; ln -s b a; cat a 2>&1
cat d 2>&1
echo x > /proc/nonexistent 2>&1 | sed 's/^[^:]*: //'
ls /nonexistent 2>&1
cd /nonexistent 2>&1 | sed 's/^[^:]*: [0-9]*: //'
rm d 2>&1
mv nothere x 2>&1
exit 0
