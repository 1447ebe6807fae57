#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap bench, small: under -icount shift=0,sleep=off with 256 MiB, a 4 MiB
# hello domain from cap create to its first console byte and from destroy
# to its memory free, then domains created until memory runs out (a few
# dozen here): that must fail cleanly, and all memory come back. The
# density benchmark is the same script with 2 GiB (docs/benchmarks.md).
set -u
. tests/os/lib.sh
os_run tests/os/cap-bench/script --icount --mem 256M
check "create figure (first, images read)" has '^bench: first create \(images read\) to first console byte: [0-9]+ ns$'
check "create figure (images cached)" has '^bench: create to first console byte \(images cached\): [0-9]+ ns$'
check "its stages" has '^bench:   populate \(with createdomain, set_max_mem\): [0-9]+ ns$'
check "the cache reads nothing" has '^bench:   read kernel and ramdisk: [0-9]{1,5} ns$'
check "destroy figure" has '^bench: destroy to memory free: [0-9]+ ns$'
check "a few dozen domains at once" has '^bench: [1-9][0-9] domains of 4 MiB at once'
check "a clean out-of-memory error" \
    has '^cap: bench: .*: (Cannot allocate memory|Not enough space|not enough free memory: .*)$'
check "all memory back" has '^bench: all destroyed: free frames ([0-9]+) \(before: \1\)$'
check "run.sh exits 0 (got $status)" status_is 0
finish
