#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# tradeoff under -icount on the pv backend: every operation's line is there
# and well-formed, and scripts/tradeoffs.py accepts the session as a log.
# No figure is asserted (docs/tradeoffs.md says what they are).
set -u
. tests/os/lib.sh
os_run tests/os/tradeoff/script --icount
for op in syscall-null page-fault map-unmap-1 map-unmap-64 context-switch \
    timer-wakeup console-write-1 console-write-64 spawn-exit-wait cpu-loop; do
    check "$op figure" has "^tradeoff: $op [0-9]+\.[0-9]\$"
done
check "done line" has '^tradeoff: done 10$'
check "no error from tradeoff" lacks '^tradeoff: .*: '
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' "$out" >"$tmp/pv.log"
if ! python3 scripts/tradeoffs.py --from-logs "$tmp" --backends pv \
    --out "$tmp/out" >"$tmp/table" 2>&1; then
    cat "$tmp/table"
    failed "scripts/tradeoffs.py refuses the session"
fi
check "run.sh exits 0 (got $status)" status_is 0
finish
