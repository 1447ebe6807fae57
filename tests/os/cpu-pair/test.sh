#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Two CPU-bound processes run at once and both make progress: their ticks
# interleave, and both exit with status 0.
set -u
. tests/os/lib.sh
os_run tests/os/cpu-pair/script
check "cpu-pair reports SUCCESS" has '^Test result: SUCCESS$'
read -r a b < <(sed -nE 's/^cpu-pair: children ([0-9]+) and ([0-9]+)$/\1 \2/p' <<<"$out")
if [ -n "${a:-}" ] && [ -n "${b:-}" ]; then
    check "child $a reaches tick 5" has "^spin $a: tick 5$"
    check "child $b reaches tick 5" has "^spin $b: tick 5$"
    check "child $b ticks before child $a is done" after "^spin $b: tick 1$" "^spin $a: tick 5$"
    check "child $a ticks before child $b is done" after "^spin $a: tick 1$" "^spin $b: tick 5$"
else
    check "cpu-pair names its children" false
fi
check "run.sh exits 0 (got $status)" status_is 0
finish
