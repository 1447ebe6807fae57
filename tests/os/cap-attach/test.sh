#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap console: typed lines reach a domU's shell through its console ring,
# its answers come back, and Ctrl-] returns to dom0 with the domU still
# running; then it is destroyed.
set -u
. tests/os/lib.sh
os_run tests/os/cap-attach/script
check "the domU's prompt appears on the console" has '^shell# '
check "a typed line reaches the domU's shell" has '^typed into the domU$'
check "the domU lists its own /bin" after '^shell# ls /bin' '^sh$'
check "Ctrl-] returns to dom0's prompt" after 'typed into the domU' '^dom0# cap list$'
check "the domU still runs after detaching" has '^shell +[0-9]+ +8 +1 +(r-----|-b----)'
check "destroy removes it" after '^dom0# cap destroy shell' '^dom0# cap list$'
check "run.sh exits 0 (got $status)" status_is 0
finish
