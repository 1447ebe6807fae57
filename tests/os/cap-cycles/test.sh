#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# 200 cycles of building a 4 MiB hello domain and destroying it: the free
# frames afterwards equal those before.
set -u
. tests/os/lib.sh
os_run tests/os/cap-cycles/script
check "200 cycles, frames unchanged" has '^cycle: 200 creates and destroys: free frames ([0-9]+) before, \1 after$'
check "run.sh exits 0 (got $status)" status_is 0
finish
