#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The shell reports a non-zero exit status and an unknown command.
set -u
. tests/os/lib.sh
os_run tests/os/status/script
check "false: exit status 1" has '^sh: false: exit status 1$'
check "command not found" has '^sh: nosuchprog: command not found$'
check "echo still runs" has '^ok$'
check "run.sh exits 0, the status of echo (got $status)" status_is 0
finish
