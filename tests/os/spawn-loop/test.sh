#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Spawning until the process limit gives a clear EAGAIN error; the children
# are killed and reaped, and ps shows them gone.
set -u
. tests/os/lib.sh
os_run tests/os/spawn-loop/script
check "spawn fails with EAGAIN" has '^spawn-loop: spawn failed after [0-9]+ children: .* \(errno 11\)$'
check "spawn-loop reports SUCCESS" has '^Test result: SUCCESS$'
check "ps shows no spawn-loop child left" lacks '^ +[0-9]+ +[0-9]+ .* spawn-loop$'
check "run.sh exits 0 (got $status)" status_is 0
finish
