# printf and echo formatting.
printf '%s|%5s|%-5s|\n' a b c
printf '%d %i %o %x %X %u\n' 42 -7 8 255 255 3
printf '%05.1f %e %g\n' 3.14159 12345.678 0.0001
printf '%c%c\n' A Bee
printf '%b\n' 'tab\there' 'nl\\n'
printf 'esc \101\102 \x43\n'
printf '%s\n' one two three
printf '%%\n'
echo -n no-newline; echo
echo -e 'a\tb\\n' | od -c | head -n 1
echo 'a' 'b'   'c'
