#!/bin/sh
# deps.sh [GROUP...] - install the Debian packages synthos needs, if missing.
# Idempotent and quiet when everything is present. Groups:
#   build  compiler, binutils, make                  (always)
#   run    QEMU, musl, BusyBox for the guest rootfs  (make run, make test)
#          and xxd (synthesized code to the host: docs/SYNTHESIS.md)
#   test   cpio, ASan/UBSan runtimes, GRUB ISO tools (make test)
#   iso    grub-mkrescue and its helpers             (make iso)
#   debug  gdb                                       (make debug)
#   benchq DPDK, Concurrency Kit, liburcu, valgrind  (make bench-queues)
set -eu

pkgs_build="gcc make binutils libc6-dev musl-tools libelf-dev"
pkgs_run="qemu-system-x86 cpio busybox-static xz-utils xxd"
pkgs_test="cpio libasan8 libubsan1 libtsan2 grub-pc-bin grub-common xorriso mtools tmux"
pkgs_iso="grub-pc-bin grub-common xorriso mtools"
pkgs_debug="gdb"
pkgs_benchq="dpdk-dev libck-dev liburcu-dev valgrind pkg-config"

want="$pkgs_build"
for g in "$@"; do
	case "$g" in
	build) ;;
	run)   want="$want $pkgs_run" ;;
	test)  want="$want $pkgs_run $pkgs_test" ;;
	iso)   want="$want $pkgs_iso" ;;
	debug) want="$want $pkgs_debug" ;;
	benchq) want="$want $pkgs_benchq" ;;
	*) echo "deps.sh: unknown group $g" >&2; exit 2 ;;
	esac
done

missing=
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing Debian packages:$missing"
sudo=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install:$missing" >&2; exit 1; }
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# An apt list older than a day may miss current versions: refresh it first.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
	$sudo apt-get update -qq >/dev/null
fi
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
