# umask, chmod, stat modes, ownership as root.
umask 022; touch a; mkdir d; stat -c '%a %n' a d
umask 077; touch b; mkdir e; stat -c '%a %n' b e
umask 022
chmod 4755 a; stat -c '%a %A' a
chmod u-s,g+w,o= a; stat -c '%a %A' a
chmod 1777 d; stat -c '%a' d
id -u; id -g; whoami
chown 1000:1000 a; stat -c '%u %g' a
echo '#!/bin/sh
echo script-ran "$@"' > s.sh; chmod +x s.sh; ./s.sh arg
chmod -x s.sh; ./s.sh 2>/dev/null || echo "not executable $?"
