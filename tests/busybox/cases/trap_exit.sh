# Traps: EXIT in scripts and subshells, resetting, listing.
sh -c 'trap "echo exit-trap" EXIT; echo body'
sh -c 'trap "echo exit-trap \$?" EXIT; exit 5'; echo "status $?"
sh -c 'trap "echo never" EXIT; trap - EXIT; echo reset'
sh -c 'trap "echo on-int" INT; trap' | sed 's/"/'"'"'/g'
sh -c 'f() { trap "echo in-f" EXIT; }; f; echo after-f'
