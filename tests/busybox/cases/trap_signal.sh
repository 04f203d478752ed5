# Traps on signals sent with kill: USR1, USR2, HUP, TERM; ignored signals.
trap 'echo got USR1' USR1
trap 'echo got USR2' USR2
trap 'echo got HUP' HUP
kill -USR1 $$
kill -s USR2 $$
kill -HUP $$
sh -c 'trap "echo term; exit 9" TERM; kill -TERM $$; echo not-reached'; echo "status $?"
sh -c 'trap "" TERM; kill -TERM $$; echo ignored'
sh -c 'trap "" INT; sh -c "kill -INT \$\$; echo child-still-ignores"'
trap - USR1
sh -c 'kill -USR1 $$'; echo "default USR1 status $?"
