#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ./run.sh --script believes only dom0's own end-of-session line: a
# domU's "kernel: init exited with status N" or "kernel: poweroff (status
# N)", printed through cap console, neither stops the script nor sets its
# status.
set -u
. tests/os/lib.sh
os_run tests/os/script-domu-end/script
check "the first domU's init exits 1 on its console" has '^kernel: init exited with status 1$'
check "the session goes on after it" has '^after the first$'
check "the second domU powers off on its console" has '^kernel: poweroff \(status 0\)$'
check "the session goes on after that too" has '^after the second$'
check "dom0's own line ends it" after '^dom0# exit 3$' '^kernel: init exited with status 3$'
check "run.sh exits 3, dom0's status (got $status)" status_is 3
finish
