#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ./run.sh --script exits with the status of the script's last command
# (false 3: 3), through the kernel's "init exited with status" line.
set -u
. tests/os/lib.sh
os_run tests/os/exit-status/script
check "the kernel reports status 3" has 'kernel: init exited with status 3'
check "run.sh exits 3 (got $status)" status_is 3
finish
