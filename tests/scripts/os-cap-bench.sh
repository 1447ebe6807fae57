#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap bench under -icount shift=0,sleep=off (1 ns = 1 instruction) with
# 2 GiB: a 4 MiB hello domain from cap create to its first console byte,
# from destroy to its memory free, and how many run at once (creating
# until memory runs out must fail cleanly, and all come back).
set -u
. tests/os/lib.sh
os_run tests/os/cap-bench/script --icount --mem 2G
check "create figure" has '^bench: create to first console byte: [0-9]+ ns$'
check "destroy figure" has '^bench: destroy to memory free: [0-9]+ ns$'
check "domains at once" has '^bench: [0-9]+ domains of 4 MiB at once'
check "a clean out-of-memory error" has 'populate: (Cannot allocate memory|Not enough space)'
check "all memory back" has '^bench: all destroyed: free frames ([0-9]+) \(before: \1\)$'
check "run.sh exits 0 (got $status)" status_is 0
finish
