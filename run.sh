#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ./run.sh: build Carapace and boot it under QEMU with the serial console on
# this terminal. Installs missing Debian packages first (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")"

usage() {
    cat <<'USAGE'
Usage: ./run.sh [options] [-- extra QEMU arguments]

Builds the hypervisor and boots it in QEMU (q35, TCG) with its serial console
on this terminal. QEMU exits when the hypervisor powers off.

Options:
  --gdb            start QEMU paused, waiting for gdb on localhost:1234 (or
                   $CARAPACE_GDB_PORT), and print the gdb command that
                   attaches with symbols
  --loglvl LEVEL   hypervisor log level: error, warn, info (default), debug
  --mem SIZE       guest-physical memory for QEMU's -m (default 256M)
  --append ARGS    more hypervisor command-line arguments
  --icount         deterministic time: -icount shift=0,sleep=off
  --dom0 FILE      boot FILE (a guest ELF image) as dom0; more words after
                   the path are its command line: --dom0 "guest.elf args"
  --help           show this help

Exit status: 0 after a clean poweroff (or reboot), 1 if the hypervisor or dom0
stopped on a fatal error or crash, 2 for a usage error, QEMU's own status
otherwise.
USAGE
}

gdb=0 loglvl=info mem=256M append="" icount=0 dom0=""
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --gdb) gdb=1 ;;
    --loglvl) loglvl=${2:?--loglvl needs a level}; shift ;;
    --mem) mem=${2:?--mem needs a size}; shift ;;
    --append) append=${2:?--append needs arguments}; shift ;;
    --icount) icount=1 ;;
    --dom0) dom0=${2:?--dom0 needs a guest image}; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run.sh: unknown option '$1' (see ./run.sh --help)" >&2; exit 2 ;;
    esac
    shift
done

scripts/deps.sh
ninja build/hypervisor/carapace.elf >/dev/null

image=build/hypervisor/carapace.elf
qemu=(qemu-system-x86_64 -M q35 -cpu max -m "$mem" -smp 1
    -display none -nodefaults -serial stdio -no-reboot
    -device isa-debug-exit,iobase=0xf4,iosize=0x04
    -kernel "$image" -append "loglvl=$loglvl $append")
[ "$icount" = 1 ] && qemu+=(-icount shift=0,sleep=off)
[ -n "$dom0" ] && qemu+=(-initrd "$dom0")
if [ "$gdb" = 1 ]; then
    port=${CARAPACE_GDB_PORT:-1234}
    qemu+=(-gdb "tcp:localhost:$port" -S)
    cat <<GDB
QEMU is waiting for gdb on localhost:$port. In another terminal, run:

  gdb -ex 'target remote localhost:$port' -ex 'hbreak start_of_day' -ex continue $image

GDB
fi

set +e
"${qemu[@]}" "${extra[@]}"
status=$?
set -e
case $status in
1) exit 0 ;; # the hypervisor powered off (isa-debug-exit value 0)
3) echo "run.sh: the hypervisor stopped on a fatal error" >&2; exit 1 ;;
5) echo "run.sh: dom0 crashed" >&2; exit 1 ;;
7) echo "run.sh: dom0 asked for a reboot" >&2; exit 0 ;;
*) echo "run.sh: QEMU exited with status $status" >&2; exit "$status" ;;
esac
