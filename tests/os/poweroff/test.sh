#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# poweroff N in the shell powers the machine off: the kernel says so, and
# ./run.sh --script exits with N; nothing after it is run.
set -u
. tests/os/lib.sh
os_run tests/os/poweroff/script
check "the kernel reports poweroff 4" has 'kernel: poweroff \(status 4\)'
check "the line after poweroff is not run" lacks '^never typed$'
check "run.sh exits 4 (got $status)" status_is 4
finish
