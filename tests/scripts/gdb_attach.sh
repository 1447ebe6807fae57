#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ./run.sh --gdb waits for gdb, and the gdb command it prints attaches with
# symbols: a hardware breakpoint on start_of_day is hit with a backtrace.
set -u
port=${CARAPACE_GDB_PORT:-$((20000 + RANDOM % 20000))}
log=$(mktemp)
trap 'rm -f "$log"; [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null' EXIT

CARAPACE_GDB_PORT=$port ./run.sh --gdb >"$log" 2>&1 &
qpid=$!
for _ in $(seq 50); do
    grep -q "target remote" "$log" && break
    sleep 0.2
done
cmd=$(grep -o "gdb -ex .*" "$log")
echo "run.sh printed: $cmd"
# Run exactly the printed command, in batch mode, with a few more steps.
eval "timeout 60 ${cmd/gdb /gdb -batch } -ex bt -ex kill" >"$log.gdb" 2>&1
cat "$log.gdb"
fail=0
grep -q "start_of_day (fdt=" "$log.gdb" || { echo "breakpoint not hit"; fail=1; }
grep -q "in arch_setup () at hypervisor/arch/x86_64/setup.c" "$log.gdb" ||
    { echo "no symbolized backtrace"; fail=1; }
rm -f "$log.gdb"
if [ "$fail" = 0 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
exit "$fail"
