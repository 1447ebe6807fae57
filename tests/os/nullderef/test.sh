#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# A NULL dereference in a user program: the kernel kills it with a message
# naming address 0x0, the shell reports status 139 and goes on.
set -u
. tests/os/lib.sh
os_run tests/os/nullderef/script
check "the kernel names address 0x0" has '(^|[^0-9a-fA-Fx])0x0+([^0-9a-fA-F]|$)'
check "the shell reports status 139" has '^sh: nullderef: exit status 139$'
check "the shell goes on: echo alive" after 'exit status 139' '^alive$'
check "run.sh exits 0 (got $status)" status_is 0
finish
