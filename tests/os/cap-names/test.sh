#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap -h and --version, cap list with names and ids, cap domid and cap
# domname (xl's lookups), and what each says when the domain is not there.
set -u
. tests/os/lib.sh
os_run tests/os/cap-names/script
check "cap -h prints the usage" after '^dom0# cap -h$' '^usage: cap COMMAND'
check "cap --version names the ABI" \
    has '^cap, the Carapace toolstack, for hypercall ABI [0-9]+\.[0-9]+$'
check "cap list shell lists shell alone" \
    after '^dom0# cap list shell$' '^shell +1 +8 +1 +--p--- '
check "cap list -l 0 shell: Domain-0 then shell" \
    after '^dom0# cap list -l 0 shell$' '^Domain-0 +0 '
check "cap list nosuch fails" \
    after '^dom0# cap list nosuch$' "^cap: list: no domain named 'nosuch'$"
check "its exit status is 1" after '^dom0# cap list nosuch$' '^sh: cap: exit status 1$'
check "cap domid shell" after '^dom0# cap domid shell$' '^1$'
check "cap domid Domain-0" after '^dom0# cap domid Domain-0$' '^0$'
check "cap domid nosuch" after '^dom0# cap domid nosuch$' "^cap: domid: no domain named 'nosuch'$"
check "cap domname 1" after '^dom0# cap domname 1$' '^shell$'
check "cap domname 0" after '^dom0# cap domname 0$' '^Domain-0$'
check "cap domname 7" after '^dom0# cap domname 7$' '^cap: domname: no domain with id 7$'
check "cap domname x1" after '^dom0# cap domname x1$' "^cap: domname: 'x1' is not a domain id$"
check "run.sh exits 0 (got $status)" status_is 0
finish
