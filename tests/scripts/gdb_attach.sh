#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ./run.sh --gdb waits for gdb, and the gdb commands it prints attach with
# symbols: a hardware breakpoint on start_of_day is hit with a backtrace,
# and after the guest kernel's symbol commands, one on its kmain.
set -u
port=${CARAPACE_GDB_PORT:-$((20000 + RANDOM % 20000))}
log=$(mktemp)
trap 'rm -f "$log"; [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null' EXIT

CARAPACE_GDB_PORT=$port ./run.sh --gdb >"$log" 2>&1 &
qpid=$!
# No wall-clock verdict: on a loaded machine run.sh's checks and build
# may take long; wait (up to 10 min) for its whole message, which ends
# with "(gdb) hbreak kmain", or for run.sh to end.
for _ in $(seq 3000); do
    grep -qF "(gdb) hbreak kmain" "$log" && break
    kill -0 "$qpid" 2>/dev/null || break
    sleep 0.2
done
cmd=$(grep -o "gdb -ex .*" "$log")
echo "run.sh printed: $cmd"
# The guest kernel's lines, as printed: "(gdb) add-symbol-file ...".
mapfile -t guest < <(grep -o "(gdb) .*" "$log" | sed 's/^(gdb) //')
guest_ex=()
for c in "${guest[@]}"; do guest_ex+=(-ex "$c"); done
# Run exactly the printed commands, in batch mode, with a few more steps:
# the hypervisor's breakpoint, then on into dom0's kernel.
eval "printed=($cmd)"
timeout 60 gdb -batch -iex 'set confirm off' "${printed[@]:1}" -ex bt \
    "${guest_ex[@]}" -ex continue -ex bt -ex kill >"$log.gdb" 2>&1
cat "$log.gdb"
fail=0
grep -q "start_of_day (fdt=" "$log.gdb" || { echo "breakpoint not hit"; fail=1; }
grep -q "in arch_setup () at hypervisor/arch/x86_64/setup.c" "$log.gdb" ||
    { echo "no symbolized backtrace"; fail=1; }
[ "${#guest[@]}" -ge 3 ] ||
    { echo "run.sh printed no guest-kernel gdb commands"; fail=1; }
grep -q "kmain (.*) at guest-kernel/kernel/" "$log.gdb" ||
    { echo "the guest kernel's breakpoint (kmain) was not hit"; fail=1; }
rm -f "$log.gdb"
if [ "$fail" = 0 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
exit "$fail"
