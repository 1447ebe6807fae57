#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap console shows a domU's output (through dom0's console back end);
# that domU's init, /bin/eperm, checks that every domain-control call it
# makes is refused by the hypervisor with EPERM.
set -u
. tests/os/lib.sh
os_run tests/os/cap-console/script
check "the domU's banner on cap console" has '^Carapace guest kernel: eperm, 4 MiB'
check "getdomaininfo refused" has '^eperm: getdomaininfo -> -1$'
check "createdomain refused" has '^eperm: createdomain -> -1$'
check "DOMCTL_copy not a process's command" has '^eperm: copy -> -88 \(not a process.s command\)$'
check "every call refused" has '^eperm: every dom0-only call refused with EPERM$'
check "its init exited 0" has '^kernel: init exited with status 0$'
check "it is shut down (not preserved by a monitor: -M)" has '^eperm +[0-9]+ +4 +1 +---s--'
finish
