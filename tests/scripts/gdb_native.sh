#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ./run.sh --native --gdb waits for gdb, and the gdb command it prints
# attaches to the native kernel with symbols: its hardware breakpoint on
# kmain is hit in ring 0, with a backtrace through the native boot path
# (boot.S: native_start calls kmain last, as a jump), and a user program's symbols load as printed.
set -u
port=${CARAPACE_GDB_PORT:-$((20000 + RANDOM % 20000))}
log=$(mktemp)
trap 'rm -f "$log" "$log.gdb"; [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null' EXIT

CARAPACE_GDB_PORT=$port ./run.sh --native --gdb >"$log" 2>&1 &
qpid=$!
# No wall-clock verdict: on a loaded machine run.sh's checks and build
# may take long; wait (up to 10 min) for its whole message, which ends
# with "(gdb) add-symbol-file", or for run.sh to end.
for _ in $(seq 3000); do
    grep -qF "(gdb) add-symbol-file" "$log" && break
    kill -0 "$qpid" 2>/dev/null || break
    sleep 0.2
done
cmd=$(grep -o "gdb -ex .*" "$log")
echo "run.sh printed: $cmd"
mapfile -t extra < <(grep -o "(gdb) .*" "$log" | sed 's/^(gdb) //')
extra_ex=()
for c in "${extra[@]}"; do extra_ex+=(-ex "$c"); done
eval "printed=($cmd)"
timeout 60 gdb -batch -iex 'set confirm off' "${printed[@]:1}" -ex bt \
    -ex 'info registers cs' "${extra_ex[@]}" -ex 'info symbol main' \
    -ex kill >"$log.gdb" 2>&1
cat "$log.gdb"
fail=0
grep -q "kernel-native.elf" <<<"$cmd" || { echo "the command names no native image"; fail=1; }
grep -q "kmain (fdt=" "$log.gdb" || { echo "the kmain breakpoint was not hit"; fail=1; }
grep -q "in native_boot32 () at guest-kernel/arch/x86_64/native/boot.S" "$log.gdb" ||
    { echo "no symbolized backtrace down to native_boot32"; fail=1; }
grep -qE "^cs +0x8 " "$log.gdb" || { echo "kmain does not run in ring 0 (cs 0x8)"; fail=1; }
grep -q "^main in section .text" "$log.gdb" ||
    { echo "the printed add-symbol-file gave no user symbols"; fail=1; }
if [ "$fail" = 0 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
exit "$fail"
