#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap top shows each domain's CPU time, hypercalls and memory, one screen
# per refresh; -n N stops after N screens, q quits the live view.
set -u
. tests/os/lib.sh
os_run tests/os/cap-top/script
check "two screens with -n 2" has '^cap top: 2 '
check "the header" has 'Name +ID +State +CPU\(s\) +CPU% +Hypercalls'
check "dom0 is listed" has '^Domain-0 +0 '
check "the paused domain is listed" has '^idle +[0-9]+ +p'
check "q returns to the shell" after '^cap top: ' '^after top$'
check "run.sh exits 0 (got $status)" status_is 0
finish
