#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# dom0's limits with many domains: consoles past the 16th work (the back
# end serves SYS_DOMCONS_MAX), and a create that hits dom0's process
# table (no room for its monitor) fails cleanly: a message naming the
# limit, exit status 1, and no domain left behind.
set -u
. tests/os/lib.sh

os_run tests/os/cap-limits/script
check "30 domains created" has '^Domain 30 \(m30\) created, paused$'
check "the 20th's console shows its greeting" \
    after '^(dom0# )?cap console m20$' '^Hello from user space! I am process 1 on m20\.$'
check "and its end" after '^(dom0# )?cap console m20$' '^cap: domain 20 \(m20\) has stopped$'
check "the 31st names the process limit" \
    has '^cap: create: domain 31 \(m31\): cannot start its monitor: dom0 runs at most 32 processes at once, and has that many; the domain is destroyed$'
check "the 31st create exits 1" after 'name=m31 on_crash=destroy$' '^sh: cap: exit status 1$'
check "it is not announced as created" lacks '^Domain 31 \(m31\) created(, paused)?$'
check "nothing of it is left" lacks '^m31 '
check "no console is missing" lacks 'No such file'
finish
