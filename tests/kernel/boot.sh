#!/bin/bash
# boot.sh - the boot contract, seen from outside as a user sees it:
# the Linux-style QEMU command line, the banner, memory map, command line,
# initrd file count and timing; typed input reaching the kernel monitor;
# booting without an initrd; the GRUB (multiboot2) rescue ISO; and the
# synthesized code inspectable under /proc/synth (synthos only: Linux has
# no /proc/synth).
. "$(dirname "$0")/../lib.sh"

initrd=$TOP/build/test-initrd.cpio
entries=$(cpio -t --quiet < "$initrd" | wc -l)

# 1. The exact command line the brief gives, plus an unknown option. The
#    test initrd has no /init, so the kernel falls back to its monitor;
#    typed commands (a typo fixed with backspace, a file read, power-off)
#    check interrupt-driven console input.
log=$LOGDIR/boot-contract.log
printf 'cat hello.txx\x7f\x7fxt\rcmdline\rpoweroff\r' > "$LOGDIR/boot-contract.in"
boot_typed "$log" 3 "$LOGDIR/boot-contract.in" --icount --timeout 60 --initrd "$initrd" \
	--append "init=/init loglevel=7 synth=off frobnicate=1"
check boot:poweroff_clean "expected status 0, got $(status_name "$status")" test "$status" = 0
check boot:banner "no banner" has "$log" '\] synthos .* a Synthesis kernel'
check boot:memory_map "no memory map" has "$log" '\[mem 0x0000000000100000-0x[0-9a-f]+\] usable'
check boot:cmdline_shown "command line not shown" has "$log" "command line: 'console=ttyS0 init=/init loglevel=7 synth=off frobnicate=1'"
check boot:cmdline_parsed "init/synth/loglevel not recorded" has "$log" 'init=/init synth=off loglevel=7'
check boot:unknown_option_warns "no warning for frobnicate=1" has "$log" "cmdline: .*frobnicate=1"
check boot:initrd_count "initrd count is not $entries" has "$log" "initrd: $entries files"
check boot:initrd_listed_at_debug "files not listed at loglevel=7" has "$log" 'initrd: .* dir/sub/file$'
check boot:input_line_editing "typed 'cat hello.txx<BS><BS>xt' did not print the file" \
	has "$log" '^hello from the synthos test initrd'
check boot:monitor_cmdline "cmdline command output missing" has "$log" '^init=/init synth=off loglevel=7'
# Emulated time from reset to the initrd count (log timestamps, -icount): < 2 s.
t=$(sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\] initrd: [0-9]* files.*/\1/p' "$log" | head -1)
check boot:under_2s_emulated "initrd line at '${t:-?}' s" awk -v t="${t:-99}" 'BEGIN { exit !(t < 2.0) }'
insns=$(sed -n 's/.*banner reached after \([0-9]*\) guest.*/\1/p' "$log")
echo "info boot: $insns guest instructions from reset to the banner; initrd counted at ${t}s emulated" >&2

# 2. Quiet by default: no per-file listing at the default loglevel.
log=$LOGDIR/boot-default.log
printf 'poweroff\r' > "$LOGDIR/boot-default.in"
boot_typed "$log" 3 "$LOGDIR/boot-default.in" --timeout 60 --initrd "$initrd"
check boot:default_loglevel_quiet "files listed at the default loglevel" \
	eval '[ "$status" = 0 ] && has "$log" "initrd: $entries files" && ! has "$log" "initrd: .* dir/sub/file$"'

# 3. No initrd: a warning, and the system still comes up.
log=$LOGDIR/boot-no-initrd.log
boot_typed "$log" 3 "$LOGDIR/boot-default.in" --timeout 60
check boot:no_initrd "expected a warning and a clean power-off ($(status_name "$status"))" \
	eval '[ "$status" = 0 ] && has "$log" "initrd: none given" && has "$log" "no working init found"'

# 4. The BusyBox rootfs (what make run boots): /init runs as PID 1 and
#    starts a shell on the console; typed lines run, with a typo fixed by
#    backspace; poweroff -f ends QEMU cleanly.
log=$LOGDIR/boot-shell.log
printf 'ech0\x7fo shell-$((6*7))\rseq 1 100000 | grep 7 | wc -l\rcat /proc/1/cmdline | tr "\\0" " "; echo\rpoweroff -f\r' > "$LOGDIR/boot-shell.in"
boot_typed "$log" 6 "$LOGDIR/boot-shell.in" --timeout 90 --initrd "$TOP/build/guest.cpio" \
	--append "init=/init"
check boot:shell_poweroff "expected a clean power-off, got $(status_name "$status")" test "$status" = 0
check boot:shell_runs_init "init did not start a shell" has "$log" 'starting a shell'
check boot:shell_line_editing "typed 'ech0<BS>o' did not echo" has "$log" '^shell-42$'
check boot:shell_pipeline "seq | grep | wc did not print 40951" has "$log" '^40951$'
check boot:shell_init_is_pid1 "/proc/1/cmdline is not /init" has "$log" '^/sbin/init $'

# 5. The GRUB rescue ISO (multiboot2) boots the same kernel.
iso=$TOP/build/test.iso
if make -s -C "$TOP" iso ISO="$iso" ISO_APPEND="ktest=all" > "$LOGDIR/iso-build.log" 2>&1; then
	log=$LOGDIR/boot-iso.log
	boot "$log" --timeout 120 --cdrom "$iso"
	check boot:grub_multiboot2_iso "ISO boot: $(status_name "$status"); log in ${log#$TOP/}" \
		eval '[ "$status" = 0 ] && has "$log" "memory map \(multiboot2\)" && has "$log" "ktest: [0-9]+ passed, 0 failed"'
else
	fail boot:grub_multiboot2_iso "make iso failed; see build/test-logs/iso-build.log"
fi

# 6. /proc/synth (docs/SYNTHESIS.md, "Regions"): the directory lists
#    "regions" and the live ids; a region's info and code read back, the
#    code's length is the size in its info and its st_size; a retired
#    region is gone (ENOENT); the code reaches the host through
#    `synthstat -x ID | xxd -r -p` as the bytes the listing shows, and
#    objdump decodes them. Then synth=off: the listing says so, no ids.
G=$LOGDIR/guest
mkdir -p "$G"
log=$G/proc-synth.out
# The shell's own getpid region is live while the script runs (synthstat
# is not its last command: the shell would exec it); a child's first
# region, which it finds in the listing, is retired when the child exits.
"$TOP/tools/run-in-guest" --no-build --timeout 120 --log "$G/proc-synth.console" -- sh -c '
	ls /proc/synth > /tmp/ls
	echo "ls-regions=$(grep -cx regions /tmp/ls)"
	echo "ls-ids=$(grep -cE "^[1-9][0-9]*$" /tmp/ls)"
	cat /proc/synth/regions > /tmp/regions
	echo "head=$(head -1 /tmp/regions | cut -d";" -f1)"
	id=$(awk -v tid=$$ "\$2 == tid && \$3 == \"getpid\" { print \$1 }" /tmp/regions)
	grep -qx "$id" /tmp/ls && echo "id-listed=yes"
	echo "id=$id"
	echo "listing-code=$(grep -A1 "^$id " /tmp/regions | sed -n "2s/^  code://p" | tr -d " ")"
	cat /proc/synth/$id/info > /tmp/info && echo "info-status=0"
	echo "info-id=$(sed -n "s/^id: //p" /tmp/info)"
	echo "info-size=$(sed -n "s/^size: //p" /tmp/info)"
	echo "code-wc=$(wc -c < /proc/synth/$id/code)"
	echo "code-stat=$(stat -c %s /proc/synth/$id/code)"
	echo "dir=$(ls /proc/synth/$id | tr "\n" " ")"
	gone=$(sh -c "grep -E \"^[0-9]+ +\$\$ \" /proc/synth/regions" | head -1 | cut -d" " -f1)
	echo "gone=$gone"
	ls /proc/synth/$gone > /dev/null 2>&1 || echo "retired-gone=yes"
	cat /proc/synth/$gone/code > /dev/null 2>&1 || echo "retired-code-gone=yes"
	echo "@@hex"
	synthstat -x $id
	echo "@@end"' > "$log" 2>&1
status=$?
val() { sed -n "s/^$1=//p" "$log" | head -1; }
size=$(val info-size)
check boot:proc_synth_ls "ls /proc/synth: no 'regions' or no ids (status $status; ${log#"$TOP"/})" \
	eval '[ "$status" = 0 ] && [ "$(val ls-regions)" = 1 ] && [ "$(val ls-ids)" -gt 0 ]'
check boot:proc_synth_regions "/proc/synth/regions does not start 'synthesis on' or lacks the shell's getpid region" \
	eval '[ "$(val head)" = "synthesis on" ] && [ -n "$(val id)" ] && has "$log" "^id-listed=yes"'
check boot:proc_synth_info "/proc/synth/$(val id)/info unreadable or wrong (${log#"$TOP"/})" \
	eval '[ "$(val info-status)" = 0 ] && [ "$(val info-id)" = "$(val id)" ] && [ -n "$size" ] && [ "$(val dir)" = "code info " ]'
check boot:proc_synth_code_size "wc -c of code $(val code-wc), st_size $(val code-stat), info size $size" \
	eval '[ -n "$size" ] && [ "$(val code-wc)" = "$size" ] && [ "$(val code-stat)" = "$size" ]'
check boot:proc_synth_retired_enoent "retired region '$(val gone)': its directory or code is still there" \
	eval '[ -n "$(val gone)" ] && has "$log" "^retired-gone=yes" && has "$log" "^retired-code-gone=yes"'
bin=$G/proc-synth-region.bin
sed -n '/^@@hex$/,/^@@end$/p' "$log" | sed '1d;$d' | xxd -r -p > "$bin" 2>/dev/null
objdump -D -b binary -mi386:x86-64 "$bin" > "$bin.dis" 2>&1
check boot:proc_synth_host_disasm "synthstat -x | xxd -r -p gave $(stat -c %s "$bin") bytes (info: $size), not the listing's, or objdump could not decode them (${bin#"$TOP"/}.dis)" \
	eval '[ "$(stat -c %s "$bin")" = "$size" ] && [ "$(xxd -p "$bin" | tr -d "\n")" = "$(val listing-code)" ] &&
	      grep -qE "^ +0:" "$bin.dis" && ! grep -q "(bad)" "$bin.dis"'

log=$G/proc-synth-off.out
"$TOP/tools/run-in-guest" --no-build --timeout 120 --append synth=off \
	--log "$G/proc-synth-off.console" -- sh -c '
	echo "ls=$(ls /proc/synth | tr "\n" " ")"
	echo "head=$(head -1 /proc/synth/regions | cut -d";" -f1)"
	echo "lines=$(wc -l < /proc/synth/regions)"
	synthstat > /dev/null; echo "synthstat=$?"' > "$log" 2>&1
status=$?
check boot:proc_synth_off "synth=off: /proc/synth not just an empty listing (status $status; ${log#"$TOP"/})" \
	eval '[ "$status" = 0 ] && [ "$(val ls)" = "regions " ] && [ "$(val head)" = "synthesis off" ] && [ "$(val lines)" = 2 ] && [ "$(val synthstat)" = 0 ]'
