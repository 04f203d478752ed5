# Here-documents: expanding, quoted, tab-stripping, in pipelines and loops.
name=world
cat <<EOT
hello $name $((6*7)) $(echo sub)
\$literal
EOT
cat <<'EOT'
no $name $((1+1)) expansion
EOT
	cat <<-EOT
	tabs stripped
		two tabs stripped too
	EOT
cat <<EOT | tr a-z A-Z
piped $name
EOT
while read -r a b; do echo "[$a|$b]"; done <<EOT
1 one
2 two words
EOT
f() { cat; }
f <<EOT
in function
EOT
x=$(cat <<EOT
inside subst
EOT
)
echo "$x"
