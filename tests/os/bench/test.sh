#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench-os under -icount (deterministic): the costs of a system call, a
# demand-zero page fault and a spawn, in instructions (1 ns = 1 insn).
set -u
. tests/os/lib.sh
os_run tests/os/bench/script --icount
check "system call figure" has '^bench: syscall getpid +[0-9]+ x +[0-9]+ ns$'
check "page fault figure" has '^bench: page fault \(demand zero\) +[0-9]+ x +[0-9]+ ns$'
check "spawn figure" has '^bench: spawn \+ exit \+ wait +[0-9]+ x +[0-9]+ ns$'
check "run.sh exits 0 (got $status)" status_is 0
finish
