#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The monitor: a domU whose init faults crashes; with on_crash = "restart"
# it is built again (a new id), with "destroy" it is gone.
set -u
. tests/os/lib.sh
os_run tests/os/cap-crash/script
check "crash restarted" has '^cap: domain [0-9]+ \(crash\) crashed: restart$'
check "a new domain" has '^Domain [0-9]+ \(crash\) created \(restarted\)$'
check "gone destroyed" has '^cap: domain [0-9]+ \(gone\) crashed: destroy$'
check "gone is not listed" lacks '^gone '
check "run.sh exits 0 (got $status)" status_is 0
finish
