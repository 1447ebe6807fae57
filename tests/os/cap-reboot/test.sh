#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap reboot asks a domU to reboot (VIRQ_SHUTDOWN); it shuts itself down
# with reason reboot, and on_reboot = "restart" destroys it and builds it
# again (under the lowest free id, 1 again); cap dmesg reads the
# hypervisor's log ring.
set -u
. tests/os/lib.sh
os_run tests/os/cap-reboot/script
check "the domU reboots itself" has '^Domain 1 \(shell\): reboot$'
check "its monitor restarts it" after '^Domain 1 \(shell\) destroyed' '^Domain 1 \(shell\) created \(restarted\)$'
check "cap list shows it running again" after '^Domain 1 \(shell\) created \(restarted\)$' '^shell +1 +8 +1 +(r-----|-b----)'
check "cap dmesg shows the hypervisor log" after '^dom0# cap dmesg$' 'Domain 1 \(shell\) created by dom0'
check "destroy removes it" after '^dom0# cap destroy shell$' '^Domain 1 \(shell\) destroyed'
check "run.sh exits 0 (got $status)" status_is 0
finish
