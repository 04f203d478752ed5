# Environment passing, env, exec, command lookup, PATH.
export FOO=bar
sh -c 'echo "child $FOO"'
env -i A=1 /usr/bin/env | sort
env -u FOO sh -c 'echo "unset ${FOO:-none}"'
FOO=temp sh -c 'echo "prefix $FOO"'; echo "after $FOO"
(exec echo exec-replaced; echo not-reached)
command -v ls; type cd | sed 's/ a / /'
mkdir bin; printf '#!/bin/sh\necho mycmd\n' > bin/mycmd; chmod +x bin/mycmd
PATH=$PWD/bin:$PATH mycmd
nosuchcmd 2>/dev/null; echo "missing $?"
sh -c 'exit 42'; echo "exit $?"
echo 'echo sourced $1' > inc.sh; . ./inc.sh x
eval 'a=1; b=$((a + 1))'; echo "eval $b"
