# seq, factor, bc-like arithmetic through awk/expr/dc.
seq 5 -1 1 | tr '\n' ' '; echo
seq -s, 1 2 9
seq -w 8 11 | tr '\n' ' '; echo
factor 360 9973 1001
echo '2 10 ^ p' | dc
echo '7 3 / p 7 3 % p' | dc
echo $((2147483647 + 1)) $((-7 / 2)) $((-7 % 2))
